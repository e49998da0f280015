// A loopback stand-in for the OpenTok REST API's archive upload target, strict where the real
// API is (JWT signature and claims, path, JSON shape), recording every request it receives so
// tests assert on the wire. Faults can be injected to exercise the client's retries.
// Unlike the real API it says why it refused a request (in the body and the log, keeping the
// API's status), and answers a GET of the target (an emulator-only convenience).

import * as http from "http";
import type { AddressInfo } from "net";
import * as jwt from "jsonwebtoken";

export interface RecordedRequest {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    rawBody: string;
    /** The verified token's claims, when the token verified. */
    claims?: jwt.JwtPayload;
    /** What the emulator answered; "dropped" when it closed the connection without answering. */
    outcome: number | "dropped";
    /** The fault injected into this request, if any. */
    fault?: Fault["kind"];
    /** The client had closed the connection before the answer: it never saw `outcome`. */
    clientGaveUp?: boolean;
    /** Which API's authentication the request used, when it verified. */
    auth?: "opentok" | "vonage";
    /** Why the request was not applied (refused, faulted or dropped); never holds a token or secret. */
    reason?: string;
    /** What a successful request changed, e.g. "set s3 bucket acme, sse s3, fallback none"; no secret. */
    applied?: string;
}

/**
 * Why authentication failed. The real API answers every one with 403 "Authentication failed";
 * the emulator keeps that status and message and adds which one it was.
 */
export type AuthRefusal =
    | "missing header"
    | "unknown project"
    | "malformed token"
    | "bad signature"
    | "expired"
    | "not yet valid"
    | "lifetime over 5 minutes"
    | "wrong claims"
    | "reused token";

export interface OpenTokEmulatorOptions {
    /** Receives one line per request answered (or dropped): method, path, status, reason. */
    log?: (line: string) => void;
}

export interface StoredTarget {
    type: string;
    config: Record<string, unknown>;
    fallback: string;
}

export type Fault =
    | { kind: "status"; status: number; retryAfter?: string; body?: string }
    | { kind: "drop" }
    | { kind: "delay"; ms: number }
    /** Holds the request until `until` settles (e.g. while a test kills the client), then answers it. */
    | { kind: "hold"; until: Promise<void> }
    | { kind: "malformed" };

/** Fault kinds drawn at random by `setFaultRates`. */
export type RandomFaultKind = "429" | "429-retry-after" | "500" | "502" | "503" | "slow" | "drop" | "malformed";

const storagePath = /^\/v2\/project\/([^/]+)\/archive\/storage$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxTokenLifetimeSeconds = 300;
/** How far ahead of this machine's clock a token's iat may be. */
const clockLeewaySeconds = 5;
/** What the GET answer says about itself. */
const emulatorOnlyNote = "Emulator only: the real OpenTok API has no GET of the archive upload target. Secrets are masked.";

type Verified = { claims: jwt.JwtPayload } | { refusal: AuthRefusal; detail: string };

export class OpenTokEmulator {
    /** Every request received, in order, faults included. */
    readonly requests: RecordedRequest[] = [];
    /** The archive upload target of each project (by API key), as the API would hold it. */
    readonly targets = new Map<string, StoredTarget>();

    private readonly projectSecrets = new Map<string, string>();
    private readonly applicationKeys = new Map<string, string>();
    private readonly faults: Fault[] = [];
    private readonly seenTokenIds = new Set<string>();
    private readonly inFlight = new Set<Promise<void>>();
    private server: http.Server | undefined;
    private baseUrl = "";
    private faultRates: [RandomFaultKind, number][] = [];
    private random: () => number = Math.random;
    private slowMs = 0;
    private rateLimit: { perSecond: number; tokens: number; refilledAt: number } | undefined;
    /** How many faults of each kind were injected, queued or random, rate-limit 429s included. */
    readonly faultCounts: Record<string, number> = {};
    private readonly log: (line: string) => void;

    constructor(options: OpenTokEmulatorOptions = {}) {
        this.log = options.log ?? (() => undefined);
    }

    /** Registers a project the API knows, with its secret. */
    addProject(apiKey: string, apiSecret: string): this {
        this.projectSecrets.set(apiKey, apiSecret);
        return this;
    }

    /** Registers a Vonage application the API knows, with its public key (PEM). */
    addApplication(applicationId: string, publicKeyPem: string): this {
        this.applicationKeys.set(applicationId, publicKeyPem);
        return this;
    }

    /** Queues faults: each of the next requests gets the next fault, in order. */
    injectFaults(...faults: Fault[]): this {
        this.faults.push(...faults);
        return this;
    }

    /**
     * Injects faults at random into every request not served by a queued fault: each kind with
     * its probability, drawn from a seeded generator so that a run is repeatable.
     */
    setFaultRates(rates: Partial<Record<RandomFaultKind, number>>, seed: number, slowMs = 0): this {
        this.faultRates = Object.entries(rates) as [RandomFaultKind, number][];
        this.random = seededRandom(seed);
        this.slowMs = slowMs;
        return this;
    }

    /** Allows `perSecond` requests a second (token bucket, burst of one second); 429 with Retry-After beyond. */
    setRateLimit(perSecond: number | undefined): this {
        this.rateLimit = perSecond === undefined ? undefined : { perSecond, tokens: perSecond, refilledAt: Date.now() };
        return this;
    }

    get pendingFaults(): number {
        return this.faults.length;
    }

    get url(): string {
        return this.baseUrl;
    }

    /** Requests of one method, or all when none is given. */
    received(method?: string): RecordedRequest[] {
        return method ? this.requests.filter((r) => r.method === method) : [...this.requests];
    }

    /** Forgets requests, queued and random faults and the rate limit, keeping projects and targets. */
    clearLog(): void {
        this.requests.length = 0;
        this.faults.length = 0;
        this.faultRates = [];
        this.rateLimit = undefined;
        for (const kind of Object.keys(this.faultCounts)) {
            delete this.faultCounts[kind];
        }
    }

    /** Listens on `port` (0: any free one); rejects (EADDRINUSE) when the port is taken. */
    async start(port = 0, host = "127.0.0.1"): Promise<string> {
        const server = http.createServer((req, res) => {
            const handling = this.handle(req, res).catch(() => {
                res.destroy();
            });
            this.inFlight.add(handling);
            void handling.finally(() => this.inFlight.delete(handling));
        });
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(port, host, () => {
                server.off("error", reject);
                resolve();
            });
        });
        this.server = server;
        const address = server.address() as AddressInfo;
        this.baseUrl = `http://${host}:${address.port}`;
        return this.baseUrl;
    }

    /** Resolves when every request received so far has been answered (delayed ones included). */
    async idle(): Promise<void> {
        while (this.inFlight.size > 0) {
            await Promise.allSettled([...this.inFlight]);
        }
    }

    async stop(): Promise<void> {
        const server = this.server;
        if (!server) {
            return;
        }
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        this.server = undefined;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const rawBody = await readBody(req);
        const record: RecordedRequest = {
            method: req.method ?? "",
            path: req.url ?? "",
            headers: req.headers,
            rawBody,
            outcome: "dropped",
        };
        this.requests.push(record);
        try {
            await this.respond(req, res, record, rawBody);
        } finally {
            this.log(logLine(record));
        }
    }

    private async respond(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, rawBody: string): Promise<void> {
        const limited = this.takeRateLimitToken();
        if (limited !== undefined) {
            this.count("rate-limit-429");
            record.fault = "status";
            record.reason = "rate limit (setRateLimit)";
            return this.answer(res, record, 429, JSON.stringify({ message: "Too many requests" }), String(limited));
        }
        const fault = this.faults.shift() ?? this.randomFault();
        if (fault) {
            record.fault = fault.kind;
            record.reason = `injected fault: ${fault.kind === "status" ? fault.status : fault.kind}`;
            this.count(fault.kind === "status" ? String(fault.status) : fault.kind);
            switch (fault.kind) {
                case "drop":
                    req.socket.destroy();
                    return;
                case "status":
                    return this.answer(
                        res,
                        record,
                        fault.status,
                        fault.body ?? JSON.stringify({ message: `injected ${fault.status}` }),
                        fault.retryAfter,
                    );
                case "malformed": {
                    // Applied as usual, but answered with a body that is not JSON, cut short.
                    const { status } = this.process(req, record, rawBody);
                    res.writeHead(status, { "Content-Type": "application/json" });
                    res.end('{"type":"s3","config":{');
                    return;
                }
                case "delay":
                case "hold":
                    if (fault.kind === "hold") {
                        // Until the test releases it, however long the client waits.
                        await fault.until;
                    } else {
                        // Until the time is up, or until the client gives up waiting, whichever is first.
                        await new Promise<void>((resolve) => {
                            const timer = setTimeout(resolve, fault.ms);
                            res.once("close", () => {
                                clearTimeout(timer);
                                resolve();
                            });
                        });
                    }
                    if (req.socket.destroyed) {
                        // The client gave up; like a real server, the request is still applied.
                        record.clientGaveUp = true;
                        this.process(req, record, rawBody);
                        record.reason = `${record.reason}; the client gave up waiting, applied anyway`;
                        return;
                    }
                    break;
            }
        }
        const { status, body } = this.process(req, record, rawBody);
        this.answer(res, record, status, body);
    }

    private count(kind: string) {
        this.faultCounts[kind] = (this.faultCounts[kind] ?? 0) + 1;
    }

    /** Undefined when the request may pass; otherwise the seconds until a token is free. */
    private takeRateLimitToken(): number | undefined {
        const limit = this.rateLimit;
        if (!limit) {
            return undefined;
        }
        const now = Date.now();
        limit.tokens = Math.min(limit.perSecond, limit.tokens + ((now - limit.refilledAt) / 1000) * limit.perSecond);
        limit.refilledAt = now;
        if (limit.tokens >= 1) {
            limit.tokens -= 1;
            return undefined;
        }
        return Math.max(1, Math.ceil((1 - limit.tokens) / limit.perSecond));
    }

    private randomFault(): Fault | undefined {
        let draw = this.random();
        for (const [kind, rate] of this.faultRates) {
            if (draw < rate) {
                switch (kind) {
                    case "429":
                        return { kind: "status", status: 429 };
                    case "429-retry-after":
                        return { kind: "status", status: 429, retryAfter: "0" };
                    case "500":
                    case "502":
                    case "503":
                        return { kind: "status", status: Number(kind), body: "<html>upstream error</html>" };
                    case "slow":
                        return { kind: "delay", ms: this.slowMs };
                    case "drop":
                        return { kind: "drop" };
                    case "malformed":
                        return { kind: "malformed" };
                }
            }
            draw -= rate;
        }
        return undefined;
    }

    /** The one refusal for a project the emulator does not know, whichever method asked. */
    private unknownProject(id: string, mode: "opentok" | "vonage"): { refusal: "unknown project"; detail: string } | undefined {
        if (mode === "opentok" ? this.projectSecrets.has(id) : this.applicationKeys.has(id)) {
            return undefined;
        }
        const detail = mode === "opentok" ? `no project with API key ${JSON.stringify(id)}` : `no application with ID ${JSON.stringify(id)}`;
        return { refusal: "unknown project", detail };
    }

    /** X-OPENTOK-AUTH: HS256 with the project's secret, iss = the API key, ist = project, at most 5 minutes. */
    private verifyProjectToken(req: http.IncomingMessage, apiKey: string): Verified {
        const token = req.headers["x-opentok-auth"];
        if (typeof token !== "string" || token === "") {
            return { refusal: "missing header", detail: "no X-OPENTOK-AUTH header" };
        }
        const secret = this.projectSecrets.get(apiKey);
        if (secret === undefined) {
            return this.unknownProject(apiKey, "opentok")!;
        }
        const verified = verifySignedToken(token, secret, "HS256");
        if ("refusal" in verified) {
            return verified;
        }
        const claims = verified.claims;
        if (claims.iss !== apiKey || claims.ist !== "project") {
            return {
                refusal: "wrong claims",
                detail: `iss must be the API key ${JSON.stringify(apiKey)} and ist "project", got iss ${JSON.stringify(claims.iss)}, ist ${JSON.stringify(claims.ist)}`,
            };
        }
        return checkLifetime(claims);
    }

    /** Authorization: Bearer: RS256 with the application's key, application_id = the path's ID. */
    private verifyApplicationToken(req: http.IncomingMessage, applicationId: string): Verified {
        const header = req.headers.authorization ?? "";
        if (!header.startsWith("Bearer ") || header.length === "Bearer ".length) {
            return { refusal: "missing header", detail: "no Authorization: Bearer header" };
        }
        const publicKey = this.applicationKeys.get(applicationId);
        if (publicKey === undefined) {
            return this.unknownProject(applicationId, "vonage")!;
        }
        const verified = verifySignedToken(header.slice("Bearer ".length), publicKey, "RS256");
        if ("refusal" in verified) {
            return verified;
        }
        if (verified.claims.application_id !== applicationId) {
            return {
                refusal: "wrong claims",
                detail: `application_id must be ${JSON.stringify(applicationId)}, got ${JSON.stringify(verified.claims.application_id)}`,
            };
        }
        return checkLifetime(verified.claims);
    }

    private answer(res: http.ServerResponse, record: RecordedRequest, status: number, body: string, retryAfter?: string) {
        record.outcome = status;
        const headers: http.OutgoingHttpHeaders = { "Content-Type": "application/json" };
        if (retryAfter !== undefined) {
            headers["Retry-After"] = retryAfter;
        }
        if (status === 204) {
            res.writeHead(status, headers).end();
        } else {
            res.writeHead(status, headers).end(body);
        }
    }

    /** Applies the request as the API would, returning the answer. */
    private process(req: http.IncomingMessage, record: RecordedRequest, rawBody: string): { status: number; body: string } {
        const error = (status: number, message: string) => {
            record.outcome = status;
            record.reason ??= message;
            return { status, body: JSON.stringify({ code: status, message }) };
        };
        const match = storagePath.exec(record.path);
        if (!match || !match[1]) {
            return error(404, "Not found");
        }
        let projectId: string;
        try {
            projectId = decodeURIComponent(match[1]);
        } catch {
            // As an HTTP server answers a path it cannot read, instead of dropping the connection.
            return error(400, "Malformed path: the project ID is not valid percent-encoding");
        }
        if (req.method === "GET") {
            return this.show(projectId, record);
        }
        const mode = req.headers.authorization !== undefined ? "vonage" : "opentok";
        const verified = mode === "vonage" ? this.verifyApplicationToken(req, projectId) : this.verifyProjectToken(req, projectId);
        if ("refusal" in verified || this.seenTokenIds.has(verified.claims.jti as string)) {
            const { refusal, detail } =
                "refusal" in verified
                    ? verified
                    : { refusal: "reused token" as const, detail: "this token's jti was used before; tokens are single-use" };
            record.outcome = 403;
            record.reason = `${refusal}: ${detail}`;
            return { status: 403, body: JSON.stringify({ code: 403, message: "Authentication failed", emulatorReason: record.reason }) };
        }
        const claims = verified.claims;
        this.seenTokenIds.add(claims.jti as string);
        record.claims = claims;
        record.auth = mode;
        const apiKey = projectId;

        if (req.method === "DELETE") {
            if (!this.targets.has(apiKey)) {
                return error(404, "No upload target configured");
            }
            this.targets.delete(apiKey);
            record.outcome = 204;
            record.applied = "target removed";
            return { status: 204, body: "" };
        }
        if (req.method !== "PUT") {
            return error(405, "Method not allowed: PUT and DELETE (and the emulator-only GET)");
        }
        if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
            return error(400, "Content-Type must be application/json");
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(rawBody);
        } catch {
            return error(400, "Invalid JSON");
        }
        const invalid = targetShapeError(parsed, mode);
        if (invalid) {
            return error(400, invalid);
        }
        const target = parsed as StoredTarget;
        this.targets.set(apiKey, target);
        record.outcome = 200;
        record.applied = `set ${describeTarget(target)}`;
        // The body of a success is undocumented; echo the target without its secret.
        const { secretKey: _secretKey, accountKey: _accountKey, ...config } = target.config;
        return { status: 200, body: JSON.stringify({ type: target.type, config, fallback: target.fallback }) };
    }

    /** The emulator-only GET: what the project's target is, secrets masked. No token needed. */
    private show(projectId: string, record: RecordedRequest): { status: number; body: string } {
        record.reason = "emulator-only GET";
        const unknown = this.unknownProject(projectId, this.applicationKeys.has(projectId) || uuid.test(projectId) ? "vonage" : "opentok");
        if (unknown !== undefined) {
            // Said as PUT and DELETE say it (their 403's emulatorReason), with GET's 404.
            record.outcome = 404;
            record.reason = `${unknown.refusal}: ${unknown.detail}`;
            return {
                status: 404,
                body: JSON.stringify({ code: 404, message: "Unknown project", emulatorReason: record.reason, emulatorOnly: emulatorOnlyNote }),
            };
        }
        const target = this.targets.get(projectId);
        if (target === undefined) {
            record.outcome = 404;
            return { status: 404, body: JSON.stringify({ code: 404, message: "No upload target configured", emulatorOnly: emulatorOnlyNote }) };
        }
        record.outcome = 200;
        const config = Object.fromEntries(
            Object.entries(target.config).map(([field, value]) => [field, maskedConfigFields.includes(field) ? "********" : value]),
        );
        return {
            status: 200,
            body: JSON.stringify({ emulatorOnly: emulatorOnlyNote, type: target.type, config, fallback: target.fallback }, null, 2),
        };
    }
}

const maskedConfigFields = ["secretKey", "accountKey"];

/** Checks the signature (and exp, nbf) and maps each failure to its refusal; no token text in any detail. */
function verifySignedToken(token: string, key: string, algorithm: jwt.Algorithm): Verified {
    try {
        const claims = jwt.verify(token, key, { algorithms: [algorithm] });
        if (typeof claims === "string") {
            return { refusal: "malformed token", detail: "the token's payload is not a JSON object" };
        }
        return { claims };
    } catch (e) {
        const nowIso = new Date().toISOString();
        if (e instanceof jwt.TokenExpiredError) {
            return { refusal: "expired", detail: `exp ${e.expiredAt.toISOString()} is before now (${nowIso})` };
        }
        if (e instanceof jwt.NotBeforeError) {
            return { refusal: "not yet valid", detail: `nbf ${e.date.toISOString()} is after now (${nowIso})` };
        }
        const message = (e as Error).message;
        if (/signature|algorithm/.test(message)) {
            return {
                refusal: "bad signature",
                detail: `${message}: not signed ${algorithm} with the ${algorithm === "HS256" ? "project's API secret" : "application's private key"}`,
            };
        }
        return { refusal: "malformed token", detail: `${message}: not a JWT` };
    }
}

/** iat, exp and jti present; iat not ahead of this clock; at most 5 minutes from iat to exp. */
function checkLifetime(claims: jwt.JwtPayload): Verified {
    if (typeof claims.iat !== "number" || typeof claims.exp !== "number" || typeof claims.jti !== "string") {
        return { refusal: "wrong claims", detail: "iat, exp and jti are all required" };
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (claims.iat > nowSeconds + clockLeewaySeconds) {
        return {
            refusal: "not yet valid",
            detail: `iat ${new Date(claims.iat * 1000).toISOString()} is after now (${new Date(nowSeconds * 1000).toISOString()}): is this machine's clock behind?`,
        };
    }
    if (claims.exp - claims.iat > maxTokenLifetimeSeconds) {
        return {
            refusal: "lifetime over 5 minutes",
            detail: `exp is ${claims.exp - claims.iat} s after iat; at most ${maxTokenLifetimeSeconds} s allowed`,
        };
    }
    return { claims };
}

/** "METHOD /path status reason": the path without its query, nothing from headers or body. */
function logLine(record: RecordedRequest): string {
    const [pathOnly, query] = record.path.split("?", 2);
    const outcome = record.outcome === "dropped" ? "dropped" : String(record.outcome);
    return [record.method, `${pathOnly}${query === undefined ? "" : "?…"}`, outcome, record.reason, record.applied].filter(Boolean).join(" ");
}

/** The target's non-secret fields, for the log. */
function describeTarget(target: StoredTarget): string {
    const shown = ["bucket", "endpoint", "sse", "accountName", "container", "domain"].filter((field) => target.config[field] !== undefined);
    return `${target.type} ${shown.map((field) => `${field} ${String(target.config[field])}`).join(", ")}, fallback ${target.fallback}`;
}

/** The body as the API documents it; each API with its own spelling of the keep-in-cloud fallback. */
function targetShapeError(body: unknown, mode: "opentok" | "vonage"): string | undefined {
    if (!isObject(body)) {
        return "The upload target must be a JSON object";
    }
    const unexpected = Object.keys(body).filter((k) => !["type", "config", "fallback"].includes(k));
    if (unexpected.length > 0) {
        return `Unexpected fields: ${unexpected.join(", ")}`;
    }
    if (body.type !== "s3" && body.type !== "azure") {
        return "type must be s3 or azure";
    }
    const keep = mode === "vonage" ? "vonage" : "opentok";
    if (body.fallback !== "none" && body.fallback !== keep) {
        return `fallback must be none or ${keep}`;
    }
    const config = body.config;
    if (!isObject(config)) {
        return "No upload target specified";
    }
    const allowed =
        body.type === "s3" ? ["bucket", "accessKey", "secretKey", "sse", "endpoint"] : ["accountName", "accountKey", "container", "domain"];
    const required = body.type === "s3" ? ["bucket", "accessKey", "secretKey"] : ["accountName", "accountKey", "container"];
    const extra = Object.keys(config).filter((k) => !allowed.includes(k));
    if (extra.length > 0) {
        return `Unexpected config fields: ${extra.join(", ")}`;
    }
    for (const field of required) {
        if (typeof config[field] !== "string" || config[field] === "") {
            return `config.${field} is required`;
        }
    }
    if (config.sse !== undefined && !["s3", "none"].includes(config.sse as string)) {
        return "config.sse must be s3 or none";
    }
    if (config.endpoint !== undefined && !/^https?:\/\/[^/]+$/.test(String(config.endpoint))) {
        return "config.endpoint must be a base URL";
    }
    return undefined;
}

/** mulberry32: a small, well-distributed seeded generator for repeatable fault sequences. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}
