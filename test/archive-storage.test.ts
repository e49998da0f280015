// ArchiveStorage used directly, as another program would: its Args take values from other
// resources, and plain values it branches on are refused before anything is registered.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveStorage, ArchiveStorageArgs } from "@opentok-archive-storage/archive-upload-target/aws";
import { recordRegistrations, resolved } from "./support/mock-resources";

// One mock monitor for the file: a component registers its outputs after the test that made it.
const registered = recordRegistrations((args) => ({
    id: `${args.name}-id`,
    outputs: { bucket: `${args.name}-b1`, name: `${args.name}-user`, arn: `arn:aws:iam::123456789012:user/opentok/${args.name}-user` },
}));

const inputsOf = (type: string, component: string) => registered.find((r) => r.type === type && r.name.startsWith(component))!.inputs;

it("takes credentials, sse, fallback, forceDestroy, verify and tags from other resources' outputs", async () => {
    const storage = new ArchiveStorage("inputs", {
        opentok: { apiKey: pulumi.output("47000009"), apiSecret: pulumi.secret("direct-api-secret-Hy62") },
        sse: pulumi.output("none" as const),
        fallback: Promise.resolve("opentok" as const),
        forceDestroy: pulumi.output(true),
        verify: pulumi.output(false),
        tags: { environment: pulumi.output("direct") },
    });
    expect(await resolved(storage.targetId!)).toBe("inputs-target-id");
    expect(inputsOf("aws:s3/bucket:Bucket", "inputs")).toEqual({ forceDestroy: true, tags: { environment: "direct" } });
    expect(inputsOf("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget", "inputs")).toMatchObject({
        apiKey: "47000009",
        sse: "none",
        fallback: "opentok",
        verify: false,
        bucket: "inputs-archives-b1",
    });
    expect(await resolved(storage.bucketName)).toBe("inputs-archives-b1");
    expect(await resolved(storage.userName!)).toBe("inputs-opentok-user");
    expect(await resolved(storage.accessKeyId!)).toBe("inputs-opentok-key-1-id");
    expect(storage.logBucketName).toBeUndefined();
});

it("names the access log bucket when access logs are on", async () => {
    const storage = new ArchiveStorage("logs", {
        opentok: { apiKey: "47000009", apiSecret: "direct-api-secret-Hy62" },
        fallback: "none",
        accessLogs: {},
    });
    expect(await resolved(storage.logBucketName!)).toBe("logs-access-logs-b1");
});

it("refuses every bad plain argument at once, naming each, before it registers anything", () => {
    const args = {
        opentok: { apiKey: "47000009", apiSecret: "direct-api-secret-Hy62" },
        sse: "kms",
        fallback: "keep",
        retentionDays: 0,
        noncurrentVersionDays: 1.5,
        accessLogs: { retentionDays: -1 },
        keyGeneration: 0,
    } as unknown as ArchiveStorageArgs;
    let message = "";
    try {
        new ArchiveStorage("refused", args);
    } catch (e) {
        message = (e as Error).message;
    }
    expect(message.split("; ")).toEqual([
        'ArchiveStorage: sse must be one of s3, none, but was "kms"',
        'fallback must be one of none, opentok, vonage, but was "keep"',
        "retentionDays must be a whole number, at least 1, but was 0",
        "noncurrentVersionDays must be a whole number, at least 1, but was 1.5",
        "accessLogs.retentionDays must be a whole number, at least 1, but was -1",
        "keyGeneration must be a whole number, at least 1, but was 0",
    ]);
    expect(message).not.toContain("direct-api-secret-Hy62");
    expect(registered.filter((r) => r.name.startsWith("refused"))).toEqual([]);
});

const ofComponent = (component: string) => registered.filter((r) => r.name.startsWith(`${component}-`));

describe("an existing bucket", () => {
    it("changes nothing of it by default: no policy, encryption, versioning, lifecycle, public access block or ownership", async () => {
        const storage = new ArchiveStorage("existing", {
            opentok: { apiKey: "47000011", apiSecret: "direct-api-secret-Hy62" },
            existingBucket: { name: pulumi.output("acme-archives") },
            fallback: "none",
        });
        expect(await resolved(storage.targetId!)).toBe("existing-target-id");
        expect(
            ofComponent("existing")
                .map((r) => r.type)
                .sort(),
        ).toEqual([
            "aws:iam/accessKey:AccessKey",
            "aws:iam/user:User",
            "aws:iam/userPolicy:UserPolicy",
            "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget",
        ]);
        // The preflight still proves the new key can upload before the target is set.
        expect(inputsOf("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget", "existing")).toMatchObject({ bucket: "acme-archives", verify: true });
        const policy = JSON.parse(inputsOf("aws:iam/userPolicy:UserPolicy", "existing").policy as string);
        expect(policy.Statement.map((s: { Resource: unknown }) => s.Resource)).toEqual([
            "*",
            "arn:aws:s3:::acme-archives",
            "arn:aws:s3:::acme-archives/*",
        ]);
        expect(await resolved(storage.bucketName)).toBe("acme-archives");
        expect(storage.bucket).toBeUndefined();
    });

    it("takes the bucket's ARN where it is not in the aws partition", async () => {
        const storage = new ArchiveStorage("gov", {
            opentok: { apiKey: "47000012", apiSecret: "direct-api-secret-Hy62" },
            existingBucket: { name: "gov-archives", arn: "arn:aws-us-gov:s3:::gov-archives" },
            fallback: "none",
        });
        expect(await resolved(storage.bucketArn)).toBe("arn:aws-us-gov:s3:::gov-archives");
    });

    it("manages each guard it is told to, and only those", async () => {
        const storage = new ArchiveStorage("optin", {
            opentok: { apiKey: "47000013", apiSecret: "direct-api-secret-Hy62" },
            existingBucket: { name: "optin-bucket", policy: true, encryption: true, lifecycle: true },
            retentionDays: 400,
            fallback: "none",
        });
        await resolved(storage.targetId!);
        expect(
            ofComponent("optin")
                .map((r) => r.name)
                .sort(),
        ).toEqual([
            "optin-archives-encryption",
            "optin-archives-lifecycle",
            "optin-archives-policy",
            "optin-opentok",
            "optin-opentok-key-1",
            "optin-opentok-upload",
            "optin-target",
        ]);
        expect(inputsOf("aws:s3/bucketPolicy:BucketPolicy", "optin").bucket).toBe("optin-bucket");
    });

    it("refuses bucketName, forceDestroy and lifecycle settings that would not apply, before it registers anything", () => {
        let message = "";
        try {
            new ArchiveStorage("clash", {
                opentok: { apiKey: "47000014", apiSecret: "direct-api-secret-Hy62" },
                existingBucket: { name: "clash-bucket" },
                bucketName: "clash-new",
                forceDestroy: true,
                retentionDays: 30,
                transitions: [],
                fallback: "none",
            });
        } catch (e) {
            message = (e as Error).message;
        }
        expect(message.split("; ")).toEqual([
            "ArchiveStorage: bucketName names a bucket the component creates: not with existingBucket",
            "forceDestroy empties a bucket the component created: not with existingBucket",
            "retentionDays is a lifecycle rule: with existingBucket, it needs existingBucket.lifecycle: true",
            "transitions is a lifecycle rule: with existingBucket, it needs existingBucket.lifecycle: true",
        ]);
        expect(ofComponent("clash")).toEqual([]);
    });
});

it("names the bucket it creates when given bucketName", async () => {
    const storage = new ArchiveStorage("named", {
        opentok: { apiKey: "47000015", apiSecret: "direct-api-secret-Hy62" },
        bucketName: "acme-video-archives",
        fallback: "none",
    });
    await resolved(storage.targetId!);
    expect(inputsOf("aws:s3/bucket:Bucket", "named")).toEqual({ bucket: "acme-video-archives", forceDestroy: false });
});

it("refuses neither or both of opentok and projects", () => {
    expect(() => new ArchiveStorage("neither", { fallback: "none" })).toThrow(
        "ArchiveStorage: give either opentok (one project) or projects (several), not both or neither",
    );
    expect(ofComponent("neither")).toEqual([]);
});
