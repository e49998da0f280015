// The policy pack as users run it: `pulumi preview --policy-pack policy` under the pinned CLI,
// which starts the pack through @pulumi/pulumi's run-policy-pack in the pack's directory.

import * as fs from "fs";
import * as path from "path";
import { PulumiSandbox, projectRoot } from "../support/pulumi-cli";

const program = path.join(__dirname, "programs", "policy-targets");
// Written by the test (stack init, config set) and removed after it; gitignored.
const stackFile = path.join(program, "Pulumi.prod.yaml");
const secretKey = "policy-cli-secret-key-Zr81";
const apiSecret = "policy-cli-api-secret-Tq05";

/** The "Policies:" part of a preview's output: what the pack printed. */
const policiesSection = (output: string) =>
    output.slice(output.indexOf("Policies:"), output.indexOf("Diagnostics:") >= 0 ? output.indexOf("Diagnostics:") : undefined);

describe("the policy pack under the Pulumi CLI", () => {
    let sandbox: PulumiSandbox;
    const preview = async (which: string) => {
        await sandbox.ok(["config", "set", "case", which], { cwd: program });
        return sandbox.run(
            [
                "preview",
                "--policy-pack",
                path.join(projectRoot, "policy"),
                "--policy-pack-config",
                path.join(projectRoot, "policy", "config.prod.json"),
            ],
            {
                cwd: program,
            },
        );
    };

    beforeAll(async () => {
        fs.rmSync(stackFile, { force: true });
        sandbox = new PulumiSandbox({ passphrase: "policy-pack-test" });
        await sandbox.ok(["stack", "init", "prod"], { cwd: program });
        await sandbox.ok(["config", "set", "--secret", "secretKey", secretKey], { cwd: program });
        await sandbox.ok(["config", "set", "--secret", "apiSecret", apiSecret], { cwd: program });
    });
    afterAll(() => {
        sandbox.dispose();
        fs.rmSync(stackFile, { force: true });
    });

    it("passes a compliant target", async () => {
        const result = await preview("compliant");
        expect({ code: result.code, output: result.stdout }).toEqual({ code: 0, output: expect.stringContaining("opentok-archive-storage@v0.1.0") });
        expect(result.stdout).not.toContain("[mandatory]");
    });

    it("refuses sse none, a second target for the same project, and a fallback the stack forbids", async () => {
        const result = await preview("violations");
        expect(result.code).not.toBe(0);
        const policies = policiesSection(result.stdout);
        expect(policies).toContain(
            'ArchiveUploadTarget first has sse "none": OpenTok would upload archives without asking for server-side encryption.',
        );
        expect(policies).toContain(
            'ArchiveUploadTarget second sets the archive upload target of the same OpenTok project "47000003" at "https://api.opentok.com" as first: a project has one target',
        );
        // The engine analyzes the inputs check resolved: "vonage" is stored as this API's "opentok".
        expect(policies).toContain('ArchiveUploadTarget second has fallback "opentok", but this stack\'s policy requires "none"');
    });

    it("prints no secret pasted into a wrong input", async () => {
        const result = await preview("secret-in-fallback");
        expect(result.code).not.toBe(0);
        const policies = policiesSection(result.stdout);
        expect(policies).toContain("ArchiveUploadTarget pasted has fallback a value check refuses (not shown)");
        expect(policies).not.toContain(secretKey);
        expect(result.stdout + result.stderr).not.toContain(apiSecret);
    });
});
