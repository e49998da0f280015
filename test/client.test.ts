// The HTTP client called directly (providers/client.ts): what each request carries, the retry
// policy read from the environment, which answers are retried and how long it waits, the deadlines,
// and what each answer becomes in an error, with no secret in it in any encoding. Against a
// scripted loopback API, and against the emulator where the tokens are verified.

import { generateKeyPairSync, randomUUID } from "crypto";
import * as http from "http";
import * as jwt from "jsonwebtoken";
import {
    ApiCredentials,
    deleteArchiveStorage,
    defaultRetryPolicy,
    maxResponseBytes,
    putArchiveStorage,
    RequestOptions,
    RetryPolicy,
    retryPolicyFromEnvironment,
} from "../providers/client";
import { encodings } from "./support/encodings";
import { apiSecret, secretKey, useEmulator, vonageKeys } from "./support/fixtures";
import { failureOf } from "./support/failures";
import { expectNoSecretIn, secretForms } from "./support/secret-leaks";
import { Received, ScriptedApi } from "./support/scripted-api";

let answer: (req: Received, res: http.ServerResponse) => void = (_req, res) => res.writeHead(200).end();
const api = new ScriptedApi((req, res) => answer(req, res));
const received = api.received;
let apiUrl = "";
beforeAll(async () => {
    apiUrl = (await api.start()).url;
});
afterAll(() => api.stop());
afterEach(() => {
    received.length = 0;
    answer = (_req, res) => res.writeHead(200).end();
});

const policy: RetryPolicy = { timeoutMs: 2000, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 5000 };
const options = { policy, secrets: [] };
const credentials = () => ({ mode: "opentok" as const, apiUrl, apiKey: "12345678", apiSecret });
const body = { type: "s3" as const, config: { bucket: "acme", accessKey: "AKIA", secretKey, sse: "s3" as const }, fallback: "none" as const };

describe("retryPolicyFromEnvironment", () => {
    it("gives the defaults for unset or empty variables", () => {
        expect(defaultRetryPolicy).toEqual({ timeoutMs: 30_000, maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000, budgetMs: 120_000 });
        expect(retryPolicyFromEnvironment({})).toEqual(defaultRetryPolicy);
        expect(retryPolicyFromEnvironment({ OPENTOK_HTTP_TIMEOUT_MS: "" })).toEqual(defaultRetryPolicy);
    });

    it("reads whole numbers at or above each minimum", () => {
        expect(
            retryPolicyFromEnvironment({
                OPENTOK_HTTP_TIMEOUT_MS: "1",
                OPENTOK_HTTP_MAX_ATTEMPTS: "1",
                OPENTOK_HTTP_RETRY_BASE_MS: "0",
                OPENTOK_HTTP_RETRY_MAX_MS: "0",
                OPENTOK_HTTP_RETRY_BUDGET_MS: "1",
            }),
        ).toEqual({ timeoutMs: 1, maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, budgetMs: 1 });
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

    it.each([400, 403])("a DELETE answered %i fails: only 404 means none was set", async (status) => {
        answer = (_req, res) => res.writeHead(status).end();
        expect((await failureOf(deleteArchiveStorage(credentials(), options))).message).toMatch(new RegExp(`^DELETE \\S+ failed with ${status}`));
    });

    it("a PUT answered 404 fails: only DELETE takes 404 as done", async () => {
        answer = (_req, res) => res.writeHead(404).end();
        expect((await failureOf(putArchiveStorage(credentials(), body, options))).message).toMatch(/failed with 404/);
    });

    it.each([400, 401, 403, 404, 409, 422])("never retries a PUT answered %i, and gives the API's message", async (status) => {
        answer = (_req, res) => res.writeHead(status).end(JSON.stringify({ message: "refused by test" }));
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error).toMatchObject({ name: "OpenTokApiError" });
        expect(error.message).toContain(`failed with ${status}: "refused by test"`);
        expect(received).toHaveLength(1);
    });

    it("follows no redirect: the token and body never reach the host it names", async () => {
        const decoy = await new ScriptedApi((_req, res) => res.writeHead(200).end()).start();
        try {
            answer = (req, res) => res.writeHead(307, { location: `${decoy.url}${req.path}` }).end();
            expect((await failureOf(putArchiveStorage(credentials(), body, options))).message).toMatch(/failed with 307/);
            expect(received).toHaveLength(1);
            expect(decoy.received).toHaveLength(0);
        } finally {
            await decoy.stop();
        }
    });

    it.each([300, 308])("treats %i as a failure, not a success", async (status) => {
        answer = (_req, res) => res.writeHead(status).end();
        expect((await failureOf(putArchiveStorage(credentials(), body, options))).message).toMatch(new RegExp(`failed with ${status}`));
        expect(received).toHaveLength(1);
    });

    it("a connection refused is retried and reported with its code, naming the origin", async () => {
        const error = await failureOf(putArchiveStorage({ ...credentials(), apiUrl: "http://127.0.0.1:1" }, body, options));
        expect(error.message).toMatch(
            /^PUT \/v2\/project\/12345678\/archive\/storage to http:\/\/127.0.0.1:1 got no answer after 3 attempts \(last: (connect )?ECONNREFUSED.*Check apiUrl/,
        );
        expect(error.name).toBe("OpenTokUnreachableError");
    });

    it("a non-object JSON body is not shown, only its type and length", async () => {
        answer = (_req, res) => res.writeHead(400, { "content-type": "application/json" }).end("42");
        expect((await failureOf(putArchiveStorage(credentials(), body, options))).message).toMatch(
            /failed with 400: Bad Request; its 2-byte answer \(application\/json\) has no message field and is not shown\./,
        );
    });

    it("gives no clock hint on a 400, even with a skewed Date", async () => {
        answer = (_req, res) => res.writeHead(400, { date: new Date(Date.now() + 600_000).toUTCString() }).end();
        const error = (await failureOf(putArchiveStorage(credentials(), body, options))) as Error & { clockSkewSeconds?: number };
        expect(error.clockSkewSeconds).toBeUndefined();
    });

    it.each([
        [401, 600, "behind"],
        [403, -600, "ahead of"],
    ])("reads the clock skew on %i from the Date header, in seconds (API clock %i s off)", async (status, offsetSeconds, direction) => {
        answer = (_req, res) => res.writeHead(status, { date: new Date(Date.now() + offsetSeconds * 1000).toUTCString() }).end();
        const error = (await failureOf(putArchiveStorage(credentials(), body, options))) as Error & { clockSkewSeconds?: number };
        // HTTP dates have whole seconds: the API's clock reads up to a second less.
        expect(Math.abs(error.clockSkewSeconds! - offsetSeconds)).toBeLessThanOrEqual(1);
        expect(error.message).toMatch(
            new RegExp(`failed with ${status}: [A-Za-z ]+\\. This machine's clock is (599|600|601) s ${direction} the API's`),
        );
    });

    it.each([
        [429, " 0.2 "],
        [429, "x0.2"],
        [429, "0.2x"],
        [429, "0.25"],
        [503, "0.2"],
    ])("reads Retry-After %j on %i exactly as RFC 9110 allows", async (status, retryAfter) => {
        let first = 0;
        answer = (_req, res) => {
            if (first === 0) {
                first = Date.now();
                res.writeHead(status, { "retry-after": retryAfter }).end();
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
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error).toMatchObject({ name: "OpenTokApiError" });
        expect(error.message).toMatch(
            /failed with 429: Too Many Requests \(Retry-After asked for 10 s more than the retry budget allows\)\. The API is rate-limiting/,
        );
        expect(received).toHaveLength(1);
    });

    it("gives up after maxAttempts without mentioning Retry-After", async () => {
        answer = (_req, res) => res.writeHead(500).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error.message).toBe(
            "PUT /v2/project/12345678/archive/storage failed with 500: Internal Server Error (after 3 attempts). The API failed on its side; run the update again later. The target is as it was before if the request did not succeed.",
        );
    });

    it("an opentok credential that cannot sign names apiSecret", async () => {
        const error = await failureOf(putArchiveStorage({ ...credentials(), apiSecret: "" }, body, options));
        expect(error).toMatchObject({ name: "SigningError", property: "apiSecret" });
        expect(received).toHaveLength(0);
    });
});

describe("against the emulator, which verifies each token", () => {
    const emulator = useEmulator();
    const project = (apiKey: string, secret = apiSecret): ApiCredentials => {
        emulator.addProject(apiKey, apiSecret);
        return { mode: "opentok", apiUrl: emulator.url, apiKey, apiSecret: secret };
    };

    it.each([
        ["429 with Retry-After", { kind: "status" as const, status: 429, retryAfter: "0" }],
        ["429 without Retry-After", { kind: "status" as const, status: 429 }],
        ["500", { kind: "status" as const, status: 500 }],
        ["502", { kind: "status" as const, status: 502 }],
        ["503", { kind: "status" as const, status: 503 }],
        ["a dropped connection", { kind: "drop" as const }],
        // Held until the client gives up at its deadline, then applied anyway.
        ["an answer slower than the timeout", { kind: "delay" as const, ms: 600_000 }, 1000],
    ])("retries after %s and converges, each attempt with a new token", async (_case, fault, timeoutMs = policy.timeoutMs) => {
        const credentials = project("23450001");
        emulator.injectFaults(fault, fault);
        await putArchiveStorage(credentials, body, { policy: { ...policy, timeoutMs }, secrets: [] });
        await emulator.idle();
        const puts = emulator.received("PUT");
        expect(puts).toHaveLength(3);
        expect(puts[2]!.outcome).toBe(200);
        expect(new Set(puts.map((r) => r.headers["x-opentok-auth"])).size).toBe(3);
        expect(emulator.targets.get("23450001")?.config.bucket).toBe(body.config.bucket);
    });

    it("gives method, path, status, the API's message and a hint on 403", async () => {
        const error = await failureOf(putArchiveStorage(project("23450002", "wrong-secret-value"), body, options));
        expect(error.message).toBe(
            `PUT /v2/project/23450002/archive/storage failed with 403: "Authentication failed". ` +
                "Check apiKey and apiSecret: both must belong to the same OpenTok project, and the secret must be current.",
        );
    });

    it("says what the API rejected on 400", async () => {
        emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: "Invalid bucket" }) });
        const error = await failureOf(putArchiveStorage(project("23450003"), body, options));
        expect(error.message).toMatch(/failed with 400: "Invalid bucket"\. The API rejected the request body/);
    });

    it("takes a malformed success body as success: the API documents no body", async () => {
        emulator.injectFaults({ kind: "malformed" });
        await putArchiveStorage(project("23450004"), body, options);
        expect(emulator.received("PUT").map((r) => r.outcome)).toHaveLength(1);
        expect(emulator.targets.has("23450004")).toBe(true);
    });

    it("an OpenTok project's request carries X-OPENTOK-AUTH with the claims the API checks, a new one each attempt", async () => {
        const apiKey = "23456789";
        emulator.addProject(apiKey, apiSecret).injectFaults({ kind: "status", status: 500 });
        await putArchiveStorage({ mode: "opentok", apiUrl: emulator.url, apiKey, apiSecret }, body, options);
        const puts = emulator.received("PUT");
        expect(puts.map((r) => r.outcome)).toEqual([500, 200]);
        expect(puts[1]).toMatchObject({ path: `/v2/project/${apiKey}/archive/storage`, auth: "opentok" });
        expect(puts[1]!.claims).toMatchObject({ iss: apiKey, ist: "project" });
        expect(puts[1]!.claims!.exp! - puts[1]!.claims!.iat!).toBe(180);
        expect(puts[1]!.headers.authorization).toBeUndefined();
        const tokens = puts.map((r) => r.headers["x-opentok-auth"]);
        expect(new Set(tokens).size).toBe(2);
    });

    it("a Vonage application's request goes to its application ID with Authorization: Bearer, RS256", async () => {
        const applicationId = randomUUID();
        emulator.addApplication(applicationId, vonageKeys.publicKey);
        const vonage: ApiCredentials = { mode: "vonage", apiUrl: emulator.url, applicationId, privateKey: vonageKeys.privateKey };
        await putArchiveStorage(vonage, body, options);
        expect(await deleteArchiveStorage(vonage, options)).toBe(true);
        const [put, del] = emulator.received();
        expect(put).toMatchObject({ method: "PUT", path: `/v2/project/${applicationId}/archive/storage`, outcome: 200, auth: "vonage" });
        expect(put!.claims).toMatchObject({ application_id: applicationId });
        expect(put!.headers["x-opentok-auth"]).toBeUndefined();
        expect(jwt.decode(String(put!.headers.authorization).replace(/^Bearer /, ""), { complete: true })?.header.alg).toBe("RS256");
        expect(del).toMatchObject({ method: "DELETE", outcome: 204, auth: "vonage" });
    });
});

describe("secrets in what the API answers", () => {
    const optionSecret = 'opt"ion\\secret-Value9';

    /** A credential secret with characters JSON escapes. */
    const quotedApiSecret = 'quote"and\\backslash-Secret-7Hq2';

    it("redacts the caller's secrets, the credential's and the token, in every form, however often the API echoes them", async () => {
        answer = (req, res) =>
            res.writeHead(400).end(
                JSON.stringify({
                    message: `token ${String(req.headers["x-opentok-auth"])} ${quotedApiSecret} ${optionSecret} body ${req.body} again ${req.body}`,
                }),
            );
        const error = await failureOf(
            putArchiveStorage({ ...credentials(), apiSecret: quotedApiSecret }, body, { policy, secrets: [optionSecret, secretKey] }),
        );
        const token = String(received[0]!.headers["x-opentok-auth"]);
        expect(error.message).toMatch(/^PUT \S+ failed with 400: "token \[secret\] \[secret\] \[secret\] body /);
        const everything = `${error.message} ${error.stack} ${JSON.stringify(error)}`;
        for (const secret of [token, quotedApiSecret, optionSecret, secretKey].flatMap(secretForms)) {
            expect(everything).not.toContain(secret);
        }
    });

    it("redacts a secret that straddles the cut, not only the half before it", async () => {
        for (let at = 290; at <= 300; at += 2) {
            answer = (_req, res) =>
                res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: `${"x".repeat(at)}${apiSecret} tail` }));
            const error = await failureOf(putArchiveStorage(credentials(), body, options));
            for (let length = 6; length <= apiSecret.length; length++) {
                expect(error.message).not.toContain(apiSecret.slice(0, length));
            }
            expect(error.message).toMatch(/failed with 400: "x+(\[[a-z\] ]*)?\.\.\."/);
        }
    });

    it("redacts a status text that echoes a secret", async () => {
        answer = (_req, res) => res.writeHead(400, `Bad ${Buffer.from(secretKey).toString("base64")}`).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, { policy, secrets: [secretKey] }));
        expect(error.message).toMatch(/failed with 400: Bad \[\d+ characters not shown/);
        expect(error.message).not.toContain(Buffer.from(secretKey).toString("base64"));
    });

    it("redacts a Vonage token echoed without its Bearer prefix", async () => {
        answer = (req, res) =>
            res
                .writeHead(401)
                .end(JSON.stringify({ message: `no: ${String(req.headers.authorization)} / ${String(req.headers.authorization).slice(7)}` }));
        const vonage: ApiCredentials = { mode: "vonage", apiUrl, applicationId: randomUUID(), privateKey: vonageKeys.privateKey };
        const error = await failureOf(putArchiveStorage(vonage, body, options));
        expect(error.message).toContain('"no: Bearer [secret] / [secret]"');
        expect(error.message).not.toContain(String(received[0]!.headers.authorization).slice(7, 40));
    });
});

describe("an API that answers 400 echoing the request, in every encoding", () => {
    /** What the server echoes: the request body (with secretKey) and the token, with the API secret for good measure. */
    const echoOf = (req: Received) => `${req.body} auth=${String(req.headers["x-opentok-auth"])} ${apiSecret}`;
    const withSecretKey = { policy, secrets: [secretKey] };
    // The body the provider sends for the fixtures' inputs: where a wrapping encoding breaks its lines depends on the lengths.
    const body = {
        type: "s3" as const,
        config: { bucket: "acme-archives-dev", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey, sse: "s3" as const },
        fallback: "none" as const,
    };

    it.each(encodings)("%s, in its message field: no secret in the error, and the API's own words in it", async (_name, encode, local) => {
        answer = (req, res) =>
            res
                .writeHead(400, { "content-type": "application/json" })
                .end(JSON.stringify({ message: `Invalid request, echoed: ${encode(echoOf(req))}` }));
        const error = await failureOf(putArchiveStorage(credentials(), body, withSecretKey));
        const token = String(received[0]!.headers["x-opentok-auth"]);
        expect(error.message).toMatch(/^PUT \/v2\/project\/\d+\/archive\/storage failed with 400: "/);
        expectNoSecretIn(`${error.message}\n${error.stack}`, [secretKey, apiSecret, token], encode, local, echoOf(received[0]!));
        // The words before the echo reach the user, unless a line break splits the echo (then it is withheld whole).
        if (!/\n/.test(encode(echoOf(received[0]!)))) {
            expect(error.message).toContain('failed with 400: "Invalid request, echoed: ');
        } else {
            expect(error.message).toMatch(/failed with 400: "\[\d+ characters not shown: they hold a secret in an encoded form\]"/);
        }
    });

    it.each(encodings)("%s, as its whole body: only the status, the body's type and length", async (_name, encode, local) => {
        answer = (req, res) => res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end(encode(echoOf(req)));
        const error = await failureOf(putArchiveStorage(credentials(), body, withSecretKey));
        const token = String(received[0]!.headers["x-opentok-auth"]);
        const length = Buffer.byteLength(encode(echoOf(received[0]!)));
        expect(error.message).toBe(
            `PUT ${received[0]!.path} failed with 400: Bad Request; its ${length}-byte answer (text/plain) has no message field and is not shown. ` +
                "The API rejected the request body: check bucket, accessKey, secretKey, endpoint, sse and fallback against the message above.",
        );
        expectNoSecretIn(error.message, [secretKey, apiSecret, token], encode, local, echoOf(received[0]!));
    });
});

describe("signing failures", () => {
    const shortKey = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;

    it.each([
        ["a 1024-bit key", shortKey, /at least 2048 bits/],
        ["a malformed key", "-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5LWF0LWFsbC0xMjM0NTY3ODkw\n-----END PRIVATE KEY-----", /./],
    ])("%s fails at once, naming privateKey, without retrying, sending or quoting it", async (_case, privateKey, reason) => {
        const vonage: ApiCredentials = { mode: "vonage", apiUrl, applicationId: randomUUID(), privateKey };
        const error = await failureOf(putArchiveStorage(vonage, body, { policy: { ...policy, maxAttempts: 6 }, secrets: [] }));
        expect(error).toMatchObject({ name: "SigningError", property: "privateKey" });
        expect(error.message).toMatch(/^privateKey cannot sign the request token \(RS256\): .+ No request was sent\.$/);
        expect(error.message).toMatch(reason);
        for (const line of privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))) {
            expect(error.message).not.toContain(line);
        }
        expect(received).toHaveLength(0);
    });
});

describe("deadlines and the size cap", () => {
    /** A status line at once, then a byte every 50 ms: axios' idle timeout would never fire. */
    const trickle = (_req: Received, res: http.ServerResponse) => {
        res.writeHead(200);
        const timer = setInterval(() => res.write(" "), 50);
        res.on("close", () => clearInterval(timer));
    };

    it("cuts off each attempt at timeoutMs, from connection to last byte", async () => {
        answer = trickle;
        const started = Date.now();
        const error = await failureOf(putArchiveStorage(credentials(), body, { policy: { ...policy, timeoutMs: 200, maxAttempts: 2 }, secrets: [] }));
        expect(error.message).toMatch(/ got no answer after 2 attempts \(last: no complete answer within 200 ms\)\. /);
        expect(received).toHaveLength(2);
        // The trickle never ends: any bound shows the cut; this one leaves room for a loaded machine.
        expect(Date.now() - started).toBeLessThan(5000);
    });

    it("gives the attempt in flight only what is left of the budget", async () => {
        // First a 500, then a 50 ms wait (random 0.5 of a 100 ms ceiling), then a trickle.
        answer = (req, res) => (received.length === 1 ? res.writeHead(500).end() : trickle(req, res));
        // Large beside what the first attempt and the wait take even on a loaded machine.
        const budgetMs = 2500;
        const error = await failureOf(
            putArchiveStorage(credentials(), body, {
                policy: { timeoutMs: 30_000, maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000, budgetMs },
                secrets: [],
                random: () => 0.5,
            }),
        );
        const deadline = Number(/got no answer after 2 attempts \(last: no complete answer within (\d+) ms\)/.exec(error.message)?.[1]);
        expect(deadline).toBeLessThanOrEqual(budgetMs - 50);
        expect(deadline).toBeGreaterThan(budgetMs - 1500);
        expect(received).toHaveLength(2);
    });

    it(`takes an answer of exactly ${maxResponseBytes} bytes, and refuses one byte more without retrying past maxAttempts`, async () => {
        expect(maxResponseBytes).toBe(65536);
        answer = (_req, res) => res.writeHead(400).end("y".repeat(maxResponseBytes));
        const whole = await failureOf(putArchiveStorage(credentials(), body, { policy: { ...policy, maxAttempts: 1 }, secrets: [] }));
        expect(whole.message).toMatch(
            /failed with 400: Bad Request; its 65536-byte answer \(no content type\) has no message field and is not shown\./,
        );
        answer = (_req, res) => res.writeHead(400).end("y".repeat(maxResponseBytes + 1));
        const tooBig = await failureOf(putArchiveStorage(credentials(), body, { policy: { ...policy, maxAttempts: 1 }, secrets: [] }));
        expect(tooBig.message).toMatch(/got no answer after 1 attempt \(last: the answer was larger than 65536 bytes\)\./);
    });

    it("reports a dropped connection with its code and message", async () => {
        answer = (_req, res) => res.socket?.destroy();
        const error = await failureOf(putArchiveStorage(credentials(), body, { policy: { ...policy, maxAttempts: 1 }, secrets: [] }));
        expect(error.message).toMatch(/got no answer after 1 attempt \(last: ECONNRESET: socket hang up\)\./);
    });

    it("does not repeat a code the message already holds", async () => {
        const error = await failureOf(
            putArchiveStorage({ ...credentials(), apiUrl: "http://127.0.0.1:1" }, body, { policy: { ...policy, maxAttempts: 1 }, secrets: [] }),
        );
        expect(error.message).toMatch(/ \(last: connect ECONNREFUSED 127\.0\.0\.1:1\)\. /);
    });
});

describe("backoff, with a fixed random source", () => {
    /** The waits the client sleeps between attempts (it starts no other timer). */
    function recordWaits(): () => unknown[] {
        const spy = jest.spyOn(global, "setTimeout");
        return () => {
            const waits = spy.mock.calls.map((call) => call[1]);
            spy.mockRestore();
            return waits;
        };
    }

    it("waits a uniform share of a ceiling that doubles from baseDelayMs up to maxDelayMs", async () => {
        answer = (_req, res) => res.writeHead(500).end();
        const waits = recordWaits();
        const policy5: RetryPolicy = { timeoutMs: 2000, maxAttempts: 5, baseDelayMs: 8, maxDelayMs: 20, budgetMs: 5000 };
        await failureOf(putArchiveStorage(credentials(), body, { policy: policy5, secrets: [], random: () => 0.5 }));
        // Ceilings 8, 16, 20, 20; a wait is floor(random * (ceiling + 1)).
        expect(waits()).toEqual([4, 8, 10, 10]);
        expect(received).toHaveLength(5);
    });

    it("can wait the whole ceiling", async () => {
        answer = (_req, res) => res.writeHead(502).end();
        const waits = recordWaits();
        const policy2: RetryPolicy = { timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 30, maxDelayMs: 100, budgetMs: 5000 };
        await failureOf(putArchiveStorage(credentials(), body, { policy: policy2, secrets: [], random: () => 0.999 }));
        expect(waits()).toEqual([30]);
    });

    it("adds a first attempt's jitter to Retry-After", async () => {
        answer = (_req, res) => (received.length === 1 ? res.writeHead(429, { "retry-after": "0.1" }).end() : res.writeHead(200).end());
        const waits = recordWaits();
        await putArchiveStorage(credentials(), body, { policy: { ...policy, baseDelayMs: 40, maxDelayMs: 40 }, secrets: [], random: () => 0.5 });
        expect(waits()).toEqual([120]);
        expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(115);
    });

    const slowBackoff: RequestOptions = {
        // Every backoff would be 5 s, past the 2 s budget: the client stops after the first attempt.
        policy: { timeoutMs: 1000, maxAttempts: 6, baseDelayMs: 10_000, maxDelayMs: 10_000, budgetMs: 2000 },
        secrets: [],
        random: () => 0.5,
    };

    it.each([
        ["a 500", 500, {}, "Internal Server Error"],
        ["a 503 without Retry-After", 503, {}, "Service Unavailable"],
        ["a 429 without Retry-After", 429, {}, "Too Many Requests"],
        ["a 429 with an empty Retry-After", 429, { "retry-after": "" }, "Too Many Requests"],
        ["a 429 with Retry-After x0.2 (not a number)", 429, { "retry-after": "x0.2" }, "Too Many Requests"],
        ["a 429 with Retry-After 0.2x (not a number)", 429, { "retry-after": "0.2x" }, "Too Many Requests"],
        ["a 500 with Retry-After (only 429 and 503 carry it)", 500, { "retry-after": "0" }, "Internal Server Error"],
    ])("stops when the backoff after %s would pass the budget, not blaming Retry-After", async (_case, status, headers, text) => {
        answer = (_req, res) => res.writeHead(status, headers).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, slowBackoff));
        expect(error.message).toMatch(new RegExp(`^PUT \\S+ failed with ${status}: ${text}\\. `));
        expect(received).toHaveLength(1);
    });

    it("stops when the backoff would end exactly at the budget", async () => {
        answer = (_req, res) => res.writeHead(500).end();
        // A clock that stands still: no time passes but the backoff (random 0.5 of a 2000 ms ceiling).
        const clock = jest.spyOn(Date, "now").mockReturnValue(Date.now());
        const error = await failureOf(
            putArchiveStorage(credentials(), body, {
                policy: { timeoutMs: 2000, maxAttempts: 6, baseDelayMs: 2000, maxDelayMs: 2000, budgetMs: 1000 },
                secrets: [],
                random: () => 0.5,
            }),
        ).finally(() => clock.mockRestore());
        expect(error.message).toMatch(/^PUT \S+ failed with 500: Internal Server Error\. /);
        expect(received).toHaveLength(1);
    });

    it("stops at once when a 503's Retry-After is longer than the budget, saying so", async () => {
        answer = (_req, res) => res.writeHead(503, { "retry-after": "10" }).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error.message).toMatch(/failed with 503: Service Unavailable \(Retry-After asked for 10 s more than the retry budget allows\)\. /);
        expect(received).toHaveLength(1);
    });

    it("reads Retry-After given as an HTTP date", async () => {
        answer = (_req, res) => res.writeHead(503, { "retry-after": new Date(Date.now() + 10_000).toUTCString() }).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error.message).toMatch(/\(Retry-After asked for (9|10) s more than the retry budget allows\)/);
        expect(received).toHaveLength(1);
    });

    it("takes a Retry-After date in the past as no wait", async () => {
        answer = (_req, res) =>
            received.length === 1
                ? res.writeHead(503, { "retry-after": new Date(Date.now() - 3_600_000).toUTCString() }).end()
                : res.writeHead(200).end();
        const waits = recordWaits();
        await putArchiveStorage(credentials(), body, { policy, secrets: [], random: () => 0 });
        expect(waits()).toEqual([0]);
        expect(received).toHaveLength(2);
    });

    it("out of attempts while Retry-After fits the budget, says only how many attempts", async () => {
        answer = (_req, res) => res.writeHead(429, { "retry-after": "0" }).end();
        const error = await failureOf(putArchiveStorage(credentials(), body, { policy: { ...policy, maxAttempts: 2 }, secrets: [] }));
        expect(error.message).toMatch(/failed with 429: Too Many Requests \(after 2 attempts\)\. The API is rate-limiting/);
    });
});

describe("the API's message", () => {
    it.each([
        ["message first", JSON.stringify({ message: "from message", error: "no", description: "no" }), '"from message"'],
        ["then error", JSON.stringify({ error: "from error", description: "no" }), '"from error"'],
        ["then description", JSON.stringify({ description: "from description" }), '"from description"'],
        ["then error_description", JSON.stringify({ error_description: "from error_description" }), '"from error_description"'],
        ["then detail", JSON.stringify({ detail: "from detail", title: "no" }), '"from detail"'],
        ["then title", JSON.stringify({ title: "from title" }), '"from title"'],
        ["the message of an error object", JSON.stringify({ error: { code: 7, message: "from error.message" } }), '"from error.message"'],
        ["the message of the first of errors", JSON.stringify({ errors: [{ message: "from errors" }, { message: "no" }] }), '"from errors"'],
        ["a message field on one line, trimmed", JSON.stringify({ message: "  on\none line " }), '"on one line"'],
        ["a blank message as none", JSON.stringify({ message: " ", error: "from error" }), '"from error"'],
        [
            "not a JSON body without them",
            JSON.stringify({ code: 7 }),
            "Conflict; its 10-byte answer (no content type) has no message field and is not shown",
        ],
        [
            "not a message that is not a string",
            JSON.stringify({ message: 42 }),
            "Conflict; its 14-byte answer (no content type) has no message field and is not shown",
        ],
        ["not a JSON string body", JSON.stringify("quoted"), "Conflict; its 8-byte answer (no content type) has no message field and is not shown"],
        ["not null", "null", "Conflict; its 4-byte answer (no content type) has no message field and is not shown"],
        ["not a text body", "  plain\ntext  ", "Conflict; its 14-byte answer (no content type) has no message field and is not shown"],
        ["the status text for a body of spaces", "   ", "Conflict"],
        ["the status text for no body", "", "Conflict"],
    ])("takes %s", async (_case, answerBody, shown) => {
        answer = (_req, res) => res.writeHead(409).end(answerBody);
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error.message).toBe(`PUT /v2/project/12345678/archive/storage failed with 409: ${shown}. See the API's message above.`);
    });

    it("says only the status when there is neither a body nor a status text", async () => {
        answer = (_req, res) => res.writeHead(418, "").end();
        const error = await failureOf(putArchiveStorage(credentials(), body, options));
        expect(error.message).toBe("PUT /v2/project/12345678/archive/storage failed with 418. See the API's message above.");
    });
});
