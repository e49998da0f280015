// ArchiveStorage: one environment's archive storage: a versioned SSE-S3 bucket that is never
// public (optionally with server access logs in a bucket of their own), an IAM user that can do
// exactly what OpenTok needs, and the project's upload target pointing at both.

// The AWS services used, each imported by itself: the index of `@pulumi/aws` loads the modules of
// every AWS service, which cost more than the rest of a program's start together
// (`npm run bench`, "program start").
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import * as pulumi from "@pulumi/pulumi";
import { ArchiveUploadTarget } from "./archive-upload-target";
import { fallbackModes, FallbackMode, sseModes, SseMode } from "./inputs";
import { archiveLifecycleRules, logLifecycleRules, Transition, transitionProblems } from "./lifecycle";

/** An OpenTok project: its API key and secret. */
export interface OpenTokProjectCredentials {
    readonly apiKey: pulumi.Input<string>;
    /** Stored as a secret. */
    readonly apiSecret: pulumi.Input<string>;
    /** @default `https://api.opentok.com` */
    readonly apiUrl?: pulumi.Input<string>;
}

/** A Vonage Video API application: its ID and private key. */
export interface VonageApplicationCredentials {
    readonly applicationId: pulumi.Input<string>;
    /** The private key's PEM contents; stored as a secret. */
    readonly privateKey: pulumi.Input<string>;
    /** @default `https://video.api.vonage.com` */
    readonly apiUrl?: pulumi.Input<string>;
}

/**
 * Values that may come from another resource or stack are `pulumi.Input`s (credentials, sse,
 * fallback, forceDestroy, verify, tags): the component only passes them on. Values that decide
 * which resources, names and lifecycle rules exist are plain (retentionDays,
 * noncurrentVersionDays, transitions, accessLogs, keyGeneration): the component branches on them,
 * and checks them against S3's rules, before it registers anything.
 */
export interface ArchiveStorageArgs {
    /** The project whose archives this stores. */
    readonly opentok: OpenTokProjectCredentials | VonageApplicationCredentials;
    /**
     * `"s3"`: OpenTok asks for SSE-S3. `"none"`: it asks for nothing. Either way the bucket encrypts
     * every archive with SSE-S3 by default and refuses an upload that asks for another encryption.
     * @default "s3"
     */
    readonly sse?: pulumi.Input<SseMode>;
    /** Where an archive goes when its upload fails: `"none"` (lost) or `"opentok"` (kept 72 h). No default: a choice to make. */
    readonly fallback: pulumi.Input<FallbackMode>;
    /**
     * Delete archives this many days after upload (a whole number, at least 1).
     * @default undefined: archives are kept until deleted
     */
    readonly retentionDays?: number;
    /**
     * The bucket is versioned: an overwritten or deleted archive's previous version is kept this many
     * days, then removed.
     * @default 30
     */
    readonly noncurrentVersionDays?: number;
    /**
     * Move archives to cheaper storage classes this many days after upload, in order (e.g.
     * `[{storageClass: "GLACIER_IR", days: 90}]`). Checked against S3's rules before anything is registered.
     * @default []
     */
    readonly transitions?: readonly Transition[];
    /**
     * Write S3 server access logs of the archive bucket (who read, wrote or deleted what) to a log
     * bucket this component creates, kept `retentionDays` days (default 365).
     * @default undefined: no access logs, no log bucket
     */
    readonly accessLogs?: { readonly retentionDays?: number };
    /**
     * Let `pulumi destroy` delete buckets that still hold archives or logs. For throwaway environments only.
     * @default false
     */
    readonly forceDestroy?: pulumi.Input<boolean>;
    /**
     * Bump to rotate the access key: a new key is created, the target moves to it, and only then
     * is the old key deleted. It is part of the key's resource name, hence plain.
     * @default 1
     */
    readonly keyGeneration?: number;
    /**
     * Before the target is set, upload a probe (one single-part and one multipart upload) with the
     * new key, and fail if S3 refuses either or does not confirm the encryption.
     * @default true
     */
    readonly verify?: pulumi.Input<boolean>;
    /**
     * Tags on every AWS resource that takes tags.
     * @default no tags
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Protect the archives: the buckets, everything that guards them, the IAM user and its policy,
     * and a destroy guard that makes `pulumi destroy` refuse before it deletes anything. The access
     * key and the upload target stay unprotected, since key rotation and re-setting the target
     * replace them. Give it here rather than as the component's `protect` option, which every child
     * would inherit, the key and the target included.
     * @default false
     */
    readonly protect?: boolean;
}

const defaultSse: SseMode = "s3";
const defaultNoncurrentVersionDays = 30;
const defaultAccessLogRetentionDays = 365;
const defaultKeyGeneration = 1;

/** Where server access logs land in the log bucket; the logging service may write nowhere else. */
const accessLogPrefix = "logs/";

export class ArchiveStorage extends pulumi.ComponentResource {
    /** The versioned, SSE-S3 archive bucket. */
    readonly bucket: s3.Bucket;
    /** The bucket that receives the archive bucket's server access logs, when `accessLogs` is set. */
    readonly logBucket?: s3.Bucket;
    /** The IAM user OpenTok uploads as. */
    readonly user: iam.User;
    /** The user's access key; its secret goes only to the target, as a secret. */
    readonly accessKey: iam.AccessKey;
    readonly target: ArchiveUploadTarget;

    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Set when `accessLogs` is. */
    readonly logBucketName?: pulumi.Output<string>;
    readonly userName: pulumi.Output<string>;
    readonly accessKeyId: pulumi.Output<string>;
    /** What the target tells OpenTok to ask S3 for. */
    readonly sse: pulumi.Output<SseMode | undefined>;
    readonly fallback: pulumi.Output<FallbackMode>;
    /** The target's ID: the project's API key or application ID. */
    readonly targetId: pulumi.Output<string>;

    constructor(name: string, args: ArchiveStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateArgs(args);
        super("opentok-archive-storage:index:ArchiveStorage", name, {}, opts);
        const { tags, forceDestroy = false, protect = false } = args;
        // Every child says whether it is protected: none inherits the component's own option.
        const parent = { parent: this };
        const kept = { ...parent, protect };
        const replaceable = { ...parent, protect: false };

        // forceDestroy empties a versioned bucket too: every version and delete marker
        // (terraform-provider-aws, internal/service/s3 emptyBucket, which @pulumi/aws runs).
        this.bucket = new s3.Bucket(`${name}-archives`, { forceDestroy, tags }, kept);
        const bucketName = this.bucket.bucket;
        // A bucket's guards go with the bucket: S3 deletes a bucket's configuration with it. Deleted
        // first (they depend on it), they would leave a bucket that then fails to delete
        // (BucketNotEmpty) without its policy, public access block, versioning... So when the bucket
        // is deleted in the same deployment the engine skips their deletes, and a bucket that survives
        // a failed destroy keeps every guard; a guard removed on its own is still deleted.
        const archiveGuard = { ...kept, deletedWith: this.bucket };
        const { encryption, publicAccessBlock, ownership } = lockDown(`${name}-archives`, bucketName, archiveGuard);
        const bucketPolicy = new s3.BucketPolicy(
            `${name}-archives-policy`,
            { bucket: bucketName, policy: pulumi.jsonStringify(policyDocument(baseStatements(this.bucket.arn))) },
            // S3 refuses a policy while the public access block is being written.
            { ...archiveGuard, dependsOn: [publicAccessBlock] },
        );
        const versioning = new s3.BucketVersioning(
            `${name}-archives-versioning`,
            { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
            archiveGuard,
        );
        const lifecycle = new s3.BucketLifecycleConfiguration(
            `${name}-archives-lifecycle`,
            {
                bucket: bucketName,
                rules: archiveLifecycleRules({
                    retentionDays: args.retentionDays,
                    noncurrentVersionDays: args.noncurrentVersionDays ?? defaultNoncurrentVersionDays,
                    transitions: args.transitions ?? [],
                }),
            },
            // The noncurrent-version rules mean something only once versioning is on.
            { ...archiveGuard, dependsOn: [versioning] },
        );

        // The user and its policy are kept too: no procedure replaces them, and without them OpenTok
        // cannot upload, which loses every archive of a stack whose fallback is "none".
        this.user = new iam.User(`${name}-opentok`, { path: "/opentok/", tags }, kept);
        const uploadPolicy = new iam.UserPolicy(
            `${name}-opentok-upload`,
            { user: this.user.name, policy: uploadPolicyDocument(this.bucket.arn) },
            kept,
        );
        // The generation is in the name: a new name is a new key, created before the target moves
        // to it; the old name's key is deleted at the end of the deployment, after the move.
        this.accessKey = new iam.AccessKey(
            `${name}-opentok-key-${args.keyGeneration ?? defaultKeyGeneration}`,
            { user: this.user.name },
            replaceable,
        );
        // Never point OpenTok at a key that cannot write yet, or at a bucket not yet locked down,
        // versioned and, when access logs are on, logged: no archive arrives before all of it.
        const targetNeeds: pulumi.Resource[] = [uploadPolicy, encryption, publicAccessBlock, ownership, bucketPolicy, versioning];
        const children: pulumi.Resource[] = [
            this.bucket,
            encryption,
            publicAccessBlock,
            ownership,
            bucketPolicy,
            versioning,
            lifecycle,
            this.user,
            uploadPolicy,
            this.accessKey,
        ];

        if (args.accessLogs !== undefined) {
            this.logBucket = new s3.Bucket(`${name}-access-logs`, { forceDestroy, tags }, kept);
            const logBucketName = this.logBucket.bucket;
            const logGuard = { ...kept, deletedWith: this.logBucket };
            const logLockDown = lockDown(`${name}-access-logs`, logBucketName, logGuard);
            // The account that owns the IAM user owns the buckets (one provider); its ARN carries the
            // account ID, which spares an sts:GetCallerIdentity call at every preview.
            const accountId = this.user.arn.apply(accountIdOf);
            const logBucketPolicy = new s3.BucketPolicy(
                `${name}-access-logs-policy`,
                { bucket: logBucketName, policy: logBucketPolicyDocument(this.logBucket.arn, this.bucket.arn, accountId) },
                { ...logGuard, dependsOn: [logLockDown.publicAccessBlock] },
            );
            const logLifecycle = new s3.BucketLifecycleConfiguration(
                `${name}-access-logs-lifecycle`,
                { bucket: logBucketName, rules: logLifecycleRules(args.accessLogs.retentionDays ?? defaultAccessLogRetentionDays) },
                logGuard,
            );
            // Part of the archive bucket's configuration: turning access logs off deletes it, a
            // destroy leaves it to go with the bucket.
            const logging = new s3.BucketLogging(
                `${name}-archives-logging`,
                {
                    bucket: bucketName,
                    targetBucket: logBucketName,
                    targetPrefix: accessLogPrefix,
                    // <prefix><account>/<region>/<bucket>/<yyyy>/<mm>/<dd>/...: easy to query by day.
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
                // Delivery starts only when the log bucket can take the logs.
                { ...archiveGuard, dependsOn: [logBucketPolicy, logLockDown.encryption, logLockDown.ownership] },
            );
            children.push(this.logBucket, ...Object.values(logLockDown), logBucketPolicy, logLifecycle, logging);
            targetNeeds.push(logging);
        }

        this.target = new ArchiveUploadTarget(
            `${name}-target`,
            {
                ...args.opentok,
                bucket: bucketName,
                accessKey: this.accessKey.id,
                secretKey: this.accessKey.secret,
                sse: args.sse ?? defaultSse,
                fallback: args.fallback,
                verify: args.verify ?? true,
            },
            { ...replaceable, dependsOn: targetNeeds },
        );
        children.push(this.target);

        // `destroy` deletes dependents first, and this depends on every other child: it is the first
        // delete of a destroy. Protected, it makes the engine refuse the destroy there, before the
        // target, the key or any guard is touched (a protected bucket alone is refused only after
        // everything that depends on it has gone).
        new pulumi.ComponentResource("opentok-archive-storage:index:DestroyGuard", `${name}-destroy-guard`, {}, { ...kept, dependsOn: children });

        this.bucketName = bucketName;
        this.bucketArn = this.bucket.arn;
        this.logBucketName = this.logBucket?.bucket;
        this.userName = this.user.name;
        this.accessKeyId = this.accessKey.id;
        this.sse = this.target.sse;
        this.fallback = this.target.fallback;
        this.targetId = this.target.id;

        this.registerOutputs({
            bucket: this.bucket,
            logBucket: this.logBucket,
            user: this.user,
            accessKey: this.accessKey,
            target: this.target,
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            logBucketName: this.logBucketName,
            userName: this.userName,
            accessKeyId: this.accessKeyId,
            sse: this.sse,
            fallback: this.fallback,
            targetId: this.targetId,
        });
    }
}

/** Refuses bad arguments before anything is registered, so that nothing is half-built. */
function validateArgs(args: ArchiveStorageArgs) {
    const problems: string[] = [];
    const oneOf = (property: string, value: unknown, allowed: readonly string[]) => {
        // An Output or a Promise is checked by the target's own check, at preview.
        if (value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise) && !allowed.includes(value as string)) {
            problems.push(`${property} must be one of ${allowed.join(", ")}, but was ${JSON.stringify(value)}`);
        }
    };
    const wholeNumber = (property: string, value: number | undefined) => {
        if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
            problems.push(`${property} must be a whole number, at least 1, but was ${JSON.stringify(value)}`);
        }
    };
    oneOf("sse", args.sse, sseModes);
    oneOf("fallback", args.fallback, fallbackModes);
    wholeNumber("retentionDays", args.retentionDays);
    wholeNumber("noncurrentVersionDays", args.noncurrentVersionDays);
    problems.push(...transitionProblems(args.transitions ?? [], args.retentionDays));
    wholeNumber("accessLogs.retentionDays", args.accessLogs?.retentionDays);
    wholeNumber("keyGeneration", args.keyGeneration);
    if (problems.length > 0) {
        throw new Error(`ArchiveStorage: ${problems.join("; ")}`);
    }
}

/** Encrypted by default with SSE-S3, never public, ACLs disabled: what both buckets share. */
function lockDown(name: string, bucket: pulumi.Output<string>, opts: pulumi.CustomResourceOptions) {
    const encryption = new s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket,
            // SSE-C is blocked by default on new buckets since April 2026; said here so that
            // an older bucket, or a changed default, cannot take customer-provided keys.
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
        },
        opts,
    );
    const publicAccessBlock = new s3.BucketPublicAccessBlock(
        `${name}-public-access-block`,
        { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    const ownership = new s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    return { encryption, publicAccessBlock, ownership };
}

function policyDocument(statements: object[]): object {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Denies every request that is not over TLS, and every upload that asks for an encryption other
 * than SSE-S3 (KMS, DSSE-KMS): a misconfigured writer fails loudly instead of storing objects
 * another way. An upload that asks for nothing is never refused: the bucket's default encryption
 * gives it SSE-S3, and the parts of a multipart upload (UploadPart, CompleteMultipartUpload) cannot
 * carry the header at all. A negated operator alone is true when its key is absent, so the
 * statement also requires the header to be present (`Null: false`); its conditions are ANDed.
 */
function baseStatements(bucketArn: pulumi.Output<string>): object[] {
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyUploadsAskingForOtherEncryption",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/*`,
            Condition: {
                StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" },
                Null: { "s3:x-amz-server-side-encryption": "false" },
            },
        },
    ];
}

/**
 * With ACLs disabled, S3 server access logs are delivered by the logging service principal, which
 * the log bucket's policy must allow (S3 user guide, "Permissions for log delivery"): only for logs
 * of the archive bucket (aws:SourceArn) in this account (aws:SourceAccount), so that no other bucket
 * can have its logs, or anything else, written here.
 */
function logBucketPolicyDocument(
    logBucketArn: pulumi.Output<string>,
    archiveBucketArn: pulumi.Output<string>,
    accountId: pulumi.Output<string>,
): pulumi.Output<string> {
    return pulumi.jsonStringify(
        policyDocument([
            ...baseStatements(logBucketArn),
            {
                Sid: "AllowServerAccessLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${logBucketArn}/${accessLogPrefix}*`,
                Condition: { ArnLike: { "aws:SourceArn": archiveBucketArn }, StringEquals: { "aws:SourceAccount": accountId } },
            },
        ]),
    );
}

/** The account ID in an ARN (`arn:aws:iam::123456789012:user/...`). */
function accountIdOf(arn: string): string {
    const accountId = arn.split(":")[4];
    if (accountId === undefined || !/^\d{12}$/.test(accountId)) {
        throw new Error(`ArchiveStorage: cannot read the AWS account ID from the OpenTok user's ARN ${JSON.stringify(arn)}`);
    }
    return accountId;
}

/** Exactly the permissions OpenTok documents for archive upload, and nothing else. */
function uploadPolicyDocument(bucketArn: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "OpenTokListBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
            { Sid: "OpenTokListArchiveBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
            { Sid: "OpenTokUploadArchives", Effect: "Allow", Action: "s3:PutObject", Resource: pulumi.interpolate`${bucketArn}/*` },
        ],
    });
}
