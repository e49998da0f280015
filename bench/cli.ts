// `pulumi preview` and `pulumi up` of examples/local under the real Pulumi CLI (the pinned
// toolchain), each beside the same CLI running bench/floor-cli: one trivial dynamic resource that
// makes one loopback PUT. Round-robin, so a machine that slows down moves both alike.

import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { localServers } from "../examples/local/local-servers";
import { LocalS3 } from "../test/emulator/local-s3";
import { OpenTokEmulator } from "../test/emulator/opentok-emulator";
import { PulumiSandbox, projectRoot } from "../test/support/pulumi-cli";

export interface CliRow {
    measure: string;
    value: number;
    floor: { name: string; value: number };
}

/** A loopback server that answers every request 200 and counts them: what the floor's PUT reaches. */
async function countingServer() {
    let count = 0;
    const server = http.createServer((req, res) => {
        req.resume();
        req.on("end", () => {
            count++;
            res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/floor`,
        count: () => count,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function benchCli(runs: number): Promise<CliRow[]> {
    const sandbox = new PulumiSandbox({ passphrase: "bench-cli" });
    const emulator = new OpenTokEmulator();
    emulator.addProject(localServers.apiKey, localServers.apiSecret);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cli-s3-"));
    const s3 = new LocalS3({ port: 0, bucket: localServers.bucket, directory });
    const floorServer = await countingServer();
    await Promise.all([emulator.start(), s3.start()]);

    // Copies, so that the stack files the CLI writes stay out of the checkout; the packages are
    // the checkout's own.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-cli-"));
    fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(work, "node_modules"));
    fs.copyFileSync(path.join(projectRoot, "tsconfig.json"), path.join(work, "tsconfig.json"));
    const example = path.join(work, "examples", "local");
    const floor = path.join(work, "bench", "floor-cli");
    fs.cpSync(path.join(projectRoot, "examples", "local"), example, { recursive: true });
    fs.cpSync(path.join(projectRoot, "bench", "floor-cli"), floor, { recursive: true });
    const pulumi = async (cwd: string, ...args: string[]) => {
        const started = process.hrtime.bigint();
        await sandbox.ok(args, { cwd });
        return Number(process.hrtime.bigint() - started) / 1e6;
    };
    try {
        await pulumi(example, "stack", "init", "bench");
        await pulumi(example, "config", "set", "opentok:apiUrl", emulator.url);
        await pulumi(example, "config", "set", "s3Endpoint", s3.url);
        await pulumi(example, "config", "set", "--secret", "opentok:apiSecret", localServers.apiSecret);
        await pulumi(example, "config", "set", "--secret", "s3SecretKey", localServers.s3SecretKey);
        await pulumi(floor, "stack", "init", "bench");
        await pulumi(floor, "config", "set", "url", floorServer.url);

        const samples = { examplePreview: [] as number[], floorPreview: [] as number[], exampleUp: [] as number[], floorUp: [] as number[] };
        // Each up changes sse, so that every one is an update: the example's preflight and one PUT,
        // the floor's one PUT.
        for (let i = 0; i <= runs; i++) {
            const sse = i % 2 === 0 ? "s3" : "none";
            await pulumi(example, "config", "set", "sse", sse);
            await pulumi(floor, "config", "set", "sse", sse);
            const times = {
                examplePreview: await pulumi(example, "preview"),
                floorPreview: await pulumi(floor, "preview"),
                exampleUp: await pulumi(example, "up", "--yes", "--skip-preview"),
                floorUp: await pulumi(floor, "up", "--yes", "--skip-preview"),
            };
            // The first round creates (and warms caches); only updates are measured.
            if (i > 0) {
                for (const [name, value] of Object.entries(times) as [keyof typeof samples, number][]) {
                    samples[name].push(value);
                }
            }
        }
        const puts = emulator.requests.filter((r) => r.method === "PUT").length;
        if (puts !== runs + 1 || floorServer.count() !== runs + 1) {
            throw new Error(`under the CLI: ${puts} PUTs to the emulator and ${floorServer.count()} to the floor, expected ${runs + 1} each`);
        }
        await pulumi(example, "destroy", "--yes", "--skip-preview");
        const previewFloor = { name: "floor program (1 trivial dynamic resource), pulumi preview", value: median(samples.floorPreview) };
        const upFloor = { name: "floor program, pulumi up (an update: 1 loopback PUT)", value: median(samples.floorUp) };
        return [
            { measure: "pulumi preview, examples/local", value: median(samples.examplePreview), floor: previewFloor },
            { measure: "pulumi up, examples/local (an update: preflight and 1 PUT)", value: median(samples.exampleUp), floor: upFloor },
        ];
    } finally {
        await Promise.allSettled([emulator.stop(), s3.stop(), floorServer.stop()]);
        for (const dir of [directory, work]) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        sandbox.dispose();
    }
}
