// Check through Pulumi's real dynamic-provider host, one host for the file: what it answers over
// gRPC for each missing input, and for failing inputs that hold or sit beside a secret (what the
// engine would print then), with no part of a secret in the answer or in anything the host prints.

import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { ProviderHost } from "../harness/provider-host";
import { expectNothingSecret, failedCheckCases } from "../support/failed-check-cases";
import { accountKey, apiSecret, fastRetryEnvironment, secretKey, useEmulator, validInputs, vonageKeys } from "../support/fixtures";
import { secretRunsIn } from "../support/secret-leaks";
import { randomUUID } from "crypto";

const emulator = useEmulator();
const urn = "urn:pulumi:test::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::target";
let host: ProviderHost;
beforeAll(async () => {
    host = await ProviderHost.start(fastRetryEnvironment);
});
afterAll(() => host.stop());

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

describe("a missing input", () => {
    const cases = (["opentok", "vonage"] as const).flatMap((mode) =>
        (["s3", "azure"] as const).flatMap((type) =>
            [...requiredInputs[mode]!, ...requiredInputs[type]!].map((missing) => [mode, type, missing] as const),
        ),
    );

    it.each(cases)("%s auth, %s target, without %s: a failure naming it, and the input left out", async (mode, type, missing) => {
        const news: Record<string, unknown> = { ...inputsFor(mode, type), __provider: archiveUploadTargetProviderText };
        delete news[missing];
        const { failures, inputs } = await host.check(urn, {}, news);
        expect(failures.map((f) => f.property)).toEqual([missing]);
        expect(failures[0]!.reason).toMatch(/is required/);
        expect(inputs).not.toHaveProperty(missing);
    });
});

describe("a failed check", () => {
    it.each(failedCheckCases(emulator))("%s: no secret in what the host answers or prints", async (_name, testCase) => {
        const check = await host.check(urn, {}, { ...testCase.inputs(), __provider: archiveUploadTargetProviderText });
        expectNothingSecret(check, testCase);
        for (const secret of testCase.secrets) {
            expect(`${host.stdout}\n${host.stderr}`).not.toContain(secret);
        }
    });

    it("an endpoint with the URL-encoded secretKey in it: no part of secretKey in the failure or the host's output", async () => {
        const endpoint = `https://AKIAIOSFODNN7EXAMPLE:${encodeURIComponent(secretKey)}@minio.example.com`;
        const checked = await host.check(urn, {}, { ...validInputs(emulator), endpoint, __provider: archiveUploadTargetProviderText });
        const failures = JSON.stringify(checked.failures);
        expect(failures).toMatch(/endpoint/);
        expect(secretRunsIn(`${failures}\n${host.stdout}\n${host.stderr}`, secretKey)).toEqual([]);
    });
});
