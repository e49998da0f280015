// Preflight: before OpenTok is pointed at a bucket, prove that the target's own keys can upload
// there, encrypted as asked. OpenTok checks nothing when the target is set, and with
// fallback "none" a bucket that refuses uploads loses every recording until someone notices.

import { ArchiveUploadTargetError } from "./errors";
import { redact, redactThenCut, secretValuesOf, serverMessage } from "./secrets";
import type { TargetInputs } from "./inputs";
import { projectIdOf } from "./properties";

export interface PreflightPolicy {
    /** How long to keep retrying errors that a brand-new key or policy produces while AWS propagates it. */
    propagationBudgetMs: number;
    /** Wait between those retries. */
    retryDelayMs: number;
    /** Time allowed for each S3 request, connection to last byte (a deadline, not an idle timeout). */
    timeoutMs: number;
}

export function preflightPolicyFromEnvironment(env: NodeJS.ProcessEnv = process.env): PreflightPolicy {
    const read = (name: string, fallbackValue: number, min = 0) => {
        const raw = env[name];
        const value = raw === undefined || raw === "" ? fallbackValue : Number(raw);
        if (!Number.isInteger(value) || value < min) {
            throw new Error(
                `The environment variable ${name} must be a whole number of milliseconds, at least ${min}, but was ${JSON.stringify(raw)}.`,
            );
        }
        return value;
    };
    return {
        propagationBudgetMs: read("OPENTOK_PREFLIGHT_BUDGET_MS", 60_000),
        retryDelayMs: read("OPENTOK_PREFLIGHT_RETRY_MS", 2_000),
        // A deadline of 0 would fail every request before it is sent.
        timeoutMs: read("OPENTOK_PREFLIGHT_TIMEOUT_MS", 15_000, 1),
    };
}

/** The object the single-part probe writes, under the prefix OpenTok writes archives to (`<apiKey>/`). @internal */
export function probeKey(projectId: string): string {
    return `${projectId}/opentok-archive-storage-preflight/probe.txt`;
}

/** The object the multipart probe writes, beside the single-part one. @internal */
export function multipartProbeKey(projectId: string): string {
    return `${projectId}/opentok-archive-storage-preflight/probe-multipart.txt`;
}

/** The upload failed: the message says what failed and what to fix, without any secret. */
export class PreflightError extends ArchiveUploadTargetError {
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message);
    }
}

/** Errors a just-created key or just-attached policy gives until AWS has propagated it. */
const propagationErrors = ["InvalidAccessKeyId", "AccessDenied"];

/** The S3 requests of a probe, in order. The last three are how a multipart upload is made. @internal */
export type ProbeStep = "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload";

const probeBody = "Written by opentok-archive-storage to check that OpenTok can upload here. Safe to delete.\n";

/**
 * Uploads with the target's own credentials as OpenTok may: one single-part PutObject, and one
 * multipart upload (whether OpenTok uses multipart for large archives is not documented, and a
 * bucket policy can allow one and refuse the other). Asks for SSE-S3 when `sse` is "s3" and checks
 * that S3 confirms it for both. Retries only the errors that propagation produces.
 *
 * A multipart probe refused after CreateMultipartUpload stays unfinished: aborting it would need
 * s3:AbortMultipartUpload, which OpenTok does not, so it is left to the bucket's lifecycle rule
 * (the stacks abort incomplete uploads after 7 days); its one part is a few bytes.
 */
export async function verifyUpload(target: TargetInputs, policy: PreflightPolicy): Promise<void> {
    const s3 = loadS3();
    const client = new s3.S3Client(probeClientConfig(target));
    const projectId = projectIdOf(target);
    const encryption = target.sse === "s3" ? { ServerSideEncryption: "AES256" as const } : {};
    const started = Date.now();

    const send = async <Output>(
        step: ProbeStep,
        key: string,
        request: (options: { abortSignal: AbortSignal }) => Promise<Output>,
    ): Promise<Output> => {
        const stepStarted = Date.now();
        for (;;) {
            try {
                return await withinDeadline(policy.timeoutMs, request);
            } catch (e) {
                const code = errorCode(e);
                // The propagation budget is the whole probe's; the message says how long this step was retried.
                const waited = Date.now() - stepStarted;
                if (propagationErrors.includes(code) && Date.now() - started + policy.retryDelayMs <= policy.propagationBudgetMs) {
                    await new Promise((resolve) => setTimeout(resolve, policy.retryDelayMs));
                    continue;
                }
                throw probeFailure(step, e, target, key, waited);
            }
        }
    };

    try {
        const singleKey = probeKey(projectId);
        const single = await send("PutObject", singleKey, (options) =>
            client.send(
                new s3.PutObjectCommand({ Bucket: target.bucket, Key: singleKey, Body: probeBody, ContentType: "text/plain", ...encryption }),
                options,
            ),
        );
        confirmEncryption(target, "upload", where(target, singleKey), single.ServerSideEncryption);

        const multipartKey = multipartProbeKey(projectId);
        const created = await send("CreateMultipartUpload", multipartKey, (options) =>
            client.send(
                new s3.CreateMultipartUploadCommand({ Bucket: target.bucket, Key: multipartKey, ContentType: "text/plain", ...encryption }),
                options,
            ),
        );
        const uploadId = created.UploadId;
        // Every part but the last must be 5 MiB or more; a single part may be as small as this.
        const part = await send("UploadPart", multipartKey, (options) =>
            client.send(
                new s3.UploadPartCommand({ Bucket: target.bucket, Key: multipartKey, UploadId: uploadId, PartNumber: 1, Body: probeBody }),
                options,
            ),
        );
        const completed = await send("CompleteMultipartUpload", multipartKey, (options) =>
            client.send(
                new s3.CompleteMultipartUploadCommand({
                    Bucket: target.bucket,
                    Key: multipartKey,
                    UploadId: uploadId,
                    MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
                }),
                options,
            ),
        );
        confirmEncryption(target, "multipart upload", where(target, multipartKey), completed.ServerSideEncryption);
    } finally {
        client.destroy();
    }
}

// Loaded when needed, not at the top: the provider host loads this module for every preview, and
// the S3 client is only needed when a target is about to be set.
function loadS3(): typeof import("@aws-sdk/client-s3") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@aws-sdk/client-s3");
}

/**
 * The probe's S3 client settings, each one given, so that it talks to exactly the storage OpenTok
 * will use: the target's endpoint, or AWS's own for the bucket. Left unset, the SDK would take
 * them from the environment and the shared AWS config files (AWS_ENDPOINT_URL(_S3), a profile's
 * endpoint_url, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT, AWS_S3_USE_ARN_REGION,
 * AWS_REGION, AWS_MAX_ATTEMPTS, AWS_DEFAULTS_MODE...), and a probe could pass against storage
 * OpenTok never writes to. Deadlines are the probe's own (withinDeadline), not the SDK's.
 * @internal
 */
export function probeClientConfig(target: TargetInputs): import("@aws-sdk/client-s3").S3ClientConfig {
    return {
        region: "us-east-1",
        // The bucket may be in any region: follow S3's redirect to the right one.
        followRegionRedirects: true,
        credentials: { accessKeyId: target.accessKey!, secretAccessKey: target.secretKey! },
        ...(target.endpoint === undefined ? { forcePathStyle: false } : { endpoint: target.endpoint, forcePathStyle: true }),
        ignoreConfiguredEndpointUrls: true,
        useFipsEndpoint: false,
        useDualstackEndpoint: false,
        useAccelerateEndpoint: false,
        useGlobalEndpoint: false,
        useArnRegion: false,
        disableMultiregionAccessPoints: true,
        disableS3ExpressSessionAuth: true,
        authSchemePreference: ["sigv4"],
        defaultsMode: "standard",
        retryMode: "standard",
        maxAttempts: 2,
        requestHandler: {},
        // No checksum headers beyond what S3 requires: the probe should look like OpenTok's
        // uploads, and some S3-compatible storage refuses headers it does not know.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    };
}

/** A request that had no complete answer within OPENTOK_PREFLIGHT_TIMEOUT_MS. */
class ProbeDeadlineError extends Error {
    constructor(readonly timeoutMs: number) {
        super(`no complete answer within ${timeoutMs} ms (OPENTOK_PREFLIGHT_TIMEOUT_MS)`);
    }
}

/**
 * Runs one S3 request under a whole-request deadline, connection to last byte. The SDK's own
 * timeouts are idle timeouts, which a server sending a byte now and then never reaches. The
 * signal cancels the request; the race answers at the deadline even if cancelling takes longer.
 */
async function withinDeadline<T>(timeoutMs: number, request: (options: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
            reject(new ProbeDeadlineError(timeoutMs));
            controller.abort();
        }, timeoutMs);
    });
    try {
        return await Promise.race([request({ abortSignal: controller.signal }), deadline]);
    } finally {
        clearTimeout(timer);
    }
}

/**
 * The error a probe step that failed for good ends with: what failed, why, and what to do, with
 * no secret in it. `waitedMs`: how long the step was retried. @internal
 */
export function probeFailure(step: ProbeStep, e: unknown, target: TargetInputs, key: string, waitedMs: number): PreflightError {
    const code = errorCode(e);
    const secrets = secretValuesOf(target);
    const timedOutMs = e instanceof ProbeDeadlineError ? e.timeoutMs : undefined;
    const message = explain(step, code, errorMessage(e, secrets), target, where(target, key), waitedMs, timedOutMs);
    return new PreflightError(redact(message, secrets), code);
}

function where(target: TargetInputs, key: string): string {
    return `s3://${target.bucket}/${key}${target.endpoint === undefined ? "" : ` at ${target.endpoint}`}`;
}

/** With sse "s3", S3 must report AES256 for the finished object (CompleteMultipartUpload reports it too). */
function confirmEncryption(target: TargetInputs, kind: string, at: string, reported: string | undefined): void {
    if (target.sse === "s3" && reported !== "AES256") {
        throw new PreflightError(
            `Preflight ${kind} to ${at} succeeded, but S3 did not confirm SSE-S3 encryption ` +
                `(x-amz-server-side-encryption was ${JSON.stringify(reported ?? "absent")}, expected "AES256"). ` +
                `Archives could be stored unencrypted: check that the storage supports SSE-S3, or set sse to "none" if that is intended. ` +
                `Set verify to false to skip this check.`,
            "EncryptionNotConfirmed",
        );
    }
}

function explain(
    step: ProbeStep,
    code: string,
    message: string,
    target: TargetInputs,
    where: string,
    waitedMs: number,
    timedOutMs: number | undefined,
): string {
    const what = step === "PutObject" ? "Preflight upload" : `Preflight multipart upload (${step})`;
    const intro = `${what} to ${where} with accessKey ${shownAccessKey(target.accessKey!)} failed (${code || "no answer"}: ${message}).`;
    const seconds = waitedMs < 10_000 ? (waitedMs / 1000).toFixed(1) : String(Math.round(waitedMs / 1000));
    const retried = waitedMs > 0 ? ` It was retried for ${seconds} s in case the key or policy was new.` : "";
    const skip = " Set verify to false to skip this check.";
    if ((step === "UploadPart" || step === "CompleteMultipartUpload") && (code === "AccessDenied" || code === "AllAccessDisabled")) {
        return (
            `${intro}${retried} The single-part upload and CreateMultipartUpload succeeded, but the storage refused ${step}: ` +
            `OpenTok may upload large archives in parts, and every such recording would fail. ` +
            `Check the bucket policy (and any organization policy): a Deny on s3:PutObject with StringNotEquals on s3:x-amz-server-side-encryption ` +
            `also refuses ${step}, which cannot carry that header; add "Null": {"s3:x-amz-server-side-encryption": "false"} to its conditions ` +
            `so that it refuses only uploads that ask for another encryption. ` +
            `The unfinished probe upload is left for the bucket's lifecycle rule to abort.${skip}`
        );
    }
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
            return timedOutMs === undefined
                ? `${intro} Check endpoint and the network.${skip}`
                : `${intro} The storage did not answer in full within OPENTOK_PREFLIGHT_TIMEOUT_MS (${timedOutMs} ms): check endpoint and the network, or raise OPENTOK_PREFLIGHT_TIMEOUT_MS if the storage is that slow.${skip}`;
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

/**
 * What an error says of a failed S3 request, safe to show. With an answer: S3's own `<Message>`,
 * through `serverMessage`, or, when the answer was not S3's XML error, its status, type and
 * length, never its body (which may echo the request in any encoding). Without one: the network
 * error, redacted.
 */
function errorMessage(e: unknown, secrets: readonly string[]): string {
    const err = e as {
        message?: unknown;
        code?: unknown;
        $fault?: unknown;
        $metadata?: { httpStatusCode?: unknown };
        $response?: { headers?: Record<string, unknown> };
    };
    const message = typeof err.message === "string" && err.message !== "" ? err.message : "no message";
    const status = err.$metadata?.httpStatusCode;
    if (typeof status !== "number") {
        const code = typeof err.code === "string" ? `${err.code}: ` : "";
        return redactThenCut(code + message.replace(/^AWS SDK error wrapper for (Error: )?/, ""), secrets);
    }
    // A service exception ($fault) carries the <Message> of S3's XML error; "UnknownError" is the SDK's word for none.
    if (err.$fault !== undefined && message !== "UnknownError" && message !== "no message") {
        return serverMessage(message, secrets);
    }
    const headers = err.$response?.headers ?? {};
    const type =
        typeof headers["content-type"] === "string" && headers["content-type"] !== ""
            ? headers["content-type"].split(";")[0]!.trim()
            : "no content type";
    const answer = typeof headers["content-length"] === "string" ? `a ${headers["content-length"]}-byte answer` : "an answer";
    return `status ${status}, ${answer} (${serverMessage(type, secrets, 60)}) that is not S3's XML error, not shown`;
}
