// The provider called directly, for what the provider host cannot show: the exact
// request on the wire, the defaults, and what each method does with inputs the engine would never
// pass. Each lifecycle path (update, delete, 404, rename, refresh, failed update) is pinned once,
// through Pulumi's provider host, in lifecycle-scenarios.test.ts.

import * as jwt from "jsonwebtoken";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { unknownValue } from "../providers/unknown";
import { apiSecret, OpenTokS3Inputs, secretKey, useEmulator, validInputs } from "./support/fixtures";

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
    // Only apiSecret is pinned through the host (lifecycle-scenarios); verify is state-only too.
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
