// Preflight: before the PUT, the provider uploads a probe with the target's own keys, as OpenTok
// may upload an archive: one single-part PutObject and one multipart upload. Against s3rver (a
// real S3 implementation on loopback, with multipart) for buckets, keys and endpoints, and
// against a scripted S3 stand-in for the SSE header, propagation delays and bucket policies.

import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { TargetInputs } from "../providers/inputs";
import { multipartProbeKey, preflightPolicyFromEnvironment, probeClientConfig, probeFailure, probeKey } from "../providers/preflight";
import type { ProbeStep } from "../providers/preflight";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { PreflightError } from "../providers/preflight";
import { S3Answer, S3Request, S3StandIn } from "./emulator/s3-stand-in";
import { ScriptedApi } from "./support/scripted-api";
import { encodings } from "./support/encodings";
import { apiSecret, OpenTokS3Inputs, secretKey, useEmulator, validInputs } from "./support/fixtures";
import { createFailure } from "./support/failures";
import { expectNoSecretIn } from "./support/secret-leaks";

const S3rver = require("s3rver");

const emulator = useEmulator();
const standIn = new S3StandIn();
const s3rverDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
let s3rver: { run(): Promise<{ port: number }>; close(): Promise<void> };
let s3rverUrl: string;

// A budget that leaves room for several 50 ms retries however slow the machine, and a deadline no
// loopback answer reaches.
const preflightEnvironment = { OPENTOK_PREFLIGHT_BUDGET_MS: "1000", OPENTOK_PREFLIGHT_RETRY_MS: "50", OPENTOK_PREFLIGHT_TIMEOUT_MS: "10000" };

beforeAll(async () => {
    Object.assign(process.env, preflightEnvironment);
    s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: s3rverDirectory, configureBuckets: [{ name: "acme-archives" }] });
    const { port } = await s3rver.run();
    s3rverUrl = `http://127.0.0.1:${port}`;
    await standIn.start();
});

afterAll(async () => {
    await s3rver.close();
    await standIn.stop();
    fs.rmSync(s3rverDirectory, { recursive: true, force: true });
    for (const name of Object.keys(preflightEnvironment)) {
        delete process.env[name];
    }
});

/** s3rver accepts the access key "S3RVER" (it does not check secret keys). */
function againstS3rver(overrides: Partial<TargetInputs> = {}): OpenTokS3Inputs {
    return validInputs(emulator, { verify: true, endpoint: s3rverUrl, bucket: "acme-archives", accessKey: "S3RVER", sse: "none", ...overrides });
}

function againstStandIn(overrides: Partial<TargetInputs> = {}): OpenTokS3Inputs {
    return validInputs(emulator, { verify: true, endpoint: standIn.url, bucket: "acme-archives", sse: "s3", ...overrides });
}

const createError = (inputs: object) => createFailure<PreflightError>(inputs);

function probeObjects(apiKey: string): string[] {
    const bucketDirectory = path.join(s3rverDirectory, "acme-archives");
    const found: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith("._S3rver_object")) {
                found.push(path.relative(bucketDirectory, full));
            }
        }
    };
    walk(path.join(bucketDirectory, apiKey));
    return found;
}

/** Where s3rver keeps an object, relative to the bucket's directory. */
const s3rverFile = (key: string) => key.replace(/\//g, path.sep) + "._S3rver_object";

describe("preflight against s3rver", () => {
    it("uploads the single-part and the multipart probe, then sets the target", async () => {
        const inputs = againstS3rver();
        await provider.create(inputs);
        expect(probeObjects(inputs.apiKey).sort()).toEqual(
            [s3rverFile(multipartProbeKey(inputs.apiKey)), s3rverFile(probeKey(inputs.apiKey))].sort(),
        );
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
    });

    it("leaves the same two objects however often it runs", async () => {
        const inputs = againstS3rver();
        await provider.create(inputs);
        await provider.update!(inputs.apiKey, inputs, { ...inputs, fallback: "opentok" });
        await provider.update!(inputs.apiKey, { ...inputs, fallback: "opentok" }, inputs);
        expect(probeObjects(inputs.apiKey)).toHaveLength(2);
    });

    it("fails before the PUT when the bucket does not exist", async () => {
        const error = await createError(againstS3rver({ bucket: "acme-missing" }));
        expect(error).toMatchObject({ name: "PreflightError" });
        expect(error.message).toMatch(
            /^Preflight upload to s3:\/\/acme-missing\/\d+\/opentok-archive-storage-preflight\/probe.txt at http:\/\/127.0.0.1:\d+ with accessKey S3RVER failed \(NoSuchBucket: .*\)\. The bucket acme-missing does not exist at http:\/\/127.0.0.1:\d+: check bucket \(and endpoint\)\. Set verify to false to skip this check\.$/,
        );
        expect(emulator.received()).toHaveLength(0);
    });

    it("fails before the PUT, after retrying for propagation, when the access key is unknown", async () => {
        const error = await createError(againstS3rver({ accessKey: "AKIAUNKNOWNKEY000000" }));
        expect(error.code).toBe("InvalidAccessKeyId");
        expect(error.message).toMatch(
            /failed \(InvalidAccessKeyId: .*\)\. It was retried for [\d.]+ s in case the key or policy was new\. The storage knows no such access key: check accessKey/,
        );
        expect(emulator.received()).toHaveLength(0);
    });

    it("fails before the PUT when nothing answers at the endpoint", async () => {
        const error = await createError(againstS3rver({ endpoint: "http://127.0.0.1:1" }));
        expect(error.message).toMatch(/failed \(no answer: .*ECONNREFUSED.*\)\. Check endpoint and the network\./);
        expect(emulator.received()).toHaveLength(0);
    });

    it("fails when SSE-S3 was asked for and the storage does not confirm it (s3rver does not)", async () => {
        const error = await createError(againstS3rver({ sse: "s3" }));
        expect(error.code).toBe("EncryptionNotConfirmed");
        expect(error.message).toMatch(
            /succeeded, but S3 did not confirm SSE-S3 encryption \(x-amz-server-side-encryption was "absent", expected "AES256"\)/,
        );
        expect(emulator.received()).toHaveLength(0);
    });

    it("sends no probe when verify is false", async () => {
        const inputs = againstS3rver({ verify: false, bucket: "acme-missing" });
        await provider.create(inputs);
        expect(emulator.received()).toHaveLength(1);
    });
});

/** What the stand-in received, as "Operation key sse-header". */
const received = (requests: S3Request[]) =>
    requests.map((r) => `${r.operation} ${r.path.split("?")[0]} ${r.headers["x-amz-server-side-encryption"] ?? "-"}`);

describe("preflight against the S3 stand-in", () => {
    it("makes a single-part and a multipart upload, asking for AES256 where S3 takes the header, then sets the target", async () => {
        standIn.script([], { status: 200, sse: "AES256" });
        const inputs = againstStandIn();
        await provider.create(inputs);
        const single = `/acme-archives/${probeKey(inputs.apiKey)}`;
        const multipart = `/acme-archives/${multipartProbeKey(inputs.apiKey)}`;
        expect(received(standIn.requests)).toEqual([
            `PutObject ${single} AES256`,
            `CreateMultipartUpload ${multipart} AES256`,
            // S3 refuses the SSE header on a part: the upload's encryption was set when it was created.
            `UploadPart ${multipart} -`,
            `CompleteMultipartUpload ${multipart} -`,
        ]);
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
    });

    it("does not ask for encryption when sse is none", async () => {
        standIn.script([], { status: 200 });
        await provider.create(againstStandIn({ sse: "none" }));
        expect(standIn.operations()).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);
        expect(standIn.requests.map((r) => r.headers["x-amz-server-side-encryption"])).toEqual([undefined, undefined, undefined, undefined]);
    });

    it("fails before the PUT when the finished multipart upload is not confirmed as AES256", async () => {
        // The single upload, CreateMultipartUpload and UploadPart confirm it; CompleteMultipartUpload does not.
        standIn.script(
            [
                { status: 200, sse: "AES256" },
                { status: 200, sse: "AES256" },
                { status: 200, sse: "AES256" },
            ],
            { status: 200 },
        );
        const inputs = againstStandIn();
        const error = await createError(inputs);
        expect(error.code).toBe("EncryptionNotConfirmed");
        expect(error.message).toMatch(
            /^Preflight multipart upload to s3:\/\/acme-archives\/\d+\/opentok-archive-storage-preflight\/probe-multipart.txt at http:\/\/127.0.0.1:\d+ succeeded, but S3 did not confirm SSE-S3 encryption \(x-amz-server-side-encryption was "absent", expected "AES256"\)/,
        );
        expect(standIn.operations()).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);
        expect(emulator.received()).toHaveLength(0);
    });

    it("fails when S3 answers success but reports another encryption", async () => {
        standIn.script([], { status: 200, sse: "aws:kms" });
        const error = await createError(againstStandIn());
        expect(error.message).toContain('x-amz-server-side-encryption was "aws:kms", expected "AES256"');
        expect(emulator.received()).toHaveLength(0);
    });

    it("retries while a new key propagates, then succeeds", async () => {
        standIn.script([
            { status: 403, code: "InvalidAccessKeyId" },
            { status: 403, code: "InvalidAccessKeyId" },
            { status: 403, code: "AccessDenied" },
        ]);
        await provider.create(againstStandIn());
        expect(standIn.operations()).toEqual([
            "PutObject",
            "PutObject",
            "PutObject",
            "PutObject",
            "CreateMultipartUpload",
            "UploadPart",
            "CompleteMultipartUpload",
        ]);
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
    });

    it("gives up on AccessDenied after the propagation budget, saying which permission is needed", async () => {
        standIn.script([], { status: 403, code: "AccessDenied" });
        const inputs = againstStandIn();
        const error = await createError(inputs);
        expect(standIn.requests.length).toBeGreaterThan(2);
        expect(error.message).toMatch(
            /AccessDenied.*must allow s3:PutObject on arn:aws:s3:::acme-archives\/\*, and the bucket policy must not deny it \(uploads ask for SSE-S3, AES256\)/,
        );
        expect(emulator.received()).toHaveLength(0);
    });

    it.each([
        ["SignatureDoesNotMatch", /secretKey does not belong to accessKey: check secretKey/],
        ["RequestTimeTooSkewed", /clock differs from the storage's by more than 15 minutes: fix the clock/],
        ["NoSuchBucket", /does not exist/],
    ])("does not retry %s, and explains it", async (code, explanation) => {
        standIn.script([], { status: code === "NoSuchBucket" ? 404 : 403, code });
        const error = await createError(againstStandIn());
        expect(standIn.requests).toHaveLength(1);
        expect(error.message).toMatch(explanation);
        expect(emulator.received()).toHaveLength(0);
    });

    it("never shows a secret in its errors", async () => {
        standIn.script([], { status: 403, code: "SignatureDoesNotMatch" });
        const error = await createError(againstStandIn());
        expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(secretKey);
        expect(`${error.message} ${error.stack}`).not.toContain(apiSecret);
    });

    it("preview (check and diff) never probes", async () => {
        standIn.script([]);
        const inputs = againstStandIn();
        await provider.check!({} as TargetInputs, inputs);
        await provider.diff!(inputs.apiKey, inputs, { ...inputs, bucket: "acme-archives-other" });
        expect(standIn.requests).toHaveLength(0);
    });

    it("probes on an update that changes the target, and not on one that changes only apiSecret", async () => {
        standIn.script([]);
        const inputs = againstStandIn();
        await provider.update!(inputs.apiKey, inputs, { ...inputs, apiSecret: "another-api-secret" });
        expect(standIn.requests).toHaveLength(0);
        await provider.update!(inputs.apiKey, inputs, { ...inputs, fallback: "opentok" });
        expect(standIn.operations()).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);
    });
});

/**
 * Judges each upload as AWS would under a bucket policy, with an independent evaluator: every
 * upload request is authorized as s3:PutObject, and only PutObject and CreateMultipartUpload
 * carry the SSE header. The stand-in speaks plain HTTP on loopback; requests are judged as if
 * they came over TLS, as the SDK sends them to AWS.
 */
function bucketPolicyJudge(statement: object): (request: S3Request) => Promise<S3Answer | undefined> {
    const bucketArn = "arn:aws:s3:::acme-archives";
    const allowUploads = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/*` }] };
    return async (request) => {
        const sse = request.headers["x-amz-server-side-encryption"];
        const result = await runSimulation(
            {
                identityPolicies: [{ name: "opentok-upload", policy: allowUploads }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                resourcePolicy: { Version: "2012-10-17", Statement: [statement] },
                request: {
                    principal: "arn:aws:iam::123456789012:user/opentok/uploader",
                    action: "s3:PutObject",
                    resource: { resource: `${bucketArn}/${request.path.split("?")[0]!.split("/").slice(2).join("/")}`, accountId: "123456789012" },
                    contextVariables: {
                        "aws:SecureTransport": "true",
                        ...(typeof sse === "string" ? { "s3:x-amz-server-side-encryption": sse } : {}),
                    },
                },
            },
            {},
        );
        if (result.resultType === "error") {
            throw new Error(JSON.stringify(result.errors));
        }
        return result.overallResult === "Allowed" ? undefined : { status: 403, code: "AccessDenied" };
    };
}

const denyUnlessSseS3 = (extra: object = {}) => ({
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: "arn:aws:s3:::acme-archives/*",
    Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" }, ...extra },
});

describe("preflight against a bucket policy, judged as AWS would", () => {
    it("fails before the PUT when the policy refuses the parts of a multipart upload (StringNotEquals alone)", async () => {
        standIn.script([], { status: 200, sse: "AES256" }).authorize(bucketPolicyJudge(denyUnlessSseS3()));
        const inputs = againstStandIn();
        const error = await createError(inputs);
        expect(error).toMatchObject({ name: "PreflightError", code: "AccessDenied" });
        // The single upload and CreateMultipartUpload carry the header and pass; the part does not,
        // and is retried only for the propagation budget.
        expect(standIn.operations().slice(0, 3)).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart"]);
        expect(new Set(standIn.operations().slice(2))).toEqual(new Set(["UploadPart"]));
        expect(error.message).toMatch(
            new RegExp(
                "^Preflight multipart upload \\(UploadPart\\) to s3://acme-archives/\\d+/opentok-archive-storage-preflight/probe-multipart.txt at http://127.0.0.1:\\d+ " +
                    "with accessKey AKIA[A-Z0-9]+ failed \\(AccessDenied: .*\\)\\. It was retried for [\\d.]+ s in case the key or policy was new\\. " +
                    "The single-part upload and CreateMultipartUpload succeeded, but the storage refused UploadPart: " +
                    "OpenTok may upload large archives in parts, and every such recording would fail\\. " +
                    'Check the bucket policy .*add "Null": \\{"s3:x-amz-server-side-encryption": "false"\\} to its conditions .*' +
                    "The unfinished probe upload is left for the bucket's lifecycle rule to abort\\. Set verify to false to skip this check\\.$",
            ),
        );
        expect(error.message).not.toContain(secretKey);
        expect(emulator.received()).toHaveLength(0);
    });

    it("passes every upload when the Deny also requires the header to be present, then sets the target", async () => {
        standIn
            .script([], { status: 200, sse: "AES256" })
            .authorize(bucketPolicyJudge(denyUnlessSseS3({ Null: { "s3:x-amz-server-side-encryption": "false" } })));
        await provider.create(againstStandIn());
        expect(standIn.operations()).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
    });

    it("refuses, under that policy, an upload that asks for KMS (the judge is not a pushover)", async () => {
        const judge = bucketPolicyJudge(denyUnlessSseS3({ Null: { "s3:x-amz-server-side-encryption": "false" } }));
        const kms = await judge({
            method: "PUT",
            path: "/acme-archives/1/a.mp4",
            operation: "PutObject",
            headers: { "x-amz-server-side-encryption": "aws:kms" },
        });
        expect(kms).toEqual({ status: 403, code: "AccessDenied" });
    });
});

/** Sets environment variables for one test; `restore` puts back what was there. */
function withEnvironment(variables: Record<string, string>): { restore(): void } {
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    Object.assign(process.env, variables);
    return {
        restore() {
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) {
                    delete process.env[name];
                } else {
                    process.env[name] = value;
                }
            }
        },
    };
}

/** Every AWS setting that could send the SDK elsewhere, all pointing at `url`, with a shared config file that does too. */
function misleadingAwsEnvironment(url: string): Record<string, string> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "aws-config-"));
    const configFile = path.join(directory, "config");
    const profile = [
        "endpoint_url = " + url,
        "use_fips_endpoint = true",
        "use_dualstack_endpoint = true",
        "s3_use_arn_region = true",
        "region = eu-west-3",
    ];
    fs.writeFileSync(
        configFile,
        `[default]\n${profile.join("\n")}\n\n[profile misleading]\n${profile.join("\n")}\nservices = misleading-services\n\n[services misleading-services]\ns3 =\n  endpoint_url = ${url}\n`,
    );
    const credentialsFile = path.join(directory, "credentials");
    fs.writeFileSync(credentialsFile, `[misleading]\naws_access_key_id = AKIAMISLEADING000000\naws_secret_access_key = misleading-secret\n`);
    return {
        AWS_ENDPOINT_URL: url,
        AWS_ENDPOINT_URL_S3: url,
        AWS_PROFILE: "misleading",
        AWS_CONFIG_FILE: configFile,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_REGION: "eu-west-3",
        AWS_DEFAULT_REGION: "eu-west-3",
        AWS_USE_FIPS_ENDPOINT: "true",
        AWS_USE_DUALSTACK_ENDPOINT: "true",
        AWS_S3_USE_ARN_REGION: "true",
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false",
        AWS_MAX_ATTEMPTS: "7",
        AWS_DEFAULTS_MODE: "legacy",
    };
}

interface BuiltRequest {
    hostname: string;
    protocol: string;
    path: string;
    authorization: string;
}

/**
 * What a PutObject would put on the wire, caught after signing and before sending: no request
 * leaves this machine, which has no route to AWS.
 */
async function builtRequests(client: S3Client): Promise<BuiltRequest[]> {
    const built: BuiltRequest[] = [];
    client.middlewareStack.add(
        () => async (args) => {
            const request = args.request as { hostname: string; protocol: string; path: string; headers: Record<string, string> };
            built.push({
                hostname: request.hostname,
                protocol: request.protocol,
                path: request.path,
                authorization: request.headers.authorization ?? "",
            });
            throw new Error("stopped before sending");
        },
        { step: "finalizeRequest", priority: "low" },
    );
    try {
        await expect(client.send(new PutObjectCommand({ Bucket: "acme-archives", Key: "k", Body: "x" }))).rejects.toThrow("stopped before sending");
    } finally {
        client.destroy();
    }
    return built;
}

describe("the preflight talks to the storage OpenTok will use, whatever the AWS environment says", () => {
    let decoy: ScriptedApi;
    let environment: { restore(): void } | undefined;
    beforeEach(async () => {
        decoy = await new ScriptedApi((_req, res) => res.writeHead(200, { "x-amz-server-side-encryption": "AES256", ETag: '"e"' }).end()).start();
    });
    afterEach(async () => {
        environment?.restore();
        environment = undefined;
        await decoy.stop();
    });

    it("the misleading environment does mislead a client left to its defaults (the premise of the next tests)", async () => {
        const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secretKey };
        const { AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, ...others } = misleadingAwsEnvironment(decoy.url);
        environment = withEnvironment({ AWS_ENDPOINT_URL: AWS_ENDPOINT_URL!, AWS_ENDPOINT_URL_S3: AWS_ENDPOINT_URL_S3! });
        const redirected = new S3Client({ region: "us-east-1", credentials, forcePathStyle: true });
        try {
            await redirected.send(new PutObjectCommand({ Bucket: "acme-archives", Key: "k", Body: "x" })).catch(() => undefined);
        } finally {
            redirected.destroy();
        }
        expect(decoy.received.map((r) => r.method)).toEqual(["PUT"]);
        environment.restore();

        // Without the endpoint settings, which the SDK refuses together with dual-stack.
        environment = withEnvironment({ ...others, AWS_CONFIG_FILE: path.join(os.tmpdir(), "no-such-aws-config"), AWS_PROFILE: "default" });
        const elsewhere = await builtRequests(new S3Client({ credentials }));
        expect(elsewhere.map((r) => r.hostname)).toEqual(["acme-archives.s3-fips.dualstack.eu-west-3.amazonaws.com"]);
    });

    it("probes the target's endpoint, never AWS_ENDPOINT_URL(_S3) or a profile's endpoint_url", async () => {
        environment = withEnvironment(misleadingAwsEnvironment(decoy.url));
        standIn.script([], { status: 200, sse: "AES256" });
        await provider.create(againstStandIn());
        expect(standIn.operations()).toEqual(["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]);
        expect(decoy.received).toHaveLength(0);
        // Signed with the target's own key, not the profile's.
        expect(standIn.requests.every((r) => String(r.headers.authorization).includes("Credential=AKIAIOSFODNN7EXAMPLE/"))).toBe(true);
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
    });

    it("for an AWS target (no endpoint), builds every request for AWS's own endpoint of the bucket, not the decoy", async () => {
        environment = withEnvironment(misleadingAwsEnvironment(decoy.url));
        const built = await builtRequests(new S3Client(probeClientConfig(validInputs(emulator, { bucket: "acme-archives" }))));
        expect(built).toEqual([
            {
                hostname: "acme-archives.s3.us-east-1.amazonaws.com",
                protocol: "https:",
                path: "/k",
                authorization: expect.stringContaining("Credential=AKIAIOSFODNN7EXAMPLE/"),
            },
        ]);
        expect(built[0]!.authorization).toMatch(/\/us-east-1\/s3\/aws4_request/);
        expect(decoy.received).toHaveLength(0);
    });
});

/**
 * A loopback S3 endpoint that answers every request one byte at a time, every 700 ms: its
 * status line and headers (`head`), or its headers at once and then its body (`body`).
 */
class DrippingS3 {
    url = "";
    connections = 0;
    private readonly server: net.Server;
    private readonly timers = new Set<NodeJS.Timeout>();

    constructor(what: "head" | "body") {
        const body = '<?xml version="1.0" encoding="UTF-8"?><x/>';
        const head = `HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nETag: "e"\r\nContent-Length: ${body.length}\r\n\r\n`;
        this.server = net.createServer((socket) => {
            this.connections++;
            socket.once("data", () => {
                const slow = what === "head" ? head + body : body;
                if (what === "body") {
                    socket.write(head);
                }
                let sent = 0;
                const timer = setInterval(() => {
                    if (sent < slow.length && !socket.destroyed) {
                        socket.write(slow[sent++]!);
                    }
                }, 700);
                this.timers.add(timer);
                socket.on("close", () => clearInterval(timer));
            });
            socket.on("error", () => undefined);
        });
    }

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        this.timers.forEach(clearInterval);
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

describe("an S3 server that answers 400 echoing a secret", () => {
    const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const servers: ScriptedApi[] = [];
    const scriptedS3 = async (answer: ConstructorParameters<typeof ScriptedApi>[0]) => {
        const s3 = await new ScriptedApi(answer).start();
        servers.push(s3);
        return s3;
    };
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s3) => s3.stop()));
    });
    const s3Error = (message: string) =>
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>${message}</Message></Error>`;

    it.each(encodings)("%s, in S3's <Message>: no secret in the error, and S3's own words in it", async (_name, encode, local) => {
        const s3 = await scriptedS3((_req, res) =>
            res
                .writeHead(400, { "content-type": "application/xml" })
                .end(s3Error(`Invalid request, echoed: ${xml(encode(`secretKey=${secretKey}`))}`)),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error).toMatchObject({ name: "PreflightError", code: "InvalidArgument" });
        expectNoSecretIn(error.message, [secretKey], encode, local, `secretKey=${secretKey}`);
        if (!/\n/.test(encode(`secretKey=${secretKey}`))) {
            expect(error.message).toContain("failed (InvalidArgument: Invalid request, echoed: ");
        }
        expect(emulator.received()).toHaveLength(0);
    });

    it("redacts every occurrence, and a secret that straddles the cut", async () => {
        const s3 = await scriptedS3((_req, res) =>
            res.writeHead(400, { "content-type": "application/xml" }).end(s3Error(`${"m".repeat(290)} ${secretKey} and ${secretKey}`)),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error).toMatchObject({ name: "PreflightError" });
        for (let length = 6; length <= secretKey.length; length++) {
            expect(error.message).not.toContain(secretKey.slice(0, length));
        }
        expect(emulator.received()).toHaveLength(0);
    });

    it.each(encodings)("%s, as a body that is not S3's XML: only its status, type and length", async (_name, encode, local) => {
        const s3 = await scriptedS3((_req, res) =>
            res
                .writeHead(400, { "content-type": "text/html", "content-length": String(Buffer.byteLength(encode(secretKey))) })
                .end(encode(secretKey)),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error.message).toContain(
            `failed (UnknownError: status 400, a ${Buffer.byteLength(encode(secretKey))}-byte answer (text/html) that is not S3's XML error, not shown)`,
        );
        expectNoSecretIn(error.message, [secretKey], encode, local, secretKey);
    });
});

describe("preflight deadlines", () => {
    // One byte every 700 ms: the head alone would take about 60 s, the body about 30 s. The
    // deadline is 1 s; the bound asserted is 10 s, far from both whatever the machine's speed.
    it.each(["head", "body"] as const)(
        "a storage that drips its %s one byte every 700 ms fails within OPENTOK_PREFLIGHT_TIMEOUT_MS, naming it",
        async (what) => {
            const dripping = await new DrippingS3(what).start();
            const environment = withEnvironment({ OPENTOK_PREFLIGHT_TIMEOUT_MS: "1000" });
            try {
                const started = Date.now();
                const error = await createError(
                    validInputs(emulator, { verify: true, endpoint: dripping.url, bucket: "acme-archives", sse: "none" }),
                );
                const elapsed = Date.now() - started;
                expect(elapsed).toBeLessThan(10_000);
                expect(error).toMatchObject({ name: "PreflightError" });
                expect(error.message).toMatch(
                    /^Preflight upload to s3:\/\/acme-archives\/.* failed \(no answer: no complete answer within 1000 ms \(OPENTOK_PREFLIGHT_TIMEOUT_MS\)\)\. The storage did not answer in full within OPENTOK_PREFLIGHT_TIMEOUT_MS \(1000 ms\): check endpoint and the network, or raise OPENTOK_PREFLIGHT_TIMEOUT_MS/,
                );
                expect(dripping.connections).toBe(1);
                expect(emulator.received()).toHaveLength(0);
            } finally {
                environment.restore();
                await dripping.stop();
            }
        },
        90_000,
    );
});

describe("what a failed probe step says", () => {
    // The error the SDK threw, as the SDK shapes it, and the whole message the user reads.
    const awsTarget = {
        apiKey: "46000001",
        apiSecret,
        apiUrl: "https://api.opentok.com",
        type: "s3",
        bucket: "acme-archives",
        accessKey: "AKIAIOSFODNN7EXAMPLE",
        secretKey,
        sse: "s3",
        fallback: "none",
        verify: true,
    } as TargetInputs;
    const gcsTarget = { ...awsTarget, endpoint: "https://storage.googleapis.com", sse: "none", accessKey: "goog1ExampleKeyId" } as TargetInputs;
    const key = "46000001/opentok-archive-storage-preflight/probe.txt";
    const awsAt = `s3://acme-archives/${key} with accessKey AKIAIOSFODNN7EXAMPLE`;
    const gcsAt = `s3://acme-archives/${key} at https://storage.googleapis.com with accessKey goog... (17 characters)`;
    const s3 = (code: string, status: number, message: string) =>
        Object.assign(new Error(message), { name: code, $fault: "client", $metadata: { httpStatusCode: status } });

    it.each<[string, ProbeStep, unknown, TargetInputs, number, string, string]>([
        [
            "no such bucket, AWS",
            "PutObject",
            s3("NoSuchBucket", 404, "The specified bucket does not exist"),
            awsTarget,
            0,
            "NoSuchBucket",
            `Preflight upload to ${awsAt} failed (NoSuchBucket: The specified bucket does not exist). The bucket acme-archives does not exist in AWS S3: check bucket (and endpoint).`,
        ],
        [
            "no such bucket, endpoint",
            "PutObject",
            s3("NoSuchBucket", 404, "The specified bucket does not exist"),
            gcsTarget,
            0,
            "NoSuchBucket",
            `Preflight upload to ${gcsAt} failed (NoSuchBucket: The specified bucket does not exist). The bucket acme-archives does not exist at https://storage.googleapis.com: check bucket (and endpoint).`,
        ],
        [
            "access denied, SSE-S3, retried under 10 s",
            "PutObject",
            s3("AccessDenied", 403, "Access Denied"),
            awsTarget,
            4321,
            "AccessDenied",
            `Preflight upload to ${awsAt} failed (AccessDenied: Access Denied). It was retried for 4.3 s in case the key or policy was new. The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "access denied, no SSE, retried 10 s or more",
            "PutObject",
            s3("AccessDenied", 403, "Access Denied"),
            gcsTarget,
            12_600,
            "AccessDenied",
            `Preflight upload to ${gcsAt} failed (AccessDenied: Access Denied). It was retried for 13 s in case the key or policy was new. The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it.`,
        ],
        [
            "all access disabled, not retried",
            "PutObject",
            s3("AllAccessDisabled", 403, "All access to this object has been disabled"),
            awsTarget,
            0,
            "AllAccessDisabled",
            `Preflight upload to ${awsAt} failed (AllAccessDisabled: All access to this object has been disabled). The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "access denied to UploadPart",
            "UploadPart",
            s3("AccessDenied", 403, "Access Denied"),
            awsTarget,
            0,
            "AccessDenied",
            `Preflight multipart upload (UploadPart) to ${awsAt} failed (AccessDenied: Access Denied). The single-part upload and CreateMultipartUpload succeeded, but the storage refused UploadPart: OpenTok may upload large archives in parts, and every such recording would fail. Check the bucket policy (and any organization policy): a Deny on s3:PutObject with StringNotEquals on s3:x-amz-server-side-encryption also refuses UploadPart, which cannot carry that header; add "Null": {"s3:x-amz-server-side-encryption": "false"} to its conditions so that it refuses only uploads that ask for another encryption. The unfinished probe upload is left for the bucket's lifecycle rule to abort.`,
        ],
        [
            "all access disabled to CompleteMultipartUpload",
            "CompleteMultipartUpload",
            s3("AllAccessDisabled", 403, "All access disabled"),
            awsTarget,
            0,
            "AllAccessDisabled",
            `Preflight multipart upload (CompleteMultipartUpload) to ${awsAt} failed (AllAccessDisabled: All access disabled). The single-part upload and CreateMultipartUpload succeeded, but the storage refused CompleteMultipartUpload: OpenTok may upload large archives in parts, and every such recording would fail. Check the bucket policy (and any organization policy): a Deny on s3:PutObject with StringNotEquals on s3:x-amz-server-side-encryption also refuses CompleteMultipartUpload, which cannot carry that header; add "Null": {"s3:x-amz-server-side-encryption": "false"} to its conditions so that it refuses only uploads that ask for another encryption. The unfinished probe upload is left for the bucket's lifecycle rule to abort.`,
        ],
        [
            "access denied to CreateMultipartUpload",
            "CreateMultipartUpload",
            s3("AccessDenied", 403, "Access Denied"),
            awsTarget,
            0,
            "AccessDenied",
            `Preflight multipart upload (CreateMultipartUpload) to ${awsAt} failed (AccessDenied: Access Denied). The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "an unknown key, retried just under 10 s",
            "PutObject",
            s3("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
            awsTarget,
            9_999,
            "InvalidAccessKeyId",
            `Preflight upload to ${awsAt} failed (InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.). It was retried for 10.0 s in case the key or policy was new. The storage knows no such access key: check accessKey, and that the key is active.`,
        ],
        [
            "an unknown key, retried 10 s",
            "PutObject",
            s3("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
            awsTarget,
            10_000,
            "InvalidAccessKeyId",
            `Preflight upload to ${awsAt} failed (InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.). It was retried for 10 s in case the key or policy was new. The storage knows no such access key: check accessKey, and that the key is active.`,
        ],
        [
            "a wrong secret key",
            "PutObject",
            s3("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided."),
            awsTarget,
            0,
            "SignatureDoesNotMatch",
            `Preflight upload to ${awsAt} failed (SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.). secretKey does not belong to accessKey: check secretKey.`,
        ],
        [
            "a skewed clock",
            "PutObject",
            s3("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
            awsTarget,
            0,
            "RequestTimeTooSkewed",
            `Preflight upload to ${awsAt} failed (RequestTimeTooSkewed: The difference between the request time and the current time is too large.). This machine's clock differs from the storage's by more than 15 minutes: fix the clock (NTP) and run the update again.`,
        ],
        [
            "another region",
            "PutObject",
            s3("PermanentRedirect", 301, "The bucket you are attempting to access must be addressed using the specified endpoint."),
            awsTarget,
            0,
            "PermanentRedirect",
            `Preflight upload to ${awsAt} failed (PermanentRedirect: The bucket you are attempting to access must be addressed using the specified endpoint.). The bucket is in another region or behind another endpoint: check bucket and endpoint.`,
        ],
        [
            "a malformed authorization header",
            "PutObject",
            s3("AuthorizationHeaderMalformed", 400, "The authorization header is malformed"),
            awsTarget,
            0,
            "AuthorizationHeaderMalformed",
            `Preflight upload to ${awsAt} failed (AuthorizationHeaderMalformed: The authorization header is malformed). The bucket is in another region or behind another endpoint: check bucket and endpoint.`,
        ],
        [
            "an illegal location constraint",
            "PutObject",
            s3("IllegalLocationConstraintException", 400, "The unspecified location constraint is incompatible"),
            awsTarget,
            0,
            "IllegalLocationConstraintException",
            `Preflight upload to ${awsAt} failed (IllegalLocationConstraintException: The unspecified location constraint is incompatible). The bucket is in another region or behind another endpoint: check bucket and endpoint.`,
        ],
        [
            "another error",
            "PutObject",
            s3("SlowDown", 503, "Please reduce your request rate."),
            awsTarget,
            0,
            "SlowDown",
            `Preflight upload to ${awsAt} failed (SlowDown: Please reduce your request rate.).`,
        ],
        [
            "the code in Code",
            "PutObject",
            Object.assign(new Error("denied"), { name: "Error", Code: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } }),
            awsTarget,
            0,
            "AccessDenied",
            `Preflight upload to ${awsAt} failed (AccessDenied: denied). The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "the code in code, after an empty Code",
            "PutObject",
            Object.assign(new Error("denied"), {
                name: "Error",
                Code: "",
                code: "AccessDenied",
                $fault: "client",
                $metadata: { httpStatusCode: 403 },
            }),
            awsTarget,
            0,
            "AccessDenied",
            `Preflight upload to ${awsAt} failed (AccessDenied: denied). The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "no code at all",
            "PutObject",
            Object.assign(new Error("odd"), { name: "Error", $fault: "client", $metadata: { httpStatusCode: 418 } }),
            awsTarget,
            0,
            "UnknownError",
            `Preflight upload to ${awsAt} failed (UnknownError: odd).`,
        ],
        [
            "a network error",
            "PutObject",
            Object.assign(new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
            gcsTarget,
            0,
            "",
            `Preflight upload to ${gcsAt} failed (no answer: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9). Check endpoint and the network.`,
        ],
        [
            "a network error without code or message",
            "PutObject",
            Object.assign(new Error(""), {}),
            gcsTarget,
            0,
            "",
            `Preflight upload to ${gcsAt} failed (no answer: no message). Check endpoint and the network.`,
        ],
        [
            "a network error whose message is not a string",
            "PutObject",
            { message: 42, $metadata: {} },
            gcsTarget,
            0,
            "",
            `Preflight upload to ${gcsAt} failed (no answer: no message). Check endpoint and the network.`,
        ],
        [
            "an answer that is not S3's XML",
            "PutObject",
            Object.assign(new Error("UnknownError"), {
                name: "UnknownError",
                $fault: "server",
                $metadata: { httpStatusCode: 502 },
                $response: { headers: { "content-type": "text/html; charset=utf-8", "content-length": "1234" } },
            }),
            awsTarget,
            0,
            "UnknownError",
            `Preflight upload to ${awsAt} failed (UnknownError: status 502, a 1234-byte answer (text/html) that is not S3's XML error, not shown).`,
        ],
        [
            "an answer with no content type or length",
            "PutObject",
            Object.assign(new Error("UnknownError"), {
                name: "UnknownError",
                $fault: "server",
                $metadata: { httpStatusCode: 500 },
                $response: { headers: { "content-type": "" } },
            }),
            awsTarget,
            0,
            "UnknownError",
            `Preflight upload to ${awsAt} failed (UnknownError: status 500, an answer (no content type) that is not S3's XML error, not shown).`,
        ],
        [
            "an answer without headers, no $fault",
            "PutObject",
            Object.assign(new Error("Bad Gateway"), { name: "Error", $metadata: { httpStatusCode: 502 } }),
            awsTarget,
            0,
            "UnknownError",
            `Preflight upload to ${awsAt} failed (UnknownError: status 502, an answer (no content type) that is not S3's XML error, not shown).`,
        ],
        [
            "an S3 message that is empty",
            "PutObject",
            Object.assign(new Error(""), { name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, $response: {} }),
            awsTarget,
            0,
            "AccessDenied",
            `Preflight upload to ${awsAt} failed (AccessDenied: status 403, an answer (no content type) that is not S3's XML error, not shown). The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::acme-archives/*, and the bucket policy must not deny it (uploads ask for SSE-S3, AES256).`,
        ],
        [
            "a secret in S3's message",
            "PutObject",
            s3("InvalidArgument", 400, `bad key ${secretKey}`),
            awsTarget,
            0,
            "InvalidArgument",
            `Preflight upload to ${awsAt} failed (InvalidArgument: bad key [secret]).`,
        ],
    ])("%s", (_name, step, error, target, waitedMs, code, message) => {
        const failure = probeFailure(step, error, target, key, waitedMs);
        expect(failure).toBeInstanceOf(PreflightError);
        expect(failure.code).toBe(code);
        expect(failure.message).toBe(`${message} Set verify to false to skip this check.`);
    });

    it("builds the probe's client with each setting given, for AWS and for another endpoint", () => {
        const settings = {
            region: "us-east-1",
            followRegionRedirects: true,
            ignoreConfiguredEndpointUrls: true,
            useFipsEndpoint: false,
            useDualstackEndpoint: false,
            useAccelerateEndpoint: false,
            useGlobalEndpoint: false,
            useArnRegion: false,
            disableMultiregionAccessPoints: true,
            disableS3ExpressSessionAuth: true,
            authSchemePreference: ["sigv4"],
            defaultsMode: "standard",
            retryMode: "standard",
            maxAttempts: 2,
            requestHandler: {},
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
        };
        expect(probeClientConfig(awsTarget)).toStrictEqual({
            ...settings,
            credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secretKey },
            forcePathStyle: false,
        });
        expect(probeClientConfig(gcsTarget)).toStrictEqual({
            ...settings,
            credentials: { accessKeyId: "goog1ExampleKeyId", secretAccessKey: secretKey },
            endpoint: "https://storage.googleapis.com",
            forcePathStyle: true,
        });
    });
});

describe("preflightPolicyFromEnvironment", () => {
    it("gives the documented defaults, and reads whole numbers", () => {
        expect(preflightPolicyFromEnvironment({})).toEqual({ propagationBudgetMs: 60_000, retryDelayMs: 2_000, timeoutMs: 15_000 });
        expect(preflightPolicyFromEnvironment({ OPENTOK_PREFLIGHT_TIMEOUT_MS: "1", OPENTOK_PREFLIGHT_BUDGET_MS: "0" })).toMatchObject({
            timeoutMs: 1,
            propagationBudgetMs: 0,
        });
    });

    it("takes an empty variable as unset", () => {
        expect(preflightPolicyFromEnvironment({ OPENTOK_PREFLIGHT_RETRY_MS: "" }).retryDelayMs).toBe(2_000);
    });

    it.each(["0", "-1", "1.5", "soon"])("refuses OPENTOK_PREFLIGHT_TIMEOUT_MS=%s, a deadline no request could meet", (raw) => {
        expect(() => preflightPolicyFromEnvironment({ OPENTOK_PREFLIGHT_TIMEOUT_MS: raw })).toThrow(
            `The environment variable OPENTOK_PREFLIGHT_TIMEOUT_MS must be a whole number of milliseconds, at least 1, but was ${JSON.stringify(raw)}.`,
        );
    });
});
