// examples/local as a user runs it: `npm run local`, then the commands it prints, with Pulumi's
// own runtime (cmd/run, stand-in engine) running the program and Pulumi's dynamic-provider host
// applying it: preview, up, update (sse changed), destroy. Asserted on what the two servers that
// `npm run local` started logged, and on what the local S3 holds.

import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import axios from "axios";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import { destroy, preview, Program, StackState, targetType, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { projectRoot, Registration, runProgram } from "./harness/stand-in-engine";
import { killGroup, localUrls, loggedRequests, RunningLocal, startLocalCommand, waitFor } from "./support/local-command";

const exampleDir = path.join(projectRoot, "examples", "local");
const project = (yaml.load(fs.readFileSync(path.join(exampleDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
const secretSignature = "4dabf18193072939515e22adb298388d";
const probePath = "/local-archives/12345678/opentok-archive-storage-preflight/probe.txt";
const multipartProbePath = "/local-archives/12345678/opentok-archive-storage-preflight/probe-multipart.txt";
const targetPath = "/v2/project/12345678/archive/storage";

let local: RunningLocal;
let urls: { emulator: string; s3: string };
/** The `pulumi config set` commands printed, in order: the set-up ones, then the sse change. */
let printed: { key: string; value: string; secret: boolean }[][];
const seen = { opentok: 0, s3: 0 };

beforeAll(async () => {
    local = startLocalCommand();
    urls = await localUrls(local);
    const commands = local
        .stdout()
        .split("\n")
        .map((line) => line.trim());
    const configSet = (command: string) =>
        [...command.matchAll(/pulumi config set (--secret )?(\S+) (\S+)/g)].map(([, secret, key, value]) => ({
            key: key!.includes(":") ? key! : `${project}:${key}`,
            value: value!,
            secret: secret !== undefined,
        }));
    const firstUp = commands.findIndex((line) => line.startsWith("pulumi up"));
    printed = [commands.slice(0, firstUp).flatMap(configSet), commands.slice(firstUp).flatMap(configSet)];
});

afterAll(async () => {
    process.kill(local.npm.pid!, "SIGTERM");
    await local.exited;
    killGroup(local);
});

/** Runs the example's program as `pulumi` would, with the config the printed commands set. */
async function runExample(configSets: { key: string; value: string; secret: boolean }[]): Promise<Registration> {
    const config = Object.fromEntries(configSets.map((c) => [c.key, c.value]));
    const secretKeys = configSets.filter((c) => c.secret).map((c) => c.key);
    const result = await runProgram({ stack: "local", project, programDir: exampleDir, config, secretKeys });
    expect({ exitCode: result.exitCode, stderr: result.stderr, errors: result.logs.filter((l) => l.severity >= 3) }).toEqual({
        exitCode: 0,
        stderr: "",
        errors: [],
    });
    return result.registrations.find((r) => r.type === targetType)!;
}

/** The program as the engine hands it to the provider: secrets unwrapped. */
function programOf(registration: Registration): Program {
    const inputs = Object.fromEntries(
        Object.entries(registration.inputs).map(([name, value]) => [
            name,
            typeof value === "object" && value !== null && secretSignature in value ? (value as unknown as { value: unknown }).value : value,
        ]),
    );
    return new Map([[registration.name, inputs]]);
}

/**
 * One `pulumi` command (its own provider host, in the program's directory, as under the CLI), and
 * the lines each server logged for it. A marker request to each server, answered after the
 * command's, makes "nothing sent" observable.
 */
async function command<T>(run: (host: ProviderHost) => Promise<T>): Promise<{ result: T; opentok: string[]; s3: string[]; calls: string[] }> {
    const host = await ProviderHost.start({}, exampleDir);
    try {
        const result = await run(host);
        await axios.get(`${urls.emulator}/marker`, { validateStatus: () => true });
        await axios.get(`${urls.s3}/`, { validateStatus: () => true });
        const logged = () => ({
            opentok: loggedRequests(local.stdout(), "opentok").slice(seen.opentok),
            s3: loggedRequests(local.stdout(), "s3").slice(seen.s3),
        });
        await waitFor(
            () => logged().opentok.some((l) => l.startsWith("GET /marker")) && logged().s3.some((l) => l.startsWith("GET / ")),
            "the marker requests' log lines",
            local.stdout,
        );
        const { opentok, s3 } = logged();
        seen.opentok += opentok.length;
        seen.s3 += s3.length;
        return {
            result,
            opentok: opentok.filter((l) => !l.startsWith("GET /marker")),
            s3: s3.filter((l) => !l.startsWith("GET / ")),
            calls: host.calls.filter((c) => c !== "Configure"),
        };
    } finally {
        await host.stop();
    }
}

/** A request of the test's own to one server, left out of what the next command is said to send. */
async function aside<T>(server: "opentok" | "s3", request: () => Promise<T>): Promise<T> {
    const result = await request();
    await waitFor(
        () => loggedRequests(local.stdout(), server).length > seen[server],
        `the ${server} log line of the test's own request`,
        local.stdout,
    );
    seen[server] += 1;
    return result;
}

function probeObject() {
    const client = new S3Client({
        region: "us-east-1",
        endpoint: urls.s3,
        forcePathStyle: true,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "local-s3-secret" },
    });
    return aside("s3", () =>
        client.send(new HeadObjectCommand({ Bucket: "local-archives", Key: "12345678/opentok-archive-storage-preflight/probe.txt" })),
    );
}

function shownTarget() {
    return aside("opentok", () => axios.get(`${urls.emulator}${targetPath}`, { validateStatus: () => true }));
}

describe("examples/local against the servers of npm run local", () => {
    let state: StackState = new Map();

    it("prints the secrets to set and the settings for ports other than the defaults", () => {
        expect(printed[0]).toEqual([
            { key: "opentok:apiSecret", value: "emulator-secret", secret: true },
            { key: `${project}:s3SecretKey`, value: "local-s3-secret", secret: true },
            { key: "opentok:apiUrl", value: urls.emulator, secret: false },
            { key: `${project}:s3Endpoint`, value: urls.s3, secret: false },
        ]);
        expect(printed[1]).toEqual([{ key: `${project}:sse`, value: "none", secret: false }]);
    });

    it("runs under Pulumi's language host, secrets marked, the provider required by package name", async () => {
        const target = await runExample(printed[0]!);
        expect(target.inputs.apiSecret).toEqual({ [secretSignature]: "1b47061264138c4ac30d75fd1eb44270", value: "emulator-secret" });
        expect(target.additionalSecretOutputs).toEqual(expect.arrayContaining(["apiSecret", "secretKey"]));
        const providerText = target.inputs.__provider as string;
        expect(providerText).not.toContain("emulator-secret");
        // The same text as in any other program: the package is found by name, not by a path.
        expect(providerText).toBe(archiveUploadTargetProviderText);
    });

    it("preview plans a create and sends nothing to either server", async () => {
        const program = programOf(await runExample(printed[0]!));
        const { result, opentok, s3, calls } = await command((host) => preview(host, program, state));
        expect(result.get("archives")).toBe("create");
        expect(calls).toEqual(["Check"]);
        expect({ opentok, s3 }).toEqual({ opentok: [], s3: [] });
    });

    it("up uploads the probe asking for SSE-S3, then sets the target with one PUT", async () => {
        const program = programOf(await runExample(printed[0]!));
        const { result, opentok, s3, calls } = await command((host) => up(host, program, state));
        state = result;
        expect(calls).toEqual(["Check", "Create"]);
        // The preflight probes both ways OpenTok may upload: one PutObject and one multipart upload.
        expect(s3).toEqual([
            `PUT ${probePath} 200 PutObject, SSE-S3 (AES256) confirmed`,
            `POST ${multipartProbePath} 200 CreateMultipartUpload, SSE-S3 (AES256) confirmed`,
            `PUT ${multipartProbePath} 200 UploadPart, SSE-S3 (AES256) confirmed`,
            `POST ${multipartProbePath} 200 CompleteMultipartUpload, SSE-S3 (AES256) confirmed`,
        ]);
        expect(opentok).toEqual([`PUT ${targetPath} 200 set s3 bucket local-archives, endpoint ${urls.s3}, sse s3, fallback none`]);
        expect((await probeObject()).ServerSideEncryption).toBe("AES256");
        const shown = await shownTarget();
        expect(shown.data).toMatchObject({
            config: { bucket: "local-archives", accessKey: "S3RVER", secretKey: "********", sse: "s3" },
            fallback: "none",
        });
    });

    it("after `pulumi config set sse none`, preview plans an update sending nothing, and up sends one probe (4 S3 requests) and one PUT", async () => {
        const program = programOf(await runExample([...printed[0]!, ...printed[1]!]));
        const planned = await command((host) => preview(host, program, state));
        expect(planned.result.get("archives")).toBe("update");
        expect({ opentok: planned.opentok, s3: planned.s3 }).toEqual({ opentok: [], s3: [] });

        const { result, opentok, s3, calls } = await command((host) => up(host, program, state));
        state = result;
        expect(calls).toEqual(["Check", "Diff", "Update"]);
        expect(s3).toEqual([
            `PUT ${probePath} 200 PutObject`,
            `POST ${multipartProbePath} 200 CreateMultipartUpload`,
            `PUT ${multipartProbePath} 200 UploadPart`,
            `POST ${multipartProbePath} 200 CompleteMultipartUpload`,
        ]);
        expect(opentok).toEqual([`PUT ${targetPath} 200 set s3 bucket local-archives, endpoint ${urls.s3}, sse none, fallback none`]);
        const probe = await probeObject();
        expect(probe.ContentLength).toBeGreaterThan(0);
        expect(probe.ServerSideEncryption).toBeUndefined();
    });

    it("destroy removes the target with one DELETE and leaves the probe object", async () => {
        const { opentok, s3, calls } = await command((host) => destroy(host, state));
        expect(calls).toEqual(["Delete"]);
        expect(opentok).toEqual([`DELETE ${targetPath} 204 target removed`]);
        expect(s3).toEqual([]);
        expect((await shownTarget()).status).toBe(404);
        expect((await probeObject()).ContentLength).toBeGreaterThan(0);
    });

    it("logged no token and no secret", () => {
        const requestLines = [...loggedRequests(local.stdout(), "opentok"), ...loggedRequests(local.stdout(), "s3")];
        expect(requestLines.length).toBeGreaterThanOrEqual(6);
        expect(requestLines.join("\n")).not.toMatch(/emulator-secret|eyJ[\w-]+\.[\w-]+/);
    });
});
