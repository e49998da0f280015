// `npm run local`: the OpenTok emulator and a local S3 on loopback, so that examples/local can be
// tried with only the Pulumi CLI. Prints the commands to run next, then one line per request
// either server receives; Ctrl-C, a SIGINT, SIGTERM or SIGHUP to npm, or npm's end stops both.
// Settings (docs/local.md): OPENTOK_EMULATOR_PORT, OPENTOK_EMULATOR_PROJECTS,
// OPENTOK_LOCAL_S3_PORT, OPENTOK_LOCAL_S3_BUCKET.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { localServers } from "../../examples/local/local-servers";
import { LocalS3 } from "./local-s3";
import { OpenTokEmulator } from "./opentok-emulator";
import { staleBuildReason } from "../support/providers-build";
import { listenFailure, logTo, portSetting, projectsSetting, runCommand, ServerCommandError, stopOnSignalOrOrphaned } from "./server-command";

const exampleDir = path.relative(process.cwd(), path.join(__dirname, "..", "..", "examples", "local")) || ".";

runCommand(async () => {
    const emulatorPort = portSetting(process.env, "OPENTOK_EMULATOR_PORT", localServers.emulatorPort);
    const s3Port = portSetting(process.env, "OPENTOK_LOCAL_S3_PORT", localServers.s3Port);
    const bucket = process.env.OPENTOK_LOCAL_S3_BUCKET || localServers.bucket;
    const projects = projectsSetting(process.env);
    const project = projects[0]!;

    const emulator = new OpenTokEmulator({ log: logTo("opentok") });
    for (const { apiKey, apiSecret } of projects) {
        emulator.addProject(apiKey, apiSecret);
    }
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-local-s3-"));
    const s3 = new LocalS3({ port: s3Port, bucket, directory, log: logTo("s3") });
    const stop = async () => {
        await Promise.allSettled([emulator.stop(), s3.stop()]);
        fs.rmSync(directory, { recursive: true, force: true });
    };

    const [emulatorStart, s3Start] = await Promise.allSettled([emulator.start(emulatorPort), s3.start()]);
    if (emulatorStart.status === "rejected" || s3Start.status === "rejected") {
        await stop();
        const failures = [
            emulatorStart.status === "rejected"
                ? listenFailure(emulatorStart.reason, "OpenTok emulator", emulatorPort, "OPENTOK_EMULATOR_PORT")
                : undefined,
            s3Start.status === "rejected" ? listenFailure(s3Start.reason, "local S3", s3Port, "OPENTOK_LOCAL_S3_PORT") : undefined,
        ];
        throw new ServerCommandError(failures.flatMap((f) => (f ? [f.message] : [])).join("\n"));
    }
    stopOnSignalOrOrphaned(async () => {
        await stop();
        console.log("Stopped the OpenTok emulator and the local S3.");
    });

    // Settings the example does not default to, for ports or a bucket other than the defaults.
    const overrides = [
        emulator.url === `http://127.0.0.1:${localServers.emulatorPort}` ? undefined : `pulumi config set opentok:apiUrl ${emulator.url}`,
        project.apiKey === localServers.apiKey ? undefined : `pulumi config set opentok:apiKey ${project.apiKey}`,
        s3.url === `http://127.0.0.1:${localServers.s3Port}` ? undefined : `pulumi config set s3Endpoint ${s3.url}`,
        bucket === localServers.bucket ? undefined : `pulumi config set bucket ${bucket}`,
    ].filter((line) => line !== undefined);
    const commands = [
        `cd ${exampleDir}`,
        "export PULUMI_CONFIG_PASSPHRASE=local-try-out   # encrypts the stack's secrets",
        "pulumi stack select local --create",
        `pulumi config set --secret opentok:apiSecret ${project.apiSecret}`,
        `pulumi config set --secret s3SecretKey ${localServers.s3SecretKey}`,
        ...overrides,
        "pulumi preview                           # the plan; sends nothing",
        "pulumi up                                # preflight upload to the local S3, then PUT",
        "pulumi config set sse none && pulumi up  # an update: one more preflight and PUT",
        `curl ${emulator.url}/v2/project/${project.apiKey}/archive/storage   # emulator-only: what is set`,
        "pulumi destroy                           # DELETE",
    ];
    console.log(
        [
            `OpenTok emulator  ${emulator.url}  project(s) ${projects.map((p) => p.apiKey).join(", ")}`,
            `Local S3          ${s3.url}  bucket ${bucket}, access key ${localServers.s3AccessKey}; objects in ${directory} (removed on stop)`,
            "",
            "In another terminal, with the Pulumi CLI (npm ci done here):",
            "",
            ...commands.map((command) => `  ${command}`),
            "",
            "Each request either server receives is logged below. Ctrl-C stops both.",
        ].join("\n"),
    );
    // The example runs the built package: an edit of providers/*.ts is not in it until built.
    const stale = staleBuildReason();
    if (stale !== undefined) {
        console.error(`providers/dist is stale (${stale}): run npm run build before pulumi up, or the example runs the previous build.`);
    }
});
