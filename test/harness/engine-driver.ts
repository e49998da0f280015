// The order in which Pulumi's engine calls a resource provider in preview, up, refresh and
// destroy (pkg/resource/deploy step generation), reduced to what a single-type stack needs:
//   preview  Check (+ Diff for an existing resource); nothing else
//   up       Check, then Create (new) | Diff -> Update | Diff -> replace | nothing;
//            replace is Create-then-Delete unless Diff asks for delete-before-replace;
//            deletes of removed resources and replaced originals come last
//   refresh  Read for every resource; its outputs and inputs become the state
//   destroy  Delete for every resource
// One ProviderHost is one deployment, as under `pulumi`.

import { Props, ProviderHost } from "./provider-host";

export const targetType = "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget";

export interface ResourceState {
    urn: string;
    id: string;
    inputs: Props;
    outputs: Props;
}

/** A stack's state: resources by name. */
export type StackState = Map<string, ResourceState>;

/** What the program declares: resources by name, their inputs including `__provider`. */
export type Program = Map<string, Props>;

export type PlannedStep = "create" | "update" | "replace" | "same" | "delete";

export class CheckFailedError extends Error {
    constructor(
        readonly resource: string,
        readonly failures: { property: string; reason: string }[],
    ) {
        super(`${resource}: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    }
}

const urnOf = (name: string) => `urn:pulumi:test::opentok-archive-storage::${targetType}::${name}`;

export async function preview(host: ProviderHost, program: Program, state: StackState): Promise<Map<string, PlannedStep>> {
    const plan = new Map<string, PlannedStep>();
    for (const [name, inputs] of program) {
        const old = state.get(name);
        const checked = await checkOrThrow(host, name, old?.inputs ?? {}, inputs);
        if (!old) {
            plan.set(name, "create");
            continue;
        }
        const diff = await host.diff(old.id, old.urn, old.outputs, checked, old.inputs);
        plan.set(name, diff.changes === "none" ? "same" : diff.replaces.length > 0 ? "replace" : "update");
    }
    for (const name of state.keys()) {
        if (!program.has(name)) {
            plan.set(name, "delete");
        }
    }
    return plan;
}

export async function up(host: ProviderHost, program: Program, state: StackState): Promise<StackState> {
    const next: StackState = new Map(state);
    const deferredDeletes: ResourceState[] = [];
    for (const [name, inputs] of program) {
        const old = state.get(name);
        const checked = await checkOrThrow(host, name, old?.inputs ?? {}, inputs);
        if (!old) {
            const created = await host.create(urnOf(name), checked);
            next.set(name, { urn: urnOf(name), id: created.id, inputs: checked, outputs: created.outputs });
            continue;
        }
        const diff = await host.diff(old.id, old.urn, old.outputs, checked, old.inputs);
        if (diff.changes === "none") {
            continue;
        }
        if (diff.replaces.length === 0) {
            const outputs = await host.update(old.id, old.urn, old.outputs, checked, old.inputs);
            next.set(name, { ...old, inputs: checked, outputs });
            continue;
        }
        if (diff.deleteBeforeReplace) {
            await host.delete(old.id, old.urn, old.outputs);
        } else {
            deferredDeletes.push(old);
        }
        const replacementInputs = await checkOrThrow(host, name, {}, inputs);
        const created = await host.create(old.urn, replacementInputs);
        next.set(name, { urn: old.urn, id: created.id, inputs: replacementInputs, outputs: created.outputs });
    }
    for (const [name, old] of state) {
        if (!program.has(name)) {
            deferredDeletes.push(old);
            next.delete(name);
        }
    }
    for (const old of deferredDeletes) {
        await host.delete(old.id, old.urn, old.outputs);
    }
    return next;
}

export async function refresh(host: ProviderHost, state: StackState): Promise<StackState> {
    const next: StackState = new Map();
    for (const [name, old] of state) {
        const read = await host.read(old.id, old.urn, old.outputs, old.inputs);
        next.set(name, { ...old, id: read.id, outputs: read.outputs, inputs: Object.keys(read.inputs).length > 0 ? read.inputs : old.inputs });
    }
    return next;
}

export async function destroy(host: ProviderHost, state: StackState): Promise<StackState> {
    for (const old of state.values()) {
        await host.delete(old.id, old.urn, old.outputs);
    }
    return new Map();
}

async function checkOrThrow(host: ProviderHost, name: string, olds: Props, news: Props): Promise<Props> {
    const result = await host.check(urnOf(name), olds, news);
    if (result.failures.length > 0) {
        throw new CheckFailedError(name, result.failures);
    }
    return result.inputs;
}
