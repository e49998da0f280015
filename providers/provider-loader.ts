// What every ArchiveUploadTarget stores as `__provider`: the text Pulumi's dynamic-provider host
// loads (`require`s from a string, then calls its `handler()`) to run the resource's operations.
//
// The text requires this package's provider by package name, as Pulumi's closure serializer does
// for a module loaded from node_modules (runtime/closure/createClosure.ts). A name, never a path:
// state stays valid when the project moves, when a subdirectory or a pnpm store holds the
// package, and after an upgrade (destroy and refresh run the package installed then, which reads
// state of every earlier version). The host needs no bundler, TypeScript or writable directory.
//
// The host evaluates the text as a module without a file name, so `require` searches from the
// host's working directory, the program's (and NODE_PATH). Where the host starts elsewhere (an
// Automation API inline program's work directory) the text also searches from the
// @pulumi/pulumi the host runs from, which is installed beside the program's packages.

import type * as pulumi from "@pulumi/pulumi";
import type { TargetState } from "./archive-upload-target-provider";
import type { TargetInputs } from "./inputs";

type Provider = pulumi.dynamic.ResourceProvider<TargetInputs, TargetState>;

/** package.json's `name`. */
const packageName = "@opentok-archive-storage/archive-upload-target";

/** The module the text requires: the package's `./provider` export. @internal */
export const providerModule = `${packageName}/provider`;

/** ArchiveUploadTarget's `__provider`: the same text on every machine, in every program. @internal */
export const archiveUploadTargetProviderText = `"use strict";
// ArchiveUploadTarget: runs the provider of the installed npm package, found by name.
exports.handler = () => {
    const request = ${JSON.stringify(providerModule)};
    const searches = [require];
    if (require.main) {
        searches.push(require("module").createRequire(require.main.filename));
    }
    for (const search of searches) {
        let resolved;
        try {
            resolved = search.resolve(request);
        } catch {
            continue;
        }
        return search(resolved).archiveUploadTargetProvider;
    }
    throw new Error(
        "ArchiveUploadTarget runs its provider from the npm package ${packageName}, " +
            "which Pulumi's provider host could not find from " + process.cwd() + ". " +
            "Install it in the program's directory (npm install ${packageName}) and run pulumi there.",
    );
};
`;

/**
 * The provider the text runs, for calling in this process. Loaded on first call: a program that
 * only declares resources never loads the HTTP client and token libraries (about 150 ms of
 * program start). Named apart from the provider it loads, which the text finds by its name.
 * @internal
 */
export const lazyArchiveUploadTargetProvider: Provider = {
    check: (olds, news) => implementation().check!(olds, news),
    diff: (id, olds, news) => implementation().diff!(id, olds, news),
    create: (inputs) => implementation().create(inputs),
    read: (id, props) => implementation().read!(id, props),
    update: (id, olds, news) => implementation().update!(id, olds, news),
    delete: (id, props) => implementation().delete!(id, props),
};

function implementation(): Provider {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded: typeof import("./archive-upload-target-provider") = require("./archive-upload-target-provider");
    return loaded.archiveUploadTargetProvider;
}
