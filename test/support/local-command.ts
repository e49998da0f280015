// `npm run local` as a user starts it: its own process group, its npm process, its output.

import { ChildProcessWithoutNullStreams, spawn } from "child_process";
import * as net from "net";
import { projectRoot } from "../harness/stand-in-engine";

export interface RunningLocal {
    /** npm's process (the one a user's SIGTERM reaches); the servers run in its group. */
    npm: ChildProcessWithoutNullStreams;
    stdout(): string;
    stderr(): string;
    /** What npm exits with. */
    exited: Promise<number | null>;
}

/** Starts `npm run local` (or `npm run emulator`), ports 0 unless `env` says otherwise. */
export function startLocalCommand(env: NodeJS.ProcessEnv = {}, script = "local"): RunningLocal {
    const npm = spawn("npm", ["run", "--silent", script], {
        cwd: projectRoot,
        env: { ...process.env, OPENTOK_EMULATOR_PORT: "0", OPENTOK_LOCAL_S3_PORT: "0", ...env },
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
    });
    let stdout = "";
    let stderr = "";
    npm.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    npm.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => npm.on("close", (code) => resolve(code)));
    return { npm, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `condition` until it holds; fails with `what` and `context()` after `timeoutMs`. */
export async function waitFor(
    condition: () => boolean | Promise<boolean>,
    what: string,
    context: () => string = () => "",
    timeoutMs = 120_000,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`Timed out waiting for ${what}\n${context()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

/** The servers' URLs from what `npm run local` prints, once it has printed them. */
export async function localUrls(local: RunningLocal): Promise<{ emulator: string; s3: string }> {
    const pattern = /OpenTok emulator\s+(http:\/\/127\.0\.0\.1:\d+)[\s\S]*Local S3\s+(http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl-C/;
    await waitFor(
        () => pattern.test(local.stdout()),
        "npm run local to print its URLs",
        () => local.stdout() + local.stderr(),
    );
    const [, emulator, s3] = pattern.exec(local.stdout())!;
    return { emulator: emulator!, s3: s3! };
}

/** The request lines a server printed ("METHOD path status ..."), in order. */
export function loggedRequests(stdout: string, server: "opentok" | "s3"): string[] {
    return stdout
        .split("\n")
        .map((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${server}\\s+(.*)$`).exec(line)?.[1])
        .filter((line): line is string => line !== undefined);
}

/** True when nothing listens on the port of `url` on loopback. */
export function portIsFree(url: string): Promise<boolean> {
    const port = Number(new URL(url).port);
    return new Promise((resolve) => {
        const probe = net.createServer();
        probe.once("error", () => resolve(false));
        probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
}

/** True when a connection to the port of `url` on loopback is refused: nothing serves it any more. */
export function refusesConnections(url: string): Promise<boolean> {
    const port = Number(new URL(url).port);
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(false);
        });
        socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
    });
}

/** Ends the process group if a test left it running. */
export function killGroup(local: RunningLocal): void {
    try {
        process.kill(-local.npm.pid!, "SIGKILL");
    } catch {
        // Already gone.
    }
}
