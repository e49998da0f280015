// Inputs and emulator set-up shared by the provider tests.

import type { TargetInputs } from "../../providers";
import { OpenTokEmulator } from "../emulator/opentok-emulator";

// Distinctive values, so that a leak is found by plain text search.
export const apiSecret = "api-secret-Zq81fLx0Pw";
export const secretKey = "s3-secret-Yt72nB4kQmVd9sHj1LpA+/e0";

let nextApiKey = 46000000 + (process.pid % 1000) * 1000;

/** A fresh project key, so that tests sharing a process never share a project. */
export function newApiKey(): string {
    nextApiKey += 1;
    return String(nextApiKey);
}

/** Valid inputs for a project registered on the emulator; no preflight (the preflight tests turn it on). */
export function validInputs(emulator: OpenTokEmulator, overrides: Partial<TargetInputs> = {}): TargetInputs {
    const apiKey = overrides.apiKey ?? newApiKey();
    emulator.addProject(apiKey, overrides.apiSecret ?? apiSecret);
    return {
        apiKey,
        apiSecret,
        apiUrl: emulator.url,
        type: "s3",
        bucket: "acme-archives-dev",
        accessKey: "AKIAIOSFODNN7EXAMPLE",
        secretKey,
        sse: "s3",
        fallback: "none",
        verify: false,
        ...overrides,
    };
}

/** Fast retries for tests: the same policy shape as production, with millisecond waits. */
export const fastRetryEnvironment = {
    OPENTOK_HTTP_TIMEOUT_MS: "400",
    OPENTOK_HTTP_MAX_ATTEMPTS: "4",
    OPENTOK_HTTP_RETRY_BASE_MS: "1",
    OPENTOK_HTTP_RETRY_MAX_MS: "5",
    OPENTOK_HTTP_RETRY_BUDGET_MS: "10000",
};

/** Starts an emulator before the suite and stops it after; sets fast retries for the process. */
export function useEmulator(): OpenTokEmulator {
    const emulator = new OpenTokEmulator();
    const saved = { ...process.env };
    beforeAll(async () => {
        Object.assign(process.env, fastRetryEnvironment);
        await emulator.start();
    });
    afterEach(async () => {
        await emulator.idle();
        emulator.clearLog();
    });
    afterAll(async () => {
        await emulator.stop();
        process.env = saved;
    });
    return emulator;
}
