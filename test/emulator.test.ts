// The emulator must be as strict as the real API, or the wire tests prove nothing.

import axios from "axios";
import * as jwt from "jsonwebtoken";
import { useEmulator, vonageKeys } from "./support/fixtures";
import { randomUUID, generateKeyPairSync } from "crypto";

const logLines: string[] = [];
const emulator = useEmulator({ log: (line) => logLines.push(line) });
const apiKey = "10000001";
const secret = "emulator-test-secret";
const path = `/v2/project/${apiKey}/archive/storage`;
const validBody = { type: "s3", config: { bucket: "b-b-b", accessKey: "AKIAX", secretKey: "sk", sse: "s3" }, fallback: "none" };

function token(overrides: Record<string, unknown> = {}, signWith = secret): string {
    const iat = Math.floor(Date.now() / 1000);
    return jwt.sign({ iss: apiKey, ist: "project", iat, exp: iat + 180, jti: `${Math.random()}`, ...overrides }, signWith, { algorithm: "HS256" });
}

type SendOptions = { auth?: string; bearer?: string; body?: string; contentType?: string; url?: string };

async function request(method: string, options: SendOptions = {}) {
    const auth =
        options.bearer !== undefined
            ? { Authorization: options.bearer }
            : options.auth === undefined
              ? { "X-OPENTOK-AUTH": token() }
              : options.auth === ""
                ? {}
                : { "X-OPENTOK-AUTH": options.auth };
    return axios.request({
        method,
        url: emulator.url + (options.url ?? path),
        data: options.body ?? (method === "PUT" ? JSON.stringify(validBody) : undefined),
        headers: { ...auth, "Content-Type": options.contentType ?? "application/json" },
        validateStatus: () => true,
    });
}

async function send(method: string, options: SendOptions = {}) {
    return (await request(method, options)).status;
}

const applicationId = randomUUID();
const applicationPath = `/v2/project/${applicationId}/archive/storage`;
const strangerKey = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
});

function bearer(overrides: Record<string, unknown> = {}, signWith = vonageKeys.privateKey): string {
    const iat = Math.floor(Date.now() / 1000);
    return `Bearer ${jwt.sign({ application_id: applicationId, iat, exp: iat + 180, jti: randomUUID(), ...overrides }, signWith, { algorithm: "RS256" })}`;
}

beforeAll(() => emulator.addProject(apiKey, secret).addApplication(applicationId, vonageKeys.publicKey));
beforeEach(() => {
    emulator.targets.clear();
    logLines.length = 0;
});

describe("OpenTok emulator", () => {
    it("accepts a well-formed PUT and keeps the target", async () => {
        expect(await send("PUT")).toBe(200);
        expect(emulator.targets.get(apiKey)).toEqual(validBody);
    });

    // Each refusal keeps the real API's 403 "Authentication failed" and says which it was.
    const now = () => Math.floor(Date.now() / 1000);
    const refusals: [string, string, () => SendOptions][] = [
        ["no token", "missing header", () => ({ auth: "" })],
        ["an empty Bearer header", "missing header", () => ({ bearer: "Bearer " })],
        ["a project it does not know", "unknown project", () => ({ url: "/v2/project/55555555/archive/storage" })],
        [
            "an application it does not know",
            "unknown project",
            () => ({ bearer: bearer({ application_id: "0" }), url: `/v2/project/${randomUUID()}/archive/storage` }),
        ],
        ["a token that is not a JWT", "malformed token", () => ({ auth: "not-a-jwt" })],
        ["a token signed with another secret", "bad signature", () => ({ auth: token({}, "not-the-secret") })],
        ["a bearer token signed with another key", "bad signature", () => ({ bearer: bearer({}, strangerKey.privateKey), url: applicationPath })],
        ["an expired token", "expired", () => ({ auth: token({ iat: now() - 400, exp: now() - 100 }) })],
        ["an expired bearer token", "expired", () => ({ bearer: bearer({ iat: now() - 400, exp: now() - 100 }), url: applicationPath })],
        ["a token issued in the future", "not yet valid", () => ({ auth: token({ iat: now() + 120, exp: now() + 300 }) })],
        ["a token with nbf in the future", "not yet valid", () => ({ auth: token({ nbf: now() + 120 }) })],
        ["a token living longer than 5 minutes", "lifetime over 5 minutes", () => ({ auth: token({ exp: now() + 600 }) })],
        ["a token issued for another project", "wrong claims", () => ({ auth: token({ iss: "99999999" }) })],
        ["an account token", "wrong claims", () => ({ auth: token({ ist: "account" }) })],
        ["a token without jti", "wrong claims", () => ({ auth: token({ jti: undefined }) })],
    ];

    it.each(refusals)("answers 403 to %s, saying why (%s) in the body and the log, and keeps no target", async (_case, reason, options) => {
        const sent = options();
        const response = await request("PUT", sent);
        expect(response.status).toBe(403);
        expect(response.data).toMatchObject({
            code: 403,
            message: "Authentication failed",
            emulatorReason: expect.stringMatching(new RegExp(`^${reason}: `)),
        });
        expect(emulator.targets.size).toBe(0);
        const url = sent.url ?? path;
        expect(logLines).toEqual([`PUT ${url} 403 ${response.data.emulatorReason}`]);
    });

    it("keeps one log line per request when the path hides a line break", async () => {
        const response = await request("PUT", { url: "/v2/project/1%0A2/archive/storage" });
        expect(response.data.emulatorReason).toBe('unknown project: no project with API key "1\\n2"');
        expect(logLines).toEqual([`PUT /v2/project/1%0A2/archive/storage 403 unknown project: no project with API key "1\\n2"`]);
    });

    it("answers 403 to a token used twice, as a reused token", async () => {
        const once = token();
        expect(await send("PUT", { auth: once })).toBe(200);
        const again = await request("PUT", { auth: once });
        expect(again.status).toBe(403);
        expect(again.data.emulatorReason).toMatch(/^reused token: /);
        expect(logLines).toEqual([`PUT ${path} 200 set s3 bucket b-b-b, sse s3, fallback none`, `PUT ${path} 403 ${again.data.emulatorReason}`]);
    });

    it("never logs a token, a signature or a secret", async () => {
        const tokens = [token(), token({}, "not-the-secret"), token({ iat: 1000, exp: 1100 }), token({ exp: now() + 600 })];
        for (const auth of tokens) {
            await send("PUT", { auth });
            await send("PUT", { auth });
            await send("DELETE", { auth });
        }
        await send("PUT", { body: JSON.stringify({ ...validBody, config: { ...validBody.config, secretKey: "s3-secret-LogLeak9" } }) });
        const shown = logLines.join("\n") + JSON.stringify(emulator.requests.map((r) => r.reason));
        expect(logLines.length).toBe(tokens.length * 3 + 1);
        for (const value of [...tokens, ...tokens.map((t) => t.split(".")[2]!), secret, "not-the-secret", "s3-secret-LogLeak9"]) {
            expect(shown).not.toContain(value);
        }
    });

    it.each([
        ["invalid JSON", '{"type":"s3",}'],
        ["no config", JSON.stringify({ type: "s3", fallback: "none" })],
        ["an unknown fallback", JSON.stringify({ ...validBody, fallback: "keep" })],
        ["an unexpected field", JSON.stringify({ ...validBody, extra: 1 })],
        ["an endpoint without protocol", JSON.stringify({ ...validBody, config: { ...validBody.config, endpoint: "s3.example.com" } })],
    ])("answers 400 to %s", async (_case, body) => {
        expect(await send("PUT", { body })).toBe(400);
        expect(emulator.targets.has(apiKey)).toBe(false);
    });

    it.each(["GET", "PUT", "DELETE"])(
        "answers %s of a malformed percent-encoded path with 400 instead of dropping the connection",
        async (method) => {
            const response = await request(method, { url: "/v2/project/%zz/archive/storage" });
            expect(response.status).toBe(400);
            expect(response.data).toEqual({ code: 400, message: "Malformed path: the project ID is not valid percent-encoding" });
            expect(logLines).toEqual([`${method} /v2/project/%zz/archive/storage 400 Malformed path: the project ID is not valid percent-encoding`]);
        },
    );

    it.each([
        ["a project", "/v2/project/55555555/archive/storage", 'unknown project: no project with API key "55555555"', {}],
        [
            "an application",
            `/v2/project/${randomUUID()}/archive/storage`,
            expect.stringMatching(/^unknown project: no application with ID "/),
            { bearer: "" },
        ],
    ])("says the same of %s it does not know on GET, PUT and DELETE", async (_what, url, reason, auth) => {
        const answers = [];
        for (const method of ["GET", "PUT", "DELETE"]) {
            const bearerOrToken = "bearer" in auth ? { bearer: bearer({ application_id: url.split("/")[3] }) } : {};
            answers.push((await request(method, { url, ...(method === "GET" ? {} : bearerOrToken) })).data.emulatorReason);
        }
        expect(answers).toEqual([reason, reason, reason]);
        expect(new Set(answers).size).toBe(1);
        expect(logLines.map((line) => line.replace(/^\S+ \S+ \d+ /, ""))).toEqual([answers[0], answers[0], answers[0]]);
    });

    it("answers 404 on the deprecated /v2/partner/ path", async () => {
        expect(await send("PUT", { url: `/v2/partner/${apiKey}/archive/storage` })).toBe(404);
    });

    it("answers 204 to DELETE of a target and 404 when none is set", async () => {
        await send("PUT");
        expect(await send("DELETE")).toBe(204);
        expect(emulator.targets.has(apiKey)).toBe(false);
        expect(await send("DELETE")).toBe(404);
        expect(logLines.slice(1)).toEqual([`DELETE ${path} 204 target removed`, `DELETE ${path} 404 No upload target configured`]);
    });

    it("shows the target on GET, secrets masked and marked emulator-only, without a token", async () => {
        const before = await request("GET", { auth: "" });
        expect(before.status).toBe(404);
        expect(before.data.emulatorOnly).toMatch(/real OpenTok API has no GET/);
        await send("PUT", { body: JSON.stringify({ ...validBody, config: { ...validBody.config, secretKey: "s3-secret-GetLeak7" } }) });
        const shown = await request("GET", { auth: "" });
        expect(shown.status).toBe(200);
        expect(shown.data).toEqual({
            emulatorOnly: expect.stringMatching(/^Emulator only: /),
            type: "s3",
            config: { bucket: "b-b-b", accessKey: "AKIAX", secretKey: "********", sse: "s3" },
            fallback: "none",
        });
        expect(JSON.stringify(shown.data)).not.toContain("s3-secret-GetLeak7");
        expect(logLines).toEqual([
            `GET ${path} 404 emulator-only GET`,
            expect.stringMatching(/^PUT .* 200 set /),
            `GET ${path} 200 emulator-only GET`,
        ]);
    });

    it("answers 405 to other methods", async () => {
        expect(await send("POST")).toBe(405);
    });

    it("serves injected faults in order, then answers normally", async () => {
        emulator.injectFaults({ kind: "status", status: 503 }, { kind: "status", status: 429, retryAfter: "1" });
        expect(await send("PUT")).toBe(503);
        expect(await send("PUT")).toBe(429);
        expect(await send("PUT")).toBe(200);
        expect(emulator.received("PUT").map((r) => r.outcome)).toEqual([503, 429, 200]);
        expect(logLines).toEqual([
            `PUT ${path} 503 injected fault: 503`,
            `PUT ${path} 429 injected fault: 429`,
            `PUT ${path} 200 set s3 bucket b-b-b, sse s3, fallback none`,
        ]);
    });
});
