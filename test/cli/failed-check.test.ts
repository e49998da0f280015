// What `pulumi preview` prints after a failed check, under the real CLI: for each case of
// test/support/failed-check-cases.ts, the program reads the target's inputs from a file (secrets
// made secret there, as a StackReference or a secrets manager gives them, not through Pulumi
// config), the preview fails naming the property, and nothing it prints holds the secret. The
// engine prints the program's own value of the failing property (its inputs before check), with
// secrets shown as [secret]; the reason is the provider's, redacted by check.

import * as fs from "fs";
import * as path from "path";
import { OpenTokEmulator } from "../emulator/opentok-emulator";
import { failedCheckCases } from "../support/failed-check-cases";
import { PulumiSandbox } from "../support/pulumi-cli";

const emulator = new OpenTokEmulator();
let sandbox: PulumiSandbox;
let program: string;

beforeAll(async () => {
    await emulator.start();
    sandbox = new PulumiSandbox({ passphrase: "failed-check-test" });
    program = path.join(sandbox.copy(["tsconfig.json", "test/cli/programs/failed-check"]), "test", "cli", "programs", "failed-check");
    await sandbox.ok(["stack", "init", "failed-check"], { cwd: program });
});

afterAll(async () => {
    sandbox?.dispose();
    await emulator.stop();
});

const secretInputs = ["apiSecret", "secretKey", "privateKey", "accountKey"];

describe("pulumi preview of a target whose check fails", () => {
    it.each(failedCheckCases(emulator))("%s: names the property and prints no secret", async (name, testCase) => {
        const file = path.join(sandbox.home, `${name.replace(/\W+/g, "-")}.json`);
        const inputs = testCase.inputs();
        // Secret where it came from a secret: the target's secret inputs, and any other input a
        // secret was pasted into (a secret output stays secret wherever it is passed).
        const secrets = Object.entries(inputs)
            .filter(([input, value]) => secretInputs.includes(input) || testCase.secrets.some((secret) => String(value).includes(secret)))
            .map(([input]) => input);
        fs.writeFileSync(file, JSON.stringify({ inputs, secrets }));
        const preview = await sandbox.run(["preview", "--non-interactive"], { cwd: program, env: { FAILED_CHECK_INPUTS: file } });
        const printed = `${preview.stdout}\n${preview.stderr}`;

        expect(preview.code).not.toBe(0);
        expect(printed).toContain(`property ${testCase.property} `);
        for (const secret of testCase.secrets) {
            expect(printed).not.toContain(secret);
        }
        expect(emulator.requests).toEqual([]);
    });
});
