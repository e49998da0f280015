// A stand-in for the Pulumi engine's side of a program run: a gRPC server implementing
// pulumirpc.ResourceMonitor and pulumirpc.Engine, so the program can be run by
// @pulumi/pulumi/cmd/run exactly as Pulumi's Node language host runs it, with every resource
// registration and log line recorded.

import { spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as path from "path";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";

import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

export const projectRoot = path.resolve(__dirname, "..", "..");

export interface Registration {
    type: string;
    name: string;
    urn: string;
    parent: string;
    custom: boolean;
    inputs: Record<string, unknown>;
    dependencies: string[];
    /** For each input, the URNs of the resources its value came from. */
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    /** The URN given as `deletedWith`, or "". */
    deletedWith: string;
    additionalSecretOutputs: string[];
}

/**
 * Outputs as AWS would give them, enough for this program: a bucket's name and ARN, a user's
 * name, an access key's secret (a fixed, recognisable value, to search for leaks).
 */
export function awsLikeOutputs(accessKeySecret: string) {
    return (type: string, name: string): Record<string, unknown> => {
        switch (type) {
            case "aws:s3/bucket:Bucket":
                return { bucket: `${name}-x1`, arn: `arn:aws:s3:::${name}-x1` };
            case "aws:iam/user:User":
                return { name: `${name}-user` };
            case "aws:iam/accessKey:AccessKey":
                return { secret: accessKeySecret };
            default:
                return {};
        }
    };
}

/**
 * What a current Pulumi CLI says it supports in `ResourceMonitor.GetDeploymentInfo`
 * (pulumi/pulumi `pkg/resource/deploy/source_eval.go`, `supportedMonitorFeatures`), so the SDK
 * takes the same paths as under `pulumi` instead of the per-feature probes kept for old CLIs.
 */
const currentMonitorFeatures = [
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_REPLACEMENT_TRIGGER,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ERROR_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SENDS_OPTIONS_TO_HOOKS,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_BYTE_STRING,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_DEPENDS_ON,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_PARENT,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_INVOKE_OUTPUT_VALUES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_CALL_OUTPUT_VALUES,
    resproto.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_REGISTER_RESOURCE_OUTPUT_VALUES,
];

const signatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";
const outputValueSignature = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Output values (sent because the monitor supports them) as the engine stores them: a secret
 * output as a secret, an unknown one as the unknown placeholder, any other as its plain value.
 */
function decodeOutputValues(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(decodeOutputValues);
    if (value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object[signatureKey] === outputValueSignature) {
        const inner = "value" in object ? decodeOutputValues(object.value) : unknownValue;
        return object.secret === true ? { [signatureKey]: secretSignature, value: inner } : inner;
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, decodeOutputValues(v)]));
}

export interface ProgramResult {
    exitCode: number | null;
    stdout: string;
    stderr: string;
    registrations: Registration[];
    /** What each component (and the stack) registered as its outputs, by URN. */
    registeredOutputs: Record<string, Record<string, unknown>>;
    logs: { severity: number; message: string }[];
    /** Features the SDK probed one by one with SupportsFeature: none when it read GetDeploymentInfo. */
    probedFeatures: string[];
    durationMs: number;
}

export interface RunOptions {
    stack: string;
    config: Record<string, string>;
    secretKeys?: string[];
    /** Skip type-checking, as PULUMI_NODEJS_TRANSPILE_ONLY=true does under `pulumi`. */
    transpileOnly?: boolean;
    /** The tsconfig the language host uses, as Pulumi.yaml's runtime option `tsconfig` sets it. */
    tsconfig?: string;
    /** Outputs the stand-in returns for a resource, on top of its inputs. */
    outputsFor?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
    /** Program directory; the project root by default. */
    programDir?: string;
    /** The program, relative to programDir or absolute; the directory itself by default. */
    program?: string;
    /** The @pulumi/pulumi whose language host runs the program; the project's by default. */
    pulumiDir?: string;
    project?: string;
}

function propertyDependenciesOf(request: resproto.RegisterResourceRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    request.getPropertydependenciesMap().forEach((deps, property) => {
        result[property] = deps.getUrnsList();
    });
    return result;
}

/** Runs a Pulumi program through @pulumi/pulumi/cmd/run against a recording stand-in engine. */
export async function runProgram(options: RunOptions): Promise<ProgramResult> {
    const project = options.project ?? "opentok-archive-storage";
    const registrations: Registration[] = [];
    const registeredOutputs: Record<string, Record<string, unknown>> = {};
    const logs: { severity: number; message: string }[] = [];
    const probedFeatures: string[] = [];
    let rootResource = "";

    const server = new grpc.Server();
    server.addService(resrpc.ResourceMonitorService, {
        getDeploymentInfo: ((_call, callback) => {
            const info = new resproto.DeploymentInfo();
            info.setProject(project);
            info.setStack(options.stack);
            info.setOrganization("organization");
            Object.entries(options.config).forEach(([key, value]) => info.getConfigMap().set(key, value));
            info.setConfigsecretkeysList(options.secretKeys ?? []);
            info.setDryrun(false);
            info.setParallel(16);
            info.setSupportedfeaturesList(currentMonitorFeatures);
            callback(null, info);
        }) as Unary<emptyproto.Empty, resproto.DeploymentInfo>,
        supportsFeature: ((call, callback) => {
            // Kept for old SDKs (the consumer matrix's oldest); a current SDK never asks.
            probedFeatures.push(call.request.getId());
            const response = new resproto.SupportsFeatureResponse();
            // The engine marks secrets only when the program can send them; say it can. The stacks'
            // bucket guards use deletedWith, which the SDK refuses to send to an engine without it.
            response.setHassupport(["secrets", "deletedWith"].includes(call.request.getId()));
            callback(null, response);
        }) as Unary<resproto.SupportsFeatureRequest, resproto.SupportsFeatureResponse>,
        registerResource: ((call, callback) => {
            try {
                registerResource(call, callback);
            } catch (e) {
                // A fault of the stand-in itself: make it visible in the run's logs.
                logs.push({ severity: 4, message: `stand-in engine failed on RegisterResource: ${(e as Error).stack}` });
                callback({ code: grpc.status.INTERNAL, details: String(e) }, null);
            }
        }) as Unary<resproto.RegisterResourceRequest, resproto.RegisterResourceResponse>,
        registerResourceOutputs: ((call, callback) => {
            registeredOutputs[call.request.getUrn()] = decodeOutputValues(call.request.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
            callback(null, new emptyproto.Empty());
        }) as Unary<resproto.RegisterResourceOutputsRequest, emptyproto.Empty>,
        signalAndWaitForShutdown: ((_call, callback) => callback(null, new emptyproto.Empty())) as Unary<unknown, emptyproto.Empty>,
    });
    const registerResource: Unary<resproto.RegisterResourceRequest, resproto.RegisterResourceResponse> = (call, callback) => {
        const request = call.request;
        const type: string = request.getType();
        const name: string = request.getName();
        const urn = `urn:pulumi:${options.stack}::${project}::${type}::${name}`;
        const inputs = decodeOutputValues(request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        registrations.push({
            type,
            name,
            urn,
            parent: request.getParent(),
            custom: request.getCustom(),
            inputs,
            dependencies: request.getDependenciesList(),
            propertyDependencies: propertyDependenciesOf(request),
            protect: request.getProtect() === true,
            deletedWith: request.getDeletedwith(),
            additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
        });
        const response = new resproto.RegisterResourceResponse();
        response.setUrn(urn);
        response.setId(request.getCustom() ? `${name}-id` : "");
        const outputs = { ...inputs, ...(options.outputsFor?.(type, name, inputs) ?? {}) };
        response.setObject(structproto.Struct.fromJavaScript(outputs as Record<string, structproto.JavaScriptValue>));
        callback(null, response);
    };
    server.addService(enginerpc.EngineService, {
        log: ((call, callback) => {
            logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
            callback(null, new emptyproto.Empty());
        }) as Unary<engineproto.LogRequest, emptyproto.Empty>,
        getRootResource: ((_call, callback) => {
            const response = new engineproto.GetRootResourceResponse();
            response.setUrn(rootResource);
            callback(null, response);
        }) as Unary<engineproto.GetRootResourceRequest, engineproto.GetRootResourceResponse>,
        setRootResource: ((call, callback) => {
            rootResource = call.request.getUrn();
            callback(null, new engineproto.SetRootResourceResponse());
        }) as Unary<engineproto.SetRootResourceRequest, engineproto.SetRootResourceResponse>,
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    const address = `127.0.0.1:${port}`;
    const started = Date.now();
    const programDir = options.programDir ?? projectRoot;
    try {
        const child = spawn(
            process.execPath,
            [
                path.join(options.pulumiDir ?? path.join(projectRoot, "node_modules", "@pulumi", "pulumi"), "cmd", "run"),
                `--monitor=${address}`,
                `--engine=${address}`,
                `--project=${project}`,
                `--stack=${options.stack}`,
                `--pwd=${programDir}`,
                options.program ?? ".",
            ],
            {
                cwd: programDir,
                env: {
                    ...process.env,
                    PULUMI_CONFIG: JSON.stringify(options.config),
                    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(options.secretKeys ?? []),
                    PULUMI_NODEJS_TYPESCRIPT: "true",
                    ...(options.transpileOnly === undefined ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: String(options.transpileOnly) }),
                    ...(options.tsconfig === undefined ? {} : { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig }),
                },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const exitCode = await new Promise<number | null>((resolve) => child.on("close", resolve));
        return { exitCode, stdout, stderr, registrations, registeredOutputs, logs, probedFeatures, durationMs: Date.now() - started };
    } finally {
        server.forceShutdown();
    }
}
