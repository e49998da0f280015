// The bucket policy and the OpenTok user's IAM policy that the program generates, judged the way
// AWS judges them: evaluated by an independent implementation of AWS's policy evaluation
// (@cloud-copilot/iam-simulate: identity + resource policies, every condition operator, absent
// keys), never by reading the JSON. Each stack file is run, dev with sse "none", and dev with
// every storage option on (access logs, retention, noncurrent versions, transitions); where access logs are on, the log bucket's policy is evaluated too.

import * as fs from "fs";
import * as path from "path";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { named, only, parsedPolicy, ProgramRun, runProgram, stackConfig } from "./support/program-with-mocks";

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
// authorized as s3:PutObject, and only the first can carry the SSE header: S3 refuses it on
// UploadPart (aws/aws-cli#1674, boto/botocore#471).
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
    const bucket = run.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-archives"))!;
    const bucketArn = `arn:aws:s3:::${bucket.name}-a1b2c3`;
    const user = only(run, "aws:iam/user:User");
    return {
        bucketArn,
        // As the stand-in outputs name it: the user is created under path /opentok/.
        userArn: `arn:aws:iam::${accountId}:user${user.inputs.path}${user.name}-user`,
        bucketPolicy: parsedPolicy(named(run, "aws:s3/bucketPolicy:BucketPolicy", `${bucket.name}-policy`)),
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
    [
        "dev with access logs and transitions",
        "dev",
        { "opentok-archive-storage:accessLogs": "true", "opentok-archive-storage:transitions": '[{"storageClass":"GLACIER_IR","days":1}]' },
    ],
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

type LogPrincipal = "logging service" | "another service" | "upload key" | "account admin" | "another account's admin";
type LogResource = "log" | "object outside logs/";

interface LogRequestCase {
    request: string;
    principal: LogPrincipal;
    action: string;
    resource: LogResource;
    /** The logging service's delivery context: whose logs (aws:SourceArn) from which account. */
    source?: "the archive bucket" | "another bucket" | "another account";
    tls?: false;
    sse?: "AES256" | "aws:kms";
    expected: Expected;
}

// The logging service writes logs with aws:SourceArn (the logged bucket) and aws:SourceAccount set;
// TLS is on and no SSE header is sent unless a case says otherwise.
const logCases: LogRequestCase[] = [
    {
        request: "PutObject of a log",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "the archive bucket",
        expected: "Allowed",
    },
    {
        request: "PutObject of a log, SSE-S3 asked",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "the archive bucket",
        sse: "AES256",
        expected: "Allowed",
    },
    {
        request: "PutObject of another bucket's log",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "another bucket",
        expected: "ImplicitlyDenied",
    },
    {
        request: "PutObject of a log for another account",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "another account",
        expected: "ImplicitlyDenied",
    },
    {
        request: "PutObject outside logs/",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "object outside logs/",
        source: "the archive bucket",
        expected: "ImplicitlyDenied",
    },
    {
        request: "PutObject of a log over plain HTTP",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "the archive bucket",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject of a log asking for aws:kms",
        principal: "logging service",
        action: "s3:PutObject",
        resource: "log",
        source: "the archive bucket",
        sse: "aws:kms",
        expected: "ExplicitlyDenied",
    },
    {
        request: "PutObject of a log",
        principal: "another service",
        action: "s3:PutObject",
        resource: "log",
        source: "the archive bucket",
        expected: "ImplicitlyDenied",
    },
    { request: "PutObject of a log", principal: "upload key", action: "s3:PutObject", resource: "log", expected: "ImplicitlyDenied" },
    { request: "GetObject of a log", principal: "upload key", action: "s3:GetObject", resource: "log", expected: "ImplicitlyDenied" },
    { request: "PutObject of a log", principal: "another account's admin", action: "s3:PutObject", resource: "log", expected: "ImplicitlyDenied" },
    { request: "GetObject of a log", principal: "another account's admin", action: "s3:GetObject", resource: "log", expected: "ImplicitlyDenied" },
    {
        request: "GetObject of a log over plain HTTP",
        principal: "account admin",
        action: "s3:GetObject",
        resource: "log",
        tls: false,
        expected: "ExplicitlyDenied",
    },
    // The baseline: the account's admin can read the logs, so the denies above are the policy's doing.
    { request: "GetObject of a log", principal: "account admin", action: "s3:GetObject", resource: "log", expected: "Allowed" },
];

const otherAccountId = "210987654321";

async function evaluateLogRequest(run: ProgramRun, c: LogRequestCase): Promise<string> {
    const archive = run.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-archives"))!;
    const logs = run.resources.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-access-logs"))!;
    const archiveBucket = `${archive.name}-a1b2c3`;
    const logBucketArn = `arn:aws:s3:::${logs.name}-a1b2c3`;
    const policies = policiesOf(run);
    const resources: Record<LogResource, string> = {
        // The partitioned key format: <prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/<time>-<id>.
        log: `${logBucketArn}/logs/${accountId}/us-east-1/${archiveBucket}/2026/11/29/2026-11-29-08-00-00-0A1B2C3D`,
        "object outside logs/": `${logBucketArn}/elsewhere/2026-11-29-08-00-00-0A1B2C3D`,
    };
    const principals: Record<LogPrincipal, { arn: string; policies: object[] }> = {
        "logging service": { arn: "logging.s3.amazonaws.com", policies: [] },
        "another service": { arn: "cloudtrail.amazonaws.com", policies: [] },
        "upload key": { arn: policies.userArn, policies: [policies.userPolicy] },
        "account admin": { arn: `arn:aws:iam::${accountId}:user/admin`, policies: [adminPolicy] },
        "another account's admin": { arn: `arn:aws:iam::${otherAccountId}:user/admin`, policies: [adminPolicy] },
    };
    const contextVariables: Record<string, string> = { "aws:SecureTransport": c.tls === false ? "false" : "true" };
    if (c.source !== undefined) {
        contextVariables["aws:SourceArn"] = c.source === "another bucket" ? "arn:aws:s3:::someone-elses-bucket" : `arn:aws:s3:::${archiveBucket}`;
        contextVariables["aws:SourceAccount"] = c.source === "another account" ? otherAccountId : accountId;
    }
    if (c.sse !== undefined) {
        contextVariables["s3:x-amz-server-side-encryption"] = c.sse;
    }
    const principal = principals[c.principal];
    const result = await runSimulation(
        {
            identityPolicies: principal.policies.map((policy, index) => ({ name: `policy-${index}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: parsedPolicy(named(run, "aws:s3/bucketPolicy:BucketPolicy", `${logs.name}-policy`)),
            request: { principal: principal.arn, action: c.action, resource: { resource: resources[c.resource], accountId }, contextVariables },
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`The evaluator refused the simulation of ${c.request}: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult;
}

const programsWithAccessLogs = programs.filter(([, stack, overrides]) => {
    const config = { ...stackConfig(stack), ...overrides };
    return config["opentok-archive-storage:accessLogs"] === "true";
});

describe.each(programsWithAccessLogs)("the log bucket's policy the program generates for %s", (_label, stack, overrides) => {
    let run: ProgramRun;

    beforeAll(async () => {
        run = await runProgram(stack, { ...stackConfig(stack), ...credentials, ...overrides });
        if (run.error) {
            throw run.error;
        }
    });

    it.each(logCases.map((c) => [`${c.request} by the ${c.principal}`, c] as const))("%s", async (_name, c) => {
        expect(await evaluateLogRequest(run, c)).toBe(c.expected);
    });
});

it("evaluates the log bucket's policy for prod and for dev with access logs on", () => {
    expect(programsWithAccessLogs.map(([label]) => label)).toEqual(["prod", "dev with access logs and transitions"]);
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

describe("docs/storage.md", () => {
    // Compared cell by cell: prettier pads the tables' columns.
    const cells = (text: string) => text.replace(/ *\| */g, "|").replace(/-{3,}/g, "---");
    const storageDoc = fs.readFileSync(path.join(__dirname, "..", "docs", "storage.md"), "utf8");

    it("shows the table of requests and results that the evaluations above assert for every program", () => {
        const rows = cases.map((c) => `| ${c.request} | ${c.principal} | ${c.expected} |`);
        const table = ["| request | by | result |", "| --- | --- | --- |", ...rows].join("\n");
        expect(cells(storageDoc)).toContain(cells(table));
    });

    it("shows the table of requests to the log bucket and their results", () => {
        const rows = logCases.map((c) => `| ${c.request} | ${c.principal} | ${c.source ?? ""} | ${c.expected} |`);
        const table = ["| request | by | logs of | result |", "| --- | --- | --- | --- |", ...rows].join("\n");
        expect(cells(storageDoc)).toContain(cells(table));
    });
});
