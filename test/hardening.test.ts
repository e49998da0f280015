// Hardening: each block pins one way the provider was found to fail (as an attacker or a
// careless user would make it), against the real provider host or loopback servers that answer
// as a hostile or broken API would.

import { generateKeyPairSync, randomUUID } from "crypto";
import * as http from "http";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider, archiveUploadTargetProviderText } from "../providers/provider-loader";
import { putArchiveStorage, RetryPolicy } from "../providers/client";
import { ProviderHost } from "./harness/provider-host";
import { Received, ScriptedApi } from "./support/scripted-api";
import { accountKey, apiSecret, fastRetryEnvironment, secretKey, useEmulator, validInputs, validVonageInputs, vonageKeys } from "./support/fixtures";

const emulator = useEmulator();

const servers: ScriptedApi[] = [];
async function scriptedApi(answer: (req: Received, res: http.ServerResponse, index: number) => void): Promise<ScriptedApi> {
    const api = await new ScriptedApi(answer).start();
    servers.push(api);
    return api;
}
afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function createError(inputs: object): Promise<Error> {
    try {
        await provider.create(inputs as TargetInputs);
    } catch (e) {
        return e as Error;
    }
    throw new Error("create succeeded, but it should have failed");
}

/** Every form in which a text could show `secret`: as given, JSON-escaped once and twice. */
function secretForms(secret: string): string[] {
    const once = JSON.stringify(secret).slice(1, -1);
    return [secret, once, JSON.stringify(once).slice(1, -1)];
}

function expectNoSecret(text: string, secrets: readonly string[]): void {
    for (const secret of secrets) {
        for (const form of secretForms(secret)) {
            expect(text).not.toContain(form);
        }
    }
}

/** The inputs of an OpenTok or Vonage project, with an S3 or an Azure target. */
function inputsFor(mode: "opentok" | "vonage", type: "s3" | "azure"): Record<string, unknown> {
    const auth = mode === "opentok" ? { apiKey: "12345678", apiSecret } : { applicationId: randomUUID(), privateKey: vonageKeys.privateKey };
    const target =
        type === "s3"
            ? { type: "s3", bucket: "acme-archives", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey }
            : { type: "azure", accountName: "acmearchives", accountKey, container: "archives" };
    return { ...auth, ...target, apiUrl: emulator.url, fallback: "none", verify: false };
}

const requiredInputs: Record<string, string[]> = {
    opentok: ["apiKey", "apiSecret"],
    vonage: ["applicationId", "privateKey"],
    s3: ["bucket", "accessKey", "secretKey", "fallback"],
    azure: ["accountName", "accountKey", "container", "fallback"],
};

describe("a missing input is a failure naming it, through Pulumi's provider host", () => {
    let host: ProviderHost;
    beforeAll(async () => {
        host = await ProviderHost.start(fastRetryEnvironment);
    });
    afterAll(() => host.stop());

    const cases = (["opentok", "vonage"] as const).flatMap((mode) =>
        (["s3", "azure"] as const).flatMap((type) =>
            [...requiredInputs[mode]!, ...requiredInputs[type]!].map((missing) => [mode, type, missing] as const),
        ),
    );

    it.each(cases)("%s auth, %s target, without %s", async (mode, type, missing) => {
        const news: Record<string, unknown> = { ...inputsFor(mode, type), __provider: archiveUploadTargetProviderText };
        delete news[missing];
        const { failures, inputs } = await host.check(`urn:pulumi:test::p::pulumi-nodejs:dynamic:Resource::${missing}`, {}, news);
        expect(failures.map((f) => f.property)).toEqual([missing]);
        expect(failures[0]!.reason).toMatch(/is required/);
        expect(inputs).not.toHaveProperty(missing);
    });

    it("check returns no undefined value, which the host could not serialize", async () => {
        const news = inputsFor("vonage", "s3");
        delete news.privateKey;
        delete news.fallback;
        const { inputs } = await provider.check!({} as TargetInputs, news as unknown as TargetInputs);
        expect(Object.entries(inputs!).filter(([, v]) => v === undefined)).toEqual([]);
    });
});

describe("DEBUG=* prints no secret from the provider host", () => {
    it("creates and fails a Vonage target with DEBUG=*, and neither stdout nor stderr holds the key", async () => {
        const host = await ProviderHost.start({ ...fastRetryEnvironment, DEBUG: "*", DEBUG_COLORS: "false" });
        try {
            const inputs = { ...validVonageInputs(emulator), __provider: archiveUploadTargetProviderText };
            const urn = "urn:pulumi:test::p::pulumi-nodejs:dynamic:Resource::debug";
            const { inputs: checked } = await host.check(urn, {}, inputs);
            await host.create(urn, checked);
            emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: "refused" }) });
            await expect(host.create(urn, checked)).rejects.toThrow(/failed with 400/);
            expect(emulator.received("PUT")).toHaveLength(2);
        } finally {
            await host.stop();
        }
        const keyLines = vonageKeys.privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
        expect(keyLines.length).toBeGreaterThan(10);
        expectNoSecret(`${host.stdout}\n${host.stderr}`, [vonageKeys.privateKey, ...keyLines]);
    });

    it("signs the same claims @vonage/jwt does: application_id, iat, exp, jti", async () => {
        const inputs = validVonageInputs(emulator);
        await provider.create(inputs);
        const [put] = emulator.received("PUT");
        expect(put!.auth).toBe("vonage");
        expect(Object.keys(put!.claims!).sort()).toEqual(["application_id", "exp", "iat", "jti"]);
        expect(put!.claims!.exp! - put!.claims!.iat!).toBe(180);
        expect(Math.abs(put!.claims!.iat! - Date.now() / 1000)).toBeLessThan(5);
    });
});

describe("no secret in any form reaches an error", () => {
    /** A secret with characters JSON escapes. */
    const quotedSecret = 'quote"and\\backslash-Secret-7Hq2';

    it("redacts a secret that straddles the cut, not only the half before it", async () => {
        for (let at = 290; at <= 300; at += 2) {
            const api = await scriptedApi((_req, res) =>
                res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: `${"x".repeat(at)}${apiSecret} tail` })),
            );
            const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
            for (let length = 6; length <= apiSecret.length; length++) {
                expect(error.message).not.toContain(apiSecret.slice(0, length));
            }
            expect(error.message).toMatch(/failed with 400: "x+(\[[a-z\] ]*)?\.\.\."/);
        }
    });

    it("redacts every occurrence, JSON-escaped forms and the token too", async () => {
        const api = await scriptedApi((req, res) =>
            res
                .writeHead(400, { "content-type": "application/json" })
                .end(JSON.stringify({ message: `token ${String(req.headers["x-opentok-auth"])} for ${req.body} and again ${req.body}` })),
        );
        const inputs = { ...validInputs(emulator), apiUrl: api.url, apiSecret: quotedSecret, secretKey: `${quotedSecret}-s3` };
        const error = await createError(inputs);
        const token = String(api.received[0]!.headers["x-opentok-auth"]);
        expect(error.message).toMatch(/^PUT .* failed with 400: "token \[secret\] for /);
        expectNoSecret(`${error.message} ${error.stack} ${JSON.stringify(error)}`, [quotedSecret, `${quotedSecret}-s3`, token]);
    });

    it("redacts a Vonage Bearer token an API echoes", async () => {
        const api = await scriptedApi((req, res) => res.writeHead(401).end(JSON.stringify({ message: `no: ${String(req.headers.authorization)}` })));
        const error = await createError({ ...validVonageInputs(emulator), apiUrl: api.url });
        const token = String(api.received[0]!.headers.authorization).replace("Bearer ", "");
        expect(error.message).toContain('"no: Bearer [secret]"');
        expectNoSecret(error.message, [token]);
    });

    it.each([
        ["bucket", { bucket: secretKey }, "secretKey"],
        ["apiKey", { apiKey: apiSecret }, "apiSecret"],
        ["apiUrl", { apiUrl: `https://api.opentok.com/${apiSecret}` }, "apiSecret"],
        ["accessKey", { accessKey: secretKey }, "secretKey"],
    ])("refuses a secret typed into %s, without quoting it", async (property, change, secretName) => {
        const inputs = { ...validInputs(emulator), ...change };
        const { failures } = await provider.check!({} as TargetInputs, inputs as TargetInputs);
        expect(failures).toEqual([
            { property, reason: expect.stringMatching(new RegExp(`the (same )?value (as|of) ${secretName}, which is secret`)) },
        ]);
        expectNoSecret(JSON.stringify(failures), [apiSecret, secretKey]);
        await expect(provider.create(inputs as TargetInputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
        expect(emulator.received()).toHaveLength(0);
    });

    it("refuses swapped accessKey and secretKey in check", async () => {
        const inputs = { ...validInputs(emulator), accessKey: secretKey.replace(/[^A-Za-z0-9]/g, "A"), secretKey: "AKIAIOSFODNN7EXAMPLE" };
        const { failures } = await provider.check!({} as TargetInputs, inputs);
        expect(failures).toEqual([{ property: "secretKey", reason: expect.stringMatching(/looks like an AWS access key ID.*swapped/) }]);
    });
});

describe("keys that cannot sign fail in check or at once, naming privateKey", () => {
    const shortKey = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).privateKey;

    it("check refuses an RSA key under 2048 bits", async () => {
        const { failures } = await provider.check!({} as TargetInputs, { ...validVonageInputs(emulator), privateKey: shortKey });
        expect(failures).toEqual([{ property: "privateKey", reason: expect.stringMatching(/at least 2048 bits.*has 1024 bits/) }]);
        expectNoSecret(JSON.stringify(failures), [shortKey]);
    });

    it("check accepts a 2048-bit key: the limit is not off by one", async () => {
        const { failures } = await provider.check!({} as TargetInputs, validVonageInputs(emulator));
        expect(failures).toEqual([]);
    });

    it("a signing failure is not retried and names privateKey", async () => {
        const policy: RetryPolicy = { timeoutMs: 1000, maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 10_000 };
        const credentials = { mode: "vonage" as const, apiUrl: emulator.url, applicationId: randomUUID(), privateKey: shortKey };
        const body = { type: "s3" as const, config: { bucket: "b-1", accessKey: "AKIA", secretKey, sse: "s3" as const }, fallback: "none" as const };
        const error = await putArchiveStorage(credentials, body, { policy, secrets: [] }).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(error).toMatchObject({ name: "SigningError" });
        expect(error!.message).toMatch(/^privateKey cannot sign the request token \(RS256\): .*at least 2048 bits.*No request was sent\.$/);
        expectNoSecret(error!.message, [shortKey]);
        expect(emulator.received()).toHaveLength(0);
    });
});

describe("deadlines, size cap, budget and Retry-After", () => {
    /** Sends a status line at once, then one byte every 100 ms, forever. */
    const trickle = (_req: Received, res: http.ServerResponse) => {
        res.writeHead(200, { "content-type": "application/json" });
        const timer = setInterval(() => res.write(" "), 100);
        res.on("close", () => clearInterval(timer));
    };

    function withPolicy(policy: Partial<Record<keyof typeof fastRetryEnvironment, string>>) {
        const saved = { ...process.env };
        Object.assign(process.env, policy);
        return () => Object.assign(process.env, saved);
    }

    it("a server that trickles bytes is cut off at the per-attempt deadline", async () => {
        const api = await scriptedApi(trickle);
        const restore = withPolicy({ OPENTOK_HTTP_TIMEOUT_MS: "500", OPENTOK_HTTP_MAX_ATTEMPTS: "2", OPENTOK_HTTP_RETRY_BUDGET_MS: "10000" });
        const started = Date.now();
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url }).finally(restore);
        expect(error.message).toMatch(/got no answer after 2 attempts \(last: no complete answer within 500 ms\)/);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(api.received).toHaveLength(2);
    });

    it("the attempt in flight counts against the budget", async () => {
        const api = await scriptedApi(trickle);
        const restore = withPolicy({ OPENTOK_HTTP_TIMEOUT_MS: "30000", OPENTOK_HTTP_MAX_ATTEMPTS: "6", OPENTOK_HTTP_RETRY_BUDGET_MS: "700" });
        const started = Date.now();
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url }).finally(restore);
        const deadline = /got no answer after 1 attempt \(last: no complete answer within (\d+) ms\)/.exec(error.message);
        expect(Number(deadline?.[1])).toBeLessThanOrEqual(700);
        expect(Date.now() - started).toBeLessThan(5000);
        expect(api.received).toHaveLength(1);
    });

    it("an answer over the size cap fails without being read whole", async () => {
        const api = await scriptedApi((_req, res) => res.writeHead(400).end("y".repeat(200_000)));
        const restore = withPolicy({ OPENTOK_HTTP_MAX_ATTEMPTS: "1" });
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url }).finally(restore);
        expect(error.message).toMatch(/the answer was larger than 65536 bytes/);
    });

    it.each([
        ["429", 429, "0.5"],
        ["503", 503, "0.5"],
    ])("waits as Retry-After says on %s, in decimal seconds", async (_name, status, retryAfter) => {
        const api = await scriptedApi((_req, res, index) =>
            index === 0 ? res.writeHead(status, { "retry-after": retryAfter }).end() : res.writeHead(200).end(),
        );
        await provider.create({ ...validInputs(emulator), apiUrl: api.url });
        expect(api.received).toHaveLength(2);
        expect(api.received[1]!.at - api.received[0]!.at).toBeGreaterThanOrEqual(480);
    });

    it("waits as Retry-After says on 503, as an HTTP date", async () => {
        const api = await scriptedApi((_req, res, index) =>
            index === 0 ? res.writeHead(503, { "retry-after": new Date(Date.now() + 2000).toUTCString() }).end() : res.writeHead(200).end(),
        );
        await provider.create({ ...validInputs(emulator), apiUrl: api.url });
        expect(api.received).toHaveLength(2);
        // HTTP dates have whole seconds: at least one second of the two remains.
        expect(api.received[1]!.at - api.received[0]!.at).toBeGreaterThanOrEqual(950);
    });
});

describe("the API's message in errors", () => {
    it.each([
        ["message", JSON.stringify({ message: "from message", error: "no" }), '"from message"'],
        ["error", JSON.stringify({ error: "from error", description: "no" }), '"from error"'],
        ["description", JSON.stringify({ description: "from description" }), '"from description"'],
        [
            "not a JSON body without them",
            JSON.stringify({ code: 7 }),
            "Conflict; its 10-byte answer (no content type) has no message field and is not shown",
        ],
        ["not a text body", "  plain\ntext  ", "Conflict; its 14-byte answer (no content type) has no message field and is not shown"],
        ["no body (the status text)", "", "Conflict"],
    ])("takes %s", async (_case, body, shown) => {
        const api = await scriptedApi((_req, res) => res.writeHead(409).end(body));
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toBe(`PUT ${api.received[0]!.path} failed with 409: ${shown}. See the API's message above.`);
    });

    it("ignores Retry-After on a 500: only 429 and 503 carry it", async () => {
        const api = await scriptedApi((_req, res, index) =>
            index === 0 ? res.writeHead(500, { "retry-after": "3600" }).end() : res.writeHead(200).end(),
        );
        await provider.create({ ...validInputs(emulator), apiUrl: api.url });
        expect(api.received).toHaveLength(2);
        expect(api.received[1]!.at - api.received[0]!.at).toBeLessThan(3000);
    });

    it("stops at once when a 503's Retry-After is longer than the budget", async () => {
        const api = await scriptedApi((_req, res) => res.writeHead(503, { "retry-after": "3600" }).end());
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toMatch(/failed with 503: Service Unavailable \(Retry-After asked for 3600 s more than the retry budget allows\)\./);
        expect(api.received).toHaveLength(1);
    });
});

describe("clock skew", () => {
    it.each([
        ["ahead of", -300],
        ["behind", 300],
    ])("on 403, says this machine's clock is %s the API's", async (direction, apiClockOffsetSeconds) => {
        const api = await scriptedApi((_req, res) =>
            res
                .writeHead(403, { date: new Date(Date.now() + apiClockOffsetSeconds * 1000).toUTCString() })
                .end('{"message":"Authentication failed"}'),
        );
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toMatch(
            new RegExp(`failed with 403: "Authentication failed"\\. This machine's clock is (29\\d|30\\d) s ${direction} the API's.*NTP`),
        );
    });

    it("says nothing of the clock within a minute, and hints at the credentials instead", async () => {
        const api = await scriptedApi((_req, res) => res.writeHead(401, { date: new Date(Date.now() + 50_000).toUTCString() }).end());
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).not.toMatch(/clock/);
        expect(error.message).toMatch(/Check apiKey and apiSecret/);
    });
});

describe("a server that redirects or echoes secrets", () => {
    it.each(["http://localhost.evil.com", "http://127.0.0.1.evil.com", "http://localhost:1@evil.com"])(
        "apiUrl %s is not a loopback host: http is refused",
        async (apiUrl) => {
            const { failures } = await provider.check!({} as TargetInputs, { ...validInputs(emulator), apiUrl });
            expect(failures!.map((f) => f.property)).toEqual(["apiUrl"]);
        },
    );

    it("follows no redirect: the token and body never reach the host it names", async () => {
        const decoy = await scriptedApi((_req, res) => res.writeHead(200).end());
        const api = await scriptedApi((req, res) => res.writeHead(307, { location: `${decoy.url}${req.path}` }).end());
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toMatch(/failed with 307/);
        expect(api.received).toHaveLength(1);
        expect(decoy.received).toHaveLength(0);
    });

    it("the preflight redacts secrets an S3 server echoes", async () => {
        const s3 = await scriptedApi((_req, res) =>
            res
                .writeHead(400, { "content-type": "application/xml" })
                .end(
                    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>${"m".repeat(290)} ${secretKey} and ${secretKey}</Message></Error>`,
                ),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error).toMatchObject({ name: "PreflightError" });
        expect(s3.received.length).toBeGreaterThanOrEqual(1);
        for (let length = 6; length <= secretKey.length; length++) {
            expect(error.message).not.toContain(secretKey.slice(0, length));
        }
        expect(emulator.received()).toHaveLength(0);
    });
});

/** The runs of `length` characters of `secret` that `text` shows: any is a partial leak. */
function secretRunsIn(text: string, secret: string, length = 10): string[] {
    const runs: string[] = [];
    for (let at = 0; at + length <= secret.length; at++) {
        const run = secret.slice(at, at + length);
        if (text.includes(run)) {
            runs.push(run);
        }
    }
    return runs;
}

async function failureText(inputs: object): Promise<string> {
    const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
    return JSON.stringify(result.failures ?? []);
}

/**
 * An AWS secret key holds "/" and "+", so it is URL-encoded when written into a URL's user info,
 * where the misplaced-secret guard (raw values) does not see it; the rule's message quotes the
 * URL, cut at 60 characters, which must come after redaction.
 */
const endpointWithEncodedSecret = `https://AKIAIOSFODNN7EXAMPLE:${encodeURIComponent(secretKey)}@minio.example.com`;

describe("in check: a value quoted in a failure is redacted before it is cut", () => {
    it("check of an endpoint with the URL-encoded secretKey in its user info shows no part of secretKey", async () => {
        const text = await failureText({ ...validInputs(emulator), endpoint: endpointWithEncodedSecret });
        expect(text).toMatch(/endpoint/);
        expect(secretRunsIn(text, secretKey)).toEqual([]);
    });

    it("check of an endpoint with the URL-encoded secretKey in its path shows no part of secretKey", async () => {
        const endpoint = `https://storage.googleapis.com/archives/${encodeURIComponent(secretKey)}`;
        const text = await failureText({ ...validInputs(emulator), endpoint });
        expect(text).toMatch(/endpoint/);
        expect(secretRunsIn(text, secretKey)).toEqual([]);
    });

    it("check of a bucket holding two lines of privateKey shows no line of the key, though every line is redacted elsewhere", async () => {
        const keyLines = vonageKeys.privateKey.split("\n").filter((l) => l.length === 64);
        const text = await failureText({ ...validVonageInputs(emulator), bucket: `${keyLines[3]}${keyLines[4]}` });
        expect(text).toMatch(/bucket/);
        expect(secretRunsIn(text, keyLines[3]!, 16)).toEqual([]);
    });

    it("through Pulumi's provider host, the check failure and the host's output show no part of secretKey", async () => {
        const host = await ProviderHost.start(fastRetryEnvironment);
        let failures: string;
        try {
            const inputs = { ...validInputs(emulator), endpoint: endpointWithEncodedSecret, __provider: archiveUploadTargetProviderText };
            const checked = await host.check("urn:pulumi:test::p::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::leak", {}, inputs);
            failures = JSON.stringify(checked.failures);
        } finally {
            await host.stop();
        }
        expect(failures).toMatch(/endpoint/);
        expect(secretRunsIn(`${failures}\n${host.stdout}\n${host.stderr}`, secretKey)).toEqual([]);
    });
});

describe("in check: a secret in an input's name", () => {
    it("a misplaced key named by the secret (a YAML slip) is reported without showing the secret as the property", async () => {
        const result = await provider.check!({} as TargetInputs, { ...validInputs(emulator), [secretKey]: "" } as TargetInputs);
        expect(result.failures?.length).toBeGreaterThan(0);
        expect(secretRunsIn(JSON.stringify(result.failures), secretKey)).toEqual([]);
    });
});

describe("in check: a secret shorter than 4 characters", () => {
    // redact() leaves values under 4 characters alone; the misplaced-secret guard refuses an
    // input equal to a secret at any length.
    it("a 3-character apiSecret typed into bucket too is not shown", async () => {
        const text = await failureText({ ...validInputs(emulator), apiSecret: "Q7x", bucket: "Q7x" });
        expect(text).toMatch(/bucket/);
        expect(text).not.toContain("Q7x");
    });
});

describe("in check: a number equal to a secret", () => {
    // apiKey 4600012345 written unquoted in YAML/JSON is the apiKey "4600012345": equal to
    // apiSecret, it would be stored in plain text and sent in the URL.
    const digits = "4600012345";

    it("check refuses a numeric apiKey equal to apiSecret, as it refuses the string", async () => {
        const inputs = { ...validInputs(emulator, { apiKey: digits, apiSecret: digits }), apiKey: Number(digits) };
        const result = await provider.check!({} as TargetInputs, inputs as unknown as TargetInputs);
        expect(result.failures).toEqual([expect.objectContaining({ property: "apiKey", reason: expect.stringMatching(/apiSecret/) })]);
    });

    it("create sends no request for a numeric apiKey equal to apiSecret", async () => {
        const inputs = { ...validInputs(emulator, { apiKey: digits, apiSecret: digits }), apiKey: Number(digits) };
        await provider.create(inputs as unknown as TargetInputs).catch(() => undefined);
        expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    });
});
