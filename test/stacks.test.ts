// The whole program (index.ts) under pulumi.runtime.setMocks, once per stack file: the inputs
// each resource receives, by type token, and the errors bad configuration gives.

import { mockId, only, parsedPolicy, ProgramRun, runProgram, secretSignature, stackConfig } from "./support/program-with-mocks";

const apiSecret = "stack-api-secret-Kd82hs";

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
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
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

    it("denies insecure transport, and uploads that ask for an encryption other than SSE-S3, in the bucket policy", () => {
        // What these statements allow and deny is proven by evaluation in upload-policies.test.ts.
        const statements = parsedPolicy(only(run, "aws:s3/bucketPolicy:BucketPolicy")).Statement;
        expect(statements.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyUploadsAskingForOtherEncryption"]);
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
            verify: true,
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

    it("with sse none, keeps the bucket policy and default encryption, and tells OpenTok to ask for nothing", async () => {
        const run = await runProgram("dev", { ...dev, "opentok-archive-storage:sse": "none" });
        expect(parsedPolicy(only(run, "aws:s3/bucketPolicy:BucketPolicy")).Statement.map((s) => s.Sid)).toEqual([
            "DenyInsecureTransport",
            "DenyUploadsAskingForOtherEncryption",
        ]);
        expect(only(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] },
        ]);
        expect(only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs.sse).toBe("none");
    });

    it.each([
        ["false", false],
        ["true", true],
    ])("passes opentok-archive-storage:verify %s to the target", async (value, verify) => {
        const run = await runProgram("dev", { ...dev, "opentok-archive-storage:verify": value });
        expect(only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs.verify).toBe(verify);
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
        ["verify", { "opentok-archive-storage:verify": "off" }, /opentok-archive-storage:verify must be true or false, but is "off"/],
    ])("names the config key when %s is wrong", async (_key, change, message) => {
        const run = await runProgram("dev", { ...dev, ...change });
        expect(run.error?.message).toMatch(message);
        expect(run.resources).toHaveLength(0);
    });
});
