// Project tokens for the OpenTok REST API: X-OPENTOK-AUTH, an HS256 JWT signed with the
// project's API secret (OpenTok REST API docs; opentok-node lib/generateJwt.js).

import { randomUUID } from "crypto";
import * as jwt from "jsonwebtoken";

/**
 * How long a token lives. The API accepts at most 5 minutes; 3 leaves room for a client clock
 * that runs a little fast, which the API does not forgive (opentok-ruby issue #185).
 */
export const tokenLifetimeSeconds = 180;

/** Signs a fresh project token. Call once per request: a token is never reused. */
export function projectToken(apiKey: string, apiSecret: string, now: Date = new Date()): string {
    const iat = Math.floor(now.getTime() / 1000);
    const claims = { iss: apiKey, ist: "project", iat, exp: iat + tokenLifetimeSeconds, jti: randomUUID() };
    return jwt.sign(claims, apiSecret, { algorithm: "HS256", header: { alg: "HS256", typ: "JWT" } });
}
