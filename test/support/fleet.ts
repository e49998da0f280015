// A fleet of targets (one project each) applied through one provider host, with Pulumi's
// default parallelism, while the emulator rate-limits. Shared by the reliability suite and the
// benchmark, so both measure the same thing.

import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import type { OpenTokEmulator } from "../emulator/opentok-emulator";
import { ProviderHost } from "../harness/provider-host";
import { fastRetryEnvironment, validInputs } from "./fixtures";

/** Pulumi's default --parallel for `pulumi up`. */
export const pulumiParallelism = 16;

export interface FleetResult {
    targets: number;
    ratePerSecond: number;
    converged: number;
    failures: string[];
    requests: number;
    rateLimited: number;
    elapsedMs: number;
    /** The least time the limit allows: the first second's burst is free. */
    floorMs: number;
    hostStderr: string;
}

export async function applyFleet(emulator: OpenTokEmulator, targets: number, ratePerSecond: number): Promise<FleetResult> {
    const providerText = archiveUploadTargetProviderText;
    const host = await ProviderHost.start({
        ...fastRetryEnvironment,
        OPENTOK_HTTP_MAX_ATTEMPTS: "100",
        OPENTOK_HTTP_RETRY_BASE_MS: "20",
        OPENTOK_HTTP_RETRY_MAX_MS: "200",
        OPENTOK_HTTP_RETRY_BUDGET_MS: "120000",
    });
    const fleet = Array.from({ length: targets }, () => validInputs(emulator));
    const before = emulator.requests.length;
    const limitedBefore = emulator.faultCounts["rate-limit-429"] ?? 0;
    // The limiter starts with one second's burst (R requests) available.
    emulator.setRateLimit(ratePerSecond);
    const started = Date.now();
    const queue = [...fleet];
    const failures: string[] = [];
    await Promise.all(
        Array.from({ length: pulumiParallelism }, async () => {
            for (let inputs = queue.shift(); inputs; inputs = queue.shift()) {
                const urn = `urn:pulumi:fleet::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::t${inputs.apiKey}`;
                try {
                    const checked = await host.check(urn, {}, { ...inputs, __provider: providerText });
                    await host.create(urn, checked.inputs);
                } catch (e) {
                    failures.push((e as Error).message);
                }
            }
        }),
    );
    const elapsedMs = Date.now() - started;
    emulator.setRateLimit(undefined);
    await host.stop();
    return {
        targets,
        ratePerSecond,
        converged: fleet.filter((t) => emulator.targets.get(t.apiKey)?.config.bucket === t.bucket).length,
        failures,
        requests: emulator.requests.length - before,
        rateLimited: (emulator.faultCounts["rate-limit-429"] ?? 0) - limitedBefore,
        elapsedMs,
        floorMs: ((targets - ratePerSecond) / ratePerSecond) * 1000,
        hostStderr: host.stderr,
    };
}
