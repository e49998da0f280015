// The request tokens (providers/jwt.ts) called directly: the claims each API checks, the
// algorithm in the header, the lifetime, a fresh jti each time. Verified with the other key half
// (or the secret), as the API would.

import * as jwt from "jsonwebtoken";
import { applicationToken, projectToken, tokenLifetimeSeconds } from "../providers/jwt";
import { apiSecret, vonageKeys } from "./support/fixtures";

const now = new Date("2026-11-29T10:00:00.750Z");
const nowSeconds = Math.floor(now.getTime() / 1000);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function verified(token: string, key: string, algorithm: jwt.Algorithm) {
    // Checked at the token's own time: the claims, not this machine's clock, are under test.
    return jwt.verify(token, key, { algorithms: [algorithm], complete: true, clockTimestamp: nowSeconds });
}

describe("projectToken (OpenTok, X-OPENTOK-AUTH)", () => {
    it("is HS256, signed with the API secret, with iss, ist project, iat in whole seconds, exp 3 minutes on, and a jti", () => {
        const { header, payload } = verified(projectToken("12345678", apiSecret, now), apiSecret, "HS256");
        expect(header).toEqual({ alg: "HS256", typ: "JWT" });
        expect(payload).toEqual({ iss: "12345678", ist: "project", iat: nowSeconds, exp: nowSeconds + 180, jti: expect.stringMatching(uuid) });
        expect(tokenLifetimeSeconds).toBe(180);
    });

    it("has a new jti each time, even within the same second", () => {
        const a = jwt.decode(projectToken("12345678", apiSecret, now)) as jwt.JwtPayload;
        const b = jwt.decode(projectToken("12345678", apiSecret, now)) as jwt.JwtPayload;
        expect(a.jti).not.toBe(b.jti);
    });

    it("is signed at this machine's time when none is given", () => {
        const { iat } = jwt.decode(projectToken("12345678", apiSecret)) as jwt.JwtPayload;
        expect(Math.abs(iat! - Date.now() / 1000)).toBeLessThan(5);
    });
});

describe("applicationToken (Vonage, Authorization: Bearer)", () => {
    it("is RS256, verified by the application's public key, with application_id, iat, exp 3 minutes on and a jti", () => {
        const { header, payload } = verified(applicationToken("app-id-1", vonageKeys.privateKey, now), vonageKeys.publicKey, "RS256");
        expect(header).toEqual({ alg: "RS256", typ: "JWT" });
        expect(payload).toEqual({ application_id: "app-id-1", iat: nowSeconds, exp: nowSeconds + 180, jti: expect.stringMatching(uuid) });
    });

    it("cannot be made from something that is not an RSA private key", () => {
        expect(() => applicationToken("app-id-1", "not-a-private-key-at-all", now)).toThrow();
    });
});
