// The policy pack as the Pulumi CLI runs it: policy/index.ts started in its own process (it
// serves @pulumi/policy's analyzer over gRPC and prints its port), configured with a policy
// config, then asked to analyze each resource (its inputs) and the stack, as the engine does.

import * as grpc from "@grpc/grpc-js";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { ChildProcess, spawn } from "child_process";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { projectRoot } from "../harness/stand-in-engine";

/** A resource as the engine sends it to an analyzer. */
export interface AnalyzedResource {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, unknown>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

export interface Diagnostic {
    policy: string;
    message: string;
    urn: string;
    advisory: boolean;
}

export interface PolicyPack {
    /** Every diagnostic of Analyze (each resource) and AnalyzeStack, with this policy config. */
    analyze(resources: AnalyzedResource[], config?: Record<string, Record<string, unknown>>): Promise<Diagnostic[]>;
    stop(): void;
}

export async function startPolicyPack(): Promise<PolicyPack> {
    const child: ChildProcess = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
        cwd: path.join(projectRoot, "policy"),
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const match = /^(\d+)\s*$/m.exec(out);
            if (match) {
                resolve(match[1]!);
            }
        });
        child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving: ${stderr}`)));
    });
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const unary = <Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req) =>
        new Promise<Res>((resolve, reject) => method.call(client, request, (err, res) => (err ? reject(err) : resolve(res))));

    const toResource = <T extends analyzerproto.AnalyzeRequest | analyzerproto.AnalyzerResource>(message: T, r: AnalyzedResource): T => {
        message.setType(r.type);
        message.setName(r.name);
        message.setUrn(r.urn);
        message.setProperties(structproto.Struct.fromJavaScript(r.inputs as Record<string, structproto.JavaScriptValue>));
        message.setOptions(new analyzerproto.AnalyzerResourceOptions());
        return message;
    };
    const diagnostics = (response: analyzerproto.AnalyzeResponse): Diagnostic[] =>
        response.getDiagnosticsList().map((d) => ({
            policy: d.getPolicyname(),
            // @pulumi/policy puts the policy's description before the message.
            message: d.getMessage().startsWith(`${d.getDescription()}\n`) ? d.getMessage().slice(d.getDescription().length + 1) : d.getMessage(),
            urn: d.getUrn(),
            advisory: d.getEnforcementlevel() === analyzerproto.EnforcementLevel.ADVISORY,
        }));

    return {
        async analyze(resources, config = {}) {
            const configure = new analyzerproto.ConfigureAnalyzerRequest();
            for (const [policy, properties] of Object.entries(config)) {
                const policyConfig = new analyzerproto.PolicyConfig();
                policyConfig.setEnforcementlevel(analyzerproto.EnforcementLevel.MANDATORY);
                policyConfig.setProperties(structproto.Struct.fromJavaScript(properties as Record<string, structproto.JavaScriptValue>));
                configure.getPolicyconfigMap().set(policy, policyConfig);
            }
            await unary(client.configure, configure);
            const found: Diagnostic[] = [];
            for (const r of resources) {
                found.push(...diagnostics(await unary(client.analyze, toResource(new analyzerproto.AnalyzeRequest(), r))));
            }
            const stack = new analyzerproto.AnalyzeStackRequest();
            stack.setResourcesList(
                resources.map((r) => {
                    const resource = toResource(new analyzerproto.AnalyzerResource(), r);
                    resource.setDependenciesList(r.dependencies);
                    for (const [property, urns] of Object.entries(r.propertyDependencies)) {
                        const deps = new analyzerproto.AnalyzerPropertyDependencies();
                        deps.setUrnsList(urns);
                        resource.getPropertydependenciesMap().set(property, deps);
                    }
                    return resource;
                }),
            );
            found.push(...diagnostics(await unary(client.analyzeStack, stack)));
            return found;
        },
        stop() {
            client.close();
            child.kill();
        },
    };
}
