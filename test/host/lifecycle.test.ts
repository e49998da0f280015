// Every lifecycle path through Pulumi's real dynamic-provider host, in the order the engine
// calls it, asserting the gRPC calls made and the HTTP requests the OpenTok emulator received:
// for an OpenTok project, and for a Vonage application moving from an S3 to an Azure target.
// Each `pulumi` command is one deployment: one host process, as under the CLI. The scenarios that
// start from a target already set share one first deployment, as the targets of one stack do.

import type { TargetInputs } from "../../providers/inputs";
import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { unknownValue } from "../../providers/unknown";
import { CheckFailedError, destroy, preview, Program, refresh, StackState, up } from "../harness/engine-driver";
import { OpenTokEmulator } from "../emulator/opentok-emulator";
import { ProviderHost } from "../harness/provider-host";
import { Deployment, observed, storagePath } from "../support/deployment";
import { verifySignature } from "@vonage/jwt";
import {
    apiSecret,
    azureTarget,
    fastRetryEnvironment,
    OpenTokS3Inputs,
    secretKey,
    useEmulator,
    validInputs,
    validVonageInputs,
    vonageKeys,
} from "../support/fixtures";

const emulator = useEmulator();
const providerText = archiveUploadTargetProviderText;
const hosts: ProviderHost[] = [];
// A host is one deployment (it remembers the projects it set, for rename safety), so hosts are
// not reused across commands; a spare is started ahead instead, so start-up overlaps the tests.
let spare: Promise<ProviderHost> | undefined;

function nextHost(): Promise<ProviderHost> {
    const host = spare ?? ProviderHost.start(fastRetryEnvironment);
    spare = ProviderHost.start(fastRetryEnvironment);
    return host;
}

afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

afterAll(async () => {
    await (await spare)?.stop();
});

/** Runs one `pulumi` command: a fresh host, the command, and what crossed gRPC and HTTP. */
async function deployment<T>(command: (host: ProviderHost) => Promise<T>): Promise<Deployment<T>> {
    const host = await nextHost();
    hosts.push(host);
    return observed(emulator, host, command);
}

function program(resources: Record<string, object>): Program {
    return new Map(Object.entries(resources).map(([name, inputs]) => [name, { ...inputs, __provider: providerText }]));
}

/** The resources of the first deployment: one per scenario that starts from a target already set. */
const existing = [
    "no-op",
    "sse",
    "api-secret",
    "api-key",
    "api-url",
    "destroy",
    "destroy-404",
    "refresh",
    "other-version",
    "unknowns",
    "failed-update",
    "rename",
    "move-a",
    "rename-then-destroy",
    "replace",
    "secrets",
] as const;
const existingInputs = new Map<string, OpenTokS3Inputs>();
let firstDeployment: StackState;

beforeAll(async () => {
    for (const name of existing) {
        existingInputs.set(name, validInputs(emulator));
    }
    const { result, http } = await deployment((host) => up(host, program(Object.fromEntries(existingInputs)), new Map()));
    expect(http).toEqual(existing.map((name) => `PUT ${storagePath(existingInputs.get(name)!.apiKey)} 200`));
    firstDeployment = result;
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    emulator.clearLog();
});

/** A scenario's starting point: its target, set by the first deployment, and a stack holding only it. */
function deployed(name: (typeof existing)[number]): { inputs: OpenTokS3Inputs; state: StackState } {
    return { inputs: existingInputs.get(name)!, state: new Map([[name, firstDeployment.get(name)!]]) };
}

describe("lifecycle through the dynamic-provider host", () => {
    it("preview of a new target calls Check only and sends nothing", async () => {
        const inputs = validInputs(emulator);
        const { result, calls, http } = await deployment((host) => preview(host, program({ target: inputs }), new Map()));
        expect(result.get("target")).toBe("create");
        expect(calls).toEqual(["Check"]);
        expect(http).toEqual([]);
    });

    it("up creates the target with one PUT and stores the API key as id", async () => {
        const inputs = validInputs(emulator);
        const { result, calls, http } = await deployment((host) => up(host, program({ target: inputs }), new Map()));
        expect(calls).toEqual(["Check", "Create"]);
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(result.get("target")?.id).toBe(inputs.apiKey);
        expect(result.get("target")?.outputs).toMatchObject({ bucket: inputs.bucket, sse: "s3", __provider: providerText });
    });

    it("a no-op up calls Check and Diff and sends nothing", async () => {
        const { inputs, state } = deployed("no-op");
        const { calls, http } = await deployment((host) => up(host, program({ "no-op": inputs }), state));
        expect(calls).toEqual(["Check", "Diff"]);
        expect(http).toEqual([]);
    });

    it("changing sse previews as an update without a request, then sends one PUT with the new value", async () => {
        const { inputs, state } = deployed("sse");
        const changed = program({ sse: { ...inputs, sse: "none" } });

        const planned = await deployment((host) => preview(host, changed, state));
        expect(planned.result.get("sse")).toBe("update");
        expect(planned.http).toEqual([]);

        const applied = await deployment((host) => up(host, changed, state));
        expect(applied.calls).toEqual(["Check", "Diff", "Update"]);
        expect(applied.http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(JSON.parse(emulator.received("PUT")[0]!.rawBody).config.sse).toBe("none");
        expect(applied.result.get("sse")?.outputs.sse).toBe("none");
    });

    it("changing only apiSecret updates state and sends nothing", async () => {
        const { inputs, state } = deployed("api-secret");
        const { result, calls, http } = await deployment((host) =>
            up(host, program({ "api-secret": { ...inputs, apiSecret: "rotated-api-secret" } }), state),
        );
        expect(calls).toEqual(["Check", "Diff", "Update"]);
        expect(http).toEqual([]);
        expect(result.get("api-secret")?.outputs.apiSecret).toBe("rotated-api-secret");
    });

    it("changing apiKey configures the new project first, then removes the old project's target", async () => {
        const { inputs, state } = deployed("api-key");
        const moved = validInputs(emulator); // another project
        const { result, calls, http } = await deployment((host) => up(host, program({ "api-key": { ...inputs, apiKey: moved.apiKey } }), state));
        expect(calls).toEqual(["Check", "Diff", "Check", "Create", "Delete"]);
        expect(http).toEqual([`PUT ${storagePath(moved.apiKey)} 200`, `DELETE ${storagePath(inputs.apiKey)} 204`]);
        expect(emulator.targets.has(moved.apiKey)).toBe(true);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
        expect(result.get("api-key")?.id).toBe(moved.apiKey);
    });

    it("changing only apiUrl sets the target at the new API and, the project being the same, sends the old one no DELETE", async () => {
        const { inputs, state } = deployed("api-url");
        const otherApi = new OpenTokEmulator();
        await otherApi.start();
        try {
            otherApi.addProject(inputs.apiKey, inputs.apiSecret);
            const { calls, http } = await deployment((host) => up(host, program({ "api-url": { ...inputs, apiUrl: otherApi.url } }), state));
            await otherApi.idle();
            expect(calls).toEqual(["Check", "Diff", "Check", "Create", "Delete"]);
            expect(otherApi.requests.map((r) => `${r.method} ${r.path} ${r.outcome}`)).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
            // Two URLs may reach one API (api.opentok.com, video.api.vonage.com): no DELETE there.
            expect(http).toEqual([]);
            expect(emulator.targets.has(inputs.apiKey)).toBe(true);
        } finally {
            await otherApi.stop();
        }
    });

    it("destroy sends one DELETE and leaves the project without a target", async () => {
        const { inputs, state } = deployed("destroy");
        const { calls, http } = await deployment((host) => destroy(host, state));
        expect(calls).toEqual(["Delete"]);
        expect(http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });

    it("destroy succeeds when the target was already removed outside Pulumi (404)", async () => {
        const { inputs, state } = deployed("destroy-404");
        emulator.targets.delete(inputs.apiKey);
        const { http } = await deployment((host) => destroy(host, state));
        expect(http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 404`]);
    });

    it("refresh sends nothing, and the next preview shows no changes", async () => {
        const { inputs, state } = deployed("refresh");
        const refreshed = await deployment((host) => refresh(host, state));
        expect(refreshed.calls).toEqual(["Read"]);
        expect(refreshed.http).toEqual([]);
        expect(refreshed.result.get("refresh")?.outputs).toEqual(state.get("refresh")?.outputs);

        const planned = await deployment((host) => preview(host, program({ refresh: inputs }), refreshed.result));
        expect(planned.result.get("refresh")).toBe("same");
        expect(planned.http).toEqual([]);
    });

    it("another version's provider text in state shows no changes, and still deletes", async () => {
        const { inputs, state } = deployed("other-version");
        // State written by another version: a different __provider text (test/cli/lifecycle.test.ts
        // runs the texts earlier releases wrote, under the real CLI).
        const olderState: StackState = new Map(
            [...state].map(([name, r]) => [
                name,
                {
                    ...r,
                    outputs: { ...r.outputs, __provider: `${providerText}\n// earlier build` },
                    inputs: { ...r.inputs, __provider: `${providerText}\n// earlier build` },
                },
            ]),
        );
        const planned = await deployment((host) => preview(host, program({ "other-version": inputs }), olderState));
        expect(planned.result.get("other-version")).toBe("same");

        const destroyed = await deployment((host) => destroy(host, olderState));
        expect(destroyed.http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
    });

    it("values unknown at preview pass check and preview as a change", async () => {
        const { inputs, state } = deployed("unknowns");
        const unknowns = program({ unknowns: { ...inputs, bucket: unknownValue, accessKey: unknownValue, secretKey: unknownValue } });
        const { result, http } = await deployment((host) => preview(host, unknowns, state));
        expect(result.get("unknowns")).toBe("update");
        expect(http).toEqual([]);
    });

    it("invalid inputs fail in Check, naming the property, before any request", async () => {
        const inputs = { ...validInputs(emulator), sse: "aws:kms" } as unknown as TargetInputs;
        const attempt = deployment((host) => up(host, program({ target: inputs }), new Map()));
        await expect(attempt).rejects.toBeInstanceOf(CheckFailedError);
        await expect(attempt).rejects.toThrow(/sse .*only S3-managed keys/);
        expect(emulator.received()).toHaveLength(0);
    });

    it("a failed update leaves the target and the state as they were", async () => {
        const { inputs, state } = deployed("failed-update");
        emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: "Invalid bucket" }) });
        const attempt = deployment((host) => up(host, program({ "failed-update": { ...inputs, bucket: "acme-archives-other" } }), state));
        await expect(attempt).rejects.toThrow(/PUT \/v2\/project\/\d+\/archive\/storage failed with 400: "Invalid bucket"/);
        expect(emulator.targets.get(inputs.apiKey)?.config.bucket).toBe(inputs.bucket);
        expect(state.get("failed-update")?.outputs.bucket).toBe(inputs.bucket);
    });
});

describe("rename safety", () => {
    it("renaming the resource in one deployment keeps the project's target: PUT for the new name, no DELETE for the old", async () => {
        const { inputs, state } = deployed("rename");
        const { calls, http } = await deployment((host) => up(host, program({ "rename-new": inputs }), state));
        expect(calls).toEqual(["Check", "Create", "Delete"]);
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(emulator.targets.get(inputs.apiKey)?.config.bucket).toBe(inputs.bucket);
    });

    it("moving a project between two resources in one deployment keeps the target the program declares", async () => {
        const { inputs: first, state } = deployed("move-a");
        // move-b now configures move-a's project with another bucket; move-a is removed from the program.
        const { http } = await deployment((host) => up(host, program({ "move-b": { ...first, bucket: "acme-archives-b" } }), state));
        expect(http).toEqual([`PUT ${storagePath(first.apiKey)} 200`]);
        expect(emulator.targets.get(first.apiKey)?.config.bucket).toBe("acme-archives-b");
    });

    it("a later destroy of the renamed resource still removes the target", async () => {
        const { inputs, state } = deployed("rename-then-destroy");
        const renamed = await deployment((host) => up(host, program({ "rename-then-destroy-new": inputs }), state));
        const destroyed = await deployment((host) => destroy(host, renamed.result));
        expect(destroyed.http).toEqual([`DELETE ${storagePath(inputs.apiKey)} 204`]);
        expect(emulator.targets.has(inputs.apiKey)).toBe(false);
    });
});

describe("forced replacement (pulumi up --replace)", () => {
    it("sets the target again with one PUT and skips the replaced resource's DELETE", async () => {
        const { inputs, state } = deployed("replace");
        emulator.targets.delete(inputs.apiKey); // changed outside Pulumi: refresh cannot see it
        const old = state.get("replace")!;
        const { calls, http } = await deployment(async (host) => {
            const checked = await host.check(old.urn, {}, { ...inputs, __provider: providerText });
            await host.create(old.urn, checked.inputs);
            await host.delete(old.id, old.urn, old.outputs);
        });
        expect(calls).toEqual(["Check", "Create", "Delete"]);
        expect(http).toEqual([`PUT ${storagePath(inputs.apiKey)} 200`]);
        expect(emulator.targets.get(inputs.apiKey)?.config.bucket).toBe(inputs.bucket);
    });
});

describe("secrets across gRPC", () => {
    const leaks = (text: string) => [apiSecret, secretKey].filter((secret) => text.includes(secret));

    // Create failures and check failures across gRPC: host/secrets.test.ts and host/check.test.ts.
    it("a failed delete's error, and what the host prints of it, carry no secret", async () => {
        const { state } = deployed("secrets");
        emulator.injectFaults({ kind: "status", status: 403, body: JSON.stringify({ message: `rejected ${secretKey} with ${apiSecret}` }) });
        const deleteFailure = await deployment((host) => destroy(host, state)).catch((e: Error) => e);

        expect(deleteFailure).toBeInstanceOf(Error);
        expect((deleteFailure as Error).message).toContain('failed with 403: "rejected [secret] with [secret]"');
        expect(leaks(`${(deleteFailure as Error).message} ${JSON.stringify(deleteFailure)}`)).toEqual([]);
        const stderr = hosts.map((h) => h.stderr).join("\n");
        expect(stderr).toMatch(/OpenTokApiError: DELETE \/v2\/project\/\d+\/archive\/storage failed with 403/);
        expect(stderr).not.toContain("[object Object]");
        expect(leaks(stderr)).toEqual([]);
    });
});

describe("a Vonage application through the host", () => {
    // Its diff (s3 to azure is an update) and its DELETE are pinned directly; through the host:
    // the multi-line key and the application ID as id, and the RS256 tokens the emulator received.
    it("creates a Vonage application's Azure target and destroys it", async () => {
        const inputs = { ...validVonageInputs(emulator), ...azureTarget() };
        const created = (await deployment((host) => up(host, program({ target: inputs }), new Map()))).result;
        expect(created.get("target")?.id).toBe(inputs.applicationId);
        await deployment((host) => destroy(host, created));

        const seen = emulator.received().map((r) => `${r.method} ${r.auth} ${r.outcome} ${r.rawBody ? JSON.parse(r.rawBody).type : "-"}`);
        expect(seen).toEqual(["PUT vonage 200 azure", "DELETE vonage 204 -"]);
        for (const request of emulator.received()) {
            expect(verifySignature(String(request.headers.authorization).slice(7), vonageKeys.publicKey)).toBe(true);
        }
        expect(emulator.targets.has(inputs.applicationId!)).toBe(false);
    });
});
