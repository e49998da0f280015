// Reads the stack's configuration with pulumi.Config's own checks (allowedValues, getNumber's
// min, getBoolean, getObject). Pulumi's errors name the key and the value; each is rethrown with
// what the key must be and the command that sets it, which Pulumi's messages lack.

import * as pulumi from "@pulumi/pulumi";
import { fallbackModes, sseModes } from "@opentok-archive-storage/archive-upload-target";
import { ArchiveStorageArgs, Transition, transitionProblems } from "@opentok-archive-storage/archive-upload-target/aws";

/** The settings namespace of this project (its name in Pulumi.yaml). */
export const projectNamespace = "opentok-archive-storage";

export type StackSettings = ArchiveStorageArgs & {
    /** Protect every resource from `pulumi destroy` and from replacement. */
    readonly protect: boolean;
};

/** Leaves unset keys undefined: ArchiveStorage holds the defaults (its `@default`s). */
export function readStackSettings(): StackSettings {
    const stack = pulumi.getStack();
    const opentok = new pulumi.Config("opentok");
    const project = new pulumi.Config(projectNamespace);

    const setWith = (fullKey: string, value: string, secret = false) =>
        `pulumi config set${secret ? " --secret" : ""} ${fullKey} ${value} --stack ${stack}`;
    /**
     * Runs `read`; a Pulumi config error is rethrown saying what `key` must be and how to set it.
     * Secrets are read without value checks, so their only error is Missing, which holds no value.
     */
    const explained = <T>(config: pulumi.Config, key: string, mustBe: string, command: string, read: () => T): T => {
        try {
            return read();
        } catch (error) {
            if (!pulumi.RunError.isInstance(error)) {
                throw error;
            }
            // The first line names key and value; a Missing error's second line suggests a
            // command without the stack, replaced by ours.
            const what = (error as Error).message.split("\n")[0];
            throw new pulumi.RunError(`${what}: ${config.name}:${key} must be ${mustBe}. Set it with: ${command}`);
        }
    };
    const wholeNumber = (key: string, mustBe: string, example: number) =>
        explained(project, key, `a whole number of at least 1 (${mustBe})`, setWith(`${project.name}:${key}`, String(example)), () => {
            const value = project.getNumber(key, { min: 1 });
            // getNumber takes what parseFloat takes ("7.5", "30days"): refuse all but digits.
            project.get(key, { pattern: /^\d+$/ });
            return value;
        });
    const flag = (key: string, mustBe: string, example: boolean) =>
        explained(project, key, `true or false (${mustBe})`, setWith(`${project.name}:${key}`, String(example)), () => project.getBoolean(key));

    const apiUrl = opentok.get("apiUrl");
    const applicationId = opentok.get("applicationId");
    const credentials: ArchiveStorageArgs["opentok"] = applicationId
        ? {
              applicationId,
              privateKey: explained(
                  opentok,
                  "privateKey",
                  `the private key of Vonage application ${applicationId}`,
                  `pulumi config set --secret opentok:privateKey --stack ${stack} < private.key`,
                  () => opentok.requireSecret("privateKey"),
              ),
              apiUrl,
          }
        : {
              apiKey: explained(
                  opentok,
                  "apiKey",
                  "the OpenTok project's API key (or set opentok:applicationId for a Vonage Video API application)",
                  setWith("opentok:apiKey", "<apiKey>"),
                  () => opentok.require("apiKey"),
              ),
              apiSecret: explained(opentok, "apiSecret", "the OpenTok project's API secret", setWith("opentok:apiSecret", "<apiSecret>", true), () =>
                  opentok.requireSecret("apiSecret"),
              ),
              apiUrl,
          };

    const retentionDays = wholeNumber("retentionDays", "days archives are kept", 30);
    const accessLogRetentionDays = wholeNumber("accessLogRetentionDays", "days access logs are kept", 365);
    return {
        opentok: credentials,
        sse: explained(project, "sse", `one of ${sseModes.join(", ")}`, setWith(`${project.name}:sse`, "s3"), () =>
            project.get("sse", { allowedValues: [...sseModes] }),
        ),
        fallback: explained(project, "fallback", `one of ${fallbackModes.join(", ")}`, setWith(`${project.name}:fallback`, "none"), () =>
            project.require("fallback", { allowedValues: [...fallbackModes] }),
        ),
        retentionDays,
        noncurrentVersionDays: wholeNumber("noncurrentVersionDays", "days previous versions are kept", 30),
        transitions: readTransitions(project, stack, retentionDays),
        accessLogs: flag("accessLogs", "write S3 server access logs", true) ? { retentionDays: accessLogRetentionDays } : undefined,
        forceDestroy: flag("forceDestroy", "let destroy delete buckets that hold archives", false),
        verify: flag("verify", "probe the bucket with the new key before setting the target", true),
        protect: flag("protect", "protect every resource", true) ?? false,
        keyGeneration: wholeNumber("keyGeneration", "the access key's generation", 2),
        tags: { project: projectNamespace, environment: stack, "managed-by": "pulumi" },
    };
}

/**
 * A list in the stack file, e.g. [{storageClass: GLACIER_IR, days: 90}]; days may be a number or a
 * numeric string (`pulumi config set --path` writes either). getObject parses but does not check
 * the shape; S3's rules are checked here too, so that the error names the config key.
 */
function readTransitions(project: pulumi.Config, stack: string, retentionDays: number | undefined): Transition[] | undefined {
    const key = `${project.name}:transitions`;
    const setWith = `pulumi config set --path '${key}[0].storageClass' GLACIER_IR --stack ${stack} and the same with [0].days`;
    let value: unknown;
    try {
        value = project.getObject<unknown>("transitions");
    } catch (error) {
        throw new pulumi.RunError(`${(error as Error).message}: ${key} must be a list of {storageClass, days}. Set it with: ${setWith}`);
    }
    if (value === undefined) {
        return undefined;
    }
    const wellFormed =
        Array.isArray(value) &&
        value.every(
            (t) =>
                typeof t === "object" &&
                t !== null &&
                typeof t.storageClass === "string" &&
                (typeof t.days === "number" || (typeof t.days === "string" && /^\d+$/.test(t.days))),
        );
    if (!wellFormed) {
        throw new pulumi.RunError(
            `Configuration '${key}' value '${JSON.stringify(value)}' is not a list of {storageClass, days}: ${key} must be a list of {storageClass, days}, e.g. [{"storageClass":"GLACIER_IR","days":90}]. Set it with: ${setWith}`,
        );
    }
    const transitions = (value as { storageClass: string; days: number | string }[]).map((t) => ({
        storageClass: t.storageClass as Transition["storageClass"],
        days: Number(t.days),
    }));
    const problems = transitionProblems(transitions, retentionDays);
    if (problems.length > 0) {
        throw new pulumi.RunError(`Configuration ${problems.map((p) => `${project.name}:${p}`).join("; ")}. Change it with: ${setWith}`);
    }
    return transitions;
}
