// Pulumi's real dynamic-provider host (@pulumi/pulumi/cmd/dynamic-provider), started as
// `pulumi` starts it, in the project root, and driven over gRPC as the engine drives it.

import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { projectRoot } from "./stand-in-engine";

export type Props = Record<string, unknown>;

export interface CheckResponse {
    inputs: Props;
    failures: { property: string; reason: string }[];
}

export interface DiffResponse {
    changes: "none" | "some" | "unknown";
    replaces: string[];
    deleteBeforeReplace: boolean;
}

export class ProviderHost {
    /** gRPC methods called, in order, e.g. "Check", "Create". */
    readonly calls: string[] = [];
    /** What the host printed after its port, and on stderr: swept for secrets by the leak tests. */
    stdout = "";
    stderr = "";

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: provrpc.ResourceProviderClient,
    ) {}

    /**
     * Starts a host process: one per deployment, as `pulumi` does, in the program's directory.
     * `hostScript` is the host of another @pulumi/pulumi installation (a consumer program's).
     */
    static async start(
        env: NodeJS.ProcessEnv = {},
        programDir = projectRoot,
        hostScript = path.join(projectRoot, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"),
    ): Promise<ProviderHost> {
        // The engine address is required but never dialled by the dynamic provider host.
        const child = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
            cwd: programDir,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        const port = await new Promise<number>((resolve, reject) => {
            const onData = (chunk: Buffer) => {
                out += chunk.toString();
                const line = out.split("\n")[0];
                if (out.includes("\n") && line) {
                    child.stdout!.off("data", onData);
                    resolve(Number(line.trim()));
                }
            };
            child.stdout!.on("data", onData);
            child.on("exit", (code) => reject(new Error(`provider host exited with ${code} before printing its port`)));
        });
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const host = new ProviderHost(child, client);
        host.stdout = out.slice(out.indexOf("\n") + 1);
        child.stdout!.on("data", (chunk: Buffer) => (host.stdout += chunk.toString()));
        child.stderr!.on("data", (chunk: Buffer) => (host.stderr += chunk.toString()));
        await host.configure();
        return host;
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            const exited = new Promise((resolve) => this.child.on("exit", resolve));
            this.child.kill();
            await exited;
        }
    }

    private configure(): Promise<void> {
        const request = new provproto.ConfigureRequest();
        request.setArgs(structproto.Struct.fromJavaScript({}));
        request.setAcceptsecrets(true);
        request.setAcceptresources(true);
        return this.unary("Configure", (cb) => this.client.configure(request, cb)).then(() => undefined);
    }

    async check(urn: string, olds: Props, news: Props): Promise<CheckResponse> {
        const request = new provproto.CheckRequest();
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        const response = await this.unary<provproto.CheckResponse>("Check", (cb) => this.client.check(request, cb));
        return {
            inputs: (response.getInputs()?.toJavaScript() ?? {}) as Props,
            failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResponse> {
        const request = new provproto.DiffRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setOldInputs(toStruct(oldInputs));
        const response = await this.unary<provproto.DiffResponse>("Diff", (cb) => this.client.diff(request, cb));
        const changes = response.getChanges();
        const kinds = provproto.DiffResponse.DiffChanges;
        return {
            changes: changes === kinds.DIFF_NONE ? "none" : changes === kinds.DIFF_SOME ? "some" : "unknown",
            replaces: response.getReplacesList(),
            deleteBeforeReplace: response.getDeletebeforereplace(),
        };
    }

    async create(urn: string, properties: Props): Promise<{ id: string; outputs: Props }> {
        const request = new provproto.CreateRequest();
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        const response = await this.unary<provproto.CreateResponse>("Create", (cb) => this.client.create(request, cb));
        return { id: response.getId(), outputs: (response.getProperties()?.toJavaScript() ?? {}) as Props };
    }

    async read(id: string, urn: string, properties: Props, inputs: Props): Promise<{ id: string; outputs: Props; inputs: Props }> {
        const request = new provproto.ReadRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        request.setInputs(toStruct(inputs));
        const response = await this.unary<provproto.ReadResponse>("Read", (cb) => this.client.read(request, cb));
        return {
            id: response.getId(),
            outputs: (response.getProperties()?.toJavaScript() ?? {}) as Props,
            inputs: (response.getInputs()?.toJavaScript() ?? {}) as Props,
        };
    }

    async update(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<Props> {
        const request = new provproto.UpdateRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setOlds(toStruct(olds));
        request.setNews(toStruct(news));
        request.setOldInputs(toStruct(oldInputs));
        const response = await this.unary<provproto.UpdateResponse>("Update", (cb) => this.client.update(request, cb));
        return (response.getProperties()?.toJavaScript() ?? {}) as Props;
    }

    async delete(id: string, urn: string, properties: Props): Promise<void> {
        const request = new provproto.DeleteRequest();
        request.setId(id);
        request.setUrn(urn);
        request.setProperties(toStruct(properties));
        await this.unary("Delete", (cb) => this.client.delete(request, cb));
    }

    private unary<T>(method: string, call: (cb: (err: grpc.ServiceError | null, response: T) => void) => void): Promise<T> {
        this.calls.push(method);
        return new Promise<T>((resolve, reject) => call((err, response) => (err ? reject(err) : resolve(response))));
    }
}

function toStruct(props: Props): structproto.Struct {
    // Struct cannot carry undefined: an absent property is simply not sent, as the engine does.
    const defined = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
    return structproto.Struct.fromJavaScript(defined as Record<string, structproto.JavaScriptValue>);
}
