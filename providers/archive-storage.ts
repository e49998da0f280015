// ArchiveStorage: one environment's archive storage: a versioned SSE-S3 bucket that is never
// public (optionally with server access logs in a bucket of their own), an IAM user that can do
// exactly what OpenTok needs, and the project's upload target pointing at both. Or an existing
// bucket, left as it is unless told otherwise; or several projects in one bucket, each with a user
// that may write only under its own prefix.

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
 * One OpenTok project (or Vonage application) of several sharing the bucket: it gets its own IAM
 * user and access key, which may write only under the project's prefix, and its own upload target.
 */
export interface ArchiveProject {
    /**
     * Names the project's resources (`<component>-<name>-opentok`, `-opentok-upload`,
     * `-opentok-key-<generation>`, `-target`): letters, digits and hyphens, unique in the list. Plain,
     * since it is part of resource names; renaming it replaces the project's user, key and target.
     */
    readonly name: string;
    /** The project's credentials. */
    readonly opentok: OpenTokProjectCredentials | VonageApplicationCredentials;
    /**
     * Another key prefix (no leading or trailing `/`, no `*` or `?`) the project's key may write
     * under, besides `<apiKey>/` (an OpenTok project) or `<applicationId>/` (a Vonage application),
     * which it may always write under, and where the preflight probes. Where OpenTok writes a Vonage
     * application's archives is not documented: give the other form here if it is not the ID.
     * @default undefined: only `<apiKey>/` or `<applicationId>/`
     */
    readonly prefix?: pulumi.Input<string>;
    /**
     * Bump to rotate this project's access key (see `ArchiveStorageArgs.keyGeneration`).
     * @default 1
     */
    readonly keyGeneration?: number;
}

/**
 * A bucket this component does not create. It changes nothing of it unless told to here: each
 * guard it manages on a bucket it creates is off by default for an existing one. A bucket has one
 * policy: `policy: true` replaces whatever policy the bucket has with this component's.
 */
export interface ExistingBucket {
    /** The bucket's name. */
    readonly name: pulumi.Input<string>;
    /**
     * The bucket's ARN, for the IAM policies.
     * @default `arn:aws:s3:::<name>` (the `aws` partition; give it for aws-cn or aws-us-gov)
     */
    readonly arn?: pulumi.Input<string>;
    /** Default encryption SSE-S3, SSE-C blocked. @default false */
    readonly encryption?: boolean;
    /** Block every form of public access. @default false */
    readonly publicAccessBlock?: boolean;
    /** Object ownership BucketOwnerEnforced (ACLs disabled). @default false */
    readonly ownership?: boolean;
    /** Replace the bucket's policy with one that denies plain HTTP and uploads asking for another encryption. @default false */
    readonly policy?: boolean;
    /** Turn versioning on. @default false */
    readonly versioning?: boolean;
    /**
     * Replace the bucket's lifecycle configuration with this component's rules (`retentionDays`,
     * `noncurrentVersionDays`, `transitions`, aborting incomplete uploads), which are refused without it.
     * @default false
     */
    readonly lifecycle?: boolean;
}

/**
 * Values that may come from another resource or stack are `pulumi.Input`s (credentials, sse,
 * fallback, forceDestroy, verify, tags): the component only passes them on. Values that decide
 * which resources, names and lifecycle rules exist are plain (retentionDays,
 * noncurrentVersionDays, transitions, accessLogs, keyGeneration): the component branches on them,
 * and checks them against S3's rules, before it registers anything.
 */
export interface ArchiveStorageArgs {
    /**
     * The project whose archives this stores: one IAM user and key, which may write anywhere in the
     * bucket, and one upload target. Give this or `projects`.
     */
    readonly opentok?: OpenTokProjectCredentials | VonageApplicationCredentials;
    /**
     * Several projects storing their archives in the one bucket, each with its own IAM user and key
     * that may write only under its prefix (`<apiKey>/`), and its own upload target. Give this or `opentok`.
     * @default undefined: the single project of `opentok`
     */
    readonly projects?: readonly ArchiveProject[];
    /**
     * Use this bucket instead of creating one; see `ExistingBucket` for what is then changed (nothing
     * by default). Not with `bucketName` or `forceDestroy`.
     * @default undefined: the component creates the bucket
     */
    readonly existingBucket?: ExistingBucket;
    /**
     * The name of the bucket the component creates (S3 bucket names are global; changing it replaces the bucket).
     * @default undefined: a name Pulumi generates from the component's name, `<name>-archives-<random>`
     */
    readonly bucketName?: pulumi.Input<string>;
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
     * Let `pulumi destroy` delete buckets that still hold archives or logs. For throwaway environments
     * only; not with `existingBucket`, which a destroy never deletes.
     * @default false
     */
    readonly forceDestroy?: pulumi.Input<boolean>;
    /**
     * Bump to rotate the access key: a new key is created, the target moves to it, and only then
     * is the old key deleted. It is part of the key's resource name, hence plain. For the
     * single-project form; with `projects`, each project has its own (`projects[].keyGeneration`).
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

/** What each project gets: its own IAM user, access key and upload target. */
export interface ArchiveProjectUpload {
    /** The project's name: `ArchiveProject.name`, or the component's name for the single-project form. */
    readonly name: string;
    /** The IAM user OpenTok uploads as for this project. */
    readonly user: iam.User;
    /** The user's access key; its secret goes only to the target, as a secret. */
    readonly accessKey: iam.AccessKey;
    readonly target: ArchiveUploadTarget;
    readonly userName: pulumi.Output<string>;
    readonly accessKeyId: pulumi.Output<string>;
    /** The target's ID: the project's API key or application ID. */
    readonly targetId: pulumi.Output<string>;
}

export class ArchiveStorage extends pulumi.ComponentResource {
    /** The versioned, SSE-S3 archive bucket, when the component creates it (not with `existingBucket`). */
    readonly bucket?: s3.Bucket;
    /** The bucket that receives the archive bucket's server access logs, when `accessLogs` is set. */
    readonly logBucket?: s3.Bucket;
    /** The IAM user OpenTok uploads as (the single-project form; see `uploads` for `projects`). */
    readonly user?: iam.User;
    /** The user's access key; its secret goes only to the target, as a secret (the single-project form). */
    readonly accessKey?: iam.AccessKey;
    /** The upload target (the single-project form). */
    readonly target?: ArchiveUploadTarget;
    /** Every project's user, key and target, in the order given; one for the single-project form. */
    readonly uploads: readonly ArchiveProjectUpload[];

    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Set when `accessLogs` is. */
    readonly logBucketName?: pulumi.Output<string>;
    /** The single-project form's user name. */
    readonly userName?: pulumi.Output<string>;
    /** The single-project form's access key ID. */
    readonly accessKeyId?: pulumi.Output<string>;
    /** What the targets tell OpenTok to ask S3 for. */
    readonly sse: pulumi.Output<SseMode | undefined>;
    readonly fallback: pulumi.Output<FallbackMode>;
    /** The single-project form's target ID: the project's API key or application ID. */
    readonly targetId?: pulumi.Output<string>;
    /** Every target's ID, in the order of `uploads`. */
    readonly targetIds: pulumi.Output<string[]>;

    constructor(name: string, args: ArchiveStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateArgs(args);
        super("opentok-archive-storage:index:ArchiveStorage", name, {}, opts);
        const { tags, forceDestroy = false, protect = false, existingBucket } = args;
        // Every child says whether it is protected: none inherits the component's own option.
        const parent = { parent: this };
        const kept = { ...parent, protect };
        const replaceable = { ...parent, protect: false };
        const children: pulumi.Resource[] = [];
        // Never point OpenTok at a key that cannot write yet, or at a bucket not yet locked down,
        // versioned and, when access logs are on, logged: no archive arrives before all of it.
        const targetNeeds: pulumi.Resource[] = [];
        const manages = (guard: keyof Omit<ExistingBucket, "name" | "arn">) => existingBucket === undefined || existingBucket[guard] === true;

        let bucketName: pulumi.Output<string>;
        let bucketArn: pulumi.Output<string>;
        // A guard's options: on a bucket this component creates, it goes with the bucket.
        let archiveGuard: pulumi.CustomResourceOptions = kept;
        if (existingBucket === undefined) {
            // forceDestroy empties a versioned bucket too: every version and delete marker
            // (terraform-provider-aws, internal/service/s3 emptyBucket, which @pulumi/aws runs).
            this.bucket = new s3.Bucket(`${name}-archives`, { bucket: args.bucketName, forceDestroy, tags }, kept);
            bucketName = this.bucket.bucket;
            bucketArn = this.bucket.arn;
            children.push(this.bucket);
            // A bucket's guards go with the bucket: S3 deletes a bucket's configuration with it. Deleted
            // first (they depend on it), they would leave a bucket that then fails to delete
            // (BucketNotEmpty) without its policy, public access block, versioning... So when the bucket
            // is deleted in the same deployment the engine skips their deletes, and a bucket that survives
            // a failed destroy keeps every guard; a guard removed on its own is still deleted.
            archiveGuard = { ...kept, deletedWith: this.bucket };
        } else {
            bucketName = pulumi.output(existingBucket.name);
            bucketArn = existingBucket.arn === undefined ? pulumi.interpolate`arn:aws:s3:::${bucketName}` : pulumi.output(existingBucket.arn);
        }

        const { encryption, publicAccessBlock, ownership } = lockDown(`${name}-archives`, bucketName, archiveGuard, {
            encryption: manages("encryption"),
            publicAccessBlock: manages("publicAccessBlock"),
            ownership: manages("ownership"),
        });
        const bucketPolicy = manages("policy")
            ? new s3.BucketPolicy(
                  `${name}-archives-policy`,
                  { bucket: bucketName, policy: pulumi.jsonStringify(policyDocument(baseStatements(bucketArn))) },
                  // S3 refuses a policy while the public access block is being written.
                  { ...archiveGuard, dependsOn: publicAccessBlock === undefined ? [] : [publicAccessBlock] },
              )
            : undefined;
        const versioning = manages("versioning")
            ? new s3.BucketVersioning(
                  `${name}-archives-versioning`,
                  { bucket: bucketName, versioningConfiguration: { status: "Enabled" } },
                  archiveGuard,
              )
            : undefined;
        const lifecycle = manages("lifecycle")
            ? new s3.BucketLifecycleConfiguration(
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
                  { ...archiveGuard, dependsOn: versioning === undefined ? [] : [versioning] },
              )
            : undefined;
        const guards = [encryption, publicAccessBlock, ownership, bucketPolicy, versioning].filter((r) => r !== undefined);
        targetNeeds.push(...guards);
        children.push(...guards, ...(lifecycle === undefined ? [] : [lifecycle]));

        // The single-project form keeps the names (and the bucket-wide upload policy) it always had;
        // each of several projects gets names of its own and a policy limited to its prefix.
        const single = args.opentok !== undefined;
        const projects: ArchiveProject[] = single ? [{ name, opentok: args.opentok!, keyGeneration: args.keyGeneration }] : [...args.projects!];
        const users = projects.map((project) => {
            const prefix = single ? name : `${name}-${project.name}`;
            // The user and its policy are kept too: no procedure replaces them, and without them OpenTok
            // cannot upload, which loses every archive of a stack whose fallback is "none".
            const user = new iam.User(`${prefix}-opentok`, { path: "/opentok/", tags }, kept);
            const uploadPolicy = new iam.UserPolicy(
                `${prefix}-opentok-upload`,
                { user: user.name, policy: uploadPolicyDocument(bucketArn, single ? undefined : uploadPrefixes(project)) },
                kept,
            );
            // The generation is in the name: a new name is a new key, created before the target moves
            // to it; the old name's key is deleted at the end of the deployment, after the move.
            const accessKey = new iam.AccessKey(
                `${prefix}-opentok-key-${project.keyGeneration ?? defaultKeyGeneration}`,
                { user: user.name },
                replaceable,
            );
            children.push(user, uploadPolicy, accessKey);
            return { project, prefix, user, uploadPolicy, accessKey };
        });

        if (args.accessLogs !== undefined) {
            this.logBucket = new s3.Bucket(`${name}-access-logs`, { forceDestroy, tags }, kept);
            const logBucketName = this.logBucket.bucket;
            const logGuard = { ...kept, deletedWith: this.logBucket };
            const logLockDown = lockDown(`${name}-access-logs`, logBucketName, logGuard, {
                encryption: true,
                publicAccessBlock: true,
                ownership: true,
            });
            // The account that owns the IAM users owns the buckets (one provider); its ARN carries the
            // account ID, which spares an sts:GetCallerIdentity call at every preview.
            const accountId = users[0]!.user.arn.apply(accountIdOf);
            const logBucketPolicy = new s3.BucketPolicy(
                `${name}-access-logs-policy`,
                { bucket: logBucketName, policy: logBucketPolicyDocument(this.logBucket.arn, bucketArn, accountId) },
                { ...logGuard, dependsOn: [logLockDown.publicAccessBlock!] },
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
                { ...archiveGuard, dependsOn: [logBucketPolicy, logLockDown.encryption!, logLockDown.ownership!] },
            );
            children.push(
                this.logBucket,
                logLockDown.encryption!,
                logLockDown.publicAccessBlock!,
                logLockDown.ownership!,
                logBucketPolicy,
                logLifecycle,
                logging,
            );
            targetNeeds.push(logging);
        }

        this.uploads = users.map(({ project, prefix, user, uploadPolicy, accessKey }) => {
            const target = new ArchiveUploadTarget(
                `${prefix}-target`,
                {
                    ...project.opentok,
                    bucket: bucketName,
                    accessKey: accessKey.id,
                    secretKey: accessKey.secret,
                    sse: args.sse ?? defaultSse,
                    fallback: args.fallback,
                    verify: args.verify ?? true,
                },
                { ...replaceable, dependsOn: [uploadPolicy, ...targetNeeds] },
            );
            children.push(target);
            return { name: project.name, user, accessKey, target, userName: user.name, accessKeyId: accessKey.id, targetId: target.id };
        });

        // `destroy` deletes dependents first, and this depends on every other child: it is the first
        // delete of a destroy. Protected, it makes the engine refuse the destroy there, before the
        // target, the key or any guard is touched (a protected bucket alone is refused only after
        // everything that depends on it has gone).
        new pulumi.ComponentResource("opentok-archive-storage:index:DestroyGuard", `${name}-destroy-guard`, {}, { ...kept, dependsOn: children });

        this.bucketName = bucketName;
        this.bucketArn = bucketArn;
        this.logBucketName = this.logBucket?.bucket;
        if (single) {
            const only = this.uploads[0]!;
            this.user = only.user;
            this.accessKey = only.accessKey;
            this.target = only.target;
            this.userName = only.userName;
            this.accessKeyId = only.accessKeyId;
            this.targetId = only.targetId;
            this.sse = only.target.sse;
            this.fallback = only.target.fallback;
        } else {
            // Every target is given the same sse and fallback.
            this.sse = this.uploads[0]!.target.sse;
            this.fallback = this.uploads[0]!.target.fallback;
        }
        this.targetIds = pulumi.all(this.uploads.map((u) => u.targetId));

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
            // The single-project form registers the outputs it always did: its stacks see no change.
            ...(single ? {} : { targetIds: this.targetIds }),
        });
    }
}

/** The prefixes a project's key may write under: its ID's (OpenTok's documented form, and the preflight's) and any other given. */
function uploadPrefixes(project: ArchiveProject): pulumi.Output<string[]> {
    const id = "apiKey" in project.opentok ? project.opentok.apiKey : project.opentok.applicationId;
    return pulumi.all([id, project.prefix]).apply(([projectId, extra]) => {
        // A `*`, `?` or `/` in an ID would widen the policy past the project's prefix.
        if (!/^[A-Za-z0-9-]+$/.test(projectId)) {
            throw new Error(
                `ArchiveStorage: project ${project.name}'s API key or application ID must be letters, digits and hyphens, but was ${JSON.stringify(projectId)}`,
            );
        }
        if (extra !== undefined && prefixProblem(extra) !== undefined) {
            throw new Error(`ArchiveStorage: projects[${project.name}].prefix ${prefixProblem(extra)}`);
        }
        return extra === undefined || extra === projectId ? [projectId] : [projectId, extra];
    });
}

/** Why a key prefix cannot be used in a policy's Resource, if it cannot. */
function prefixProblem(prefix: string): string | undefined {
    return /^[^*?/]+(\/[^*?/]+)*$/.test(prefix)
        ? undefined
        : `must be non-empty, without * or ?, and neither start nor end with /, but was ${JSON.stringify(prefix)}`;
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

    if ((args.opentok === undefined) === (args.projects === undefined)) {
        problems.push("give either opentok (one project) or projects (several), not both or neither");
    }
    if (args.projects !== undefined) {
        if (args.projects.length === 0) {
            problems.push("projects must hold at least one project");
        }
        if (args.keyGeneration !== undefined) {
            problems.push("keyGeneration is per project with projects: set projects[].keyGeneration");
        }
        const seen = new Set<string>();
        args.projects.forEach((project, index) => {
            if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(project.name)) {
                problems.push(`projects[${index}].name must be letters, digits and hyphens, but was ${JSON.stringify(project.name)}`);
            } else if (seen.has(project.name)) {
                problems.push(`projects[${index}].name ${JSON.stringify(project.name)} is given twice`);
            }
            seen.add(project.name);
            wholeNumber(`projects[${index}].keyGeneration`, project.keyGeneration);
            if (typeof project.prefix === "string" && prefixProblem(project.prefix) !== undefined) {
                problems.push(`projects[${index}].prefix ${prefixProblem(project.prefix)}`);
            }
        });
    }
    const existing = args.existingBucket;
    if (existing !== undefined) {
        if (args.bucketName !== undefined) {
            problems.push("bucketName names a bucket the component creates: not with existingBucket");
        }
        if (args.forceDestroy !== undefined) {
            problems.push("forceDestroy empties a bucket the component created: not with existingBucket");
        }
        if (existing.lifecycle !== true) {
            for (const setting of ["retentionDays", "noncurrentVersionDays", "transitions"] as const) {
                if (args[setting] !== undefined) {
                    problems.push(`${setting} is a lifecycle rule: with existingBucket, it needs existingBucket.lifecycle: true`);
                }
            }
        }
    }
    if (problems.length > 0) {
        throw new Error(`ArchiveStorage: ${problems.join("; ")}`);
    }
}

/**
 * Encrypted by default with SSE-S3, never public, ACLs disabled: what both buckets share. Each
 * guard only where `which` says (an existing bucket's are opt-in).
 */
function lockDown(
    name: string,
    bucket: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions,
    which: { encryption: boolean; publicAccessBlock: boolean; ownership: boolean },
) {
    const encryption = which.encryption
        ? new s3.BucketServerSideEncryptionConfiguration(
              `${name}-encryption`,
              {
                  bucket,
                  // SSE-C is blocked by default on new buckets since April 2026; said here so that
                  // an older bucket, or a changed default, cannot take customer-provided keys.
                  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, blockedEncryptionTypes: ["SSE-C"] }],
              },
              opts,
          )
        : undefined;
    const publicAccessBlock = which.publicAccessBlock
        ? new s3.BucketPublicAccessBlock(
              `${name}-public-access-block`,
              { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
              opts,
          )
        : undefined;
    const ownership = which.ownership
        ? new s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts)
        : undefined;
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

/**
 * Exactly the permissions OpenTok documents for archive upload, and nothing else: PutObject on the
 * whole bucket for the single-project form (as it always was), or only under the given prefixes.
 * PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload too, each
 * authorized against the object's key, so a multipart upload is held to the prefix as well.
 * ListBucket is not limited by `s3:prefix`: which prefix, if any, OpenTok lists with when it checks
 * the bucket is not documented, and a condition it does not meet would make it refuse the target;
 * ListBucket shows key names (archive IDs) of the other projects, never their contents.
 */
function uploadPolicyDocument(bucketArn: pulumi.Output<string>, prefixes?: pulumi.Output<string[]>): pulumi.Output<string> {
    const objects =
        prefixes === undefined
            ? pulumi.interpolate`${bucketArn}/*`
            : pulumi.all([bucketArn, prefixes]).apply(([arn, list]) => list.map((p) => `${arn}/${p}/*`));
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "OpenTokListBuckets", Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" },
            { Sid: "OpenTokListArchiveBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
            { Sid: "OpenTokUploadArchives", Effect: "Allow", Action: "s3:PutObject", Resource: objects },
        ],
    });
}
