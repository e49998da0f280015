// The module every ArchiveUploadTarget stores as `__provider`; see provider-loader.ts.
"use strict";

exports.handler = () => {
    const implementationDir = exports.implementationDir;
    const load = () => {
        const implementations = (globalThis["opentok-archive-storage.implementations"] ??= new Map());
        let implementation = implementations.get(implementationDir);
        if (implementation !== undefined) {
            return implementation;
        }
        const fs = require("fs");
        const path = require("path");
        const { createRequire } = require("module");
        const dir = path.resolve(implementationDir);
        const entry = path.join(dir, "archive-upload-target-provider.ts");
        if (!fs.existsSync(entry)) {
            throw new Error(
                `ArchiveUploadTarget runs its provider from ${dir}, which has no archive-upload-target-provider.ts. ` +
                    "Run pulumi in the opentok-archive-storage project directory, after npm ci.",
            );
        }
        const esbuild = createRequire(entry)("esbuild");
        const hash = require("crypto").createHash("sha256").update(esbuild.version);
        for (const file of fs
            .readdirSync(dir)
            .filter((name) => name.endsWith(".ts"))
            .sort()) {
            hash.update(file).update(fs.readFileSync(path.join(dir, file)));
        }
        const cached = path.join(dir, "..", "node_modules", ".cache", "opentok-archive-storage", `provider-${hash.digest("hex").slice(0, 32)}.js`);
        let code;
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
            }).outputFiles[0].text;
            try {
                fs.mkdirSync(path.dirname(cached), { recursive: true });
                const partial = `${cached}.${process.pid}`;
                fs.writeFileSync(partial, code);
                fs.renameSync(partial, cached);
            } catch {
                // A checkout where the cache cannot be written bundles in every process.
            }
        }
        const bundle = { exports: {} };
        new Function("require", "module", "exports", `${code}\n//# sourceURL=${cached}`)(createRequire(cached), bundle, bundle.exports);
        implementation = bundle.exports.archiveUploadTargetProvider;
        implementations.set(implementationDir, implementation);
        return implementation;
    };
    return {
        check: (olds, news) => load().check(olds, news),
        diff: (id, olds, news) => load().diff(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read(id, props),
        update: (id, olds, news) => load().update(id, olds, news),
        delete: (id, props) => load().delete(id, props),
    };
};
