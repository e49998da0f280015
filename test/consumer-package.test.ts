// The package as its users get it: `npm pack` of providers/, installed from the tarball into
// throwaway programs outside the repository (npm; pnpm; a program in a subdirectory; an inline
// program started from another directory). Each program runs under its own @pulumi/pulumi's
// language host (stand-in engine) and its own dynamic-provider host, against the emulator:
// preview, up, update and destroy send 0, 1, 1 and 1 requests. Destroy also runs after the
// project directory moves and after a pnpm upgrade of the package.

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { destroy, preview, Program, StackState, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { projectRoot, runProgram } from "./harness/stand-in-engine";
import { observed, storagePath } from "./support/deployment";
import { packProviders } from "./support/pack";
import { fastRetryEnvironment, secretKey, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
const packageName = "@opentok-archive-storage/archive-upload-target";
const pnpm = path.join(projectRoot, "node_modules", ".bin", "pnpm");
const installTimeout = 300_000;

/**
 * The consumers' @pulumi/pulumi: the oldest the package's peer range admits and the one this
 * project pins, read from the package files so that a bump of either is tested.
 */
const sdk = {
    oldest: (require("../providers/package.json") as { peerDependencies: Record<string, string> }).peerDependencies["@pulumi/pulumi"]!.replace(
        /^\^/,
        "",
    ),
    pinned: (require("../package.json") as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"]!,
};
jest.setTimeout(180_000);

let workDir: string;
let tarball: string;
/** The consumer matrix: case -> requests of preview/up/update/destroy and `__provider` bytes. */
const matrix: string[] = [];

const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: installTimeout });

function packageJson(dir: string, dependencies: Record<string, string>) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: path.basename(dir), private: true, dependencies }, null, 2));
}

const targetDeclaration = `new ArchiveUploadTarget("archives", {
        apiUrl: config.require("apiUrl"),
        apiKey: config.require("apiKey"),
        apiSecret: config.requireSecret("apiSecret"),
        bucket: "consumer-archives",
        accessKey: "AKIAIOSFODNN7EXAMPLE",
        secretKey: config.requireSecret("secretKey"),
        sse: config.require("sse"),
        fallback: "none",
        verify: false,
    })`;

/** A Pulumi program (Pulumi.yaml + index.js) that imports the package by name. */
function writeProgram(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `"use strict";
const pulumi = require("@pulumi/pulumi");
const { ArchiveUploadTarget } = require("${packageName}");
const config = new pulumi.Config("consumer");
exports.targetId = ${targetDeclaration}.id;
`,
    );
}

/** An Automation API style inline program: a function the language host calls. */
function writeInlineProgram(file: string) {
    fs.writeFileSync(
        file,
        `"use strict";
const pulumi = require("@pulumi/pulumi");
const { ArchiveUploadTarget } = require("${packageName}");
module.exports = async () => {
    const config = new pulumi.Config("consumer");
    return { targetId: ${targetDeclaration}.id };
};
`,
    );
}

interface Consumer {
    name: string;
    /** Where `pulumi` runs the program and starts the provider host. */
    cwd: string;
    /** The program, absolute. */
    program: string;
    /** The directory @pulumi/pulumi and the package are resolved from, as the launcher does. */
    resolveFrom: string;
}

const pulumiDirOf = (c: Consumer) => path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [c.resolveFrom] }));
const hostScriptOf = (c: Consumer) => require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [c.resolveFrom] });

/** What the program registers for the target, secrets unwrapped, as the engine sends it to the host. */
async function declared(c: Consumer, inputs: ReturnType<typeof validInputs>, sse: string): Promise<Program> {
    const result = await runProgram({
        stack: "dev",
        project: "consumer",
        programDir: c.cwd,
        program: c.program,
        pulumiDir: pulumiDirOf(c),
        config: {
            "consumer:apiUrl": inputs.apiUrl,
            "consumer:apiKey": inputs.apiKey,
            "consumer:apiSecret": inputs.apiSecret,
            "consumer:secretKey": secretKey,
            "consumer:sse": sse,
        },
        secretKeys: ["consumer:apiSecret", "consumer:secretKey"],
    });
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: "" });
    const target = result.registrations.find((r) => r.type === "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
    expect(target).toBeDefined();
    const unwrapped = Object.fromEntries(
        Object.entries(target!.inputs).map(([k, v]) => [
            k,
            v !== null && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v,
        ]),
    );
    return new Map([["target", unwrapped]]);
}

async function deployment<T>(c: Consumer, command: (host: ProviderHost) => Promise<T>) {
    const host = await ProviderHost.start(fastRetryEnvironment, c.cwd, hostScriptOf(c));
    try {
        return await observed(emulator, host, command);
    } finally {
        await host.stop();
    }
}

/**
 * preview -> up -> update (sse changed) -> destroy, counting requests; `beforeDestroy` may move
 * or upgrade the installation and returns the consumer destroy runs in.
 */
async function lifecycle(c: Consumer, beforeDestroy: (c: Consumer) => Consumer = (same) => same) {
    const inputs = validInputs(emulator);
    const program = await declared(c, inputs, "s3");
    const providerText = program.get("target")!.__provider as string;
    expect(providerText).not.toContain(inputs.apiSecret);
    expect(providerText).not.toContain(secretKey);

    const previewed = await deployment(c, (host) => preview(host, program, new Map()));
    expect(previewed.result.get("target")).toBe("create");
    const created = await deployment(c, (host) => up(host, program, new Map()));
    const changed = await declared(c, inputs, "none");
    const updated = await deployment(c, (host) => up(host, changed, created.result));
    expect(emulator.targets.get(inputs.apiKey)?.config.sse).toBe("none");
    const at = beforeDestroy(c);
    const destroyed = await deployment(at, (host) => destroy(host, updated.result as StackState));

    const path_ = storagePath(inputs.apiKey);
    expect([previewed.http, created.http, updated.http, destroyed.http]).toEqual([
        [],
        [`PUT ${path_} 200`],
        [`PUT ${path_} 200`],
        [`DELETE ${path_} 204`],
    ]);
    expect([previewed.stderr, created.stderr, updated.stderr, destroyed.stderr].join("")).toBe("");
    const counts = [previewed, created, updated, destroyed].map((d) => d.http.length).join(" / ");
    matrix.push(`${c.name}: ${counts} requests, __provider ${Buffer.byteLength(providerText)} bytes`);
    return providerText;
}

beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-consumers-"));
    const packed = packProviders(workDir, installTimeout);
    tarball = packed.tarball;
    expect(packed.files).toEqual(
        expect.arrayContaining([
            "package.json",
            "README.md",
            "LICENSE",
            "dist/index.js",
            "dist/index.d.ts",
            "dist/archive-upload-target-provider.js",
            "dist/aws.js",
            "dist/aws.d.ts",
            "dist/archive-storage.js",
            "dist/archive-storage.d.ts",
            "dist/lifecycle.js",
        ]),
    );
    expect(packed.files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
}, installTimeout);

afterAll(() => {
    if (matrix.length > 0) {
        console.log(`Consumer matrix (preview / up / update / destroy):\n${matrix.join("\n")}`);
    }
    fs.rmSync(workDir, { recursive: true, force: true });
});

describe.each([
    ["the oldest", sdk.oldest],
    ["the pinned", sdk.pinned],
])("installed with npm beside %s @pulumi/pulumi (%s)", (_which, sdkVersion) => {
    let app: string;

    beforeAll(() => {
        app = path.join(workDir, `npm-app-${sdkVersion}`);
        packageJson(app, { [packageName]: `file:${tarball}`, "@pulumi/pulumi": sdkVersion });
        run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app);
        // @pulumi/aws is an optional peer: a program using only ArchiveUploadTarget goes without it.
        expect(fs.existsSync(path.join(app, "node_modules", "@pulumi", "aws"))).toBe(false);
        writeProgram(app);
        writeProgram(path.join(app, "infra"));
        writeInlineProgram(path.join(app, "inline.js"));
    }, installTimeout);

    it("type-checks a TypeScript program against the package's declarations", () => {
        fs.writeFileSync(
            path.join(app, "typed.ts"),
            `import { ArchiveUploadTarget, ArchiveUploadTargetArgs } from "${packageName}";
const args: ArchiveUploadTargetArgs = { apiKey: "1", apiSecret: "s", bucket: "b", accessKey: "a", secretKey: "k", fallback: "none" };
export const target: ArchiveUploadTarget = new ArchiveUploadTarget("t", args);
// @ts-expect-error sse is "s3" or "none"
export const wrong: ArchiveUploadTargetArgs = { ...args, sse: "aws:kms" };
`,
        );
        const tsc = path.join(projectRoot, "node_modules", "typescript", "bin", "tsc");
        const options = ["--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--skipLibCheck"];
        const typeRoots = ["--typeRoots", path.join(projectRoot, "node_modules", "@types"), "--types", "node"];
        expect(() => run(process.execPath, [tsc, ...options, ...typeRoots, "typed.ts"], app)).not.toThrow();
    });

    it("runs preview, up, update, and destroy after the project directory moved", async () => {
        const moved = `${app}-moved`;
        try {
            await lifecycle(
                { name: `npm, SDK ${sdkVersion}, destroyed after a move`, cwd: app, program: path.join(app, "index.js"), resolveFrom: app },
                (c) => {
                    fs.renameSync(app, moved);
                    return { ...c, cwd: moved, program: path.join(moved, "index.js"), resolveFrom: moved };
                },
            );
        } finally {
            if (fs.existsSync(moved)) {
                fs.renameSync(moved, app);
            }
        }
    });

    it("runs a program in a subdirectory of the installation", async () => {
        const infra = path.join(app, "infra");
        await lifecycle({
            name: `npm, SDK ${sdkVersion}, program in a subdirectory`,
            cwd: infra,
            program: path.join(infra, "index.js"),
            resolveFrom: infra,
        });
    });

    it("runs an inline program started from another directory, the host started outside the program's tree", async () => {
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-inline-workdir-"));
        try {
            await lifecycle({
                name: `npm, SDK ${sdkVersion}, inline program from another directory`,
                cwd: elsewhere,
                program: path.join(app, "inline.js"),
                resolveFrom: app,
            });
        } finally {
            fs.rmSync(elsewhere, { recursive: true, force: true });
        }
    });
});

describe(`the /aws entry, installed with npm beside the pinned @pulumi/pulumi (${sdk.pinned}) and @pulumi/aws`, () => {
    it(
        "type-checks a TypeScript program using ArchiveStorage: a named bucket, and two projects in an existing bucket",
        () => {
            const app = path.join(workDir, "npm-aws-app");
            const awsVersion = (require("../package.json") as { dependencies: Record<string, string> }).dependencies["@pulumi/aws"]!;
            packageJson(app, { [packageName]: `file:${tarball}`, "@pulumi/pulumi": sdk.pinned, "@pulumi/aws": awsVersion });
            run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app);
            fs.writeFileSync(
                path.join(app, "storage.ts"),
                `import * as pulumi from "@pulumi/pulumi";
import { ArchiveProject, ArchiveStorage, ArchiveStorageArgs, Transition } from "${packageName}/aws";
const config = new pulumi.Config();
const transitions: Transition[] = [{ storageClass: "GLACIER_IR", days: 90 }];
const args: ArchiveStorageArgs = {
    opentok: { apiKey: config.require("apiKey"), apiSecret: config.requireSecret("apiSecret") },
    fallback: "none",
    bucketName: "acme-archives",
    transitions,
};
export const storage = new ArchiveStorage("archives", args);
export const bucketName: pulumi.Output<string> = storage.bucketName;
const projects: ArchiveProject[] = [
    { name: "tenant-a", opentok: { apiKey: "47000101", apiSecret: config.requireSecret("tenantA") } },
    { name: "tenant-b", opentok: { applicationId: "6a7d8e1c", privateKey: config.requireSecret("tenantB") }, prefix: "47000102" },
];
export const shared = new ArchiveStorage("shared", { projects, existingBucket: { name: storage.bucketName, policy: true }, fallback: "none" });
export const targetIds: pulumi.Output<string[]> = shared.targetIds;
// @ts-expect-error an existing bucket's opt-ins are plain booleans
export const wrongOptIn: ArchiveStorageArgs = { ...args, existingBucket: { name: "b", versioning: "yes" } };
// @ts-expect-error fallback is required
export const wrong: ArchiveStorageArgs = { opentok: args.opentok };
`,
            );
            const tsc = path.join(projectRoot, "node_modules", "typescript", "bin", "tsc");
            const options = ["--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--skipLibCheck"];
            const typeRoots = ["--typeRoots", path.join(projectRoot, "node_modules", "@types"), "--types", "node"];
            expect(() => run(process.execPath, [tsc, ...options, ...typeRoots, "storage.ts"], app)).not.toThrow();
        },
        installTimeout,
    );
});

describe(`installed with pnpm 12.4.2 beside the pinned @pulumi/pulumi (${sdk.pinned})`, () => {
    it(
        "runs preview, up, update, and destroy after the package is upgraded",
        async () => {
            const app = path.join(workDir, "pnpm-app");
            packageJson(app, { [packageName]: `file:${tarball}`, "@pulumi/pulumi": sdk.pinned });
            // pnpm 12 fails an install whose dependencies' build scripts nobody decided on:
            // @pulumi/pulumi's protobufjs has one, which Pulumi does not need.
            fs.writeFileSync(path.join(app, "pnpm-workspace.yaml"), "allowBuilds:\n  protobufjs: false\n");
            run(pnpm, ["install", "--prefer-offline"], app);
            writeProgram(app);
            const installed = () => fs.realpathSync(path.join(app, "node_modules", ...packageName.split("/")));
            const before = installed();
            // pnpm's store path names the version: the old one disappears on upgrade.
            expect(before).toContain(`${path.sep}.pnpm${path.sep}`);

            const upgradedTarball = repackedAs(tarball, upgradeVersion);
            let after = "";
            const text = await lifecycle(
                { name: "pnpm, destroyed after an upgrade", cwd: app, program: path.join(app, "index.js"), resolveFrom: app },
                (c) => {
                    packageJson(app, { [packageName]: `file:${upgradedTarball}`, "@pulumi/pulumi": sdk.pinned });
                    // As a user upgrading does: the lockfile is to change. (With CI set, pnpm would
                    // otherwise insist on the old lockfile.)
                    run(pnpm, ["install", "--prefer-offline", "--no-frozen-lockfile"], app);
                    after = installed();
                    // What pnpm's store prune does to the version state was written with.
                    fs.rmSync(pnpmEntryOf(before), { recursive: true });
                    return c;
                },
            );
            expect(after).not.toBe(before);
            expect(fs.existsSync(before)).toBe(false);
            expect(JSON.parse(fs.readFileSync(path.join(after, "package.json"), "utf8")).version).toBe(upgradeVersion);
            expect(text).toContain(`"${packageName}/provider"`);
        },
        installTimeout,
    );
});

/** The next patch version of the package: what the upgrade installs. */
const upgradeVersion = `${(require("../providers/package.json") as { version: string }).version.replace(/\d+$/, (patch) => String(Number(patch) + 1))}-consumer-test`;

/** The tarball with another version in its package.json: an upgrade, without a registry. */
function repackedAs(original: string, version: string): string {
    const dir = fs.mkdtempSync(path.join(workDir, "repack-"));
    run("tar", ["-xzf", original, "-C", dir], workDir);
    const manifest = path.join(dir, "package", "package.json");
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, "utf8")), version }, null, 2));
    const result = path.join(workDir, `archive-upload-target-${version}.tgz`);
    run("tar", ["-czf", result, "-C", dir, "package"], workDir);
    return result;
}

/** The node_modules/.pnpm/<name>@<version> directory a pnpm-installed package lives in. */
function pnpmEntryOf(realPath: string): string {
    const marker = `${path.sep}.pnpm${path.sep}`;
    const start = realPath.indexOf(marker) + marker.length;
    return realPath.slice(0, realPath.indexOf(path.sep, start));
}
