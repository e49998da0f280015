// A tiny loopback S3 stand-in for what s3rver cannot show: echoing (or not) the SSE header,
// and errors that AWS gives while a new key or policy propagates, on a scripted sequence.

import * as http from "http";
import type { AddressInfo } from "net";

export interface S3Answer {
    status: number;
    /** An S3 error code, answered as S3's XML error body. */
    code?: string;
    /** The x-amz-server-side-encryption header of a success. */
    sse?: string;
}

export interface S3Request {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
}

export class S3StandIn {
    readonly requests: S3Request[] = [];
    private answers: S3Answer[] = [];
    private fallbackAnswer: S3Answer = { status: 200, sse: "AES256" };
    private server: http.Server | undefined;
    url = "";

    /** Answers the next requests in order; then `otherwise` for every further one. */
    script(answers: S3Answer[], otherwise: S3Answer = { status: 200, sse: "AES256" }): this {
        this.answers = [...answers];
        this.fallbackAnswer = otherwise;
        this.requests.length = 0;
        return this;
    }

    async start(): Promise<string> {
        const server = http.createServer((req, res) => {
            req.resume();
            req.on("end", () => {
                this.requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
                const answer = this.answers.shift() ?? this.fallbackAnswer;
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
