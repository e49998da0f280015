// A loopback stand-in for the OpenTok REST API's archive upload target, strict where the real
// API is (JWT signature and claims, path, JSON shape), recording every request it receives so
// tests assert on the wire. Faults can be injected to exercise the client's retries.

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
}

export interface StoredTarget {
    type: string;
    config: Record<string, unknown>;
    fallback: string;
}

export type Fault =
    { kind: "status"; status: number; retryAfter?: string; body?: string } | { kind: "drop" } | { kind: "delay"; ms: number } | { kind: "malformed" };

/** Fault kinds drawn at random by `setFaultRates`. */
export type RandomFaultKind = "429" | "429-retry-after" | "500" | "502" | "503" | "slow" | "drop" | "malformed";

const storagePath = /^\/v2\/project\/([^/]+)\/archive\/storage$/;
const maxTokenLifetimeSeconds = 300;

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

    async start(port = 0, host = "127.0.0.1"): Promise<string> {
        const server = http.createServer((req, res) => {
            const handling = this.handle(req, res).catch(() => {
                res.destroy();
            });
            this.inFlight.add(handling);
            void handling.finally(() => this.inFlight.delete(handling));
        });
        this.server = server;
        await new Promise<void>((resolve) => server.listen(port, host, resolve));
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

        const limited = this.takeRateLimitToken();
        if (limited !== undefined) {
            this.count("rate-limit-429");
            record.fault = "status";
            return this.answer(res, record, 429, JSON.stringify({ message: "Too many requests" }), String(limited));
        }
        const fault = this.faults.shift() ?? this.randomFault();
        if (fault) {
            record.fault = fault.kind;
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
                    await new Promise((resolve) => setTimeout(resolve, fault.ms));
                    if (req.socket.destroyed) {
                        // The client gave up; like a real server, the request is still applied.
                        record.clientGaveUp = true;
                        this.process(req, record, rawBody);
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

    /** X-OPENTOK-AUTH: HS256 with the project's secret, iss = the API key, ist = project, at most 5 minutes. */
    private verifyProjectToken(req: http.IncomingMessage, apiKey: string): jwt.JwtPayload | undefined {
        const token = req.headers["x-opentok-auth"];
        const secret = this.projectSecrets.get(apiKey);
        if (typeof token !== "string" || secret === undefined) {
            return undefined;
        }
        try {
            const claims = jwt.verify(token, secret, { algorithms: ["HS256"] }) as jwt.JwtPayload;
            const nowSeconds = Math.floor(Date.now() / 1000);
            const valid =
                claims.iss === apiKey &&
                claims.ist === "project" &&
                typeof claims.iat === "number" &&
                typeof claims.exp === "number" &&
                claims.exp - claims.iat <= maxTokenLifetimeSeconds &&
                claims.iat <= nowSeconds + 5;
            return valid ? claims : undefined;
        } catch {
            return undefined;
        }
    }

    /** Authorization: Bearer: RS256 with the application's key, application_id = the path's ID. */
    private verifyApplicationToken(req: http.IncomingMessage, applicationId: string): jwt.JwtPayload | undefined {
        const header = req.headers.authorization ?? "";
        const publicKey = this.applicationKeys.get(applicationId);
        if (!header.startsWith("Bearer ") || publicKey === undefined) {
            return undefined;
        }
        try {
            const claims = jwt.verify(header.slice("Bearer ".length), publicKey, { algorithms: ["RS256"] }) as jwt.JwtPayload;
            const valid = claims.application_id === applicationId && typeof claims.iat === "number" && typeof claims.exp === "number";
            return valid ? claims : undefined;
        } catch {
            return undefined;
        }
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
            return { status, body: JSON.stringify({ code: status, message }) };
        };
        const match = storagePath.exec(record.path);
        if (!match || !match[1]) {
            return error(404, "Not found");
        }
        const projectId = decodeURIComponent(match[1]);
        const mode = req.headers.authorization !== undefined ? "vonage" : "opentok";
        const claims = mode === "vonage" ? this.verifyApplicationToken(req, projectId) : this.verifyProjectToken(req, projectId);
        if (claims === undefined || typeof claims.jti !== "string" || this.seenTokenIds.has(claims.jti)) {
            return error(403, "Authentication failed");
        }
        this.seenTokenIds.add(claims.jti);
        record.claims = claims;
        record.auth = mode;
        const apiKey = projectId;

        if (req.method === "DELETE") {
            if (!this.targets.has(apiKey)) {
                return error(404, "No upload target configured");
            }
            this.targets.delete(apiKey);
            record.outcome = 204;
            return { status: 204, body: "" };
        }
        if (req.method !== "PUT") {
            return error(405, "Method not allowed");
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
        // The body of a success is undocumented; echo the target without its secret.
        const { secretKey: _secretKey, accountKey: _accountKey, ...config } = target.config;
        return { status: 200, body: JSON.stringify({ type: target.type, config, fallback: target.fallback }) };
    }
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
