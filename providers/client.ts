// HTTP client for the project's archive upload target:
//   PUT    <apiUrl>/v2/project/<apiKey or applicationId>/archive/storage   sets (or replaces) it
//   DELETE <apiUrl>/v2/project/<apiKey or applicationId>/archive/storage   removes it (404: none was set)
// Every request has a deadline, a size cap and a fresh token; network errors, 429 and 5xx are
// retried with exponential backoff and full jitter (or as Retry-After says) within a bounded number
// of attempts and total time.

import axios, { AxiosResponse } from "axios";
import { OpenTokApiError, OpenTokUnreachableError, SigningError } from "./errors";
import { applicationToken, projectToken } from "./jwt";
import { redactThenCut, secretValuesOf, serverMessage } from "./secrets";
import type { AuthMode, TargetBody } from "./inputs";

/** Who calls the API: an OpenTok project (key + secret) or a Vonage application (ID + private key). */
export type ApiCredentials = { apiUrl: string } & (
    { mode: "opentok"; apiKey: string; apiSecret: string } | { mode: "vonage"; applicationId: string; privateKey: string }
);

/** @internal */
export interface RetryPolicy {
    /** Time allowed for one request, connection to last byte (a deadline, not an idle timeout). */
    timeoutMs: number;
    /** Attempts in all, the first included. */
    maxAttempts: number;
    /** First backoff ceiling; it doubles each attempt up to maxDelayMs. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** Total time across attempts and waits: no attempt runs past it, none starts after it. */
    budgetMs: number;
}

/** @internal */
export const defaultRetryPolicy: RetryPolicy = {
    timeoutMs: 30_000,
    maxAttempts: 6,
    baseDelayMs: 500,
    maxDelayMs: 20_000,
    budgetMs: 120_000,
};

/**
 * The retry policy, tunable through the environment of the process running the provider
 * (`pulumi up` passes its environment on to the provider host).
 * @internal
 */
export function retryPolicyFromEnvironment(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
    const read = (name: string, fallbackValue: number, min: number) => {
        const raw = env[name];
        if (raw === undefined || raw === "") {
            return fallbackValue;
        }
        const value = Number(raw);
        if (!Number.isInteger(value) || value < min) {
            throw new Error(`The environment variable ${name} must be a whole number of at least ${min}, but was ${JSON.stringify(raw)}.`);
        }
        return value;
    };
    return {
        timeoutMs: read("OPENTOK_HTTP_TIMEOUT_MS", defaultRetryPolicy.timeoutMs, 1),
        maxAttempts: read("OPENTOK_HTTP_MAX_ATTEMPTS", defaultRetryPolicy.maxAttempts, 1),
        baseDelayMs: read("OPENTOK_HTTP_RETRY_BASE_MS", defaultRetryPolicy.baseDelayMs, 0),
        maxDelayMs: read("OPENTOK_HTTP_RETRY_MAX_MS", defaultRetryPolicy.maxDelayMs, 0),
        budgetMs: read("OPENTOK_HTTP_RETRY_BUDGET_MS", defaultRetryPolicy.budgetMs, 1),
    };
}

export function archiveStoragePath(projectId: string): string {
    return `/v2/project/${encodeURIComponent(projectId)}/archive/storage`;
}

/** @internal */
export interface RequestOptions {
    policy: RetryPolicy;
    /** Every secret value the caller holds: redacted from any text that reaches an error. */
    secrets: readonly string[];
    /** Where the backoff's jitter comes from, a number in [0, 1); Math.random unless a test fixes it to check exact waits. */
    random?: () => number;
}

function projectIdOfCredentials(credentials: ApiCredentials): string {
    return credentials.mode === "opentok" ? credentials.apiKey : credentials.applicationId;
}

/** A fresh token for each request and each retry, in the header each API expects. */
function authHeaders(credentials: ApiCredentials): Record<string, string> {
    return credentials.mode === "opentok"
        ? { "X-OPENTOK-AUTH": projectToken(credentials.apiKey, credentials.apiSecret) }
        : { Authorization: `Bearer ${applicationToken(credentials.applicationId, credentials.privateKey)}` };
}

/** Sets the project's archive upload target; a target already set is replaced. @internal */
export async function putArchiveStorage(credentials: ApiCredentials, body: TargetBody, options: RequestOptions): Promise<void> {
    await send("PUT", credentials, body, options);
}

/** Removes the project's archive upload target. Returns false when none was set (404). @internal */
export async function deleteArchiveStorage(credentials: ApiCredentials, options: RequestOptions): Promise<boolean> {
    const response = await send("DELETE", credentials, undefined, options);
    return response.status !== 404;
}

async function send(
    method: "PUT" | "DELETE",
    credentials: ApiCredentials,
    body: TargetBody | undefined,
    { policy, secrets, random = Math.random }: RequestOptions,
): Promise<AxiosResponse<string>> {
    const mode: AuthMode = credentials.mode;
    const path = archiveStoragePath(projectIdOfCredentials(credentials));
    // apiUrl is canonical, without trailing slashes: check stores it so (properties.ts).
    const url = credentials.apiUrl + path;
    // Tokens join the list as they are made: an API that echoes one must not make us print it.
    const allSecrets = [...secrets, ...secretValuesOf(credentials)];
    const safe = (text: string) => redactThenCut(text, allSecrets);
    const started = Date.now();
    const data = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
        const headers = signedHeaders(credentials, allSecrets);
        // The attempt in flight counts against the budget: it may use only what is left of it.
        const deadlineMs = Math.min(policy.timeoutMs, policy.budgetMs - (Date.now() - started));
        let response: AxiosResponse<string> | undefined;
        let networkFailure: string | undefined;
        try {
            response = await axios.request<string>({
                method,
                url,
                data,
                headers: {
                    ...headers,
                    Accept: "application/json",
                    ...(data === undefined ? {} : { "Content-Type": "application/json" }),
                },
                // axios' own timeout restarts with every byte; the signal bounds the whole request.
                signal: AbortSignal.timeout(Math.max(1, deadlineMs)),
                maxContentLength: maxResponseBytes,
                maxBodyLength: maxResponseBytes,
                // A redirect would resend the credentials and body to a place nobody configured.
                maxRedirects: 0,
                responseType: "text",
                transformResponse: (raw: unknown) => raw,
                validateStatus: () => true,
            });
        } catch (e) {
            // Never rethrow the library's error: it holds the request, headers and body.
            networkFailure = safe(describeNetworkError(e, deadlineMs));
        }

        const retryable = response === undefined || response.status === 429 || response.status >= 500;
        if (response !== undefined && !retryable) {
            if ((response.status >= 200 && response.status < 300) || (method === "DELETE" && response.status === 404)) {
                return response;
            }
            const skew = response.status === 401 || response.status === 403 ? clockSkewSeconds(response.headers["date"]) : undefined;
            throw new OpenTokApiError(method, path, response.status, apiMessage(response, allSecrets), attempt, mode, skew);
        }

        const elapsed = Date.now() - started;
        const retryAfterMs = response?.status === 429 || response?.status === 503 ? parseRetryAfter(response.headers["retry-after"]) : undefined;
        // After Retry-After, a little jitter, so that clients told the same wait do not return in step.
        const waitMs = retryAfterMs === undefined ? fullJitter(policy, attempt, random) : retryAfterMs + fullJitter(policy, 1, random);
        const outOfAttempts = attempt >= policy.maxAttempts;
        const outOfTime = elapsed + waitMs >= policy.budgetMs;
        if (outOfAttempts || outOfTime) {
            if (response === undefined) {
                throw new OpenTokUnreachableError(method, path, new URL(url).origin, networkFailure ?? "unknown", attempt);
            }
            const why =
                retryAfterMs !== undefined && outOfTime
                    ? ` (Retry-After asked for ${Math.ceil(retryAfterMs / 1000)} s more than the retry budget allows)`
                    : "";
            throw new OpenTokApiError(method, path, response.status, apiMessage(response, allSecrets) + why, attempt, mode);
        }
        await sleep(waitMs);
    }
}

/** Answers larger than this are cut off and count as failed: the API's answers are a few hundred bytes. */
export const maxResponseBytes = 64 * 1024;

/**
 * The auth header with a fresh token. A credential that cannot sign fails at once, naming it:
 * no retry can help, and it is not the network's fault.
 */
function signedHeaders(credentials: ApiCredentials, allSecrets: string[]): Record<string, string> {
    let headers: Record<string, string>;
    try {
        headers = authHeaders(credentials);
    } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        throw new SigningError(credentials.mode === "opentok" ? "apiSecret" : "privateKey", redactThenCut(reason, allSecrets));
    }
    allSecrets.push(...Object.values(headers).map((value) => value.replace(/^Bearer /, "")));
    return headers;
}

/** The API's clock minus ours, in whole seconds, from its Date header; undefined without one. */
function clockSkewSeconds(dateHeader: unknown): number | undefined {
    const serverTime = typeof dateHeader === "string" ? Date.parse(dateHeader) : Number.NaN;
    return Number.isNaN(serverTime) ? undefined : Math.round((serverTime - Date.now()) / 1000);
}

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))]. */
function fullJitter(policy: RetryPolicy, attempt: number, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(random() * (ceiling + 1));
}

/** Retry-After is either delay-seconds (decimals accepted) or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(header: unknown): number | undefined {
    if (typeof header !== "string" || header.trim() === "") {
        return undefined;
    }
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        return Math.round(Number(trimmed) * 1000);
    }
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * What an error says of the API's answer: the API's own message field, redacted, quoted; without
 * one, its status text and what the body was (type and length), never the body itself. A body
 * may echo the request, and so the secrets, in an encoding no redaction can know in advance; a
 * message field is the API's words, and passes through `serverMessage` as well.
 */
function apiMessage(response: AxiosResponse<string>, allSecrets: readonly string[]): string {
    const raw = typeof response.data === "string" ? response.data : "";
    const field = messageField(raw);
    const shown = field === undefined ? "" : serverMessage(field, allSecrets);
    if (shown.trim() !== "") {
        return JSON.stringify(shown.trim());
    }
    const statusText = serverMessage(response.statusText || "", allSecrets);
    if (raw.trim() === "") {
        return statusText;
    }
    const type = response.headers["content-type"];
    const kind = typeof type === "string" && type !== "" ? serverMessage(type.split(";")[0]!.trim(), allSecrets, 60) : "no content type";
    const body = `its ${Buffer.byteLength(raw)}-byte answer (${kind}) has no message field and is not shown`;
    return statusText === "" ? body : `${statusText}; ${body}`;
}

/** Where APIs put their own message, in the order they are looked for. */
const messageFields = ["message", "error", "description", "error_description", "detail", "title"];

/** The API's own message: a string field of a JSON object body (or of its `error` object, or its first `errors` entry). */
function messageField(raw: string): string | undefined {
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        return undefined;
    }
    const candidates = [parsed, field(parsed, "error"), (field(parsed, "errors") as unknown[] | undefined)?.[0]];
    for (const holder of candidates) {
        for (const name of messageFields) {
            const value = field(holder, name);
            if (typeof value === "string" && value.trim() !== "") {
                return value;
            }
        }
    }
    return undefined;
}

function field(holder: unknown, name: string): unknown {
    if (holder === null || typeof holder !== "object") {
        return undefined;
    }
    const value: unknown = Reflect.get(holder, name);
    return name === "errors" && !Array.isArray(value) ? undefined : value;
}

function describeNetworkError(e: unknown, deadlineMs: number): string {
    const err = e as { code?: unknown; message?: unknown };
    const code = typeof err.code === "string" ? err.code : "";
    // Only the deadline's signal cancels a request: axios' own timeout is not used.
    if (code === "ERR_CANCELED") {
        return `no complete answer within ${deadlineMs} ms`;
    }
    const message = typeof err.message === "string" ? err.message : "network error";
    if (/maxContentLength/.test(message)) {
        return `the answer was larger than ${maxResponseBytes} bytes`;
    }
    return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
