// Inputs and emulator set-up shared by the provider tests.

import { generateKeyPairSync, randomUUID } from "crypto";
import type { TargetInputs } from "../../providers";
import { OpenTokEmulator, OpenTokEmulatorOptions } from "../emulator/opentok-emulator";

// Distinctive values, so that a leak is found by plain text search.
export const apiSecret = "api-secret-Zq81fLx0Pw";
export const secretKey = "s3-secret-Yt72nB4kQmVd9sHj1LpA+/e0";

let nextApiKey = 46000000 + (process.pid % 1000) * 1000;

/** A fresh project key, so that tests sharing a process never share a project. */
export function newApiKey(): string {
    nextApiKey += 1;
    return String(nextApiKey);
}

/** Inputs of an OpenTok project with an S3 target: the fields that are optional in general are set. */
export type OpenTokS3Inputs = TargetInputs & Required<Pick<TargetInputs, "apiKey" | "apiSecret" | "bucket" | "accessKey" | "secretKey" | "sse">>;

/** Valid inputs for a project registered on the emulator; no preflight (the preflight tests turn it on). */
export function validInputs(emulator: OpenTokEmulator, overrides: Partial<TargetInputs> = {}): OpenTokS3Inputs {
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

/** One RSA key pair for every Vonage application of a test run (generating one takes a while). */
export const vonageKeys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

export const accountKey = "YXp1cmUtYWNjb3VudC1rZXktZm9yLXRlc3RzLW9ubHktMDEyMzQ1Njc4OQ==";

export type VonageInputs = TargetInputs & Required<Pick<TargetInputs, "applicationId" | "privateKey">>;

/** Valid inputs of a Vonage Video API application (registered on the emulator) with an S3 target. */
export function validVonageInputs(emulator: OpenTokEmulator, overrides: Partial<TargetInputs> = {}): VonageInputs {
    const applicationId = overrides.applicationId ?? randomUUID();
    emulator.addApplication(applicationId, vonageKeys.publicKey);
    const { apiKey: _apiKey, apiSecret: _apiSecret, ...s3 } = validInputs(emulator);
    return { ...s3, applicationId, privateKey: vonageKeys.privateKey, fallback: "none", ...overrides } as VonageInputs;
}

/** An Azure target's inputs, to spread over a project's inputs (replacing its S3 inputs). */
export function azureTarget(overrides: Partial<TargetInputs> = {}): Partial<TargetInputs> {
    return {
        type: "azure",
        bucket: undefined,
        accessKey: undefined,
        secretKey: undefined,
        sse: undefined,
        endpoint: undefined,
        accountName: "acmearchives",
        accountKey,
        container: "archives",
        ...overrides,
    };
}

/**
 * Fast retries for tests: the same policy shape as production, with millisecond waits. The
 * per-attempt deadline stays far above what a loopback answer takes on a loaded machine, so that
 * an answer is never cut off and retried; a test about the deadline sets its own.
 */
export const fastRetryEnvironment = {
    OPENTOK_HTTP_TIMEOUT_MS: "10000",
    OPENTOK_HTTP_MAX_ATTEMPTS: "4",
    OPENTOK_HTTP_RETRY_BASE_MS: "1",
    OPENTOK_HTTP_RETRY_MAX_MS: "5",
    OPENTOK_HTTP_RETRY_BUDGET_MS: "10000",
};

/** Starts an emulator before the suite and stops it after; sets fast retries for the process. */
export function useEmulator(options?: OpenTokEmulatorOptions): OpenTokEmulator {
    const emulator = new OpenTokEmulator(options);
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
