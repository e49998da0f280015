// The provider text every resource stores (providers/provider-loader.ts) through Pulumi's real
// dynamic-provider host: it runs the implementation of the checkout the host runs in, bundles it
// once per content, and still reads stacks whose state carries the implementation itself, as
// every version up to 37ad7bc wrote it.

import { archiveUploadTargetProviderText } from "../providers";
import * as fs from "fs";
import * as path from "path";
import { destroy, Program, StackState, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
import { projectRoot } from "./harness/stand-in-engine";
import { copiedCheckout, CopiedCheckout } from "./support/checkout";
import { Deployment, observed, storagePath } from "./support/deployment";
import { fastRetryEnvironment, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
const hosts: ProviderHost[] = [];
const providerText = archiveUploadTargetProviderText;
/** `__provider` as 37ad7bc wrote it: a loader with the implementation bundled and compressed. */
const embeddedProviderText = fs.readFileSync(path.join(__dirname, "fixtures", "embedded-provider-37ad7bc.txt"), "utf8");

const checkouts: CopiedCheckout[] = [];
function newCheckout(): CopiedCheckout {
    const checkout = copiedCheckout();
    checkouts.push(checkout);
    return checkout;
}

afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    checkouts.splice(0).forEach((c) => c.remove());
});

async function deployment<T>(command: (host: ProviderHost) => Promise<T>, programDir = projectRoot): Promise<Deployment<T>> {
    const host = await ProviderHost.start(fastRetryEnvironment, programDir);
    hosts.push(host);
    return observed(emulator, host, command);
}
const withProvider = (inputs: object, text: string): Program => new Map([["target", { ...inputs, __provider: text }]]);

describe("the provider text in state", () => {
    it("is a loader of under 8 KB that names the implementation's directory, not the implementation", () => {
        expect(Buffer.byteLength(providerText)).toBeLessThanOrEqual(8 * 1024);
        expect(providerText).toContain('exports.implementationDir = "providers";');
        expect(providerText).not.toContain("X-OPENTOK-AUTH");
        expect(providerText).not.toContain(process.cwd());
    });
});

describe("a stack written by the embedded provider (37ad7bc and earlier)", () => {
    it("is destroyed by the code its state carries, with one DELETE", async () => {
        const inputs = validInputs(emulator);
        const { result: state } = await deployment((host) => up(host, withProvider(inputs, embeddedProviderText), new Map()));
        expect(state.get("target")?.outputs.__provider).toBe(embeddedProviderText);
        const { http } = await deployment((host) => destroy(host, state));
        expect(http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });

    it("moves to the loader without a request, then updates and is destroyed by the checkout's code", async () => {
        const inputs = validInputs(emulator);
        const { result: old } = await deployment((host) => up(host, withProvider(inputs, embeddedProviderText), new Map()));

        // A new provider text alone is no change: nothing is sent.
        const { result: same, http: noOp } = await deployment((host) => up(host, withProvider(inputs, providerText), old));
        expect(noOp).toEqual([]);

        const changed = { ...inputs, sse: "none" as const };
        const { result: updated, http: update } = await deployment((host) => up(host, withProvider(changed, providerText), same));
        expect(update).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(emulator.targets.get(inputs.apiKey)?.config.sse).toBe("none");
        expect(updated.get("target")?.outputs.__provider).toBe(providerText);

        const { http: deleted } = await deployment((host) => destroy(host, updated));
        expect(deleted).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
    });
});

describe("the checkout the host runs in", () => {
    const kmsReason = (host: ProviderHost, inputs: object) =>
        host.check("urn:pulumi:test::p::t::target", {}, { ...inputs, sse: "aws:kms", __provider: providerText }).then((r) => r.failures);

    it("is bundled once per content, by concurrent hosts too, and an edit is run by the next deployment", async () => {
        const checkout = newCheckout();
        const { dir, cacheDir } = checkout;
        const inputs = validInputs(emulator);
        // Two deployments at once on a cold cache: both bundle, one rename wins, both work.
        const [first, second] = await Promise.all([
            deployment((host) => up(host, withProvider(inputs, providerText), new Map()), dir),
            deployment((host) => kmsReason(host, inputs), dir),
        ]);
        expect(first.http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(second.result).toEqual([{ property: "sse", reason: expect.stringContaining("OpenTok supports only S3-managed keys") }]);
        expect(fs.readdirSync(cacheDir)).toHaveLength(1);

        const validation = path.join(dir, "providers", "validation.ts");
        const source = fs.readFileSync(validation, "utf8");
        expect(source).toContain("OpenTok supports only S3-managed keys");
        fs.writeFileSync(validation, source.replace("OpenTok supports only S3-managed keys", "this checkout supports only S3-managed keys"));

        const edited = await deployment((host) => kmsReason(host, inputs), dir);
        expect(edited.result).toEqual([{ property: "sse", reason: expect.stringContaining("this checkout supports only S3-managed keys") }]);
        expect(fs.readdirSync(cacheDir)).toHaveLength(2);
        const { http } = await deployment((host) => destroy(host, first.result as StackState), dir);
        expect(http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
    });

    it("works where the cache cannot be written, bundling in every process", async () => {
        const checkout = newCheckout();
        const { dir } = checkout;
        fs.writeFileSync(path.join(dir, "node_modules", ".cache"), "a file where the cache directory would go");
        const inputs = validInputs(emulator);
        const { http } = await deployment((host) => up(host, withProvider(inputs, providerText), new Map()), dir);
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
    });

    it("says where it looked and what to do when the program's directory has no provider code", async () => {
        const checkout = newCheckout();
        const { dir } = checkout;
        fs.rmSync(path.join(dir, "providers"), { recursive: true });
        const inputs = validInputs(emulator);
        const { result, http } = await deployment(
            (host) =>
                kmsReason(host, inputs).then(
                    () => "checked",
                    (error: Error) => error.message,
                ),
            dir,
        );
        expect(result).toContain(`runs its provider from ${path.join(dir, "providers")}, which has no archive-upload-target-provider.ts`);
        expect(result).toContain("Run pulumi in the opentok-archive-storage project directory, after npm ci.");
        expect(http).toEqual([]);
    });
});
