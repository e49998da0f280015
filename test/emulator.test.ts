// The emulator must be as strict as the real API, or the wire tests prove nothing.

import axios from "axios";
import * as jwt from "jsonwebtoken";
import { useEmulator } from "./support/fixtures";

const emulator = useEmulator();
const apiKey = "10000001";
const secret = "emulator-test-secret";
const path = `/v2/project/${apiKey}/archive/storage`;
const validBody = { type: "s3", config: { bucket: "b-b-b", accessKey: "AKIAX", secretKey: "sk", sse: "s3" }, fallback: "none" };

function token(overrides: Record<string, unknown> = {}, signWith = secret): string {
    const iat = Math.floor(Date.now() / 1000);
    return jwt.sign({ iss: apiKey, ist: "project", iat, exp: iat + 180, jti: `${Math.random()}`, ...overrides }, signWith, { algorithm: "HS256" });
}

async function send(method: string, options: { auth?: string; body?: string; contentType?: string; url?: string } = {}) {
    const response = await axios.request({
        method,
        url: emulator.url + (options.url ?? path),
        data: options.body ?? (method === "PUT" ? JSON.stringify(validBody) : undefined),
        headers: {
            ...(options.auth === undefined ? { "X-OPENTOK-AUTH": token() } : options.auth === "" ? {} : { "X-OPENTOK-AUTH": options.auth }),
            "Content-Type": options.contentType ?? "application/json",
        },
        validateStatus: () => true,
    });
    return response.status;
}

beforeAll(() => emulator.addProject(apiKey, secret));
beforeEach(() => emulator.targets.clear());

describe("OpenTok emulator", () => {
    it("accepts a well-formed PUT and keeps the target", async () => {
        expect(await send("PUT")).toBe(200);
        expect(emulator.targets.get(apiKey)).toEqual(validBody);
    });

    it.each([
        ["no token", { auth: "" }],
        ["a token signed with another secret", { auth: token({}, "not-the-secret") }],
        ["a token issued for another project", { auth: token({ iss: "99999999" }) }],
        ["an account token", { auth: token({ ist: "account" }) }],
        ["a token living longer than 5 minutes", { auth: token({ exp: Math.floor(Date.now() / 1000) + 600 }) }],
        ["an expired token", { auth: token({ iat: 1000, exp: 1100 }) }],
        ["a token without jti", { auth: token({ jti: undefined }) }],
    ])("answers 403 to %s and keeps no target", async (_case, options) => {
        expect(await send("PUT", options)).toBe(403);
        expect(emulator.targets.has(apiKey)).toBe(false);
    });

    it("answers 403 to a token used twice", async () => {
        const once = token();
        expect(await send("PUT", { auth: once })).toBe(200);
        expect(await send("PUT", { auth: once })).toBe(403);
    });

    it("answers 403 for a project it does not know", async () => {
        expect(await send("PUT", { url: "/v2/project/55555555/archive/storage" })).toBe(403);
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

    it("answers 404 on the deprecated /v2/partner/ path", async () => {
        expect(await send("PUT", { url: `/v2/partner/${apiKey}/archive/storage` })).toBe(404);
    });

    it("answers 204 to DELETE of a target and 404 when none is set", async () => {
        await send("PUT");
        expect(await send("DELETE")).toBe(204);
        expect(emulator.targets.has(apiKey)).toBe(false);
        expect(await send("DELETE")).toBe(404);
    });

    it("serves injected faults in order, then answers normally", async () => {
        emulator.injectFaults({ kind: "status", status: 503 }, { kind: "status", status: 429, retryAfter: "1" });
        expect(await send("PUT")).toBe(503);
        expect(await send("PUT")).toBe(429);
        expect(await send("PUT")).toBe(200);
        expect(emulator.received("PUT").map((r) => r.outcome)).toEqual([503, 429, 200]);
    });
});
