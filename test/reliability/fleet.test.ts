// A fleet of 200 targets (200 projects) applied through one provider host, in parallel as
// `pulumi up` runs them, while the emulator allows R requests a second and answers 429 with
// Retry-After beyond that. All must converge; the time is compared with the floor 200 / R.

import { ProviderHost, serializedProvider } from "../harness/provider-host";
import { apiSecret, fastRetryEnvironment, secretKey, useEmulator, validInputs } from "../support/fixtures";
import { LeakSweep, recordFigures } from "./figures";

const targets = Number(process.env.FLEET_TARGETS ?? 200);
const ratePerSecond = Number(process.env.FLEET_RATE ?? 10);
// Pulumi's default --parallel for `pulumi up`.
const parallelism = 16;

const emulator = useEmulator();

it(`applies ${targets} targets under a limit of ${ratePerSecond} requests/s, all converging`, async () => {
    const providerText = await serializedProvider();
    const sweep = new LeakSweep(() => [apiSecret, secretKey]);
    const host = await ProviderHost.start({
        ...fastRetryEnvironment,
        OPENTOK_HTTP_MAX_ATTEMPTS: "100",
        OPENTOK_HTTP_RETRY_BASE_MS: "20",
        OPENTOK_HTTP_RETRY_MAX_MS: "200",
        OPENTOK_HTTP_RETRY_BUDGET_MS: "120000",
    });
    const fleet = Array.from({ length: targets }, () => validInputs(emulator));
    // The limiter starts with one second's burst (R requests) available; the floor accounts for it.
    emulator.setRateLimit(ratePerSecond);
    const started = Date.now();

    const queue = [...fleet];
    const failures: string[] = [];
    await Promise.all(
        Array.from({ length: parallelism }, async () => {
            for (let inputs = queue.shift(); inputs; inputs = queue.shift()) {
                const urn = `urn:pulumi:fleet::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::t${inputs.apiKey}`;
                try {
                    const checked = await host.check(urn, {}, { ...inputs, __provider: providerText });
                    await host.create(urn, checked.inputs);
                } catch (e) {
                    failures.push((e as Error).message);
                    sweep.check("fleet error", (e as Error).message);
                }
            }
        }),
    );
    const elapsedMs = Date.now() - started;
    await host.stop();
    sweep.check("provider host stderr", host.stderr);

    const floorMs = ((targets - ratePerSecond) / ratePerSecond) * 1000; // the first second's burst is free
    const converged = fleet.filter((t) => emulator.targets.get(t.apiKey)?.config.bucket === t.bucket).length;
    recordFigures("rate-limited fleet", {
        targets,
        "rate limit (requests/s)": ratePerSecond,
        parallelism,
        converged,
        failed: failures.length,
        requests: emulator.received("PUT").length,
        "429 answers": emulator.faultCounts["rate-limit-429"] ?? 0,
        "total time (s)": (elapsedMs / 1000).toFixed(2),
        "floor (s), (targets - burst) / R": (floorMs / 1000).toFixed(2),
        "time / floor": (elapsedMs / floorMs).toFixed(2),
    });
    recordFigures("secret-leak-sweep (fleet)", sweep.figures());

    expect(failures).toEqual([]);
    expect(converged).toBe(targets);
    expect(sweep.hits).toEqual([]);
}, 300_000);
