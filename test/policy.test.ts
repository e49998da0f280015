// The policy pack against the real program's resources (run under Pulumi's Node language host
// with the stand-in engine), and against violating variations of them.

import { ArchiveUploadTarget } from "@opentok-archive-storage/archive-upload-target";
import * as fs from "fs";
import * as path from "path";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    archiveBucketsAccessLogged,
    archiveBucketsVersioned,
    archiveTargetType,
    bucketsEncryptedAndPrivate,
    openTokUserLeastPrivilege,
    policies,
    requireFallback,
    requireSseS3,
} from "../policy/policies";
import { awsLikeOutputs, projectRoot, Registration, runProgram } from "./harness/stand-in-engine";
import { stackConfig } from "./support/program-with-mocks";

interface Violation {
    policy: string;
    message: string;
    urn?: string;
}

let programResources: Registration[];

const awsLike = awsLikeOutputs("policy-test-secret-key");
// The log bucket's policy names the account, which the program reads from the user's ARN.
const outputsFor = (type: string, name: string) =>
    type === "aws:iam/user:User" ? { ...awsLike(type, name), arn: `arn:aws:iam::123456789012:user/opentok/${name}-user` } : awsLike(type, name);

beforeAll(async () => {
    const result = await runProgram({
        stack: "prod",
        transpileOnly: true,
        secretKeys: ["opentok:apiSecret"],
        outputsFor,
        config: { ...stackConfig("prod"), "opentok:apiKey": "47000003", "opentok:apiSecret": "policy-test-api-secret" },
    });
    expect(result.exitCode).toBe(0);
    programResources = result.registrations.filter((r) => r.custom);
});

/** The program's resources as the policy pack sees them, after `change` edits their inputs. */
function policyResources(change: (resources: Registration[]) => Registration[] = (r) => r): PolicyResource[] {
    const registrations = change(structuredClone(programResources));
    const byUrn = new Map<string, PolicyResource>();
    for (const r of registrations) {
        // isType as @pulumi/policy's server answers it: by the class's static __pulumiType.
        const isType = (resourceClass: { __pulumiType?: string }) => resourceClass.__pulumiType === r.type;
        const resource = { type: r.type, name: r.name, urn: r.urn, props: r.inputs, opts: {}, dependencies: [], propertyDependencies: {}, isType };
        byUrn.set(r.urn, resource as unknown as PolicyResource);
    }
    for (const r of registrations) {
        const resource = byUrn.get(r.urn)!;
        resource.dependencies = r.dependencies.map((urn) => byUrn.get(urn)).filter((d): d is PolicyResource => d !== undefined);
        resource.propertyDependencies = Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([property, urns]) => [
                property,
                urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined),
            ]),
        );
    }
    return [...byUrn.values()];
}

async function violations(resources: PolicyResource[], config: Record<string, Record<string, unknown>> = {}): Promise<Violation[]> {
    const found: Violation[] = [];
    for (const policy of policies) {
        const report: ReportViolation = (message, urn) => found.push({ policy: policy.name, message, urn });
        const getConfig = <T extends object>() => ({ ...(config[policy.name] ?? {}) }) as T;
        if ("validateStack" in policy) {
            await (policy as StackValidationPolicy).validateStack({ resources, getConfig } as never, report);
        }
        if ("validateResource" in policy && policy.validateResource !== undefined) {
            for (const resource of resources) {
                const validate = (policy as ResourceValidationPolicy).validateResource as (
                    args: unknown,
                    report: ReportViolation,
                ) => Promise<void> | void;
                await validate({ ...resource, getConfig, notApplicable: () => undefined }, report);
            }
        }
    }
    return found;
}

const edit = (type: string, change: (inputs: Record<string, unknown>) => void) => (resources: Registration[]) => {
    for (const r of resources.filter((r) => r.type === type)) {
        change(r.inputs);
    }
    return resources;
};

const prodConfig = JSON.parse(fs.readFileSync(path.join(projectRoot, "policy", "config.prod.json"), "utf8"));

describe("policy pack", () => {
    it("passes the program's own prod stack, with the prod policy config", async () => {
        expect(await violations(policyResources(), prodConfig)).toEqual([]);
    });

    it.each([
        [
            "sse none",
            requireSseS3.name,
            edit(archiveTargetType, (i) => (i.sse = "none")),
            /ArchiveUploadTarget archive-storage-prod-target has sse "none": OpenTok would upload archives without asking for server-side encryption\. Set sse to "s3"/,
        ],
        [
            "fallback opentok where the stack requires none",
            requireFallback.name,
            edit(archiveTargetType, (i) => (i.fallback = "opentok")),
            /has fallback "opentok", but this stack's policy requires "none": archives whose upload fails must not stay in the OpenTok cloud/,
        ],
        [
            "a bucket without encryption configuration",
            bucketsEncryptedAndPrivate.name,
            (rs: Registration[]) => rs.filter((r) => !(r.type.includes("bucketServerSideEncryptionConfiguration") && r.name.includes("-archives-"))),
            /S3 bucket archive-storage-prod-archives has no server-side-encryption configuration: add an aws\.s3\.BucketServerSideEncryptionConfiguration/,
        ],
        [
            "a log bucket without encryption configuration",
            bucketsEncryptedAndPrivate.name,
            (rs: Registration[]) =>
                rs.filter((r) => !(r.type.includes("bucketServerSideEncryptionConfiguration") && r.name.includes("-access-logs-"))),
            /S3 bucket archive-storage-prod-access-logs has no server-side-encryption configuration/,
        ],
        [
            "a public access block with one setting off",
            bucketsEncryptedAndPrivate.name,
            (rs: Registration[]) => {
                rs.find((r) => r.name === "archive-storage-prod-access-logs-public-access-block")!.inputs.restrictPublicBuckets = false;
                return rs;
            },
            /S3 bucket archive-storage-prod-access-logs has a public access block without all of blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets set to true/,
        ],
        [
            "no public access block",
            bucketsEncryptedAndPrivate.name,
            (rs: Registration[]) => rs.filter((r) => !(r.type.includes("bucketPublicAccessBlock") && r.name.includes("-archives-"))),
            /S3 bucket archive-storage-prod-archives has no public access block: add an aws\.s3\.BucketPublicAccessBlock with all four settings true/,
        ],
        [
            "an extra action for the OpenTok user",
            openTokUserLeastPrivilege.name,
            edit("aws:iam/userPolicy:UserPolicy", (i) => {
                const doc = JSON.parse(i.policy as string);
                doc.Statement.push({ Effect: "Allow", Action: ["s3:GetObject", "s3:DeleteObject"], Resource: "*" });
                i.policy = JSON.stringify(doc);
            }),
            /grants the OpenTok user archive-storage-prod-opentok s3:GetObject, s3:DeleteObject; OpenTok needs only s3:ListAllMyBuckets, s3:ListBucket, s3:PutObject/,
        ],
        [
            "a wildcard for the OpenTok user",
            openTokUserLeastPrivilege.name,
            edit(
                "aws:iam/userPolicy:UserPolicy",
                (i) => (i.policy = JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } })),
            ),
            /grants the OpenTok user archive-storage-prod-opentok s3:\*/,
        ],
        [
            "NotAction for the OpenTok user",
            openTokUserLeastPrivilege.name,
            edit(
                "aws:iam/userPolicy:UserPolicy",
                (i) => (i.policy = JSON.stringify({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] })),
            ),
            /NotAction, which allows everything else/,
        ],
        [
            "an archive bucket without versioning",
            archiveBucketsVersioned.name,
            (rs: Registration[]) => rs.filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning"),
            /Archive bucket archive-storage-prod-archives is not versioned: an overwritten or deleted recording would be gone\. Add an aws\.s3\.BucketVersioning/,
        ],
        [
            "an archive bucket whose versioning is suspended",
            archiveBucketsVersioned.name,
            edit("aws:s3/bucketVersioning:BucketVersioning", (i) => (i.versioningConfiguration = { status: "Suspended" })),
            /Archive bucket archive-storage-prod-archives is not versioned/,
        ],
        [
            "an archive bucket without access logs where the stack requires them",
            archiveBucketsAccessLogged.name,
            (rs: Registration[]) => rs.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging"),
            /Archive bucket archive-storage-prod-archives has no server access logs, but this stack's policy requires them: nobody could tell who read or deleted a recording\. Set opentok-archive-storage:accessLogs true/,
        ],
        [
            "an archive bucket logging into itself",
            archiveBucketsAccessLogged.name,
            (rs: Registration[]) => {
                const archive = rs.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-archives"))!;
                const logging = rs.find((r) => r.type === "aws:s3/bucketLogging:BucketLogging")!;
                logging.propertyDependencies.targetBucket = [archive.urn];
                return rs;
            },
            /Archive bucket archive-storage-prod-archives has no server access logs into another bucket/,
        ],
    ])("reports %s", async (_case, policyName, change, message) => {
        const found = await violations(policyResources(change), prodConfig);
        expect(found.map((v) => v.policy)).toEqual([policyName]);
        expect(found[0]!.message).toMatch(message);
    });

    it("checks every new resource of the prod stack it passes: versioning and access logs are there", () => {
        const types = programResources.map((r) => r.type);
        expect(types).toContain("aws:s3/bucketVersioning:BucketVersioning");
        expect(types).toContain("aws:s3/bucketLogging:BucketLogging");
    });

    it("registers the target only after the archive bucket is versioned", () => {
        const versioning = programResources.find((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning")!;
        const target = programResources.find((r) => r.type === archiveTargetType)!;
        expect(target.dependencies).toContain(versioning.urn);
    });

    it("does not require access logs where the stack's policy config does not (dev, staging)", async () => {
        for (const stack of ["dev", "staging"]) {
            const config = JSON.parse(fs.readFileSync(path.join(projectRoot, "policy", `config.${stack}.json`), "utf8"));
            const withoutLogs = policyResources((rs) => rs.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging"));
            expect({ stack, found: await violations(withoutLogs, config) }).toEqual({ stack, found: [] });
        }
    });

    it("allows fallback opentok where the stack's policy config does not require none (dev)", async () => {
        const devConfig = JSON.parse(fs.readFileSync(path.join(projectRoot, "policy", "config.dev.json"), "utf8"));
        expect(await violations(policyResources(edit(archiveTargetType, (i) => (i.fallback = "opentok"))), devConfig)).toEqual([]);
    });

    it("reports a managed policy attached to the OpenTok user", async () => {
        const resources = policyResources();
        const user = resources.find((r) => r.type === "aws:iam/user:User")!;
        resources.push({
            type: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            name: "admin",
            urn: "urn:pulumi:prod::p::aws:iam/userPolicyAttachment:UserPolicyAttachment::admin",
            props: { user: "x", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
            dependencies: [user],
            propertyDependencies: { user: [user] },
            isType: () => false,
        } as unknown as PolicyResource);
        const found = await violations(resources, prodConfig);
        expect(found.map((v) => v.message)).toEqual([
            expect.stringMatching(/admin attaches a managed policy to the OpenTok user archive-storage-prod-opentok/),
        ]);
    });
});

describe("the typed policies, as @pulumi/policy's analyzer runs them", () => {
    // The analyzer's own Analyze RPC handler: it skips a policy whose validateResourceOfType class
    // has another type token before calling it, and calls isType with the class.
    const { makeAnalyzeRpcFun } = require("@pulumi/policy/server") as {
        makeAnalyzeRpcFun: (name: string, version: string, level: string, policies: unknown[]) => (call: unknown, callback: unknown) => Promise<void>;
    };
    const analyze = async (type: string, props: Record<string, unknown>) => {
        const request = new analyzerproto.AnalyzeRequest();
        request.setType(type);
        request.setName("archives");
        request.setUrn(`urn:pulumi:prod::opentok-archive-storage::${type}::archives`);
        request.setProperties(structproto.Struct.fromJavaScript(props as Record<string, structproto.JavaScriptValue>));
        request.setOptions(new analyzerproto.AnalyzerResourceOptions());
        const response = await new Promise<analyzerproto.AnalyzeResponse>((resolve, reject) =>
            makeAnalyzeRpcFun("opentok-archive-storage", "0.1.0", "mandatory", [requireSseS3])(
                { request },
                (error: Error | undefined, r: analyzerproto.AnalyzeResponse) => (error ? reject(error) : resolve(r)),
            ),
        );
        return {
            violations: response.getDiagnosticsList().map((d) => `${d.getPolicyname()}: ${d.getMessage()}`),
            notApplicable: response.getNotApplicableList().map((n) => n.getReason()),
        };
    };

    it("reports an ArchiveUploadTarget without SSE-S3, matched through validateResourceOfType(ArchiveUploadTarget)", async () => {
        const result = await analyze(ArchiveUploadTarget.__pulumiType, { apiKey: "47000003", bucket: "b", fallback: "none", sse: "none" });
        expect(result.violations).toEqual([expect.stringMatching(/^archive-target-requires-sse-s3: .*ArchiveUploadTarget archives has sse "none"/s)]);
    });

    it("passes one with SSE-S3, and does not apply to other types", async () => {
        expect(await analyze(ArchiveUploadTarget.__pulumiType, { fallback: "none", sse: "s3" })).toEqual({ violations: [], notApplicable: [] });
        expect(await analyze("aws:s3/bucket:Bucket", { sse: "none" })).toEqual({
            violations: [],
            notApplicable: [`Policy only applies to resources of type '${ArchiveUploadTarget.__pulumiType}'`],
        });
    });
});
