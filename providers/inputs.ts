// The values ArchiveUploadTarget's inputs allow, and the types of what check reads and answers.
// The types of the inputs themselves are generated from the property table (inputs.generated.ts).

export const targetTypes = ["s3", "azure"] as const;
export const sseModes = ["s3", "none"] as const;
/** Accepted spellings. The docs disagree on "opentok" and "vonage"; each API is sent its own. */
export const fallbackModes = ["none", "opentok", "vonage"] as const;
export const authModes = ["opentok", "vonage"] as const;

export type TargetType = (typeof targetTypes)[number];
export type SseMode = (typeof sseModes)[number];
export type FallbackMode = (typeof fallbackModes)[number];
/** "opentok": API key + secret, HS256 in X-OPENTOK-AUTH. "vonage": application ID + private key, RS256 Bearer. */
export type AuthMode = (typeof authModes)[number];

export const defaultApiUrls: Record<AuthMode, string> = { opentok: "https://api.opentok.com", vonage: "https://video.api.vonage.com" };
/** @internal */
export const defaultApiUrl = defaultApiUrls.opentok;

export type { ArchiveUploadTargetArgs, CredentialInputs, PropertyName, TargetBody, TargetInputs } from "./inputs.generated";

/** Inputs as a program gives them: anything, until check has validated them. */
export type RawInputs = Readonly<Record<string, unknown>>;

export interface CheckFailure {
    property: string;
    reason: string;
}

/** What check answers: valid inputs, or failures (a failed check is not typed as inputs). */
export type CheckResult<T> = { ok: true; inputs: T } | { ok: false; failures: CheckFailure[] };

/** Whether a value was given: Pulumi and YAML programs pass null and "" for "not set". */
export function isGiven(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}
