// How secret values are kept out of every message that leaves the provider (errors, logs, check
// failures). Which properties are secret is the property table's to say (properties.ts).

import * as zlib from "zlib";
import type { PropertyName } from "./inputs";
import { isPropertyName, properties, secretPropertyNames } from "./properties";

export { secretPropertyNames };

export function isSecretProperty(name: string): name is PropertyName {
    return isPropertyName(name) && properties[name].secret;
}

/** How long a piece of outside text (an API's message, a library's error) may be in a message. */
export const outsideTextLimit = 300;

/** The values of the secret properties present in `props`. */
export function secretValuesOf(props: object): string[] {
    const values: string[] = [];
    for (const name of secretPropertyNames) {
        const given = (props as Record<string, unknown>)[name];
        // A secret given as a number (YAML writes digits unquoted) is shown as its digits.
        const value = typeof given === "number" ? String(given) : given;
        if (typeof value === "string" && value !== "") {
            values.push(value);
            // Pasted with white space around it (a trailing newline), it is the same secret.
            if (value.trim() !== value && value.trim() !== "") {
                values.push(value.trim());
            }
            // A multi-line secret (a PEM key) could leak one line at a time; its armour
            // ("-----BEGIN PRIVATE KEY-----") is not secret.
            values.push(...value.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----")));
        }
    }
    return [...new Set(values)];
}

/**
 * Replaces every occurrence of the given secret values with a marker, in the forms a server or
 * library most often shows them: as given, JSON-escaped (once or twice: an echoed request body
 * inside a JSON message) and URL-encoded. Values shorter than 4 characters are left alone: they
 * would blank out ordinary words. What this misses, `holdsSecret` finds (and the text is withheld).
 */
export function redact(text: string, secretValues: readonly string[]): string {
    const forms = new Set<string>();
    for (const value of secretValues.filter((v) => v.length >= 4)) {
        const escaped = JSON.stringify(value).slice(1, -1);
        forms.add(value).add(escaped).add(JSON.stringify(escaped).slice(1, -1)).add(encodeURIComponent(value));
    }
    let result = text;
    // Longest first, so that a secret containing another is replaced whole.
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
        result = result.split(form).join("[secret]");
    }
    return result;
}

/**
 * Whether `text` still holds a secret in some encoding: it is decoded every way a server, a
 * library or a log may have encoded it (percent-encoding of either case, HTML and XML entities,
 * backslash and `\uXXXX` escapes, quoted-printable, base64 and base64url, hex, gzip and deflate
 * inside those), up to three encodings deep, and each view is searched with white space and line
 * breaks removed, ignoring case. Only secrets of 8 characters or more are sought in decoded views:
 * shorter ones would match by chance. The search is bounded, so that a crafted answer cannot make
 * it run for long: at most 256 views, and the first 32 encoded-looking runs of each view. In a
 * server's message, what it cannot reach `serverMessage` hides as an encoded-looking run.
 */
export function holdsSecret(text: string, secretValues: readonly string[]): boolean {
    const sought = [...new Set(secretValues.filter((v) => v.length >= 8).map(squeezed))].filter((v) => v.length >= 8);
    if (sought.length === 0) {
        return false;
    }
    let views = new Set([text]);
    for (let depth = 0; depth < 3; depth++) {
        const next = new Set(views);
        for (const view of views) {
            for (const decode of decoders) {
                for (const decoded of decode(view)) {
                    if (next.size < maxViews) {
                        next.add(decoded);
                    }
                }
            }
        }
        if (next.size === views.size) {
            break;
        }
        views = next;
    }
    return [...views].some((view) => {
        const plain = squeezed(view);
        return sought.some((secret) => plain.includes(secret));
    });
}

/** Without white space and NULs, lower case: a secret split across lines, in UTF-16, or re-cased, is still found. */
function squeezed(text: string): string {
    return text.replace(/[\s\0]/g, "").toLowerCase();
}

const maxViews = 256;

/**
 * Each decoder gives the texts a view could decode to. A view with nothing to decode gives itself
 * back, which adds nothing: the views are a set.
 */
const decoders: ((text: string) => string[])[] = [
    (text) => [text.replace(/(%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"))],
    (text) => [decodeEntities(text)],
    (text) => [unescapeBackslashes(text)],
    (text) => [text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))],
    // base64 and base64url runs, whole, from 11 characters (8 bytes, the shortest secret sought);
    // joined across line breaks first, as MIME wraps them.
    // Every alignment: the run may start with characters that are not part of the encoding.
    (text) =>
        runsOf(text.replace(/[\r\n]/g, ""), /[A-Za-z0-9+/_-]{11,}={0,2}/g).flatMap((run) =>
            [0, 1, 2, 3].flatMap((at) => bytesViews(Buffer.from(run.slice(at).replace(/-/g, "+").replace(/_/g, "/"), "base64"))),
        ),
    // Node decodes hex up to an odd last digit, which it drops.
    (text) => runsOf(text, /[0-9a-f]{12,}/gi).flatMap((run) => [0, 1].flatMap((at) => bytesViews(Buffer.from(run.slice(at), "hex")))),
];

function runsOf(text: string, pattern: RegExp): string[] {
    return [...text.matchAll(pattern)].map((m) => m[0]).slice(0, 32);
}

/**
 * Decoded bytes as text when they read as text (what a word mistaken for base64 decodes to does
 * not, and is not decoded further), and uncompressed when they start as gzip or zlib data do.
 */
function bytesViews(bytes: Buffer): string[] {
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
    const deflate = bytes[0] !== undefined && bytes[1] !== undefined && (bytes[0] & 0x0f) === 8 && (bytes[0] * 256 + bytes[1]) % 31 === 0;
    if (gzip || deflate) {
        try {
            return bytesViews((gzip ? zlib.gunzipSync : zlib.inflateSync)(bytes, { maxOutputLength: 1 << 20 }));
        } catch {
            // Not compressed after all.
        }
    }
    const text = bytesToText(bytes);
    return text === undefined ? [] : [text];
}

/**
 * Bytes as text, NULs dropped (UTF-16), or undefined when under 60% of them are printable ASCII.
 * What is not printable is dropped: views are searched without white space, so a secret with
 * bytes strewn between its characters still reads whole.
 */
function bytesToText(bytes: Buffer): string | undefined {
    const text = bytes.toString("utf8").replace(/\0/g, "");
    const printable = text.replace(/[^\t\r\n\x20-\x7e]/g, "");
    return text.length > 0 && printable.length >= 0.6 * text.length ? printable : undefined;
}

const namedEntities: Record<string, string> = {
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    sol: "/",
    bsol: "\\",
    plus: "+",
    equals: "=",
    colon: ":",
    nbsp: " ",
    num: "#",
    percnt: "%",
    lowbar: "_",
    hyphen: "-",
    dash: "-",
    period: ".",
    comma: ",",
    excl: "!",
    quest: "?",
    commat: "@",
    dollar: "$",
    lpar: "(",
    rpar: ")",
    ast: "*",
    semi: ";",
    tilde: "~",
    grave: "`",
    lsqb: "[",
    rsqb: "]",
    lcub: "{",
    rcub: "}",
    verbar: "|",
    Hat: "^",
};

function decodeEntities(text: string): string {
    return text.replace(/&(#x([0-9a-f]+)|#([0-9]+)|([a-z]+));?/gi, (whole, _e, hex?: string, decimal?: string, name?: string) => {
        const code = hex !== undefined ? parseInt(hex, 16) : decimal !== undefined ? parseInt(decimal, 10) : undefined;
        if (code !== undefined) {
            return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
        }
        return namedEntities[name!] ?? namedEntities[name!.toLowerCase()] ?? whole;
    });
}

function unescapeBackslashes(text: string): string {
    return text.replace(
        /\\(u\{([0-9a-f]{1,6})\}|u([0-9a-f]{4})|x([0-9a-f]{2})|([0-7]{1,3})|(.))/gis,
        (whole, _e, braced?: string, u4?: string, x2?: string, octal?: string, other?: string) => {
            const hex = braced ?? u4 ?? x2;
            if (hex !== undefined) {
                const code = parseInt(hex, 16);
                return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
            }
            if (octal !== undefined) {
                return String.fromCharCode(parseInt(octal, 8));
            }
            return ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[other!] ?? other!;
        },
    );
}

/**
 * The text with each word (between white space) that holds a secret in some encoding withheld, so
 * that the words around an echoed value stay readable; the whole text when a secret still shows
 * across words (split by a line break).
 */
function withoutEncodedSecrets(text: string, secretValues: readonly string[]): string {
    if (!holdsSecret(text, secretValues)) {
        return text;
    }
    const eachWordShown = text.replace(/\S+/g, (word) => (holdsSecret(word, secretValues) ? withheldText(word) : word));
    return holdsSecret(eachWordShown, secretValues) ? withheldText(text) : eachWordShown;
}

/** Put where a text was withheld because it holds a secret that could not be cut out of it. */
export function withheldText(text: string): string {
    return `[${text.length} characters not shown: they hold a secret in an encoded form]`;
}

/**
 * What every message built from outside text goes through: redact first; withhold the text whole
 * when a secret is still in it in some encoding; then put it on one line and cut it to `limit`
 * characters. Cutting first could leave half a secret that no longer matches.
 */
export function redactThenCut(text: string, secretValues: readonly string[], limit: number = outsideTextLimit): string {
    const shown = withoutEncodedSecrets(redact(text, secretValues), secretValues);
    const oneLine = shown.replace(/[\r\n\t]+/g, " ");
    return oneLine.length > limit ? `${oneLine.slice(0, limit)}...` : oneLine;
}

/**
 * A message a server wrote (an API's or S3's own message field), for an error: redacted and
 * withheld as any outside text, and every run of 20 or more characters that looks encoded (letters
 * and digits mixed with `+/=%\_-`, as base64, hex, percent-encoding or a token would) replaced by
 * its length. An encoding no decoder here knows still cannot show a secret: a message in words
 * stays readable, an echoed token or body does not reach the user.
 */
export function serverMessage(text: string, secretValues: readonly string[], limit: number = outsideTextLimit): string {
    const masked = redactThenCut(text, secretValues, Number.MAX_SAFE_INTEGER).replace(opaqueRun, (run) =>
        /[0-9+/=%\\_]/.test(run) ? `[${run.length} characters not shown]` : run,
    );
    return masked.length > limit ? `${masked.slice(0, limit)}...` : masked;
}

const opaqueRun = /[A-Za-z0-9+/=%\\_-]{20,}/g;
