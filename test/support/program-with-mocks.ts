// Runs the whole program (index.ts) under pulumi.runtime.setMocks with a stack file's
// configuration, and records what each resource was registered with.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type * as pulumiType from "@pulumi/pulumi";

export const secretSignature = "4dabf18193072939515e22adb298388d";

// One SDK and one AWS package for every run in a test file: loading @pulumi/pulumi takes most of
// a second, and setMocks resets the runtime's state (monitor, stack resource, features) while
// setAllConfig replaces the whole configuration, so only the program's own modules need to be
// fresh. Loaded here, outside any isolated registry, and handed to each run's registry below.
const sharedPulumi: typeof pulumiType = require("@pulumi/pulumi");
// @pulumi/aws loads each class on first use, with a `require` that jest binds to the registry
// current at that moment, so each run's registry would load them all again. The runs get a copy
// whose namespaces hold the classes themselves, loaded here once.
const awsPackage = require("@pulumi/aws");
const sharedAws = { ...awsPackage, s3: { ...awsPackage.s3 }, iam: { ...awsPackage.iam } };
// The provider package keeps no state between resources: one load for all runs as well, both
// entry points (the `/aws` one loads @pulumi/aws/s3 and /iam, shared with it).
const sharedTarget: unknown = require("@opentok-archive-storage/archive-upload-target");
const sharedStorage: unknown = require("@opentok-archive-storage/archive-upload-target/aws");

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    protect: boolean;
    /** The name of the resource given as `deletedWith`, if any. */
    deletedWith?: string;
    /** The names of the resources given as `dependsOn`. */
    dependsOn: string[];
}

export interface ProgramRun {
    resources: Registered[];
    outputs: Record<string, unknown>;
    error?: Error;
}

export function stackConfig(stack: string): Record<string, string> {
    const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", "stacks", `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    // As Pulumi passes config to a program: structured values (lists, objects) as JSON.
    return Object.fromEntries(
        Object.entries(file.config).map(([key, value]) => [key, typeof value === "object" ? JSON.stringify(value) : String(value)]),
    );
}

/** Runs index.ts, loaded afresh (it runs on import), against the shared SDK reset by setMocks. */
export async function runProgram(stack: string, config: Record<string, string | undefined>): Promise<ProgramRun> {
    const registered: Registered[] = [];
    const resourceObjects: { type: string; name: string; resource: pulumiType.Resource; opts: pulumiType.ResourceOptions }[] = [];
    let program: Record<string, unknown> = {};
    let error: Error | undefined;
    await jest.isolateModulesAsync(async () => {
        jest.doMock("@pulumi/pulumi", () => sharedPulumi);
        jest.doMock("@pulumi/aws", () => sharedAws);
        jest.doMock("@opentok-archive-storage/archive-upload-target", () => sharedTarget);
        jest.doMock("@opentok-archive-storage/archive-upload-target/aws", () => sharedStorage);
        const pulumi = sharedPulumi;
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    if (args.type !== "pulumi:pulumi:Stack") {
                        registered.push({ type: args.type, name: args.name, inputs: args.inputs, protect: false, dependsOn: [] });
                    }
                    return { id: mockId(args.type, args.name, args.inputs), state: { ...args.inputs, ...mockOutputs(args.type, args.name) } };
                },
                call: () => ({}),
            },
            "opentok-archive-storage",
            stack,
            false,
        );
        const definedConfig = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Record<string, string>;
        pulumi.runtime.setAllConfig(definedConfig, ["opentok:apiSecret", "opentok:privateKey"]);
        // As Pulumi's language host does: the program runs inside the root stack resource.
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                resourceObjects.push({ type: args.type, name: args.name, resource: args.resource, opts: args.opts });
                return undefined;
            });
            try {
                program = require("../../index");
            } catch (e) {
                error = e as Error;
            }
            return program;
        });
    });
    const outputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(program)) {
        // An output the stack does not have (logBucketName without access logs) is exported as undefined.
        outputs[name] = value === undefined ? undefined : await new Promise((resolve) => (value as pulumiType.Output<unknown>).apply(resolve));
    }
    const nameOf = (resource: pulumiType.Resource) => resourceObjects.find((r) => r.resource === resource)?.name ?? "(not registered)";
    for (const { type, name, resource, opts } of resourceObjects) {
        const match = registered.find((r) => r.type === type && r.name === name);
        if (match) {
            match.protect = (resource as unknown as { __protect?: boolean }).__protect === true;
            match.deletedWith = opts.deletedWith === undefined ? undefined : nameOf(opts.deletedWith);
            const dependsOn = opts.dependsOn;
            match.dependsOn = (Array.isArray(dependsOn) ? dependsOn : dependsOn === undefined ? [] : [dependsOn]).map((d) =>
                nameOf(d as pulumiType.Resource),
            );
        }
    }
    return { resources: registered, outputs, error };
}

/** Ids as the real providers make them: an access key's id is its key ID, a target's its apiKey. */
export function mockId(type: string, name: string, inputs: Record<string, unknown> = {}): string {
    switch (type) {
        case "aws:iam/accessKey:AccessKey":
            return `AKIAMOCK${name.length}KEY0000`;
        case "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget":
            return String(inputs.apiKey);
        default:
            return `${name}-id`;
    }
}

export function mockOutputs(type: string, name: string): Record<string, unknown> {
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return { bucket: `${name}-a1b2c3`, arn: `arn:aws:s3:::${name}-a1b2c3` };
        case "aws:iam/user:User":
            return { name: `${name}-user`, arn: `arn:aws:iam::123456789012:user/opentok/${name}-user` };
        case "aws:iam/accessKey:AccessKey":
            return { secret: `mock-secret-of-${name}` };
        default:
            return {};
    }
}

export function only(run: ProgramRun, type: string): Registered {
    const matches = run.resources.filter((r) => r.type === type);
    expect(matches).toHaveLength(1);
    return matches[0]!;
}

export function parsedPolicy(resource: Registered): {
    Statement: { Sid: string; Effect: string; Action: string; Resource: unknown; Condition?: unknown }[];
} {
    return JSON.parse(resource.inputs.policy as string);
}

/** The one resource registered with this type and name. */
export function named(run: ProgramRun, type: string, name: string): Registered {
    const matches = run.resources.filter((r) => r.type === type && r.name === name);
    expect(matches.map((r) => r.name)).toEqual([name]);
    return matches[0]!;
}
