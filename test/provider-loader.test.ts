// The provider text every resource stores (providers/provider-loader.ts), through Pulumi's real
// dynamic-provider host: it runs the installed package by name, from wherever the host starts,
// and stacks written by every earlier text keep working under it (previews with no change,
// update with one PUT, destroy with one DELETE).

import { archiveUploadTargetProviderText } from "../providers";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { destroy, preview, Program, StackState, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { projectRoot } from "./harness/stand-in-engine";
import { Deployment, observed, storagePath } from "./support/deployment";
import { fastRetryEnvironment, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
const hosts: ProviderHost[] = [];
const providerText = archiveUploadTargetProviderText;
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
/** Up to 37ad7bc (the first release): the implementation closure-serialized, bundled and compressed. */
const embeddedProviderText = fixture("embedded-provider-37ad7bc.txt");
/** Up to d625603: a loader that bundles providers/archive-upload-target-provider.ts with esbuild. */
const checkoutLoaderText = fixture("loader-provider-d625603.txt");

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

describe.each([
    ["the first release's closure-serialized provider (37ad7bc)", embeddedProviderText],
    ["the checkout loader (up to d625603)", checkoutLoaderText],
])("a stack written by %s", (_text, oldText) => {
    let old: StackState;
    let inputs: ReturnType<typeof validInputs>;

    beforeEach(async () => {
        inputs = validInputs(emulator);
        const { result, http } = await deployment((host) => up(host, withProvider(inputs, oldText), new Map()));
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(result.get("target")?.outputs.__provider).toBe(oldText);
        old = result;
    });

    it("previews with no change under the package, and sends nothing", async () => {
        const { result: plan, http } = await deployment((host) => preview(host, withProvider(inputs, providerText), old));
        expect(plan.get("target")).toBe("same");
        expect(http).toEqual([]);
    });

    it("after an up that changes only the provider text, is destroyed by the old text in state with one DELETE", async () => {
        const { result: same, http: noOp } = await deployment((host) => up(host, withProvider(inputs, providerText), old));
        expect(noOp).toEqual([]);
        // The engine keeps the old outputs on a no-change step: destroy runs the old text.
        expect(same.get("target")?.outputs.__provider).toBe(oldText);
        const { http } = await deployment((host) => destroy(host, same));
        expect(http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });

    it("updates with one PUT under the package, which then destroys it with one DELETE", async () => {
        const changed = { ...inputs, sse: "none" as const };
        const { result: updated, http: update } = await deployment((host) => up(host, withProvider(changed, providerText), old));
        expect(update).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(emulator.targets.get(inputs.apiKey)?.config.sse).toBe("none");
        expect(updated.get("target")?.outputs.__provider).toBe(providerText);
        const { http: deleted } = await deployment((host) => destroy(host, updated));
        expect(deleted).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
    });
});
