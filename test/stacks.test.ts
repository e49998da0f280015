// The whole program (index.ts) under pulumi.runtime.setMocks, once per stack file: the inputs
// each resource receives, by type token, and the errors bad configuration gives.

import { generateKeyPairSync } from "crypto";
import { mockId, named, only, parsedPolicy, ProgramRun, runProgram, secretSignature, stackConfig } from "./support/program-with-mocks";

const apiSecret = "stack-api-secret-Kd82hs";

const credentials = { "opentok:apiKey": "47000001", "opentok:apiSecret": apiSecret };

// A key the target's own rule accepts (RSA, 2048 bits); its body must never reach a message.
const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const privateKeyLine = privateKey.split("\n")[1]!;

const type = {
    accessKey: "aws:iam/accessKey:AccessKey",
    user: "aws:iam/user:User",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    bucket: "aws:s3/bucket:Bucket",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    logging: "aws:s3/bucketLogging:BucketLogging",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    component: "opentok-archive-storage:index:ArchiveStorage",
    destroyGuard: "opentok-archive-storage:index:DestroyGuard",
    target: "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget",
};

/** What a stack file says about the storage options (access logs, retention, transitions), read the way a reader of the file would. */
function optionsOf(config: Record<string, string>) {
    const key = (name: string) => config[`opentok-archive-storage:${name}`];
    return {
        accessLogs: key("accessLogs") === "true",
        accessLogRetentionDays: Number(key("accessLogRetentionDays") ?? 365),
        noncurrentVersionDays: Number(key("noncurrentVersionDays") ?? 30),
        retentionDays: key("retentionDays") === undefined ? undefined : Number(key("retentionDays")),
        transitions: JSON.parse(key("transitions") ?? "[]") as { storageClass: string; days: number }[],
    };
}

describe.each(["dev", "staging", "prod"])("stack %s", (stack) => {
    let run: ProgramRun;
    const config = stackConfig(stack);
    const options = optionsOf(config);
    const prefix = `archive-storage-${stack}`;
    const archiveBucket = `${prefix}-archives-a1b2c3`;
    const logBucket = `${prefix}-access-logs-a1b2c3`;
    const buckets = options.accessLogs ? ["archives", "access-logs"] : ["archives"];

    beforeAll(async () => {
        run = await runProgram(stack, { ...config, ...credentials });
        if (run.error) {
            throw run.error;
        }
    });

    it("creates exactly the resources of one environment, and the log bucket's only where access logs are on", () => {
        const archiveResources = [
            [type.component, prefix],
            [type.bucket, `${prefix}-archives`],
            [type.encryption, `${prefix}-archives-encryption`],
            [type.publicAccessBlock, `${prefix}-archives-public-access-block`],
            [type.ownership, `${prefix}-archives-ownership`],
            [type.bucketPolicy, `${prefix}-archives-policy`],
            [type.versioning, `${prefix}-archives-versioning`],
            [type.lifecycle, `${prefix}-archives-lifecycle`],
            [type.user, `${prefix}-opentok`],
            [type.userPolicy, `${prefix}-opentok-upload`],
            [type.accessKey, `${prefix}-opentok-key-1`],
            [type.target, `${prefix}-target`],
            [type.destroyGuard, `${prefix}-destroy-guard`],
        ];
        const logResources = [
            [type.bucket, `${prefix}-access-logs`],
            [type.encryption, `${prefix}-access-logs-encryption`],
            [type.publicAccessBlock, `${prefix}-access-logs-public-access-block`],
            [type.ownership, `${prefix}-access-logs-ownership`],
            [type.bucketPolicy, `${prefix}-access-logs-policy`],
            [type.lifecycle, `${prefix}-access-logs-lifecycle`],
            [type.logging, `${prefix}-archives-logging`],
        ];
        const expected = [...archiveResources, ...(options.accessLogs ? logResources : [])].map(([t, n]) => `${t} ${n}`);
        expect(run.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(expected.sort());
    });

    it.each(buckets)("encrypts the %s bucket by default with SSE-S3, blocks all public access and disables ACLs", (bucket) => {
        const bucketName = `${prefix}-${bucket}-a1b2c3`;
        expect(named(run, type.encryption, `${prefix}-${bucket}-encryption`).inputs).toMatchObject({
            bucket: bucketName,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
        });
        expect(named(run, type.publicAccessBlock, `${prefix}-${bucket}-public-access-block`).inputs).toEqual({
            bucket: bucketName,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        expect(named(run, type.ownership, `${prefix}-${bucket}-ownership`).inputs).toEqual({
            bucket: bucketName,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        });
    });

    it("denies insecure transport, and uploads that ask for an encryption other than SSE-S3, in the bucket policy", () => {
        // What these statements allow and deny is proven by evaluation in upload-policies.test.ts.
        const statements = parsedPolicy(named(run, type.bucketPolicy, `${prefix}-archives-policy`)).Statement;
        expect(statements.map((s) => s.Sid)).toEqual(["DenyInsecureTransport", "DenyUploadsAskingForOtherEncryption"]);
    });

    it("versions the archive bucket", () => {
        expect(only(run, type.versioning).inputs).toEqual({ bucket: archiveBucket, versioningConfiguration: { status: "Enabled" } });
    });

    it("grants the OpenTok user exactly the documented permissions", () => {
        const statements = parsedPolicy(only(run, type.userPolicy)).Statement;
        const bucketArn = `arn:aws:s3:::${archiveBucket}`;
        expect(statements.map(({ Effect, Action, Resource }) => ({ Effect, Action, Resource }))).toEqual([
            { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
            { Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
            { Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/*` },
        ]);
    });

    it("wires the access key's outputs into the target, keeping the secret key secret", () => {
        const accessKey = only(run, type.accessKey);
        const target = only(run, type.target);
        expect(target.inputs).toMatchObject({
            apiKey: "47000001",
            bucket: archiveBucket,
            accessKey: mockId(accessKey.type, accessKey.name),
            secretKey: { [secretSignature]: expect.any(String), value: `mock-secret-of-${accessKey.name}` },
            apiSecret: { [secretSignature]: expect.any(String), value: apiSecret },
            sse: config["opentok-archive-storage:sse"],
            fallback: config["opentok-archive-storage:fallback"],
            verify: true,
        });
    });

    it("aborts stale uploads, removes old versions and expired delete markers, moves and expires archives as the stack file says", () => {
        const rules = named(run, type.lifecycle, `${prefix}-archives-lifecycle`).inputs.rules;
        expect(rules).toEqual([
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: options.noncurrentVersionDays },
            },
            { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
            ...(options.transitions.length > 0
                ? [{ id: "move-to-cheaper-storage", status: "Enabled", filter: {}, transitions: options.transitions }]
                : []),
            ...(options.retentionDays !== undefined
                ? [{ id: "expire-archives", status: "Enabled", filter: {}, expiration: { days: options.retentionDays } }]
                : []),
        ]);
    });

    if (options.accessLogs) {
        it("logs every request to the archive bucket into the log bucket, whose logs expire", () => {
            expect(only(run, type.logging).inputs).toEqual({
                bucket: archiveBucket,
                targetBucket: logBucket,
                targetPrefix: "logs/",
                targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
            });
            expect(named(run, type.lifecycle, `${prefix}-access-logs-lifecycle`).inputs.rules).toEqual([
                { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                { id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: options.accessLogRetentionDays } },
            ]);
        });

        it("lets only the logging service write the archive bucket's logs, in this account, over TLS", () => {
            // Evaluated, with requests, in upload-policies.test.ts.
            const statements = parsedPolicy(named(run, type.bucketPolicy, `${prefix}-access-logs-policy`)).Statement;
            expect(statements.map((s) => s.Sid)).toEqual([
                "DenyInsecureTransport",
                "DenyUploadsAskingForOtherEncryption",
                "AllowServerAccessLogDelivery",
            ]);
            expect(statements[2]).toEqual({
                Sid: "AllowServerAccessLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `arn:aws:s3:::${logBucket}/logs/*`,
                Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:::${archiveBucket}` }, StringEquals: { "aws:SourceAccount": "123456789012" } },
            });
        });
    }

    it("force-destroys every bucket as the stack file says", () => {
        for (const bucket of buckets) {
            expect(named(run, type.bucket, `${prefix}-${bucket}`).inputs.forceDestroy).toBe(
                config["opentok-archive-storage:forceDestroy"] === "true",
            );
        }
    });

    it("protects, as the stack file says, everything but the access key and the target, which rotation and re-setting replace", () => {
        const protect = config["opentok-archive-storage:protect"] === "true";
        const replaceable = [`${prefix}-opentok-key-1`, `${prefix}-target`];
        const children = run.resources.filter((r) => r.type !== type.component);
        expect(children.map((r) => ({ name: r.name, protect: r.protect }))).toEqual(
            children.map((r) => ({ name: r.name, protect: protect && !replaceable.includes(r.name) })),
        );
    });

    it("leaves each bucket's guards to be deleted with their bucket, so that a bucket that fails to delete keeps them", () => {
        const bucketOf = (r: { type: string; inputs: Record<string, unknown> }) => (r.type === type.bucket ? undefined : r.inputs.bucket);
        const guards = run.resources.filter((r) => r.type.startsWith("aws:s3/bucket") && r.type !== type.bucket);
        expect(guards.length).toBe(buckets.length === 2 ? 12 : 6);
        for (const guard of guards) {
            const bucket = guard.deletedWith === undefined ? undefined : named(run, type.bucket, guard.deletedWith);
            expect({ name: guard.name, deletedWithBucket: bucket && `${bucket.name}-a1b2c3` }).toEqual({
                name: guard.name,
                deletedWithBucket: bucketOf(guard),
            });
        }
        const others = run.resources.filter((r) => !guards.includes(r));
        expect(others.filter((r) => r.deletedWith !== undefined).map((r) => r.name)).toEqual([]);
    });

    it("sets the target only once the key can write and the bucket is locked down, versioned and, with access logs, logged", () => {
        const target = named(run, type.target, `${prefix}-target`);
        expect([...target.dependsOn].sort()).toEqual(
            [
                `${prefix}-opentok-upload`,
                `${prefix}-archives-encryption`,
                `${prefix}-archives-public-access-block`,
                `${prefix}-archives-ownership`,
                `${prefix}-archives-policy`,
                `${prefix}-archives-versioning`,
                ...(options.accessLogs ? [`${prefix}-archives-logging`] : []),
            ].sort(),
        );
    });

    it("makes the destroy guard depend on every other resource, so that a destroy deletes it first", () => {
        const guard = named(run, type.destroyGuard, `${prefix}-destroy-guard`);
        const others = run.resources.filter((r) => r.type !== type.component && r !== guard).map((r) => r.name);
        expect([...guard.dependsOn].sort()).toEqual(others.sort());
    });

    it("exports the stack outputs", () => {
        expect(run.outputs).toMatchObject({
            bucketName: archiveBucket,
            bucketArn: `arn:aws:s3:::${archiveBucket}`,
            opentokUserName: `${prefix}-opentok-user`,
            accessKeyId: mockId(type.accessKey, `${prefix}-opentok-key-1`),
            sse: config["opentok-archive-storage:sse"],
            fallback: config["opentok-archive-storage:fallback"],
            targetId: "47000001",
        });
        expect(run.outputs.logBucketName).toBe(options.accessLogs ? logBucket : undefined);
    });
});

describe("stack settings", () => {
    const dev = { ...stackConfig("dev"), ...credentials };

    it("prod is protected and never force-destroyed", () => {
        const prod = stackConfig("prod");
        expect(prod["opentok-archive-storage:protect"]).toBe("true");
        expect(prod["opentok-archive-storage:forceDestroy"]).toBe("false");
    });

    it("with only the credentials and fallback set, takes ArchiveStorage's defaults", async () => {
        const run = await runProgram("dev", { ...credentials, "opentok-archive-storage:fallback": "none" });
        expect(run.error).toBeUndefined();
        expect(run.resources.map((r) => r.name)).not.toContain("archive-storage-dev-access-logs");
        expect(only(run, type.accessKey).name).toBe("archive-storage-dev-opentok-key-1");
        expect(only(run, type.bucket).inputs.forceDestroy).toBe(false);
        expect(only(run, type.target).inputs).toMatchObject({ sse: "s3", fallback: "none", verify: true });
        expect(only(run, type.lifecycle).inputs.rules).toEqual([
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
            { id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } },
            { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
        ]);
        expect(run.resources.every((r) => !r.protect)).toBe(true);
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

    it("with access logs on in dev, force-destroys the log bucket too, so that destroy removes everything", async () => {
        const run = await runProgram("dev", { ...dev, "opentok-archive-storage:accessLogs": "true" });
        expect(run.error).toBeUndefined();
        const buckets = run.resources.filter((r) => r.type === type.bucket);
        expect(buckets.map((b) => [b.name, b.inputs.forceDestroy])).toEqual([
            ["archive-storage-dev-archives", true],
            ["archive-storage-dev-access-logs", true],
        ]);
        expect(named(run, type.lifecycle, "archive-storage-dev-access-logs-lifecycle").inputs.rules).toContainEqual(
            expect.objectContaining({ id: "expire-logs", expiration: { days: 365 } }),
        );
    });

    it("takes transition days as numbers or as numeric strings (pulumi config set --path writes either)", async () => {
        const run = await runProgram("dev", {
            ...dev,
            "opentok-archive-storage:retentionDays": undefined,
            "opentok-archive-storage:transitions": '[{"storageClass":"STANDARD_IA","days":"30"},{"storageClass":"GLACIER","days":60}]',
        });
        expect(run.error).toBeUndefined();
        expect(named(run, type.lifecycle, "archive-storage-dev-archives-lifecycle").inputs.rules).toContainEqual({
            id: "move-to-cheaper-storage",
            status: "Enabled",
            filter: {},
            transitions: [
                { storageClass: "STANDARD_IA", days: 30 },
                { storageClass: "GLACIER", days: 60 },
            ],
        });
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
            "opentok:privateKey": privateKey,
        });
        expect(run.error).toBeUndefined();
        const target = only(run, "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs;
        expect(target).toMatchObject({
            applicationId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            privateKey: { [secretSignature]: expect.any(String) },
        });
        expect(target.apiKey).toBeUndefined();
    });

    const key = "opentok-archive-storage";
    // Pulumi's own message (key and value), then what the key must be and the command that sets it.
    it.each([
        [
            "opentok:privateKey missing",
            { "opentok:apiKey": undefined, "opentok:apiSecret": undefined, "opentok:applicationId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" },
            /^Missing required configuration variable 'opentok:privateKey': .*must be the private key of Vonage application aaaaaaaa-.*Set it with: pulumi config set --secret opentok:privateKey --stack dev < private\.key$/,
        ],
        [
            "opentok:apiKey missing",
            { "opentok:apiKey": undefined },
            /^Missing required configuration variable 'opentok:apiKey': .*or set opentok:applicationId.*Set it with: pulumi config set opentok:apiKey <apiKey> --stack dev$/,
        ],
        [
            "opentok:apiSecret missing",
            { "opentok:apiSecret": undefined },
            /^Missing required configuration variable 'opentok:apiSecret': .*Set it with: pulumi config set --secret opentok:apiSecret <apiSecret> --stack dev$/,
        ],
        [
            "sse not a mode",
            { [`${key}:sse`]: "kms" },
            /^Configuration 'opentok-archive-storage:sse' value 'kms' is not a legal enum value .*: opentok-archive-storage:sse must be one of s3, none\. Set it with: pulumi config set opentok-archive-storage:sse s3 --stack dev$/,
        ],
        [
            "fallback missing",
            { [`${key}:fallback`]: undefined },
            /^Missing required configuration variable 'opentok-archive-storage:fallback': .*must be one of none, opentok, vonage \(none: .*\)\. Set it with: pulumi config set opentok-archive-storage:fallback <none\|opentok> --stack dev$/,
        ],
        [
            "retentionDays 0",
            { [`${key}:retentionDays`]: "0" },
            /^Configuration 'opentok-archive-storage:retentionDays' value '0' is outside of the legal range \(min 1, inclusive\): .*must be a whole number of at least 1 \(days archives are kept\)\. Remove it to keep archives until they are deleted: pulumi config rm opentok-archive-storage:retentionDays --stack dev$/,
        ],
        [
            "retentionDays a fraction",
            { [`${key}:retentionDays`]: "7.5" },
            /^Configuration 'opentok-archive-storage:retentionDays' value '7\.5' does not match .*: .*must be a whole number of at least 1/,
        ],
        [
            "keyGeneration with trailing text (parseFloat would take 2)",
            { [`${key}:keyGeneration`]: "2nd" },
            /^Configuration 'opentok-archive-storage:keyGeneration' value '2nd' does not match .*must be a whole number of at least 1 \(the access key's generation\)/,
        ],
        [
            "forceDestroy not a boolean",
            { [`${key}:forceDestroy`]: "yes" },
            /^Configuration 'opentok-archive-storage:forceDestroy' value 'yes' is not a valid boolean: .*must be true or false .*Set it with: pulumi config set opentok-archive-storage:forceDestroy true --stack dev$/,
        ],
        [
            "verify not a boolean",
            { [`${key}:verify`]: "off" },
            /^Configuration 'opentok-archive-storage:verify' value 'off' is not a valid boolean: .*must be true or false/,
        ],
        [
            "protect not a boolean",
            { [`${key}:protect`]: "always" },
            /^Configuration 'opentok-archive-storage:protect' value 'always' is not a valid boolean/,
        ],
        [
            "noncurrentVersionDays 0",
            { [`${key}:noncurrentVersionDays`]: "0" },
            /^Configuration 'opentok-archive-storage:noncurrentVersionDays' value '0' is outside of the legal range .*must be a whole number of at least 1/,
        ],
        [
            "accessLogs not a boolean",
            { [`${key}:accessLogs`]: "yes" },
            /^Configuration 'opentok-archive-storage:accessLogs' value 'yes' is not a valid boolean/,
        ],
        [
            "accessLogRetentionDays not a number",
            { [`${key}:accessLogRetentionDays`]: "a year" },
            /^Configuration 'opentok-archive-storage:accessLogRetentionDays' value 'a year' is not a valid number: .*must be a whole number of at least 1 \(days access logs are kept\)/,
        ],
        [
            "transitions not JSON",
            { [`${key}:transitions`]: "GLACIER after 90 days" },
            /^Configuration 'opentok-archive-storage:transitions' value 'GLACIER after 90 days' is not a valid JSON object: .*must be a list of \{storageClass, days\}.*pulumi config set --path/,
        ],
        [
            "transitions not a list",
            { [`${key}:transitions`]: '{"storageClass":"GLACIER"}' },
            /opentok-archive-storage:transitions must be a list of \{storageClass, days\}.*pulumi config set --path/,
        ],
        [
            "transitions naming an unknown class",
            { [`${key}:transitions`]: '[{"storageClass":"GLACIER_DEEP","days":90}]' },
            /opentok-archive-storage:transitions\[0\]\.storageClass must be one of STANDARD_IA, INTELLIGENT_TIERING, ONEZONE_IA, GLACIER_IR, GLACIER, DEEP_ARCHIVE, but was "GLACIER_DEEP".*pulumi config set --path/,
        ],
        [
            "transitions moving to STANDARD_IA too early",
            { [`${key}:transitions`]: '[{"storageClass":"STANDARD_IA","days":7}]' },
            /opentok-archive-storage:transitions\[0\]\.days must be a whole number of at least 30 for STANDARD_IA, but was 7/,
        ],
        [
            "transitions not before expiry",
            { [`${key}:transitions`]: '[{"storageClass":"GLACIER_IR","days":7}]' },
            /opentok-archive-storage:transitions\[0\]\.days \(7\) must be less than retentionDays \(7\)/,
        ],
        [
            "opentok:apiKey not the project's numeric key",
            { "opentok:apiKey": "my-project" },
            /^Configuration 'opentok:apiKey': opentok:apiKey must be the project's numeric OpenTok API key .*but was "my-project"\. Set it with: pulumi config set opentok:apiKey <apiKey> --stack dev$/,
        ],
        [
            "opentok:apiUrl over http to a host that is not loopback",
            { "opentok:apiUrl": "http://api.opentok.com" },
            /^Configuration 'opentok:apiUrl': opentok:apiUrl must use https .*Set it with: pulumi config set opentok:apiUrl https:\/\/api\.opentok\.com --stack dev$/,
        ],
        [
            "opentok:apiUrl with a path",
            { "opentok:apiUrl": "https://api.opentok.com/v2" },
            /^Configuration 'opentok:apiUrl': opentok:apiUrl must be a base URL without a path.*Set it with: pulumi config set opentok:apiUrl https:\/\/api\.opentok\.com --stack dev$/,
        ],
        [
            "opentok:apiUrl empty (ArchiveUploadTarget would read it as unset)",
            { "opentok:apiUrl": "" },
            /^Configuration 'opentok:apiUrl' is the empty string: .*Remove it to use the API's own URL: pulumi config rm opentok:apiUrl --stack dev$/,
        ],
        [
            "opentok:apiSecret with a trailing newline",
            { "opentok:apiSecret": `${apiSecret}\n` },
            /^Configuration 'opentok:apiSecret' \(secret, not shown\): opentok:apiSecret must be the project's API secret without leading or trailing white space.*Set it with: pulumi config set --secret opentok:apiSecret <apiSecret> --stack dev$/,
        ],
        [
            "opentok:apiSecret empty",
            { "opentok:apiSecret": "" },
            /^Configuration 'opentok:apiSecret' is the empty string: .*pulumi config set --secret opentok:apiSecret <apiSecret> --stack dev$/,
        ],
        [
            "opentok:applicationId not a UUID",
            { "opentok:apiKey": undefined, "opentok:apiSecret": undefined, "opentok:applicationId": "my-app", "opentok:privateKey": privateKey },
            /^Configuration 'opentok:applicationId': opentok:applicationId must be the Vonage application ID, a UUID .*but was "my-app"\. Set it with: pulumi config set opentok:applicationId <applicationId> --stack dev$/,
        ],
        [
            "opentok:privateKey a path, not the key",
            {
                "opentok:apiKey": undefined,
                "opentok:apiSecret": undefined,
                "opentok:applicationId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
                "opentok:privateKey": "./private.key",
            },
            /^Configuration 'opentok:privateKey' \(secret, not shown\): opentok:privateKey must be the application's private key in PEM form.*Set it with: pulumi config set --secret opentok:privateKey --stack dev < private\.key$/,
        ],
        [
            "an OpenTok project and a Vonage application both",
            { "opentok:applicationId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", "opentok:privateKey": privateKey },
            /^2 configuration problems in stack dev; nothing was created:\n- Configuration 'opentok:applicationId': opentok:applicationId cannot be given together with apiKey and apiSecret.*Remove the credentials the stack does not use: pulumi config rm opentok:apiKey/,
        ],
        [
            "a misspelt key (it would be ignored)",
            { [`${key}:retentionDay`]: "7" },
            /^Configuration 'opentok-archive-storage:retentionDay' is not a setting of this program: .*retentionDays.*Remove it with: pulumi config rm opentok-archive-storage:retentionDay --stack dev$/,
        ],
        [
            "fallback spelt in capitals keeps the stack's opentok",
            { [`${key}:fallback`]: "OpenTok" },
            /^Configuration 'opentok-archive-storage:fallback' value 'OpenTok' is not a legal enum value .*Set it with: pulumi config set opentok-archive-storage:fallback opentok --stack dev$/,
        ],
        [
            "fallback empty: no default on purpose, so no value is chosen for the user",
            { [`${key}:fallback`]: "" },
            /^Configuration 'opentok-archive-storage:fallback' is the empty string: .*Set it with: pulumi config set opentok-archive-storage:fallback <none\|opentok> --stack dev$/,
        ],
        [
            "sse empty",
            { [`${key}:sse`]: "" },
            /^Configuration 'opentok-archive-storage:sse' is the empty string: .*Set it with: pulumi config set opentok-archive-storage:sse s3 --stack dev$/,
        ],
        [
            "retentionDays with a unit keeps the number",
            { [`${key}:retentionDays`]: "7days" },
            /^Configuration 'opentok-archive-storage:retentionDays' value '7days' does not match .*Set it with: pulumi config set opentok-archive-storage:retentionDays 7 --stack dev$/,
        ],
        [
            "verify spelt off keeps its meaning",
            { [`${key}:verify`]: "off" },
            /Set it with: pulumi config set opentok-archive-storage:verify false --stack dev$/,
        ],
    ])("names the config key, what is wrong and the command that fixes it, registering nothing: %s", async (_case, change, message) => {
        const run = await runProgram("dev", { ...dev, ...change });
        expect(run.error?.message).toMatch(message);
        expect(run.error?.message).toMatch(/(Set|Change|Remove) (it|the credentials).*: pulumi config (set|rm) .*--stack dev/);
        expect(run.error?.message).not.toContain(apiSecret);
        expect(run.error?.message).not.toContain(privateKeyLine);
        expect(run.resources).toEqual([]);
    });

    it("reports every mistake of a stack in one error, and registers nothing", async () => {
        const run = await runProgram("dev", {
            ...dev,
            "opentok:apiKey": "my-project",
            "opentok:apiUrl": "https://api.opentok.com/v2",
            [`${key}:fallback`]: "",
            [`${key}:retentionDays`]: "0",
            [`${key}:forceDestroy`]: "yes",
        });
        const lines = run.error?.message.split("\n") ?? [];
        expect(lines[0]).toBe("5 configuration problems in stack dev; nothing was created:");
        expect(lines.slice(1).map((line) => /^- Configuration '([^']+)'/.exec(line)?.[1])).toEqual([
            "opentok:apiKey",
            "opentok:apiUrl",
            `${key}:retentionDays`,
            `${key}:fallback`,
            `${key}:forceDestroy`,
        ]);
        expect(run.resources).toEqual([]);
    });

    it("suggests fixing the transition that is wrong with placeholders, not a storage class of its own", async () => {
        const run = await runProgram("dev", {
            ...dev,
            [`${key}:retentionDays`]: "400",
            [`${key}:transitions`]: '[{"storageClass":"STANDARD_IA","days":30},{"storageClass":"GLACIER_IR","days":10}]',
        });
        expect(run.error?.message).toMatch(
            /Change it with: pulumi config set --path 'opentok-archive-storage:transitions\[1\]\.storageClass' <storageClass> --stack dev and pulumi config set --path 'opentok-archive-storage:transitions\[1\]\.days' <days> --stack dev$/,
        );
        expect(run.resources).toEqual([]);
    });

    it.each(["", "OPENTOK", " opentok", "kept"])(
        "never suggests a fallback the stack file does not hold (dev keeps archives in the OpenTok cloud): %j",
        async (fallback) => {
            expect(stackConfig("dev")[`${key}:fallback`]).toBe("opentok");
            const run = await runProgram("dev", { ...dev, [`${key}:fallback`]: fallback });
            expect(run.error?.message).toMatch(/opentok-archive-storage:fallback (opentok|<none\|opentok>) --stack dev$/);
        },
    );
});
