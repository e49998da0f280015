// What `npm run emulator` and `npm run local` share: settings read from the environment with
// errors that name the variable, a taken port explained instead of an EADDRINUSE stack trace,
// log lines with the time, and a stop that leaves no process holding a port.

import { localServers } from "../../examples/local/local-servers";

/** A setting or a start-up failure the user can fix: shown as its message alone, no stack. */
export class ServerCommandError extends Error {}

/** A port from `name`, or `fallback` when unset; 0 means any free port. */
export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
    const raw = env[name];
    if (raw === undefined || raw === "") {
        return fallback;
    }
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port > 65535) {
        throw new ServerCommandError(`${name} must be a port number from 0 to 65535 (0: any free port), but was ${JSON.stringify(raw)}`);
    }
    return port;
}

export interface Project {
    apiKey: string;
    apiSecret: string;
}

/** OPENTOK_EMULATOR_PROJECTS: "apiKey:apiSecret" pairs separated by commas. */
export function projectsSetting(env: NodeJS.ProcessEnv): Project[] {
    const raw = env.OPENTOK_EMULATOR_PROJECTS || `${localServers.apiKey}:${localServers.apiSecret}`;
    return raw
        .split(",")
        .filter(Boolean)
        .map((pair, index) => {
            const [apiKey, apiSecret, ...rest] = pair.split(":");
            if (!apiKey || !apiSecret || rest.length > 0) {
                // The pair holds a secret: say which one is wrong, not what it holds.
                throw new ServerCommandError(
                    `OPENTOK_EMULATOR_PROJECTS must be "apiKey:apiSecret" pairs separated by commas, but pair ${index + 1} is not`,
                );
            }
            return { apiKey, apiSecret };
        });
}

/** Explains a failed listen: a taken port names the variable that moves it. */
export function listenFailure(error: unknown, server: string, port: number, variable: string): ServerCommandError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
        return new ServerCommandError(
            `Port ${port} (${server}) is already in use on 127.0.0.1: another \`npm run local\` or \`npm run emulator\` may still be running. ` +
                `Stop it, or set ${variable} to a free port (0 picks one).`,
        );
    }
    if (code === "EACCES") {
        return new ServerCommandError(`Port ${port} (${server}) needs privileges this user lacks: set ${variable} to a port above 1023.`);
    }
    return new ServerCommandError(`${server} could not listen on port ${port}: ${(error as Error).message}`);
}

/** Prints a server's log line with the time and which server it came from. */
export function logTo(server: string): (line: string) => void {
    return (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${server.padEnd(7)} ${line}`);
}

/**
 * Runs `stop` once, on SIGINT, SIGTERM or SIGHUP, or when the parent process goes away. The npm
 * scripts `exec` this process, so that its parent is npm itself: npm passes on the SIGINT and
 * SIGTERM it receives to its child, and without `exec` that child is a `sh -c` that waits and
 * never passes them on; and when npm dies (SIGHUP, SIGKILL) this process is re-parented, which
 * the watch below sees. Under another parent (node run by hand) the watch follows that one.
 */
export function stopOnSignalOrOrphaned(stop: () => Promise<void>): void {
    let stopping = false;
    const once = () => {
        if (stopping) {
            return;
        }
        stopping = true;
        stop().then(
            () => process.exit(0),
            (e: unknown) => {
                console.error(`Stopping failed: ${(e as Error).message}`);
                process.exit(1);
            },
        );
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, once);
    }
    const parent = process.ppid;
    // A quarter of a second between looks: the stop follows the parent's end well within 2 s.
    setInterval(() => {
        if (process.ppid !== parent) {
            once();
        }
    }, 250).unref();
}

/** Runs a command's main: a ServerCommandError is printed as its message alone, then exit 1. */
export function runCommand(main: () => Promise<void>): void {
    main().catch((e: unknown) => {
        console.error(e instanceof ServerCommandError ? e.message : e);
        process.exit(1);
    });
}
