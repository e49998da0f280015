// Fault injection through Pulumi's dynamic-provider host: many operations on many projects
// while the emulator answers 429, 5xx, slowly, not at all, or with a malformed body at random
// (seeded). Every operation converges or fails with a clear error after bounded attempts; 400
// and 403 are never retried; after a final clean `up`, the emulator holds exactly what the
// program declares.

import type { TargetInputs } from "../../providers/inputs";
import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { Props, ProviderHost } from "../harness/provider-host";
import { generateKeyPairSync, randomUUID } from "crypto";
import { accountKey, apiSecret, fastRetryEnvironment, newApiKey, secretKey, useEmulator, vonageKeys } from "../support/fixtures";
import { seededRandom } from "../emulator/opentok-emulator";
import { LeakSweep, recordFigures } from "./figures";

const seed = Number(process.env.RELIABILITY_SEED ?? 20261128);
const deployments = Number(process.env.RELIABILITY_DEPLOYMENTS ?? 30);
const projectsPerDeployment = 10;
const projectCount = 20;

const hostEnvironment = {
    ...fastRetryEnvironment,
    // Every library's debug log on, gRPC's traces too: none may print a secret (@vonage/jwt
    // printed the private key under DEBUG=vonage:*).
    DEBUG: "*",
    GRPC_TRACE: "all",
    GRPC_VERBOSITY: "DEBUG",
    OPENTOK_HTTP_TIMEOUT_MS: "300",
    OPENTOK_HTTP_MAX_ATTEMPTS: "5",
    OPENTOK_HTTP_RETRY_BASE_MS: "1",
    OPENTOK_HTTP_RETRY_MAX_MS: "10",
};

const emulator = useEmulator();
const rotatedSecrets: string[] = [];
// Vonage applications rotate between two keys; a third, never registered, is a user's mistake.
const [rotatedKey, unknownKey] = [0, 1].map(() =>
    generateKeyPairSync("rsa", {
        modulusLength: 2048,
        publicKeyEncoding: { type: "spki", format: "pem" },
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }),
) as [typeof vonageKeys, typeof vonageKeys];
const privateKeys = [vonageKeys, rotatedKey, unknownKey].map((k) => k.privateKey);
const sweep = new LeakSweep(() => [
    apiSecret,
    secretKey,
    accountKey,
    ...rotatedSecrets,
    ...privateKeys.flatMap((k) => k.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"))),
]);

interface Project {
    /** The API key, or the application ID. */
    id: string;
    mode: "opentok" | "vonage";
    /** The API secret, or the private key. */
    credential: string;
    /** What the program declares; undefined when the program has no target for the project. */
    declared?: TargetInputs;
    /** Pulumi's state for the project's resource, as the engine keeps it (updated only on success). */
    state?: { id: string; inputs: Props; outputs: Props };
}

type Operation = "create" | "update" | "rotate-api-secret" | "wrong-api-secret" | "destroy" | "no-op";

const clearError =
    /^(OpenTokApiError|OpenTokUnreachableError)?:? ?(\d+ UNKNOWN: )?(PUT|DELETE) \/v2\/project\/[0-9a-f-]+\/archive\/storage (failed with \d{3}.*\. (Check|The API|Run|See|run)|to http:\/\/127\.0\.0\.1:\d+ got no answer after \d+ attempts? .*Check apiUrl)/;

it("converges or fails clearly under random faults, never retries 400/403, and ends in the declared state", async () => {
    const providerText = archiveUploadTargetProviderText;
    sweep.check("serialized provider (__provider)", providerText);
    const next = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    // Half OpenTok projects, half Vonage applications.
    const projects: Project[] = Array.from({ length: projectCount }, (_, i): Project => {
        if (i % 2 === 0) {
            const apiKey = newApiKey();
            emulator.addProject(apiKey, apiSecret);
            return { id: apiKey, mode: "opentok", credential: apiSecret };
        }
        const applicationId = randomUUID();
        emulator.addApplication(applicationId, vonageKeys.publicKey);
        return { id: applicationId, mode: "vonage", credential: vonageKeys.privateKey };
    });
    const figures = {
        operations: 0,
        converged: 0,
        "failed with a clear error": 0,
        "failed with an unclear error": 0,
        "requests sent": 0,
        "faults injected": 0,
        "wrongly retried": 0,
        "wrong final state": 0,
        "declared state after a converged op differs": 0,
        "host output swept (bytes, DEBUG=*)": 0,
    };
    const urn = (p: Project) => `urn:pulumi:reliability::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::${p.id}`;
    const auth = (p: Project, credential = p.credential) =>
        p.mode === "opentok" ? { apiKey: p.id, apiSecret: credential } : { applicationId: p.id, privateKey: credential };
    /** A target for the project: S3 or Azure, at random. */
    const declare = (p: Project): TargetInputs => ({
        ...auth(p),
        apiUrl: emulator.url,
        ...(next() < 0.5
            ? {
                  type: "s3" as const,
                  bucket: pick(["acme-archives-a", "acme-archives-b", "acme-archives-c"]),
                  accessKey: "AKIAIOSFODNN7EXAMPLE",
                  secretKey,
                  sse: pick(["s3", "none"] as const),
              }
            : { type: "azure" as const, accountName: "acmearchives", accountKey, container: pick(["archives-a", "archives-b", "archives-c"]) }),
        fallback: pick(["none", "opentok", "vonage"] as const),
        verify: false,
    });
    /** The target as the API should hold it: the body the declared inputs mean. */
    const expectedTarget = (p: Project, d: TargetInputs) => ({
        type: d.type,
        config:
            d.type === "s3"
                ? { bucket: d.bucket, accessKey: d.accessKey, secretKey, sse: d.sse }
                : { accountName: d.accountName, accountKey, container: d.container },
        fallback: d.fallback === "none" ? "none" : p.mode,
    });

    /** One operation as `pulumi up` performs it for one resource: Check, then Create/Diff+Update/Delete. */
    async function apply(host: ProviderHost, project: Project, operation: Operation): Promise<void> {
        const wanted = project.declared;
        if (operation === "destroy" || wanted === undefined) {
            if (project.state) {
                await host.delete(project.state.id, urn(project), project.state.outputs);
                project.state = undefined;
            }
            return;
        }
        const news = { ...wanted, __provider: providerText };
        const checked = await host.check(urn(project), project.state?.inputs ?? {}, news);
        if (checked.failures.length > 0) {
            throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
        }
        if (!project.state) {
            const created = await host.create(urn(project), checked.inputs);
            project.state = { id: created.id, inputs: checked.inputs, outputs: created.outputs };
            sweep.check(
                "create outputs (non-secret properties)",
                JSON.stringify({ ...created.outputs, apiSecret: undefined, secretKey: undefined, privateKey: undefined, accountKey: undefined }),
            );
            return;
        }
        const diff = await host.diff(project.state.id, urn(project), project.state.outputs, checked.inputs, project.state.inputs);
        if (diff.changes === "none") {
            return;
        }
        const outputs = await host.update(project.state.id, urn(project), project.state.outputs, checked.inputs, project.state.inputs);
        project.state = { ...project.state, inputs: checked.inputs, outputs };
    }

    emulator.setFaultRates(
        { "429": 0.05, "429-retry-after": 0.05, "500": 0.04, "502": 0.03, "503": 0.03, slow: 0.03, drop: 0.04, malformed: 0.03 },
        seed,
        450,
    );

    for (let d = 0; d < deployments; d++) {
        const host = await ProviderHost.start(hostEnvironment);
        const chosen = [...projects].sort(() => next() - 0.5).slice(0, projectsPerDeployment);
        const plans = chosen.map((project) => {
            let operation: Operation;
            const draw = next();
            if (!project.declared) {
                operation = "create";
                project.declared = declare(project);
            } else if (draw < 0.4) {
                operation = "update";
                project.declared = declare(project);
            } else if (draw < 0.55) {
                operation = "rotate-api-secret";
                if (project.mode === "opentok") {
                    project.credential = `rotated-${project.id}-${d}-secret`;
                    rotatedSecrets.push(project.credential);
                    emulator.addProject(project.id, project.credential);
                } else {
                    const keys = project.credential === vonageKeys.privateKey ? rotatedKey : vonageKeys;
                    project.credential = keys.privateKey;
                    emulator.addApplication(project.id, keys.publicKey);
                }
                project.declared = { ...project.declared, ...auth(project) };
            } else if (draw < 0.7) {
                operation = "destroy";
                project.declared = undefined;
            } else if (draw < 0.8) {
                operation = "wrong-api-secret";
            } else {
                operation = "no-op";
            }
            return { project, operation };
        });
        const before = emulator.requests.length;
        const outcomes = await Promise.all(
            plans.map(async ({ project, operation }) => {
                const declaredBefore = project.declared;
                if (operation === "wrong-api-secret") {
                    // A user's mistake: an update signed with a secret OpenTok does not know.
                    const credential = project.mode === "opentok" ? "not-the-project-secret" : unknownKey.privateKey;
                    project.declared = {
                        ...project.declared!,
                        ...auth(project, credential),
                        fallback: project.declared!.fallback === "none" ? "opentok" : "none",
                    };
                }
                try {
                    await apply(host, project, operation);
                    return { project, operation, error: undefined as string | undefined };
                } catch (e) {
                    return { project, operation, error: (e as Error).message };
                } finally {
                    if (operation === "wrong-api-secret") {
                        project.declared = declaredBefore;
                    }
                }
            }),
        );
        await emulator.idle();
        await host.stop();
        sweep.check("provider host stderr (DEBUG=*)", host.stderr);
        sweep.check("provider host stdout (DEBUG=*)", host.stdout);
        figures["host output swept (bytes, DEBUG=*)"] += host.stderr.length + host.stdout.length;

        const sent = emulator.requests.slice(before);
        figures["requests sent"] += sent.length;
        for (const { project, operation, error } of outcomes) {
            figures.operations += 1;
            sweep.check("error message crossing gRPC", error);
            // What the client saw: answers it was still waiting for.
            const requests = sent.filter((r) => r.path === `/v2/project/${project.id}/archive/storage` && !r.clientGaveUp);
            const refusedAt = requests.findIndex(
                (r) => typeof r.outcome === "number" && r.outcome >= 400 && r.outcome < 500 && r.outcome !== 429 && r.outcome !== 404,
            );
            if (refusedAt >= 0 && refusedAt < requests.length - 1) {
                figures["wrongly retried"] += 1;
            }
            if (error === undefined) {
                figures.converged += 1;
                const held = emulator.targets.get(project.id);
                const expected = project.declared;
                const matches =
                    expected === undefined ? held === undefined : JSON.stringify(held) === JSON.stringify(expectedTarget(project, expected));
                if (operation !== "wrong-api-secret" && !matches) {
                    figures["declared state after a converged op differs"] += 1;
                }
            } else if (clearError.test(error)) {
                figures["failed with a clear error"] += 1;
            } else {
                figures["failed with an unclear error"] += 1;
                console.error(`unclear error for ${operation}: ${error}`);
            }
        }
    }
    figures["faults injected"] = Object.values(emulator.faultCounts).reduce((a, b) => a + b, 0);
    const faultsByKind = { ...emulator.faultCounts };

    // A final `pulumi up` without faults: every project ends as the program declares.
    emulator.clearLog();
    const host = await ProviderHost.start(hostEnvironment);
    for (const project of projects) {
        await apply(host, project, project.declared ? "update" : "destroy");
    }
    await host.stop();
    sweep.check("provider host stderr (DEBUG=*)", host.stderr);
    sweep.check("provider host stdout (DEBUG=*)", host.stdout);
    for (const project of projects) {
        const held = emulator.targets.get(project.id);
        const expected = project.declared;
        const same = expected === undefined ? held === undefined : JSON.stringify(held) === JSON.stringify(expectedTarget(project, expected));
        if (!same) {
            figures["wrong final state"] += 1;
        }
    }

    recordFigures("fault-injection", {
        ...figures,
        "OpenTok projects / Vonage applications": `${projects.filter((p) => p.mode === "opentok").length} / ${projects.filter((p) => p.mode === "vonage").length}`,
        seed,
        ...Object.fromEntries(Object.entries(faultsByKind).map(([k, v]) => [`faults: ${k}`, v])),
    });
    recordFigures("secret-leak-sweep (fault injection)", sweep.figures());

    expect(figures.operations).toBe(deployments * projectsPerDeployment);
    expect(figures["faults injected"]).toBeGreaterThan(figures.operations / 10);
    expect(figures["failed with an unclear error"]).toBe(0);
    expect(figures["wrongly retried"]).toBe(0);
    expect(figures["declared state after a converged op differs"]).toBe(0);
    expect(figures["wrong final state"]).toBe(0);
    expect(figures.converged + figures["failed with a clear error"]).toBe(figures.operations);
    expect(sweep.hits).toEqual([]);
    // The traces must have made the host talk, or the sweep of its output proves nothing.
    expect(figures["host output swept (bytes, DEBUG=*)"]).toBeGreaterThan(1000);
}, 600_000);
