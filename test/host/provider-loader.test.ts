// The provider text every resource stores (providers/provider-loader.ts), through Pulumi's real
// dynamic-provider host: it runs the installed package by name, from wherever the host starts.

import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { destroy, Program, up } from "../harness/engine-driver";
import { ProviderHost } from "../harness/provider-host";
import { projectRoot } from "../harness/stand-in-engine";
import { Deployment, observed, storagePath } from "../support/deployment";
import { fastRetryEnvironment, useEmulator, validInputs } from "../support/fixtures";

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

describe("the host", () => {
    it("runs the package's built provider, with no bundler and no file written, also started in a directory without node_modules", async () => {
        // The destroy's host starts elsewhere and finds the package from the @pulumi/pulumi it runs from.
        const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "opentok-host-elsewhere-"));
        try {
            const inputs = validInputs(emulator);
            const cache = path.join(projectRoot, "node_modules", ".cache", "opentok-archive-storage");
            const cachedBefore = fs.existsSync(cache) ? fs.readdirSync(cache).length : 0;
            const { result: state, http, stderr } = await deployment((host) => up(host, withProvider(inputs, providerText), new Map()));
            expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
            expect(stderr).toBe("");
            expect(fs.existsSync(cache) ? fs.readdirSync(cache).length : 0).toBe(cachedBefore);
            const { http: deleted } = await deployment((host) => destroy(host, state), elsewhere);
            expect(deleted).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        } finally {
            fs.rmSync(elsewhere, { recursive: true, force: true });
        }
    });
});
