// The guardrails, as data for the policy pack (index.ts) and for tests. Each violation says
// what is wrong and what to set instead.

import { ArchiveUploadTarget, unknownValue } from "@opentok-archive-storage/archive-upload-target";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { excessGrants, openTokNeeds, shownArn } from "./grants";
import { checkedTarget, reportingNoSecretOf } from "./shown";

export const archiveTargetType = ArchiveUploadTarget.__pulumiType;
const bucketType = "aws:s3/bucket:Bucket";
const bucketV2Type = "aws:s3/bucketV2:BucketV2";
const encryptionTypes = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const publicAccessBlockType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const versioningTypes = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const loggingTypes = ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"];
const accessKeyType = "aws:iam/accessKey:AccessKey";
const userType = "aws:iam/user:User";
const groupType = "aws:iam/group:Group";
const managedPolicyType = "aws:iam/policy:Policy";
const userPolicyType = "aws:iam/userPolicy:UserPolicy";
const groupPolicyType = "aws:iam/groupPolicy:GroupPolicy";
const userPolicyAttachmentType = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
const groupPolicyAttachmentType = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
const policyAttachmentType = "aws:iam/policyAttachment:PolicyAttachment";
const userGroupMembershipType = "aws:iam/userGroupMembership:UserGroupMembership";
const groupMembershipType = "aws:iam/groupMembership:GroupMembership";

export const requireSseS3: ResourceValidationPolicy = {
    name: "archive-target-requires-sse-s3",
    description: 'Archive upload targets must ask OpenTok for SSE-S3 encryption (sse: "s3").',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(ArchiveUploadTarget, async (target, args, reportViolation) => {
        const sse = target.sse ?? "s3";
        if (sse !== "s3") {
            const shown = (await checkedTarget(args.props)).shown("sse");
            reportViolation(
                `ArchiveUploadTarget ${args.name} has sse ${shown}: OpenTok would upload archives without asking for server-side encryption. Set sse to "s3" (the default).`,
            );
        }
    }),
};

export const requireFallback: ResourceValidationPolicy = {
    name: "archive-target-fallback",
    description:
        'Where the policy config says so (requiredFallback), archive upload targets must use that fallback, e.g. "none" so that recordings never stay in the OpenTok cloud.',
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { requiredFallback: { type: "string", enum: ["none", "opentok", "any"], default: "any" } },
    },
    validateResource: validateResourceOfType(ArchiveUploadTarget, async (target, args, reportViolation) => {
        const { requiredFallback } = args.getConfig<{ requiredFallback?: string }>();
        if (requiredFallback === undefined || requiredFallback === "any") {
            return;
        }
        if (fallbackMeaning(target.fallback) !== fallbackMeaning(requiredFallback)) {
            const shown = (await checkedTarget(args.props)).shown("fallback");
            reportViolation(
                `ArchiveUploadTarget ${args.name} has fallback ${shown}, but this stack's policy requires ${JSON.stringify(requiredFallback)}` +
                    (requiredFallback === "none" ? ": archives whose upload fails must not stay in the OpenTok cloud." : "."),
            );
        }
    }),
};

export const bucketsEncryptedAndPrivate: StackValidationPolicy = {
    name: "s3-buckets-encrypted-and-private",
    description:
        "Every S3 bucket in the stack has a server-side-encryption configuration and a public access block with all four settings on. (In @pulumi/aws 7 both are resources of their own, so this is a stack-level check.)",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of args.resources.filter((r) => r.type === bucketType || r.type === bucketV2Type)) {
            const encryption = args.resources.filter((r) => encryptionTypes.includes(r.type) && configures(r, bucket));
            const inlineEncryption = readable(() => bucket.props.serverSideEncryptionConfiguration) !== undefined;
            const encrypts =
                inlineEncryption ||
                encryption.some((r) =>
                    (r.props.rules as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] | undefined)?.some(
                        (rule) => !!rule.applyServerSideEncryptionByDefault?.sseAlgorithm,
                    ),
                );
            if (!encrypts) {
                reportViolation(
                    `S3 bucket ${bucket.name} has no server-side-encryption configuration: add an aws.s3.BucketServerSideEncryptionConfiguration for it with sseAlgorithm "AES256".`,
                    bucket.urn,
                );
            }
            const blocks = args.resources.filter((r) => r.type === publicAccessBlockType && configures(r, bucket));
            const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
            const fullyBlocked = blocks.some((block) => settings.every((setting) => block.props[setting] === true));
            if (!fullyBlocked) {
                const missing =
                    blocks.length === 0 ? "no public access block" : `a public access block without all of ${settings.join(", ")} set to true`;
                reportViolation(
                    `S3 bucket ${bucket.name} has ${missing}: add an aws.s3.BucketPublicAccessBlock with all four settings true.`,
                    bucket.urn,
                );
            }
        }
    },
};

export const openTokUserLeastPrivilege: StackValidationPolicy = {
    name: "opentok-iam-user-least-privilege",
    description: `The IAM user whose key an archive upload target uses can do nothing beyond ${openTokNeeds}, judged over every policy that reaches it: inline, attached managed policies, and its groups' policies.`,
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const reportViolation = reportingNoSecretOf(args.resources, report);
        const targets = args.resources.filter((r) => r.type === archiveTargetType);
        for (const user of unique(targets.flatMap(usersOf))) {
            // The archive buckets this user's key writes to: the bucket of each target using it.
            // Unknown at preview: reading it makes the policy advisory until up.
            const buckets = targets.filter((t) => usersOf(t).some((u) => u.urn === user.urn)).map((t) => String(t.props.bucket));
            const who = `the OpenTok user ${user.name}`;
            for (const grant of grantsReaching(user, args.resources)) {
                if (grant.unknownContent !== undefined) {
                    reportViolation(
                        `${grant.via} ${grant.unknownContent}, so the pack cannot tell what it lets ${who} do. OpenTok needs only ${openTokNeeds}: grant them in an inline aws.iam.UserPolicy instead.`,
                        grant.urn,
                    );
                    continue;
                }
                const excess = excessGrants(grant.document, buckets);
                if (excess.length > 0) {
                    reportViolation(`${grant.via} grants ${who} ${excess.join("; ")}. OpenTok needs only ${openTokNeeds}.`, grant.urn);
                }
            }
        }
    },
};

export const oneTargetPerProject: StackValidationPolicy = {
    name: "one-archive-target-per-project",
    description:
        "A stack declares at most one archive upload target per OpenTok project (API key or application ID, at one API URL): a project has one target, and each would replace the other's.",
    enforcementLevel: "mandatory",
    validateStack: async (args, report) => {
        const reportViolation = reportingNoSecretOf(args.resources, report);
        const byProject = new Map<string, { target: PolicyResource; project: string }[]>();
        // In URN order, so that the same target is reported whatever order the engine registered them in.
        const targets = args.resources.filter((r) => r.type === archiveTargetType).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
        for (const target of targets) {
            const checked = await checkedTarget(target.props);
            // A target that check refuses fails on its own; one whose project is not known yet is judged at up.
            const inputs = checked.resolved;
            const id = inputs?.applicationId ?? inputs?.apiKey;
            if (inputs === undefined || id === undefined || id === unknownValue || inputs.apiUrl === unknownValue) {
                continue;
            }
            const key = `${id.toLowerCase()} ${inputs.apiUrl.toLowerCase()}`;
            const project =
                inputs.applicationId !== undefined
                    ? `application ${checked.shown("applicationId")} at ${shownUrl(checked, inputs.apiUrl)}`
                    : `project ${checked.shown("apiKey")} at ${shownUrl(checked, inputs.apiUrl)}`;
            byProject.set(key, [...(byProject.get(key) ?? []), { target, project }]);
        }
        for (const same of byProject.values()) {
            for (const { target, project } of same.slice(1)) {
                reportViolation(
                    `ArchiveUploadTarget ${target.name} sets the archive upload target of the same OpenTok ${project} as ${same[0]!.target.name}: a project has one target, so each would replace the other's, and destroying either would remove the one the other set. Keep one ArchiveUploadTarget per project.`,
                    target.urn,
                );
            }
        }
    },
};

export const archiveBucketsVersioned: StackValidationPolicy = {
    name: "archive-buckets-versioned",
    description: "Every bucket an archive upload target writes to is versioned, so that an overwritten or deleted recording can be recovered.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const bucket of archiveBuckets(args.resources)) {
            const versioned = args.resources.some(
                (r) =>
                    versioningTypes.includes(r.type) &&
                    configures(r, bucket) &&
                    (r.props.versioningConfiguration as { status?: string } | undefined)?.status === "Enabled",
            );
            if (!versioned) {
                reportViolation(
                    `Archive bucket ${bucket.name} is not versioned: an overwritten or deleted recording would be gone. Add an aws.s3.BucketVersioning for it with versioningConfiguration.status "Enabled".`,
                    bucket.urn,
                );
            }
        }
    },
};

export const archiveBucketsAccessLogged: StackValidationPolicy = {
    name: "archive-buckets-access-logged",
    description:
        "Where the policy config says so (requireAccessLogs), every bucket an archive upload target writes to has S3 server access logging into another bucket.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { requireAccessLogs: { type: "boolean", default: false } } },
    validateStack: (args, reportViolation) => {
        if (args.getConfig<{ requireAccessLogs?: boolean }>().requireAccessLogs !== true) {
            return;
        }
        for (const bucket of archiveBuckets(args.resources)) {
            const logging = args.resources.filter((r) => loggingTypes.includes(r.type) && configures(r, bucket));
            // Logs written into the logged bucket itself would log their own delivery, without end.
            const intoItself = logging.filter((r) => (r.propertyDependencies.targetBucket ?? []).some((d) => d.urn === bucket.urn));
            if (logging.length === 0 || intoItself.length === logging.length) {
                reportViolation(
                    `Archive bucket ${bucket.name} has no server access logs${logging.length > 0 ? " into another bucket" : ""}, but this stack's policy requires them: nobody could tell who read or deleted a recording. Set opentok-archive-storage:accessLogs true (an aws.s3.BucketLogging into a log bucket).`,
                    bucket.urn,
                );
            }
        }
    },
};

export const policies = [
    requireSseS3,
    requireFallback,
    bucketsEncryptedAndPrivate,
    openTokUserLeastPrivilege,
    oneTargetPerProject,
    archiveBucketsVersioned,
    archiveBucketsAccessLogged,
];

/** "opentok" and "vonage" are one setting, spelled as each API's docs spell it (check stores the API's own). */
function fallbackMeaning(fallback: unknown): unknown {
    return fallback === "vonage" ? "opentok" : fallback;
}

/** The API URL a message names: the default one as resolved, a given one only as check allows showing it. */
function shownUrl(checked: { shown(name: string): string }, resolved: string): string {
    const shown = checked.shown("apiUrl");
    return shown === "nothing" ? JSON.stringify(resolved) : shown;
}

/** A policy document that reaches a user and what grants it, or why its content is not known. */
interface Grant {
    /** What grants it, as a message names it. */
    via: string;
    urn: string;
    document?: unknown;
    unknownContent?: string;
}

/** The IAM users whose keys a target uses: through its accessKey input's AccessKey. */
function usersOf(target: PolicyResource): PolicyResource[] {
    const keys = (target.propertyDependencies.accessKey ?? []).filter((r) => r.type === accessKeyType);
    return keys.flatMap((k) => (k.propertyDependencies.user ?? []).filter((r) => r.type === userType));
}

/** Every policy that reaches `user`: inline, attached (managed), and through each group it is in. */
function grantsReaching(user: PolicyResource, resources: PolicyResource[]): Grant[] {
    const of = (type: string) => resources.filter((r) => r.type === type);
    const grants: Grant[] = [];
    for (const policy of of(userPolicyType).filter((r) => refersTo(r, "user", user))) {
        grants.push({ via: policy.name, urn: policy.urn, document: policy.props.policy });
    }
    const attachments = [
        ...of(userPolicyAttachmentType).filter((r) => refersTo(r, "user", user)),
        ...of(policyAttachmentType).filter((r) => refersTo(r, "users", user)),
    ];
    for (const attachment of attachments) {
        grants.push(managedGrant(attachment, attachment.name, resources));
    }
    const memberships = [
        ...of(userGroupMembershipType).filter((r) => refersTo(r, "user", user)),
        ...of(groupMembershipType).filter((r) => refersTo(r, "users", user)),
    ];
    for (const membership of memberships) {
        const property = membership.type === userGroupMembershipType ? "groups" : "group";
        const groups = of(groupType).filter((g) => refersTo(membership, property, g));
        const names = ([] as unknown[]).concat(membership.props[property] ?? []);
        const declaredNames = groups.map((g) => readable(() => g.props.name));
        const outside =
            groups.length === 0 ? names : names.filter((name) => !declaredNames.includes(name)).slice(0, Math.max(0, names.length - groups.length));
        if (outside.length > 0) {
            grants.push({
                via: membership.name,
                urn: membership.urn,
                unknownContent: `adds the OpenTok user to ${outside.map(shownGroup).join(", ")}, not declared in this stack`,
            });
        }
        for (const group of groups) {
            const via = (name: string) => `${membership.name} (group ${group.name}: ${name})`;
            for (const policy of of(groupPolicyType).filter((r) => refersTo(r, "group", group))) {
                grants.push({ via: via(policy.name), urn: policy.urn, document: policy.props.policy });
            }
            const groupAttachments = [
                ...of(groupPolicyAttachmentType).filter((r) => refersTo(r, "group", group)),
                ...of(policyAttachmentType).filter((r) => refersTo(r, "groups", group)),
            ];
            for (const attachment of groupAttachments) {
                grants.push(managedGrant(attachment, via(attachment.name), resources));
            }
        }
    }
    return grants;
}

/** A managed policy's document: known when the policy is declared in this stack; an AWS-managed one is not. */
function managedGrant(attachment: PolicyResource, via: string, resources: PolicyResource[]): Grant {
    const arn = attachment.props.policyArn;
    const policy = resources.find(
        (r) =>
            r.type === managedPolicyType &&
            ((attachment.propertyDependencies.policyArn ?? []).some((d) => d.urn === r.urn) || readable(() => r.props.arn) === arn),
    );
    if (policy !== undefined) {
        return { via: `${via} (attaching ${policy.name})`, urn: attachment.urn, document: policy.props.policy };
    }
    return { via, urn: attachment.urn, unknownContent: `attaches the managed policy ${shownArn(arn)}, whose document is not declared in this stack` };
}

/** Whether `resource`'s `property` names `target`: through its dependency, or by name. */
function refersTo(resource: PolicyResource, property: string, target: PolicyResource): boolean {
    if ((resource.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn)) {
        return true;
    }
    const name = readable(() => target.props.name);
    const value = readable(() => resource.props[property]);
    return name !== undefined && ([] as unknown[]).concat(value ?? []).includes(name);
}

/** A group's name as a message may print it: IAM names are made of [\w+=,.@-], at most 128 characters. */
function shownGroup(name: unknown): string {
    return typeof name === "string" && /^[\w+=,.@-]{1,128}$/.test(name)
        ? `group ${JSON.stringify(name)}`
        : "a group whose name is not an IAM name (not shown)";
}

/** The buckets that archive upload targets write to: through each target's `bucket` input. */
function archiveBuckets(resources: PolicyResource[]): PolicyResource[] {
    const targets = resources.filter((r) => r.type === archiveTargetType);
    return unique(targets.flatMap((t) => (t.propertyDependencies.bucket ?? []).filter((r) => r.type === bucketType || r.type === bucketV2Type)));
}

/** Whether `resource` configures `bucket`: through its `bucket` input's dependency, or by name. */
function configures(resource: PolicyResource, bucket: PolicyResource): boolean {
    if ((resource.propertyDependencies.bucket ?? []).some((d) => d.urn === bucket.urn)) {
        return true;
    }
    const name = readable(() => resource.props.bucket);
    return name !== undefined && name === readable(() => bucket.props.bucket);
}

/** A property's value, or undefined when it is not known yet (at preview, reading it throws). */
function readable(read: () => unknown): unknown {
    try {
        return read();
    } catch {
        return undefined;
    }
}

function unique(resources: PolicyResource[]): PolicyResource[] {
    return resources.filter((r, i) => resources.findIndex((o) => o.urn === r.urn) === i);
}
