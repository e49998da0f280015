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
