// A fleet of 200 targets (200 projects) applied through one provider host, in parallel as
// `pulumi up` runs them, while the emulator allows R requests a second and answers 429 with
// Retry-After beyond that. All must converge; the time is compared with the floor 200 / R.

import { applyFleet, pulumiParallelism } from "../support/fleet";
import { apiSecret, secretKey, useEmulator } from "../support/fixtures";
import { LeakSweep, recordFigures } from "./figures";

const targets = Number(process.env.FLEET_TARGETS ?? 200);
const ratePerSecond = Number(process.env.FLEET_RATE ?? 10);

const emulator = useEmulator();

it(`applies ${targets} targets under a limit of ${ratePerSecond} requests/s, all converging`, async () => {
    const sweep = new LeakSweep(() => [apiSecret, secretKey]);
    const fleet = await applyFleet(emulator, targets, ratePerSecond);
    fleet.failures.forEach((failure) => sweep.check("fleet error", failure));
    sweep.check("provider host stderr", fleet.hostStderr);

    recordFigures("rate-limited fleet", {
        targets,
        "rate limit (requests/s)": ratePerSecond,
        parallelism: pulumiParallelism,
        converged: fleet.converged,
        failed: fleet.failures.length,
        requests: fleet.requests,
        "429 answers": fleet.rateLimited,
        "total time (s)": (fleet.elapsedMs / 1000).toFixed(2),
        "floor (s), (targets - burst) / R": (fleet.floorMs / 1000).toFixed(2),
        "time / floor": (fleet.elapsedMs / fleet.floorMs).toFixed(2),
    });
    recordFigures("secret-leak-sweep (fleet)", sweep.figures());

    expect(fleet.failures).toEqual([]);
    expect(fleet.converged).toBe(targets);
    expect(sweep.hits).toEqual([]);
}, 300_000);
