// A mock monitor (pulumi.runtime.setMocks) that records every resource a test file registers,
// for the suites that run a component or the resource class in-process.

import * as pulumi from "@pulumi/pulumi";

export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** What a mock resource answers besides its inputs: its id and its outputs. */
export type MockOutputs = (args: pulumi.runtime.MockResourceArgs) => { id: string; outputs?: Record<string, unknown> };

/**
 * Sets the mocks before the file's tests and disconnects after them (which lets every
 * registration a test started finish before jest tears the file down). Returns the list of
 * registrations, in order.
 */
export function recordRegistrations(outputsOf: MockOutputs, stack = "dev", preview?: boolean): Registered[] {
    const registered: Registered[] = [];
    beforeAll(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    const { id, outputs = {} } = outputsOf(args);
                    return { id, state: { ...args.inputs, ...outputs } };
                },
                call: () => ({}),
            },
            "opentok-archive-storage",
            stack,
            preview,
        );
    });
    afterAll(() => pulumi.runtime.disconnect());
    return registered;
}

/** An Output's value, once known. */
export const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
