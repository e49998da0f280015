// ArchiveUploadTarget's properties, one row each: the one place that says which group an input
// belongs to, whether it is secret, what a change of it does, its default, its rule and its
// documentation. check, diff, secret marking, the resource's outputs and docs/provider.md's
// input list all come from this table, so that an input is described once. Adding an input: one
// row here, its rule in rules.ts, its field in TargetInputs (inputs.ts) and ArchiveUploadTargetArgs.

import { AuthMode, defaultApiUrls, fallbackModes, PropertyName, SseMode, sseModes, TargetInputs, targetTypes } from "./inputs";
import * as rules from "./rules";

/**
 * Which inputs go together. Credentials are of one API (`authMode`) or, without one, of both;
 * S3 and Azure inputs apply only to targets of that type; target inputs apply to every target.
 */
export type PropertyGroup = "credentials" | "target" | "s3" | "azure";

/** What changing the property does: replace the resource, set the target again (PUT), or only update state. */
export type ChangeEffect = "replace" | "update" | "state";

interface PropertyFacts {
    group: PropertyGroup;
    /** For credentials: the API they authenticate with. */
    authMode?: AuthMode;
    /** Secret in state and outputs, never shown in a message. */
    secret: boolean;
    change: ChangeEffect;
    /** docs/provider.md's text for the input, after its name and facts. */
    doc: string;
}

/** A string input; `allowed` for one whose values are a fixed list (and then typed as that list). */
export type StringProperty<T extends string> = PropertyFacts & {
    kind: "string";
    /** Must be given when its group applies (and it has no default). */
    required: boolean;
    /** Applied when the input is not given (null or undefined) and its group applies. */
    default?: (mode: AuthMode) => T;
    /** Puts a given value in the form its rule reads (before the rule). */
    normalize?: (value: unknown) => unknown;
    rule: rules.Rule;
    /** The stored and sent form of a value its rule accepted. */
    resolve?: (value: string, mode: AuthMode) => T;
    /** The reason when a required input is missing, where the usual one would not say enough. */
    missing?: string;
} & (string extends T ? { allowed?: undefined } : { allowed: readonly T[] });

// `default` is a function for booleans too: a row holding `default: true` breaks Pulumi's closure
// serializer (its import-star test from pulumi/pulumi#22388 reads `"k" in row.default`), which
// serializes this module for anyone who wraps the provider in a pulumi.dynamic.Resource of theirs.
export type BooleanProperty = PropertyFacts & { kind: "boolean"; default: () => boolean };

type PropertyOf<T> = [T] extends [boolean] ? BooleanProperty : [T] extends [string] ? StringProperty<T> : never;

/** A row for every field of TargetInputs, and no other: the compiler holds the two together. */
export type PropertyTable = { readonly [K in PropertyName]-?: PropertyOf<NonNullable<TargetInputs[K]>> };

export const properties: PropertyTable = {
    apiKey: {
        kind: "string",
        group: "credentials",
        authMode: "opentok",
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
        authMode: "opentok",
        secret: true,
        change: "state",
        required: true,
        rule: rules.credentialRule("the project's API secret"),
        doc: "the OpenTok project's API secret.",
    },
    applicationId: {
        kind: "string",
        group: "credentials",
        authMode: "vonage",
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
        authMode: "vonage",
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
        required: false,
        default: () => "s3",
        allowed: targetTypes,
        rule: rules.oneOf(targetTypes),
        doc: "`s3` or `azure`.",
    },
    bucket: {
        kind: "string",
        group: "s3",
        secret: false,
        change: "update",
        required: true,
        rule: rules.bucketNameRule,
        doc:
            "the bucket, by S3's naming rules: 3 to 63 lowercase letters, digits, dots and hyphens; starts and ends with " +
            "a letter or digit; no `..`; not an IP address; no reserved prefix (`xn--`, `sthree-`, `amzn-s3-demo-`) or " +
            "suffix (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`).",
    },
    accessKey: {
        kind: "string",
        group: "s3",
        secret: false,
        change: "update",
        required: true,
        rule: rules.accessKeyRule,
        doc: "access key ID OpenTok uploads with. Temporary STS keys (`ASIA...`) are refused: OpenTok cannot send their session token.",
    },
    secretKey: {
        kind: "string",
        group: "s3",
        secret: true,
        change: "update",
        required: true,
        rule: rules.secretKeyRule,
        doc: "the secret access key of `accessKey`.",
    },
    endpoint: {
        kind: "string",
        group: "s3",
        secret: false,
        change: "update",
        required: false,
        rule: rules.endpointRule,
        resolve: rules.withoutTrailingSlashes,
        doc:
            "base URL of S3-compatible storage other than AWS, **with protocol**, e.g. `https://storage.googleapis.com`; " +
            "without it, AWS S3. OpenTok's servers upload to it from the internet: a loopback, private-network, link-local " +
            "or local-only (`localhost`, `.local`, `.internal`, `.home.arpa`) host, or `http`, is refused unless `apiUrl` is " +
            "a loopback emulator too. An old revision of OpenTok's docs shows it without protocol; the current one with, and " +
            "that is what is sent. A value without protocol is refused with the suggested fix.",
    },
    sse: {
        kind: "string",
        group: "s3",
        secret: false,
        change: "update",
        required: false,
        default: (): SseMode => "s3",
        allowed: sseModes,
        rule: rules.sseRule,
        doc:
            "`s3` asks for SSE-S3 (S3-managed keys, AES256); `none` asks for none. OpenTok supports no KMS or customer " +
            "keys: `kms`/`aws:kms` are refused with that reason.",
    },
    accountName: {
        kind: "string",
        group: "azure",
        secret: false,
        change: "update",
        required: true,
        rule: rules.accountNameRule,
        doc: "the storage account, 3 to 24 lowercase letters and digits.",
    },
    accountKey: {
        kind: "string",
        group: "azure",
        secret: true,
        change: "update",
        required: true,
        rule: rules.accountKeyRule,
        doc: "the storage account's access key (base64).",
    },
    container: {
        kind: "string",
        group: "azure",
        secret: false,
        change: "update",
        required: true,
        rule: rules.containerRule,
        doc: "the blob container, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no `--`.",
    },
    domain: {
        kind: "string",
        group: "azure",
        secret: false,
        change: "update",
        required: false,
        rule: rules.domainRule,
        doc: "the blob service's host name, without protocol, e.g. for a sovereign cloud; without it, Azure's.",
    },
    fallback: {
        kind: "string",
        group: "target",
        secret: false,
        change: "update",
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

/** Every input, in the table's order. */
export const propertyNames = Object.keys(properties).filter(isPropertyName);

export function isPropertyName(name: string): name is PropertyName {
    return Object.hasOwn(properties, name);
}

/** Credentials and secret keys: secret in state and outputs, never printed. */
export const secretPropertyNames: readonly PropertyName[] = propertyNames.filter((name) => properties[name].secret);

/** Changing one of these addresses another project (or API): the resource is replaced. */
export const replacePropertyNames: readonly PropertyName[] = propertyNames.filter((name) => properties[name].change === "replace");

/** Whether the property's group applies to inputs of this auth mode and target type. */
export function applies(name: PropertyName, mode: AuthMode, type: unknown): boolean {
    const { group, authMode } = properties[name];
    if (group === "credentials") {
        return authMode === undefined || authMode === mode;
    }
    return group === "target" || group === type;
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
