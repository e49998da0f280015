// The whole program (index.ts) under pulumi.runtime.setMocks, once per stack file: the inputs
// each resource receives, by type token, and the errors bad configuration gives.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";

const secretSignature = "4dabf18193072939515e22adb298388d";

// Each run loads a fresh @pulumi/pulumi, which adds its own process exit listeners.
process.setMaxListeners(50);
const apiSecret = "stack-api-secret-Kd82hs";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    protect: boolean;
}

interface ProgramRun {
    resources: Registered[];
    outputs: Record<string, unknown>;
    error?: Error;
}

function stackConfig(stack: string): Record<string, string> {
    const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    return Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key, String(value)]));
}

/** Runs index.ts with a fresh module registry, so that each run has its own Pulumi runtime. */
async function runProgram(stack: string, config: Record<string, string | undefined>): Promise<ProgramRun> {
    const registered: Registered[] = [];
    const resourceObjects: { registration: Registered; resource: pulumiType.Resource }[] = [];
    let program: Record<string, unknown> = {};
    let error: Error | undefined;
    await jest.isolateModulesAsync(async () => {
        const pulumi: typeof pulumiType = require("@pulumi/pulumi");
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    if (args.type !== "pulumi:pulumi:Stack") {
                        registered.push({ type: args.type, name: args.name, inputs: args.inputs, protect: false });
                    }
                    return { id: mockId(args.type, args.name, args.inputs), state: { ...args.inputs, ...mockOutputs(args.type, args.name) } };
                },
                call: () => ({}),
            },
            "opentok-archive-storage",
            stack,
            false,
        );
        const definedConfig = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Record<string, string>;
        pulumi.runtime.setAllConfig(definedConfig, ["opentok:apiSecret", "opentok:privateKey"]);
        // As Pulumi's language host does: the program runs inside the root stack resource.
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                resourceObjects.push({ registration: { type: args.type, name: args.name, inputs: {}, protect: false }, resource: args.resource });
                return undefined;
            });
            try {
                program = require("../index");
            } catch (e) {
                error = e as Error;
            }
            return program;
        });
    });
    const outputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(program)) {
        outputs[name] = await new Promise((resolve) => (value as pulumiType.Output<unknown>).apply(resolve));
    }
    for (const { registration, resource } of resourceObjects) {
        const match = registered.find((r) => r.type === registration.type && r.name === registration.name);
        if (match) {
            match.protect = (resource as unknown as { __protect?: boolean }).__protect === true;
        }
    }
    return { resources: registered, outputs, error };
}

/** Ids as the real providers make them: an access key's id is its key ID, a target's its apiKey. */
function mockId(type: string, name: string, inputs: Record<string, unknown> = {}): string {
    switch (type) {
        case "aws:iam/accessKey:AccessKey":
            return `AKIAMOCK${name.length}KEY0000`;
        case "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget":
            return String(inputs.apiKey);
        default:
            return `${name}-id`;
    }
}

function mockOutputs(type: string, name: string): Record<string, unknown> {
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return { bucket: `${name}-a1b2c3`, arn: `arn:aws:s3:::${name}-a1b2c3` };
        case "aws:iam/user:User":
            return { name: `${name}-user`, arn: `arn:aws:iam::123456789012:user/opentok/${name}-user` };
        case "aws:iam/accessKey:AccessKey":
            return { secret: `mock-secret-of-${name}` };
        default:
            return {};
    }
}

function only(run: ProgramRun, type: string): Registered {
    const matches = run.resources.filter((r) => r.type === type);
    expect(matches).toHaveLength(1);
    return matches[0]!;
}

function parsedPolicy(resource: Registered): {
    Statement: { Sid: string; Effect: string; Action: string; Resource: unknown; Condition?: unknown }[];
} {
    return JSON.parse(resource.inputs.policy as string);
}

const credentials = { "opentok:apiKey": "47000001", "opentok:apiSecret": apiSecret };

describe.each(["dev", "staging", "prod"])("stack %s", (stack) => {
    let run: ProgramRun;
    const config = stackConfig(stack);

    beforeAll(async () => {
        run = await runProgram(stack, { ...config, ...credentials });
        if (run.error) {
            throw run.error;
        }
    });

    it("creates exactly the resources of one environment", () => {
        expect(run.resources.map((r) => r.type).sort()).toEqual(
            [
                "aws:iam/accessKey:AccessKey",
                "aws:iam/user:User",
                "aws:iam/userPolicy:UserPolicy",
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "opentok-archive-storage:index:ArchiveStorage",
                "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget",
            ].sort(),
        );
    });

    it("encrypts the bucket by default with SSE-S3 and blocks all public access", () => {
        const bucketName = `archive-storage-${stack}-archives-a1b2c3`;
        expect(only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs).toMatchObject({
            bucket: bucketName,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        });
        expect(only(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toEqual({
            bucket: bucketName,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(only(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs).toEqual({
            bucket: bucketName,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        });
    });

    it("denies insecure transport and uploads without SSE-S3 in the bucket policy", () => {
        const statements = parsedPolicy(only(run, "aws:s3/bucketPolicy:BucketPolicy")).Statement;
        expect(statements.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyUploadsWithoutSseS3"]);
        expect(statements[0]).toMatchObject({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
        expect(statements[1]).toMatchObject({
            Effect: "Deny",
            Action: "s3:PutObject",
            Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" } },
        });
    });

    it("grants the OpenTok user exactly the documented permissions", () => {
        const statements = parsedPolicy(only(run, "aws:iam/userPolicy:UserPolicy")).Statement;
        const bucketArn = `arn:aws:s3:::archive-storage-${stack}-archives-a1b2c3`;
        expect(statements.map(({ Effect, Action, Resource }) => ({ Effect, Action, Resource }))).toEqual([
            { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
            { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
            { Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/*` },
        ]);
    });

    it("wires the access key's outputs into the target, keeping the secret key secret", () => {
        const accessKey = only(run, "aws:iam/accessKey:AccessKey");
        const target = only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
        expect(target.inputs).toMatchObject({
            apiKey: "47000001",
            bucket: `archive-storage-${stack}-archives-a1b2c3`,
            accessKey: mockId(accessKey.type, accessKey.name),
            secretKey: { [secretSignature]: expect.any(String), value: `mock-secret-of-${accessKey.name}` },
            apiSecret: { [secretSignature]: expect.any(String), value: apiSecret },
            sse: config["opentok-archive-storage:sse"],
            fallback: config["opentok-archive-storage:fallback"],
        });
    });

    it("expires archives only where retention is configured, and always aborts stale uploads", () => {
        const rules = only(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Record<string, unknown>[];
        expect(rules[0]).toMatchObject({
            id: "abort-incomplete-uploads",
            status: "Enabled",
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        });
        const retention = config["opentok-archive-storage:retentionDays"];
        expect(rules.slice(1)).toEqual(
            retention ? [expect.objectContaining({ id: "expire-archives", expiration: { days: Number(retention) } })] : [],
        );
    });

    it("force-destroys and protects as the stack file says", () => {
        const bucket = only(run, "aws:s3/bucket:Bucket");
        expect(bucket.inputs.forceDestroy).toBe(config["opentok-archive-storage:forceDestroy"] === "true");
        const protect = config["opentok-archive-storage:protect"] === "true";
        for (const resource of run.resources) {
            expect({ name: resource.name, protect: resource.protect }).toEqual({ name: resource.name, protect });
        }
    });

    it("exports the stack outputs", () => {
        expect(run.outputs).toMatchObject({
            bucketName: `archive-storage-${stack}-archives-a1b2c3`,
            bucketArn: `arn:aws:s3:::archive-storage-${stack}-archives-a1b2c3`,
            opentokUserName: `archive-storage-${stack}-opentok-user`,
            sse: config["opentok-archive-storage:sse"],
            fallback: config["opentok-archive-storage:fallback"],
            targetId: "47000001",
        });
    });
});

describe("stack settings", () => {
    const dev = { ...stackConfig("dev"), ...credentials };

    it("prod is protected and never force-destroyed", () => {
        const prod = stackConfig("prod");
        expect(prod["opentok-archive-storage:protect"]).toBe("true");
        expect(prod["opentok-archive-storage:forceDestroy"]).toBe("false");
    });

    it("with sse none, drops the encryption-required statement but keeps default encryption", async () => {
        const run = await runProgram("dev", { ...dev, "opentok-archive-storage:sse": "none" });
        expect(parsedPolicy(only(run, "aws:s3/bucketPolicy:BucketPolicy")).Statement.map((s) => s.Sid)).toEqual(["DenyInsecureTransport"]);
        expect(only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        expect(only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs.sse).toBe("none");
    });

    it("rotates the key by generation: a new AccessKey name, which the target then uses", async () => {
        const run = await runProgram("dev", { ...dev, "opentok-archive-storage:keyGeneration": "2" });
        const accessKey = only(run, "aws:iam/accessKey:AccessKey");
        expect(accessKey.name).toBe("archive-storage-dev-opentok-key-2");
        expect(only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs.secretKey).toMatchObject({
            value: "mock-secret-of-archive-storage-dev-opentok-key-2",
        });
    });

    it("takes a Vonage Video API application instead of an OpenTok project", async () => {
        const run = await runProgram("dev", {
            ...dev,
            "opentok:apiKey": undefined,
            "opentok:apiSecret": undefined,
            "opentok:applicationId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "opentok:privateKey": "-----BEGIN PRIVATE KEY-----\nstack-test\n-----END PRIVATE KEY-----\n",
        });
        expect(run.error).toBeUndefined();
        const target = only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs;
        expect(target).toMatchObject({
            applicationId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            privateKey: { [secretSignature]: expect.any(String) },
        });
        expect(target.apiKey).toBeUndefined();
    });

    it.each([
        [
            "opentok:privateKey",
            { "opentok:apiKey": undefined, "opentok:applicationId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" },
            /Missing required configuration opentok:privateKey.*--secret opentok:privateKey/,
        ],
        [
            "opentok:apiKey",
            { "opentok:apiKey": undefined },
            /Missing required configuration opentok:apiKey.*pulumi config set opentok:apiKey <apiKey> --stack dev/,
        ],
        [
            "opentok:apiSecret",
            { "opentok:apiSecret": undefined },
            /Missing required configuration opentok:apiSecret.*pulumi config set --secret opentok:apiSecret/,
        ],
        ["sse", { "opentok-archive-storage:sse": "kms" }, /opentok-archive-storage:sse must be one of s3, none, but is "kms"/],
        ["fallback", { "opentok-archive-storage:fallback": undefined }, /Missing required configuration opentok-archive-storage:fallback/],
        [
            "retentionDays",
            { "opentok-archive-storage:retentionDays": "0" },
            /opentok-archive-storage:retentionDays must be a whole number of at least 1/,
        ],
        ["forceDestroy", { "opentok-archive-storage:forceDestroy": "yes" }, /opentok-archive-storage:forceDestroy must be true or false/],
    ])("names the config key when %s is wrong", async (_key, change, message) => {
        const run = await runProgram("dev", { ...dev, ...change });
        expect(run.error?.message).toMatch(message);
        expect(run.resources).toHaveLength(0);
    });
});
