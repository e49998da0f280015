// Redaction, the one function every message built from outside text goes through
// (providers/secrets.ts): what it replaces, in which forms, and where it cuts.

import {
    holdsSecret,
    isSecretProperty,
    outsideTextLimit,
    redact,
    redactThenCut,
    secretPropertyNames,
    secretValuesOf,
    serverMessage,
} from "../providers/secrets";
import * as zlib from "zlib";
import { encodings, undecoded } from "./support/encodings";

describe("redact", () => {
    it("replaces every occurrence, not only the first", () => {
        expect(redact("a s3cr3t-v b s3cr3t-v c s3cr3t-v", ["s3cr3t-v"])).toBe("a [secret] b [secret] c [secret]");
    });

    it.each([
        ["as given", 'ab"c\\d/e+f', 'ab"c\\d/e+f'],
        ["JSON-escaped", 'ab"c\\d/e+f', 'ab\\"c\\\\d/e+f'],
        ["JSON-escaped twice", 'ab"c\\d/e+f', 'ab\\\\\\"c\\\\\\\\d/e+f'],
        ["URL-encoded", "ab c/d+e", "ab%20c%2Fd%2Be"],
    ])("replaces a secret %s", (_form, secret, shown) => {
        expect(redact(`<${shown}>`, [secret])).toBe("<[secret]>");
    });

    it("replaces a secret that contains another whole, longest first", () => {
        expect(redact("key abcd1234efgh", ["abcd1234", "abcd1234efgh"])).toBe("key [secret]");
    });

    it("leaves values under 4 characters alone, and replaces those of 4", () => {
        expect(redact("abc abcd", ["abc"])).toBe("abc abcd");
        expect(redact("abc abcd", ["abcd"])).toBe("abc [secret]");
    });
});

describe("redactThenCut", () => {
    it("redacts before cutting, so no part of a secret that straddles the cut is left", () => {
        const secret = "Zq81fLx0Pw-straddling-secret";
        const text = `${"x".repeat(outsideTextLimit - 10)}${secret}`;
        const shown = redactThenCut(text, [secret]);
        expect(shown).toBe(`${"x".repeat(outsideTextLimit - 10)}[secret]`);
        expect(redactThenCut(`${"x".repeat(outsideTextLimit - 4)}${secret}`, [secret])).toBe(`${"x".repeat(outsideTextLimit - 4)}[sec...`);
    });

    it("cuts at the limit, marking the cut, and leaves a text of exactly the limit whole", () => {
        expect(redactThenCut("y".repeat(300), [])).toBe("y".repeat(300));
        expect(redactThenCut("y".repeat(301), [])).toBe(`${"y".repeat(300)}...`);
        expect(redactThenCut("abcdef", [], 3)).toBe("abc...");
    });

    it("puts the text on one line", () => {
        expect(redactThenCut("a\r\nb\tc\nd", [])).toBe("a b c d");
    });
});

describe("secretValuesOf", () => {
    it("gives the secret properties' values, and each long line of a multi-line one, without its armour", () => {
        const pem = `-----BEGIN PRIVATE KEY-----\n${"A".repeat(64)}\r\n${"B".repeat(15)}\n-----END PRIVATE KEY-----`;
        expect(secretValuesOf({ apiKey: "123", apiSecret: "s-1", secretKey: "", privateKey: pem, accountKey: true })).toEqual([
            "s-1",
            pem,
            "A".repeat(64),
        ]);
    });

    it("gives a secret given as a number as its digits, as messages would show it", () => {
        expect(secretValuesOf({ apiSecret: 4111111111111111 })).toEqual(["4111111111111111"]);
    });

    it("gives a secret with white space around it also without, as it would be pasted elsewhere", () => {
        expect(secretValuesOf({ apiSecret: " api-secret-1\n" })).toEqual([" api-secret-1\n", "api-secret-1"]);
    });

    it("gives a secret of white space only as given, and no empty value", () => {
        expect(secretValuesOf({ apiSecret: "   \n" })).toEqual(["   \n"]);
    });

    it("leaves out armour lines by how they start, not how they end", () => {
        const value = `-----armour-like-line\nsecret-line-ending-----`;
        expect(secretValuesOf({ privateKey: value })).toEqual([value, "secret-line-ending-----"]);
    });

    it("keeps a line of exactly 16 characters", () => {
        expect(secretValuesOf({ privateKey: `x\n${"C".repeat(16)}` })).toEqual([`x\n${"C".repeat(16)}`, "C".repeat(16)]);
    });
});

describe("isSecretProperty", () => {
    it("is true for the secret properties only", () => {
        expect([...secretPropertyNames].sort()).toEqual(["accountKey", "apiSecret", "privateKey", "secretKey"]);
        expect(secretPropertyNames.filter(isSecretProperty)).toEqual([...secretPropertyNames]);
        expect(["apiKey", "accessKey", "applicationId", "bucket", ""].filter(isSecretProperty)).toEqual([]);
    });
});

describe("holdsSecret", () => {
    const secret = "s3-secret-Yt72nB4kQmVd9sHj1LpA+/e0";
    const echo = JSON.stringify({ type: "s3", config: { bucket: "acme-archives", secretKey: secret }, fallback: "none" });

    it.each(encodings.filter(([name]) => !undecoded.has(name)))("finds a secret in an echo encoded as %s", (_name, encode) => {
        expect(holdsSecret(`Invalid: ${encode(echo)}`, [secret])).toBe(true);
    });

    it.each(encodings.filter(([name]) => undecoded.has(name)))("does not decode %s (serverMessage hides it instead)", (_name, encode) => {
        expect(holdsSecret(encode(echo), [secret])).toBe(false);
        expect(serverMessage(`Invalid: ${encode(echo)}`, [secret])).not.toContain(encode(secret).slice(0, 12));
    });

    // Each row holds the secret in one encoding only, written so that no other decoder can find
    // it: a decoder that stops working makes its row fail, whatever the other layers do.
    const secretOf12 = "s3cr3t-value";

    it.each([
        ["numeric entities without their semicolons", "&#115&#51&#99&#114&#51&#116&#45&#118&#97&#108&#117&#101"],
        ["a braced escape of two hex digits", "\\u{73}3cr3t-value"],
        ["a braced escape of six hex digits", "\\u{000073}3cr3t-value"],
        ["an octal escape", "\\1633cr3t-value"],
        ["quoted-printable without a line break", "=73=33=63=72=33=74=2D=76=61=6C=75=65"],
        ["quoted-printable with an LF-only soft line break", "s3cr3t-v=\nalue"],
        ["base64 after one letter that is not part of it", `x${Buffer.from(secretOf12).toString("base64")}`],
        ["base64 after three letters that are not part of it", `xyz${Buffer.from(secretOf12).toString("base64")}`],
        ["hex after one hex digit that is not part of it", `f${Buffer.from(secretOf12).toString("hex")}`],
    ])("finds a secret written as %s", (_form, text) => {
        expect(holdsSecret(text, [secretOf12])).toBe(true);
    });

    it.each([
        ["base64", (t: string) => Buffer.from(t).toString("base64")],
        ["hex", (t: string) => Buffer.from(t).toString("hex")],
        ["percent-encoding", encodeURIComponent],
    ])("decodes %s up to three encodings deep, not four", (_form, encode) => {
        expect(holdsSecret(encode(encode(encode(secret))), [secret])).toBe(true);
        expect(holdsSecret(encode(encode(encode(encode(secret)))), [secret])).toBe(false);
    });

    it("finds a secret in bytes that are 60% printable (what is not printable is dropped), not in those under 60%", () => {
        const secret30 = "q7Rw-interleaved-secret-value1";
        // The first `strewn` characters each followed by a byte that is not printable.
        const strewn = (count: number) => [...secret30].map((c, i) => (i < count ? `${c}\x01` : c)).join("");
        const base64Of = (text: string) => Buffer.from(text).toString("base64");
        expect(holdsSecret(`token ${base64Of(strewn(20))}`, [secret30])).toBe(true);
        expect(holdsSecret(`token ${base64Of(strewn(21))}`, [secret30])).toBe(false);
    });

    it("compares by lower case: a dotless \u0131 is not an i (in upper case both are I)", () => {
        expect(holdsSecret("token abcdefgi", ["abcdefg\u0131"])).toBe(false);
    });

    it.each([
        ["an entity", "abcdefgh&#x10FFFF;"],
        ["a braced escape", "abcdefgh\\u{10FFFF}"],
    ])("decodes %s of U+10FFFF, the last code point", (_form, text) => {
        expect(holdsSecret(text, ["abcdefgh\u{10FFFF}"])).toBe(true);
    });

    describe("a bounded search (what it cannot reach, serverMessage hides)", () => {
        const base64 = (text: string) => Buffer.from(text).toString("base64");
        const encodedSecret = base64(secret);

        it("decodes the first 32 encoded-looking runs of a view", () => {
            const fillers = (count: number) => Array.from({ length: count }, (_, i) => `fillerword${String(i).padStart(2, "0")}`);
            expect(holdsSecret([...fillers(31), encodedSecret].join(" "), [secret])).toBe(true);
            const text = [...fillers(32), encodedSecret].join(" ");
            expect(holdsSecret(text, [secret])).toBe(false);
            expect(serverMessage(text, [secret])).not.toContain(encodedSecret.slice(0, 12));
        });

        it("stops at 256 views", () => {
            // 32 runs that each decode to 32 more: 1,024 views a level down, beyond the bound.
            const nested = (secretAt: number) =>
                Array.from({ length: 32 }, (_, i) =>
                    base64(Array.from({ length: 32 }, (_, j) => (i * 32 + j === secretAt ? encodedSecret : base64(`filler-${i}-${j}-x`))).join(" ")),
                ).join(" ");
            expect(holdsSecret(nested(0), [secret])).toBe(true);
            expect(holdsSecret(nested(32 * 32 - 1), [secret])).toBe(false);
        });

        it("decompresses at most 1 MiB (a small answer could expand to gigabytes)", () => {
            const gzipped = (padding: number) => zlib.gzipSync(`${"a".repeat(padding)} ${secret}`).toString("base64");
            expect(holdsSecret(`body ${gzipped(1000)}`, [secret])).toBe(true);
            const bomb = `body ${gzipped(1 << 20)}`;
            expect(holdsSecret(bomb, [secret])).toBe(false);
            expect(serverMessage(bomb, [secret])).toBe("body [" + (bomb.length - 5) + " characters not shown]");
        });
    });

    it("finds a base64url secret whose encoding holds - and _", () => {
        const secret = "k3y~~??>>v4lue-9x";
        expect(Buffer.from(secret).toString("base64url")).toBe("azN5fn4_Pz4-djRsdWUtOXg");
        expect(holdsSecret("token azN5fn4_Pz4-djRsdWUtOXg", [secret])).toBe(true);
    });

    it("decodes a percent-encoded multi-byte character as one run", () => {
        expect(holdsSecret("s3cr3t-%C3%A9-value", ["s3cr3t-\u00e9-value"])).toBe(true);
    });

    // nbsp is left out: a decoded space is squeezed out like the entity, so its row could not fail.
    const entityCharacters: [string, string][] = [
        ["amp", "&"],
        ["lt", "<"],
        ["gt", ">"],
        ["quot", '"'],
        ["apos", "'"],
        ["sol", "/"],
        ["bsol", "\\"],
        ["plus", "+"],
        ["equals", "="],
        ["colon", ":"],
        ["num", "#"],
        ["percnt", "%"],
        ["lowbar", "_"],
        ["hyphen", "-"],
        ["dash", "-"],
        ["period", "."],
        ["comma", ","],
        ["excl", "!"],
        ["quest", "?"],
        ["commat", "@"],
        ["dollar", "$"],
        ["lpar", "("],
        ["rpar", ")"],
        ["ast", "*"],
        ["semi", ";"],
        ["tilde", "~"],
        ["grave", "`"],
        ["lsqb", "["],
        ["rsqb", "]"],
        ["lcub", "{"],
        ["rcub", "}"],
        ["verbar", "|"],
        ["Hat", "^"],
    ];

    it.each(entityCharacters)("finds a secret with the named entity &%s; in it", (name, character) => {
        expect(holdsSecret(`abcd1234&${name};wxyz`, [`abcd1234${character}wxyz`])).toBe(true);
    });

    it.each([
        ["AMP", "&"],
        ["PLUS", "+"],
        ["Sol", "/"],
        ["LOWBAR", "_"],
    ])("finds a secret with the named entity &%s; written in upper case", (name, character) => {
        expect(holdsSecret(`abcd1234&${name};wxyz`, [`abcd1234${character}wxyz`])).toBe(true);
    });

    it("leaves an unknown named entity as written", () => {
        expect(holdsSecret("abcd1234&hat;wxyz", ["abcd1234^wxyz"])).toBe(false);
        expect(holdsSecret("abcd1234&bogus;&plus;wxyz", ["abcd1234&bogus;+wxyz"])).toBe(true);
    });

    it.each([
        ["an entity", "&#x110000;&#45;abcdefg", "&#x110000;-abcdefg"],
        ["a braced escape", "\\u{110000}\\x2dabcdefg", "\\u{110000}-abcdefg"],
    ])("keeps %s beyond U+10FFFF as written, and decodes the rest", (_form, text, secret) => {
        expect(holdsSecret(text, [secret])).toBe(true);
    });

    it("seeks a secret of exactly 8 characters in decoded views, hex and base64 (11 characters and its padding)", () => {
        expect(holdsSecret(Buffer.from("abcd1234").toString("hex"), ["abcd1234"])).toBe(true);
        expect(holdsSecret(`token ${Buffer.from("abcd1234").toString("base64")} refused`, ["abcd1234"])).toBe(true);
        expect(holdsSecret(`token ${Buffer.from("abcd1234").toString("base64url")} refused`, ["abcd1234"])).toBe(true);
    });

    it("does not seek a secret that is under 8 characters without its white space", () => {
        expect(holdsSecret("abcdefg", ["ab cd ef g"])).toBe(false);
    });

    it("counts a secret's length as given, before lower-casing (İ lower-cases to two characters)", () => {
        expect("\u0130abcdef".toLowerCase()).toHaveLength(8);
        expect(holdsSecret("\u0130abcdef", ["\u0130abcdef"])).toBe(false);
    });

    it("finds nothing in an ordinary message, nor a secret shorter than 8 characters in a decoded form", () => {
        expect(holdsSecret("The specified bucket does not exist", [secret])).toBe(false);
        expect(holdsSecret(Buffer.from("short-1").toString("base64"), ["short-1"])).toBe(false);
    });
});

describe("redactThenCut and serverMessage on an encoded secret", () => {
    const secret = "s3-secret-Yt72nB4kQmVd9sHj1LpA+/e0";

    it("withholds the word that holds it and keeps the others", () => {
        const encoded = Buffer.from(secret).toString("base64");
        expect(redactThenCut(`bad key ${encoded} given`, [secret])).toBe(
            `bad key [${encoded.length} characters not shown: they hold a secret in an encoded form] given`,
        );
    });

    it("withholds the whole text when the secret is split across words", () => {
        const text = `bad key ${secret.slice(0, 17)}\n${secret.slice(17)} given`;
        expect(redactThenCut(text, [secret])).toBe(`[${text.length} characters not shown: they hold a secret in an encoded form]`);
    });

    it("serverMessage keeps a message of exactly the limit whole and cuts a longer one at the limit", () => {
        expect(serverMessage("abcdef", [], 6)).toBe("abcdef");
        expect(serverMessage("abcdefg", [], 6)).toBe("abcdef...");
        expect(serverMessage("y".repeat(outsideTextLimit), [])).toBe("y".repeat(outsideTextLimit));
        expect(serverMessage("y".repeat(outsideTextLimit + 1), [])).toBe(`${"y".repeat(outsideTextLimit)}...`);
    });

    it("serverMessage keeps short numbers and a 19-character run readable, and hides a 20-character base64-like run", () => {
        expect(serverMessage("code 42: token Zm9vYmFyYmF6cXV4MTI rejected", [])).toBe("code 42: token Zm9vYmFyYmF6cXV4MTI rejected");
        expect(serverMessage("code 42: token Zm9vYmFyYmF6cXV4MTIz rejected", [])).toBe("code 42: token [20 characters not shown] rejected");
    });

    it("serverMessage hides runs that look encoded, and keeps words, ids and names", () => {
        const text =
            "Bucket acme-archives-dev refused; request id 4442587FB7D0A2F9; token eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo";
        expect(serverMessage(text, [])).toBe(
            "Bucket acme-archives-dev refused; request id 4442587FB7D0A2F9; token [20 characters not shown].e30.[43 characters not shown]",
        );
    });
});
