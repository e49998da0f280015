// Encodings in which a server, a library or a proxy may echo a request, for the redaction tests.
// `undecoded` names those the redaction does not decode: they are kept out by not showing
// encoded-looking text at all.

import * as zlib from "zlib";

const hex = (text: string) => Buffer.from(text).toString("hex");
const base64 = (text: string) => Buffer.from(text).toString("base64");
const everyChar = (text: string, as: (code: number) => string) => text.replace(/[^A-Za-z0-9 ]/g, (c) => as(c.charCodeAt(0)));
const wrapped = (text: string, width: number, breaker = "\r\n") => text.match(new RegExp(`.{1,${width}}`, "gs"))!.join(breaker);
const rot13 = (text: string) =>
    text.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.toLowerCase().charCodeAt(0) - 97 + 13) % 26) + (c < "a" ? 65 : 97)));

/** RFC 4648 base32, which no decoder in the redaction knows. */
function base32(text: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bits = [...Buffer.from(text)].map((b) => b.toString(2).padStart(8, "0")).join("");
    const chars = (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk.padEnd(5, "0"), 2)]).join("");
    return chars.padEnd(Math.ceil(chars.length / 8) * 8, "=");
}

/**
 * [name, encode, local]: `local` when the encoding maps each character on its own, so that the
 * encoded secret itself appears inside the encoded echo (and must not reach the error).
 */
export const encodings: [string, (text: string) => string, boolean][] = [
    ["as given", (t) => t, true],
    ["JSON with \\/ escaping (PHP)", (t) => JSON.stringify(t).replace(/\//g, "\\/"), true],
    ["\\u002B-style escapes (.NET)", (t) => everyChar(t, (c) => `\\u${c.toString(16).padStart(4, "0").toUpperCase()}`), true],
    ["\\x2b-style escapes", (t) => everyChar(t, (c) => `\\x${c.toString(16).padStart(2, "0")}`), true],
    ["lower-case percent-encoding", (t) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), true],
    ["quote-style percent-encoding that leaves /", (t) => encodeURIComponent(t).replace(/%2F/g, "/"), true],
    ["form encoding, + for a space", (t) => encodeURIComponent(t).replace(/%20/g, "+"), true],
    ["percent-encoded twice", (t) => encodeURIComponent(encodeURIComponent(t)), true],
    ["HTML numeric entities", (t) => everyChar(t, (c) => `&#${c};`), true],
    ["HTML hex and named entities", (t) => t.replace(/"/g, "&quot;").replace(/\//g, "&#x2F;").replace(/\+/g, "&plus;"), true],
    ["split across line breaks", (t) => wrapped(t, 16), false],
    [
        "quoted-printable",
        (t) =>
            wrapped(
                everyChar(t, (c) => `=${c.toString(16).padStart(2, "0").toUpperCase()}`),
                70,
                "=\r\n",
            ),
        false,
    ],
    ["JSON twice", (t) => JSON.stringify(JSON.stringify(t)), true],
    ["base64 of the body", base64, false],
    ["base64url", (t) => Buffer.from(t).toString("base64url"), false],
    ["MIME base64, wrapped at 76", (t) => wrapped(base64(t), 76), false],
    ["base64 after a prefix of letters", (t) => `body${base64(t)}`, false],
    ["hex", hex, false],
    ["upper-case hex", (t) => hex(t).toUpperCase(), false],
    ["gzip, then base64", (t) => zlib.gzipSync(t).toString("base64"), false],
    ["deflate, then hex", (t) => zlib.deflateSync(t).toString("hex"), false],
    ["base64 of percent-encoded", (t) => base64(encodeURIComponent(t)), false],
    ["upper-cased", (t) => t.toUpperCase(), true],
    ["UTF-16LE, then base64", (t) => Buffer.from(t, "utf16le").toString("base64"), false],
    // No decoder knows these: the secret is not found, so what keeps it out is that a run of
    // encoded-looking characters in a server's message is never shown.
    ["reversed", (t) => [...t].reverse().join(""), true],
    ["ROT13", rot13, true],
    ["base32 (RFC 4648)", base32, false],
];

/** The encodings no decoder of the redaction knows (secrets.ts, holdsSecret). */
export const undecoded = new Set(["reversed", "ROT13", "base32 (RFC 4648)"]);
