// The pinned toolchain itself: the CLI's version, and what this repository's language host hands
// a program under `pulumi` (config, secrets, the stack, Pulumi.yaml's runtime options), with
// nothing downloaded.

import * as fs from "fs";
import * as path from "path";
import { describe as describeRun, PulumiSandbox, pulumiToolchainBin } from "../support/pulumi-cli";

const token = "host-contract-token-Jq4vX9";

describe("the pinned toolchain", () => {
    let sandbox: PulumiSandbox;
    let program: string;

    beforeAll(() => {
        sandbox = new PulumiSandbox({ passphrase: "toolchain-test" });
        const copy = sandbox.copy(["tsconfig.json", "test/cli/programs/host-contract"]);
        program = path.join(copy, "test", "cli", "programs", "host-contract");
    });
    afterAll(() => sandbox.dispose());

    it("builds Pulumi v3.276.0 with this repository's language host and the bundled dynamic-provider plugin", async () => {
        const bin = pulumiToolchainBin();
        expect(fs.readdirSync(bin).sort()).toEqual(["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]);
        const version = await sandbox.ok(["version"], { cwd: program });
        expect(version.stdout.trim()).toBe("v3.276.0");
    });

    it("runs a program with its config, secrets, stack and runtime options, and acquires no plugin", async () => {
        await sandbox.ok(["stack", "init", "contract"], { cwd: program });
        await sandbox.ok(["config", "set", "greeting", "hello"], { cwd: program });
        await sandbox.ok(["config", "set", "--secret", "token", token], { cwd: program });

        const preview = await sandbox.ok(["preview"], { cwd: program });
        expect(preview.stdout).toContain("+ 1 to create");

        const up = await sandbox.ok(["up", "--yes"], { cwd: program });
        expect(up.stdout).not.toContain(token);
        const outputs = JSON.parse((await sandbox.ok(["stack", "output", "--json", "--show-secrets"], { cwd: program })).stdout);
        expect(outputs).toEqual({
            greeting: "hello",
            token,
            stack: "contract",
            project: "host-contract",
            execArgv: ["--max-old-space-size=512"],
            dryRunSeen: false,
        });
        const masked = JSON.parse((await sandbox.ok(["stack", "output", "--json"], { cwd: program })).stdout);
        expect(masked.token).toBe("[secret]");

        // Nothing was downloaded: no plugin directory under PULUMI_HOME.
        expect(fs.existsSync(path.join(sandbox.pulumiHome, "plugins"))).toBe(false);
    });

    it("reports a program's error once, with the exit code of a failed update", async () => {
        await sandbox.ok(["config", "set", "fail", "true"], { cwd: program });
        const failed = await sandbox.run(["up", "--yes"], { cwd: program });
        expect(failed.code).not.toBe(0);
        const output = failed.stdout + failed.stderr;
        expect(output.split("failing on purpose: host-contract:fail is true").length - 1).toBe(1);
        expect(output).not.toContain("Program exited with non-zero exit code");
        if (failed.code === 0) {
            throw new Error(describeRun(failed));
        }
    });
});
