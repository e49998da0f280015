// Preflight: before OpenTok is pointed at a bucket, prove that the target's own keys can upload
// there, encrypted as asked. OpenTok checks nothing when the target is set, and with
// fallback "none" a bucket that refuses uploads loses every recording until someone notices.

import type { PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { ArchiveUploadTargetError } from "./errors";
import { redact, redactThenCut, secretValuesOf } from "./secrets";
import { projectIdOf, TargetInputs } from "./validation";

export interface PreflightPolicy {
    /** How long to keep retrying errors that a brand-new key or policy produces while AWS propagates it. */
    propagationBudgetMs: number;
    /** Wait between those retries. */
    retryDelayMs: number;
    /** Time allowed for one upload. */
    timeoutMs: number;
}

export function preflightPolicyFromEnvironment(env: NodeJS.ProcessEnv = process.env): PreflightPolicy {
    const read = (name: string, fallbackValue: number) => {
        const raw = env[name];
        const value = raw === undefined || raw === "" ? fallbackValue : Number(raw);
        if (!Number.isInteger(value) || value < 0) {
            throw new Error(`The environment variable ${name} must be a whole number of milliseconds, but was ${JSON.stringify(raw)}.`);
        }
        return value;
    };
    return {
        propagationBudgetMs: read("OPENTOK_PREFLIGHT_BUDGET_MS", 60_000),
        retryDelayMs: read("OPENTOK_PREFLIGHT_RETRY_MS", 2_000),
        timeoutMs: read("OPENTOK_PREFLIGHT_TIMEOUT_MS", 15_000),
    };
}

/** The one object a probe writes, under the prefix OpenTok writes archives to (`<apiKey>/`). */
export function probeKey(projectId: string): string {
    return `${projectId}/opentok-archive-storage-preflight/probe.txt`;
}

/** The upload failed: the message says what failed and what to fix, without any secret. */
export class PreflightError extends ArchiveUploadTargetError {
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message, "PreflightError");
    }
}

/** Errors a just-created key or just-attached policy gives until AWS has propagated it. */
const propagationErrors = ["InvalidAccessKeyId", "AccessDenied"];

/**
 * Uploads the probe object with the target's own credentials, asking for SSE-S3 when `sse` is
 * "s3", and checks that S3 confirms it. Retries only the errors that propagation produces.
 */
export async function verifyUpload(target: TargetInputs, policy: PreflightPolicy): Promise<void> {
    // Loaded here, not at the top: the provider host loads this module for every preview, and
    // the S3 client is only needed when a target is about to be set.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const s3: typeof import("@aws-sdk/client-s3") = require("@aws-sdk/client-s3");
    const client = new s3.S3Client({
        region: "us-east-1",
        // The bucket may be in any region: follow S3's redirect to the right one.
        followRegionRedirects: true,
        credentials: { accessKeyId: target.accessKey!, secretAccessKey: target.secretKey! },
        ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint, forcePathStyle: true }),
        maxAttempts: 2,
        requestHandler: { requestTimeout: policy.timeoutMs, connectionTimeout: policy.timeoutMs },
    });
    const key = probeKey(projectIdOf(target));
    const where = `s3://${target.bucket}/${key}${target.endpoint === undefined ? "" : ` at ${target.endpoint}`}`;
    const started = Date.now();
    try {
        for (;;) {
            let output: PutObjectCommandOutput;
            try {
                output = await client.send(
                    new s3.PutObjectCommand({
                        Bucket: target.bucket,
                        Key: key,
                        Body: `Written by opentok-archive-storage to check that OpenTok can upload here. Safe to delete.\n`,
                        ContentType: "text/plain",
                        ...(target.sse === "s3" ? { ServerSideEncryption: "AES256" as const } : {}),
                    }),
                );
            } catch (e) {
                const code = errorCode(e);
                const waited = Date.now() - started;
                if (propagationErrors.includes(code) && waited + policy.retryDelayMs <= policy.propagationBudgetMs) {
                    await new Promise((resolve) => setTimeout(resolve, policy.retryDelayMs));
                    continue;
                }
                const secrets = secretValuesOf(target);
                const safeMessage = redactThenCut(errorMessage(e), secrets);
                throw new PreflightError(redact(explain(code, safeMessage, target, where, waited), secrets), code);
            }
            if (target.sse === "s3" && output.ServerSideEncryption !== "AES256") {
                throw new PreflightError(
                    `Preflight upload to ${where} succeeded, but S3 did not confirm SSE-S3 encryption ` +
                        `(x-amz-server-side-encryption was ${JSON.stringify(output.ServerSideEncryption ?? "absent")}, expected "AES256"). ` +
                        `Archives could be stored unencrypted: check that the storage supports SSE-S3, or set sse to "none" if that is intended. ` +
                        `Set verify to false to skip this check.`,
                    "EncryptionNotConfirmed",
                );
            }
            return;
        }
    } finally {
        client.destroy();
    }
}

function explain(code: string, message: string, target: TargetInputs, where: string, waitedMs: number): string {
    const intro = `Preflight upload to ${where} with accessKey ${shownAccessKey(target.accessKey!)} failed (${code || "no answer"}: ${message}).`;
    const retried = waitedMs > 0 ? ` It was retried for ${Math.round(waitedMs / 1000)} s in case the key or policy was new.` : "";
    const skip = " Set verify to false to skip this check.";
    switch (code) {
        case "NoSuchBucket":
            return `${intro} The bucket ${target.bucket} does not exist${target.endpoint === undefined ? " in AWS S3" : ` at ${target.endpoint}`}: check bucket (and endpoint).${skip}`;
        case "AccessDenied":
        case "AllAccessDisabled":
            return (
                `${intro}${retried} The key cannot write there: the IAM policy of accessKey must allow s3:PutObject on arn:aws:s3:::${target.bucket}/*, ` +
                `and the bucket policy must not deny it${target.sse === "s3" ? " (uploads ask for SSE-S3, AES256)" : ""}.${skip}`
            );
        case "InvalidAccessKeyId":
            return `${intro}${retried} The storage knows no such access key: check accessKey, and that the key is active.${skip}`;
        case "SignatureDoesNotMatch":
            return `${intro} secretKey does not belong to accessKey: check secretKey.${skip}`;
        case "RequestTimeTooSkewed":
            return `${intro} This machine's clock differs from the storage's by more than 15 minutes: fix the clock (NTP) and run the update again.${skip}`;
        case "PermanentRedirect":
        case "AuthorizationHeaderMalformed":
        case "IllegalLocationConstraintException":
            return `${intro} The bucket is in another region or behind another endpoint: check bucket and endpoint.${skip}`;
        case "":
            return `${intro} Check endpoint and the network.${skip}`;
        default:
            return `${intro}${skip}`;
    }
}

/** An access key ID (AWS, GCS: upper-case letters and digits) is shown; anything else may be a secret typed in the wrong field. */
function shownAccessKey(accessKey: string): string {
    return /^[A-Z0-9]{4,128}$/.test(accessKey) ? accessKey : `${accessKey.slice(0, 4)}... (${accessKey.length} characters)`;
}

function errorCode(e: unknown): string {
    const err = e as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };
    if (typeof err.$metadata?.httpStatusCode !== "number") {
        // No answer from the storage: a network error (the SDK wraps it, without a status).
        return "";
    }
    for (const candidate of [err.Code, err.name, err.code]) {
        if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") {
            return candidate;
        }
    }
    return "UnknownError";
}

function errorMessage(e: unknown): string {
    const err = e as { message?: unknown; code?: unknown };
    const message = typeof err.message === "string" && err.message !== "" ? err.message : "no message";
    const code = typeof err.code === "string" ? `${err.code}: ` : "";
    return code + message.replace(/^AWS SDK error wrapper for (Error: )?/, "");
}
