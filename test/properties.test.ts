// The property table (providers/properties.ts) is the one source of each input's facts: the
// documented input list is what the table renders, and the resource's Args (written out for their
// TSDoc) hold the table's names and types. The type-level checks fail `npm run typecheck`.

import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";
import type { ArchiveUploadTargetArgs, ArchiveUploadTargetOutputs, TargetInputs } from "../providers";
import { properties, propertyNames } from "../providers/properties";
import { documentedInputList, providerDoc, renderInputList } from "./support/property-docs";

/** True only when A and B are the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Each input as the table types it, as a program may give it. */
type ArgsOfTable = { [K in keyof TargetInputs]-?: pulumi.Input<NonNullable<TargetInputs[K]>> };
const argsHoldTheTable: Same<Required<ArchiveUploadTargetArgs>, ArgsOfTable> = true;

/** Each output as the table types it. */
type OutputsOfTable = {
    readonly [K in keyof TargetInputs]-?: pulumi.Output<TargetInputs[K] | (undefined extends TargetInputs[K] ? undefined : never)>;
};
const outputsHoldTheTable: Same<ArchiveUploadTargetOutputs, OutputsOfTable> = true;

/** The inputs Args requires. */
type RequiredArg = {
    [K in keyof ArchiveUploadTargetArgs]-?: object extends Pick<ArchiveUploadTargetArgs, K> ? never : K;
}[keyof ArchiveUploadTargetArgs];
const requiredArgs: RequiredArg[] = ["fallback"];

describe("the property table", () => {
    it("renders docs/provider.md's input list (run `npm run docs:inputs` after changing the table)", () => {
        expect(documentedInputList(fs.readFileSync(providerDoc, "utf8"))).toBe(renderInputList());
    });

    it("holds the resource's Args and outputs to its names and types (checked by the typecheck)", () => {
        expect([argsHoldTheTable, outputsHoldTheTable]).toEqual([true, true]);
    });

    it("requires in Args exactly the inputs every target must be given", () => {
        const alwaysRequired = propertyNames.filter((name) => {
            const row = properties[name];
            return row.group === "target" && row.kind === "string" && row.required;
        });
        expect(alwaysRequired).toEqual(requiredArgs);
    });
});

describe("the short summaries written by hand", () => {
    const names = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1]!).sort();
    const withChange = (change: string) => propertyNames.filter((name) => properties[name].change === change).sort();
    const secret = propertyNames.filter((name) => properties[name].secret).sort();
    const packageReadme = fs.readFileSync(`${__dirname}/../providers/README.md`, "utf8").replace(/\s+/g, " ");
    const readme = fs.readFileSync(`${__dirname}/../README.md`, "utf8").replace(/\s+/g, " ");

    it("providers/README.md lists every input, and the table's replacing, state-only and secret inputs", () => {
        const table = packageReadme.slice(packageReadme.indexOf("## Inputs"), packageReadme.indexOf("## What state holds"));
        expect([...new Set(names(table.slice(0, table.indexOf("Changing "))))].filter((n) => propertyNames.includes(n as never))).toEqual(
            [...propertyNames].sort(),
        );
        expect(names(/Changing (.*?) replaces the resource/.exec(table)![1]!)).toEqual(withChange("replace"));
        expect(names(/none when only (.*?) changed/.exec(table)![1]!)).toEqual(withChange("state"));
        expect(names(/Secrets \((.*?)\) are always stored as secrets/.exec(table)![1]!)).toEqual(secret);
    });

    it("README.md names the secret inputs", () => {
        expect(names(/; ([^;.]*) are always secret in state/.exec(readme)![1]!)).toEqual(secret);
    });
});
