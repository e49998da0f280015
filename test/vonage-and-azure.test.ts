// The Vonage Video API (application ID + private key) and the Azure target: what the emulator
// receives, tokens checked with @vonage/jwt's own verifier, and the lifecycle through the
// dynamic-provider host. Their check rules are in check.test.ts.

import { verifySignature } from "@vonage/jwt";
import * as jwt from "jsonwebtoken";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider, archiveUploadTargetProviderText } from "../providers/provider-loader";
import { destroy, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { accountKey, azureTarget, fastRetryEnvironment, useEmulator, validInputs, validVonageInputs, vonageKeys } from "./support/fixtures";

const emulator = useEmulator();

async function checked(inputs: object): Promise<TargetInputs> {
    const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
    expect(result.failures).toEqual([]);
    return result.inputs!;
}

describe("on the wire", () => {
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

describe("through the dynamic-provider host", () => {
    it("creates, updates to Azure, and destroys a Vonage application's target", async () => {
        const providerText = archiveUploadTargetProviderText;
        const inputs = validVonageInputs(emulator);
        const program = (overrides: object) => new Map([["target", { ...inputs, ...overrides, __provider: providerText }]]);
        const deployment = async <T>(command: (host: ProviderHost) => Promise<T>) => {
            const host = await ProviderHost.start(fastRetryEnvironment);
            try {
                return await command(host);
            } finally {
                await host.stop();
            }
        };

        const created = await deployment((host) => up(host, program({}), new Map()));
        expect(created.get("target")?.id).toBe(inputs.applicationId);
        const updated = await deployment((host) => up(host, program(azureTarget()), created));
        await deployment((host) => destroy(host, updated));

        const seen = emulator.received().map((r) => `${r.method} ${r.auth} ${r.outcome} ${r.rawBody ? JSON.parse(r.rawBody).type : "-"}`);
        expect(seen).toEqual(["PUT vonage 200 s3", "PUT vonage 200 azure", "DELETE vonage 204 -"]);
        for (const request of emulator.received()) {
            expect(verifySignature(String(request.headers.authorization).slice(7), vonageKeys.publicKey)).toBe(true);
        }
        expect(emulator.targets.has(inputs.applicationId)).toBe(false);
    });
});
