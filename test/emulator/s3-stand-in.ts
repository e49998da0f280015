// A tiny loopback S3 stand-in for what s3rver cannot show: echoing (or not) the SSE header,
// errors that AWS gives while a new key or policy propagates, on a scripted sequence, and a
// bucket policy judged per request (`authorize`), as AWS would, for single and multipart uploads.

import * as http from "http";
import type { AddressInfo } from "net";

export interface S3Answer {
    status: number;
    /** An S3 error code, answered as S3's XML error body. */
    code?: string;
    /** The x-amz-server-side-encryption header of a success. */
    sse?: string;
}

/** The S3 operation a request is, as the SDK sends it (path-style). */
export type S3Operation = "PutObject" | "CreateMultipartUpload" | "UploadPart" | "CompleteMultipartUpload" | "AbortMultipartUpload" | "Other";

export interface S3Request {
    method: string;
    path: string;
    operation: S3Operation;
    headers: http.IncomingHttpHeaders;
}

/** Decides a request before any script: an answer refuses it, undefined lets it through. */
export type Authorizer = (request: S3Request) => Promise<S3Answer | undefined> | S3Answer | undefined;

const uploadId = "stand-in-upload-1";

export class S3StandIn {
    readonly requests: S3Request[] = [];
    private answers: S3Answer[] = [];
    private fallbackAnswer: S3Answer = { status: 200, sse: "AES256" };
    private authorizer: Authorizer | undefined;
    private server: http.Server | undefined;
    url = "";

    /** Answers the next requests in order; then `otherwise` for every further one. */
    script(answers: S3Answer[], otherwise: S3Answer = { status: 200, sse: "AES256" }): this {
        this.answers = [...answers];
        this.fallbackAnswer = otherwise;
        this.authorizer = undefined;
        this.requests.length = 0;
        return this;
    }

    /** Judges every further request first, e.g. by evaluating a bucket policy. */
    authorize(authorizer: Authorizer): this {
        this.authorizer = authorizer;
        return this;
    }

    /** The operations received, in order. */
    operations(): S3Operation[] {
        return this.requests.map((r) => r.operation);
    }

    async start(): Promise<string> {
        const server = http.createServer((req, res) => {
            req.resume();
            req.on("end", async () => {
                const request = { method: req.method ?? "", path: req.url ?? "", operation: operationOf(req), headers: req.headers };
                this.requests.push(request);
                const answer = (await this.authorizer?.(request)) ?? this.answers.shift() ?? this.fallbackAnswer;
                const headers: http.OutgoingHttpHeaders = { "x-amz-request-id": "stand-in" };
                if (answer.code) {
                    headers["Content-Type"] = "application/xml";
                    res.writeHead(answer.status, headers).end(
                        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${answer.code}</Code><Message>${answer.code} from the stand-in</Message><RequestId>stand-in</RequestId></Error>`,
                    );
                    return;
                }
                if (answer.sse) {
                    headers["x-amz-server-side-encryption"] = answer.sse;
                }
                headers.ETag = '"d41d8cd98f00b204e9800998ecf8427e"';
                const [bucket, ...key] = request.path.split("?")[0]!.slice(1).split("/");
                const names = `<Bucket>${bucket}</Bucket><Key>${key.join("/")}</Key>`;
                if (request.operation === "CreateMultipartUpload") {
                    headers["Content-Type"] = "application/xml";
                    res.writeHead(answer.status, headers).end(
                        `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult>${names}<UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
                    );
                    return;
                }
                if (request.operation === "CompleteMultipartUpload") {
                    headers["Content-Type"] = "application/xml";
                    res.writeHead(answer.status, headers).end(
                        `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Location>stand-in</Location>${names}<ETag>"d41d8cd98f00b204e9800998ecf8427e-1"</ETag></CompleteMultipartUploadResult>`,
                    );
                    return;
                }
                res.writeHead(answer.status, headers).end();
            });
        });
        this.server = server;
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        return this.url;
    }

    async stop(): Promise<void> {
        const server = this.server;
        if (server) {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    }
}

function operationOf(req: http.IncomingMessage): S3Operation {
    const query = new URL(req.url ?? "/", "http://stand-in").searchParams;
    switch (req.method) {
        case "PUT":
            return query.has("uploadId") ? "UploadPart" : "PutObject";
        case "POST":
            return query.has("uploads") ? "CreateMultipartUpload" : query.has("uploadId") ? "CompleteMultipartUpload" : "Other";
        case "DELETE":
            return query.has("uploadId") ? "AbortMultipartUpload" : "Other";
        default:
            return "Other";
    }
}
