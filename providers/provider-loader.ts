// The provider object every ArchiveUploadTarget carries in `__provider`. Pulumi stores that text
// in state and runs it in the dynamic-provider host, which `pulumi` starts in the program's
// directory. It is a loader, not the implementation: in the host it bundles the implementation
// (archive-upload-target-provider.ts and what it imports) from this checkout's providers/
// directory with esbuild, once per process, and hands every call to it.
//
// Why not carry the implementation in state, as closure serialization does: it would cost every
// resource 59 KB (14 KB bundled and compressed) of state, and the program the time to write it.
// The price is that `pulumi destroy` and `refresh` run the provider code of the checkout they
// run in, not the code the resource was last deployed with; every version of the provider reads
// state written by earlier ones, which it must do anyway for `pulumi up`.

/* eslint-disable @typescript-eslint/no-require-imports -- the loader's text runs in the provider
   host, where only require() is available */
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { TargetState } from "./archive-upload-target-provider";
import type { TargetInputs } from "./validation";

type Provider = pulumi.dynamic.ResourceProvider<TargetInputs, TargetState>;

/** What the host keeps per process, on globalThis: a variable captured here would be serialized. */
const implementationsKey = "opentok-archive-storage.implementations";

/**
 * A provider whose calls go to the implementation in `implementationDir` (relative to the host's
 * directory), bundled on first use. The bundle is cached as
 * `<implementationDir>/../node_modules/.cache/opentok-archive-storage/provider-<hash>.js`, keyed
 * by the esbuild version and every source file, so a hit is exact; a checkout where that cannot
 * be written bundles in every process instead. The loader below has no comments inside: its
 * text is what every resource stores.
 */
export function providerLoadedFrom(implementationDir: string): Provider {
    const load = (): Provider => {
        const registry = globalThis as unknown as Record<string, Map<string, Provider> | undefined>;
        const implementations = (registry[implementationsKey] ??= new Map<string, Provider>());
        let implementation = implementations.get(implementationDir);
        if (implementation !== undefined) {
            return implementation;
        }
        const fs: typeof import("fs") = require("fs");
        const path: typeof import("path") = require("path");
        const dir = path.resolve(implementationDir);
        const entry = path.join(dir, "archive-upload-target-provider.ts");
        if (!fs.existsSync(entry)) {
            throw new Error(
                `ArchiveUploadTarget runs its provider from ${dir}, which has no archive-upload-target-provider.ts. ` +
                    "Run pulumi in the opentok-archive-storage project directory, after npm ci.",
            );
        }
        const requireFromHere = require("module").createRequire(entry) as NodeJS.Require;
        const esbuild: typeof import("esbuild") = requireFromHere("esbuild");
        const hash = require("crypto").createHash("sha256").update(esbuild.version);
        for (const file of fs
            .readdirSync(dir)
            .filter((name) => name.endsWith(".ts"))
            .sort()) {
            hash.update(file).update(fs.readFileSync(path.join(dir, file)));
        }
        const cached = path.join(dir, "..", "node_modules", ".cache", "opentok-archive-storage", `provider-${hash.digest("hex").slice(0, 32)}.js`);
        let code: string;
        try {
            code = fs.readFileSync(cached, "utf8");
        } catch {
            code = esbuild.buildSync({
                entryPoints: [entry],
                bundle: true,
                platform: "node",
                format: "cjs",
                target: "node20",
                packages: "external",
                write: false,
            }).outputFiles[0]!.text;
            try {
                fs.mkdirSync(path.dirname(cached), { recursive: true });
                const partial = `${cached}.${process.pid}`;
                fs.writeFileSync(partial, code);
                fs.renameSync(partial, cached);
            } catch {
                /* read-only checkout */
            }
        }
        const bundle = { exports: {} as Record<string, Provider | undefined> };
        new Function("require", "module", "exports", `${code}\n//# sourceURL=${cached}`)(
            require("module").createRequire(cached),
            bundle,
            bundle.exports,
        );
        implementation = bundle.exports.archiveUploadTargetProvider!;
        implementations.set(implementationDir, implementation);
        return implementation;
    };
    return {
        check: (olds, news) => load().check!(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}

/**
 * The provider ArchiveUploadTarget uses: the implementation next to this file, named relative
 * to the program's directory (the host's too) with `/`, so the text in state is the same on
 * every machine.
 */
export const archiveUploadTargetProvider: Provider = providerLoadedFrom(path.relative(process.cwd(), __dirname).split(path.sep).join("/") || ".");
