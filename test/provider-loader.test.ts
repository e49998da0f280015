// The provider text every resource stores (providers/provider-loader.ts), run in-process: what it
// holds, and what it says when the package is not installed. Run by Pulumi's real provider host:
// test/host/provider-loader.test.ts; stacks written by earlier texts: test/cli/lifecycle.test.ts.

import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import { projectRoot } from "./harness/stand-in-engine";

const providerText = archiveUploadTargetProviderText;

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
