// The project's environment stacks under the real Pulumi CLI, in a throwaway copy of the project:
// the program's own files (Pulumi.yaml, index.ts, stacks/, tsconfigs, package.json) copied into a
// temporary directory whose node_modules is the repository's, run in a PulumiSandbox (HOME and
// PULUMI_HOME there, so Pulumi.yaml's `file://~` backend is there too; passphrase secrets; no
// update check or plugin acquisition), with the AWS provider replaced by the loopback stand-in
// (PULUMI_DEBUG_PROVIDERS). Nothing of the repository is written; nothing leaves loopback.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe as describeRun, projectRoot, PulumiResult, PulumiSandbox } from "../support/pulumi-cli";

export const passphrase = "cli-stacks-passphrase-Jw40";

export interface CliResult extends PulumiResult {
    /** stdout and stderr, for messages that may land on either. */
    output: string;
}

/** Files of the program that `pulumi` runs; the stack files are copied beside the stacks' code. */
const programFiles = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "tsconfig.pulumi.json"];

export class StacksProject {
    readonly dir: string;
    private readonly sandbox: PulumiSandbox;

    private constructor(
        private readonly root: string,
        awsPort: number,
    ) {
        this.dir = path.join(root, "project");
        this.sandbox = new PulumiSandbox({
            passphrase,
            env: {
                PULUMI_DEBUG_PROVIDERS: `aws:${awsPort}`,
                // Type-checking is npm test's; CI's previews run transpile-only too.
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
                NO_COLOR: "1",
            },
        });
    }

    /** A copy of the project in a new temporary directory. */
    static create(awsPort: number): StacksProject {
        const project = new StacksProject(fs.mkdtempSync(path.join(os.tmpdir(), "cli-stacks-")), awsPort);
        fs.mkdirSync(path.join(project.dir, "stacks"), { recursive: true });
        for (const file of programFiles) {
            fs.copyFileSync(path.join(projectRoot, file), path.join(project.dir, file));
        }
        for (const file of fs.readdirSync(path.join(projectRoot, "stacks"))) {
            fs.copyFileSync(path.join(projectRoot, "stacks", file), path.join(project.dir, "stacks", file));
        }
        fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(project.dir, "node_modules"), "dir");
        return project;
    }

    /** The stack file of `stack` in the copy. */
    stackFile(stack: string): string {
        return path.join(this.dir, "stacks", `Pulumi.${stack}.yaml`);
    }

    /** Runs `pulumi args...` in the copy; resolves with what it printed, whatever its exit code. */
    async pulumi(args: string[]): Promise<CliResult> {
        const result = await this.sandbox.run(args, { cwd: this.dir });
        return { ...result, output: result.stdout + result.stderr };
    }

    /** Runs `pulumi args...` and fails with what it printed unless it succeeded. */
    async ok(args: string[]): Promise<CliResult> {
        const result = await this.pulumi(args);
        if (result.code !== 0) {
            throw new Error(describeRun(result));
        }
        return result;
    }

    /** Creates `stack` from its stack file, with passphrase secrets and the given config. */
    async initStack(stack: string, config: Record<string, string>, secrets: Record<string, string>): Promise<void> {
        await this.ok(["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"]);
        for (const [key, value] of Object.entries(config)) {
            await this.ok(["config", "set", "--stack", stack, key, value]);
        }
        for (const [key, value] of Object.entries(secrets)) {
            await this.ok(["config", "set", "--stack", stack, "--secret", key, value]);
        }
    }

    /** The stack's state as `pulumi stack export` gives it (secrets encrypted). */
    async exportState(stack: string): Promise<{ text: string; resources: StateResource[] }> {
        const { stdout } = await this.ok(["stack", "export", "--stack", stack]);
        const deployment = JSON.parse(stdout) as { deployment: { resources?: StateResource[] } };
        return { text: stdout, resources: deployment.deployment.resources ?? [] };
    }

    /** Everything the backend holds on disk (state, backups, history) and the stack files. */
    filesOnDisk(): string {
        const files = [
            ...this.sandbox.backendFiles().map((file) => path.join(this.sandbox.home, file)),
            ...fs.readdirSync(path.join(this.dir, "stacks")).map((file) => path.join(this.dir, "stacks", file)),
        ];
        return files.map((file) => fs.readFileSync(file, "utf8")).join("\n");
    }

    remove(): void {
        this.sandbox.dispose();
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

export interface StateResource {
    urn: string;
    type: string;
    id?: string;
    protect?: boolean;
    deletedWith?: string;
    dependencies?: string[];
    outputs?: Record<string, unknown>;
}

/** The URN of a resource of the stacks' program: its parent chain is the component's. */
export function urnOf(stack: string, type: string, name: string): string {
    const parentType = type === "opentok-archive-storage:index:ArchiveStorage" ? "" : "opentok-archive-storage:index:ArchiveStorage$";
    return `urn:pulumi:${stack}::opentok-archive-storage::${parentType}${type}::${name}`;
}
