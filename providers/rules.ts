// The rule of each ArchiveUploadTarget input, as data for check: a rule takes a given string and
// returns why it is refused (what was given, what is allowed), or undefined. The table
// (properties.ts) says which rule each input has; check.ts runs them.

import { createPrivateKey, KeyObject } from "crypto";
import { AuthMode, defaultApiUrl, FallbackMode, sseModes } from "./inputs";

/**
 * A rule: the reason `value` is refused, or undefined. `shown` is the value as a message may show
 * it: quoted and cut, or "a secret value of N characters" for a secret input.
 */
export type Rule = (value: string, shown: string) => string | undefined;

// Normalization: the one place where a given value is put in the form that is stored and sent.

/** Numbers are accepted for the API key (YAML and JSON configs write it unquoted). */
export function numberAsString(value: unknown): unknown {
    return typeof value === "number" ? String(value) : value;
}

/** UUIDs compare lower case. */
export function lowerCase(value: unknown): unknown {
    return typeof value === "string" ? value.toLowerCase() : value;
}

/** A base URL is stored and sent without trailing slashes (the rule accepts them). */
export function withoutTrailingSlashes(value: string): string {
    return value.replace(/\/+$/, "");
}

/** The spelling of `fallback` each API documents: OpenTok's docs say "opentok", Vonage's "vonage". */
export function fallbackFor(mode: AuthMode, fallback: string): FallbackMode {
    return fallback === "none" ? "none" : mode === "vonage" ? "vonage" : "opentok";
}

// Rules.

export function oneOf(allowed: readonly string[]): Rule {
    return (value, shown) => (allowed.includes(value) ? undefined : `was ${shown}; allowed values are ${quoteList(allowed)}`);
}

function quoteList(values: readonly string[]): string {
    return values.map((v) => JSON.stringify(v)).join(" or ");
}

export function apiKeyRule(value: string, shown: string): string | undefined {
    if (!/^[0-9]{1,32}$/.test(value)) {
        return `must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was ${shown}`;
    }
    return undefined;
}

export function applicationIdRule(value: string, shown: string): string | undefined {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
        return `must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was ${shown}`;
    }
    return undefined;
}

/** jsonwebtoken refuses to sign RS256 with a shorter key; so should anyone. */
const minimumRsaKeyBits = 2048;

export function privateKeyRule(value: string): string | undefined {
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

export function credentialRule(what: string): Rule {
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

export function accessKeyRule(value: string, shown: string): string | undefined {
    if (!/^[A-Za-z0-9+/=_-]{4,128}$/.test(value)) {
        return `must be an S3 access key ID (4 to 128 letters, digits or +/=_-), but was ${shown}`;
    }
    if (value.startsWith("ASIA")) {
        return `is a temporary AWS STS access key (it starts with "ASIA"); OpenTok cannot send the session token such keys need, so every upload would fail; use a long-lived IAM user access key (it starts with "AKIA")`;
    }
    return undefined;
}

/** S3 bucket naming rules (AWS "General purpose bucket naming rules"). */
export function bucketNameRule(value: string, shown: string): string | undefined {
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

/** Whether a base URL (already accepted by its rule) names a loopback host: a local emulator. */
export function isLoopbackUrl(value: string): boolean {
    try {
        return loopbackHostnames.test(new URL(value).hostname);
    } catch {
        return false;
    }
}

/**
 * Why OpenTok could never reach this endpoint, or undefined. OpenTok's servers upload from the
 * internet: a loopback, private-network, link-local or local-only name, or plain http (which
 * this rule set allows only to loopback), names storage only this machine or its network sees.
 * Host names that resolve to such addresses cannot be told without DNS and are not judged.
 */
export function unreachableEndpointReason(endpoint: string): string | undefined {
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        return undefined;
    }
    // The URL parser has already put IPv4 in dotted decimal (0x7f.1 is 127.0.0.1) and IPv6 in brackets.
    const host = url.hostname.toLowerCase().replace(/\.$/, "");
    const kind = localAddressKind(host);
    if (kind !== undefined) {
        return kind;
    }
    return url.protocol === "http:" ? "a plain http URL" : undefined;
}

/**
 * An endpoint OpenTok cannot reach (loopback, a private network, plain http) is refused unless
 * apiUrl is a loopback emulator too: OpenTok's own servers would be told to upload there, every
 * upload would fail, and with fallback "none" every archive would be lost. The preflight cannot
 * catch it, as it runs on this machine, which does reach the endpoint.
 */
export function reachableEndpointRule(endpoint: string, apiUrl: string, shown: (value: string) => string): string | undefined {
    const kind = isLoopbackUrl(apiUrl) ? undefined : unreachableEndpointReason(endpoint);
    if (kind === undefined) {
        return undefined;
    }
    return (
        `was ${shown(endpoint)}, ${kind}: OpenTok's servers upload archives from the internet and can never reach it, ` +
        `so every upload would fail, and with fallback "none" every archive would be lost. Such an endpoint is accepted only with a ` +
        `loopback apiUrl (a local emulator, apiUrl ${shown(apiUrl)} is not one); give storage that the internet ` +
        `reaches over https, such as "https://storage.googleapis.com", or leave endpoint out for AWS S3`
    );
}

/** RFC 6761 and RFC 8375 names, and the suffixes commonly used for names only a local network resolves. */
const localOnlyNames = /(^|\.)(localhost|local|localdomain|internal|lan|home\.arpa)$/;

function localAddressKind(host: string): string | undefined {
    if (localOnlyNames.test(host)) {
        return "a local-only host name";
    }
    const v6 = /^\[(.*)\]$/.exec(host)?.[1];
    if (v6 !== undefined) {
        const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6)?.[1] ?? ipv4FromMappedHex(v6);
        if (mapped !== undefined) {
            return localAddressKind(mapped);
        }
        if (v6 === "::1") {
            return "a loopback address";
        }
        if (v6 === "::") {
            return "the unspecified address";
        }
        const first = parseInt(v6.split(":")[0] || "0", 16);
        if ((first & 0xfe00) === 0xfc00) {
            return "a private (unique local, fc00::/7) address";
        }
        if ((first & 0xffc0) === 0xfe80) {
            return "a link-local address";
        }
        return undefined;
    }
    const octets = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host)?.slice(1).map(Number);
    if (octets === undefined) {
        return undefined;
    }
    const [a, b] = octets as [number, number, number, number];
    if (a === 127) {
        return "a loopback address";
    }
    if (a === 0) {
        return "an address of this host (0.0.0.0/8)";
    }
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) {
        return "a private-network address";
    }
    if (a === 100 && b >= 64 && b <= 127) {
        return "a carrier-grade NAT address (100.64.0.0/10)";
    }
    if (a === 169 && b === 254) {
        return "a link-local address";
    }
    return undefined;
}

/** `::ffff:7f00:1`, the form the URL parser writes an IPv4-mapped address in, as dotted decimal. */
function ipv4FromMappedHex(v6: string): string | undefined {
    const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
    if (!match) {
        return undefined;
    }
    const [high, low] = [parseInt(match[1]!, 16), parseInt(match[2]!, 16)];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * A base URL: https (http only to a loopback host, for local emulators), no credentials, no
 * path, query or fragment, written in its canonical form so that what is sent is what was read.
 */
export function baseUrl(example: string): Rule {
    return (value, shown) => baseUrlReason(value, shown, example);
}

function baseUrlReason(value: string, shown: string, example: string): string | undefined {
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
    if (withoutTrailingSlashes(value) !== canonical) {
        return `must be written in its canonical form ${JSON.stringify(canonical)}, but was ${shown}`;
    }
    return undefined;
}

export const apiUrlRule = baseUrl(defaultApiUrl);
export const endpointRule = baseUrl("https://storage.googleapis.com");

export function secretKeyRule(value: string, shown: string): string | undefined {
    if (/^A[KS]IA[A-Z0-9]{12,}$/.test(value)) {
        return `looks like an AWS access key ID (it starts with ${JSON.stringify(value.slice(0, 4))}), not a secret access key: are accessKey and secretKey swapped?`;
    }
    return credentialRule("the S3 secret access key of accessKey")(value, shown);
}

export function sseRule(value: string, shown: string): string | undefined {
    if (/^(aws:)?kms$|^sse-kms$|^sse-c$/i.test(value)) {
        return `was ${shown}, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption`;
    }
    if (/^(aes256|sse-s3)$/i.test(value)) {
        return `was ${shown}; SSE-S3 (AES256) is written "s3" in OpenTok's API; use "s3", or "none" for no server-side encryption`;
    }
    return oneOf(sseModes)(value, shown);
}

// Azure Blob Storage naming rules (storage account names; container names).

export function accountNameRule(value: string, shown: string): string | undefined {
    return /^[a-z0-9]{3,24}$/.test(value)
        ? undefined
        : `must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was ${shown}`;
}

export function accountKeyRule(value: string, shown: string): string | undefined {
    const reason = credentialRule("the storage account's access key")(value, shown);
    if (reason !== undefined) {
        return reason;
    }
    return /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? undefined : "must be the storage account's access key, in base64 as the Azure portal shows it";
}

export function containerRule(value: string, shown: string): string | undefined {
    const allowed = "3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row";
    return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(value) && !value.includes("--")
        ? undefined
        : `must be an Azure container name, ${allowed}, but was ${shown}`;
}

export function domainRule(value: string, shown: string): string | undefined {
    return /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(value)
        ? undefined
        : `must be a host name without protocol or path, such as "blob.core.windows.net", but was ${shown}`;
}
