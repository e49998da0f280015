// The examples as a user gets them: each folder copied out of the repository to a directory of its
// own, its package.json installed by npm (the package from the tarball `npm pack` writes, the rest
// from the registry's cache), type-checked with its own tsconfig.json, and examples/local run by
// the real Pulumi CLI against the emulator and the local S3, asserted on what they received.
// examples/aws is type-checked and previewed: the AWS provider plugin is not on this machine, so
// the engine attaches to the stand-in of aws-stand-in.ts instead (PULUMI_DEBUG_PROVIDERS).

import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { localServers } from "../../examples/local/local-servers";
import { LocalS3 } from "../emulator/local-s3";
import { OpenTokEmulator } from "../emulator/opentok-emulator";
import { projectRoot, PulumiSandbox } from "../support/pulumi-cli";
import { packProviders } from "../support/pack";
import { AwsStandIn } from "./aws-stand-in";

const packageName = "@opentok-archive-storage/archive-upload-target";
const installTimeout = 600_000;
const targetPath = `/v2/project/${localServers.apiKey}/archive/storage`;

const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: installTimeout });

let workDir: string;
let tarball: string;

beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-examples-"));
    tarball = packProviders(workDir, installTimeout).tarball;
}, installTimeout);

afterAll(() => {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/**
 * The example's tracked files copied to a directory outside the repository, installed as its
 * package.json says but for the package, which is not on npm yet: that one from the tarball.
 */
function copiedOut(example: string): string {
    const source = path.join(projectRoot, "examples", example);
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."], { cwd: source, encoding: "utf8" })
        .split("\0")
        .filter(Boolean);
    const dir = path.join(workDir, example);
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(source, file), path.join(dir, file));
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies[packageName]).toBeDefined();
    manifest.dependencies[packageName] = `file:${tarball}`;
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 4));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    return dir;
}

/** `tsc --noEmit` with the example's own tsconfig.json, checking (it says noCheck for the language host). */
function typeCheck(dir: string) {
    const tsc = path.join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    try {
        run(process.execPath, [tsc, "--noEmit", "--noCheck", "false", "-p", "tsconfig.json"], dir);
    } catch (e) {
        const failed = e as { stdout?: string; stderr?: string };
        throw new Error(`tsc failed in ${dir}\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
    }
}

describe("examples/aws copied out of the repository", () => {
    let dir: string;

    beforeAll(() => {
        dir = copiedOut("aws");
    }, installTimeout);

    it("installs its own @pulumi/aws and the package's /aws entry point", () => {
        expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi", "aws", "package.json"))).toBe(true);
        expect(require.resolve(`${packageName}/aws`, { paths: [dir] })).toContain(path.join(dir, "node_modules"));
    });

    it("type-checks with its own tsconfig.json", () => {
        typeCheck(dir);
    });

    it("previews under pulumi with the stand-in AWS provider: per project a user, key and policy, nothing created", async () => {
        const aws = new AwsStandIn();
        const port = await aws.start();
        const sandbox = new PulumiSandbox({ passphrase: "examples-aws-copied-out", env: { PULUMI_DEBUG_PROVIDERS: `aws:${port}`, NO_COLOR: "1" } });
        try {
            const pulumi = (...args: string[]) => sandbox.ok(args, { cwd: dir });
            await pulumi("stack", "init", "copied");
            await pulumi("config", "set", "aws:region", "eu-west-1");
            await pulumi("config", "set", "bucket", "acme-video-archives");
            await pulumi("config", "set", "euApiKey", "47000101");
            await pulumi("config", "set", "--secret", "euApiSecret", "examples-eu-secret-Q8v2");
            await pulumi("config", "set", "usApiKey", "47000102");
            await pulumi("config", "set", "--secret", "usApiSecret", "examples-us-secret-K3n7");
            const preview = await pulumi("preview");
            expect(preview.stdout).not.toMatch(/examples-(eu|us)-secret/);
            const checked = aws.callsOf("Check");
            for (const project of ["eu", "us"]) {
                expect(checked.filter((c) => c.includes(project)).length).toBeGreaterThanOrEqual(3);
            }
            // The bucket exists already: the component declares none.
            expect(checked.filter((c) => c.startsWith("Bucket "))).toEqual([]);
            expect(aws.calls.filter((c) => !c.preview && !["Check", "Diff", "Read"].includes(c.method))).toEqual([]);
            expect(aws.resources.size).toBe(0);
            console.log(`examples/aws copied out, previewed: ${checked.length} Check calls to the stand-in AWS, nothing created`);
        } finally {
            await aws.stop();
            sandbox.dispose();
        }
    });
});

describe("examples/local copied out of the repository", () => {
    let dir: string;
    let sandbox: PulumiSandbox;
    let emulator: OpenTokEmulator;
    let s3: LocalS3;
    let s3Directory: string;
    const s3Log: string[] = [];

    beforeAll(async () => {
        dir = copiedOut("local");
        emulator = new OpenTokEmulator();
        emulator.addProject(localServers.apiKey, localServers.apiSecret);
        s3Directory = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-examples-s3-"));
        s3 = new LocalS3({ port: 0, bucket: localServers.bucket, directory: s3Directory, log: (line) => s3Log.push(line) });
        await Promise.all([emulator.start(), s3.start()]);
        sandbox = new PulumiSandbox({ passphrase: "examples-copied-out" });
    }, installTimeout);

    afterAll(async () => {
        await Promise.allSettled([emulator?.stop(), s3?.stop()]);
        if (s3Directory) fs.rmSync(s3Directory, { recursive: true, force: true });
        sandbox?.dispose();
    });

    it("resolves @pulumi/pulumi and the package from its own node_modules, not the repository's", () => {
        expect(path.relative(projectRoot, dir).startsWith("..")).toBe(true);
        for (const name of ["@pulumi/pulumi", packageName]) {
            expect(require.resolve(`${name}/package.json`, { paths: [dir] })).toBe(
                path.join(dir, "node_modules", ...name.split("/"), "package.json"),
            );
        }
    });

    it("type-checks with its own tsconfig.json", () => {
        typeCheck(dir);
    });

    it("runs under pulumi: preview sends nothing, up the preflight then one PUT, destroy one DELETE", async () => {
        const pulumi = (...args: string[]) => sandbox.ok(args, { cwd: dir });
        /** What each server received since the last call. */
        let seenOpenTok = 0;
        let seenS3 = 0;
        const since = () => {
            const opentok = emulator.requests.slice(seenOpenTok).map((r) => `${r.method} ${r.path} ${r.outcome}`);
            const storage = s3Log.slice(seenS3);
            seenOpenTok = emulator.requests.length;
            seenS3 = s3Log.length;
            return { opentok, s3: storage };
        };

        await pulumi("stack", "init", "copied");
        await pulumi("config", "set", "opentok:apiUrl", emulator.url);
        await pulumi("config", "set", "s3Endpoint", s3.url);
        await pulumi("config", "set", "--secret", "opentok:apiSecret", localServers.apiSecret);
        await pulumi("config", "set", "--secret", "s3SecretKey", localServers.s3SecretKey);
        expect(since()).toEqual({ opentok: [], s3: [] });

        await pulumi("preview");
        expect(since()).toEqual({ opentok: [], s3: [] });

        const up = await pulumi("up", "--yes");
        const created = since();
        expect(created.opentok).toEqual([`PUT ${targetPath} 200`]);
        // The preflight: the probe written with the key, asking for SSE-S3, before the PUT.
        expect(created.s3.some((line) => line.startsWith(`PUT /${localServers.bucket}/${localServers.apiKey}/`))).toBe(true);
        expect(emulator.targets.get(localServers.apiKey)).toMatchObject({ config: { bucket: localServers.bucket, sse: "s3" } });
        expect(up.stdout).toContain("+ 2 created");

        await pulumi("destroy", "--yes");
        expect(since()).toEqual({ opentok: [`DELETE ${targetPath} 204`], s3: [] });
        expect(emulator.targets.has(localServers.apiKey)).toBe(false);

        console.log(
            `examples/local copied out: preview 0 requests; up ${created.s3.length} to S3 (preflight: ${created.s3.join("; ")}) and 1 PUT; destroy 1 DELETE`,
        );
    });
});
