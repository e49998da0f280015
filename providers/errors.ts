// Typed errors of the archive upload target. Their messages say what failed and what to do, and
// are built only from values that are safe to print: no secret reaches them (see secrets.ts).

import type { AuthMode, CheckFailure } from "./inputs";

/**
 * Base of every error the provider throws; `name` is the class's, as the host prints it. Internal:
 * Pulumi's host sends only the message text to the engine, so no program can catch these by class.
 */
export class ArchiveUploadTargetError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** Inputs that fail validation; raised by create/update if called without a passing check. */
export class InvalidInputsError extends ArchiveUploadTargetError {
    constructor(readonly failures: CheckFailure[]) {
        super(`Invalid ArchiveUploadTarget inputs: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    }
}

/** The API answered with a status that means the request failed. */
export class OpenTokApiError extends ArchiveUploadTargetError {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly status: number,
        readonly apiMessage: string,
        readonly attempts: number,
        readonly mode: AuthMode = "opentok",
        /** The API's clock minus this machine's, from its Date header, when it answered 401 or 403. */
        readonly clockSkewSeconds?: number,
    ) {
        super(
            `${method} ${path} failed with ${status}${apiMessage ? `: ${apiMessage}` : ""}` +
                `${attempts > 1 ? ` (after ${attempts} attempts)` : ""}. ${hintFor(status, mode, clockSkewSeconds)}`,
        );
    }
}

/** The request token could not be signed with the credential given: retrying cannot help. */
export class SigningError extends ArchiveUploadTargetError {
    constructor(
        readonly property: "apiSecret" | "privateKey",
        reason: string,
    ) {
        super(
            `${property} cannot sign the request token (${property === "privateKey" ? "RS256" : "HS256"}): ${reason}. ` +
                (property === "privateKey"
                    ? "Give the Vonage application's RSA private key, at least 2048 bits, in PEM form. No request was sent."
                    : "Give the OpenTok project's API secret. No request was sent."),
        );
    }
}

/** Above this difference between the API's clock and ours, a refused token is likely the clock's fault. */
export const clockSkewToleranceSeconds = 60;

/** No answer could be had: the connection failed or timed out on every attempt. */
export class OpenTokUnreachableError extends ArchiveUploadTargetError {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly origin: string,
        readonly reason: string,
        readonly attempts: number,
    ) {
        super(
            `${method} ${path} to ${origin} got no answer after ${attempts} attempt${attempts === 1 ? "" : "s"} (last: ${reason}). ` +
                `Check apiUrl and the network, then run the update again; the target is as it was before if no attempt reached the API.`,
        );
    }
}

function hintFor(status: number, mode: AuthMode, clockSkewSeconds: number | undefined): string {
    if ((status === 401 || status === 403) && clockSkewSeconds !== undefined && Math.abs(clockSkewSeconds) > clockSkewToleranceSeconds) {
        const direction = clockSkewSeconds > 0 ? "behind" : "ahead of";
        return (
            `This machine's clock is ${Math.abs(clockSkewSeconds)} s ${direction} the API's (its Date header): ` +
            "tokens are valid for 3 minutes from when they are signed, so the API refuses them. Fix this machine's clock (NTP) and run the update again."
        );
    }
    switch (status) {
        case 400:
            return "The API rejected the request body: check bucket, accessKey, secretKey, endpoint, sse and fallback against the message above.";
        case 401:
        case 403:
            return mode === "opentok"
                ? "Check apiKey and apiSecret: both must belong to the same OpenTok project, and the secret must be current."
                : "Check applicationId and privateKey: the key must be that Vonage application's, and the application must have Video enabled.";
        case 404:
            return `Check ${mode === "opentok" ? "apiKey" : "applicationId"} and apiUrl: the API knows no such project or path.`;
        case 429:
            return "The API is rate-limiting this account; wait and run the update again.";
        default:
            return status >= 500
                ? "The API failed on its side; run the update again later. The target is as it was before if the request did not succeed."
                : "See the API's message above.";
    }
}
