// The package as users get it: `npm pack` of providers/, which builds it (prepack) and writes the
// tarball. It runs in a copy of providers/ without dist/, so the build is proven and
// providers/dist/ is not rewritten under the provider hosts of suites running beside the caller.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const projectRoot = path.resolve(__dirname, "..", "..");

export interface Packed {
    /** The tarball's path, in `into`. */
    tarball: string;
    /** The files it holds, relative to the package root. */
    files: string[];
}

/** Packs providers/ into `into` (a scratch directory the caller removes). */
export function packProviders(into: string, timeout: number): Packed {
    const checkout = path.join(into, "checkout");
    fs.mkdirSync(checkout);
    fs.copyFileSync(path.join(projectRoot, "tsconfig.json"), path.join(checkout, "tsconfig.json"));
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(checkout, "node_modules"));
    const dist = path.join(projectRoot, "providers", "dist");
    fs.cpSync(path.join(projectRoot, "providers"), path.join(checkout, "providers"), {
        recursive: true,
        filter: (source) => !source.startsWith(dist),
    });
    const output = execFileSync("npm", ["pack", "--json", "--pack-destination", into], {
        cwd: path.join(checkout, "providers"),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout,
    });
    const [packed] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
    return { tarball: path.join(into, packed!.filename), files: packed!.files.map((f) => f.path) };
}
