// S3's rules for storage-class transitions, as providers/lifecycle.ts checks them, and the component
// refusing a bad list before it registers anything.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveStorage, storageClasses, Transition, transitionProblems } from "@opentok-archive-storage/archive-upload-target/aws";

const t = (storageClass: string, days: number) => ({ storageClass, days }) as Transition;

const valid: [string, Transition[], number | undefined][] = [
    ["nothing", [], undefined],
    ["STANDARD_IA at day 30, the earliest S3 allows", [t("STANDARD_IA", 30)], undefined],
    ["GLACIER_IR at day 0 (no minimum days, only a billed minimum duration)", [t("GLACIER_IR", 0)], undefined],
    ["DEEP_ARCHIVE at day 0", [t("DEEP_ARCHIVE", 0)], undefined],
    ["prod's chain", [t("STANDARD_IA", 30), t("GLACIER_IR", 90), t("DEEP_ARCHIVE", 365)], undefined],
    ["STANDARD_IA, then GLACIER 30 days later", [t("STANDARD_IA", 30), t("GLACIER", 60)], undefined],
    ["GLACIER_IR, then GLACIER a day later", [t("GLACIER_IR", 10), t("GLACIER", 11)], undefined],
    ["a transition the day before expiry", [t("GLACIER", 29)], 30],
];

const invalid: [string, Transition[], number | undefined, RegExp][] = [
    [
        "an unknown class",
        [t("STANDARD", 30)],
        undefined,
        /transitions\[0\]\.storageClass must be one of STANDARD_IA, .*DEEP_ARCHIVE, but was "STANDARD"/,
    ],
    [
        "STANDARD_IA before day 30",
        [t("STANDARD_IA", 29)],
        undefined,
        /transitions\[0\]\.days must be a whole number of at least 30 for STANDARD_IA, but was 29/,
    ],
    ["ONEZONE_IA before day 30", [t("ONEZONE_IA", 1)], undefined, /transitions\[0\]\.days must be a whole number of at least 30 for ONEZONE_IA/],
    ["negative days", [t("GLACIER", -1)], undefined, /transitions\[0\]\.days must be a whole number of at least 0 for GLACIER, but was -1/],
    ["a fraction of a day", [t("GLACIER", 1.5)], undefined, /transitions\[0\]\.days must be a whole number/],
    [
        "going up the class order",
        [t("GLACIER", 30), t("STANDARD_IA", 60)],
        undefined,
        /from GLACIER to STANDARD_IA, which S3 does not support; after GLACIER only DEEP_ARCHIVE can follow/,
    ],
    [
        "ONEZONE_IA to GLACIER_IR (not supported by S3)",
        [t("ONEZONE_IA", 30), t("GLACIER_IR", 90)],
        undefined,
        /from ONEZONE_IA to GLACIER_IR, which S3 does not support/,
    ],
    ["anything after DEEP_ARCHIVE", [t("DEEP_ARCHIVE", 30), t("GLACIER", 60)], undefined, /after DEEP_ARCHIVE only nothing can follow/],
    ["the same day twice", [t("GLACIER_IR", 30), t("GLACIER", 30)], undefined, /transitions\[1\]\.days must be at least 31/],
    ["days going down", [t("GLACIER_IR", 90), t("DEEP_ARCHIVE", 60)], undefined, /transitions\[1\]\.days must be at least 91/],
    [
        "leaving STANDARD_IA within 30 days",
        [t("STANDARD_IA", 30), t("GLACIER", 59)],
        undefined,
        /transitions\[1\]\.days must be at least 60 \(30 days after the STANDARD_IA transition at day 30\), but was 59/,
    ],
    [
        "a transition on the day of expiry",
        [t("GLACIER", 30)],
        30,
        /transitions\[0\]\.days \(30\) must be less than retentionDays \(30\): archives are deleted before they would move to GLACIER/,
    ],
];

describe("storage-class transitions", () => {
    it.each(valid)("accepts %s", (_name, transitions, retentionDays) => {
        expect(transitionProblems(transitions, retentionDays)).toEqual([]);
    });

    it.each(invalid)("refuses %s, saying which entry and what is allowed", (_name, transitions, retentionDays, message) => {
        const problems = transitionProblems(transitions, retentionDays);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(message);
    });

    it("documents a restore time and a billed minimum duration for every class", () => {
        for (const storageClass of Object.values(storageClasses)) {
            expect(storageClass.restore).not.toBe("");
            expect(storageClass.minimumStorageDays).toBeGreaterThanOrEqual(storageClass.minimumDaysAfterCreation);
        }
    });
});

describe("ArchiveStorage", () => {
    it("refuses bad transitions before it registers any resource, naming the argument and every problem", async () => {
        const registered: string[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push(args.type);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            },
            "opentok-archive-storage",
            "dev",
        );
        expect(
            () =>
                new ArchiveStorage("direct", {
                    opentok: { apiKey: "47000001", apiSecret: "lifecycle-api-secret-Zq71" },
                    sse: "s3",
                    fallback: "none",
                    forceDestroy: false,
                    keyGeneration: 1,
                    retentionDays: 60,
                    transitions: [t("STANDARD_IA", 10), t("GLACIER", 90)],
                }),
        ).toThrow(
            /^ArchiveStorage: transitions\[0\]\.days must be a whole number of at least 30 for STANDARD_IA, but was 10 .*; transitions\[1\]\.days \(90\) must be less than retentionDays \(60\)/,
        );
        expect(registered).toEqual([]);
    });
});
