// Inputs whose check fails on a property that holds, or sits beside, a secret that does not come
// from Pulumi config: what the engine would print after the failure must not show it. Run
// directly (test/check.test.ts), through the provider host (test/host/check.test.ts) and by
// `pulumi preview` (test/cli/failed-check.test.ts).

import { generateKeyPairSync } from "crypto";
import type { OpenTokEmulator } from "../emulator/opentok-emulator";
import type { CheckResponse } from "../harness/provider-host";
import { apiSecret, secretKey, validInputs, validVonageInputs } from "./fixtures";

const ecKey = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;
const ecKeyBody = ecKey
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"))
    .join("");
export const cardNumber = 4111111111111111;

export interface FailedCheckCase {
    /** The failing property the engine would print. */
    property: string;
    inputs: () => Record<string, unknown>;
    /** Texts that must not appear in anything the engine prints. */
    secrets: string[];
}

/** The cases, each a name and what it holds; `inputs` registers its project on the emulator. */
export const failedCheckCases = (emulator: OpenTokEmulator): [string, FailedCheckCase][] => [
    [
        "an EC private key given as privateKey (unusable: RS256 needs RSA)",
        {
            property: "privateKey",
            inputs: () => ({ ...validVonageInputs(emulator), privateKey: ecKey }),
            secrets: [ecKeyBody, ...ecKeyBody.match(/.{16}/g)!],
        },
    ],
    [
        "an apiSecret with a trailing newline",
        { property: "apiSecret", inputs: () => ({ ...validInputs(emulator), apiSecret: `${apiSecret}\n` }), secrets: [apiSecret] },
    ],
    ["secretKey pasted into bucket", { property: "bucket", inputs: () => ({ ...validInputs(emulator), bucket: secretKey }), secrets: [secretKey] }],
    [
        "a secret given as a number",
        { property: "secretKey", inputs: () => ({ ...validInputs(emulator), secretKey: cardNumber }), secrets: [String(cardNumber)] },
    ],
    [
        "the same number in a secret and in bucket",
        {
            property: "bucket",
            inputs: () => ({ ...validInputs(emulator), apiSecret: cardNumber, bucket: cardNumber }),
            secrets: [String(cardNumber)],
        },
    ],
    [
        "a secret with white space around it, pasted into apiKey",
        { property: "apiKey", inputs: () => ({ ...validInputs(emulator), apiSecret: ` ${apiSecret}\n`, apiKey: apiSecret }), secrets: [apiSecret] },
    ],
];

/** The lines the engine prints for a failed check (pulumi/pulumi step_generator.go, issueCheckFailures). */
export function enginePrints(check: CheckResponse): string {
    return check.failures
        .map(
            (f) => `resource 'target': property ${f.property} value {${JSON.stringify(check.inputs[f.property] ?? null)}} has a problem: ${f.reason}`,
        )
        .join("\n");
}

export function expectNothingSecret(check: CheckResponse, { property, secrets }: FailedCheckCase): void {
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
