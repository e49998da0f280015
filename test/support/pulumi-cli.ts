// The real Pulumi CLI, from the pinned toolchain (scripts/pulumi-toolchain.sh), run the way a
// user runs it but sealed off: its own HOME and PULUMI_HOME in a temporary directory, a file
// backend there, passphrase secrets, no update check and no plugin downloads.

import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const projectRoot = path.resolve(__dirname, "..", "..");

let toolchainBin: string | undefined;

/**
 * The toolchain's bin directory, built on first use (minutes the first time, then reused):
 * `pulumi`, `pulumi-language-nodejs` and the project's @pulumi/pulumi's `pulumi-resource-pulumi-nodejs`.
 */
export function pulumiToolchainBin(): string {
    toolchainBin ??= execFileSync("bash", [path.join(projectRoot, "scripts", "pulumi-toolchain.sh"), "--bin-dir"], {
        cwd: projectRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return toolchainBin;
}

export interface PulumiResult {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    /** The command line, for failure messages. */
    command: string;
}

export interface RunPulumiOptions {
    cwd: string;
    /** Variables on top of the sandbox's (a value of `undefined` removes one). */
    env?: NodeJS.ProcessEnv;
    /** Fed to stdin, then closed; stdin is closed at once without it. */
    input?: string;
    /** Generous: a run under load is slow; this only stops a hung run. */
    timeoutMs?: number;
    /** Called with the child as soon as it started (to kill it at a chosen moment). */
    started?: (child: import("child_process").ChildProcess) => void;
}

/**
 * A sealed place to run `pulumi`: HOME and PULUMI_HOME in a temporary directory, so a project's
 * `backend: url: file://~` and `pulumi login --local` write there too.
 */
export class PulumiSandbox {
    readonly home: string;
    readonly pulumiHome: string;
    readonly env: NodeJS.ProcessEnv;
    private readonly copies: string[] = [];

    constructor(options: { passphrase: string; env?: NodeJS.ProcessEnv }) {
        this.home = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
        this.pulumiHome = path.join(this.home, ".pulumi");
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PULUMI_")));
        this.env = {
            ...inherited,
            HOME: this.home,
            PATH: [pulumiToolchainBin(), process.env.PATH].join(path.delimiter),
            PULUMI_HOME: this.pulumiHome,
            // The same place `file://~` names: programs without a `backend` in Pulumi.yaml use it too.
            PULUMI_BACKEND_URL: `file://${this.home}`,
            PULUMI_CONFIG_PASSPHRASE: options.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // npm's cache stays where it was; only pulumi's files move.
            npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
            ...options.env,
        };
    }

    /** Runs `pulumi <args>`; resolves with its exit code and output whatever the code. */
    run(args: string[], options: RunPulumiOptions): Promise<PulumiResult> {
        return runPulumi(args, { ...options, env: { ...this.env, ...options.env } });
    }

    /** Runs `pulumi <args>` and fails with its output unless it exits 0. */
    async ok(args: string[], options: RunPulumiOptions): Promise<PulumiResult> {
        const result = await this.run(args, options);
        if (result.code !== 0) {
            throw new Error(describe(result));
        }
        return result;
    }

    /** Every file the file backend wrote (state, backups, history), relative to HOME. */
    backendFiles(): string[] {
        return listFiles(this.home).filter((file) => file.startsWith(".pulumi" + path.sep));
    }

    /** `scratchCopy(files)`, removed with the sandbox. */
    copy(files: string[]): string {
        const root = scratchCopy(files);
        this.copies.push(root);
        return root;
    }

    dispose(): void {
        for (const dir of [this.home, ...this.copies]) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
}

export function runPulumi(args: string[], options: RunPulumiOptions): Promise<PulumiResult> {
    const command = `pulumi ${args.join(" ")}`;
    const env = Object.fromEntries(Object.entries(options.env ?? process.env).filter(([, value]) => value !== undefined));
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(pulumiToolchainBin(), "pulumi"), args, {
            cwd: options.cwd,
            env,
            stdio: ["pipe", "pipe", "pipe"],
        });
        options.started?.(child);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdin.end(options.input ?? "");
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${command} did not finish in ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
        }, options.timeoutMs ?? 300_000);
        child.on("error", (err) => {
            clearTimeout(timer);
            reject(err);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr, command });
        });
    });
}

export function describe(result: PulumiResult): string {
    return `${result.command} exited ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

/**
 * A copy of the files under `paths` that git tracks or would track (relative to the project root) at the same relative
 * places in a new directory inside the checkout, `.toolchain/scratch/` (gitignored), so that a
 * program's packages resolve from the project's node_modules while the stack files `pulumi`
 * writes beside Pulumi.yaml stay out of the tree. Ignored files (the stack file of one's own
 * try-out, node_modules) are not copied. Returns the copy's root.
 */
export function scratchCopy(paths: string[]): string {
    const parent = path.join(projectRoot, ".toolchain", "scratch");
    fs.mkdirSync(parent, { recursive: true });
    const root = fs.mkdtempSync(path.join(parent, "run-"));
    const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...paths], {
        cwd: projectRoot,
        encoding: "utf8",
    })
        .split("\0")
        .filter(Boolean);
    if (tracked.length === 0) {
        throw new Error(`no tracked file under ${paths.join(", ")}`);
    }
    for (const file of tracked) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.copyFileSync(path.join(projectRoot, file), path.join(root, file));
    }
    return root;
}

function listFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
    });
}
