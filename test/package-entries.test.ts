// The package's entry points and what each needs installed: the main entry (ArchiveUploadTarget)
// runs without @pulumi/aws, an optional peer dependency; `/aws` (ArchiveStorage) loads only the
// two AWS services it uses, never @pulumi/aws's index of every service. Each load runs in a fresh
// Node process, by package name, as a program installing the package would.

import { execFileSync } from "child_process";
import * as path from "path";

const projectRoot = path.join(__dirname, "..");
const packageName = "@opentok-archive-storage/archive-upload-target";

/**
 * Requires `entry` with every `@pulumi/aws` request failing as if the package were not
 * installed when `withoutAws`, and returns the @pulumi/aws modules that were loaded.
 */
function load(entry: string, withoutAws: boolean): { loaded: string[]; exports: string[] } {
    const script = `
const Module = require("module");
const resolve = Module._resolveFilename;
if (${withoutAws}) {
    Module._resolveFilename = function (request, ...rest) {
        if (request === "@pulumi/aws" || request.startsWith("@pulumi/aws/")) {
            const error = new Error("Cannot find module '" + request + "'");
            error.code = "MODULE_NOT_FOUND";
            throw error;
        }
        return resolve.call(this, request, ...rest);
    };
}
const loadedExports = Object.keys(require(${JSON.stringify(entry)}));
const marker = ${JSON.stringify(`${path.sep}node_modules${path.sep}@pulumi${path.sep}aws${path.sep}`)};
const loaded = Object.keys(require.cache)
    .filter((file) => file.includes(marker))
    .map((file) => file.slice(file.indexOf(marker) + marker.length).split(${JSON.stringify(path.sep)}).join("/"));
process.stdout.write(JSON.stringify({ loaded, exports: loadedExports }));
`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: projectRoot, encoding: "utf8", timeout: 60_000 }));
}

it("the main entry loads and exports ArchiveUploadTarget with @pulumi/aws unresolvable", () => {
    const { loaded, exports } = load(packageName, true);
    expect(loaded).toEqual([]);
    expect(exports).toContain("ArchiveUploadTarget");
    expect(exports).not.toContain("ArchiveStorage");
});

it("the main entry loads no @pulumi/aws module even when it is installed", () => {
    expect(load(packageName, false).loaded).toEqual([]);
});

it("the /aws entry needs @pulumi/aws: without it, it fails naming the module", () => {
    expect(() => load(`${packageName}/aws`, true)).toThrow(/Cannot find module '@pulumi\/aws\/(iam|s3)'/);
});

it("the /aws entry loads @pulumi/aws's s3 and iam services, not its index of every service", () => {
    const { loaded, exports } = load(`${packageName}/aws`, false);
    expect(exports).toEqual(expect.arrayContaining(["ArchiveStorage", "transitionProblems", "storageClasses"]));
    expect(loaded).not.toContain("index.js");
    const services = [...new Set(loaded.filter((file) => file.includes("/")).map((file) => file.split("/")[0]!))].sort();
    // The two services, and what their modules need from the package itself (s3 loads lambda's
    // types for bucket notifications); the index would load some 250 services, ec2 among them.
    expect(services.filter((service) => !["s3", "iam", "lambda", "types", "config"].includes(service))).toEqual([]);
    expect(services).toEqual(expect.arrayContaining(["iam", "s3"]));
    expect(services).not.toContain("ec2");
});

it("package.json declares @pulumi/aws an optional peer and exports each entry's declarations", () => {
    const manifest = require("../providers/package.json") as {
        exports: Record<string, { types: string; default: string }>;
        peerDependencies: Record<string, string>;
        peerDependenciesMeta: Record<string, { optional?: boolean }>;
        dependencies: Record<string, string>;
    };
    expect(manifest.peerDependenciesMeta["@pulumi/aws"]).toEqual({ optional: true });
    expect(manifest.peerDependencies["@pulumi/aws"]).toBeDefined();
    expect(manifest.dependencies["@pulumi/aws"]).toBeUndefined();
    expect(manifest.exports["./aws"]).toEqual({ types: "./dist/aws.d.ts", default: "./dist/aws.js" });
});
