// A program directory that is a copy of this checkout's providers/, with the project's packages
// linked in but a node_modules/.cache of its own: what a fresh clone looks like to the provider
// host, without touching the project's own cache (other test workers use it).

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../harness/stand-in-engine";

export interface CopiedCheckout {
    dir: string;
    /** Where the provider host caches the bundled implementation for this checkout. */
    cacheDir: string;
    remove(): void;
}

export function copiedCheckout(): CopiedCheckout {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-checkout-"));
    fs.cpSync(path.join(projectRoot, "providers"), path.join(dir, "providers"), { recursive: true });
    fs.mkdirSync(path.join(dir, "node_modules"));
    for (const entry of fs.readdirSync(path.join(projectRoot, "node_modules"))) {
        if (entry !== ".cache") {
            fs.symlinkSync(path.join(projectRoot, "node_modules", entry), path.join(dir, "node_modules", entry));
        }
    }
    return {
        dir,
        cacheDir: path.join(dir, "node_modules", ".cache", "opentok-archive-storage"),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}
