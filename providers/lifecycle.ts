// The archive bucket's lifecycle: storage-class transitions (checked against AWS's rules before
// anything is registered), expiry, and the clean-up that versioning needs.

import type * as aws from "@pulumi/aws";

/**
 * What each storage class a transition may move archives to costs, from AWS's S3 user guide:
 * "Constraints and considerations for transitions" (lifecycle-transition-general-considerations)
 * and the API's Transition.Days ("If the specified storage class is STANDARD_IA or ONEZONE_IA, valid
 * values are positive integers greater than 30"; the user guide: objects must be stored at least 30
 * days before they move to either), "Supported lifecycle transitions", the storage-class comparison
 * (minimum storage durations, billed when an object leaves earlier) and "Understanding archive
 * retrieval options" (restore times).
 */
export const storageClasses = {
    STANDARD_IA: {
        minimumDaysAfterCreation: 30,
        minimumStorageDays: 30,
        restore: "none: read at once (a per-GB retrieval fee)",
        movesOnTo: ["INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"],
    },
    INTELLIGENT_TIERING: {
        minimumDaysAfterCreation: 0,
        minimumStorageDays: 0,
        restore: "none: read at once (its optional archive tiers are not enabled here)",
        movesOnTo: ["ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"],
    },
    ONEZONE_IA: {
        minimumDaysAfterCreation: 30,
        minimumStorageDays: 30,
        restore: "none: read at once (a per-GB retrieval fee); one Availability Zone only",
        movesOnTo: ["GLACIER", "DEEP_ARCHIVE"],
    },
    GLACIER_IR: {
        minimumDaysAfterCreation: 0,
        minimumStorageDays: 90,
        restore: "none: read at once, in milliseconds (a higher per-GB retrieval fee)",
        movesOnTo: ["GLACIER", "DEEP_ARCHIVE"],
    },
    GLACIER: {
        minimumDaysAfterCreation: 0,
        minimumStorageDays: 90,
        restore: "a restore request first: expedited 1–5 minutes, standard 3–5 hours, bulk 5–12 hours",
        movesOnTo: ["DEEP_ARCHIVE"],
    },
    DEEP_ARCHIVE: {
        minimumDaysAfterCreation: 0,
        minimumStorageDays: 180,
        restore: "a restore request first: standard within 12 hours, bulk within 48 hours",
        movesOnTo: [],
    },
} as const satisfies Record<string, { minimumDaysAfterCreation: number; minimumStorageDays: number; restore: string; movesOnTo: string[] }>;

export type StorageClass = keyof typeof storageClasses;

/** @internal */
export const storageClassNames = Object.keys(storageClasses) as StorageClass[];

/** Move archives to `storageClass` this many days after upload. */
export interface Transition {
    readonly storageClass: StorageClass;
    readonly days: number;
}

/** Days an object must stay in STANDARD_IA or ONEZONE_IA before a lifecycle rule moves it on (user guide, as above). */
const daysInInfrequentAccessBeforeMovingOn = 30;

/** Every reason `transitions` would be refused by S3 or contradicts `retentionDays`; empty when valid. */
export function transitionProblems(transitions: readonly Transition[], retentionDays: number | undefined): string[] {
    const problems: string[] = [];
    transitions.forEach((transition, index) => {
        const at = `transitions[${index}]`;
        const storageClass = storageClasses[transition.storageClass as StorageClass] as (typeof storageClasses)[StorageClass] | undefined;
        if (storageClass === undefined) {
            problems.push(`${at}.storageClass must be one of ${storageClassNames.join(", ")}, but was ${JSON.stringify(transition.storageClass)}`);
            return;
        }
        if (!Number.isInteger(transition.days) || transition.days < storageClass.minimumDaysAfterCreation) {
            problems.push(
                `${at}.days must be a whole number of at least ${storageClass.minimumDaysAfterCreation} for ${transition.storageClass}, but was ${JSON.stringify(transition.days)}` +
                    (storageClass.minimumDaysAfterCreation > 0 ? ` (S3 moves objects to ${transition.storageClass} only after 30 days)` : ""),
            );
            return;
        }
        const previous = transitions[index - 1];
        if (previous !== undefined && previous.storageClass in storageClasses) {
            const from = storageClasses[previous.storageClass];
            if (!(from.movesOnTo as readonly string[]).includes(transition.storageClass)) {
                problems.push(
                    `${at} moves archives from ${previous.storageClass} to ${transition.storageClass}, which S3 does not support; after ${previous.storageClass} only ${from.movesOnTo.join(", ") || "nothing"} can follow`,
                );
            } else {
                const minimumGap = from.minimumDaysAfterCreation > 0 ? daysInInfrequentAccessBeforeMovingOn : 1;
                if (transition.days < previous.days + minimumGap) {
                    problems.push(
                        `${at}.days must be at least ${previous.days + minimumGap} (${minimumGap} day${minimumGap === 1 ? "" : "s"} after the ${previous.storageClass} transition at day ${previous.days}), but was ${transition.days}`,
                    );
                }
            }
        }
        if (retentionDays !== undefined && transition.days >= retentionDays) {
            problems.push(
                `${at}.days (${transition.days}) must be less than retentionDays (${retentionDays}): archives are deleted before they would move to ${transition.storageClass}`,
            );
        }
    });
    return problems;
}

/** Days after which S3 aborts a multipart upload that never completed (an interrupted upload). */
const abortIncompleteUploadsAfterDays = 7;

export interface LifecycleSettings {
    retentionDays?: number;
    noncurrentVersionDays: number;
    transitions: readonly Transition[];
}

/**
 * The archive bucket is versioned: an overwritten or deleted archive leaves a noncurrent version,
 * and an expired one a delete marker. Both are removed too, so that expiry frees the storage.
 */
export function archiveLifecycleRules(settings: LifecycleSettings): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
        {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteUploadsAfterDays },
        },
        {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionDays },
        },
        // S3 refuses ExpiredObjectDeleteMarker next to Days in one Expiration: a rule of its own.
        { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
    ];
    if (settings.transitions.length > 0) {
        rules.push({
            id: "move-to-cheaper-storage",
            status: "Enabled",
            filter: {},
            transitions: settings.transitions.map(({ storageClass, days }) => ({ storageClass, days })),
        });
    }
    if (settings.retentionDays !== undefined) {
        rules.push({ id: "expire-archives", status: "Enabled", filter: {}, expiration: { days: settings.retentionDays } });
    }
    return rules;
}

/** The log bucket keeps no versions; its logs simply expire. */
export function logLifecycleRules(retentionDays: number): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    return [
        {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteUploadsAfterDays },
        },
        { id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: retentionDays } },
    ];
}
