// A loopback API scripted by the test: it answers every request with `answer` and records what it
// received and when, for tests of the client against answers the emulator does not give.

import * as http from "http";
import type { AddressInfo } from "net";

export interface Received {
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    at: number;
}

/** A loopback API that answers every request with `answer`, recording what it received and when. */
export class ScriptedApi {
    readonly received: Received[] = [];
    url = "";
    private server: http.Server | undefined;

    constructor(private readonly answer: (req: Received, res: http.ServerResponse, index: number) => void) {}

    async start(): Promise<this> {
        this.server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (chunk: Buffer) => (body += chunk.toString()));
            req.on("end", () => {
                const received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: Date.now() };
                this.received.push(received);
                this.answer(received, res, this.received.length - 1);
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this;
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }
}
