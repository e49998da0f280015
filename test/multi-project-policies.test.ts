// Several OpenTok projects in one bucket: ArchiveStorage with `projects` gives each its own IAM
// user and key, whose policy lets it write only under its project's prefix. Judged the way AWS
// judges it, by an independent implementation of AWS's policy evaluation
// (@cloud-copilot/iam-simulate), the key's identity policy together with the bucket's policy;
// docs/storage.md shows the table these cases assert.

import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ArchiveStorage } from "@opentok-archive-storage/archive-upload-target/aws";
import { Registered, recordRegistrations, resolved } from "./support/mock-resources";

const accountId = "123456789012";

const registered = recordRegistrations((args) => ({
    id: args.type.includes("ArchiveUploadTarget") ? String(args.inputs.apiKey ?? args.inputs.applicationId) : `${args.name}-id`,
    outputs:
        args.type === "aws:s3/bucket:Bucket"
            ? { bucket: `${args.name}-a1b2c3`, arn: `arn:aws:s3:::${args.name}-a1b2c3` }
            : args.type === "aws:iam/user:User"
              ? { name: `${args.name}-user`, arn: `arn:aws:iam::${accountId}:user/opentok/${args.name}-user` }
              : args.type === "aws:iam/accessKey:AccessKey"
                ? { secret: `mock-secret-of-${args.name}` }
                : {},
}));

const byName = (type: string, name: string) => {
    const matches = registered.filter((r) => r.type === type && r.name === name);
    expect(matches.map((r) => r.name)).toEqual([name]);
    return matches[0]!;
};
const policyOf = (r: Registered) => JSON.parse(r.inputs.policy as string) as object;

type Key = "project A's key" | "project B's key";
type Target = "A's prefix" | "B's prefix" | "bucket root" | "A's key as a longer prefix" | "the bucket" | "*";
type Expected = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

interface Case {
    request: string;
    key: Key;
    action: string;
    target: Target;
    sse?: "AES256" | "aws:kms";
    tls?: false;
    expected: Expected;
}

const apiKeys = { A: "47000101", B: "47000102" } as const;

// CreateMultipartUpload, UploadPart and CompleteMultipartUpload are all authorized as s3:PutObject
// on the object's key; only the first may carry the SSE header.
const ownUploads = (key: Key, own: Target): Case[] => [
    { request: "PutObject, SSE-S3 asked", key, action: "s3:PutObject", target: own, sse: "AES256", expected: "Allowed" },
    { request: "PutObject, no SSE header", key, action: "s3:PutObject", target: own, expected: "Allowed" },
    { request: "CreateMultipartUpload, SSE-S3 asked", key, action: "s3:PutObject", target: own, sse: "AES256", expected: "Allowed" },
    { request: "CreateMultipartUpload, no SSE header", key, action: "s3:PutObject", target: own, expected: "Allowed" },
    { request: "UploadPart (no SSE header)", key, action: "s3:PutObject", target: own, expected: "Allowed" },
    { request: "CompleteMultipartUpload (no SSE header)", key, action: "s3:PutObject", target: own, expected: "Allowed" },
];
const othersUploads = (key: Key, other: Target): Case[] => [
    { request: "PutObject, SSE-S3 asked", key, action: "s3:PutObject", target: other, sse: "AES256", expected: "ImplicitlyDenied" },
    { request: "PutObject, no SSE header", key, action: "s3:PutObject", target: other, expected: "ImplicitlyDenied" },
    { request: "CreateMultipartUpload, SSE-S3 asked", key, action: "s3:PutObject", target: other, sse: "AES256", expected: "ImplicitlyDenied" },
    { request: "UploadPart (no SSE header)", key, action: "s3:PutObject", target: other, expected: "ImplicitlyDenied" },
    { request: "CompleteMultipartUpload (no SSE header)", key, action: "s3:PutObject", target: other, expected: "ImplicitlyDenied" },
];

const cases: Case[] = [
    ...ownUploads("project A's key", "A's prefix"),
    ...othersUploads("project A's key", "B's prefix"),
    {
        request: "PutObject, SSE-S3 asked",
        key: "project A's key",
        action: "s3:PutObject",
        target: "bucket root",
        sse: "AES256",
        expected: "ImplicitlyDenied",
    },
    {
        request: "PutObject, SSE-S3 asked",
        key: "project A's key",
        action: "s3:PutObject",
        target: "A's key as a longer prefix",
        sse: "AES256",
        expected: "ImplicitlyDenied",
    },
    {
        request: "PutObject asking for aws:kms",
        key: "project A's key",
        action: "s3:PutObject",
        target: "A's prefix",
        sse: "aws:kms",
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject over plain HTTP",
        key: "project A's key",
        action: "s3:PutObject",
        target: "A's prefix",
        sse: "AES256",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    { request: "GetObject", key: "project A's key", action: "s3:GetObject", target: "A's prefix", expected: "ImplicitlyDenied" },
    { request: "GetObject", key: "project A's key", action: "s3:GetObject", target: "B's prefix", expected: "ImplicitlyDenied" },
    { request: "DeleteObject", key: "project A's key", action: "s3:DeleteObject", target: "B's prefix", expected: "ImplicitlyDenied" },
    { request: "ListBucket", key: "project A's key", action: "s3:ListBucket", target: "the bucket", expected: "Allowed" },
    { request: "ListAllMyBuckets", key: "project A's key", action: "s3:ListAllMyBuckets", target: "*", expected: "Allowed" },
    ...ownUploads("project B's key", "B's prefix"),
    ...othersUploads("project B's key", "A's prefix"),
    { request: "ListBucket", key: "project B's key", action: "s3:ListBucket", target: "the bucket", expected: "Allowed" },
    { request: "ListAllMyBuckets", key: "project B's key", action: "s3:ListAllMyBuckets", target: "*", expected: "Allowed" },
];

interface Policies {
    bucketArn: string;
    bucketPolicy?: object;
    users: Record<"A" | "B", { arn: string; policy: object }>;
}

async function evaluate(
    policies: Policies,
    c: Case,
    prefixes: Record<"A" | "B" | "bucket root" | "longer", string> = {
        A: apiKeys.A,
        B: apiKeys.B,
        "bucket root": "",
        longer: `${apiKeys.A}0`,
    },
): Promise<string> {
    const archive = (prefix: string) => `${policies.bucketArn}/${prefix === "" ? "" : `${prefix}/`}2f1c9a0e-archive/archive.mp4`;
    const resources: Record<Target, string> = {
        "A's prefix": archive(prefixes.A),
        "B's prefix": archive(prefixes.B),
        "bucket root": archive(prefixes["bucket root"]),
        "A's key as a longer prefix": archive(prefixes.longer),
        "the bucket": policies.bucketArn,
        "*": "*",
    };
    const user = policies.users[c.key === "project A's key" ? "A" : "B"];
    const resource = resources[c.target];
    const contextVariables: Record<string, string> = { "aws:SecureTransport": c.tls === false ? "false" : "true" };
    if (c.sse !== undefined) {
        contextVariables["s3:x-amz-server-side-encryption"] = c.sse;
    }
    const result = await runSimulation(
        {
            identityPolicies: [{ name: "opentok-upload", policy: user.policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(policies.bucketPolicy !== undefined && resource.startsWith(policies.bucketArn) ? { resourcePolicy: policies.bucketPolicy } : {}),
            request: { principal: user.arn, action: c.action, resource: { resource, accountId }, contextVariables },
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`The evaluator refused the simulation of ${c.request}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult;
}

function policiesOf(component: string, bucketArn: string, withBucketPolicy: boolean): Policies {
    const user = (project: string) => ({
        arn: `arn:aws:iam::${accountId}:user/opentok/${component}-${project}-opentok-user`,
        policy: policyOf(byName("aws:iam/userPolicy:UserPolicy", `${component}-${project}-opentok-upload`)),
    });
    return {
        bucketArn,
        bucketPolicy: withBucketPolicy ? policyOf(byName("aws:s3/bucketPolicy:BucketPolicy", `${component}-archives-policy`)) : undefined,
        users: { A: user("tenant-a"), B: user("tenant-b") },
    };
}

const twoProjects = [
    { name: "tenant-a", opentok: { apiKey: apiKeys.A, apiSecret: "tenant-a-secret-Qx81" } },
    { name: "tenant-b", opentok: { apiKey: apiKeys.B, apiSecret: "tenant-b-secret-Lm27" } },
];

describe("two projects in a bucket the component creates, with its bucket policy", () => {
    let policies: Policies;
    let storage: ArchiveStorage;

    beforeAll(async () => {
        storage = new ArchiveStorage("shared", { projects: twoProjects, fallback: "none" });
        expect(await resolved(storage.targetIds)).toEqual([apiKeys.A, apiKeys.B]);
        policies = policiesOf("shared", "arn:aws:s3:::shared-archives-a1b2c3", true);
    });

    it.each(cases.map((c) => [`${c.request} into ${c.target} by ${c.key}`, c] as const))("%s", async (_name, c) => {
        expect(await evaluate(policies, c)).toBe(c.expected);
    });

    it("gives each project its own user, key and target, pointed at the one bucket, with the preflight on", () => {
        for (const [project, apiKey] of [
            ["tenant-a", apiKeys.A],
            ["tenant-b", apiKeys.B],
        ] as const) {
            byName("aws:iam/user:User", `shared-${project}-opentok`);
            expect(byName("aws:iam/accessKey:AccessKey", `shared-${project}-opentok-key-1`).inputs.user).toBe(`shared-${project}-opentok-user`);
            expect(byName("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget", `shared-${project}-target`).inputs).toMatchObject({
                apiKey,
                bucket: "shared-archives-a1b2c3",
                accessKey: `shared-${project}-opentok-key-1-id`,
                verify: true,
            });
        }
        expect(registered.filter((r) => r.name.startsWith("shared") && r.type === "aws:s3/bucket:Bucket").map((r) => r.name)).toEqual([
            "shared-archives",
        ]);
        expect(storage.target).toBeUndefined();
        expect(storage.uploads.map((u) => u.name)).toEqual(["tenant-a", "tenant-b"]);
    });
});

describe("two projects in an existing bucket, which keeps its own policy", () => {
    let policies: Policies;

    beforeAll(async () => {
        const storage = new ArchiveStorage("adopted", {
            projects: twoProjects,
            existingBucket: { name: "acme-video-archives" },
            fallback: "none",
        });
        expect(await resolved(storage.bucketArn)).toBe("arn:aws:s3:::acme-video-archives");
        expect(await resolved(storage.targetIds)).toEqual([apiKeys.A, apiKeys.B]);
        policies = policiesOf("adopted", "arn:aws:s3:::acme-video-archives", false);
    });

    it.each(cases.filter((c) => c.tls !== false && c.sse !== "aws:kms").map((c) => [`${c.request} into ${c.target} by ${c.key}`, c] as const))(
        "%s",
        async (_name, c) => {
            expect(await evaluate(policies, c)).toBe(c.expected);
        },
    );
});

describe("a Vonage application, whose prefix is unverified: its ID's and the one given are both allowed", () => {
    const applicationId = "6a7d8e1c-1f3b-4c2a-9d0e-5b6c7d8e9f01";
    let policy: object;

    beforeAll(async () => {
        const storage = new ArchiveStorage("vonage", {
            projects: [
                { name: "tenant-a", opentok: { applicationId, privateKey: "vonage-private-key-Zr93" }, prefix: "47000199" },
                { name: "tenant-b", opentok: { apiKey: apiKeys.B, apiSecret: "tenant-b-secret-Lm27" } },
            ],
            fallback: "none",
        });
        await resolved(storage.targetIds);
    });

    it.each([
        [applicationId, "Allowed"],
        ["47000199", "Allowed"],
        [apiKeys.B, "ImplicitlyDenied"],
    ])("PutObject under %s/ by the application's key: %s", async (prefix, expected) => {
        const policies = policiesOf("vonage", "arn:aws:s3:::vonage-archives-a1b2c3", true);
        policy = policies.users.A.policy;
        expect(policy).toBeDefined();
        const c: Case = {
            request: "PutObject",
            key: "project A's key",
            action: "s3:PutObject",
            target: "A's prefix",
            sse: "AES256",
            expected: "Allowed",
        };
        expect(await evaluate(policies, c, { A: prefix, B: apiKeys.B, "bucket root": "", longer: `${prefix}0` })).toBe(expected);
    });
});

it("refuses a list of projects with bad names, duplicates, wildcard prefixes or a shared keyGeneration, before it registers anything", () => {
    let message = "";
    try {
        new ArchiveStorage("refused", {
            projects: [
                { name: "a b", opentok: { apiKey: "1", apiSecret: "refused-secret-Jk12" } },
                { name: "x", opentok: { apiKey: "2", apiSecret: "refused-secret-Jk12" }, prefix: "x/*" },
                { name: "x", opentok: { apiKey: "3", apiSecret: "refused-secret-Jk12" } },
            ],
            keyGeneration: 2,
            fallback: "none",
        });
    } catch (e) {
        message = (e as Error).message;
    }
    expect(message.split("; ")).toEqual([
        "ArchiveStorage: keyGeneration is per project with projects: set projects[].keyGeneration",
        'projects[0].name must be letters, digits and hyphens, but was "a b"',
        'projects[1].prefix must be non-empty, without * or ?, and neither start nor end with /, but was "x/*"',
        'projects[2].name "x" is given twice',
    ]);
    expect(message).not.toContain("refused-secret-Jk12");
    expect(registered.filter((r) => r.name.startsWith("refused"))).toEqual([]);
});

describe("docs/storage.md", () => {
    const cells = (text: string) => text.replace(/ *\| */g, "|").replace(/-{3,}/g, "---");
    it("shows the table of requests by two projects' keys in one bucket and their results", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "storage.md"), "utf8");
        const rows = cases.map((c) => `| ${c.request} | ${c.key} | ${c.target} | ${c.expected} |`);
        const table = ["| request | by | into | result |", "| --- | --- | --- | --- |", ...rows].join("\n");
        expect(cells(doc)).toContain(cells(table));
    });
});
