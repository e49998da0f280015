// `npm run emulator`: the OpenTok emulator alone on loopback, logging one line per request.
// OPENTOK_EMULATOR_PORT (default 3900) and OPENTOK_EMULATOR_PROJECTS ("apiKey:apiSecret,...").
// `npm run local` starts it together with a local S3 (local.ts).

import { localServers } from "../../examples/local/local-servers";
import { OpenTokEmulator } from "./opentok-emulator";
import { listenFailure, logTo, portSetting, projectsSetting, runCommand, stopOnSignalOrOrphaned } from "./server-command";

runCommand(async () => {
    const port = portSetting(process.env, "OPENTOK_EMULATOR_PORT", localServers.emulatorPort);
    const projects = projectsSetting(process.env);
    const emulator = new OpenTokEmulator({ log: logTo("opentok") });
    for (const { apiKey, apiSecret } of projects) {
        emulator.addProject(apiKey, apiSecret);
    }
    const url = await emulator.start(port).catch((e: unknown) => {
        throw listenFailure(e, "OpenTok emulator", port, "OPENTOK_EMULATOR_PORT");
    });
    stopOnSignalOrOrphaned(() => emulator.stop());
    console.log(`OpenTok emulator listening on ${url} for project(s) ${projects.map((p) => p.apiKey).join(", ")}`);
    console.log(`Point a target at it with: pulumi config set opentok:apiUrl ${url}`);
});
