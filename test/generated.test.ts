// The files generated from the property table are what it generates now: providers/inputs.generated.ts
// and docs/provider.md's input list. Not part of the mutation runs, which instrument the sources.

import { spawnSync } from "child_process";
import * as path from "path";

describe("what the property table generates", () => {
    it("is what providers/inputs.generated.ts and docs/provider.md hold (`npm run generate` writes them)", () => {
        // A child process: prettier, which formats the generated text, cannot load under jest's VM.
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/generate-inputs.ts", "--check"], {
            cwd: path.join(__dirname, ".."),
            encoding: "utf8",
        });
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    });
});
