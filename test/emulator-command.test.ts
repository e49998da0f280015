// `npm run emulator`, as docs/local.md tells users to try the resource without an OpenTok account.

import { spawn } from "child_process";
import * as path from "path";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { fastRetryEnvironment } from "./support/fixtures";

it("starts the emulator on loopback, and a target can be set through it", async () => {
    const root = path.join(__dirname, "..");
    const child = spawn("npm", ["run", "--silent", "emulator"], {
        cwd: root,
        env: { ...process.env, OPENTOK_EMULATOR_PORT: "0", OPENTOK_EMULATOR_PROJECTS: "12345678:emulator-secret" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
    });
    try {
        const url = await new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => {
                out += chunk.toString();
                const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                if (match) {
                    resolve(match[1]!);
                }
            });
            child.on("exit", (code) => reject(new Error(`npm run emulator exited with ${code}: ${out}`)));
        });
        Object.assign(process.env, fastRetryEnvironment);
        const { inputs } = await provider.check!(
            {} as TargetInputs,
            {
                apiKey: "12345678",
                apiSecret: "emulator-secret",
                apiUrl: url,
                bucket: "acme-archives",
                accessKey: "AKIAIOSFODNN7EXAMPLE",
                secretKey: "emulator-s3-secret-key",
                fallback: "none",
                verify: false,
            } as TargetInputs,
        );
        await expect(provider.create(inputs!)).resolves.toMatchObject({ id: "12345678" });
        await expect(provider.create({ ...inputs!, apiSecret: "wrong-secret" })).rejects.toThrow(/failed with 403/);
    } finally {
        process.kill(-child.pid!, "SIGTERM");
    }
});
