// Tokens for the two APIs that set an archive upload target:
// - OpenTok: X-OPENTOK-AUTH, an HS256 JWT signed with the project's API secret (OpenTok REST API
//   docs; opentok-node lib/generateJwt.js);
// - Vonage Video API: Authorization: Bearer, an RS256 JWT signed with the application's private
//   key, with the claims @vonage/jwt's tokenGenerate gives (application_id, iat, exp, jti). Signed
//   here with jsonwebtoken, not by @vonage/jwt: that one logs the private key under DEBUG=vonage:*.

import { randomUUID } from "crypto";
import * as jwt from "jsonwebtoken";

/**
 * How long a token lives. The OpenTok API accepts at most 5 minutes; 3 leaves room for a client
 * clock that runs a little fast, which the API does not forgive (opentok-ruby issue #185).
 */
export const tokenLifetimeSeconds = 180;

/** Signs a fresh OpenTok project token. Call once per request: a token is never reused. */
export function projectToken(apiKey: string, apiSecret: string, now: Date = new Date()): string {
    const iat = Math.floor(now.getTime() / 1000);
    const claims = { iss: apiKey, ist: "project", iat, exp: iat + tokenLifetimeSeconds, jti: randomUUID() };
    return jwt.sign(claims, apiSecret, { algorithm: "HS256" });
}

/** Signs a fresh Vonage application token. Call once per request. */
export function applicationToken(applicationId: string, privateKey: string, now: Date = new Date()): string {
    const iat = Math.floor(now.getTime() / 1000);
    const claims = { application_id: applicationId, iat, exp: iat + tokenLifetimeSeconds, jti: randomUUID() };
    return jwt.sign(claims, privateKey, { algorithm: "RS256" });
}
