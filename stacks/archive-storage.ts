// ArchiveStorage: one environment's archive storage: an SSE-S3 bucket that is never public, an
// IAM user that can do exactly what OpenTok needs, and the project's upload target pointing
// at both.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArchiveUploadTarget, fallbackModes, FallbackMode, sseModes, SseMode } from "@opentok-archive-storage/archive-upload-target";

export interface ArchiveStorageArgs {
    /**
     * The project whose archives this stores: an OpenTok project (apiKey + apiSecret) or a
     * Vonage Video API application (applicationId + privateKey).
     */
    opentok: {
        apiKey?: pulumi.Input<string>;
        apiSecret?: pulumi.Input<string>;
        applicationId?: pulumi.Input<string>;
        privateKey?: pulumi.Input<string>;
        /** Default: the API of the credentials given. */
        apiUrl?: pulumi.Input<string>;
    };
    /** `"s3"`: OpenTok asks for SSE-S3 and the bucket refuses any other upload. `"none"`: not asked. */
    sse: SseMode;
    /** Where an archive goes when its upload fails: `"none"` (lost) or `"opentok"` (kept 72 h). */
    fallback: FallbackMode;
    /** Delete archives this many days after upload; undefined keeps them. */
    retentionDays?: number;
    /** Let `pulumi destroy` delete a bucket that still holds archives. For throwaway environments only. */
    forceDestroy: boolean;
    /**
     * Bump to rotate the access key: a new key is created, the target moves to it, and only then
     * is the old key deleted.
     */
    keyGeneration: number;
    /** Tags on every AWS resource. */
    tags?: Record<string, string>;
}

/** Days after which S3 aborts a multipart upload that never completed (an interrupted upload). */
const abortIncompleteUploadsAfterDays = 7;

export class ArchiveStorage extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly user: aws.iam.User;
    readonly accessKey: aws.iam.AccessKey;
    readonly target: ArchiveUploadTarget;

    constructor(name: string, args: ArchiveStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateArgs(args);
        super("opentok-archive-storage:index:ArchiveStorage", name, {}, opts);
        const parent = { parent: this };
        const tags = args.tags;

        this.bucket = new aws.s3.Bucket(`${name}-archives`, { forceDestroy: args.forceDestroy, tags }, parent);
        const bucketName = this.bucket.bucket;

        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-archives-encryption`,
            { bucket: bucketName, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            parent,
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-archives-public-access-block`,
            { bucket: bucketName, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-archives-ownership`,
            { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
            parent,
        );
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-archives-policy`,
            { bucket: bucketName, policy: bucketPolicyDocument(this.bucket.arn, args.sse) },
            // S3 refuses a policy while the public access block is being written.
            { ...parent, dependsOn: [publicAccessBlock] },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-archives-lifecycle`,
            { bucket: bucketName, rules: lifecycleRules(args.retentionDays) },
            parent,
        );

        this.user = new aws.iam.User(`${name}-opentok`, { path: "/opentok/", tags }, parent);
        const uploadPolicy = new aws.iam.UserPolicy(
            `${name}-opentok-upload`,
            { user: this.user.name, policy: uploadPolicyDocument(this.bucket.arn) },
            parent,
        );
        // The generation is in the name: a new name is a new key, created before the target moves
        // to it; the old name's key is deleted at the end of the deployment, after the move.
        this.accessKey = new aws.iam.AccessKey(`${name}-opentok-key-${args.keyGeneration}`, { user: this.user.name }, parent);

        this.target = new ArchiveUploadTarget(
            `${name}-target`,
            {
                ...args.opentok,
                bucket: bucketName,
                accessKey: this.accessKey.id,
                secretKey: this.accessKey.secret,
                sse: args.sse,
                fallback: args.fallback,
            },
            // Never point OpenTok at a key that cannot write yet, or at a bucket not yet locked down.
            { ...parent, dependsOn: [uploadPolicy, encryption, publicAccessBlock, ownership, bucketPolicy] },
        );

        this.registerOutputs({ bucket: this.bucket, user: this.user, target: this.target });
    }
}

function validateArgs(args: ArchiveStorageArgs) {
    if (!(sseModes as readonly string[]).includes(args.sse)) {
        throw new Error(`ArchiveStorage: sse must be one of ${sseModes.join(", ")}, but was ${JSON.stringify(args.sse)}`);
    }
    if (!(fallbackModes as readonly string[]).includes(args.fallback)) {
        throw new Error(`ArchiveStorage: fallback must be one of ${fallbackModes.join(", ")}, but was ${JSON.stringify(args.fallback)}`);
    }
    if (args.retentionDays !== undefined && !(Number.isInteger(args.retentionDays) && args.retentionDays >= 1)) {
        throw new Error(`ArchiveStorage: retentionDays must be a whole number of days, at least 1, but was ${JSON.stringify(args.retentionDays)}`);
    }
    if (!(Number.isInteger(args.keyGeneration) && args.keyGeneration >= 1)) {
        throw new Error(`ArchiveStorage: keyGeneration must be a whole number, at least 1, but was ${JSON.stringify(args.keyGeneration)}`);
    }
}

/**
 * Denies every request that is not over TLS and, when OpenTok is told to ask for SSE-S3, every
 * upload that asks for anything else: a misconfigured writer fails loudly instead of storing
 * archives another way.
 */
function bucketPolicyDocument(bucketArn: pulumi.Output<string>, sse: SseMode): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...(sse === "s3"
                ? [
                      {
                          Sid: "DenyUploadsWithoutSseS3",
                          Effect: "Deny",
                          Principal: "*",
                          Action: "s3:PutObject",
                          Resource: pulumi.interpolate`${bucketArn}/*`,
                          Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "AES256" } },
                      },
                  ]
                : []),
        ],
    });
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

function lifecycleRules(retentionDays: number | undefined): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
        {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteUploadsAfterDays },
        },
    ];
    if (retentionDays !== undefined) {
        rules.push({ id: "expire-archives", status: "Enabled", filter: {}, expiration: { days: retentionDays } });
    }
    return rules;
}
