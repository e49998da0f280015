// The provider's lifecycle under the real Pulumi CLI: a small program using the package
// (test/cli/programs/lifecycle) taken through create, no-op, update, rename with aliases, a new
// project, refresh, --replace, import, export and destroy; stacks written by each earlier
// `__provider` text; an `up` killed during its PUT. Every step is counted on the emulator.

import { ChildProcess, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { OpenTokEmulator } from "../emulator/opentok-emulator";
import { waitFor } from "../support/local-command";
import { apiSecret, newApiKey, secretKey } from "../support/fixtures";
import { describe as describeRun, projectRoot, PulumiResult, PulumiSandbox } from "../support/pulumi-cli";

const targetType = "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget";
const storage = (apiKey: string) => `/v2/project/${apiKey}/archive/storage`;
const fixture = (name: string) => path.join(projectRoot, "test", "fixtures", name);

const emulator = new OpenTokEmulator();
let sandbox: PulumiSandbox;
let program: string;
let seen = 0;

beforeAll(async () => {
    await emulator.start();
    sandbox = new PulumiSandbox({ passphrase: "lifecycle-test" });
    program = path.join(sandbox.copy(["tsconfig.json", "test/cli/programs/lifecycle"]), "test", "cli", "programs", "lifecycle");
});

afterAll(async () => {
    sandbox?.dispose();
    await emulator.stop();
});

/** What the emulator received since the last call: "METHOD path status". */
async function received(): Promise<string[]> {
    await emulator.idle();
    const since = emulator.requests.slice(seen).map((r) => `${r.method} ${r.path} ${r.outcome}`);
    seen = emulator.requests.length;
    return since;
}

function pulumi(args: string[]): Promise<PulumiResult> {
    return sandbox.run(args, { cwd: program });
}

async function ok(args: string[]): Promise<PulumiResult> {
    const result = await pulumi(args);
    if (result.code !== 0) {
        throw new Error(describeRun(result));
    }
    return result;
}

/** A new stack of the program, for a new project on the emulator. */
async function newStack(stack: string, apiKey = newApiKey()): Promise<string> {
    emulator.addProject(apiKey, apiSecret);
    await ok(["stack", "init", stack]);
    await ok([
        "config",
        "set-all",
        "--plaintext",
        `apiKey=${apiKey}`,
        "--plaintext",
        `apiUrl=${emulator.url}`,
        "--secret",
        `apiSecret=${apiSecret}`,
        "--secret",
        `secretKey=${secretKey}`,
    ]);
    return apiKey;
}

interface ExportedResource {
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

async function exported(): Promise<{ text: string; targets: ExportedResource[]; pending: unknown[] }> {
    const text = (await ok(["stack", "export"])).stdout;
    const deployment = JSON.parse(text).deployment;
    const resources = (deployment.resources ?? []) as ExportedResource[];
    return { text, targets: resources.filter((r) => r.type === targetType), pending: deployment.pending_operations ?? [] };
}

function expectNoPlaintextSecret(text: string): void {
    expect(text).not.toContain(apiSecret);
    expect(text).not.toContain(secretKey);
    expect(text).not.toContain(JSON.stringify(secretKey).slice(1, -1));
}

describe("an ArchiveUploadTarget through pulumi", () => {
    let first: string;
    let second: string;

    beforeAll(async () => {
        first = await newStack("lifecycle");
        second = newApiKey();
        emulator.addProject(second, apiSecret);
        await received();
    });

    it("create: up sets the target with one PUT", async () => {
        await ok(["up", "--yes"]);
        expect(await received()).toEqual([`PUT ${storage(first)} 200`]);
    });

    it("no-op: a second up changes nothing and sends nothing", async () => {
        await ok(["up", "--yes", "--expect-no-changes"]);
        expect(await received()).toEqual([]);
    });

    it("update: a changed sse is one PUT", async () => {
        await ok(["config", "set", "sse", "none"]);
        const preview = await ok(["preview", "--diff"]);
        expect(preview.stdout).toMatch(/~ sse\s*: "s3" => "none"/);
        expect(await received()).toEqual([]);
        await ok(["up", "--yes"]);
        expect(await received()).toEqual([`PUT ${storage(first)} 200`]);
        expect(emulator.targets.get(first)?.config.sse).toBe("none");
    });

    it("rename with aliases: the same resource, nothing sent", async () => {
        await ok(["config", "set", "name", "renamed"]);
        await ok(["config", "set", "aliases", "archives"]);
        await ok(["up", "--yes", "--expect-no-changes"]);
        expect(await received()).toEqual([]);
        expect((await exported()).targets.map((t) => t.urn.split("::").pop())).toEqual(["renamed"]);
    });

    it("a new apiKey: the new project's target is set first, then the old one's removed", async () => {
        await ok(["config", "set", "apiKey", second]);
        const up = await ok(["up", "--yes"]);
        expect(up.stdout).toMatch(/\+-\s+pulumi-nodejs:dynamic\/opentok:ArchiveUploadTarget renamed replaced/);
        expect(await received()).toEqual([`PUT ${storage(second)} 200`, `DELETE ${storage(first)} 204`]);
        expect([...emulator.targets.keys()].filter((k) => k === first || k === second)).toEqual([second]);
    });

    it("refresh reads nothing from the API, and the next preview has no diff", async () => {
        await ok(["refresh", "--yes"]);
        await ok(["preview", "--expect-no-changes"]);
        expect(await received()).toEqual([]);
    });

    it("up --replace sets the target again with one PUT; the replaced resource's DELETE is skipped", async () => {
        const [target] = (await exported()).targets;
        await ok(["up", "--yes", "--replace", target!.urn]);
        expect(await received()).toEqual([`PUT ${storage(second)} 200`]);
        expect(emulator.targets.has(second)).toBe(true);
    });

    it("import is refused, and nothing is sent", async () => {
        const result = await pulumi(["import", targetType, "imported", second, "--yes"]);
        expect(result.code).not.toBe(0);
        // The provider host reads with the provider text in state, and an import has none (pulumi/pulumi#16175).
        expect(result.stdout).toContain("error: Preview failed: code must be a string, not undefined");
        expect((await exported()).targets.map((t) => t.urn.split("::").pop())).toEqual(["renamed"]);
        expect(await received()).toEqual([]);
    });

    it("stack export, state, backups and history hold no plaintext secret", async () => {
        const { text, targets } = await exported();
        expect(targets).toHaveLength(1);
        expectNoPlaintextSecret(text);
        for (const file of sandbox.backendFiles()) {
            expectNoPlaintextSecret(fs.readFileSync(path.join(sandbox.home, file), "utf8"));
        }
    });

    it("destroy removes the target with one DELETE", async () => {
        await ok(["destroy", "--yes"]);
        expect(await received()).toEqual([`DELETE ${storage(second)} 204`]);
        expect(emulator.targets.has(second)).toBe(false);
    });
});

describe.each([
    ["the first release's closure-serialized provider", "embedded-provider-37ad7bc.txt", "embedded"],
    ["the checkout loader of an earlier release", "loader-provider-d625603.txt", "loader"],
])("a stack written by %s", (_what, file, stack) => {
    let apiKey: string;
    const oldText = fs.readFileSync(fixture(file), "utf8");

    /** An `up` with the old text as `__provider`, as that release ran it. */
    async function upWithOldText(): Promise<void> {
        await ok(["config", "set", "providerText", fixture(file)]);
        await ok(["up", "--yes"]);
        expect(await received()).toEqual([`PUT ${storage(apiKey)} 200`]);
        expect((await exported()).targets[0]?.outputs.__provider).toBe(oldText);
        await ok(["config", "rm", "providerText"]);
    }

    beforeAll(async () => {
        if (stack === "loader") {
            // That loader bundles providers/ relative to where the provider host runs (the program's directory).
            fs.cpSync(path.join(projectRoot, "providers"), path.join(program, "providers"), {
                recursive: true,
                filter: (source) => !/[/\\](node_modules|dist)([/\\]|$)/.test(source),
            });
        }
        apiKey = await newStack(`old-${stack}`);
        await upWithOldText();
    });

    it("previews with no change under the package, and sends nothing", async () => {
        await ok(["preview", "--expect-no-changes"]);
        expect(await received()).toEqual([]);
    });

    it("an up under the package changes nothing and sends nothing; state keeps the old text's outputs", async () => {
        await ok(["up", "--yes", "--expect-no-changes"]);
        expect(await received()).toEqual([]);
        const [target] = (await exported()).targets;
        expect(target?.inputs.__provider).toBe(archiveUploadTargetProviderText);
        expect(target?.outputs.__provider).toBe(oldText);
    });

    it("is then destroyed by the old text in state, with one DELETE", async () => {
        await ok(["destroy", "--yes"]);
        expect(await received()).toEqual([`DELETE ${storage(apiKey)} 204`]);
        expect(emulator.targets.has(apiKey)).toBe(false);
    });

    it("updates with one PUT under the package, which then destroys it with one DELETE", async () => {
        await upWithOldText();
        await ok(["config", "set", "sse", "none"]);
        await ok(["up", "--yes"]);
        expect(await received()).toEqual([`PUT ${storage(apiKey)} 200`]);
        expect(emulator.targets.get(apiKey)?.config.sse).toBe("none");
        expect((await exported()).targets[0]?.outputs.__provider).toBe(archiveUploadTargetProviderText);
        await ok(["destroy", "--yes"]);
        expect(await received()).toEqual([`DELETE ${storage(apiKey)} 204`]);
    });
});

describe("an up killed with SIGKILL while its PUT is in flight", () => {
    let apiKey: string;
    let release: () => void = () => undefined;
    /** The plugins the killed `pulumi` had started: each runs in a process group of its own. */
    let leftBehind: number[] = [];

    beforeAll(async () => {
        apiKey = await newStack("killed");
        await received();
    });
    afterAll(() => {
        release();
        for (const pid of leftBehind) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
    });

    it("leaves the stack locked with a pending create, and the provider host still running, which completes the PUT", async () => {
        emulator.injectFaults({ kind: "hold", until: new Promise<void>((resolve) => (release = resolve)) });
        let child: ChildProcess | undefined;
        const running = sandbox.run(["up", "--yes"], { cwd: program, started: (c) => (child = c) });
        await waitFor(
            () => emulator.requests.slice(seen).some((r) => r.method === "PUT"),
            "the PUT to reach the emulator",
            () => "",
            300_000,
        );
        leftBehind = descendants(child!.pid!);
        child!.kill("SIGKILL");
        expect((await running).signal).toBe("SIGKILL");
        // Nothing stops Pulumi's dynamic-provider host when the engine dies (the language host exits at
        // its next engine health check, within 5 minutes): the held PUT is still being waited for.
        expect(alive(leftBehind).length).toBeGreaterThan(0);
        release();
        expect(await received()).toEqual([`PUT ${storage(apiKey)} 200`]);
        expect(emulator.requests.at(-1)?.clientGaveUp).toBeUndefined();
        expect(emulator.targets.has(apiKey)).toBe(true);
        const { pending, targets } = await exported();
        expect({ pending, targets: targets.length }).toEqual({ pending: [expect.objectContaining({ type: "creating" })], targets: 0 });
    });

    it("the next up is refused until `pulumi cancel` removes the lock", async () => {
        const refused = await pulumi(["up", "--yes"]);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain("the stack is currently locked by 1 lock(s)");
        expect(refused.stderr).toContain("pulumi cancel");
        await ok(["cancel", "--yes"]);
        expect(await received()).toEqual([]);
    });

    it("then up creates the target again with one PUT, warning of the pending create, which it keeps", async () => {
        const up = await ok(["up", "--yes"]);
        expect(up.stdout).toContain("warning: Attempting to deploy or update resources with 1 pending operations from previous deployment.");
        expect(await received()).toEqual([`PUT ${storage(apiKey)} 200`]);
        const { pending, targets } = await exported();
        expect({ pending: pending.length, targets: targets.length }).toEqual({ pending: 1, targets: 1 });
    });

    it("`pulumi refresh --clear-pending-creates` clears it without a request, and the stack has converged", async () => {
        await ok(["refresh", "--yes", "--clear-pending-creates"]);
        expect((await exported()).pending).toEqual([]);
        const again = await ok(["up", "--yes", "--expect-no-changes"]);
        expect(again.stdout).not.toContain("pending operations");
        expect(await received()).toEqual([]);
        await ok(["destroy", "--yes"]);
        expect(await received()).toEqual([`DELETE ${storage(apiKey)} 204`]);
    });
});

/** The processes below `pid`, at this moment. */
function descendants(pid: number): number[] {
    const table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
    const found: number[] = [];
    const walk = (parent: number) => {
        for (const [child, ppid] of table) {
            if (ppid === parent) {
                found.push(child);
                walk(child);
            }
        }
    };
    walk(pid);
    return found;
}

function alive(pids: number[]): number[] {
    return pids.filter((pid) => {
        try {
            process.kill(pid, 0);
            return true;
        } catch {
            return false;
        }
    });
}
