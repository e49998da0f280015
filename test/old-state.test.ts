// Stacks written by every earlier provider text keep working under the package, through Pulumi's
// real dynamic-provider host: they preview with no change, are destroyed by the old text after an
// up that changes only the text, and update with one PUT then destroy with one DELETE. Each old
// text is run as it is stored in state (test/fixtures/).

import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import * as fs from "fs";
import * as path from "path";
import { destroy, preview, Program, StackState, up } from "./harness/engine-driver";
import { ProviderHost } from "./harness/provider-host";
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

async function deployment<T>(command: (host: ProviderHost) => Promise<T>): Promise<Deployment<T>> {
    const host = await ProviderHost.start(fastRetryEnvironment);
    hosts.push(host);
    return observed(emulator, host, command);
}
const withProvider = (inputs: object, text: string): Program => new Map([["target", { ...inputs, __provider: text }]]);

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
