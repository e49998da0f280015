// The types of ArchiveUploadTarget's inputs: what a program gives, what check resolves them to
// (also the resource's state), and what check answers.

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

/**
 * The resolved inputs of an archive upload target, with defaults applied. Also its state.
 * At preview, as in every Pulumi provider, a value may be the unknown placeholder (unknown.ts)
 * standing in for a value of its type that is not known yet.
 */
export type TargetInputs = {
    /** OpenTok auth: the project's API key and secret. */
    apiKey?: string;
    apiSecret?: string;
    /** Vonage Video API auth: the application's ID and private key. */
    applicationId?: string;
    privateKey?: string;
    apiUrl: string;
    type: TargetType;
    /** S3 targets. */
    bucket?: string;
    accessKey?: string;
    secretKey?: string;
    endpoint?: string;
    sse?: SseMode;
    /** Azure targets. */
    accountName?: string;
    accountKey?: string;
    container?: string;
    domain?: string;
    fallback: FallbackMode;
    /** Upload a probe object with the target's keys before setting the target (S3 targets). */
    verify: boolean;
};

export type PropertyName = keyof TargetInputs;

/** Inputs as a program gives them: anything, until check has validated them. */
export type RawInputs = Readonly<Record<string, unknown>>;

export interface CheckFailure {
    property: string;
    reason: string;
}

/** What check answers: valid inputs, or failures (a failed check is not typed as inputs). */
export type CheckResult<T> = { ok: true; inputs: T } | { ok: false; failures: CheckFailure[] };

/** The auth mode inputs (or state) are in: Vonage when an application is given, else OpenTok. */
export function authModeOf(inputs: { applicationId?: unknown; privateKey?: unknown }): AuthMode {
    return isGiven(inputs.applicationId) || isGiven(inputs.privateKey) ? "vonage" : "opentok";
}

/** The project the target belongs to, and its id: the API key, or the application ID. */
export function projectIdOf(inputs: { apiKey?: unknown; applicationId?: unknown }): string {
    return String(isGiven(inputs.applicationId) ? inputs.applicationId : inputs.apiKey);
}

/** Whether a value was given: Pulumi and YAML programs pass null and "" for "not set". */
export function isGiven(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}
