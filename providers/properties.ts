// ArchiveUploadTarget's properties, one row each: the one place an input is declared. A row says
// where the input applies, what it conflicts with, whether it is secret, what a change of it does,
// its default, its rule, where the request body carries it and its documentation. check, diff,
// the request body, secret marking and the resource's outputs read the table at run time; the
// resource's Args, the TargetInputs and TargetBody types (inputs.generated.ts) and docs/provider.md's
// input list are generated from it by `npm run generate`. Adding an input: a row here and, when
// its rule is new, the rule in rules.ts; then `npm run generate`.

import { AuthMode, defaultApiUrls, fallbackModes, isGiven, SseMode, sseModes, TargetType, targetTypes } from "./inputs";
import type { PropertyName, TargetInputs } from "./inputs.generated";
import * as rules from "./rules";

/** What the input is about: the API and project the target belongs to, or the target itself. */
export type PropertyGroup = "credentials" | "target";

/**
 * Where an input applies: to every target (absent), to the credentials of one API, or to targets
 * of one type (the `type` input's value). An input given where it does not apply is refused.
 */
export type AppliesTo = { authMode: AuthMode } | { type: TargetType };

/** What changing the property does: replace the resource, set the target again (PUT), or only update state. */
export type ChangeEffect = "replace" | "update" | "state";

/** Where the body of `PUT .../archive/storage` carries the input: at its top level, or in its `config`. */
export type BodyPlace = "top" | "config";

/**
 * A rule between inputs: run after every input's own rule, only when this input and each one it
 * reads passed their rules and are known. `shown` is how a message may show a value.
 */
export interface RelatedRule {
    reads: readonly PropertyName[];
    rule: (value: string, others: Readonly<Record<string, string>>, shown: (value: string) => string) => string | undefined;
}

interface PropertyFacts {
    group: PropertyGroup;
    appliesTo?: AppliesTo;
    /** Inputs that cannot be given with this one: this one fails, naming those given. */
    conflictsWith?: readonly PropertyName[];
    /** The project the target belongs to: its id, and the resource's. */
    identifiesProject?: true;
    /** Secret in state and outputs, never shown in a message. */
    secret: boolean;
    change: ChangeEffect;
    /** Where the request body carries it; not sent when absent. */
    sent?: BodyPlace;
    /** The input's documentation (markdown), in the TSDoc of Args and in docs/provider.md, after its facts. */
    doc: string;
}

/** A string input; `allowed` for one whose values are a fixed list (and then typed as that list). */
export type StringProperty<T extends string> = PropertyFacts & {
    kind: "string";
    /** Must be given where it applies (unless it has a default). */
    required: boolean;
    /** Applied where it applies and is not given (null, undefined or ""). */
    default?: (mode: AuthMode) => T;
    /** Puts a given value in the form its rule reads (before the rule). */
    normalize?: (value: unknown) => unknown;
    rule: rules.Rule;
    related?: RelatedRule;
    /** The stored and sent form of a value its rule accepted. */
    resolve?: (value: string, mode: AuthMode) => T;
    /** The reason when a required input is missing, where the usual one would not say enough. */
    missing?: string;
} & (string extends T ? { allowed?: undefined } : { allowed: readonly T[] });

export type BooleanProperty = PropertyFacts & { kind: "boolean"; default: () => boolean };

type PropertyOf<T> = [T] extends [boolean] ? BooleanProperty : [T] extends [string] ? StringProperty<T> : never;

/** A row for every field of TargetInputs, and no other: the compiler holds the table and the generated types together. */
export type PropertyTable = { readonly [K in PropertyName]-?: PropertyOf<NonNullable<TargetInputs[K]>> };

const vonageCredentialsConflictWith = ["apiKey", "apiSecret"] as const;

export const properties: PropertyTable = {
    apiKey: {
        kind: "string",
        group: "credentials",
        appliesTo: { authMode: "opentok" },
        identifiesProject: true,
        secret: false,
        change: "replace",
        required: true,
        normalize: rules.numberAsString,
        rule: rules.apiKeyRule,
        doc: "the OpenTok project's API key (digits), with `apiSecret`.",
    },
    apiSecret: {
        kind: "string",
        group: "credentials",
        appliesTo: { authMode: "opentok" },
        secret: true,
        change: "state",
        required: true,
        rule: rules.credentialRule("the project's API secret"),
        doc: "the OpenTok project's API secret.",
    },
    applicationId: {
        kind: "string",
        group: "credentials",
        appliesTo: { authMode: "vonage" },
        conflictsWith: vonageCredentialsConflictWith,
        identifiesProject: true,
        secret: false,
        change: "replace",
        required: true,
        normalize: rules.lowerCase,
        rule: rules.applicationIdRule,
        doc: "instead of `apiKey`/`apiSecret`, the Vonage Video API application's ID (a UUID), with `privateKey`.",
    },
    privateKey: {
        kind: "string",
        group: "credentials",
        appliesTo: { authMode: "vonage" },
        conflictsWith: vonageCredentialsConflictWith,
        secret: true,
        change: "state",
        required: true,
        rule: rules.privateKeyRule,
        doc: "the application's RSA private key, PEM contents (not a path), at least 2048 bits.",
    },
    apiUrl: {
        kind: "string",
        group: "credentials",
        secret: false,
        change: "replace",
        required: false,
        default: (mode) => defaultApiUrls[mode],
        rule: rules.apiUrlRule,
        resolve: rules.withoutTrailingSlashes,
        doc:
            "base URL of the API, following the credentials given: `https` with no path, query or credentials, in " +
            "canonical form (`http` only to a loopback host, for emulators).",
    },
    type: {
        kind: "string",
        group: "target",
        secret: false,
        change: "update",
        sent: "top",
        required: false,
        default: () => "s3",
        allowed: targetTypes,
        rule: rules.oneOf(targetTypes),
        doc: "`s3` or `azure`.",
    },
    bucket: {
        kind: "string",
        group: "target",
        appliesTo: { type: "s3" },
        secret: false,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.bucketNameRule,
        doc:
            "the bucket, by S3's naming rules: 3 to 63 lowercase letters, digits, dots and hyphens; starts and ends with " +
            "a letter or digit; no `..`; not an IP address; no reserved prefix (`xn--`, `sthree-`, `amzn-s3-demo-`) or " +
            "suffix (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`).",
    },
    accessKey: {
        kind: "string",
        group: "target",
        appliesTo: { type: "s3" },
        secret: false,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.accessKeyRule,
        doc: "access key ID OpenTok uploads with. Temporary STS keys (`ASIA...`) are refused: OpenTok cannot send their session token.",
    },
    secretKey: {
        kind: "string",
        group: "target",
        appliesTo: { type: "s3" },
        secret: true,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.secretKeyRule,
        doc: "the secret access key of `accessKey`.",
    },
    sse: {
        kind: "string",
        group: "target",
        appliesTo: { type: "s3" },
        secret: false,
        change: "update",
        sent: "config",
        required: false,
        default: (): SseMode => "s3",
        allowed: sseModes,
        rule: rules.sseRule,
        doc:
            "`s3` asks for SSE-S3 (S3-managed keys, AES256); `none` asks for none. OpenTok supports no KMS or customer " +
            "keys: `kms`/`aws:kms` are refused with that reason.",
    },
    endpoint: {
        kind: "string",
        group: "target",
        appliesTo: { type: "s3" },
        secret: false,
        change: "update",
        sent: "config",
        required: false,
        rule: rules.endpointRule,
        related: { reads: ["apiUrl"], rule: (endpoint, { apiUrl }, shown) => rules.reachableEndpointRule(endpoint, apiUrl!, shown) },
        resolve: rules.withoutTrailingSlashes,
        doc:
            "base URL of S3-compatible storage other than AWS, **with protocol**, e.g. `https://storage.googleapis.com`; " +
            "without it, AWS S3. OpenTok's servers upload to it from the internet: a loopback, private-network, link-local " +
            "or local-only (`localhost`, `.local`, `.internal`, `.home.arpa`) host, or `http`, is refused unless `apiUrl` is " +
            "a loopback emulator too. It is sent with its protocol, as OpenTok's documentation shows it; a value without one is " +
            "refused with the suggested fix.",
    },
    accountName: {
        kind: "string",
        group: "target",
        appliesTo: { type: "azure" },
        secret: false,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.accountNameRule,
        doc: "the storage account, 3 to 24 lowercase letters and digits.",
    },
    accountKey: {
        kind: "string",
        group: "target",
        appliesTo: { type: "azure" },
        secret: true,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.accountKeyRule,
        doc: "the storage account's access key (base64).",
    },
    container: {
        kind: "string",
        group: "target",
        appliesTo: { type: "azure" },
        secret: false,
        change: "update",
        sent: "config",
        required: true,
        rule: rules.containerRule,
        doc: "the blob container, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no `--`.",
    },
    domain: {
        kind: "string",
        group: "target",
        appliesTo: { type: "azure" },
        secret: false,
        change: "update",
        sent: "config",
        required: false,
        rule: rules.domainRule,
        doc: "the blob service's host name, without protocol, e.g. for a sovereign cloud; without it, Azure's.",
    },
    fallback: {
        kind: "string",
        group: "target",
        secret: false,
        change: "update",
        sent: "top",
        required: true,
        allowed: fallbackModes,
        rule: rules.oneOf(fallbackModes),
        resolve: (value, mode) => rules.fallbackFor(mode, value),
        missing:
            'is required, with no default on purpose: "none" means an archive whose upload fails is lost, "opentok" (or "vonage") ' +
            "means it stays in the OpenTok cloud (outside your bucket) for 72 hours",
        doc:
            "**no default on purpose**: `none`, an archive whose upload fails is lost; `opentok` or `vonage` (either spelling), " +
            "it stays in the OpenTok cloud for 72 hours (outside your bucket). See " +
            "[Fallback spelling](#two-apis-opentok-and-the-vonage-video-api).",
    },
    verify: {
        kind: "boolean",
        group: "target",
        secret: false,
        change: "state",
        default: () => true,
        doc:
            "for an S3 target, before setting it (create, and an update that changes it), probe the bucket with the " +
            "target's own keys (a single-part and a multipart upload) and fail if it refuses either. See [Preflight](#preflight).",
    },
};

/** Every input, in the table's order (the order of the docs, of failures and of the body's keys). */
export const propertyNames = Object.keys(properties).filter(isPropertyName);

export function isPropertyName(name: string): name is PropertyName {
    return Object.hasOwn(properties, name);
}

/** Credentials and secret keys: secret in state and outputs, never printed. */
export const secretPropertyNames: readonly PropertyName[] = propertyNames.filter((name) => properties[name].secret);

/** Changing one of these addresses another project (or API): the resource is replaced. */
export const replacePropertyNames: readonly PropertyName[] = propertyNames.filter((name) => properties[name].change === "replace");

/** The credential inputs of one API (its `appliesTo.authMode`). */
export function credentialNamesOf(mode: AuthMode): PropertyName[] {
    return propertyNames.filter((name) => authModeOfRow(name) === mode);
}

/** The inputs that apply only to targets of one type. */
export function targetTypeNamesOf(type: TargetType): PropertyName[] {
    return propertyNames.filter((name) => targetTypeOfRow(name) === type);
}

function authModeOfRow(name: PropertyName): AuthMode | undefined {
    const appliesTo = properties[name].appliesTo;
    return appliesTo !== undefined && "authMode" in appliesTo ? appliesTo.authMode : undefined;
}

/** The target type an input applies to alone, if any. */
export function targetTypeOfRow(name: PropertyName): TargetType | undefined {
    const appliesTo = properties[name].appliesTo;
    return appliesTo !== undefined && "type" in appliesTo ? appliesTo.type : undefined;
}

/** Whether the input applies to a target of this auth mode and type. */
export function applies(name: PropertyName, mode: AuthMode, type: unknown): boolean {
    const appliesTo = properties[name].appliesTo;
    if (appliesTo === undefined) {
        return true;
    }
    return "authMode" in appliesTo ? appliesTo.authMode === mode : appliesTo.type === type;
}

/** Inputs every target holds once defaults are applied (TargetInputs' required fields). */
export function alwaysPresent(name: PropertyName): boolean {
    const row = properties[name];
    return row.appliesTo === undefined && (row.kind === "boolean" || row.default !== undefined || row.required);
}

/**
 * The API the inputs (or state) are for: the Vonage Video API when any of its credentials is
 * given, else OpenTok (the default, which earlier state that has no application always is).
 */
export function authModeOf(inputs: Readonly<Record<string, unknown>>): AuthMode {
    return credentialNamesOf("vonage").some((name) => isGiven(inputs[name])) ? "vonage" : "opentok";
}

/** The project the target belongs to, and the resource's id: the API key, or the application ID. */
export function projectIdOf(inputs: Readonly<Record<string, unknown>>): string {
    const mode = authModeOf(inputs);
    const name = propertyNames.find((n) => properties[n].identifiesProject && authModeOfRow(n) === mode);
    return String(inputs[name!]);
}

/** The type of the value a property holds, from its row: for check's typed result and for state. */
export function holdsValueOf(name: PropertyName, value: unknown): boolean {
    const row = properties[name];
    if (row.kind === "boolean") {
        return typeof value === "boolean";
    }
    const allowed: readonly string[] | undefined = row.allowed;
    return typeof value === "string" && (allowed === undefined || allowed.includes(value));
}
