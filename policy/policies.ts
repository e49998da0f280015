// The guardrails, as data for the policy pack (index.ts) and for tests. Each violation says
// what is wrong and what to set instead.

import { ArchiveUploadTarget } from "@opentok-archive-storage/archive-upload-target";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";

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
const userPolicyType = "aws:iam/userPolicy:UserPolicy";
const managedPolicyAttachmentTypes = ["aws:iam/userPolicyAttachment:UserPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment"];

/** The actions OpenTok documents for archive upload (Vonage "Using an Amazon S3 bucket"). */
export const openTokActions = ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:PutObject"];

export const requireSseS3: ResourceValidationPolicy = {
    name: "archive-target-requires-sse-s3",
    description: 'Archive upload targets must ask OpenTok for SSE-S3 encryption (sse: "s3").',
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(ArchiveUploadTarget, (target, args, reportViolation) => {
        const sse = target.sse ?? "s3";
        if (sse !== "s3") {
            reportViolation(
                `ArchiveUploadTarget ${args.name} has sse ${JSON.stringify(sse)}: OpenTok would upload archives without asking for server-side encryption. Set sse to "s3" (the default).`,
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
    validateResource: validateResourceOfType(ArchiveUploadTarget, (target, args, reportViolation) => {
        const { requiredFallback } = args.getConfig<{ requiredFallback?: string }>();
        if (requiredFallback === undefined || requiredFallback === "any") {
            return;
        }
        if (target.fallback !== requiredFallback) {
            reportViolation(
                `ArchiveUploadTarget ${args.name} has fallback ${JSON.stringify(target.fallback)}, but this stack's policy requires ${JSON.stringify(requiredFallback)}` +
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
    description: `The IAM user whose key an archive upload target uses is granted nothing beyond ${openTokActions.join(", ")}, and no managed policies.`,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const targets = args.resources.filter((r) => r.isType(ArchiveUploadTarget));
        const keys = targets.flatMap((t) => (t.propertyDependencies.accessKey ?? []).filter((r) => r.type === accessKeyType));
        const users = keys.flatMap((k) => k.propertyDependencies.user ?? []);
        for (const user of unique(users)) {
            for (const attachment of args.resources.filter((r) => managedPolicyAttachmentTypes.includes(r.type) && dependsOnUser(r, user))) {
                reportViolation(
                    `${attachment.name} attaches a managed policy to the OpenTok user ${user.name}: OpenTok needs only ${openTokActions.join(", ")}; grant them in an inline aws.iam.UserPolicy instead.`,
                    attachment.urn,
                );
            }
            for (const policy of args.resources.filter((r) => r.type === userPolicyType && dependsOnUser(r, user))) {
                const document = JSON.parse(policy.props.policy as string) as { Statement?: unknown };
                const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as Record<string, unknown>[];
                for (const statement of statements.filter((s) => s?.Effect === "Allow")) {
                    if (statement.NotAction !== undefined) {
                        reportViolation(
                            `${policy.name} grants the OpenTok user ${user.name} NotAction, which allows everything else: list the actions instead.`,
                            policy.urn,
                        );
                        continue;
                    }
                    const actions = ([] as unknown[]).concat(statement.Action ?? []).map(String);
                    const extra = actions.filter((action) => !openTokActions.includes(action));
                    if (extra.length > 0) {
                        reportViolation(
                            `${policy.name} grants the OpenTok user ${user.name} ${extra.join(", ")}; OpenTok needs only ${openTokActions.join(", ")}.`,
                            policy.urn,
                        );
                    }
                }
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
    archiveBucketsVersioned,
    archiveBucketsAccessLogged,
];

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

function dependsOnUser(resource: PolicyResource, user: PolicyResource): boolean {
    return (resource.propertyDependencies.user ?? []).some((d) => d.urn === user.urn) || resource.dependencies.some((d) => d.urn === user.urn);
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
