// What every ArchiveUploadTarget stores as `__provider`, the text Pulumi's dynamic-provider host
// loads (`require`s from a string, then calls its `handler()`) to run the resource's operations.
// The host starts in the program's directory.
//
// The text is host-loader.js plus the implementation's directory, relative to the program's:
// a loader, not the implementation. In the host it bundles the implementation
// (archive-upload-target-provider.ts and what it imports) from that directory with esbuild,
// caches the bundle under node_modules/.cache keyed by the esbuild version and every source
// file, and hands every call to it.
//
// Why not closure-serialize the provider, as pulumi.dynamic.Resource does: every resource would
// carry 59 KB of state (14 KB bundled and compressed), and every program run would load Pulumi's
// closure serializer and write it. The text here is written, not serialized, so it is the same
// whichever compiler ran the program, and holds nothing the program captured. The price: `pulumi
// destroy` and `refresh` run the provider code of the checkout they run in, not the code the
// resource was deployed with; every version of the provider reads state written by earlier
// ones, which it must do anyway for `pulumi up`.

import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { TargetState } from "./archive-upload-target-provider";
import type { TargetInputs } from "./validation";

type Provider = pulumi.dynamic.ResourceProvider<TargetInputs, TargetState>;

/** The `__provider` text of a provider whose implementation is in `implementationDir`, relative to the program's directory. */
export function providerText(implementationDir: string): string {
    const loader = fs.readFileSync(path.join(__dirname, "host-loader.js"), "utf8");
    return `${loader}exports.implementationDir = ${JSON.stringify(implementationDir)};\n`;
}

/** The provider a `__provider` text gives, loaded as the host loads it. */
export function providerFromText(text: string): Provider {
    const module = { exports: {} as { handler?: () => Provider } };
    new Function("exports", "require", "module", text)(module.exports, require, module);
    return module.exports.handler!();
}

/**
 * ArchiveUploadTarget's `__provider`: the implementation next to this file, named relative to the
 * program's directory with `/`, so the text is the same on every machine.
 */
export const archiveUploadTargetProviderText = providerText(path.relative(process.cwd(), __dirname).split(path.sep).join("/") || ".");

/** The provider ArchiveUploadTarget's resources run, for calling in this process. */
export const archiveUploadTargetProvider: Provider = providerFromText(archiveUploadTargetProviderText);
