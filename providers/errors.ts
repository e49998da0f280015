// Typed errors of the archive upload target. Their messages say what failed and what to do, and
// are built only from values that are safe to print: no secret reaches them (see secrets.ts).

import type { AuthMode, CheckFailure } from "./validation";

/** Base of every error the provider throws; `name` says which, as the host prints it. */
export class ArchiveUploadTargetError extends Error {
    constructor(message: string, name: string) {
        super(message);
        this.name = name;
    }
}

/** Inputs that fail validation; raised by create/update if called without a passing check. */
export class InvalidInputsError extends ArchiveUploadTargetError {
    constructor(readonly failures: CheckFailure[]) {
        super(`Invalid ArchiveUploadTarget inputs: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`, "InvalidInputsError");
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
    ) {
        super(
            `${method} ${path} failed with ${status}${apiMessage ? `: ${apiMessage}` : ""}` +
                `${attempts > 1 ? ` (after ${attempts} attempts)` : ""}. ${hintFor(status, mode)}`,
            "OpenTokApiError",
        );
    }
}

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
            "OpenTokUnreachableError",
        );
    }
}

function hintFor(status: number, mode: AuthMode): string {
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
