// The property table (providers/properties.ts) is where an input is declared: the generated types
// hold its names and types (test/generated.test.ts checks the generated files are current), and
// check reads it at run time, in whatever order its rows come.

import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";
import type { ArchiveUploadTargetArgs, ArchiveUploadTargetOutputs, TargetInputs } from "../providers";
import type * as propertiesModule from "../providers/properties";
import type * as checkModule from "../providers/check";
import { unknownValue } from "../providers/unknown";
import { listEnd, listStart, providerDoc, renderInputList } from "../scripts/generate-inputs";
import { apiSecret, secretKey, vonageKeys } from "./support/fixtures";

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

/** The inputs Args requires: only fallback, which every target needs and which has no default on purpose. */
type RequiredArg = {
    [K in keyof ArchiveUploadTargetArgs]-?: object extends Pick<ArchiveUploadTargetArgs, K> ? never : K;
}[keyof ArchiveUploadTargetArgs];
const onlyFallbackIsRequired: Same<RequiredArg, "fallback"> = true;

describe("the generated types", () => {
    it("types Args and outputs by the table, requiring only fallback (checked by the typecheck)", () => {
        expect([argsHoldTheTable, outputsHoldTheTable, onlyFallbackIsRequired]).toEqual([true, true, true]);
    });
});

describe("the documented inputs", () => {
    // In this process, unlike test/generated.test.ts (which runs `npm run generate -- --check`), so
    // that the mutation runs see a row's doc text change.
    it("are each row's doc, facts and what changing it does, as docs/provider.md lists them", () => {
        const doc = fs.readFileSync(providerDoc, "utf8");
        expect(doc.slice(doc.indexOf(listStart) + listStart.length, doc.indexOf(listEnd)).trim()).toBe(renderInputList());
    });
});

describe("check with the table's rows in reverse order", () => {
    const emulatorUrl = "http://127.0.0.1:9";
    const s3 = { apiKey: "12345678", apiSecret, apiUrl: emulatorUrl, bucket: "acme-archives", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey };
    const cases: Record<string, Record<string, unknown>> = {
        "a valid S3 target": { ...s3, fallback: "none" },
        "an Azure target with an S3 input": {
            ...s3,
            type: "azure",
            accountName: "acme",
            accountKey: "a2V5",
            container: "archives",
            fallback: "opentok",
        },
        "both APIs' credentials": {
            ...s3,
            applicationId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            privateKey: vonageKeys.privateKey,
            fallback: "none",
        },
        "an unreachable endpoint with OpenTok's API": { ...s3, apiUrl: "https://api.opentok.com", endpoint: "http://10.0.0.1", fallback: "none" },
        "an Azure input with no type given": { ...s3, container: "archives", fallback: "none" },
        "a bad type": { ...s3, type: "gcs", fallback: "none" },
        "no fallback, unknown bucket": { ...s3, bucket: unknownValue },
        "old state's shape (no type, sse or verify)": { ...s3, fallback: "opentok" },
    };

    function checkWith(reversed: boolean): typeof checkModule {
        let loaded: typeof checkModule | undefined;
        jest.isolateModules(() => {
            if (reversed) {
                jest.doMock("../providers/properties", () => {
                    const actual = jest.requireActual<typeof propertiesModule>("../providers/properties");
                    const names = [...actual.propertyNames].reverse();
                    return { ...actual, propertyNames: names, properties: Object.fromEntries(names.map((n) => [n, actual.properties[n]])) };
                });
            }
            loaded = require("../providers/check");
        });
        jest.dontMock("../providers/properties");
        return loaded!;
    }

    const sorted = <T extends { property: string }>(failures: T[]) => [...failures].sort((a, b) => a.property.localeCompare(b.property));

    it.each(Object.keys(cases))("answers the same for %s", (name) => {
        const [inOrder, reversed] = [checkWith(false), checkWith(true)];
        const given = cases[name]!;
        const [a, b] = [inOrder.checkAtPreview(given), reversed.checkAtPreview(given)];
        expect(b.ok).toBe(a.ok);
        if (a.ok && b.ok) {
            expect(b.inputs).toEqual(a.inputs);
        } else if (!a.ok && !b.ok) {
            expect(sorted(b.failures)).toEqual(sorted(a.failures));
        }
        const stored = (check: typeof checkModule) => {
            try {
                return check.stateFromStored(given);
            } catch (error) {
                return String(error);
            }
        };
        expect(stored(reversed)).toEqual(stored(inOrder));
    });
});
