// Reads and validates the stack's configuration. Every error names the config key, what was
// wrong, and the command that sets it.

import * as pulumi from "@pulumi/pulumi";
import { fallbackModes, sseModes } from "@opentok-archive-storage/archive-upload-target";
import type { ArchiveStorageArgs } from "./archive-storage";
import { Transition, transitionProblems } from "./lifecycle";

/** The settings namespace of this project (its name in Pulumi.yaml). */
export const projectNamespace = "opentok-archive-storage";

export interface StackSettings extends ArchiveStorageArgs {
    /** Protect every resource from `pulumi destroy` and from replacement. */
    protect: boolean;
}

export function readStackSettings(): StackSettings {
    const opentok = new pulumi.Config("opentok");
    const project = new pulumi.Config(projectNamespace);
    const stack = pulumi.getStack();
    const setWith = (key: string, value: string, secret = false) => `pulumi config set${secret ? " --secret" : ""} ${key} ${value} --stack ${stack}`;

    const apiUrl = opentok.get("apiUrl");
    const applicationId = opentok.get("applicationId");
    let credentials: StackSettings["opentok"];
    if (applicationId) {
        // A Vonage Video API application.
        const privateKey = opentok.getSecret("privateKey");
        if (privateKey === undefined) {
            throw new pulumi.RunError(
                `Missing required configuration opentok:privateKey (the private key of Vonage application ${applicationId}). Set it with: pulumi config set --secret opentok:privateKey --stack ${stack} < private.key`,
            );
        }
        credentials = { applicationId, privateKey, apiUrl };
    } else {
        const apiKey = opentok.get("apiKey");
        if (!apiKey) {
            throw new pulumi.RunError(
                `Missing required configuration opentok:apiKey (the OpenTok project's API key), or opentok:applicationId for a Vonage Video API application. Set it with: ${setWith("opentok:apiKey", "<apiKey>")}`,
            );
        }
        const apiSecret = opentok.getSecret("apiSecret");
        if (apiSecret === undefined) {
            throw new pulumi.RunError(
                `Missing required configuration opentok:apiSecret (the OpenTok project's API secret). Set it with: ${setWith("opentok:apiSecret", "<apiSecret>", true)}`,
            );
        }
        credentials = { apiKey, apiSecret, apiUrl };
    }

    const oneOf = <T extends string>(key: string, allowed: readonly T[], fallbackValue?: T): T => {
        const value = project.get(key) ?? fallbackValue;
        if (value === undefined) {
            throw new pulumi.RunError(
                `Missing required configuration ${projectNamespace}:${key}; allowed values are ${allowed.join(", ")}. Set it with: ${setWith(`${projectNamespace}:${key}`, allowed[0]!)}`,
            );
        }
        if (!(allowed as readonly string[]).includes(value)) {
            throw new pulumi.RunError(
                `Configuration ${projectNamespace}:${key} must be one of ${allowed.join(", ")}, but is ${JSON.stringify(value)}.`,
            );
        }
        return value as T;
    };
    const wholeNumber = (key: string, min: number): number | undefined => {
        const raw = project.get(key);
        if (raw === undefined || raw === "") {
            return undefined;
        }
        const value = Number(raw);
        if (!Number.isInteger(value) || value < min) {
            throw new pulumi.RunError(
                `Configuration ${projectNamespace}:${key} must be a whole number of at least ${min}, but is ${JSON.stringify(raw)}.`,
            );
        }
        return value;
    };
    const flag = (key: string, fallbackValue = false): boolean => {
        const raw = project.get(key);
        if (raw === undefined || raw === "") {
            return fallbackValue;
        }
        if (raw !== "true" && raw !== "false") {
            throw new pulumi.RunError(`Configuration ${projectNamespace}:${key} must be true or false, but is ${JSON.stringify(raw)}.`);
        }
        return raw === "true";
    };

    // A list in the stack file, e.g. [{storageClass: GLACIER_IR, days: 90}]; days may be a number
    // or a numeric string (`pulumi config set --path` writes either). S3's rules are checked by
    // ArchiveStorage, before any resource is registered.
    const transitionList = (key: string, retentionDays: number | undefined): Transition[] => {
        const raw = project.get(key);
        if (raw === undefined || raw === "") {
            return [];
        }
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch {
            value = undefined;
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
                `Configuration ${projectNamespace}:${key} must be a list of {storageClass, days}, e.g. [{"storageClass":"GLACIER_IR","days":90}], but is ${raw}. Set it with: pulumi config set --path '${projectNamespace}:${key}[0].storageClass' GLACIER_IR --stack ${stack} and the same with [0].days`,
            );
        }
        const transitions = (value as { storageClass: string; days: number | string }[]).map((t) => ({
            storageClass: t.storageClass as Transition["storageClass"],
            days: Number(t.days),
        }));
        const problems = transitionProblems(transitions, retentionDays);
        if (problems.length > 0) {
            throw new pulumi.RunError(`Configuration ${problems.map((p) => `${projectNamespace}:${p}`).join("; ")}.`);
        }
        return transitions;
    };
    const retentionDays = wholeNumber("retentionDays", 1);
    const accessLogRetentionDays = wholeNumber("accessLogRetentionDays", 1) ?? 365;

    return {
        opentok: credentials,
        sse: oneOf("sse", sseModes, "s3"),
        fallback: oneOf("fallback", fallbackModes),
        retentionDays,
        noncurrentVersionDays: wholeNumber("noncurrentVersionDays", 1),
        transitions: transitionList("transitions", retentionDays),
        accessLogs: flag("accessLogs") ? { retentionDays: accessLogRetentionDays } : undefined,
        forceDestroy: flag("forceDestroy"),
        verify: flag("verify", true),
        protect: flag("protect"),
        keyGeneration: wholeNumber("keyGeneration", 1) ?? 1,
        tags: { project: projectNamespace, environment: stack, "managed-by": "pulumi" },
    };
}
