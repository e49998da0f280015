// The policy pack against the real program's resources (run under Pulumi's Node language host
// with the stand-in engine), and against violating variations of them: each case is run through
// the pack as the Pulumi CLI runs it (policy/index.ts in its own process, @pulumi/policy's
// analyzer over gRPC: Analyze for each resource, AnalyzeStack for the stack).

import { runSimulation } from "@cloud-copilot/iam-simulate";
import * as fs from "fs";
import * as path from "path";
import {
    archiveBucketsAccessLogged,
    archiveBucketsVersioned,
    archiveTargetType,
    bucketsEncryptedAndPrivate,
    oneTargetPerProject,
    openTokUserLeastPrivilege,
    requireFallback,
    requireSseS3,
} from "../policy/policies";
import { excessGrants } from "../policy/grants";
import { awsLikeOutputs, projectRoot, Registration, runProgram } from "./harness/stand-in-engine";
import { AnalyzedResource, Diagnostic, PolicyPack, startPolicyPack } from "./support/policy-pack";
import { stackConfig } from "./support/program-with-mocks";

const apiSecret = "policy-test-api-secret";
const accessKeySecret = "policy-test-secret-key";
const awsLike = awsLikeOutputs(accessKeySecret);
// The log bucket's policy names the account, which the program reads from the user's ARN.
const outputsFor = (type: string, name: string) =>
    type === "aws:iam/user:User" ? { ...awsLike(type, name), arn: `arn:aws:iam::123456789012:user/opentok/${name}-user` } : awsLike(type, name);

let programResources: Registration[];
let pack: PolicyPack;

beforeAll(async () => {
    const [result, started] = await Promise.all([
        runProgram({
            stack: "prod",
            transpileOnly: true,
            secretKeys: ["opentok:apiSecret"],
            outputsFor,
            config: { ...stackConfig("prod"), "opentok:apiKey": "47000003", "opentok:apiSecret": apiSecret },
        }),
        startPolicyPack(),
    ]);
    pack = started;
    expect(result.exitCode).toBe(0);
    programResources = result.registrations.filter((r) => r.custom);
}, 120_000);

afterAll(() => pack?.stop());

const policyConfig = (stack: string) => JSON.parse(fs.readFileSync(path.join(projectRoot, "policy", `config.${stack}.json`), "utf8"));
const prodConfig = policyConfig("prod");

type Change = (resources: Registration[]) => Registration[] | void;

/** The pack's violations for the program's prod resources after `change`. */
async function violations(change: Change = () => undefined, config = prodConfig): Promise<Diagnostic[]> {
    const resources = structuredClone(programResources);
    const changed = change(resources) ?? resources;
    return pack.analyze(changed as AnalyzedResource[], config);
}

const named = (resources: Registration[], type: string) => resources.find((r) => r.type === type)!;
const user = (rs: Registration[]) => named(rs, "aws:iam/user:User");
const target = (rs: Registration[]) => named(rs, archiveTargetType);
const bucketName = (rs: Registration[]) => String(target(rs).inputs.bucket);

const edit = (type: string, change: (inputs: Record<string, unknown>) => void) => (resources: Registration[]) => {
    for (const r of resources.filter((r) => r.type === type)) {
        change(r.inputs);
    }
};

/** Adds a resource whose inputs refer to others: `refs` maps an input to the resources it came from. */
function add(resources: Registration[], type: string, name: string, inputs: Record<string, unknown>, refs: Record<string, Registration[]> = {}) {
    const urn = `urn:pulumi:prod::opentok-archive-storage::${type}::${name}`;
    const propertyDependencies = Object.fromEntries(Object.entries(refs).map(([k, rs]) => [k, rs.map((r) => r.urn)]));
    resources.push({
        type,
        name,
        urn,
        parent: "",
        custom: true,
        inputs,
        dependencies: Object.values(propertyDependencies).flat(),
        propertyDependencies,
        protect: false,
        additionalSecretOutputs: [],
    });
    return resources[resources.length - 1]!;
}

/** The resources each input of `r` came from, for a copy of `r` that refers to the same. */
const refsOf = (rs: Registration[], r: Registration) =>
    Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, rs.filter((x) => urns.includes(x.urn))]));

/** The upload policy's statements, replaced by `statements(bucket)`, as JSON text or as an object. */
const uploadPolicy =
    (statements: (bucket: string) => unknown, form: "string" | "object" = "string"): Change =>
    (rs) => {
        const document = { Version: "2012-10-17", Statement: statements(bucketName(rs)) };
        named(rs, "aws:iam/userPolicy:UserPolicy").inputs.policy = form === "string" ? JSON.stringify(document) : document;
    };
const needed = (bucket: string) => [
    { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
    { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
    { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` },
];
const withExtra = (extra: object) => (bucket: string) => [...needed(bucket), extra];

const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
/** A group the OpenTok user is in (through `membership`), with the given policy on it. */
const inGroup =
    (
        membership: "UserGroupMembership" | "GroupMembership",
        groupPolicy: (bucket: string) => { type: string; inputs: Record<string, unknown> } | undefined,
    ): Change =>
    (rs) => {
        const u = user(rs);
        const group = add(rs, "aws:iam/group:Group", "uploaders", { name: "uploaders" });
        if (membership === "UserGroupMembership") {
            add(
                rs,
                "aws:iam/userGroupMembership:UserGroupMembership",
                "opentok-groups",
                { user: "u", groups: ["uploaders"] },
                { user: [u], groups: [group] },
            );
        } else {
            add(
                rs,
                "aws:iam/groupMembership:GroupMembership",
                "uploaders-members",
                { users: ["u"], group: "uploaders" },
                { users: [u], group: [group] },
            );
        }
        const policy = groupPolicy(bucketName(rs));
        if (policy !== undefined) {
            add(rs, policy.type, "uploaders-policy", policy.inputs, { group: [group] });
        }
    };
const groupPolicy = (statements: unknown) => ({
    type: "aws:iam/groupPolicy:GroupPolicy",
    inputs: { group: "uploaders", policy: JSON.stringify({ Statement: statements }) },
});

/** A customer-managed policy declared in the stack, attached to the user by a PolicyAttachment. */
const attachedDeclaredPolicy =
    (statements: (bucket: string) => unknown): Change =>
    (rs) => {
        const policy = add(rs, "aws:iam/policy:Policy", "opentok-managed", { policy: JSON.stringify({ Statement: statements(bucketName(rs)) }) });
        add(
            rs,
            "aws:iam/policyAttachment:PolicyAttachment",
            "opentok-managed-attachment",
            { users: ["u"], policyArn: "arn:aws:iam::123456789012:policy/x" },
            { users: [user(rs)], policyArn: [policy] },
        );
    };

// case -> the policy it violates (or none) and what the message says.
const cases: [string, Change, string | undefined, RegExp?][] = [
    ["the program's own prod stack", () => undefined, undefined],

    // What the OpenTok user's key can do.
    ["the upload policy as an object, not JSON text", uploadPolicy(needed, "object"), undefined],
    ["action names in another case (s3:putobject)", uploadPolicy((b) => needed(b).map((s) => ({ ...s, Action: s.Action.toLowerCase() }))), undefined],
    [
        "all three actions in one statement on the bucket, its objects and *",
        uploadPolicy((b) => [
            { Effect: "Allow", Action: ["s3:ListAllMyBuckets"], Resource: ["*"] },
            { Effect: "Allow", Action: ["s3:ListBucket"], Resource: [`arn:aws:s3:::${b}`] },
            { Effect: "Allow", Action: "s3:PutObject", Resource: [`arn:aws:s3:::${b}/47000003/*`] },
        ]),
        undefined,
    ],
    ["an extra Deny", uploadPolicy(withExtra({ Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" })), undefined],
    [
        "an extra action",
        uploadPolicy(withExtra({ Effect: "Allow", Action: ["s3:GetObject", "s3:DeleteObject"], Resource: "*" })),
        openTokUserLeastPrivilege.name,
        /^archive-storage-prod-opentok-upload grants the OpenTok user archive-storage-prod-opentok s3:GetObject; s3:DeleteObject\. OpenTok needs only s3:ListAllMyBuckets on \*, s3:ListBucket on the archive bucket and s3:PutObject on its objects \(bucket\/\*\)\.$/,
    ],
    [
        "s3:*",
        uploadPolicy(withExtra({ Effect: "Allow", Action: "s3:*", Resource: "*" })),
        openTokUserLeastPrivilege.name,
        /grants the OpenTok user archive-storage-prod-opentok s3:\* \(a wildcard/,
    ],
    [
        "s3:Put*",
        uploadPolicy(withExtra({ Effect: "Allow", Action: "s3:Put*", Resource: "*" })),
        openTokUserLeastPrivilege.name,
        /s3:Put\* \(a wildcard/,
    ],
    [
        "Action *",
        uploadPolicy(() => [{ Effect: "Allow", Action: "*", Resource: "*" }]),
        openTokUserLeastPrivilege.name,
        /grants the OpenTok user archive-storage-prod-opentok \* \(a wildcard/,
    ],
    [
        "s3:PutObject on Resource *",
        uploadPolicy((b) => [...needed(b).slice(0, 2), { Effect: "Allow", Action: "s3:PutObject", Resource: "*" }]),
        openTokUserLeastPrivilege.name,
        /s3:PutObject on \* \(every resource\)/,
    ],
    [
        "s3:ListBucket on Resource *",
        uploadPolicy((b) => [needed(b)[0], { Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }, needed(b)[2]]),
        openTokUserLeastPrivilege.name,
        /s3:ListBucket on \* \(every resource\)/,
    ],
    [
        "s3:PutObject on another bucket",
        uploadPolicy(withExtra({ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::someone-elses/*" })),
        openTokUserLeastPrivilege.name,
        /s3:PutObject on arn:aws:s3:::someone-elses\/\*/,
    ],
    [
        "s3:PutObject on the bucket itself, not its objects",
        uploadPolicy((b) => [...needed(b), { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${b}*` }]),
        openTokUserLeastPrivilege.name,
        /s3:PutObject on arn:aws:s3:::archive-storage-prod-archives[^ ]*\*/,
    ],
    [
        "a conditioned extra action (conditions do not make it needed)",
        uploadPolicy(withExtra({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } })),
        openTokUserLeastPrivilege.name,
        /s3:GetObject/,
    ],
    [
        "NotAction",
        uploadPolicy(() => [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]),
        openTokUserLeastPrivilege.name,
        /every action except those listed \(NotAction\)/,
    ],
    [
        "NotResource",
        uploadPolicy((b) => [...needed(b), { Effect: "Allow", Action: "s3:PutObject", NotResource: `arn:aws:s3:::${b}/private/*` }]),
        openTokUserLeastPrivilege.name,
        /s3:PutObject on every resource except those listed \(NotResource\)/,
    ],
    [
        "a document that is not JSON",
        edit("aws:iam/userPolicy:UserPolicy", (i) => (i.policy = "{not json")),
        openTokUserLeastPrivilege.name,
        /a policy document that is not valid JSON/,
    ],
    [
        "a single Statement object, not a list",
        uploadPolicy(() => ({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }), "object"),
        openTokUserLeastPrivilege.name,
        /s3:GetObject/,
    ],
    [
        "AdministratorAccess attached (UserPolicyAttachment)",
        (rs) =>
            void add(
                rs,
                "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                "admin",
                { user: "u", policyArn: administratorAccess },
                { user: [user(rs)] },
            ),
        openTokUserLeastPrivilege.name,
        /^admin attaches the managed policy arn:aws:iam::aws:policy\/AdministratorAccess, whose document is not declared in this stack, so the pack cannot tell what it lets the OpenTok user archive-storage-prod-opentok do/,
    ],
    [
        "an AWS-managed policy attached (PolicyAttachment)",
        (rs) =>
            void add(
                rs,
                "aws:iam/policyAttachment:PolicyAttachment",
                "readers",
                { users: ["u"], policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
                { users: [user(rs)] },
            ),
        openTokUserLeastPrivilege.name,
        /^readers attaches the managed policy arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess/,
    ],
    ["a declared managed policy granting only what is needed", attachedDeclaredPolicy(needed), undefined],
    [
        "a declared managed policy granting more",
        attachedDeclaredPolicy(withExtra({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" })),
        openTokUserLeastPrivilege.name,
        /^opentok-managed-attachment \(attaching opentok-managed\) grants .* s3:GetObject/,
    ],
    [
        "a group whose policy grants *",
        inGroup("UserGroupMembership", () => groupPolicy({ Effect: "Allow", Action: "*", Resource: "*" })),
        openTokUserLeastPrivilege.name,
        /^opentok-groups \(group uploaders: uploaders-policy\) grants the OpenTok user archive-storage-prod-opentok \* \(a wildcard/,
    ],
    [
        "a group with AdministratorAccess attached",
        inGroup("GroupMembership", () => ({
            type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
            inputs: { group: "uploaders", policyArn: administratorAccess },
        })),
        openTokUserLeastPrivilege.name,
        /^uploaders-members \(group uploaders: uploaders-policy\) attaches the managed policy arn:aws:iam::aws:policy\/AdministratorAccess/,
    ],
    ["a group whose policy grants only what is needed", inGroup("UserGroupMembership", (b) => groupPolicy(needed(b))), undefined],
    ["a group with no policies", inGroup("UserGroupMembership", () => undefined), undefined],
    [
        "a group not declared in the stack",
        (rs) =>
            void add(
                rs,
                "aws:iam/userGroupMembership:UserGroupMembership",
                "opentok-admins",
                { user: "u", groups: ["admins"] },
                { user: [user(rs)] },
            ),
        openTokUserLeastPrivilege.name,
        /^opentok-admins adds the OpenTok user to group "admins", not declared in this stack, so the pack cannot tell/,
    ],

    // The target's own settings.
    [
        "sse none",
        edit(archiveTargetType, (i) => (i.sse = "none")),
        requireSseS3.name,
        /^ArchiveUploadTarget archive-storage-prod-target has sse "none": OpenTok would upload archives without asking for server-side encryption\. Set sse to "s3"/,
    ],
    [
        "fallback opentok where the stack requires none",
        edit(archiveTargetType, (i) => (i.fallback = "opentok")),
        requireFallback.name,
        /has fallback "opentok", but this stack's policy requires "none": archives whose upload fails must not stay in the OpenTok cloud/,
    ],
    [
        "fallback vonage where the stack requires none",
        edit(archiveTargetType, (i) => (i.fallback = "vonage")),
        requireFallback.name,
        /has fallback "vonage", but this stack's policy requires "none"/,
    ],

    // One target per project.
    [
        "a second target for the same project",
        (rs) => void add(rs, archiveTargetType, "second-target", { ...target(rs).inputs }, refsOf(rs, target(rs))),
        oneTargetPerProject.name,
        /^ArchiveUploadTarget second-target sets the archive upload target of the same OpenTok project "47000003" at "https:\/\/api\.opentok\.com" as archive-storage-prod-target: a project has one target/,
    ],
    [
        "a second target for the same project, its API URL with a trailing slash",
        (rs) => void add(rs, archiveTargetType, "second-target", { ...target(rs).inputs, apiUrl: "https://api.opentok.com/" }),
        oneTargetPerProject.name,
        /second-target sets the archive upload target of the same OpenTok project "47000003"/,
    ],
    [
        "a second target for another project",
        (rs) => void add(rs, archiveTargetType, "second-target", { ...target(rs).inputs, apiKey: "47000004" }),
        undefined,
    ],
    [
        "a second target for the same project on another API",
        (rs) => void add(rs, archiveTargetType, "second-target", { ...target(rs).inputs, apiUrl: "https://api.other.example" }),
        undefined,
    ],

    // The buckets.
    [
        "a bucket without encryption configuration",
        (rs) => rs.filter((r) => !(r.type.includes("bucketServerSideEncryptionConfiguration") && r.name.includes("-archives-"))),
        bucketsEncryptedAndPrivate.name,
        /S3 bucket archive-storage-prod-archives has no server-side-encryption configuration: add an aws\.s3\.BucketServerSideEncryptionConfiguration/,
    ],
    [
        "a log bucket without encryption configuration",
        (rs) => rs.filter((r) => !(r.type.includes("bucketServerSideEncryptionConfiguration") && r.name.includes("-access-logs-"))),
        bucketsEncryptedAndPrivate.name,
        /S3 bucket archive-storage-prod-access-logs has no server-side-encryption configuration/,
    ],
    [
        "a public access block with one setting off",
        (rs) => void (rs.find((r) => r.name === "archive-storage-prod-access-logs-public-access-block")!.inputs.restrictPublicBuckets = false),
        bucketsEncryptedAndPrivate.name,
        /S3 bucket archive-storage-prod-access-logs has a public access block without all of blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets set to true/,
    ],
    [
        "no public access block",
        (rs) => rs.filter((r) => !(r.type.includes("bucketPublicAccessBlock") && r.name.includes("-archives-"))),
        bucketsEncryptedAndPrivate.name,
        /S3 bucket archive-storage-prod-archives has no public access block: add an aws\.s3\.BucketPublicAccessBlock with all four settings true/,
    ],
    [
        "an archive bucket without versioning",
        (rs) => rs.filter((r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning"),
        archiveBucketsVersioned.name,
        /Archive bucket archive-storage-prod-archives is not versioned: an overwritten or deleted recording would be gone\. Add an aws\.s3\.BucketVersioning/,
    ],
    [
        "an archive bucket whose versioning is suspended",
        edit("aws:s3/bucketVersioning:BucketVersioning", (i) => (i.versioningConfiguration = { status: "Suspended" })),
        archiveBucketsVersioned.name,
        /Archive bucket archive-storage-prod-archives is not versioned/,
    ],
    [
        "an archive bucket without access logs where the stack requires them",
        (rs) => rs.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging"),
        archiveBucketsAccessLogged.name,
        /Archive bucket archive-storage-prod-archives has no server access logs, but this stack's policy requires them: nobody could tell who read or deleted a recording\. Set opentok-archive-storage:accessLogs true/,
    ],
    [
        "an archive bucket logging into itself",
        (rs) => {
            const archive = rs.find((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-archives"))!;
            named(rs, "aws:s3/bucketLogging:BucketLogging").propertyDependencies.targetBucket = [archive.urn];
        },
        archiveBucketsAccessLogged.name,
        /Archive bucket archive-storage-prod-archives has no server access logs into another bucket/,
    ],
];

describe("policy pack", () => {
    // Every row has four cells: jest takes a test function with more parameters than cells as one waiting for `done`.
    it.each(cases.map(([name, change, policy, message]) => [name, change, policy, message] as const))(
        "%s",
        async (_case, change, policy, message) => {
            const found = await violations(change);
            expect(found.map((v) => v.policy)).toEqual(policy === undefined ? [] : [policy]);
            if (message !== undefined) {
                expect(found[0]!.message).toMatch(message);
                expect(found[0]!.advisory).toBe(false);
            }
        },
    );

    it("checks every new resource of the prod stack it passes: versioning and access logs are there", () => {
        const types = programResources.map((r) => r.type);
        expect(types).toContain("aws:s3/bucketVersioning:BucketVersioning");
        expect(types).toContain("aws:s3/bucketLogging:BucketLogging");
    });

    it("registers the target only after the archive bucket is versioned", () => {
        const versioning = named(programResources, "aws:s3/bucketVersioning:BucketVersioning");
        expect(target(programResources).dependencies).toContain(versioning.urn);
    });

    it("does not require access logs where the stack's policy config does not (dev, staging)", async () => {
        for (const stack of ["dev", "staging"]) {
            const found = await violations((rs) => rs.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging"), policyConfig(stack));
            expect({ stack, found }).toEqual({ stack, found: [] });
        }
    });

    it("allows fallback opentok where the stack's policy config does not require none (dev)", async () => {
        expect(
            await violations(
                edit(archiveTargetType, (i) => (i.fallback = "opentok")),
                policyConfig("dev"),
            ),
        ).toEqual([]);
    });

    it.each(["opentok", "vonage"])('accepts fallback "%s" where the policy requires "opentok" (one setting, two spellings)', async (fallback) => {
        const config = { ...prodConfig, [requireFallback.name]: { requiredFallback: "opentok" } };
        expect(
            await violations(
                edit(archiveTargetType, (i) => (i.fallback = fallback)),
                config,
            ),
        ).toEqual([]);
        expect(
            (
                await violations(
                    edit(archiveTargetType, (i) => (i.fallback = "none")),
                    config,
                )
            ).map((v) => v.policy),
        ).toEqual([requireFallback.name]);
    });

    it("is advisory, not failing, where the upload policy is not known yet (preview)", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const found = await violations(edit("aws:iam/userPolicy:UserPolicy", (i) => (i.policy = unknown)));
        expect(found).toEqual([
            expect.objectContaining({
                policy: openTokUserLeastPrivilege.name,
                advisory: true,
                message: expect.stringMatching(/can't run policy 'opentok-iam-user-least-privilege' .* during preview/),
            }),
        ]);
    });
});

describe("policy messages print no secret", () => {
    // A secret pasted into the wrong input: check refuses it (and does not show it); the policy
    // must not print it either, although the engine runs the pack on the raw inputs.
    const pasted = "PASTED-secret-value-0123456789abcdef";
    const secretsInPlay = [pasted, apiSecret, accessKeySecret];
    const leaks = (found: Diagnostic[]) => found.filter((d) => secretsInPlay.some((s) => d.message.includes(s))).map((d) => d.message);

    it.each([
        ["sse", requireSseS3.name, /has sse a value check refuses \(not shown\)/],
        ["fallback", requireFallback.name, /has fallback a value check refuses \(not shown\)/],
    ])("a secret in %s is reported without its value", async (input, policy, message) => {
        const found = await violations(edit(archiveTargetType, (i) => (i[input] = pasted)));
        expect(found.map((v) => v.policy)).toContain(policy);
        expect(found.find((v) => v.policy === policy)!.message).toMatch(message);
        expect(leaks(found)).toEqual([]);
    });

    // With a second target for the same project, so that the one-target policy reads them too
    // (it judges only targets check accepts: the others fail at check).
    it.each([
        ["sse", "the API secret", (i: Record<string, unknown>) => (i.sse = i.apiSecret), [requireSseS3.name]],
        ["fallback", "the S3 secret key", (i: Record<string, unknown>) => (i.fallback = i.secretKey), [requireFallback.name]],
        ["bucket", "a pasted secret", (i: Record<string, unknown>) => (i.bucket = pasted), [openTokUserLeastPrivilege.name]],
        ["apiUrl", "a pasted secret", (i: Record<string, unknown>) => (i.apiUrl = `https://${pasted}.example`), []],
        ["apiKey", "the API secret", (i: Record<string, unknown>) => (i.apiKey = i.apiSecret), []],
    ])("%s holding %s: no message prints it", async (_input, _what, change, policies) => {
        const found = await violations((rs) => {
            edit(archiveTargetType, change)(rs);
            add(rs, archiveTargetType, "second-target", { ...target(rs).inputs }, refsOf(rs, target(rs)));
        });
        expect([...new Set(found.map((v) => v.policy))]).toEqual(policies);
        expect(leaks(found)).toEqual([]);
    });

    it("a secret pasted into an upload policy's action or resource is not printed", async () => {
        const found = await violations(
            uploadPolicy((b) => withExtra({ Effect: "Allow", Action: [`s3:${pasted}`, pasted], Resource: [pasted, "*"] })(b)),
        );
        expect(found.map((v) => v.policy)).toEqual([openTokUserLeastPrivilege.name]);
        expect(leaks(found)).toEqual([]);
    });

    it("the leak check itself finds a printed secret", () => {
        expect(leaks([{ policy: "p", message: `has sse "${pasted}"`, urn: "", advisory: false }])).toHaveLength(1);
    });
});

describe("the least-privilege verdicts agree with an IAM evaluator", () => {
    // The pack reads statements itself (the evaluator the tests use, @cloud-copilot/iam-simulate,
    // is AGPL-licensed and cannot ship in a pack that runs in users' CI). Here each document's
    // verdict is checked against that independent evaluator: a document the pack passes must
    // allow none of the requests beyond OpenTok's needs, and one it reports must allow one.
    const bucket = "archives-b";
    const accountId = "123456789012";
    const beyond: [string, string][] = [
        ["s3:GetObject", `arn:aws:s3:::${bucket}/47000003/a/archive.mp4`],
        ["s3:DeleteObject", `arn:aws:s3:::${bucket}/47000003/a/archive.mp4`],
        ["s3:PutObject", `arn:aws:s3:::someone-elses/x`],
        ["s3:PutObject", `arn:aws:s3:::${bucket}-copy/x`],
        ["s3:ListBucket", `arn:aws:s3:::someone-elses`],
        ["s3:PutBucketPolicy", `arn:aws:s3:::${bucket}`],
        ["iam:CreateAccessKey", `arn:aws:iam::${accountId}:user/opentok/u`],
    ];
    // document -> whether it grants more than OpenTok needs.
    const documents: [string, unknown[], boolean][] = [
        ["the needs", needed(bucket), false],
        ["lower-case actions", needed(bucket).map((s) => ({ ...s, Action: s.Action.toLowerCase() })), false],
        [
            "a narrower object prefix",
            [...needed(bucket).slice(0, 2), { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/47000003/*` }],
            false,
        ],
        ["an extra Deny", withExtra({ Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" })(bucket), false],
        ["an extra action", withExtra({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" })(bucket), true],
        ["s3:*", withExtra({ Effect: "Allow", Action: "s3:*", Resource: "*" })(bucket), true],
        ["s3:Put*", withExtra({ Effect: "Allow", Action: "s3:Put*", Resource: "*" })(bucket), true],
        ["*", [{ Effect: "Allow", Action: "*", Resource: "*" }], true],
        ["PutObject on *", [...needed(bucket).slice(0, 2), { Effect: "Allow", Action: "s3:PutObject", Resource: "*" }], true],
        ["ListBucket on *", [needed(bucket)[0], { Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }, needed(bucket)[2]], true],
        ["PutObject on bucket*", [...needed(bucket), { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}*` }], true],
        ["NotAction", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }], true],
        ["NotResource", [...needed(bucket), { Effect: "Allow", Action: "s3:PutObject", NotResource: `arn:aws:s3:::${bucket}/private/*` }], true],
    ];

    const allows = async (statements: unknown[], action: string, resource: string) => {
        const result = await runSimulation(
            {
                identityPolicies: [{ name: "upload", policy: { Version: "2012-10-17", Statement: statements } }],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                request: {
                    principal: `arn:aws:iam::${accountId}:user/opentok/u`,
                    action,
                    resource: { resource, accountId },
                    contextVariables: { "aws:SecureTransport": "true" },
                },
            },
            {},
        );
        if (result.resultType === "error") {
            throw new Error(`The evaluator refused the simulation of ${action}: ${JSON.stringify(result.errors)}`);
        }
        return result.overallResult === "Allowed";
    };

    it.each(documents)("%s", async (_name, statements, grantsMore) => {
        const reported = excessGrants({ Version: "2012-10-17", Statement: statements }, [bucket]).length > 0;
        expect(reported).toBe(grantsMore);
        const allowedBeyond: string[] = [];
        for (const [action, resource] of beyond) {
            if (await allows(statements, action, resource)) {
                allowedBeyond.push(`${action} on ${resource}`);
            }
        }
        expect({ reported, evaluatorAllowsMore: allowedBeyond.length > 0 }).toEqual({ reported, evaluatorAllowsMore: reported });
    });
});

describe("the pack's dependencies", () => {
    // The pack runs in users' CI: everything it loads must be free of copyleft licences.
    const copyleft = /\b(A?GPL|LGPL|MPL|EPL|EUPL|CDDL|SSPL|OSL|CPAL)\b/i;

    /** name@version -> licence of every package reachable from `names`, resolved as node does from `from`. */
    function licences(names: string[], from: string): Map<string, string> {
        const found = new Map<string, string>();
        const seen = new Set<string>();
        const visit = (name: string, dir: string) => {
            let packageJson: string | undefined;
            for (let d = dir; packageJson === undefined; d = path.dirname(d)) {
                const candidate = path.join(d, "node_modules", name, "package.json");
                if (fs.existsSync(candidate)) {
                    packageJson = candidate;
                } else if (path.dirname(d) === d) {
                    return; // an optional dependency not installed here
                }
            }
            const real = fs.realpathSync(path.dirname(packageJson));
            if (seen.has(real)) {
                return;
            }
            seen.add(real);
            const pkg = JSON.parse(fs.readFileSync(packageJson, "utf8"));
            found.set(
                `${pkg.name}@${pkg.version}`,
                typeof pkg.license === "string" ? pkg.license : JSON.stringify(pkg.license ?? pkg.licenses ?? "none"),
            );
            for (const dependency of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
                visit(dependency, real);
            }
        };
        names.forEach((name) => visit(name, from));
        return found;
    }

    it("carry no copyleft licence", () => {
        const policyDir = path.join(projectRoot, "policy");
        const pack = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8"));
        const found = licences(Object.keys(pack.dependencies), policyDir);
        expect(found.size).toBeGreaterThan(100);
        expect([...found].filter(([, licence]) => copyleft.test(licence))).toEqual([]);
    });

    it("the check finds a copyleft licence: the IAM evaluator the tests use is one", () => {
        const found = licences(["@cloud-copilot/iam-simulate"], projectRoot);
        expect([...found].filter(([, licence]) => copyleft.test(licence)).map(([name]) => name)).toContainEqual(
            expect.stringMatching(/^@cloud-copilot\/iam-simulate@/),
        );
    });
});
