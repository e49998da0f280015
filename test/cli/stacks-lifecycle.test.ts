// The environment stacks (index.ts with stacks/Pulumi.<stack>.yaml) under the real Pulumi CLI,
// with the AWS provider replaced by a loopback stand-in and OpenTok by the emulator, so that the
// engine's own rules decide: protect, replacement order, dependencies, destroy order, secrets.
// Each step is asserted on what the two servers received, in the order they received it.

import * as fs from "fs";
import { OpenTokEmulator, RecordedRequest } from "../emulator/opentok-emulator";
import * as path from "path";
import { projectRoot } from "../support/pulumi-cli";
import { AwsStandIn } from "./aws-stand-in";
import { StacksProject, StateResource, urnOf } from "./stacks-project";

const apiSecret = "cli-stacks-api-secret-Rb38Xe";
const projects = { dev: "47100001", staging: "47100002", prod: "47100003", unguarded: "47100004" } as const;
type Stack = keyof typeof projects;

const type = {
    bucket: "aws:s3/bucket:Bucket",
    accessKey: "aws:iam/accessKey:AccessKey",
    target: "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget",
    destroyGuard: "opentok-archive-storage:index:DestroyGuard",
};

/** What the two servers received, in one order: `AWS Create AccessKey <name>`, `OpenTok PUT 200 <accessKey>`. */
const events: string[] = [];
const aws = new AwsStandIn((call) => {
    if (!call.preview && (call.method === "Create" || call.method === "Update" || call.method === "Delete")) {
        events.push(`AWS ${call.method} ${call.type.slice(call.type.lastIndexOf(":") + 1)} ${call.name}`);
    }
});
let reported = 0;
const emulator = new OpenTokEmulator({
    // Called when a request has been answered; the requests of one deployment come one at a time.
    log: () => {
        const request = emulator.requests[reported++];
        if (request) {
            events.push(httpEvent(request));
        }
    },
});

function httpEvent(r: RecordedRequest): string {
    const accessKey = r.method === "PUT" ? ` ${(JSON.parse(r.rawBody) as { config: { accessKey: string } }).config.accessKey}` : "";
    return `OpenTok ${r.method} ${r.outcome}${accessKey}`;
}
let project: StacksProject;

beforeAll(async () => {
    for (const apiKey of Object.values(projects)) {
        emulator.addProject(apiKey, apiSecret);
    }
    await emulator.start();
    project = StacksProject.create(await aws.start());
}, 60_000);

afterAll(async () => {
    await aws.stop();
    await emulator.stop();
    project?.remove();
});

/**
 * Runs one `pulumi` command; returns what it printed, the AWS writes and OpenTok requests it caused
 * in the order they happened (`order`), each server's alone, and the AWS deletes in order.
 */
async function step(args: string[], expectSuccess = true) {
    events.splice(0);
    aws.clearCalls();
    emulator.clearLog();
    reported = 0;
    const result = expectSuccess ? await project.ok(args) : await project.pulumi(args);
    await emulator.idle();
    const order = [...events];
    return {
        result,
        order,
        aws: order.filter((e) => e.startsWith("AWS ")),
        http: emulator.requests.map(httpEvent),
        deletes: aws.callsOf("Delete"),
    };
}

async function firstUp(stack: Stack) {
    await project.initStack(
        stack,
        { "opentok:apiKey": projects[stack], "opentok:apiUrl": emulator.url, "opentok-archive-storage:verify": "false" },
        { "opentok:apiSecret": apiSecret },
    );
    return step(["up", "--stack", stack, "--yes", "--skip-preview"]);
}

const byUrn = (resources: StateResource[]) => new Map(resources.map((r) => [r.urn, r]));

describe.each(["dev", "staging", "prod"] as const)("the first up of %s", (stack) => {
    let up: Awaited<ReturnType<typeof firstUp>>;
    let state: StateResource[];
    const prefix = `archive-storage-${stack}`;

    beforeAll(async () => {
        up = await firstUp(stack);
        state = (await project.exportState(stack)).resources;
    }, 300_000);

    it("creates every AWS resource once, then sets the target with one PUT holding the new key", () => {
        const creates = up.aws.filter((e) => e.startsWith("AWS Create"));
        const expected = stack === "prod" ? 17 : 10;
        expect(creates).toHaveLength(expected);
        expect(new Set(creates).size).toBe(expected);
        const key = aws.existing(`${prefix}-opentok-key-1`)[0]!;
        expect(up.http).toEqual([`OpenTok PUT 200 ${key.id}`]);
        // The target is set last, once the key and every guard (access logging included) exist.
        expect(up.order.at(-1)).toBe(`OpenTok PUT 200 ${key.id}`);
    });

    it("stores the protection the stack file asks for: everything but the key and the target when protected", () => {
        const protectedNames = state.filter((r) => r.protect).map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2));
        const children = state.filter((r) => r.urn.includes("ArchiveStorage$")).map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2));
        expect(protectedNames.sort()).toEqual(
            stack === "prod" ? children.filter((n) => n !== `${prefix}-opentok-key-1` && n !== `${prefix}-target`).sort() : [],
        );
    });

    it("keeps every secret out of the state, its backups and the stack file", () => {
        const onDisk = project.filesOnDisk();
        expect(onDisk).not.toContain(apiSecret);
        expect(onDisk).not.toMatch(/stand-in-aws-secret-/);
    });
});

describe("prod under its protection", () => {
    const prefix = "archive-storage-prod";
    const targetUrn = urnOf("prod", type.target, `${prefix}-target`);

    it("rotates the key: a new key, one PUT with it, then the old key deleted", async () => {
        const oldKey = aws.existing(`${prefix}-opentok-key-1`)[0]!;
        await project.ok(["config", "set", "--stack", "prod", "opentok-archive-storage:keyGeneration", "2"]);
        const rotation = await step(["up", "--stack", "prod", "--yes", "--skip-preview"]);
        const newKey = aws.existing(`${prefix}-opentok-key-2`)[0]!;
        expect(rotation.order).toEqual([
            `AWS Create AccessKey ${prefix}-opentok-key-2`,
            `OpenTok PUT 200 ${newKey.id}`,
            `AWS Delete AccessKey ${prefix}-opentok-key-1`,
        ]);
        expect(aws.existing(`${prefix}-opentok-key-1`)).toEqual([]);
        expect(newKey.id).not.toBe(oldKey.id);
        expect(emulator.targets.get(projects.prod)?.config.accessKey).toBe(newKey.id);
        expect(project.filesOnDisk()).not.toMatch(/stand-in-aws-secret-/);
    }, 300_000);

    it("re-sets the target with --replace: one PUT, nothing deleted", async () => {
        const key = aws.existing(`${prefix}-opentok-key-2`)[0]!;
        const replaced = await step(["up", "--stack", "prod", "--yes", "--skip-preview", "--replace", targetUrn]);
        expect(replaced.order).toEqual([`OpenTok PUT 200 ${key.id}`]);
        expect(replaced.deletes).toEqual([]);
    }, 300_000);

    it("refuses a destroy at its first step, the destroy guard, before anything is deleted or sent", async () => {
        const before = byUrn((await project.exportState("prod")).resources);
        const destroy = await step(["destroy", "--stack", "prod", "--yes", "--skip-preview"], false);
        expect(destroy.result.code).not.toBe(0);
        expect(destroy.result.output).toContain(`${prefix}-destroy-guard`);
        expect(destroy.result.output).toMatch(/cannot be deleted\s+because it is protected/);
        expect(destroy.deletes).toEqual([]);
        expect(destroy.http).toEqual([]);
        const after = byUrn((await project.exportState("prod")).resources);
        expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    }, 300_000);
});

describe("destroy of dev", () => {
    it("deletes the target first (one DELETE), then the key, user and buckets; each bucket's guards go with it", async () => {
        const prefix = "archive-storage-dev";
        aws.putObject(aws.existing(`${prefix}-archives`)[0]!.id);
        const destroy = await step(["destroy", "--stack", "dev", "--yes", "--skip-preview"]);
        expect(destroy.http).toEqual(["OpenTok DELETE 204"]);
        // The engine deletes what depends on nothing left first, a step at a time; the deletes of one
        // step (the key and the user's policy; then the user and the bucket) run in parallel.
        expect(destroy.order[0]).toBe("OpenTok DELETE 204");
        expect(destroy.deletes.slice(0, 2).sort()).toEqual([`AccessKey ${prefix}-opentok-key-1`, `UserPolicy ${prefix}-opentok-upload`]);
        expect(destroy.deletes.slice(2).sort()).toEqual([`Bucket ${prefix}-archives`, `User ${prefix}-opentok`]);
        expect([...aws.resources.values()].filter((r) => r.name.startsWith(prefix))).toEqual([]);
        expect((await project.exportState("dev")).resources).toEqual([]);
    }, 300_000);
});

describe("a destroy of staging (forceDestroy on) whose bucket delete fails", () => {
    it("leaves the bucket with every guard it had", async () => {
        const prefix = "archive-storage-staging";
        const bucket = aws.existing(`${prefix}-archives`)[0]!.id;
        aws.refuseDeleteOf(bucket, "operation error S3: DeleteBucket, https response error StatusCode: 403, api error AccessDenied: Access Denied");
        const guards = () => [...aws.resources.values()].filter((r) => r.type !== type.bucket && r.id === bucket);
        expect(guards()).toHaveLength(6);
        const before = guards();
        const destroy = await step(["destroy", "--stack", "staging", "--yes", "--skip-preview"], false);
        expect(destroy.result.output).toContain("AccessDenied");
        expect(destroy.http).toEqual(["OpenTok DELETE 204"]);
        expect(destroy.deletes.filter((d) => d.startsWith("Bucket"))).toEqual([`Bucket ${prefix}-archives (failed)`]);
        expect(destroy.deletes.filter((d) => !/^(Bucket|User|UserPolicy|AccessKey) /.test(d))).toEqual([]);
        expect(guards()).toEqual(before);
    }, 300_000);
});

describe("a destroy that fails on a non-empty bucket, with protect and forceDestroy off", () => {
    const prefix = "archive-storage-unguarded";

    beforeAll(async () => {
        // prod's stack file (access logs on: two buckets) without its protection.
        const prod = fs.readFileSync(path.join(projectRoot, "stacks", "Pulumi.prod.yaml"), "utf8");
        fs.writeFileSync(
            project.stackFile("unguarded"),
            prod.replace('opentok-archive-storage:protect: "true"', 'opentok-archive-storage:protect: "false"'),
        );
        await firstUp("unguarded");
    }, 300_000);

    it("leaves each bucket that fails to delete with every guard it had", async () => {
        const archives = aws.existing(`${prefix}-archives`)[0]!.id;
        const logs = aws.existing(`${prefix}-access-logs`)[0]!.id;
        aws.putObject(archives);
        aws.putObject(logs);
        const guardsBefore = [...aws.resources.values()].filter((r) => r.type !== type.bucket && (r.id === archives || r.id === logs));
        expect(guardsBefore).toHaveLength(12);

        const destroy = await step(["destroy", "--stack", "unguarded", "--yes", "--skip-preview"], false);
        expect(destroy.result.code).not.toBe(0);
        expect(destroy.result.output).toContain("BucketNotEmpty");
        expect(destroy.http).toEqual(["OpenTok DELETE 204"]);
        // The target first; then what depends on nothing left, a step at a time (each step's deletes
        // run in parallel). No guard gets a Delete: the engine leaves them to go with their bucket.
        expect(destroy.order[0]).toBe("OpenTok DELETE 204");
        expect(destroy.deletes.slice(0, 2).sort()).toEqual([`AccessKey ${prefix}-opentok-key-1`, `UserPolicy ${prefix}-opentok-upload`]);
        expect(destroy.deletes.slice(2).sort()).toEqual([
            `Bucket ${prefix}-access-logs (failed)`,
            `Bucket ${prefix}-archives (failed)`,
            `User ${prefix}-opentok`,
        ]);
        const guardsAfter = [...aws.resources.values()].filter((r) => r.type !== type.bucket && (r.id === archives || r.id === logs));
        expect(guardsAfter).toEqual(guardsBefore);
        const left = (await project.exportState("unguarded")).resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("pulumi:"));
        expect(left.map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2)).sort()).toEqual([`${prefix}-access-logs`, `${prefix}-archives`]);
    }, 300_000);

    it("is undone by the next up: the guards declared again over what S3 kept, a new user and key, the target set again", async () => {
        const up = await step(["up", "--stack", "unguarded", "--yes", "--skip-preview"]);
        const creates = up.aws.filter((e) => e.startsWith("AWS Create"));
        expect(creates).toHaveLength(15);
        expect(creates.filter((e) => e.startsWith("AWS Create Bucket "))).toEqual([]);
        const key = aws.existing(`${prefix}-opentok-key-1`)[0]!;
        expect(up.http).toEqual([`OpenTok PUT 200 ${key.id}`]);
        expect(up.order.at(-1)).toBe(`OpenTok PUT 200 ${key.id}`);
    }, 300_000);
});
