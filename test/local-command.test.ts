// `npm run local` (and `npm run emulator`) as users run and stop them: the servers answer, a stop
// by Ctrl-C, by a signal to npm alone or by npm's death leaves no process holding a port, and a
// taken port is explained.

import axios from "axios";
import * as fs from "fs";
import * as net from "net";
import {
    killGroup,
    localUrls,
    loggedRequests,
    portIsFree,
    refusesConnections,
    RunningLocal,
    startLocalCommand,
    waitFor,
} from "./support/local-command";

const started: RunningLocal[] = [];
const held: net.Server[] = [];

afterEach(async () => {
    started.splice(0).forEach(killGroup);
    await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function start(env: NodeJS.ProcessEnv = {}, script = "local"): RunningLocal {
    const local = startLocalCommand(env, script);
    started.push(local);
    return local;
}

async function holdPort(): Promise<number> {
    const server = net.createServer();
    held.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
}

const objectsDir = (stdout: string) => /objects in (\S+)/.exec(stdout)?.[1];

describe("npm run local", () => {
    // What an IDE's stop button, `kill $!`, a closed terminal or an OOM killer sends to npm alone,
    // and Ctrl-C, which the terminal sends to the whole process group.
    it.each([
        ["SIGINT to its npm process alone", (local: RunningLocal) => process.kill(local.npm.pid!, "SIGINT")],
        ["SIGTERM to its npm process alone", (local: RunningLocal) => process.kill(local.npm.pid!, "SIGTERM")],
        ["SIGHUP to its npm process alone", (local: RunningLocal) => process.kill(local.npm.pid!, "SIGHUP")],
        ["SIGKILL to its npm process alone", (local: RunningLocal) => process.kill(local.npm.pid!, "SIGKILL")],
        ["Ctrl-C (SIGINT to the whole process group)", (local: RunningLocal) => process.kill(-local.npm.pid!, "SIGINT")],
    ])("stops both servers on %s, leaving no port held and no objects behind", async (_how, stop) => {
        const local = start();
        const urls = await localUrls(local);
        // Both answer before the stop.
        expect((await axios.get(`${urls.emulator}/v2/project/12345678/archive/storage`, { validateStatus: () => true })).status).toBe(404);
        expect((await axios.get(`${urls.s3}/local-archives/`, { validateStatus: () => true })).status).toBeLessThan(500);
        const dir = objectsDir(local.stdout())!;
        expect(fs.existsSync(dir)).toBe(true);

        stop(local);
        await waitFor(
            async () => (await refusesConnections(urls.emulator)) && (await refusesConnections(urls.s3)),
            "both ports to refuse connections",
            local.stdout,
            60_000,
        );
        // npm's stdout closes when the last process holding it (the servers' node) has exited.
        await local.exited;
        expect(await portIsFree(urls.emulator)).toBe(true);
        expect(await portIsFree(urls.s3)).toBe(true);
        expect(local.stdout()).toContain("Stopped the OpenTok emulator and the local S3.");
        expect(fs.existsSync(dir)).toBe(false);
    });

    it.each([
        ["OpenTok emulator", "OPENTOK_EMULATOR_PORT"],
        ["local S3", "OPENTOK_LOCAL_S3_PORT"],
    ])("says which port is taken when the %s's is, without a stack trace, and leaves nothing running", async (server, variable) => {
        const port = await holdPort();
        const local = start({ [variable]: String(port) });
        expect(await local.exited).toBe(1);
        expect(local.stderr()).toBe(
            `Port ${port} (${server}) is already in use on 127.0.0.1: another \`npm run local\` or \`npm run emulator\` may still be running. ` +
                `Stop it, or set ${variable} to a free port (0 picks one).\n`,
        );
        expect(local.stdout()).toBe("");
    });

    it("refuses a port setting that is not a port, naming the variable", async () => {
        const local = start({ OPENTOK_LOCAL_S3_PORT: "45o8" });
        expect(await local.exited).toBe(1);
        expect(local.stderr()).toBe('OPENTOK_LOCAL_S3_PORT must be a port number from 0 to 65535 (0: any free port), but was "45o8"\n');
    });

    it("refuses a malformed project list without showing the secrets in it", async () => {
        const local = start({ OPENTOK_EMULATOR_PROJECTS: "12345678:secret-Pr0jLeak:extra" });
        expect(await local.exited).toBe(1);
        expect(local.stderr()).toBe('OPENTOK_EMULATOR_PROJECTS must be "apiKey:apiSecret" pairs separated by commas, but pair 1 is not\n');
    });

    it("logs each request to either server, one line each, with no secret", async () => {
        const local = start();
        const urls = await localUrls(local);
        await axios.put(`${urls.emulator}/v2/project/12345678/archive/storage`, "{}", { validateStatus: () => true });
        await axios.get(`${urls.s3}/`, { validateStatus: () => true });
        await waitFor(
            () => loggedRequests(local.stdout(), "s3").length === 1 && loggedRequests(local.stdout(), "opentok").length === 1,
            "two log lines",
            local.stdout,
        );
        expect(loggedRequests(local.stdout(), "opentok")).toEqual([
            "PUT /v2/project/12345678/archive/storage 403 missing header: no X-OPENTOK-AUTH header",
        ]);
        expect(loggedRequests(local.stdout(), "s3")).toEqual([expect.stringMatching(/^GET \/ \d{3} ListBuckets$/)]);
    });
});

describe("npm run emulator", () => {
    it.each(["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"] as const)("stops on %s to its npm process alone, freeing its port", async (signal) => {
        const local = start({}, "emulator");
        await waitFor(() => /listening on http/.test(local.stdout()), "the emulator to start", local.stderr);
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(local.stdout())![1]!;
        process.kill(local.npm.pid!, signal);
        await waitFor(() => refusesConnections(url), "the emulator's port to refuse connections", local.stdout, 60_000);
        await local.exited;
    });

    it("says when its port is taken", async () => {
        const port = await holdPort();
        const local = start({ OPENTOK_EMULATOR_PORT: String(port) }, "emulator");
        expect(await local.exited).toBe(1);
        expect(local.stderr()).toMatch(
            new RegExp(`^Port ${port} \\(OpenTok emulator\\) is already in use on 127\\.0\\.0\\.1: .* set OPENTOK_EMULATOR_PORT to a free port`),
        );
        expect(local.stderr()).not.toMatch(/EADDRINUSE|\n\s+at /);
    });
});
