// The local S3 of `npm run local`: s3rver (a real S3 implementation: buckets, objects, multipart
// uploads) behind a thin loopback front that answers the SSE-S3 header as S3 does. s3rver neither
// encrypts nor echoes x-amz-server-side-encryption, so against it alone a preflight with sse "s3"
// fails (S3 did not confirm the encryption). The front echoes AES256 for what was uploaded asking
// for it; nothing is encrypted on disk: it proves the requests, not the encryption.

import * as http from "http";
import type { AddressInfo } from "net";

export interface LocalS3Options {
    /** Port of the front, the S3 endpoint users configure (0: any free one). */
    port: number;
    /** The bucket created at start. */
    bucket: string;
    /** Where s3rver keeps the objects. */
    directory: string;
    /** Receives one line per request: method, path, status, the S3 operation, and what the front did. */
    log?: (line: string) => void;
}

interface S3rverInstance {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
}

// s3rver ships no types: this is the part of its API used here.
const S3rver: new (options: Record<string, unknown>) => S3rverInstance = require("s3rver");

const sseHeader = "x-amz-server-side-encryption";

export class LocalS3 {
    private backend: S3rverInstance | undefined;
    private backendPort = 0;
    private front: http.Server | undefined;
    /** Multipart uploads created asking for SSE-S3, by upload ID. */
    private readonly encryptedUploads = new Set<string>();
    /** Objects (bucket/key paths) last written asking for SSE-S3. */
    private readonly encryptedObjects = new Set<string>();
    private readonly log: (line: string) => void;
    url = "";

    constructor(private readonly options: LocalS3Options) {
        this.log = options.log ?? (() => undefined);
    }

    /** Starts s3rver on a free port, then the front on `port`; rejects (EADDRINUSE) when `port` is taken. */
    async start(): Promise<string> {
        const front = http.createServer((req, res) => {
            this.handle(req, res).catch((e: unknown) => {
                this.log(`${req.method} ${pathOf(req.url)} failed in the front: ${(e as Error).message}`);
                res.destroy();
            });
        });
        await new Promise<void>((resolve, reject) => {
            front.once("error", reject);
            front.listen(this.options.port, "127.0.0.1", () => {
                front.off("error", reject);
                resolve();
            });
        });
        this.front = front;
        const backend = new S3rver({
            address: "127.0.0.1",
            port: 0,
            silent: true,
            directory: this.options.directory,
            configureBuckets: [{ name: this.options.bucket }],
        });
        this.backendPort = (await backend.run()).port;
        this.backend = backend;
        this.url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
        return this.url;
    }

    async stop(): Promise<void> {
        const front = this.front;
        this.front = undefined;
        if (front) {
            front.closeAllConnections();
            await new Promise<void>((resolve) => front.close(() => resolve()));
        }
        const backend = this.backend;
        this.backend = undefined;
        await backend?.close();
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const body = await readBody(req);
        const url = new URL(req.url ?? "/", "http://local");
        const operation = operationOf(req.method ?? "", url);
        const objectPath = url.pathname;
        const uploadId = url.searchParams.get("uploadId");
        const asked = req.headers[sseHeader];
        const line = (status: number, note?: string) => this.log(`${req.method} ${pathOf(req.url)} ${status} ${operation}${note ? `, ${note}` : ""}`);

        if (asked !== undefined) {
            // As S3: the header belongs on PutObject and CreateMultipartUpload, not on a part.
            if (operation === "UploadPart") {
                line(400, "refused: x-amz-server-side-encryption is not allowed on UploadPart (S3 refuses it too)");
                return s3Error(res, 400, "InvalidArgument", "The x-amz-server-side-encryption header is not supported for this operation.");
            }
            if (asked !== "AES256") {
                line(400, "refused: only SSE-S3 (AES256) is supported here");
                return s3Error(res, 400, "InvalidArgument", "The local S3 supports SSE-S3 (AES256) only.");
            }
        }

        const answer = await this.forward(req, body);
        const ok = answer.status >= 200 && answer.status < 300;
        let encrypted = false;
        if (ok) {
            switch (operation) {
                case "CreateMultipartUpload": {
                    const created = /<UploadId>([^<]+)<\/UploadId>/.exec(answer.body.toString("utf8"))?.[1];
                    encrypted = asked !== undefined;
                    if (encrypted && created) {
                        this.encryptedUploads.add(created);
                    }
                    break;
                }
                case "UploadPart":
                    encrypted = uploadId !== null && this.encryptedUploads.has(uploadId);
                    break;
                case "CompleteMultipartUpload":
                case "AbortMultipartUpload":
                    encrypted = uploadId !== null && this.encryptedUploads.has(uploadId);
                    this.remember(objectPath, operation === "CompleteMultipartUpload" && encrypted);
                    if (uploadId !== null) {
                        this.encryptedUploads.delete(uploadId);
                    }
                    break;
                case "PutObject":
                    encrypted = asked !== undefined;
                    this.remember(objectPath, encrypted);
                    break;
                case "DeleteObject":
                    this.remember(objectPath, false);
                    break;
                case "GetObject":
                case "HeadObject":
                    encrypted = this.encryptedObjects.has(objectPath);
                    break;
            }
        }
        const headers = { ...answer.headers };
        delete headers["transfer-encoding"];
        if (req.method !== "HEAD") {
            headers["content-length"] = String(answer.body.length);
        }
        if (encrypted) {
            headers[sseHeader] = "AES256";
        }
        res.writeHead(answer.status, headers).end(answer.body);
        line(answer.status, encrypted ? "SSE-S3 (AES256) confirmed" : undefined);
    }

    private remember(objectPath: string, encrypted: boolean) {
        if (encrypted) {
            this.encryptedObjects.add(objectPath);
        } else {
            this.encryptedObjects.delete(objectPath);
        }
    }

    private forward(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
        return new Promise((resolve, reject) => {
            const upstream = http.request(
                { host: "127.0.0.1", port: this.backendPort, method: req.method, path: req.url, headers: req.headers },
                (response) => {
                    readBody(response).then(
                        (answer) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: answer }),
                        reject,
                    );
                },
            );
            upstream.on("error", reject);
            upstream.end(body);
        });
    }
}

/** The S3 API operation a path-style request is, for the log. */
function operationOf(method: string, url: URL): string {
    const hasKey = url.pathname.split("/").filter(Boolean).length > 1;
    const query = url.searchParams;
    if (method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
    if (method === "PUT" && query.has("uploadId")) return "UploadPart";
    if (method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
    if (method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
    if (url.pathname === "/") return method === "GET" ? "ListBuckets" : method;
    if (!hasKey) return method === "GET" ? "ListObjects" : `${method} bucket`;
    switch (method) {
        case "PUT":
            return "PutObject";
        case "GET":
            return "GetObject";
        case "HEAD":
            return "HeadObject";
        case "DELETE":
            return "DeleteObject";
        default:
            return method;
    }
}

/** The path without its query (which can carry a presigned URL's signature). */
function pathOf(url: string | undefined): string {
    return (url ?? "/").split("?")[0]!;
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string) {
    res.writeHead(status, { "Content-Type": "application/xml", "x-amz-request-id": "local-s3" }).end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>local-s3</RequestId></Error>`,
    );
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}
