// The validation rules (providers/rules.ts) called directly: what each rule refuses and the reason
// it gives. Which rule check applies to which property, and the failures it makes of them, are in
// check.test.ts.

import { generateKeyPairSync } from "crypto";
import { apiUrlRule, privateKeyRule, secretKeyRule, unreachableEndpointReason } from "../providers/rules";
import { vonageKeys } from "./support/fixtures";

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
    ])("%s is %s, which OpenTok's servers cannot reach", (endpoint, kind) => {
        expect(unreachableEndpointReason(endpoint)).toBe(kind);
    });

    it.each(["https://storage.googleapis.com", "https://172.32.0.1", "https://11.0.0.1", "https://192.169.0.1", "https://[2001:db8::1]"])(
        "%s is reachable from the internet",
        (endpoint) => {
            expect(unreachableEndpointReason(endpoint)).toBeUndefined();
        },
    );
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

    it("refuses an RSA key under 2048 bits, saying how many it has, without quoting it", () => {
        const reason = privateKeyRule(shortKey);
        expect(reason).toMatch(/at least 2048 bits.*has 1024 bits/);
        for (const line of shortKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))) {
            expect(reason).not.toContain(line);
        }
    });

    it("accepts a 2048-bit key: the limit is not off by one", () => {
        expect(privateKeyRule(vonageKeys.privateKey)).toBeUndefined();
    });
});
