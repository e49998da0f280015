// Retries, timeouts and error messages of the HTTP client, seen from the emulator.

import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { apiSecret, secretKey, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();

async function createAndCatch(inputs: TargetInputs): Promise<Error | undefined> {
    try {
        await provider.create(inputs);
        return undefined;
    } catch (e) {
        return e as Error;
    }
}

describe("retries", () => {
    it.each([
        ["429 with Retry-After", { kind: "status" as const, status: 429, retryAfter: "0" }],
        ["429 without Retry-After", { kind: "status" as const, status: 429 }],
        ["500", { kind: "status" as const, status: 500 }],
        ["502", { kind: "status" as const, status: 502 }],
        ["503", { kind: "status" as const, status: 503 }],
        ["a dropped connection", { kind: "drop" as const }],
        // Held until the client gives up at its deadline (2 s here), then applied anyway.
        ["an answer slower than the timeout", { kind: "delay" as const, ms: 600_000 }, { OPENTOK_HTTP_TIMEOUT_MS: "2000" }],
    ])("retries after %s and converges, each attempt with a new token", async (_case, fault, environment: Record<string, string> = {}) => {
        const inputs = validInputs(emulator);
        emulator.injectFaults(fault, fault);

        const saved = { ...process.env };
        Object.assign(process.env, environment);
        await provider.create(inputs).finally(() => Object.assign(process.env, saved));
        await emulator.idle();

        const puts = emulator.received("PUT");
        expect(puts).toHaveLength(3);
        expect(puts[2]!.outcome).toBe(200);
        const tokens = puts.map((r) => r.headers["x-opentok-auth"]);
        expect(new Set(tokens).size).toBe(3);
        expect(emulator.targets.get(inputs.apiKey)?.config.bucket).toBe(inputs.bucket);
    });

    it("honours Retry-After given in seconds", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "status", status: 429, retryAfter: "1" });
        const started = Date.now();
        await provider.create(inputs);
        expect(Date.now() - started).toBeGreaterThanOrEqual(990);
        expect(emulator.received("PUT")).toHaveLength(2);
    });

    it("stops at once when Retry-After asks for longer than the retry budget", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "status", status: 429, retryAfter: "3600" });
        const error = await createAndCatch(inputs);
        expect(error).toMatchObject({ name: "OpenTokApiError" });
        expect(error!.message).toMatch(/failed with 429.*Retry-After asked for 3600 s.*rate-limiting/);
        expect(emulator.received("PUT")).toHaveLength(1);
    });

    it("gives up after the bounded number of attempts with the last status", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults(...Array.from({ length: 6 }, () => ({ kind: "status" as const, status: 503 })));
        const error = await createAndCatch(inputs);
        expect(error).toMatchObject({ name: "OpenTokApiError" });
        expect(error!.message).toMatch(/PUT \/v2\/project\/\d+\/archive\/storage failed with 503.*after 4 attempts.*run the update again later/);
        expect(emulator.received("PUT")).toHaveLength(4);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });

    it.each([400, 401, 403, 404, 409, 422])("never retries %i", async (status) => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "status", status, body: JSON.stringify({ message: "refused by test" }) });
        const error = await createAndCatch(inputs);
        expect(error).toMatchObject({ name: "OpenTokApiError" });
        expect(error!.message).toContain(`failed with ${status}: "refused by test"`);
        expect(emulator.received("PUT")).toHaveLength(1);
    });

    it("reports an unreachable API after its attempts, naming the origin", async () => {
        const inputs = { ...validInputs(emulator), apiUrl: "http://127.0.0.1:1" };
        const error = await createAndCatch(inputs);
        expect(error).toMatchObject({ name: "OpenTokUnreachableError" });
        expect(error!.message).toMatch(
            /PUT \/v2\/project\/\d+\/archive\/storage to http:\/\/127.0.0.1:1 got no answer after 4 attempts.*ECONNREFUSED.*Check apiUrl/,
        );
    });
});

describe("error messages", () => {
    it("give method, path, status, the API's message and a hint for 403", async () => {
        const inputs = { ...validInputs(emulator), apiSecret: "wrong-secret-value" };
        const error = await createAndCatch(inputs);
        expect(error!.message).toBe(
            `PUT /v2/project/${inputs.apiKey}/archive/storage failed with 403: "Authentication failed". ` +
                "Check apiKey and apiSecret: both must belong to the same OpenTok project, and the secret must be current.",
        );
    });

    it("say what the API rejected for 400", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: "Invalid bucket" }) });
        const error = await createAndCatch(inputs);
        expect(error!.message).toMatch(/failed with 400: "Invalid bucket"\. The API rejected the request body/);
    });

    it("carry no secret even when the API echoes one", async () => {
        const inputs = validInputs(emulator);
        const echoed = JSON.stringify({ message: `bad key ${secretKey} for secret ${apiSecret}` });
        emulator.injectFaults({ kind: "status", status: 400, body: echoed });
        const error = await createAndCatch(inputs);
        expect(error!.message).toContain("bad key [secret] for secret [secret]");
        expect(`${error}\n${error!.stack}\n${JSON.stringify(error)}`).not.toMatch(new RegExp(`${apiSecret}|${secretKey.replace(/[+/]/g, "\\$&")}`));
    });

    it("treat a malformed success body as success: the API documents no body", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "malformed" });
        await expect(provider.create(inputs)).resolves.toMatchObject({ id: inputs.apiKey });
        expect(emulator.received("PUT")).toHaveLength(1);
    });
});
