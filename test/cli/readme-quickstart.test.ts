// The README's quick starts, run by the real Pulumi CLI: the commands of "Try it locally" read from
// README.md itself and run as a person runs them (only `--yes` added where `pulumi` asks), against
// the servers `npm run local` starts, and the "Set up and deploy" block as far as a machine without
// the AWS provider plugin gets. Asserted on what the emulator and the local S3 logged for each
// command, and on every file `pulumi` wrote holding no secret in plaintext.

import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import axios from "axios";
import * as fs from "fs";
import * as path from "path";
import { killGroup, localUrls, RunningLocal, startLocalCommand, waitFor } from "../support/local-command";
import { describe as describeRun, PulumiResult, PulumiSandbox } from "../support/pulumi-cli";
import { commandsOf, readmeShellBlocks } from "../support/readme-commands";

const targetPath = "/v2/project/12345678/archive/storage";
const probe = "/local-archives/12345678/opentok-archive-storage-preflight/probe.txt";
const multipartProbe = "/local-archives/12345678/opentok-archive-storage-preflight/probe-multipart.txt";

/** Where `pulumi` asks before it changes anything, a person answers yes. */
function asTyped(args: string[]): string[] {
    return ["up", "destroy"].includes(args[0]!) ? [...args, "--yes"] : args;
}

/** One logged request: which server, and its line after the timestamp. */
interface Logged {
    server: "opentok" | "s3";
    line: string;
}

function requestLines(stdout: string): Logged[] {
    return stdout.split("\n").flatMap((text) => {
        const match = /^\d\d:\d\d:\d\d\.\d{3} (opentok|s3)\s+(.*)$/.exec(text);
        return match ? [{ server: match[1] as Logged["server"], line: match[2]! }] : [];
    });
}

describe("README: Try it locally, run by pulumi", () => {
    const [setUpBlock, commandBlock] = readmeShellBlocks("Try it locally");
    let local: RunningLocal;
    let urls: { emulator: string; s3: string };
    let sandbox: PulumiSandbox;
    let cwd: string;
    let seen = 0;
    /** What each README command made the two servers receive, in order. */
    const received: { command: string; requests: Logged[]; result?: PulumiResult }[] = [];
    const secrets = ["emulator-secret", "local-s3-secret"];

    beforeAll(async () => {
        // Ports the kernel chooses: `npm run local` then prints the two `config set` lines that
        // point the example at them, which a person copies with the rest.
        local = startLocalCommand();
        urls = await localUrls(local);
    }, 120_000);

    afterAll(async () => {
        if (local) {
            process.kill(local.npm.pid!, "SIGTERM");
            await local.exited;
            killGroup(local);
        }
        sandbox?.dispose();
    });

    /**
     * The requests the servers logged since the last call. A marker request to each server,
     * logged after everything the command sent, makes "nothing sent" observable.
     */
    async function requestsSinceLast(): Promise<Logged[]> {
        await axios.get(`${urls.emulator}/marker`, { validateStatus: () => true });
        await axios.get(`${urls.s3}/`, { validateStatus: () => true });
        const since = () => requestLines(local.stdout()).slice(seen);
        await waitFor(
            () =>
                since().some((r) => r.server === "opentok" && r.line.startsWith("GET /marker")) &&
                since().some((r) => r.server === "s3" && r.line.startsWith("GET / ")),
            "the marker requests' log lines",
            local.stdout,
        );
        const logged = since();
        seen += logged.length;
        return logged.filter((r) => !r.line.startsWith("GET /marker") && !r.line.startsWith("GET / "));
    }

    /** Every file `pulumi` wrote: its state, backups and history, and the example's stack file. */
    function writtenFiles(): { file: string; text: string }[] {
        const stackFile = path.join(cwd, "Pulumi.local.yaml");
        const files = [...sandbox.backendFiles().map((f) => path.join(sandbox.home, f)), ...(fs.existsSync(stackFile) ? [stackFile] : [])];
        return files.map((file) => ({ file: path.relative(sandbox.home, file), text: fs.readFileSync(file, "utf8") }));
    }

    it("is `npm ci`, then `npm run local` in one terminal", () => {
        expect(setUpBlock).toEqual([
            ["npm", "ci"],
            ["npm", "run", "local"],
        ]);
    });

    it("lists the commands `npm run local` prints, but for the settings of other ports", () => {
        const printed = local
            .stdout()
            .split("\n")
            .filter(
                (line) =>
                    line.startsWith("  ") &&
                    !line.includes(`config set opentok:apiUrl ${urls.emulator}`) &&
                    !line.includes(`config set s3Endpoint ${urls.s3}`),
            )
            .flatMap(commandsOf)
            .map((command) => command.map((word) => word.replace(urls.emulator, "http://127.0.0.1:3900")));
        expect(printed).toEqual(commandBlock);
    });

    it("runs each command: preview sends nothing, up the preflight then one PUT, the update one more, destroy one DELETE", async () => {
        const passphrase = commandBlock!.find((c) => c[0] === "export" && c[1]!.startsWith("PULUMI_CONFIG_PASSPHRASE="))![1]!.split("=")[1]!;
        sandbox = new PulumiSandbox({ passphrase });
        // The example at its place in a copy of the tree: the stack file `pulumi` writes stays out of the checkout.
        cwd = sandbox.copy(["tsconfig.json", "examples/local"]);
        // The lines `npm run local` printed for the ports it got, typed right after the secrets.
        const portSettings = [
            ["pulumi", "config", "set", "opentok:apiUrl", urls.emulator],
            ["pulumi", "config", "set", "s3Endpoint", urls.s3],
        ];
        const commands = commandBlock!.flatMap((command) =>
            command.join(" ").startsWith("pulumi config set --secret s3SecretKey") ? [command, ...portSettings] : [command],
        );
        // And once more after the update: a repeated `up` that must find nothing to change.
        const afterUpdate = commands.length - 1 - [...commands].reverse().findIndex((c) => c[0] === "pulumi" && c[1] === "up");
        commands.splice(afterUpdate + 1, 0, ["pulumi", "up", "--expect-no-changes"]);

        await requestsSinceLast();
        for (const command of commands) {
            const text = command.join(" ");
            if (command[0] === "cd") {
                cwd = path.resolve(cwd, command[1]!);
                continue;
            }
            if (command[0] === "export") {
                continue; // Set in the sandbox above.
            }
            let result: PulumiResult | undefined;
            if (command[0] === "pulumi") {
                result = await sandbox.run(asTyped(command.slice(1)), { cwd });
                if (result.code !== 0) {
                    throw new Error(describeRun(result));
                }
            } else if (command[0] === "curl") {
                const shown = await axios.get(command[1]!.replace("http://127.0.0.1:3900", urls.emulator), { validateStatus: () => true });
                expect(shown.status).toBe(200);
                expect(shown.data).toMatchObject({
                    config: { bucket: "local-archives", accessKey: "S3RVER", secretKey: "********", sse: "none" },
                    fallback: "none",
                });
            } else {
                throw new Error(`the README's try-out has a command this test does not know: ${text}`);
            }
            received.push({ command: text, requests: await requestsSinceLast(), result });
            for (const { file, text: content } of writtenFiles()) {
                for (const secret of secrets) {
                    expect({ file, plaintextSecret: content.includes(secret) }).toEqual({ file, plaintextSecret: false });
                }
            }
            for (const secret of secrets) {
                expect(`${result?.stdout}${result?.stderr}`).not.toContain(secret);
            }
        }

        const lines = received.map(({ command, requests }) => ({ command, requests: requests.map((r) => `${r.server} ${r.line}`) }));
        const preflight = (sse: boolean) => {
            const confirmed = sse ? ", SSE-S3 (AES256) confirmed" : "";
            return [
                `s3 PUT ${probe} 200 PutObject${confirmed}`,
                `s3 POST ${multipartProbe} 200 CreateMultipartUpload${confirmed}`,
                `s3 PUT ${multipartProbe} 200 UploadPart${confirmed}`,
                `s3 POST ${multipartProbe} 200 CompleteMultipartUpload${confirmed}`,
            ];
        };
        expect(lines).toEqual([
            { command: "pulumi stack select local --create", requests: [] },
            { command: "pulumi config set --secret opentok:apiSecret emulator-secret", requests: [] },
            { command: "pulumi config set --secret s3SecretKey local-s3-secret", requests: [] },
            { command: `pulumi config set opentok:apiUrl ${urls.emulator}`, requests: [] },
            { command: `pulumi config set s3Endpoint ${urls.s3}`, requests: [] },
            { command: "pulumi preview", requests: [] },
            {
                command: "pulumi up",
                requests: [
                    ...preflight(true),
                    `opentok PUT ${targetPath} 200 set s3 bucket local-archives, endpoint ${urls.s3}, sse s3, fallback none`,
                ],
            },
            { command: "pulumi config set sse none", requests: [] },
            {
                command: "pulumi up",
                requests: [
                    ...preflight(false),
                    `opentok PUT ${targetPath} 200 set s3 bucket local-archives, endpoint ${urls.s3}, sse none, fallback none`,
                ],
            },
            { command: "pulumi up --expect-no-changes", requests: [] },
            { command: `curl http://127.0.0.1:3900${targetPath}`, requests: [`opentok GET ${targetPath} 200 emulator-only GET`] },
            { command: "pulumi destroy", requests: [`opentok DELETE ${targetPath} 204 target removed`] },
        ]);
    });

    it("left state, backups and the stack file with the secrets encrypted", () => {
        const files = writtenFiles();
        // The checks above mean something only if pulumi wrote what they searched.
        expect(files.map((f) => f.file)).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^\.pulumi\/stacks\/opentok-archive-storage-local\/local\.json$/),
                expect.stringMatching(/^\.pulumi\/backups\/opentok-archive-storage-local\/local\/local\.\d+\.json$/),
                expect.stringMatching(/^\.pulumi\/history\/opentok-archive-storage-local\/local\/local-\d+\.history\.json$/),
            ]),
        );
        const stackFile = fs.readFileSync(path.join(cwd, "Pulumi.local.yaml"), "utf8");
        expect(stackFile).toMatch(/opentok:apiSecret:\n\s+secure: \S+/);
        expect(stackFile).toMatch(/opentok-archive-storage-local:s3SecretKey:\n\s+secure: \S+/);
        const withTarget = files.filter((f) => f.text.includes("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget"));
        expect(withTarget.length).toBeGreaterThan(0);
        for (const { text } of withTarget) {
            expect(text).not.toMatch(/emulator-secret|local-s3-secret/);
        }
    });

    it("logged no token and no secret, and left the probe object the update uploaded without SSE", async () => {
        const logged = requestLines(local.stdout());
        expect(logged.length).toBeGreaterThanOrEqual(12);
        expect(logged.map((r) => r.line).join("\n")).not.toMatch(/emulator-secret|local-s3-secret|eyJ[\w-]+\.[\w-]+/);
        const client = new S3Client({
            region: "us-east-1",
            endpoint: urls.s3,
            forcePathStyle: true,
            credentials: { accessKeyId: "S3RVER", secretAccessKey: "local-s3-secret" },
        });
        const object = await client.send(new HeadObjectCommand({ Bucket: "local-archives", Key: probe.replace("/local-archives/", "") }));
        expect(object.ContentLength).toBeGreaterThan(0);
        expect(object.ServerSideEncryption).toBeUndefined();
    });
});

describe("README: Set up and deploy, run by pulumi without the AWS provider plugin", () => {
    const [block] = readmeShellBlocks("Set up and deploy");
    const apiSecret = "<your project API secret>";
    /** What a user types in place of the placeholder (the program refuses the placeholder itself). */
    const typedSecret = "f3c1b2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3";
    let sandbox: PulumiSandbox;
    let cwd: string;

    beforeAll(() => {
        sandbox = new PulumiSandbox({ passphrase: "set-up-and-deploy" });
        cwd = sandbox.copy(["Pulumi.yaml", "index.ts", "stacks", "tsconfig.json", "tsconfig.pulumi.json", "package.json"]);
    });
    afterAll(() => sandbox.dispose());

    it("creates the stack and sets its config, then `pulumi up` stops at the missing AWS plugin before anything is created", async () => {
        expect(block).toEqual([
            ["npm", "ci"],
            ["pulumi", "stack", "select", "dev", "--create"],
            ["pulumi", "config", "set", "opentok:apiKey", "12345678"],
            ["pulumi", "config", "set", "--secret", "opentok:apiSecret", apiSecret],
            ["pulumi", "up", "--stack", "dev"],
        ]);
        // `npm ci` is the project's own set-up, done before any test runs.
        const results: PulumiResult[] = [];
        for (const command of block!.slice(1)) {
            const typed = command.map((arg) => (arg === apiSecret ? typedSecret : arg));
            results.push(await sandbox.run(asTyped(typed.slice(1)), { cwd }));
        }
        const up = results.pop()!;
        for (const result of results) {
            expect({ command: result.command, code: result.code }).toEqual({ command: result.command, code: 0 });
        }
        expect(up.code).not.toBe(0);
        expect(up.stdout).toContain("error: no resource plugin 'pulumi-resource-aws' found in the workspace at version v7.48.0 or on your $PATH");

        // The stack file in stacks/ (stackConfigDir) holds the key and the secret, encrypted.
        const stackFile = fs.readFileSync(path.join(cwd, "stacks", "Pulumi.dev.yaml"), "utf8");
        expect(stackFile).toContain('opentok:apiKey: "12345678"');
        expect(stackFile).toMatch(/opentok:apiSecret:\n\s+secure: \S+/);
        expect(stackFile).not.toContain(typedSecret);
        // Nothing was created, nothing was downloaded, no file holds the secret.
        const exported = JSON.parse((await sandbox.ok(["stack", "export", "--stack", "dev"], { cwd })).stdout);
        expect(exported.deployment.resources ?? []).toEqual([]);
        expect(fs.existsSync(path.join(sandbox.pulumiHome, "plugins"))).toBe(false);
        for (const file of sandbox.backendFiles()) {
            expect({ file, plaintextSecret: fs.readFileSync(path.join(sandbox.home, file), "utf8").includes(typedSecret) }).toEqual({
                file,
                plaintextSecret: false,
            });
        }
    });
});
