// The bucket policy and the OpenTok user's IAM policy that the program generates, judged the way
// AWS judges them: evaluated by an independent implementation of AWS's policy evaluation
// (@cloud-copilot/iam-simulate: identity + resource policies, every condition operator, absent
// keys), never by reading the JSON. Each stack file is run, and dev with sse "none".

import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { only, parsedPolicy, ProgramRun, runProgram, stackConfig } from "./support/program-with-mocks";

const accountId = "123456789012";
const apiKey = "47000001";
const credentials = { "opentok:apiKey": apiKey, "opentok:apiSecret": "policy-api-secret-Hh31kq" };

type Principal = "upload key" | "account admin";
type Resource = "archive" | "bucket" | "*" | "other bucket's object" | "bucket policy";
type Expected = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

interface RequestCase {
    /** The S3 request as OpenTok (or someone else) makes it. */
    request: string;
    principal: Principal;
    action: string;
    resource: Resource;
    /** Request context: TLS is on and no SSE header is sent unless a case says otherwise. */
    tls?: false;
    sse?: "AES256" | "aws:kms" | "aws:kms:dsse";
    expected: Expected;
}

// Multipart uploads: CreateMultipartUpload, UploadPart and CompleteMultipartUpload are all
// authorized as s3:PutObject, and only the first can carry the SSE header (DOMAIN.md).
const cases: RequestCase[] = [
    { request: "PutObject, SSE-S3 asked", principal: "upload key", action: "s3:PutObject", resource: "archive", sse: "AES256", expected: "Allowed" },
    {
        request: "CreateMultipartUpload, SSE-S3 asked",
        principal: "upload key",
        action: "s3:PutObject",
        resource: "archive",
        sse: "AES256",
        expected: "Allowed",
    },
    { request: "UploadPart (no SSE header)", principal: "upload key", action: "s3:PutObject", resource: "archive", expected: "Allowed" },
    { request: "CompleteMultipartUpload (no SSE header)", principal: "upload key", action: "s3:PutObject", resource: "archive", expected: "Allowed" },
    { request: "PutObject, no SSE header", principal: "upload key", action: "s3:PutObject", resource: "archive", expected: "Allowed" },
    { request: "ListBucket on the bucket", principal: "upload key", action: "s3:ListBucket", resource: "bucket", expected: "Allowed" },
    { request: "ListAllMyBuckets", principal: "upload key", action: "s3:ListAllMyBuckets", resource: "*", expected: "Allowed" },
    {
        request: "PutObject over plain HTTP",
        principal: "upload key",
        action: "s3:PutObject",
        resource: "archive",
        sse: "AES256",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    {
        request: "ListBucket over plain HTTP",
        principal: "upload key",
        action: "s3:ListBucket",
        resource: "bucket",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    {
        request: "GetObject over plain HTTP",
        principal: "account admin",
        action: "s3:GetObject",
        resource: "archive",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject asking for aws:kms",
        principal: "upload key",
        action: "s3:PutObject",
        resource: "archive",
        sse: "aws:kms",
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject asking for aws:kms:dsse",
        principal: "upload key",
        action: "s3:PutObject",
        resource: "archive",
        sse: "aws:kms:dsse",
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject asking for aws:kms",
        principal: "account admin",
        action: "s3:PutObject",
        resource: "archive",
        sse: "aws:kms",
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject asking for aws:kms:dsse",
        principal: "account admin",
        action: "s3:PutObject",
        resource: "archive",
        sse: "aws:kms:dsse",
        expected: "ExplicitlyDenied",
    },
    { request: "GetObject", principal: "upload key", action: "s3:GetObject", resource: "archive", expected: "ImplicitlyDenied" },
    { request: "DeleteObject", principal: "upload key", action: "s3:DeleteObject", resource: "archive", expected: "ImplicitlyDenied" },
    {
        request: "PutObject to another bucket",
        principal: "upload key",
        action: "s3:PutObject",
        resource: "other bucket's object",
        sse: "AES256",
        expected: "ImplicitlyDenied",
    },
    { request: "PutBucketPolicy", principal: "upload key", action: "s3:PutBucketPolicy", resource: "bucket policy", expected: "ImplicitlyDenied" },
    // The baseline: an admin can still use the bucket, so the denies above are the policy's doing.
    { request: "PutObject, no SSE header", principal: "account admin", action: "s3:PutObject", resource: "archive", expected: "Allowed" },
];

const adminPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

interface GeneratedPolicies {
    bucketArn: string;
    userArn: string;
    bucketPolicy: object;
    userPolicy: object;
}

function policiesOf(run: ProgramRun): GeneratedPolicies {
    const bucketArn = `arn:aws:s3:::${only(run, "aws:s3/bucket:Bucket").name}-a1b2c3`;
    const user = only(run, "aws:iam/user:User");
    return {
        bucketArn,
        // As the stand-in outputs name it: the user is created under path /opentok/.
        userArn: `arn:aws:iam::${accountId}:user${user.inputs.path}${user.name}-user`,
        bucketPolicy: parsedPolicy(only(run, "aws:s3/bucketPolicy:BucketPolicy")),
        userPolicy: parsedPolicy(only(run, "aws:iam/userPolicy:UserPolicy")),
    };
}

async function evaluate(policies: GeneratedPolicies, c: RequestCase): Promise<string> {
    const resources: Record<Resource, string> = {
        archive: `${policies.bucketArn}/${apiKey}/2f1c9a0e-archive/archive.mp4`,
        bucket: policies.bucketArn,
        "*": "*",
        "other bucket's object": "arn:aws:s3:::someone-elses-bucket/archive.mp4",
        "bucket policy": policies.bucketArn,
    };
    const resource = resources[c.resource];
    const inBucket = resource.startsWith(policies.bucketArn);
    const contextVariables: Record<string, string> = { "aws:SecureTransport": c.tls === false ? "false" : "true" };
    if (c.sse !== undefined) {
        contextVariables["s3:x-amz-server-side-encryption"] = c.sse;
    }
    const result = await runSimulation(
        {
            identityPolicies:
                c.principal === "upload key" ? [{ name: "opentok-upload", policy: policies.userPolicy }] : [{ name: "admin", policy: adminPolicy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            // Another bucket's policy is not ours to know: only our bucket's requests meet ours.
            ...(inBucket ? { resourcePolicy: policies.bucketPolicy } : {}),
            request: {
                principal: c.principal === "upload key" ? policies.userArn : `arn:aws:iam::${accountId}:user/admin`,
                action: c.action,
                resource: { resource, accountId },
                contextVariables,
            },
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`The evaluator refused the simulation of ${c.request}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult;
}

const programs: [string, string, Record<string, string>][] = [
    ["dev", "dev", {}],
    ["staging", "staging", {}],
    ["prod", "prod", {}],
    ['dev with sse "none"', "dev", { "opentok-archive-storage:sse": "none" }],
];

describe.each(programs)("the policies the program generates for %s", (_label, stack, overrides) => {
    let policies: GeneratedPolicies;

    beforeAll(async () => {
        const run = await runProgram(stack, { ...stackConfig(stack), ...credentials, ...overrides });
        if (run.error) {
            throw run.error;
        }
        policies = policiesOf(run);
    });

    it.each(cases.map((c) => [`${c.request} by the ${c.principal}`, c] as const))("%s", async (_name, c) => {
        const result = await evaluate(policies, c);
        expect(result).toBe(c.expected);
    });
});

describe("the old bucket policy (StringNotEquals alone), evaluated the same way", () => {
    it("explicitly denies UploadPart: the bug this policy fixes", async () => {
        const bucketArn = "arn:aws:s3:::old-archives";
        const oldPolicy = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucketArn}/*`,
                    Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" } },
                },
            ],
        };
        const userPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `${bucketArn}/*` }] };
        const policies = { bucketArn, userArn: `arn:aws:iam::${accountId}:user/opentok/old`, bucketPolicy: oldPolicy, userPolicy };
        const uploadPart = cases.find((c) => c.request === "UploadPart (no SSE header)")!;
        expect(await evaluate(policies, uploadPart)).toBe("ExplicitlyDenied");
    });
});

describe("the README", () => {
    it("shows the table of requests and results that the evaluations above assert for every program", () => {
        const rows = cases.map((c) => `| ${c.request} | ${c.principal} | ${c.expected} |`);
        const table = ["| request | by | result |", "| --- | --- | --- |", ...rows].join("\n");
        // Compared cell by cell: prettier pads the README's columns.
        const cells = (text: string) => text.replace(/ *\| */g, "|").replace(/-{3,}/g, "---");
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        expect(cells(readme)).toContain(cells(table));
    });
});
