// `npm run bench`: what preview and up cost, each a median over repeated runs, with its ratio to
// a floor measured in the same run. Prints a table and writes bench-results/latest.{md,json}.
// Never part of the tests: a time is a figure here, not a pass or fail; only a request count
// that deviates from its scenario's fixed number fails the run (that is a bug, not a figure).

import * as pulumi from "@pulumi/pulumi";
import axios from "axios";
import * as fs from "fs";
import * as jwt from "jsonwebtoken";
import * as os from "os";
import * as path from "path";
import { lazyArchiveUploadTargetProvider as provider, archiveUploadTargetProviderText } from "../providers/provider-loader";
import { archiveUploadTargetProvider as implementation } from "../providers/archive-upload-target-provider";
import { OpenTokEmulator } from "../test/emulator/opentok-emulator";
import { destroy, preview, Program, up } from "../test/harness/engine-driver";
import { ProviderHost } from "../test/harness/provider-host";
import { projectRoot, runProgram, RunOptions } from "../test/harness/stand-in-engine";
import { applyFleet } from "../test/support/fleet";
import { benchCli } from "./cli";
import { apiSecret, fastRetryEnvironment, validInputs } from "../test/support/fixtures";

const runs = Number(process.env.BENCH_RUNS ?? 7);
const operationRuns = Number(process.env.BENCH_OPERATION_RUNS ?? 30);
const fleetRate = Number(process.env.BENCH_FLEET_RATE ?? 20);
const fleetTargets = Number(process.env.BENCH_FLEET_TARGETS ?? 200);
const cliRuns = Number(process.env.BENCH_CLI_RUNS ?? 5);

interface Row {
    group: string;
    measure: string;
    value: number;
    unit: string;
    floor?: { name: string; value: number };
    target?: string;
}

const rows: Row[] = [];
const loadAtStart = os.loadavg();
const sdkVersion = (JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timed(times: number, run: () => Promise<number | void>): Promise<number> {
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
        const started = process.hrtime.bigint();
        const reported = await run();
        samples.push(typeof reported === "number" ? reported : Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(samples);
}

const programConfig = {
    "aws:region": "us-east-1",
    "opentok:apiKey": "47000009",
    "opentok:apiSecret": "bench-api-secret",
    "opentok-archive-storage:fallback": "none",
};

async function programRun(options: Partial<RunOptions>): Promise<number> {
    const result = await runProgram({ stack: "dev", config: programConfig, secretKeys: ["opentok:apiSecret"], ...options });
    if (result.exitCode !== 0) {
        throw new Error(`program run failed (${result.exitCode}): ${result.stderr}${result.logs.map((l) => l.message).join("\n")}`);
    }
    return result.durationMs;
}

async function benchProgramStart() {
    const variants = {
        floor: { programDir: path.join(projectRoot, "bench", "floor"), project: "floor" },
        dynamicFloor: { programDir: path.join(projectRoot, "bench", "floor-dynamic"), project: "floor" },
        typeChecked: { tsconfig: "tsconfig.json" },
        transpileOnly: { tsconfig: "tsconfig.json", transpileOnly: true },
        asConfigured: { tsconfig: "tsconfig.pulumi.json" },
    } satisfies Record<string, Partial<RunOptions>>;
    // Round-robin, so that a machine getting slower or faster during the run moves every variant
    // alike and the ratios stay true.
    const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, [] as number[]])) as Record<keyof typeof variants, number[]>;
    for (let i = 0; i < runs; i++) {
        for (const [name, options] of Object.entries(variants) as [keyof typeof variants, Partial<RunOptions>][]) {
            samples[name].push(await programRun(options));
        }
    }
    const floor = median(samples.floor);
    const dynamicFloor = median(samples.dynamicFloor);
    const typeChecked = median(samples.typeChecked);
    const transpileOnly = median(samples.transpileOnly);
    const asConfigured = median(samples.asConfigured);
    const bare = { name: "bare program (@pulumi/pulumi + @pulumi/aws, 1 resource)", value: floor };
    const withDynamic = { name: "bare program + 1 trivial dynamic resource", value: dynamicFloor };
    rows.push({ group: "program start", measure: "floor: bare program", value: floor, unit: "ms" });
    rows.push({ group: "program start", measure: "floor: bare program + 1 dynamic resource", value: dynamicFloor, unit: "ms", floor: bare });
    rows.push({ group: "program start", measure: "this program, type-checking (tsconfig.json)", value: typeChecked, unit: "ms", floor: bare });
    rows.push({
        group: "program start",
        measure: "this program, transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true, tsconfig.json)",
        value: transpileOnly,
        unit: "ms",
        floor: bare,
    });
    rows.push({
        group: "program start",
        measure: "this program, as Pulumi.yaml runs it (tsconfig.pulumi.json: noCheck, SWC)",
        value: asConfigured,
        unit: "ms",
        floor: bare,
        target: "≤ 1.2 × floor",
    });
    rows.push({
        group: "program start",
        measure: "this program, as Pulumi.yaml runs it, vs the dynamic floor",
        value: asConfigured,
        unit: "ms",
        floor: withDynamic,
        target: "≤ 1.1 × floor",
    });
}

/** The texts of earlier releases, measured beside today's in the same run. */
const checkoutLoaderText = fs.readFileSync(path.join(projectRoot, "test", "fixtures", "loader-provider-d625603.txt"), "utf8");

/** One PUT with a fresh token, nothing else: the floor of any client. */
function rawPutOf(url: string, apiKey: string, secret: string, inputs: { bucket: string; accessKey: string; secretKey: string }) {
    const body = JSON.stringify({
        type: "s3",
        config: { bucket: inputs.bucket, accessKey: inputs.accessKey, secretKey: inputs.secretKey, sse: "s3" },
        fallback: "none",
    });
    return async () => {
        const iat = Math.floor(Date.now() / 1000);
        const token = jwt.sign({ iss: apiKey, ist: "project", iat, exp: iat + 180, jti: `${Math.random()}` }, secret, { algorithm: "HS256" });
        await axios.put(`${url}/v2/project/${apiKey}/archive/storage`, body, {
            headers: { "X-OPENTOK-AUTH": token, "Content-Type": "application/json" },
        });
    };
}

/** An update through a new provider host of `text`, the resource created first; each call flips `sse`. */
async function hostUpdater(emulator: OpenTokEmulator, text: string) {
    const host = await ProviderHost.start(fastRetryEnvironment);
    const inputs = validInputs(emulator);
    const urn = "urn:pulumi:bench::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::bench";
    const created = await host.create(urn, (await host.check(urn, {}, { ...inputs, __provider: text })).inputs);
    let state = created.outputs;
    const update = async () => {
        const news = { ...state, sse: state.sse === "s3" ? "none" : "s3" };
        state = await host.update(inputs.apiKey, urn, state, news, state);
    };
    return { update, created, stop: () => host.stop() };
}

async function benchOperations(emulator: OpenTokEmulator, providerText: string) {
    const raw = validInputs(emulator);
    const rawPut = rawPutOf(emulator.url, raw.apiKey, apiSecret, raw);

    // The host's own floor: a trivial dynamic provider (closure-serialized, as pulumi.dynamic.Resource
    // stores one) whose update is that raw PUT, so the gRPC round trip and the host are counted.
    const trivialUpdate = rawPutOf(emulator.url, raw.apiKey, apiSecret, raw);
    const trivialProvider: pulumi.dynamic.ResourceProvider = {
        check: async (_olds, news) => ({ inputs: news }),
        create: async () => ({ id: "trivial" }),
        update: async (_id, _olds, news) => {
            await trivialUpdate();
            return { outs: news };
        },
    };
    const trivialText = (await pulumi.runtime.serializeFunction(() => trivialProvider)).text;

    const direct = validInputs(emulator);
    await provider.create(direct);
    let sse: "s3" | "none" = "s3";
    const directUpdate = async () => {
        const next: "s3" | "none" = sse === "s3" ? "none" : "s3";
        await provider.update!(direct.apiKey, { ...direct, sse }, { ...direct, sse: next });
        sse = next;
    };

    const trivialHost = await hostUpdater(emulator, trivialText);
    const packageHost = await hostUpdater(emulator, providerText);
    const loaderHost = await hostUpdater(emulator, checkoutLoaderText);
    const operations = {
        rawPut,
        directUpdate,
        trivialHostUpdate: trivialHost.update,
        hostUpdate: packageHost.update,
        loaderHostUpdate: loaderHost.update,
    };
    // Round-robin, one of each in turn, so that the machine's load moves every measure alike.
    const samples = Object.fromEntries(Object.keys(operations).map((name) => [name, [] as number[]])) as Record<keyof typeof operations, number[]>;
    for (let i = 0; i < operationRuns; i++) {
        for (const [name, operation] of Object.entries(operations) as [keyof typeof operations, () => Promise<void>][]) {
            samples[name].push(await timed(1, operation));
        }
    }
    await Promise.all([trivialHost.stop(), packageHost.stop(), loaderHost.stop()]);
    const [rawPutTime, directUpdateTime, trivialHostUpdate, hostUpdate, loaderHostUpdate] = [
        median(samples.rawPut),
        median(samples.directUpdate),
        median(samples.trivialHostUpdate),
        median(samples.hostUpdate),
        median(samples.loaderHostUpdate),
    ];
    const floor = { name: "raw HTTP PUT to the emulator", value: rawPutTime };
    const hostFloor = { name: "trivial dynamic provider's update (a raw PUT) through the host", value: trivialHostUpdate };
    const created = packageHost.created;

    rows.push({ group: "provider operation", measure: "raw HTTP PUT (token + request)", value: rawPutTime, unit: "ms" });
    rows.push({ group: "provider operation", measure: "update, provider called directly", value: directUpdateTime, unit: "ms", floor });
    rows.push({
        group: "provider operation",
        measure: "floor: trivial dynamic provider, update (a raw PUT) through the host",
        value: trivialHostUpdate,
        unit: "ms",
        floor,
    });
    rows.push({
        group: "provider operation",
        measure: "update through the host, this package",
        value: hostUpdate,
        unit: "ms",
        floor: hostFloor,
        target: "≤ 1.2 × floor",
    });
    rows.push({
        group: "provider operation",
        measure: "before: update through the host, checkout loader of an earlier release",
        value: loaderHostUpdate,
        unit: "ms",
        floor: hostFloor,
    });
    return { created };
}

/**
 * What loading the provider adds to a deployment: a new provider host answering its first Check,
 * against a trivial dynamic provider in the same host; the checkout loader of an earlier release (bundle
 * cached) for comparison.
 */
async function benchFirstCheck(emulator: OpenTokEmulator, providerText: string) {
    const trivialProvider: pulumi.dynamic.ResourceProvider = {
        check: async (_olds, news) => ({ inputs: news }),
        create: async () => ({ id: "trivial" }),
    };
    const trivialText = (await pulumi.runtime.serializeFunction(() => trivialProvider)).text;
    const inputs = validInputs(emulator);
    const urn = "urn:pulumi:bench::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::first";
    const firstCheck = (text: string) => async () => {
        const host = await ProviderHost.start(fastRetryEnvironment);
        try {
            const checked = await host.check(urn, {}, { ...inputs, __provider: text });
            if (checked.failures.length > 0) {
                throw new Error(`first check failed: ${JSON.stringify(checked.failures)}`);
            }
        } finally {
            await host.stop();
        }
    };
    // Round-robin, as for program start.
    const samples = { floor: [] as number[], package: [] as number[], loader: [] as number[] };
    for (let i = 0; i < runs; i++) {
        samples.floor.push(await timed(1, firstCheck(trivialText)));
        samples.package.push(await timed(1, firstCheck(providerText)));
        samples.loader.push(await timed(1, firstCheck(checkoutLoaderText)));
    }
    const [floorValue, ofPackage, ofLoader] = [median(samples.floor), median(samples.package), median(samples.loader)];
    const floor = { name: "new host, first Check of a trivial dynamic provider", value: floorValue };
    rows.push({ group: "provider host start", measure: "floor: new host, first Check, trivial provider", value: floorValue, unit: "ms" });
    rows.push({
        group: "provider host start",
        measure: "new host, first Check, this package",
        value: ofPackage,
        unit: "ms",
        floor,
        target: "≤ 1.2 × floor",
    });
    rows.push({
        group: "provider host start",
        measure: "before: new host, first Check, checkout loader of an earlier release, bundle cached",
        value: ofLoader,
        unit: "ms",
        floor,
    });
}

async function benchSizes(created: { outputs: Record<string, unknown> }, providerText: string) {
    const providerBytes = Buffer.byteLength(providerText);
    const stateBytes = Buffer.byteLength(JSON.stringify(created.outputs));
    rows.push({ group: "size", measure: "__provider per resource", value: providerBytes, unit: "bytes", target: "≤ 8192" });
    rows.push({ group: "size", measure: "state per resource (outputs, __provider included)", value: stateBytes, unit: "bytes" });
    // For comparison: what pulumi.dynamic.Resource would store, closure-serializing the implementation.
    const closureSerialized = await pulumi.runtime.serializeFunction(() => implementation, { allowSecrets: true });
    rows.push({
        group: "size",
        measure: "for comparison: the implementation closure-serialized (pulumi.dynamic.Resource)",
        value: Buffer.byteLength(closureSerialized.text),
        unit: "bytes",
    });
}

/** Requests per scenario are fixed numbers: any other count is a bug, and fails the run. */
async function benchRequests(emulator: OpenTokEmulator, providerText: string): Promise<string[]> {
    const inputs = validInputs(emulator);
    const program: Program = new Map([["target", { ...inputs, __provider: providerText }]]);
    const changed: Program = new Map([["target", { ...inputs, sse: "none", __provider: providerText }]]);
    const deviations: string[] = [];
    const scenario = async (name: string, expected: number, command: (host: ProviderHost) => Promise<unknown>) => {
        const host = await ProviderHost.start(fastRetryEnvironment);
        const before = emulator.requests.length;
        const result = await command(host);
        await emulator.idle();
        await host.stop();
        const sent = emulator.requests.length - before;
        rows.push({ group: "requests per scenario", measure: name, value: sent, unit: "requests", target: `= ${expected}` });
        if (sent !== expected) {
            deviations.push(`${name}: ${sent} requests, expected ${expected}`);
        }
        return result;
    };
    await scenario("preview of a new target", 0, (host) => preview(host, program, new Map()));
    const state = (await scenario("up, new target", 1, (host) => up(host, program, new Map()))) as Awaited<ReturnType<typeof up>>;
    await scenario("no-op up", 0, (host) => up(host, program, state));
    const updated = (await scenario("up, sse changed", 1, (host) => up(host, changed, state))) as Awaited<ReturnType<typeof up>>;
    await scenario("destroy", 1, (host) => destroy(host, updated));
    return deviations;
}

async function benchFleet(emulator: OpenTokEmulator) {
    const fleet = await applyFleet(emulator, fleetTargets, fleetRate);
    if (fleet.converged !== fleetTargets) {
        throw new Error(`fleet: ${fleet.converged} of ${fleetTargets} converged: ${fleet.failures.slice(0, 3).join("; ")}`);
    }
    rows.push({
        group: "fleet",
        measure: `${fleetTargets} targets, ${fleetRate} requests/s limit, ${fleet.rateLimited} answers of 429`,
        value: fleet.elapsedMs,
        unit: "ms",
        floor: { name: `(${fleetTargets} − ${fleetRate}-request burst) / ${fleetRate} per s`, value: fleet.floorMs },
    });
}

function render(): string {
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const lines = [
        `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}; ` +
            `@pulumi/pulumi ${sdkVersion}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(", ")} at the start.`,
        `Medians of ${runs} program runs and ${operationRuns} operations; every ratio is to a floor measured in the same run.`,
        "",
        "| group | measure | median | floor | ratio | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ];
    for (const row of rows) {
        const value = row.unit === "ms" ? `${row.value.toFixed(1)} ms` : `${row.value} ${row.unit}`;
        const floor = row.floor ? `${row.floor.name}: ${row.floor.value.toFixed(1)} ms` : "";
        const ratio = row.floor ? `${(row.value / row.floor.value).toFixed(2)}×` : "";
        lines.push(`| ${row.group} | ${row.measure} | ${value} | ${floor} | ${ratio} | ${row.target ?? ""} |`);
    }
    return lines.join("\n");
}

async function benchUnderCli() {
    for (const row of await benchCli(cliRuns)) {
        rows.push({ group: "under the Pulumi CLI", ...row, unit: "ms", target: "≤ 1.2 × floor" });
    }
}

async function main() {
    Object.assign(process.env, fastRetryEnvironment);
    const emulator = new OpenTokEmulator();
    await emulator.start();
    try {
        const providerText = archiveUploadTargetProviderText;
        await benchProgramStart();
        await benchFirstCheck(emulator, providerText);
        const { created } = await benchOperations(emulator, providerText);
        await benchSizes(created, providerText);
        const deviations = await benchRequests(emulator, providerText);
        await benchFleet(emulator);
        await benchUnderCli();

        const table = render();
        const outDir = path.join(projectRoot, "bench-results");
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, "latest.md"), `${table}\n`);
        fs.writeFileSync(path.join(outDir, "latest.json"), JSON.stringify({ recordedAt: new Date().toISOString(), rows }, null, 2));
        // `npm run bench -- --record`: the figures bench/README.md links to, kept in the repository.
        const recorded = process.argv.includes("--record");
        if (recorded) {
            fs.writeFileSync(
                path.join(projectRoot, "bench", "results.md"),
                `# Latest recorded run\n\nWritten by \`npm run bench -- --record\` on ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`,
            );
        }
        process.stdout.write(`${table}\n\nWritten to bench-results/latest.md and latest.json${recorded ? " and bench/results.md" : ""}.\n`);
        if (deviations.length > 0) {
            process.stderr.write(`Request counts deviate (a bug, not a figure):\n${deviations.join("\n")}\n`);
            process.exitCode = 1;
        }
    } finally {
        await emulator.stop();
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
});
