// The provider object every ArchiveUploadTarget carries in `__provider`: a small loader plus the
// implementation (archive-upload-target-provider.ts) bundled by esbuild, minified and
// compressed. State stays self-contained, as Pulumi needs (delete and refresh run the code saved
// in state), at a fifth of the size of closure-serializing the implementation; and the program
// neither loads nor closure-serializes the implementation, so `pulumi preview` starts sooner.

import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import type * as pulumi from "@pulumi/pulumi";
import type { TargetState } from "./archive-upload-target-provider";
import type { TargetInputs } from "./validation";

type Provider = pulumi.dynamic.ResourceProvider<TargetInputs, TargetState>;

/**
 * The implementation as one minified CommonJS file, brotli-compressed, in base64. Its npm
 * dependencies (axios, jsonwebtoken, ...) stay `require`s, resolved in the provider host from
 * the program's node_modules as any dynamic provider's are.
 */
export function bundledImplementation(): string {
    const source = ["archive-upload-target-provider.ts", "archive-upload-target-provider.js"]
        .map((file) => path.join(__dirname, file))
        .find((file) => fs.existsSync(file));
    if (source === undefined) {
        throw new Error(`The provider implementation is missing from ${__dirname}: reinstall opentok-archive-storage.`);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuildVersion: string = require("esbuild/package.json").version;
    // Cached by the content of every source file and the bundler's version: the same code gives
    // the same bundle, so a hit is exact, and it saves the bundler's start on every program run.
    const hash = crypto.createHash("sha256").update(esbuildVersion);
    for (const file of fs
        .readdirSync(__dirname)
        .filter((f) => /\.(ts|js)$/.test(f))
        .sort()) {
        hash.update(file).update(fs.readFileSync(path.join(__dirname, file)));
    }
    const cacheFile = path.join(
        __dirname,
        "..",
        "node_modules",
        ".cache",
        "opentok-archive-storage",
        `provider-${hash.digest("hex").slice(0, 32)}.txt`,
    );
    try {
        return fs.readFileSync(cacheFile, "utf8");
    } catch {
        // Not built yet for this code.
    }
    const compressed = compress(source);
    try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        fs.writeFileSync(cacheFile, compressed);
    } catch {
        // A read-only checkout still works, bundling on every run.
    }
    return compressed;
}

function compress(source: string): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild: typeof import("esbuild") = require("esbuild");
    const result = esbuild.buildSync({
        entryPoints: [source],
        bundle: true,
        minify: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        packages: "external",
        legalComments: "none",
        write: false,
    });
    const code = result.outputFiles[0]!.text;
    return zlib.brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).toString("base64");
}

/** A provider that loads `compressedImplementation` on first use, once per process. */
export function compactProvider(compressedImplementation: string): Provider {
    const load = (): Provider => {
        // The cache is on globalThis, not in this closure: a captured variable would be
        // serialized with whatever it held, the whole implementation included.
        const cache = globalThis as unknown as Record<symbol, Map<string, Provider> | undefined>;
        const key = Symbol.for("opentok-archive-storage.loadedImplementations");
        const loaded = (cache[key] ??= new Map<string, Provider>());
        let implementation = loaded.get(compressedImplementation);
        if (implementation === undefined) {
            /* eslint-disable @typescript-eslint/no-require-imports */
            const unzip: typeof import("zlib") = require("zlib");
            const { join }: typeof import("path") = require("path");
            const { createRequire }: typeof import("module") = require("module");
            /* eslint-enable @typescript-eslint/no-require-imports */
            const code = unzip.brotliDecompressSync(Buffer.from(compressedImplementation, "base64")).toString("utf8");
            // CommonJS, compiled in this realm (so it shares this process's globals), with a
            // require that resolves from the program's directory, as the host's cwd is.
            const bundleModule = { exports: {} as Record<string, Provider | undefined> };
            const bundleRequire = createRequire(join(process.cwd(), "archive-upload-target-provider.bundle.js"));
            new Function("require", "module", "exports", code)(bundleRequire, bundleModule, bundleModule.exports);
            implementation = bundleModule.exports.archiveUploadTargetProvider!;
            loaded.set(compressedImplementation, implementation);
        }
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

/** The provider ArchiveUploadTarget uses. */
export const archiveUploadTargetProvider: Provider = compactProvider(bundledImplementation());
