// Validation of ArchiveUploadTarget inputs, as data: every rule yields a failure that names the
// property, says what was given and what is allowed. Runs in `check`, before any request.

import { createPrivateKey, KeyObject } from "crypto";
import { isSecretProperty, redactThenCut, secretPropertyNames, secretValuesOf } from "./secrets";
import { isUnknown } from "./unknown";

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
export const defaultApiUrl = defaultApiUrls.opentok;

/** The resolved inputs of an archive upload target, with defaults applied. Also its state. */
export interface TargetInputs {
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
}

export interface CheckFailure {
    property: string;
    reason: string;
}

const authInputNames: Record<AuthMode, readonly (keyof TargetInputs)[]> = {
    opentok: ["apiKey", "apiSecret"],
    vonage: ["applicationId", "privateKey"],
};
const typeInputNames: Record<TargetType, readonly (keyof TargetInputs)[]> = {
    s3: ["bucket", "accessKey", "secretKey", "endpoint", "sse"],
    azure: ["accountName", "accountKey", "container", "domain"],
};
const requiredTypeInputs: Record<TargetType, string> = { s3: "bucket, accessKey and secretKey", azure: "accountName, accountKey and container" };

export const knownInputNames: readonly (keyof TargetInputs)[] = [
    ...authInputNames.opentok,
    ...authInputNames.vonage,
    "apiUrl",
    "type",
    ...typeInputNames.s3,
    ...typeInputNames.azure,
    "fallback",
    "verify",
];

/** Inputs the provider manages itself and that callers never set. */
const reservedInputNames = ["__provider"];

/** The auth mode inputs (or state) are in: Vonage when an application is given, else OpenTok. */
export function authModeOf(inputs: { applicationId?: unknown; privateKey?: unknown }): AuthMode {
    return isGiven(inputs.applicationId) || isGiven(inputs.privateKey) ? "vonage" : "opentok";
}

/** The project the target belongs to, and its id: the API key, or the application ID. */
export function projectIdOf(inputs: { apiKey?: unknown; applicationId?: unknown }): string {
    return String(isGiven(inputs.applicationId) ? inputs.applicationId : inputs.apiKey);
}

/** The spelling of `fallback` each API documents: OpenTok's docs say "opentok", Vonage's "vonage". */
export function fallbackFor(mode: AuthMode, fallback: FallbackMode): FallbackMode {
    return fallback === "none" ? "none" : mode === "vonage" ? "vonage" : "opentok";
}

function isGiven(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}

/**
 * Validates raw inputs and applies defaults. In `check` (`allowUnknown`), values unknown at
 * preview pass unchanged and are never a failure: they are checked again when known. Before a
 * request, an unknown value is a failure: the placeholder must never reach the API.
 */
export function checkInputs(
    news: Record<string, unknown>,
    { allowUnknown }: { allowUnknown: boolean },
): { inputs: TargetInputs; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const inputs: Record<string, unknown> = {};

    if (!allowUnknown) {
        for (const [name, value] of Object.entries(news)) {
            if (isUnknown(value)) {
                fail(name, "is not known yet (it depends on a resource not yet created); it must be known before the target can be set");
            }
        }
        if (failures.length > 0) {
            return { inputs: inputs as unknown as TargetInputs, failures: withoutSecrets(failures, news) };
        }
    }

    for (const name of Object.keys(news)) {
        if (!reservedInputNames.includes(name) && !(knownInputNames as readonly string[]).includes(name)) {
            fail(name, `is not an input of ArchiveUploadTarget; the inputs are ${knownInputNames.join(", ")}`);
        }
    }

    // Auth: OpenTok (apiKey + apiSecret) or Vonage Video API (applicationId + privateKey).
    const openTokGiven = authInputNames.opentok.filter((n) => isGiven(news[n]));
    const vonageGiven = authInputNames.vonage.filter((n) => isGiven(news[n]));
    const mode = authModeOf(news);
    if (openTokGiven.length > 0 && vonageGiven.length > 0) {
        fail(
            vonageGiven[0]!,
            `cannot be given together with ${openTokGiven.join(" and ")}: give either apiKey and apiSecret (an OpenTok project) or applicationId and privateKey (a Vonage Video API application), not both`,
        );
    }
    const otherMode =
        mode === "vonage" ? "apiKey and apiSecret (an OpenTok project)" : "applicationId and privateKey (a Vonage Video API application)";
    const missingAuth = `is required but was not given; give ${authInputNames[mode].join(" and ")}, or instead ${otherMode}`;
    if (mode === "opentok") {
        const apiKey = typeof news.apiKey === "number" ? String(news.apiKey) : news.apiKey;
        inputs.apiKey = apiKey;
        requiredString("apiKey", apiKey, fail, apiKeyRule, missingAuth);
        inputs.apiSecret = news.apiSecret;
        requiredString("apiSecret", news.apiSecret, fail, credentialRule("the project's API secret"), missingAuth);
    } else {
        const applicationId =
            typeof news.applicationId === "string" && !isUnknown(news.applicationId) ? news.applicationId.toLowerCase() : news.applicationId;
        inputs.applicationId = applicationId;
        requiredString("applicationId", applicationId, fail, applicationIdRule, missingAuth);
        inputs.privateKey = news.privateKey;
        requiredString("privateKey", news.privateKey, fail, privateKeyRule, missingAuth);
    }

    inputs.apiUrl = withDefault(news.apiUrl, defaultApiUrls[mode]);
    requiredString("apiUrl", inputs.apiUrl, fail, (value) => baseUrlRule("apiUrl", value));

    inputs.type = withDefault(news.type, "s3");
    requiredString("type", inputs.type, fail, (value) => oneOf("type", value, targetTypes));
    const type = inputs.type as TargetType;

    if (type === "s3" || type === "azure") {
        const other: TargetType = type === "s3" ? "azure" : "s3";
        for (const name of typeInputNames[other]) {
            if (isGiven(news[name])) {
                fail(
                    name,
                    `is an input of ${other === "s3" ? "S3" : "Azure"} targets; with type ${JSON.stringify(type)} give ${requiredTypeInputs[type]}`,
                );
            }
        }
    }
    if (type === "s3") {
        checkS3Inputs(news, inputs, fail);
    } else if (type === "azure") {
        checkAzureInputs(news, inputs, fail);
    }

    if (news.fallback === undefined || news.fallback === null || news.fallback === "") {
        inputs.fallback = news.fallback;
        fail(
            "fallback",
            `is required, with no default on purpose: "none" means an archive whose upload fails is lost, "opentok" (or "vonage") means it stays in the OpenTok cloud (outside your bucket) for 72 hours`,
        );
    } else {
        requiredString("fallback", news.fallback, fail, (value) => oneOf("fallback", value, fallbackModes));
        const valid = typeof news.fallback === "string" && (fallbackModes as readonly string[]).includes(news.fallback);
        inputs.fallback = valid ? fallbackFor(mode, news.fallback as FallbackMode) : news.fallback;
    }

    inputs.verify = news.verify === undefined || news.verify === null ? true : news.verify;
    if (!isUnknown(inputs.verify) && typeof inputs.verify !== "boolean") {
        fail("verify", `must be true or false, but was ${JSON.stringify(inputs.verify)}`);
    }

    for (const urlProperty of ["apiUrl", "endpoint"] as const) {
        const value = inputs[urlProperty];
        if (typeof value === "string" && !isUnknown(value) && value.endsWith("/")) {
            inputs[urlProperty] = value.replace(/\/+$/, "");
        }
    }
    return { inputs: definedOnly(inputs) as unknown as TargetInputs, failures: withoutSecrets(refuseMisplacedSecrets(news, failures), news) };
}

/**
 * Without its undefined values: Pulumi's provider host cannot serialize them, and a check that
 * returns one fails whole, hiding its failures ("Unexpected struct type", issue 14).
 */
function definedOnly(inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(inputs).filter(([, value]) => value !== undefined));
}

/**
 * A secret typed into another field (the S3 secret in `bucket`, the API secret in `apiKey` or
 * the `apiUrl` path) would be quoted back by that field's rule and stored in plain text: such a
 * field fails with a reason that names the secret input but does not show the value.
 */
function refuseMisplacedSecrets(news: Record<string, unknown>, failures: CheckFailure[]): CheckFailure[] {
    const secrets = secretPropertyNames
        .map((name) => ({ name, value: news[name] }))
        .filter((s): s is { name: (typeof secretPropertyNames)[number]; value: string } => typeof s.value === "string" && s.value.length >= 4);
    const misplaced: CheckFailure[] = [];
    for (const [property, value] of Object.entries(news)) {
        if (isSecretProperty(property) || reservedInputNames.includes(property) || typeof value !== "string" || isUnknown(value)) {
            continue;
        }
        const secret = secrets.find((s) => value === s.value || (s.value.length >= 8 && value.includes(s.value)));
        if (secret !== undefined) {
            const relation = value === secret.value ? "is the same value as" : "contains the value of";
            misplaced.push({ property, reason: `${relation} ${secret.name}, which is secret (not shown here); give ${property} its own value` });
        }
    }
    // The misplaced secret replaces the property's other failures, which may quote it.
    const replaced = new Set(misplaced.map((f) => f.property));
    return [...failures.filter((f) => !replaced.has(f.property)), ...misplaced];
}

/** Every reason, redacted of every secret given: a value shown by one rule may hold another field's secret. */
function withoutSecrets(failures: CheckFailure[], news: Record<string, unknown>): CheckFailure[] {
    const secrets = secretValuesOf(news);
    return failures.map((f) => ({ property: f.property, reason: redactThenCut(f.reason, secrets, 2000) }));
}

type Fail = (property: string, reason: string) => void;

function checkS3Inputs(news: Record<string, unknown>, inputs: Record<string, unknown>, fail: Fail) {
    inputs.bucket = news.bucket;
    requiredString("bucket", news.bucket, fail, bucketNameRule);

    inputs.accessKey = news.accessKey;
    requiredString("accessKey", news.accessKey, fail, accessKeyRule);

    inputs.secretKey = news.secretKey;
    requiredString("secretKey", news.secretKey, fail, (value) => {
        if (/^A[KS]IA[A-Z0-9]{12,}$/.test(value)) {
            return `looks like an AWS access key ID (it starts with ${JSON.stringify(value.slice(0, 4))}), not a secret access key: are accessKey and secretKey swapped?`;
        }
        return credentialRule("the S3 secret access key of accessKey")(value);
    });

    if (news.endpoint !== undefined && news.endpoint !== null) {
        inputs.endpoint = news.endpoint;
        requiredString("endpoint", news.endpoint, fail, (value) => baseUrlRule("endpoint", value));
    }

    inputs.sse = withDefault(news.sse, "s3");
    requiredString("sse", inputs.sse, fail, (value) => {
        if (/^(aws:)?kms$|^sse-kms$|^sse-c$/i.test(value)) {
            return `was ${showValue("sse", value)}, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption`;
        }
        if (/^(aes256|sse-s3)$/i.test(value)) {
            return `was ${showValue("sse", value)}; SSE-S3 (AES256) is written "s3" in OpenTok's API; use "s3", or "none" for no server-side encryption`;
        }
        return oneOf("sse", value, sseModes);
    });
}

/** Azure Blob Storage naming rules (storage account names; container names). */
function checkAzureInputs(news: Record<string, unknown>, inputs: Record<string, unknown>, fail: Fail) {
    inputs.accountName = news.accountName;
    requiredString("accountName", news.accountName, fail, (value) =>
        /^[a-z0-9]{3,24}$/.test(value)
            ? undefined
            : `must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was ${showValue("accountName", value)}`,
    );

    inputs.accountKey = news.accountKey;
    requiredString("accountKey", news.accountKey, fail, (value) => {
        const reason = credentialRule("the storage account's access key")(value);
        if (reason !== undefined) {
            return reason;
        }
        return /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? undefined : "must be the storage account's access key, in base64 as the Azure portal shows it";
    });

    inputs.container = news.container;
    requiredString("container", news.container, fail, (value) => {
        const allowed = "3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row";
        return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(value) && !value.includes("--")
            ? undefined
            : `must be an Azure container name, ${allowed}, but was ${showValue("container", value)}`;
    });

    if (news.domain !== undefined && news.domain !== null) {
        inputs.domain = news.domain;
        requiredString("domain", news.domain, fail, (value) =>
            /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(value)
                ? undefined
                : `must be a host name without protocol or path, such as "blob.core.windows.net", but was ${showValue("domain", value)}`,
        );
    }
}

function apiKeyRule(value: string): string | undefined {
    if (!/^[0-9]{1,32}$/.test(value)) {
        return `must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was ${showValue("apiKey", value)}`;
    }
    return undefined;
}

function applicationIdRule(value: string): string | undefined {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
        return `must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was ${showValue("applicationId", value)}`;
    }
    return undefined;
}

/** jsonwebtoken refuses to sign RS256 with a shorter key; so should anyone. */
const minimumRsaKeyBits = 2048;

function privateKeyRule(value: string): string | undefined {
    const howTo = "give the key's contents, not its path (for example: pulumi config set --secret privateKey < private.key)";
    if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(value)) {
        return `must be the application's private key in PEM form (-----BEGIN PRIVATE KEY-----); ${howTo}`;
    }
    let key: KeyObject;
    try {
        key = createPrivateKey(value);
    } catch {
        return `must be a PEM private key that can be read, but it cannot be parsed (or it is encrypted with a passphrase); ${howTo}`;
    }
    if (key.asymmetricKeyType !== "rsa") {
        return "must be an RSA private key: the Vonage Video API signs with RS256";
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < minimumRsaKeyBits) {
        return `must be an RSA key of at least ${minimumRsaKeyBits} bits (RS256 signing refuses shorter keys), but has ${bits} bits; use the key the Vonage dashboard generated for the application`;
    }
    return undefined;
}

type Rule = (value: string) => string | undefined;

function requiredString(property: string, value: unknown, fail: Fail, rule: Rule, missing = "is required but was not given") {
    if (isUnknown(value)) {
        return;
    }
    if (value === undefined || value === null || value === "") {
        fail(property, missing);
        return;
    }
    if (typeof value !== "string") {
        fail(property, `must be a string, but was a ${Array.isArray(value) ? "list" : typeof value}`);
        return;
    }
    const reason = rule(value);
    if (reason !== undefined) {
        fail(property, reason);
    }
}

function withDefault(value: unknown, fallbackValue: string): unknown {
    return value === undefined || value === null ? fallbackValue : value;
}

function oneOf(property: string, value: string, allowed: readonly string[]): string | undefined {
    if (allowed.includes(value)) {
        return undefined;
    }
    return `was ${showValue(property, value)}; allowed values are ${quoteList(allowed)}`;
}

function quoteList(values: readonly string[]): string {
    return values.map((v) => JSON.stringify(v)).join(" or ");
}

/** Shows a value in a message: quoted and truncated, or not at all when it is a secret. */
export function showValue(property: string, value: string): string {
    if (isSecretProperty(property)) {
        return `a secret value of ${value.length} characters`;
    }
    const shown = value.length > 70 ? `${JSON.stringify(value.slice(0, 60))}... (${value.length} characters)` : JSON.stringify(value);
    return shown;
}

function credentialRule(what: string): Rule {
    return (value) => {
        if (value.trim() !== value) {
            return `must be ${what} without leading or trailing white space (a copy-and-paste slip?)`;
        }
        if (!/^[\x21-\x7e]+$/.test(value)) {
            return `must be ${what}, printable ASCII with no white space or control characters`;
        }
        if (value.length > 256) {
            return `must be ${what}, at most 256 characters, but has ${value.length}`;
        }
        return undefined;
    };
}

function accessKeyRule(value: string): string | undefined {
    if (!/^[A-Za-z0-9+/=_-]{4,128}$/.test(value)) {
        return `must be an S3 access key ID (4 to 128 letters, digits or +/=_-), but was ${showValue("accessKey", value)}`;
    }
    if (value.startsWith("ASIA")) {
        return `is a temporary AWS STS access key (it starts with "ASIA"); OpenTok cannot send the session token such keys need, so every upload would fail; use a long-lived IAM user access key (it starts with "AKIA")`;
    }
    return undefined;
}

/** S3 bucket naming rules (AWS "General purpose bucket naming rules"). */
function bucketNameRule(value: string): string | undefined {
    const shown = showValue("bucket", value);
    const allowed = "3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit";
    if (value.length < 3 || value.length > 63) {
        return `must be ${allowed}, but ${shown} has ${value.length} characters`;
    }
    if (!/^[a-z0-9.-]+$/.test(value)) {
        return `must be ${allowed}, but ${shown} has other characters`;
    }
    if (!/^[a-z0-9]/.test(value) || !/[a-z0-9]$/.test(value)) {
        return `must be ${allowed}, but ${shown} does not start and end with a letter or digit`;
    }
    if (value.includes("..")) {
        return `must not contain two adjacent dots, but was ${shown}`;
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
        return `must not be formatted as an IP address, but was ${shown}`;
    }
    const reservedPrefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => value.startsWith(p));
    if (reservedPrefix) {
        return `must not start with the reserved prefix "${reservedPrefix}", but was ${shown}`;
    }
    const reservedSuffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3"].find((s) => value.endsWith(s));
    if (reservedSuffix) {
        return `must not end with the reserved suffix "${reservedSuffix}", but was ${shown}`;
    }
    return undefined;
}

const loopbackHostnames = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * A base URL: https (http only to a loopback host, for local emulators), no credentials, no
 * path, query or fragment, written in its canonical form so that what is sent is what was read.
 */
function baseUrlRule(property: string, value: string): string | undefined {
    const shown = showValue(property, value);
    const example = property === "apiUrl" ? defaultApiUrl : "https://storage.googleapis.com";
    if (!/^[\x21-\x7e]+$/.test(value)) {
        return `must be a URL of printable ASCII characters with no white space, but was ${shown}; internationalized host names must be written in punycode`;
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        return `must be a URL with its protocol, such as ${JSON.stringify(example)}, but was ${shown}; did you mean ${JSON.stringify(`https://${value}`)}?`;
    }
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `must be a URL such as ${JSON.stringify(example)}, but ${shown} cannot be parsed as one`;
    }
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    if (hostname.length > 253 || hostname.split(".").some((label) => label.length > 63)) {
        return `must have a valid host name (at most 253 characters, labels of at most 63), but ${shown} does not`;
    }
    const loopback = loopbackHostnames.test(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
        return `must use https (http is allowed only to a loopback host such as 127.0.0.1), but was ${shown}`;
    }
    if (url.username || url.password) {
        return `must not carry credentials in the URL, but ${shown} does`;
    }
    if (url.search || url.hash || value.includes("?") || value.includes("#")) {
        return `must be a base URL without query or fragment, such as ${JSON.stringify(example)}, but was ${shown}`;
    }
    if (url.pathname !== "/") {
        return `must be a base URL without a path, such as ${JSON.stringify(example)}, but ${shown} has the path ${JSON.stringify(url.pathname)}`;
    }
    const canonical = url.origin;
    if (value.replace(/\/+$/, "") !== canonical) {
        return `must be written in its canonical form ${JSON.stringify(canonical)}, but was ${shown}`;
    }
    return undefined;
}
