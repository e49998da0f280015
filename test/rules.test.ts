// The validation rules (providers/rules.ts) called directly: what each rule refuses and the reason
// it gives. Which rule check applies to which property, and the failures it makes of them, are in
// check.test.ts.

import { generateKeyPairSync } from "crypto";
import * as rules from "../providers/rules";
import {
    apiUrlRule,
    fallbackFor,
    isLoopbackUrl,
    lowerCase,
    numberAsString,
    oneOf,
    privateKeyRule,
    reachableEndpointRule,
    secretKeyRule,
    unreachableEndpointReason,
    withoutTrailingSlashes,
} from "../providers/rules";
import { vonageKeys } from "./support/fixtures";

type RuleName =
    | "apiKeyRule"
    | "applicationIdRule"
    | "accessKeyRule"
    | "bucketNameRule"
    | "secretKeyRule"
    | "sseRule"
    | "accountNameRule"
    | "accountKeyRule"
    | "containerRule"
    | "domainRule"
    | "apiUrlRule"
    | "endpointRule";

describe("each rule's reason, word for word", () => {
    // [rule, value, reason]: the reason with %v where the rule shows the value; undefined: accepted.
    // Each boundary is given from both sides.
    it.each<[RuleName, string, string | undefined]>([
        ["apiKeyRule", "", "must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was %v"],
        ["apiKeyRule", "1", undefined],
        ["apiKeyRule", "1".repeat(32), undefined],
        [
            "apiKeyRule",
            "1".repeat(33),
            "must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was %v",
        ],
        ["apiKeyRule", "12a", "must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was %v"],
        ["apiKeyRule", "a12", "must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was %v"],
        ["applicationIdRule", "0d5f1c3e-9a39-4b5e-8f3f-2a7c8a1d0c9e", undefined],
        [
            "applicationIdRule",
            "0d5f1c3e-9a39-4b5e-8f3f-2a7c8a1d0c9",
            'must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was %v',
        ],
        [
            "applicationIdRule",
            "x0d5f1c3e-9a39-4b5e-8f3f-2a7c8a1d0c9e",
            'must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was %v',
        ],
        [
            "applicationIdRule",
            "0d5f1c3e-9a39-4b5e-8f3f-2a7c8a1d0c9ex",
            'must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was %v',
        ],
        [
            "applicationIdRule",
            "0d5f1c3e-9a3-4b5e-8f3f-2a7c8a1d0c9e",
            'must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was %v',
        ],
        [
            "applicationIdRule",
            "0d5f1c3g-9a39-4b5e-8f3f-2a7c8a1d0c9e",
            'must be the Vonage application ID, a UUID such as "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", but was %v',
        ],
        ["accessKeyRule", "abc", "must be an S3 access key ID (4 to 128 letters, digits or +/=_-), but was %v"],
        ["accessKeyRule", "abcd", undefined],
        ["accessKeyRule", "A".repeat(128), undefined],
        ["accessKeyRule", "A".repeat(129), "must be an S3 access key ID (4 to 128 letters, digits or +/=_-), but was %v"],
        ["accessKeyRule", "a+/=_-b", undefined],
        ["accessKeyRule", "ab*c", "must be an S3 access key ID (4 to 128 letters, digits or +/=_-), but was %v"],
        [
            "accessKeyRule",
            "ASIAIOSFODNN7EXAMPLE",
            'is a temporary AWS STS access key (it starts with "ASIA"); OpenTok cannot send the session token such keys need, so every upload would fail; use a long-lived IAM user access key (it starts with "AKIA")',
        ],
        ["accessKeyRule", "xASIAIOSFODNN7EXAMPLE", undefined],
        [
            "bucketNameRule",
            "ab",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v has 2 characters",
        ],
        ["bucketNameRule", "abc", undefined],
        ["bucketNameRule", "a".repeat(63), undefined],
        [
            "bucketNameRule",
            "a".repeat(64),
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v has 64 characters",
        ],
        [
            "bucketNameRule",
            "aBc",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v has other characters",
        ],
        [
            "bucketNameRule",
            "a_c",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v has other characters",
        ],
        [
            "bucketNameRule",
            "-abc",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v does not start and end with a letter or digit",
        ],
        [
            "bucketNameRule",
            "abc-",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v does not start and end with a letter or digit",
        ],
        [
            "bucketNameRule",
            ".abc",
            "must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but %v does not start and end with a letter or digit",
        ],
        ["bucketNameRule", "a..c", "must not contain two adjacent dots, but was %v"],
        ["bucketNameRule", "a.b.c", undefined],
        ["bucketNameRule", "192.168.1.1", "must not be formatted as an IP address, but was %v"],
        ["bucketNameRule", "1.2.3", undefined],
        ["bucketNameRule", "1234.1.1.1", undefined],
        ["bucketNameRule", "x1.2.3.4", undefined],
        ["bucketNameRule", "1.2.3.4x", undefined],
        ["bucketNameRule", "xn--abc", 'must not start with the reserved prefix "xn--", but was %v'],
        ["bucketNameRule", "sthree-abc", 'must not start with the reserved prefix "sthree-", but was %v'],
        ["bucketNameRule", "amzn-s3-demo-abc", 'must not start with the reserved prefix "amzn-s3-demo-", but was %v'],
        ["bucketNameRule", "axn--abc", undefined],
        ["bucketNameRule", "abc-s3alias", 'must not end with the reserved suffix "-s3alias", but was %v'],
        ["bucketNameRule", "abc--ol-s3", 'must not end with the reserved suffix "--ol-s3", but was %v'],
        ["bucketNameRule", "abc.mrap", 'must not end with the reserved suffix ".mrap", but was %v'],
        ["bucketNameRule", "abc--x-s3", 'must not end with the reserved suffix "--x-s3", but was %v'],
        ["bucketNameRule", "abc-s3aliasx", undefined],
        [
            "secretKeyRule",
            "AKIA" + "A".repeat(12),
            'looks like an AWS access key ID (it starts with "AKIA"), not a secret access key: are accessKey and secretKey swapped?',
        ],
        [
            "secretKeyRule",
            "ASIA" + "B".repeat(16),
            'looks like an AWS access key ID (it starts with "ASIA"), not a secret access key: are accessKey and secretKey swapped?',
        ],
        ["secretKeyRule", "AKIA" + "A".repeat(11), undefined],
        ["secretKeyRule", "xAKIA" + "A".repeat(12), undefined],
        ["secretKeyRule", "AKIA" + "A".repeat(12) + "a", undefined],
        ["secretKeyRule", " abc", "must be the S3 secret access key of accessKey without leading or trailing white space (a copy-and-paste slip?)"],
        ["secretKeyRule", "abc ", "must be the S3 secret access key of accessKey without leading or trailing white space (a copy-and-paste slip?)"],
        ["secretKeyRule", "a b", "must be the S3 secret access key of accessKey, printable ASCII with no white space or control characters"],
        ["secretKeyRule", "a\u00e9b", "must be the S3 secret access key of accessKey, printable ASCII with no white space or control characters"],
        ["secretKeyRule", "x".repeat(256), undefined],
        ["secretKeyRule", "x".repeat(257), "must be the S3 secret access key of accessKey, at most 256 characters, but has 257"],
        ["secretKeyRule", "!~", undefined],
        [
            "sseRule",
            "kms",
            'was %v, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption',
        ],
        [
            "sseRule",
            "aws:kms",
            'was %v, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption',
        ],
        [
            "sseRule",
            "AWS:KMS",
            'was %v, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption',
        ],
        [
            "sseRule",
            "sse-kms",
            'was %v, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption',
        ],
        [
            "sseRule",
            "SSE-C",
            'was %v, but OpenTok supports only S3-managed keys (SSE-S3), not KMS or customer-provided keys; use "s3", or "none" for no server-side encryption',
        ],
        ["sseRule", "xkms", 'was %v; allowed values are "s3" or "none"'],
        ["sseRule", "kmsx", 'was %v; allowed values are "s3" or "none"'],
        ["sseRule", "aes256", 'was %v; SSE-S3 (AES256) is written "s3" in OpenTok\'s API; use "s3", or "none" for no server-side encryption'],
        ["sseRule", "SSE-S3", 'was %v; SSE-S3 (AES256) is written "s3" in OpenTok\'s API; use "s3", or "none" for no server-side encryption'],
        ["sseRule", "aes2567", 'was %v; allowed values are "s3" or "none"'],
        ["sseRule", "s3", undefined],
        ["sseRule", "none", undefined],
        ["sseRule", "S3", 'was %v; allowed values are "s3" or "none"'],
        ["accountNameRule", "ab", "must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was %v"],
        ["accountNameRule", "abc", undefined],
        ["accountNameRule", "a".repeat(24), undefined],
        ["accountNameRule", "a".repeat(25), "must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was %v"],
        ["accountNameRule", "aBc", "must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was %v"],
        ["accountNameRule", "a-c", "must be an Azure storage account name, 3 to 24 lowercase letters and digits, but was %v"],
        ["accountKeyRule", "abc+/==", undefined],
        ["accountKeyRule", "abc===", "must be the storage account's access key, in base64 as the Azure portal shows it"],
        ["accountKeyRule", "ab-c", "must be the storage account's access key, in base64 as the Azure portal shows it"],
        ["accountKeyRule", " abc", "must be the storage account's access key without leading or trailing white space (a copy-and-paste slip?)"],
        ["accountKeyRule", "=abc", "must be the storage account's access key, in base64 as the Azure portal shows it"],
        [
            "containerRule",
            "ab",
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        ["containerRule", "abc", undefined],
        ["containerRule", "a".repeat(63), undefined],
        [
            "containerRule",
            "a".repeat(64),
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        ["containerRule", "a-b", undefined],
        [
            "containerRule",
            "a--b",
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        [
            "containerRule",
            "-ab",
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        [
            "containerRule",
            "ab-",
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        [
            "containerRule",
            "aBc",
            "must be an Azure container name, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row, but was %v",
        ],
        ["domainRule", "blob.core.windows.net", undefined],
        ["domainRule", "localhost", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "a.b", undefined],
        ["domainRule", "-a.b", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "a-.b", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "a.b-", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "a".repeat(63) + ".b", undefined],
        ["domainRule", "a".repeat(64) + ".b", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", ("a".repeat(63) + ".").repeat(3) + "a".repeat(61), undefined],
        [
            "domainRule",
            ("a".repeat(63) + ".").repeat(3) + "a".repeat(62),
            'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v',
        ],
        ["domainRule", "https://a.b", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "a.b/c", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["domainRule", "A.B", undefined],
        ["domainRule", "a_b.c", 'must be a host name without protocol or path, such as "blob.core.windows.net", but was %v'],
        ["apiUrlRule", "https://api.opentok.com", undefined],
        ["apiUrlRule", "https://api.opentok.com/", undefined],
        ["apiUrlRule", "https://api.opentok.com//", 'must be a base URL without a path, such as "https://api.opentok.com", but %v has the path "//"'],
        [
            "apiUrlRule",
            "https://api opentok.com",
            "must be a URL of printable ASCII characters with no white space, but was %v; internationalized host names must be written in punycode",
        ],
        [
            "apiUrlRule",
            "api.opentok.com",
            'must be a URL with its protocol, such as "https://api.opentok.com", but was %v; did you mean "https://api.opentok.com"?',
        ],
        [
            "apiUrlRule",
            "1https://x",
            'must be a URL with its protocol, such as "https://api.opentok.com", but was %v; did you mean "https://1https://x"?',
        ],
        ["apiUrlRule", "https://", 'must be a URL such as "https://api.opentok.com", but %v cannot be parsed as one'],
        [
            "apiUrlRule",
            "https://" + "a".repeat(64) + ".com",
            "must have a valid host name (at most 253 characters, labels of at most 63), but %v does not",
        ],
        ["apiUrlRule", "https://" + "a".repeat(63) + ".com", undefined],
        ["apiUrlRule", "https://" + ("a".repeat(60) + ".").repeat(4) + "a".repeat(9), undefined],
        [
            "apiUrlRule",
            "https://" + ("a".repeat(60) + ".").repeat(4) + "a".repeat(10),
            "must have a valid host name (at most 253 characters, labels of at most 63), but %v does not",
        ],
        ["apiUrlRule", "http://127.0.0.1:9000", undefined],
        ["apiUrlRule", "http://localhost", undefined],
        ["apiUrlRule", "http://[::1]:1", undefined],
        ["apiUrlRule", "http://example.com", "must use https (http is allowed only to a loopback host such as 127.0.0.1), but was %v"],
        ["apiUrlRule", "ftp://127.0.0.1", "must use https (http is allowed only to a loopback host such as 127.0.0.1), but was %v"],
        ["apiUrlRule", "https://u@a.com", "must not carry credentials in the URL, but %v does"],
        ["apiUrlRule", "https://:p@a.com", "must not carry credentials in the URL, but %v does"],
        ["apiUrlRule", "https://a.com?x", 'must be a base URL without query or fragment, such as "https://api.opentok.com", but was %v'],
        ["apiUrlRule", "https://a.com?", 'must be a base URL without query or fragment, such as "https://api.opentok.com", but was %v'],
        ["apiUrlRule", "https://a.com#", 'must be a base URL without query or fragment, such as "https://api.opentok.com", but was %v'],
        ["apiUrlRule", "https://a.com#f", 'must be a base URL without query or fragment, such as "https://api.opentok.com", but was %v'],
        ["apiUrlRule", "https://a.com/v2", 'must be a base URL without a path, such as "https://api.opentok.com", but %v has the path "/v2"'],
        ["apiUrlRule", "https://A.com", 'must be written in its canonical form "https://a.com", but was %v'],
        ["apiUrlRule", "https://a.com:443", 'must be written in its canonical form "https://a.com", but was %v'],
        ["apiUrlRule", "http://127.1", 'must be written in its canonical form "http://127.0.0.1", but was %v'],
        [
            "endpointRule",
            "storage.googleapis.com",
            'must be a URL with its protocol, such as "https://storage.googleapis.com", but was %v; did you mean "https://storage.googleapis.com"?',
        ],
    ])("%s(%j)", (rule, value, reason) => {
        const shown = JSON.stringify(value);
        expect(rules[rule](value, shown)).toBe(reason?.split("%v").join(shown));
    });
});

describe("normalization", () => {
    it("writes a number as its digits, and leaves anything else as given", () => {
        expect(numberAsString(46000001)).toBe("46000001");
        expect(numberAsString("46000001")).toBe("46000001");
        expect(numberAsString(true)).toBe(true);
    });

    it("lower-cases strings only", () => {
        expect(lowerCase("AbC-D")).toBe("abc-d");
        expect(lowerCase(42)).toBe(42);
    });

    it("drops every trailing slash, and only those", () => {
        expect(withoutTrailingSlashes("https://a.example//")).toBe("https://a.example");
        expect(withoutTrailingSlashes("https://a.example/x")).toBe("https://a.example/x");
    });

    it.each([
        ["opentok", "opentok", "opentok"],
        ["opentok", "vonage", "opentok"],
        ["vonage", "opentok", "vonage"],
        ["vonage", "vonage", "vonage"],
        ["opentok", "none", "none"],
        ["vonage", "none", "none"],
    ] as const)("spells fallback for %s credentials given %s as %s", (mode, fallback, spelled) => {
        expect(fallbackFor(mode, fallback)).toBe(spelled);
    });
});

describe("oneOf", () => {
    it("lists every allowed value, quoted", () => {
        expect(oneOf(["a", "b", "c"])("d", "(shown)")).toBe('was (shown); allowed values are "a" or "b" or "c"');
        expect(oneOf(["a", "b", "c"])("c", "(shown)")).toBeUndefined();
    });
});

describe("isLoopbackUrl", () => {
    it.each([
        ["http://localhost:9000", true],
        ["http://127.0.0.1", true],
        ["http://127.255.0.9:1", true],
        ["http://[::1]:9000", true],
        ["http://localhost.evil.com", false],
        ["http://xlocalhost", false],
        ["http://127.0.0.1.evil.com", false],
        ["http://128.0.0.1", false],
        ["https://api.opentok.com", false],
        ["not a URL", false],
    ])("%s: %s", (url, loopback) => {
        expect(isLoopbackUrl(url)).toBe(loopback);
    });
});

describe("unreachableEndpointReason", () => {
    it.each([
        ["http://127.0.0.1:9000", "a loopback address"],
        ["https://127.0.0.1:9000", "a loopback address"],
        ["http://localhost:9000", "a local-only host name"],
        ["https://[::1]:9000", "a loopback address"],
        ["https://10.1.2.3", "a private-network address"],
        ["https://172.16.0.1", "a private-network address"],
        ["https://172.31.255.255", "a private-network address"],
        ["https://192.168.1.10:9000", "a private-network address"],
        ["https://169.254.169.254", "a link-local address"],
        ["https://100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"],
        ["https://0.0.0.0", "an address of this host (0.0.0.0/8)"],
        ["https://[fc00::1]", "a private (unique local, fc00::/7) address"],
        ["https://[fd12:3456::1]", "a private (unique local, fc00::/7) address"],
        ["https://[fe80::1]", "a link-local address"],
        ["https://[::ffff:a00:1]", "a private-network address"],
        ["https://minio.local", "a local-only host name"],
        ["https://minio.internal", "a local-only host name"],
        ["https://s3.localhost", "a local-only host name"],
        ["https://nas.home.arpa", "a local-only host name"],
        ["https://minio.lan.", "a local-only host name"],
        ["https://0.1.2.3", "an address of this host (0.0.0.0/8)"],
        ["https://100.127.255.255", "a carrier-grade NAT address (100.64.0.0/10)"],
        ["https://127.200.0.1", "a loopback address"],
        ["https://[::]", "the unspecified address"],
        ["https://[::ffff:127.0.0.1]", "a loopback address"],
        ["https://[febf::1]", "a link-local address"],
        ["http://s3.example.com", "a plain http URL"],
    ])("%s is %s, which OpenTok's servers cannot reach", (endpoint, kind) => {
        expect(unreachableEndpointReason(endpoint)).toBe(kind);
    });

    it.each([
        "https://storage.googleapis.com",
        "https://172.32.0.1",
        "https://172.15.255.255",
        "https://11.0.0.1",
        "https://9.255.255.255",
        "https://192.169.0.1",
        "https://192.167.0.1",
        "https://100.63.255.255",
        "https://100.128.0.1",
        "https://169.253.0.1",
        "https://169.255.0.1",
        "https://126.0.0.1",
        "https://1.0.0.1",
        "https://[2001:db8::1]",
        "https://[fbff::1]",
        "https://[fec0::1]",
        "https://[::2]",
        "https://[::ffff:808:808]",
        "https://locals.example.com",
        "https://local.example.com",
    ])("%s is reachable from the internet", (endpoint) => {
        expect(unreachableEndpointReason(endpoint)).toBeUndefined();
    });
});

describe("reachableEndpointRule", () => {
    const shown = (value: string) => `<${value}>`;

    it("refuses an endpoint OpenTok cannot reach, saying why and what to give instead", () => {
        expect(reachableEndpointRule("https://10.0.0.1", "https://api.opentok.com", shown)).toBe(
            'was <https://10.0.0.1>, a private-network address: OpenTok\'s servers upload archives from the internet and can never reach it, so every upload would fail, and with fallback "none" every archive would be lost. ' +
                "Such an endpoint is accepted only with a loopback apiUrl (a local emulator, apiUrl <https://api.opentok.com> is not one); " +
                'give storage that the internet reaches over https, such as "https://storage.googleapis.com", or leave endpoint out for AWS S3',
        );
    });

    it("accepts it with a loopback apiUrl (a local emulator), and accepts a reachable one with any", () => {
        expect(reachableEndpointRule("http://127.0.0.1:9000", "http://127.0.0.1:8080", shown)).toBeUndefined();
        expect(reachableEndpointRule("https://storage.googleapis.com", "https://api.opentok.com", shown)).toBeUndefined();
    });

    it("judges nothing of an endpoint that is not a URL (its own rule refuses it)", () => {
        expect(unreachableEndpointReason("not a URL")).toBeUndefined();
    });
});

describe("apiUrlRule", () => {
    it.each(["http://localhost.evil.com", "http://127.0.0.1.evil.com", "http://localhost:1@evil.com"])(
        "%s is not a loopback host: http is refused",
        (apiUrl) => {
            expect(apiUrlRule(apiUrl, JSON.stringify(apiUrl))).toMatch(/must use https/);
        },
    );
});

describe("secretKeyRule", () => {
    it("refuses an access key ID given as the secret key, asking whether the two are swapped", () => {
        expect(secretKeyRule("AKIAIOSFODNN7EXAMPLE", "(not shown)")).toMatch(/looks like an AWS access key ID.*swapped/);
    });
});

describe("privateKeyRule", () => {
    const shortKey = generateKeyPairSync("rsa", {
        modulusLength: 1024,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).privateKey;

    const howTo = "give the key's contents, not its path (for example: pulumi config set --secret privateKey < private.key)";

    it.each([
        ["a path", "./private.key", `must be the application's private key in PEM form (-----BEGIN PRIVATE KEY-----); ${howTo}`],
        [
            "armour around what is not a key",
            "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----",
            `must be a PEM private key that can be read, but it cannot be parsed (or it is encrypted with a passphrase); ${howTo}`,
        ],
        [
            "an EC key",
            generateKeyPairSync("ec", {
                namedCurve: "P-256",
                privateKeyEncoding: { type: "pkcs8", format: "pem" },
                publicKeyEncoding: { type: "spki", format: "pem" },
            }).privateKey,
            "must be an RSA private key: the Vonage Video API signs with RS256",
        ],
    ])("refuses %s, saying what to give", (_given, value, reason) => {
        expect(privateKeyRule(value)).toBe(reason);
    });

    it("refuses an RSA key under 2048 bits, saying how many it has, without quoting it", () => {
        const reason = privateKeyRule(shortKey);
        expect(reason).toBe(
            "must be an RSA key of at least 2048 bits (RS256 signing refuses shorter keys), but has 1024 bits; use the key the Vonage dashboard generated for the application",
        );
        for (const line of shortKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))) {
            expect(reason).not.toContain(line);
        }
    });

    it("accepts a 2048-bit key: the limit is not off by one", () => {
        expect(privateKeyRule(vonageKeys.privateKey)).toBeUndefined();
    });
});
