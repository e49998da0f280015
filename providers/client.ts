// HTTP client for the project's archive upload target:
//   PUT    <apiUrl>/v2/project/<apiKey or applicationId>/archive/storage   sets (or replaces) it
//   DELETE <apiUrl>/v2/project/<apiKey or applicationId>/archive/storage   removes it (404: none was set)
// Every request has a timeout and a fresh token; network errors, 429 and 5xx are retried with
// exponential backoff and full jitter within a bounded number of attempts and total time.

import axios, { AxiosResponse } from "axios";
import { OpenTokApiError, OpenTokUnreachableError } from "./errors";
import { applicationToken, projectToken } from "./jwt";
import { redact } from "./secrets";
import type { AuthMode, FallbackMode } from "./validation";

/** Who calls the API: an OpenTok project (key + secret) or a Vonage application (ID + private key). */
export type ApiCredentials = { apiUrl: string } & (
    { mode: "opentok"; apiKey: string; apiSecret: string } | { mode: "vonage"; applicationId: string; privateKey: string }
);

/** The JSON body of PUT .../archive/storage. */
export type TargetBody =
    | { type: "s3"; config: { bucket: string; accessKey: string; secretKey: string; sse: "s3" | "none"; endpoint?: string }; fallback: FallbackMode }
    | { type: "azure"; config: { accountName: string; accountKey: string; container: string; domain?: string }; fallback: FallbackMode };

export interface RetryPolicy {
    /** Time allowed for one request, connection to last byte. */
    timeoutMs: number;
    /** Attempts in all, the first included. */
    maxAttempts: number;
    /** First backoff ceiling; it doubles each attempt up to maxDelayMs. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** Total time across attempts and waits after which no new attempt starts. */
    budgetMs: number;
}

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

export interface RequestOptions {
    policy: RetryPolicy;
    /** Every secret value the caller holds: redacted from any text that reaches an error. */
    secrets: readonly string[];
}

function projectIdOf(credentials: ApiCredentials): string {
    return credentials.mode === "opentok" ? credentials.apiKey : credentials.applicationId;
}

/** A fresh token for each request and each retry, in the header each API expects. */
function authHeaders(credentials: ApiCredentials): Record<string, string> {
    return credentials.mode === "opentok"
        ? { "X-OPENTOK-AUTH": projectToken(credentials.apiKey, credentials.apiSecret) }
        : { Authorization: `Bearer ${applicationToken(credentials.applicationId, credentials.privateKey)}` };
}

/** Sets the project's archive upload target; a target already set is replaced. */
export async function putArchiveStorage(credentials: ApiCredentials, body: TargetBody, options: RequestOptions): Promise<void> {
    await send("PUT", credentials, body, options);
}

/** Removes the project's archive upload target. Returns false when none was set (404). */
export async function deleteArchiveStorage(credentials: ApiCredentials, options: RequestOptions): Promise<boolean> {
    const response = await send("DELETE", credentials, undefined, options);
    return response.status !== 404;
}

async function send(
    method: "PUT" | "DELETE",
    credentials: ApiCredentials,
    body: TargetBody | undefined,
    { policy, secrets }: RequestOptions,
): Promise<AxiosResponse<string>> {
    const mode: AuthMode = credentials.mode;
    const path = archiveStoragePath(projectIdOf(credentials));
    const url = credentials.apiUrl.replace(/\/+$/, "") + path;
    const allSecrets = [...secrets, credentials.mode === "opentok" ? credentials.apiSecret : credentials.privateKey];
    const safe = (text: string) => redact(text, allSecrets);
    const started = Date.now();
    const data = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
        let response: AxiosResponse<string> | undefined;
        let networkFailure: string | undefined;
        try {
            response = await axios.request<string>({
                method,
                url,
                data,
                headers: {
                    ...authHeaders(credentials),
                    Accept: "application/json",
                    ...(data === undefined ? {} : { "Content-Type": "application/json" }),
                },
                timeout: policy.timeoutMs,
                // A redirect would resend the credentials and body to a place nobody configured.
                maxRedirects: 0,
                responseType: "text",
                transformResponse: (raw: unknown) => raw,
                validateStatus: () => true,
            });
        } catch (e) {
            // Never rethrow the library's error: it holds the request, headers and body.
            networkFailure = safe(describeNetworkError(e, policy.timeoutMs));
        }

        const retryable = response === undefined || response.status === 429 || response.status >= 500;
        if (response !== undefined && !retryable) {
            if ((response.status >= 200 && response.status < 300) || (method === "DELETE" && response.status === 404)) {
                return response;
            }
            throw new OpenTokApiError(method, path, response.status, safe(apiMessage(response)), attempt, mode);
        }

        const elapsed = Date.now() - started;
        const retryAfterMs = response?.status === 429 ? parseRetryAfter(response.headers["retry-after"]) : undefined;
        // After Retry-After, a little jitter, so that clients told the same wait do not return in step.
        const waitMs = retryAfterMs === undefined ? fullJitter(policy, attempt) : retryAfterMs + fullJitter(policy, 1);
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
            throw new OpenTokApiError(method, path, response.status, safe(apiMessage(response)) + why, attempt, mode);
        }
        await sleep(waitMs);
    }
}

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))]. */
function fullJitter(policy: RetryPolicy, attempt: number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(Math.random() * (ceiling + 1));
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(header: unknown): number | undefined {
    if (typeof header !== "string" || header.trim() === "") {
        return undefined;
    }
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) {
        return Number(trimmed) * 1000;
    }
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function apiMessage(response: AxiosResponse<string>): string {
    const raw = typeof response.data === "string" ? response.data.trim() : "";
    let message = raw;
    try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === "object") {
            const fields = parsed as Record<string, unknown>;
            const candidate = fields.message ?? fields.error ?? fields.description;
            if (typeof candidate === "string") {
                message = candidate;
            }
        }
    } catch {
        // Not JSON: show the text as it came.
    }
    message = message.replace(/[\r\n\t]+/g, " ");
    const shown = message.length > 300 ? `${message.slice(0, 300)}...` : message;
    return shown === "" ? response.statusText || "" : JSON.stringify(shown);
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
    const err = e as { code?: unknown; message?: unknown };
    const code = typeof err.code === "string" ? err.code : "";
    if (code === "ECONNABORTED" || code === "ETIMEDOUT") {
        return `no answer within ${timeoutMs} ms`;
    }
    const message = typeof err.message === "string" ? err.message : "network error";
    return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
