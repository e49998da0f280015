// A stand-in for the AWS resource provider, for the stacks under the real Pulumi CLI: a
// pulumirpc.ResourceProvider gRPC server on loopback that the engine attaches to through
// PULUMI_DEBUG_PROVIDERS=aws:<port> (the AWS plugin itself cannot be installed here). It answers
// as @pulumi/aws would for the resources the stacks declare (ids, names, ARNs, the access key's id
// and secret), keeps what exists, and records every call in order, so that the engine's own rules
// (protect, replacement order, dependencies, destroy order, secrets) are what the tests observe.
//   Check      inputs as given (no autonaming: names are given at Create)
//   Diff       changed input keys; a key that AWS cannot change in place asks for a replacement
//   Create     a new id and outputs (a bucket's name and ARN, a user's ARN, a key's id and secret);
//              at preview, nothing: computed outputs unknown
//   Update     outputs with the new inputs (stored unless at preview)
//   Delete     removes it; a bucket holding objects without forceDestroy fails like BucketNotEmpty
//   Read       what exists, as stored

import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as providerrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerproto from "@pulumi/pulumi/proto/provider_pb";

type Props = Record<string, unknown>;
type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The version of @pulumi/aws the project pins: the engine asks for the plugin of that version. */
export const awsPluginVersion = "7.48.0";

const accountId = "123456789012";
/** How the engine spells a value not known yet. */
const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The outputs AWS computes at creation, by type. */
function computedOutputs(type: string): string[] {
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return ["bucket", "arn", "region"];
        case "aws:iam/user:User":
            return ["name", "arn", "uniqueId"];
        case "aws:iam/accessKey:AccessKey":
            return ["secret", "status"];
        default:
            return [];
    }
}
const secretSignature = "4dabf18193072939515e22adb298388d";

/** Input keys that AWS cannot change in place (ForceNew in the Terraform provider), by type. */
const replacedOnChange: Record<string, string[]> = {
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
    "aws:iam/accessKey:AccessKey": ["user", "pgpKey"],
    "aws:iam/userPolicy:UserPolicy": ["user", "name", "namePrefix"],
};
const bucketScoped = ["bucket", "expectedBucketOwner"];

export interface ProviderCall {
    method: "Check" | "Diff" | "Create" | "Update" | "Delete" | "Read";
    type: string;
    /** The resource's name in the program (the URN's last part). */
    name: string;
    /** A Create or Update of a preview: nothing is written, computed outputs are unknown. */
    preview: boolean;
    /** Set when the call failed. */
    error?: string;
}

export interface AwsResource {
    type: string;
    name: string;
    id: string;
    outputs: Props;
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeOf(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** A value without Pulumi's secret wrapper. */
function plain(value: unknown): unknown {
    if (typeof value === "object" && value !== null && (value as Props)[secretSignature] !== undefined) {
        return (value as Props).value;
    }
    return value;
}

function toStruct(props: Props): structproto.Struct {
    return structproto.Struct.fromJavaScript(props as Record<string, structproto.JavaScriptValue>);
}

function fromStruct(struct: structproto.Struct | undefined): Props {
    return (struct?.toJavaScript() ?? {}) as Props;
}

export class AwsStandIn {
    /** Every resource call, in the order the engine made them. */
    readonly calls: ProviderCall[] = [];
    /** What exists in the stand-in's account, by `type id`. */
    readonly resources = new Map<string, AwsResource>();
    /** Names of the buckets that hold objects (archives, logs). */
    private readonly nonEmptyBuckets = new Set<string>();
    private readonly refusedDeletes = new Map<string, string>();
    private server: grpc.Server | undefined;
    private created = 0;
    port = 0;

    /** `onCall` sees each resource call as it arrives, e.g. to interleave it with other servers' logs. */
    constructor(private readonly onCall: (call: ProviderCall) => void = () => undefined) {}

    /** The calls of one kind, as `Type name` (the type's last part), in order. */
    callsOf(method: ProviderCall["method"]): string[] {
        return this.calls
            .filter((c) => c.method === method)
            .map((c) => `${c.type.slice(c.type.lastIndexOf(":") + 1)} ${c.name}${c.error ? " (failed)" : ""}`);
    }

    clearCalls(): void {
        this.calls.splice(0);
    }

    /** What exists now of the resources of this name. */
    existing(name: string): AwsResource[] {
        return [...this.resources.values()].filter((r) => r.name === name);
    }

    /** Makes every delete of this bucket fail with `message`, force-destroyed or not. */
    refuseDeleteOf(bucketName: string, message: string): void {
        this.refusedDeletes.set(bucketName, message);
    }

    /** Puts an object into the bucket: its delete now fails unless it is force-destroyed. */
    putObject(bucketName: string): void {
        this.nonEmptyBuckets.add(bucketName);
    }

    async start(): Promise<number> {
        const server = new grpc.Server();
        server.addService(providerrpc.ResourceProviderService, this.handlers() as grpc.UntypedServiceImplementation);
        this.port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
        );
        this.server = server;
        return this.port;
    }

    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (server) {
            await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        }
    }

    private handlers(): Partial<providerrpc.IResourceProviderServer> {
        const answer =
            <Req, Res>(method: ProviderCall["method"] | undefined, handle: (request: Req) => Res): Unary<Req, Res> =>
            (call, callback) => {
                const request = call.request as unknown as { getUrn?: () => string; getPreview?: () => boolean };
                const urn = request.getUrn?.() ?? "";
                const record: ProviderCall | undefined =
                    method && urn ? { method, type: typeOf(urn), name: nameOf(urn), preview: request.getPreview?.() === true } : undefined;
                if (record && record.type !== "pulumi:providers:aws") {
                    this.calls.push(record);
                    this.onCall(record);
                }
                try {
                    callback(null, handle(call.request));
                } catch (e) {
                    if (record) {
                        record.error = (e as Error).message;
                    }
                    callback({ code: grpc.status.UNKNOWN, details: (e as Error).message }, null);
                }
            };
        return {
            getPluginInfo: answer(undefined, () => new pluginproto.PluginInfo().setVersion(awsPluginVersion)),
            handshake: answer(undefined, () =>
                new providerproto.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true).setAcceptOutputs(false),
            ),
            getSchema: answer(undefined, () => new providerproto.GetSchemaResponse().setSchema("{}")),
            checkConfig: answer(undefined, (r: providerproto.CheckRequest) => new providerproto.CheckResponse().setInputs(r.getNews())),
            diffConfig: answer(undefined, () => new providerproto.DiffResponse().setChanges(providerproto.DiffResponse.DiffChanges.DIFF_NONE)),
            configure: answer(undefined, () =>
                new providerproto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(true).setSupportspreview(false),
            ),
            // The engine tells an attached provider where it is; nothing to do with it here.
            attach: answer(undefined, () => new emptyproto.Empty()),
            cancel: answer(undefined, () => new emptyproto.Empty()),
            check: answer("Check", (r: providerproto.CheckRequest) => new providerproto.CheckResponse().setInputs(r.getNews())),
            diff: answer("Diff", (r: providerproto.DiffRequest) =>
                this.diff(typeOf(r.getUrn()), fromStruct(r.getOldInputs() ?? r.getOlds()), fromStruct(r.getNews())),
            ),
            create: answer("Create", (r: providerproto.CreateRequest) => {
                const type = typeOf(r.getUrn());
                const name = nameOf(r.getUrn());
                const { id, outputs } = this.create(type, name, fromStruct(r.getProperties()), r.getPreview());
                return new providerproto.CreateResponse().setId(id).setProperties(toStruct(outputs));
            }),
            update: answer("Update", (r: providerproto.UpdateRequest) => {
                const existing = this.resources.get(`${typeOf(r.getUrn())} ${r.getId()}`);
                const outputs = { ...fromStruct(r.getOlds()), ...fromStruct(r.getNews()) };
                if (existing && !r.getPreview()) {
                    existing.outputs = outputs;
                }
                return new providerproto.UpdateResponse().setProperties(toStruct(outputs));
            }),
            delete: answer("Delete", (r: providerproto.DeleteRequest) => {
                this.delete(typeOf(r.getUrn()), r.getId(), fromStruct(r.getProperties()));
                return new emptyproto.Empty();
            }),
            read: answer("Read", (r: providerproto.ReadRequest) => {
                const existing = this.resources.get(`${typeOf(r.getUrn())} ${r.getId()}`);
                const response = new providerproto.ReadResponse();
                // An empty id tells the engine the resource is gone.
                if (existing) {
                    response.setId(existing.id).setProperties(toStruct(existing.outputs)).setInputs(r.getInputs());
                }
                return response;
            }),
        };
    }

    private diff(type: string, olds: Props, news: Props): providerproto.DiffResponse {
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => !k.startsWith("__"));
        const changed = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        const forceNew = type.startsWith("aws:s3/bucket") && type !== "aws:s3/bucket:Bucket" ? bucketScoped : (replacedOnChange[type] ?? []);
        const response = new providerproto.DiffResponse()
            .setChanges(changed.length > 0 ? providerproto.DiffResponse.DiffChanges.DIFF_SOME : providerproto.DiffResponse.DiffChanges.DIFF_NONE)
            .setDiffsList(changed)
            .setReplacesList(changed.filter((k) => forceNew.includes(k)));
        return response;
    }

    private create(type: string, name: string, inputs: Props, preview: boolean): { id: string; outputs: Props } {
        if (preview) {
            // The engine asks at preview too (Configure's supportsPreview notwithstanding): what AWS
            // would compute is not known yet.
            return { id: "", outputs: { ...inputs, ...Object.fromEntries(computedOutputs(type).map((k) => [k, unknown])) } };
        }
        const serial = String(++this.created).padStart(4, "0");
        let id: string;
        let computed: Props = {};
        switch (type) {
            case "aws:s3/bucket:Bucket":
                // Autonamed as @pulumi/aws does: the resource name and a random suffix.
                id = `${name}-${serial}`;
                computed = { bucket: id, arn: `arn:aws:s3:::${id}`, region: "us-east-1" };
                break;
            case "aws:iam/user:User":
                id = `${name}-${serial}`;
                computed = { name: id, arn: `arn:aws:iam::${accountId}:user${String(inputs.path ?? "/")}${id}`, uniqueId: `AIDASTANDIN${serial}` };
                break;
            case "aws:iam/accessKey:AccessKey":
                id = `AKIASTANDIN0000${serial}`;
                computed = { secret: `stand-in-aws-secret-${serial}-Vd8sQ2`, status: "Active" };
                break;
            case "aws:iam/userPolicy:UserPolicy":
                id = `${String(plain(inputs.user))}:${name}-${serial}`;
                break;
            default:
                // A bucket's configuration: one per bucket, named by it.
                id = String(plain(inputs.bucket));
        }
        const outputs = { ...inputs, ...computed, id };
        // A bucket's configuration is one per bucket: a new one overwrites the old (PutBucketPolicy...).
        this.resources.set(`${type} ${id}`, { type, name, id, outputs });
        return { id, outputs };
    }

    private delete(type: string, id: string, outputs: Props): void {
        const refusal = type === "aws:s3/bucket:Bucket" ? this.refusedDeletes.get(id) : undefined;
        if (refusal !== undefined) {
            throw new Error(`deleting S3 Bucket (${id}): ${refusal}`);
        }
        if (type === "aws:s3/bucket:Bucket" && this.nonEmptyBuckets.has(id)) {
            if (plain(outputs.forceDestroy) !== true) {
                throw new Error(
                    `deleting S3 Bucket (${id}): operation error S3: DeleteBucket, https response error StatusCode: 409, api error BucketNotEmpty: The bucket you tried to delete is not empty`,
                );
            }
            this.nonEmptyBuckets.delete(id);
        }
        this.resources.delete(`${type} ${id}`);
        if (type === "aws:s3/bucket:Bucket") {
            // S3 deletes a bucket's configuration with it.
            for (const [key, resource] of this.resources) {
                if (resource.type.startsWith("aws:s3/bucket") && resource.id === id) {
                    this.resources.delete(key);
                }
            }
        }
    }
}
