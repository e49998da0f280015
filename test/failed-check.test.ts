// What a failed check answers, and so what the engine prints: after a failed check Pulumi prints
// "property X value Y has a problem: reason" with Y = inputs[X] from the inputs check returned,
// and the CLI masks only values equal to a config secret. The secrets here come from anywhere
// but config (a StackReference, a file, another resource's output), so nothing would mask them.
// Each case runs directly and through Pulumi's provider host (what check returns over gRPC); the
// same table runs under the real CLI in test/cli/failed-check.test.ts.

import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider, archiveUploadTargetProviderText } from "../providers/provider-loader";
import { CheckResponse, ProviderHost } from "./harness/provider-host";
import { cardNumber, failedCheckCases, FailedCheckCase } from "./support/failed-check-cases";
import { fastRetryEnvironment, secretKey, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
const cases = failedCheckCases(emulator);

/** The lines the engine prints for a failed check (pulumi/pulumi step_generator.go, issueCheckFailures). */
function enginePrints(check: CheckResponse): string {
    return check.failures
        .map(
            (f) => `resource 'target': property ${f.property} value {${JSON.stringify(check.inputs[f.property] ?? null)}} has a problem: ${f.reason}`,
        )
        .join("\n");
}

function expectNothingSecret(check: CheckResponse, { property, secrets }: FailedCheckCase): void {
    expect(check.failures.map((f) => f.property)).toContain(property);
    const printed = enginePrints(check);
    for (const secret of secrets) {
        expect(printed).not.toContain(secret);
    }
    // Every failing input is left out of the answer: none of them is quoted back.
    for (const failure of check.failures) {
        expect(Object.keys(check.inputs)).not.toContain(failure.property);
    }
}

describe("what a failed check answers, directly", () => {
    it.each(cases)("%s: no secret in the failing inputs or the reasons", async (_name, testCase) => {
        const result = await provider.check!({} as TargetInputs, testCase.inputs() as TargetInputs);
        expectNothingSecret({ inputs: result.inputs as Record<string, unknown>, failures: result.failures ?? [] }, testCase);
    });

    it("keeps the inputs that passed, and leaves out the failing and unknown ones", async () => {
        const inputs = { ...validInputs(emulator), bucket: secretKey, [secretKey]: "x" };
        const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
        expect(Object.keys(result.inputs ?? {}).sort()).toEqual(
            Object.keys(validInputs(emulator))
                .filter((n) => n !== "bucket")
                .sort(),
        );
    });

    it("says a secret given with the wrong type was a number, without quoting it", async () => {
        const result = await provider.check!({} as TargetInputs, { ...validInputs(emulator), secretKey: cardNumber } as unknown as TargetInputs);
        expect(result.failures).toEqual([{ property: "secretKey", reason: "must be a string, but was a number" }]);
    });
});

describe("what a failed check answers, through Pulumi's provider host", () => {
    let host: ProviderHost;
    beforeAll(async () => {
        host = await ProviderHost.start(fastRetryEnvironment);
    });
    afterAll(() => host.stop());

    it.each(cases)("%s: no secret in what the host answers or prints", async (_name, testCase) => {
        const urn = "urn:pulumi:test::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::target";
        const check = await host.check(urn, {}, { ...testCase.inputs(), __provider: archiveUploadTargetProviderText });
        expectNothingSecret(check, testCase);
        for (const secret of testCase.secrets) {
            expect(`${host.stdout}\n${host.stderr}`).not.toContain(secret);
        }
    });
});
