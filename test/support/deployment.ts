// One `pulumi` command against a provider host, and what it caused: the gRPC calls the host
// answered and the requests the OpenTok emulator received, as "METHOD path outcome".

import type { OpenTokEmulator } from "../emulator/opentok-emulator";
import type { ProviderHost } from "../harness/provider-host";

export interface Deployment<T> {
    result: T;
    /** gRPC methods called, in order, Configure left out. */
    calls: string[];
    http: string[];
    stderr: string;
}

export async function observed<T>(
    emulator: OpenTokEmulator,
    host: ProviderHost,
    command: (host: ProviderHost) => Promise<T>,
): Promise<Deployment<T>> {
    const before = emulator.requests.length;
    const result = await command(host);
    await emulator.idle();
    const http = emulator.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.outcome}`);
    return { result, calls: host.calls.filter((c) => c !== "Configure"), http, stderr: host.stderr };
}

/** The path of a project's archive upload target, as the API and the emulator name it. */
export const storagePath = (project: string) => `/v2/project/${project}/archive/storage`;
