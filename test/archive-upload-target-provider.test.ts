// The provider's methods called directly (providers/archive-upload-target-provider.ts), for what
// the provider host cannot show: the exact request on the wire for each auth mode and target type,
// the diff table, the retry policy and secrets it hands the client, and what each method does with
// inputs the engine would never pass. Each lifecycle path (update, delete, 404, rename, refresh,
// failed update) is pinned once, through Pulumi's provider host, in host/lifecycle.test.ts.

import { verifySignature } from "@vonage/jwt";
import * as jwt from "jsonwebtoken";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { unknownValue } from "../providers/unknown";
import {
    accountKey,
    apiSecret,
    azureTarget,
    OpenTokS3Inputs,
    secretKey,
    useEmulator,
    validInputs,
    validVonageInputs,
    vonageKeys,
} from "./support/fixtures";
import { createFailure } from "./support/failures";

const emulator = useEmulator();

async function checked(inputs: object): Promise<OpenTokS3Inputs> {
    const result = await provider.check!({} as TargetInputs, inputs as unknown as TargetInputs);
    expect(result.failures).toEqual([]);
    return result.inputs! as OpenTokS3Inputs;
}

describe("create", () => {
    it("sends exactly one PUT with the documented body, headers and token", async () => {
        const inputs = await checked({ ...validInputs(emulator), endpoint: "https://storage.googleapis.com" });
        const before = Math.floor(Date.now() / 1000);

        const result = await provider.create(inputs);

        expect(emulator.received()).toHaveLength(1);
        const put = emulator.received("PUT")[0]!;
        expect(put.path).toBe(`/v2/project/${inputs.apiKey}/archive/storage`);
        expect(put.headers["content-type"]).toBe("application/json");
        // Exact bytes: key order and no extra fields.
        expect(put.rawBody).toBe(
            JSON.stringify({
                type: "s3",
                config: {
                    bucket: "acme-archives-dev",
                    accessKey: "AKIAIOSFODNN7EXAMPLE",
                    secretKey,
                    sse: "s3",
                    endpoint: "https://storage.googleapis.com",
                },
                fallback: "none",
            }),
        );
        const token = put.headers["x-opentok-auth"] as string;
        expect(jwt.decode(token, { complete: true })?.header.alg).toBe("HS256");
        const claims = jwt.verify(token, apiSecret) as jwt.JwtPayload;
        expect(claims).toMatchObject({ iss: inputs.apiKey, ist: "project" });
        expect(claims.iat).toBeGreaterThanOrEqual(before);
        expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
        expect(typeof claims.jti).toBe("string");

        expect(result.id).toBe(inputs.apiKey);
        expect(result.outs).toEqual(inputs);
        expect(emulator.targets.get(inputs.apiKey)?.config).toMatchObject({ bucket: "acme-archives-dev", sse: "s3" });
    });

    it("omits endpoint from the body when none is given, and sends sse none when asked", async () => {
        const inputs = await checked({ ...validInputs(emulator), sse: "none", fallback: "opentok" });
        await provider.create(inputs);
        const body = JSON.parse(emulator.received("PUT")[0]!.rawBody);
        expect(Object.keys(body.config)).toEqual(["bucket", "accessKey", "secretKey", "sse"]);
        expect(body.config.sse).toBe("none");
        expect(body.fallback).toBe("opentok");
    });

    it("applies the defaults in check: apiUrl, type s3 and sse s3", async () => {
        const { apiUrl: _apiUrl, type: _type, sse: _sse, ...rest } = validInputs(emulator);
        const result = await provider.check!({} as TargetInputs, rest as TargetInputs);
        expect(result.inputs).toMatchObject({ apiUrl: "https://api.opentok.com", type: "s3", sse: "s3" });
    });

    it("refuses invalid inputs without sending a request", async () => {
        const inputs = { ...validInputs(emulator), sse: "aws:kms" } as unknown as TargetInputs;
        await expect(provider.create(inputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
        expect(emulator.received()).toHaveLength(0);
    });

    it("uses a fresh token for every request", async () => {
        const inputs = await checked(validInputs(emulator));
        await provider.create(inputs);
        await provider.update!(inputs.apiKey, inputs, { ...inputs, sse: "none" });
        const [first, second] = emulator.received("PUT").map((r) => r.claims!.jti);
        expect(first).toBeDefined();
        expect(first).not.toBe(second);
    });
});

describe("update", () => {
    // Only apiSecret is pinned through the host (host/lifecycle.test.ts); verify is state-only too.
    it("sends no request when only verify changed, and keeps the new value in state", async () => {
        const inputs = await checked(validInputs(emulator));
        await provider.create(inputs);
        emulator.clearLog();

        const result = await provider.update!(inputs.apiKey, inputs, { ...inputs, verify: !inputs.verify });

        expect(emulator.received()).toHaveLength(0);
        expect(result.outs?.verify).toBe(!inputs.verify);
    });
});

describe("delete", () => {
    it("works on state written without the fields that have defaults", async () => {
        const inputs = await checked(validInputs(emulator));
        emulator.targets.set(inputs.apiKey, { type: "s3", config: {}, fallback: "none" });
        const { type: _type, sse: _sse, ...older } = inputs;
        await provider.delete!(inputs.apiKey, older as TargetInputs);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });

    it('takes an applicationId of "" (how YAML programs leave it unset) as not given: the project is the apiKey\'s', async () => {
        const inputs = await checked(validInputs(emulator));
        emulator.targets.set(inputs.apiKey, { type: "s3", config: {}, fallback: "none" });
        await provider.delete!(inputs.apiKey, { ...inputs, applicationId: "" } as TargetInputs);
        expect(emulator.received().map((request) => `${request.method} ${request.path}`)).toEqual([
            `DELETE /v2/project/${inputs.apiKey}/archive/storage`,
        ]);
    });
});

describe("read (refresh)", () => {
    it("explains that a target cannot be imported", async () => {
        await expect(provider.read!("12345678")).rejects.toThrow(/cannot be imported.*no way to read/);
    });
});

describe("values unknown at preview", () => {
    it("are refused by create and update, which send nothing", async () => {
        const inputs = await checked(validInputs(emulator));
        const unknownEndpoint = { ...inputs, endpoint: unknownValue };
        await expect(provider.create(unknownEndpoint)).rejects.toThrow(/endpoint is not known yet/);
        await expect(provider.update!(inputs.apiKey, inputs, unknownEndpoint)).rejects.toThrow(/endpoint is not known yet/);
        expect(emulator.received()).toHaveLength(0);
    });
});

describe("a Vonage application and an Azure target, on the wire", () => {
    it("a Vonage application sends one PUT with an RS256 Bearer token that @vonage/jwt verifies", async () => {
        const inputs = await checked(validVonageInputs(emulator, { fallback: "opentok" }));
        await provider.create(inputs);
        const [put] = emulator.received();
        expect(put!.path).toBe(`/v2/project/${inputs.applicationId}/archive/storage`);
        expect(put!.headers["x-opentok-auth"]).toBeUndefined();
        const token = String(put!.headers.authorization).replace(/^Bearer /, "");
        expect(verifySignature(token, vonageKeys.publicKey)).toBe(true);
        const claims = jwt.decode(token) as jwt.JwtPayload;
        expect(claims).toMatchObject({ application_id: inputs.applicationId });
        expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
        expect(typeof claims.jti).toBe("string");
        expect(JSON.parse(put!.rawBody).fallback).toBe("vonage");
    });

    it("an Azure target sends exactly the Azure body", async () => {
        const inputs = await checked({ ...validInputs(emulator, { fallback: "opentok" }), ...azureTarget({ domain: "blob.core.windows.net" }) });
        await provider.create(inputs);
        expect(emulator.received("PUT")[0]!.rawBody).toBe(
            JSON.stringify({
                type: "azure",
                config: { accountName: "acmearchives", accountKey, container: "archives", domain: "blob.core.windows.net" },
                fallback: "opentok",
            }),
        );
    });

    it("changing type from s3 to azure is an update, one PUT, not a replacement", async () => {
        const s3 = await checked(validInputs(emulator));
        await provider.create(s3);
        const azure = await checked({ ...s3, ...azureTarget() });
        expect(await provider.diff!(s3.apiKey!, s3, azure)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        emulator.clearLog();
        await provider.update!(s3.apiKey!, s3, azure);
        expect(emulator.received().map((r) => r.method)).toEqual(["PUT"]);
        expect(emulator.targets.get(s3.apiKey!)?.type).toBe("azure");
    });

    it("changing only the private key sends nothing; moving to another application replaces", async () => {
        const inputs = await checked(validVonageInputs(emulator));
        expect(await provider.diff!(inputs.applicationId!, inputs, { ...inputs, privateKey: `${inputs.privateKey}\n` })).toMatchObject({
            changes: true,
            replaces: [],
        });
        expect(
            await provider.diff!(inputs.applicationId!, inputs, { ...inputs, applicationId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" }),
        ).toMatchObject({ replaces: ["applicationId"] });
    });

    it("a 403 for an application says to check applicationId and privateKey", async () => {
        const inputs = await checked(validVonageInputs(emulator));
        emulator.injectFaults({ kind: "status", status: 403, body: JSON.stringify({ message: "Invalid token" }) });
        await expect(provider.create(inputs)).rejects.toThrow(/failed with 403: "Invalid token"\. Check applicationId and privateKey/);
    });
});

const diffState: TargetInputs = {
    apiKey: "12345678",
    apiSecret: "secret-a",
    apiUrl: "https://api.opentok.com",
    type: "s3",
    bucket: "acme-archives",
    accessKey: "AKIAIOSFODNN7EXAMPLE",
    secretKey: "sk-a",
    sse: "s3",
    fallback: "none",
    verify: true,
};

const diff = (olds: object, news: object) => provider.diff!("12345678", olds as TargetInputs, news as TargetInputs);

const table: [string, Partial<TargetInputs> & Record<string, unknown>, { changes: boolean; replaces: string[] }][] = [
    ["nothing changed", {}, { changes: false, replaces: [] }],
    ["only the provider's code changed", { __provider: "exports.handler = new code" }, { changes: false, replaces: [] }],
    ["apiKey changed", { apiKey: "87654321" }, { changes: true, replaces: ["apiKey"] }],
    ["apiUrl changed", { apiUrl: "https://video.example.com" }, { changes: true, replaces: ["apiUrl"] }],
    ["sse changed", { sse: "none" }, { changes: true, replaces: [] }],
    ["bucket changed", { bucket: "acme-other" }, { changes: true, replaces: [] }],
    ["accessKey changed", { accessKey: "AKIAOTHERKEY0000" }, { changes: true, replaces: [] }],
    ["secretKey changed", { secretKey: "sk-b" }, { changes: true, replaces: [] }],
    ["endpoint added", { endpoint: "https://storage.googleapis.com" }, { changes: true, replaces: [] }],
    ["fallback changed", { fallback: "opentok" }, { changes: true, replaces: [] }],
    ["only apiSecret changed", { apiSecret: "secret-b" }, { changes: true, replaces: [] }],
    ["only verify changed", { verify: false }, { changes: true, replaces: [] }],
    ["bucket unknown at preview", { bucket: unknownValue }, { changes: true, replaces: [] }],
    ["apiKey unknown at preview", { apiKey: unknownValue }, { changes: true, replaces: ["apiKey"] }],
];

describe("diff", () => {
    it.each(table)("%s", async (_case, change, expected) => {
        const result = await diff(
            { ...diffState, __provider: "exports.handler = old code" },
            { ...diffState, __provider: "exports.handler = old code", ...change },
        );
        expect(result.changes).toBe(expected.changes);
        expect(result.replaces ?? []).toEqual(expected.replaces);
        expect(result.deleteBeforeReplace ?? false).toBe(false);
    });

    it("sees no change against state written without defaulted fields", async () => {
        const { type: _type, sse: _sse, apiUrl: _apiUrl, verify: _verify, ...older } = diffState;
        expect((await diff(older, diffState)).changes).toBe(false);
    });
});

describe("what the provider hands the client", () => {
    it("the retry policy from the environment: OPENTOK_HTTP_MAX_ATTEMPTS attempts at an unreachable API", async () => {
        expect(process.env.OPENTOK_HTTP_MAX_ATTEMPTS).toBe("4");
        const error = await createFailure({ ...validInputs(emulator), apiUrl: "http://127.0.0.1:1" });
        expect(error).toMatchObject({ name: "OpenTokUnreachableError" });
        expect(error.message).toMatch(/to http:\/\/127.0.0.1:1 got no answer after 4 attempts/);
    });

    it("its secret inputs, redacted wherever the API echoes them", async () => {
        const inputs = validInputs(emulator);
        emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: `bad key ${secretKey} for secret ${apiSecret}` }) });
        const error = await createFailure(inputs);
        expect(error.message).toContain("bad key [secret] for secret [secret]");
        expect(`${error}\n${error.stack}\n${JSON.stringify(error)}`).not.toMatch(new RegExp(`${apiSecret}|${secretKey.replace(/[+/]/g, "\\$&")}`));
    });
});
