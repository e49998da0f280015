// The provider text every resource stores (providers/provider-loader.ts), through Pulumi's real
// dynamic-provider host: it runs the installed package by name, from wherever the host starts.
// Stacks written by earlier texts: test/cli/lifecycle.test.ts (under the real CLI).

import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { destroy, Program, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { projectRoot } from "./harness/stand-in-engine";
import { Deployment, observed, storagePath } from "./support/deployment";
import { fastRetryEnvironment, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
const hosts: ProviderHost[] = [];
const providerText = archiveUploadTargetProviderText;

afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

async function deployment<T>(command: (host: ProviderHost) => Promise<T>, programDir = projectRoot): Promise<Deployment<T>> {
    const host = await ProviderHost.start(fastRetryEnvironment, programDir);
    hosts.push(host);
    return observed(emulator, host, command);
}
const withProvider = (inputs: object, text: string): Program => new Map([["target", { ...inputs, __provider: text }]]);

describe("the provider text in state", () => {
    it("requires the package by name: under 1 KB, no path, no implementation, no secret", () => {
        expect(Buffer.byteLength(providerText)).toBeLessThanOrEqual(1024);
        expect(providerText).toContain('"@opentok-archive-storage/archive-upload-target/provider"');
        expect(providerText).not.toContain(projectRoot);
        expect(providerText).not.toMatch(/providers\/|\.ts\b|esbuild/);
        expect(providerText).not.toContain("X-OPENTOK-AUTH");
    });

    it("says which package to install, and where it looked, when the host cannot find it", () => {
        const notFound = Object.assign(
            () => {
                throw new Error("not to be called");
            },
            {
                resolve: () => {
                    throw Object.assign(new Error("Cannot find module"), { code: "MODULE_NOT_FOUND" });
                },
            },
        );
        const module = { exports: {} as { handler: () => unknown } };
        new Function("exports", "require", "module", providerText)(module.exports, notFound, module);
        expect(() => module.exports.handler()).toThrow(
            `ArchiveUploadTarget runs its provider from the npm package @opentok-archive-storage/archive-upload-target, ` +
                `which Pulumi's provider host could not find from ${process.cwd()}. ` +
                `Install it in the program's directory (npm install @opentok-archive-storage/archive-upload-target) and run pulumi there.`,
        );
    });
});

describe("the host", () => {
    it("runs the package's built provider, with no bundler and no file written", async () => {
        const inputs = validInputs(emulator);
        const cache = path.join(projectRoot, "node_modules", ".cache", "opentok-archive-storage");
        const cachedBefore = fs.existsSync(cache) ? fs.readdirSync(cache).length : 0;
        const { result: state, http, stderr } = await deployment((host) => up(host, withProvider(inputs, providerText), new Map()));
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(stderr).toBe("");
        expect(fs.existsSync(cache) ? fs.readdirSync(cache).length : 0).toBe(cachedBefore);
        const { http: deleted } = await deployment((host) => destroy(host, state));
        expect(deleted).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
    });

    it("finds the package from the @pulumi/pulumi it runs from when it starts in a directory without node_modules", async () => {
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-host-elsewhere-"));
        try {
            const inputs = validInputs(emulator);
            const { result: state, http } = await deployment((host) => up(host, withProvider(inputs, providerText), new Map()), elsewhere);
            expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
            const { http: deleted } = await deployment((host) => destroy(host, state), elsewhere);
            expect(deleted).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        } finally {
            fs.rmSync(elsewhere, { recursive: true, force: true });
        }
    });
});
