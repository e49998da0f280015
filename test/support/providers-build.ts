// Whether providers/dist, what Pulumi's provider host and every program run, is older than the
// sources it is built from; and a build that brings it up to date, safe to start from two jest
// runs at once (`npm test` beside `npm run test:integration`).

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");
const providers = path.join(root, "providers");
const dist = path.join(providers, "dist");
/** One build at a time: whoever creates this directory builds, the others wait for it to go. */
const lock = path.join(root, "node_modules", ".cache", "providers-build.lock");
/** A lock older than this was left by a run that died while building. */
const abandonedAfterMs = 10 * 60_000;

/** The sources, each with the file built from it (configurations: every file). */
function sources(): { source: string; built: string[] }[] {
    const outputs = fs.existsSync(dist) ? fs.readdirSync(dist).map((file) => path.join(dist, file)) : [];
    const scripts = fs
        .readdirSync(providers)
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
        .map((file) => ({ source: path.join(providers, file), built: [path.join(dist, file.replace(/\.ts$/, ".js"))] }));
    const configurations = [path.join(providers, "tsconfig.json"), path.join(root, "tsconfig.json")].map((source) => ({
        source,
        built: outputs.length > 0 ? outputs : [path.join(dist, "index.js")],
    }));
    return [...scripts, ...configurations];
}

/** Why providers/dist is stale (a source newer than its build, or not built), or undefined. */
export function staleBuildReason(): string | undefined {
    for (const { source, built } of sources()) {
        const sourceTime = fs.statSync(source).mtimeMs;
        for (const file of built) {
            if (!fs.existsSync(file)) {
                return `${path.relative(root, file)} is missing (built from ${path.relative(root, source)})`;
            }
            if (fs.statSync(file).mtimeMs < sourceTime) {
                return `${path.relative(root, source)} is newer than ${path.relative(root, file)}`;
            }
        }
    }
    return undefined;
}

function tryLock(): boolean {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    try {
        fs.mkdirSync(lock);
        return true;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
            throw error;
        }
        const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
        if (age > abandonedAfterMs) {
            fs.rmSync(lock, { recursive: true, force: true });
            return tryLock();
        }
        return false;
    }
}

/** Resolves when the lock is gone: fs.watch on its parent, with a slow poll as a backstop. */
function lockReleased(): Promise<void> {
    return new Promise((resolve) => {
        const done = () => {
            if (!fs.existsSync(lock)) {
                watcher.close();
                clearInterval(poll);
                resolve();
            }
        };
        const watcher = fs.watch(path.dirname(lock), done);
        const poll = setInterval(done, 1000);
        done();
    });
}

/** Runs `npm run build` when providers/dist is stale; fails naming the stale file if it cannot. */
export async function buildIfStale(): Promise<void> {
    let reason = staleBuildReason();
    while (reason !== undefined) {
        if (tryLock()) {
            try {
                // Checked again under the lock: another run may have just built it.
                reason = staleBuildReason();
                if (reason !== undefined) {
                    console.log(`providers/dist is stale (${reason}): npm run build`);
                    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
                }
            } catch (error) {
                const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
                throw new Error(`providers/dist is stale (${reason}) and npm run build failed:\n${output || (error as Error).message}`);
            } finally {
                fs.rmSync(lock, { recursive: true, force: true });
            }
            reason = staleBuildReason();
            if (reason !== undefined) {
                throw new Error(`providers/dist is still stale after npm run build: ${reason}`);
            }
            return;
        }
        await lockReleased();
        reason = staleBuildReason();
    }
}
