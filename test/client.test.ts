// The HTTP client called directly (providers/client.ts): what each request carries, the retry
// policy read from the environment, and what each answer becomes. Found by mutation testing.

import * as http from "http";
import type { AddressInfo } from "net";
import { deleteArchiveStorage, defaultRetryPolicy, putArchiveStorage, RetryPolicy, retryPolicyFromEnvironment } from "../providers/client";
import { apiSecret, secretKey } from "./support/fixtures";

interface Received {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
}

let answer: (req: Received, res: http.ServerResponse) => void = (_req, res) => res.writeHead(200).end();
const received: Received[] = [];
let apiUrl = "";
const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
        const r = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
        received.push(r);
        answer(r, res);
    });
});
beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
    received.length = 0;
    answer = (_req, res) => res.writeHead(200).end();
});

const policy: RetryPolicy = { timeoutMs: 2000, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5000 };
const options = { policy, secrets: [] };
const credentials = () => ({ mode: "opentok" as const, apiUrl, apiKey: "12345678", apiSecret });
const body = { type: "s3" as const, config: { bucket: "acme", accessKey: "AKIA", secretKey, sse: "s3" as const }, fallback: "none" as const };

function failure(promise: Promise<unknown>): Promise<Error> {
    return promise.then(
        () => {
            throw new Error("expected a failure");
        },
        (e: Error) => e,
    );
}

describe("retryPolicyFromEnvironment", () => {
    it("gives the defaults for unset or empty variables", () => {
        expect(defaultRetryPolicy).toEqual({ timeoutMs: 30_000, maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000, budgetMs: 120_000 });
        expect(retryPolicyFromEnvironment({})).toEqual(defaultRetryPolicy);
        expect(retryPolicyFromEnvironment({ OPENTOK_HTTP_TIMEOUT_MS: "" })).toEqual(defaultRetryPolicy);
    });

    it("reads whole numbers at or above each minimum", () => {
        expect(retryPolicyFromEnvironment({ OPENTOK_HTTP_TIMEOUT_MS: "1", OPENTOK_HTTP_RETRY_BASE_MS: "0" })).toMatchObject({
            timeoutMs: 1,
            baseDelayMs: 0,
        });
    });

    it.each([
        ["OPENTOK_HTTP_TIMEOUT_MS", "0", 1],
        ["OPENTOK_HTTP_MAX_ATTEMPTS", "1.5", 1],
        ["OPENTOK_HTTP_RETRY_MAX_MS", "-1", 0],
    ])("refuses %s=%s, naming it and its minimum", (name, value, min) => {
        expect(() => retryPolicyFromEnvironment({ [name]: value })).toThrow(
            `The environment variable ${name} must be a whole number of at least ${min}, but was ${JSON.stringify(value)}.`,
        );
    });
});

describe("requests", () => {
    // Trailing slashes never reach the client: check stores apiUrl without them (test/check.test.ts).
    it("PUT sends the JSON body with its content type, to the base URL", async () => {
        await putArchiveStorage(credentials(), body, options);
        expect(received).toHaveLength(1);
        expect(received[0]).toMatchObject({ method: "PUT", path: "/v2/project/12345678/archive/storage", body: JSON.stringify(body) });
        expect(received[0]!.headers).toMatchObject({ accept: "application/json", "content-type": "application/json" });
    });

    it("DELETE sends no body and no content type; 404 means none was set", async () => {
        expect(await deleteArchiveStorage(credentials(), options)).toBe(true);
        answer = (_req, res) => res.writeHead(404).end();
        expect(await deleteArchiveStorage(credentials(), options)).toBe(false);
        expect(received.map((r) => `${r.method} ${r.body}`)).toEqual(["DELETE ", "DELETE "]);
        expect(received[0]!.headers["content-type"]).toBeUndefined();
    });

    it("a PUT answered 404 fails: only DELETE takes 404 as done", async () => {
        answer = (_req, res) => res.writeHead(404).end();
        expect((await failure(putArchiveStorage(credentials(), body, options))).message).toMatch(/failed with 404/);
    });

    it.each([300, 308])("treats %i as a failure, not a success", async (status) => {
        answer = (_req, res) => res.writeHead(status).end();
        expect((await failure(putArchiveStorage(credentials(), body, options))).message).toMatch(new RegExp(`failed with ${status}`));
        expect(received).toHaveLength(1);
    });

    it("a connection refused is retried and reported with its code", async () => {
        const error = await failure(putArchiveStorage({ ...credentials(), apiUrl: "http://127.0.0.1:1" }, body, options));
        expect(error.message).toMatch(/got no answer after 3 attempts \(last: (connect )?ECONNREFUSED/);
        expect(error.name).toBe("OpenTokUnreachableError");
    });

    it("a non-object JSON body is shown as it came", async () => {
        answer = (_req, res) => res.writeHead(400).end("42");
        expect((await failure(putArchiveStorage(credentials(), body, options))).message).toMatch(/failed with 400: "42"\./);
    });

    it("gives no clock hint on a 400, even with a skewed Date", async () => {
        answer = (_req, res) => res.writeHead(400, { date: new Date(Date.now() + 600_000).toUTCString() }).end();
        const error = (await failure(putArchiveStorage(credentials(), body, options))) as Error & { clockSkewSeconds?: number };
        expect(error.clockSkewSeconds).toBeUndefined();
    });

    it.each([401, 403])("reads the clock skew on %i", async (status) => {
        answer = (_req, res) => res.writeHead(status, { date: new Date(Date.now() + 600_000).toUTCString() }).end();
        const error = (await failure(putArchiveStorage(credentials(), body, options))) as Error & { clockSkewSeconds?: number };
        expect(error.clockSkewSeconds).toBeGreaterThan(590);
    });

    it.each([" 0.2 ", "x0.2", "0.2x", "0.25"])("reads Retry-After %j exactly as RFC 9110 allows", async (retryAfter) => {
        let first = 0;
        answer = (_req, res) => {
            if (first === 0) {
                first = Date.now();
                res.writeHead(429, { "retry-after": retryAfter }).end();
            } else {
                res.writeHead(200).end();
            }
        };
        const started = Date.now();
        await putArchiveStorage(credentials(), body, options);
        const waited = Date.now() - started;
        if (/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) {
            expect(waited).toBeGreaterThanOrEqual(Number(retryAfter) * 1000 - 20);
        } else {
            expect(waited).toBeLessThan(150);
        }
    });

    it("stops when a Retry-After wait would pass the budget, saying so", async () => {
        answer = (_req, res) => res.writeHead(429, { "retry-after": "10" }).end();
        const error = await failure(putArchiveStorage(credentials(), body, options));
        expect(error.message).toMatch(/failed with 429: Too Many Requests \(Retry-After asked for 10 s more than the retry budget allows\)/);
        expect(received).toHaveLength(1);
    });

    it("gives up after maxAttempts without mentioning Retry-After", async () => {
        answer = (_req, res) => res.writeHead(500).end();
        const error = await failure(putArchiveStorage(credentials(), body, options));
        expect(error.message).toBe(
            "PUT /v2/project/12345678/archive/storage failed with 500: Internal Server Error (after 3 attempts). The API failed on its side; run the update again later. The target is as it was before if the request did not succeed.",
        );
    });

    it("an opentok credential that cannot sign names apiSecret", async () => {
        const error = await failure(putArchiveStorage({ ...credentials(), apiSecret: "" }, body, options));
        expect(error).toMatchObject({ name: "SigningError", property: "apiSecret" });
        expect(received).toHaveLength(0);
    });
});
