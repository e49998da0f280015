// `npm run emulator`: the OpenTok emulator on loopback, for trying the provider locally.
// OPENTOK_EMULATOR_PORT (default 3900) and OPENTOK_EMULATOR_PROJECTS ("apiKey:apiSecret,...").

import { OpenTokEmulator } from "./opentok-emulator";

async function main() {
    const port = Number(process.env.OPENTOK_EMULATOR_PORT ?? 3900);
    const projects = (process.env.OPENTOK_EMULATOR_PROJECTS ?? "12345678:emulator-secret").split(",").filter(Boolean);
    const emulator = new OpenTokEmulator();
    for (const project of projects) {
        const [apiKey, apiSecret] = project.split(":");
        if (!apiKey || !apiSecret) {
            throw new Error(`OPENTOK_EMULATOR_PROJECTS must be "apiKey:apiSecret" pairs separated by commas, but has ${JSON.stringify(project)}`);
        }
        emulator.addProject(apiKey, apiSecret);
    }
    const url = await emulator.start(port);
    console.log(`OpenTok emulator listening on ${url} for project(s) ${projects.map((p) => p.split(":")[0]).join(", ")}`);
    console.log(`Point a target at it with: pulumi config set opentok:apiUrl ${url}`);
    const shutdown = () => void emulator.stop().then(() => process.exit(0));
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
