// Properties of check and diff, for any input (fast-check). Run with few cases by `npm test`
// and with 10,000 each by `npm run test:reliability`.

import * as fc from "fast-check";
import * as http from "http";
import type { AddressInfo } from "net";
import type { TargetInputs } from "../../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../../providers/provider-loader";
import { unknownValue } from "../../providers/unknown";
import { propertyNames as knownInputNames } from "../../providers/properties";
import type { OpenTokEmulator } from "../emulator/opentok-emulator";
import { generateKeyPairSync } from "crypto";
import { vonageKeys } from "./fixtures";

/** A second application key, for rotations (never registered: rotating it sends no request). */
const otherVonageKey = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

const knownInputs: readonly string[] = knownInputNames;

const hostileStrings = fc.constantFrom(
    "",
    " ",
    "../../v1/admin",
    "%2e%2e%2f",
    "a\r\nX-Injected: 1",
    "acme\u0000archives",
    "аcme-archives", // Cyrillic а
    "ＡＣＭＥ",
    "x".repeat(5000),
    "https://api.opentok.com/../../",
    "https://evil.example@api.opentok.com",
    "javascript:alert(1)",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
);

/** Valid inputs for `apiUrl` (an emulator's), in either auth mode, for either target type. */
export function validInputs(apiUrl: string): fc.Arbitrary<TargetInputs> {
    const auth = fc.oneof(
        fc.record({ apiKey: fc.integer({ min: 1, max: 99_999_999 }).map(String), apiSecret: fc.stringMatching(/^[A-Za-z0-9]{8,40}$/) }),
        fc.record({ applicationId: fc.uuid({ version: 4 }), privateKey: fc.constant(vonageKeys.privateKey) }),
    );
    const s3 = fc.record(
        {
            type: fc.constant("s3" as const),
            // Valid S3 names only: S3 reserves some prefixes and suffixes (check refuses them).
            bucket: fc
                .stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/)
                .filter((name) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) && !/(-s3alias|--ol-s3|--x-s3)$/.test(name)),
            accessKey: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
            secretKey: fc.stringMatching(/^[A-Za-z0-9+/]{40}$/),
            endpoint: fc.option(fc.constantFrom("https://storage.googleapis.com", "https://s3.eu-central-1.wasabisys.com"), { nil: undefined }),
            sse: fc.constantFrom("s3" as const, "none" as const),
        },
        { requiredKeys: ["type", "bucket", "accessKey", "secretKey", "sse"] },
    );
    const azure = fc.record(
        {
            type: fc.constant("azure" as const),
            accountName: fc.stringMatching(/^[a-z0-9]{3,24}$/),
            accountKey: fc.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
            container: fc.stringMatching(/^[a-z0-9]{3,40}$/),
            domain: fc.option(fc.constantFrom("blob.core.windows.net", "blob.core.usgovcloudapi.net"), { nil: undefined }),
        },
        { requiredKeys: ["type", "accountName", "accountKey", "container"] },
    );
    return (
        fc
            .tuple(auth, fc.oneof(s3, azure), fc.constantFrom("none" as const, "opentok" as const, "vonage" as const))
            // No preflight: these properties are about the OpenTok API (preflight has its own tests).
            .map(([credentials, target, fallback]) => ({ ...credentials, ...target, apiUrl, fallback, verify: false }) as TargetInputs)
    );
}

/** Makes the emulator know the project or application of `inputs`, as the real API would. */
export function register(emulator: OpenTokEmulator, inputs: TargetInputs): void {
    if (inputs.applicationId !== undefined) {
        emulator.addApplication(inputs.applicationId, vonageKeys.publicKey);
    } else if (inputs.apiKey !== undefined && inputs.apiSecret !== undefined) {
        emulator.addProject(inputs.apiKey, inputs.apiSecret);
    }
}

/** Valid inputs with one property (never apiUrl: no request may leave loopback) changed to anything. */
export function mutatedInputs(apiUrl: string): fc.Arbitrary<Record<string, unknown>> {
    // Never apiUrl (no request may leave loopback) nor verify (no probe may go to AWS).
    const mutableNames = knownInputs.filter((n) => n !== "apiUrl" && n !== "verify");
    return fc
        .tuple(
            validInputs(apiUrl),
            fc.constantFrom(...mutableNames, "unexpectedInput"),
            fc.oneof(fc.anything(), fc.string(), fc.string({ unit: "grapheme" }), hostileStrings, fc.constant(undefined)),
        )
        .map(([inputs, name, value]) => {
            const mutated: Record<string, unknown> = { ...inputs, [name]: value };
            if (value === undefined) {
                delete mutated[name];
            }
            return mutated;
        });
}

export function checkProperties(emulator: OpenTokEmulator, numRuns: number) {
    /** How the generated cases of checkAgreesWithTheApi split. */
    const split = { "cases accepted by check and by the API": 0, "cases refused before any request": 0 };
    let leakTexts = 0;
    let echoed = 0;
    let secretHits = 0;
    return {
        split,
        leakTextsSwept: () => leakTexts,
        /** Requests the echoing API answered with their token and body. */
        requestsEchoed: () => echoed,
        /** Texts that showed a secret or token, in any case fast-check ran (shrinking included). */
        secretHits: () => secretHits,
        /** check never throws; each failure names a property of the input or a known input, with a reason. */
        async checkIsTotal() {
            await fc.assert(
                fc.asyncProperty(fc.oneof(mutatedInputs(emulator.url), fc.dictionary(fc.string(), fc.anything())), async (news) => {
                    const result = await provider.check!({} as TargetInputs, news as unknown as TargetInputs);
                    for (const failure of result.failures ?? []) {
                        expect(typeof failure.reason).toBe("string");
                        expect(failure.reason.length).toBeGreaterThan(10);
                        expect([...Object.keys(news), ...knownInputs]).toContain(failure.property);
                    }
                }),
                { numRuns },
            );
        },

        /**
         * Whatever check accepts with every value known, the API accepts (one PUT, 200); whatever
         * it refuses, or leaves unknown, create refuses too, and sends nothing.
         */
        async checkAgreesWithTheApi() {
            await fc.assert(
                fc.asyncProperty(mutatedInputs(emulator.url), async (news) => {
                    const before = emulator.requests.length;
                    const { inputs, failures } = await provider.check!({} as TargetInputs, news as unknown as TargetInputs);
                    const known = !Object.values(news).includes(unknownValue);
                    if (failures!.length === 0 && known) {
                        register(emulator, inputs!);
                        await provider.create(inputs!);
                        const sent = emulator.requests.slice(before);
                        expect(sent.map((r) => `${r.method} ${r.outcome}`)).toEqual(["PUT 200"]);
                        split["cases accepted by check and by the API"] += 1;
                    } else {
                        await expect(provider.create(news as unknown as TargetInputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
                        expect(emulator.requests.length).toBe(before);
                        split["cases refused before any request"] += 1;
                    }
                }),
                { numRuns },
            );
        },

        /**
         * No check failure and no error shows a secret, in any form: generated secrets (with
         * characters JSON escapes), padded or broken so that they fail, next to other properties
         * broken at random, sent to an API that echoes the token and the body it received.
         */
        async failuresNeverShowSecrets() {
            const echo = await startEchoingApi();
            const secret = fc.stringMatching(/^[A-Za-z0-9+/"\\]{16,40}$/);
            try {
                await fc.assert(
                    fc.asyncProperty(
                        mutatedInputs(echo.url),
                        secret,
                        secret,
                        fc.constantFrom(
                            (v: string) => ` ${v}`,
                            (v: string) => `${v}\n`,
                            (v: string) => `${v} x`,
                            (v: string) => v,
                        ),
                        async (news, apiSecret, secretKey, spoil) => {
                            const inputs = { ...news, apiSecret: spoil(apiSecret), secretKey: spoil(secretKey) };
                            const { failures } = await provider.check!({} as TargetInputs, inputs as unknown as TargetInputs);
                            const texts = [JSON.stringify(failures)];
                            const before = echo.tokens.length;
                            await provider
                                .create(inputs as unknown as TargetInputs)
                                .catch((e: Error) => texts.push(`${e.message} ${e.stack} ${String(e)}`));
                            const shown = [apiSecret, secretKey, ...echo.tokens.slice(before)].flatMap(escapedForms);
                            leakTexts += texts.length;
                            echoed += echo.tokens.length - before;
                            const leaking = texts.filter((text) => shown.some((form) => text.includes(form)));
                            secretHits += leaking.length;
                            for (const text of leaking) {
                                expect(text).not.toContain(shown.find((form) => text.includes(form)));
                            }
                        },
                    ),
                    { numRuns },
                );
            } finally {
                await echo.stop();
            }
        },

        /** check is idempotent: what it returns, it accepts unchanged. */
        async checkIsIdempotent() {
            await fc.assert(
                fc.asyncProperty(validInputs(emulator.url), async (news) => {
                    const once = await provider.check!({} as TargetInputs, news);
                    const twice = await provider.check!({} as TargetInputs, once.inputs!);
                    expect(once.failures).toEqual([]);
                    expect(twice).toEqual(once);
                }),
                { numRuns },
            );
        },

        /** diff is stable, and a change of only the API credential (apiSecret or privateKey) is an update that sends nothing. */
        async diffIsStable() {
            await fc.assert(
                fc.asyncProperty(validInputs(emulator.url), fc.stringMatching(/^[A-Za-z0-9]{8,40}$/), async (news, otherSecret) => {
                    const state = (await provider.check!({} as TargetInputs, news)).inputs!;
                    const id = state.apiKey ?? state.applicationId!;
                    expect(await provider.diff!(id, state, state)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
                    // A new secret equal to another input is refused (a secret in another input), not an update.
                    fc.pre(!Object.values(state).includes(otherSecret));
                    const rotated =
                        state.applicationId === undefined ? { ...state, apiSecret: otherSecret } : { ...state, privateKey: otherVonageKey };
                    expect(await provider.diff!(id, state, rotated)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
                    const before = emulator.requests.length;
                    await provider.update!(id, state, rotated);
                    expect(emulator.requests.length).toBe(before);
                }),
                { numRuns },
            );
        },
    };
}

/** A secret as given, and JSON-escaped once and twice (a body echoed inside a JSON message). */
function escapedForms(secret: string): string[] {
    const once = JSON.stringify(secret).slice(1, -1);
    return [secret, once, JSON.stringify(once).slice(1, -1)];
}

/** An API that refuses every request, quoting the token and the whole body it received. */
async function startEchoingApi(): Promise<{ url: string; tokens: string[]; stop: () => Promise<void> }> {
    const tokens: string[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
            const token = String(req.headers["x-opentok-auth"] ?? req.headers.authorization ?? "").replace(/^Bearer /, "");
            tokens.push(token);
            res.writeHead(400, { "content-type": "application/json" }).end(
                JSON.stringify({ message: `refused ${token} for ${body}; again: ${body}` }),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        tokens,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
