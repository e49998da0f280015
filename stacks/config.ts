// Reads the stack's configuration whole, before any resource exists: pulumi.Config's own checks
// (allowedValues, getNumber's min, getBoolean, getObject) and, for the opentok:* credentials, the
// ArchiveUploadTarget's own check (the package's credentialFailures). Every problem is collected
// and reported in one error, each with what the key must be and a command that fixes it without
// changing what the stack means (the value's own kind when it shows one, else the documented
// default, or a placeholder where there is no default on purpose).

import * as pulumi from "@pulumi/pulumi";
import { credentialFailures, CredentialInputs, fallbackModes, sseModes } from "@opentok-archive-storage/archive-upload-target";
import { ArchiveStorageArgs, Transition, transitionProblems } from "@opentok-archive-storage/archive-upload-target/aws";

/** The settings namespace of this project (its name in Pulumi.yaml). */
export const projectNamespace = "opentok-archive-storage";

export type StackSettings = ArchiveStorageArgs & {
    /** Protect the archives and what guards them (not the access key or the target, which rotation and re-setting replace); `pulumi destroy` is refused. */
    readonly protect: boolean;
};

const credentialKeys = ["apiKey", "apiSecret", "applicationId", "privateKey", "apiUrl"] as const satisfies readonly (keyof CredentialInputs)[];
const secretCredentialKeys: readonly string[] = ["apiSecret", "privateKey"];
const projectKeys = [
    "sse",
    "fallback",
    "retentionDays",
    "noncurrentVersionDays",
    "transitions",
    "accessLogs",
    "accessLogRetentionDays",
    "forceDestroy",
    "verify",
    "protect",
    "keyGeneration",
] as const;

/** Leaves unset keys undefined: ArchiveStorage holds the defaults (its `@default`s). */
export function readStackSettings(): StackSettings {
    const stack = pulumi.getStack();
    const opentok = new pulumi.Config("opentok");
    const project = new pulumi.Config(projectNamespace);
    const problems: string[] = [];

    const setWith = (fullKey: string, value: string, secret = false) =>
        `Set it with: pulumi config set${secret ? " --secret" : ""} ${fullKey} ${value} --stack ${stack}`;
    const removeWith = (fullKey: string, what: string) => `Remove it to ${what}: pulumi config rm ${fullKey} --stack ${stack}`;
    /** The value as the stack file holds it (a secret in plain text: only its length is ever shown). */
    const raw = (config: pulumi.Config, key: string) => pulumi.runtime.getConfig(`${config.name}:${key}`);

    /**
     * Runs `read`; a Pulumi config error becomes a problem saying what `key` must be and how to
     * fix it, and the key reads as unset. An empty value is a problem of its own: Pulumi reads ""
     * as a value, ArchiveUploadTarget as "not given", and neither is what a user means.
     */
    const explained = <T>(
        config: pulumi.Config,
        key: string,
        mustBe: string,
        fix: (value: string | undefined) => string,
        read: () => T,
    ): T | undefined => {
        const fullKey = `${config.name}:${key}`;
        if (raw(config, key) === "") {
            problems.push(`Configuration '${fullKey}' is the empty string: ${fullKey} must be ${mustBe}. ${fix("")}`);
            return undefined;
        }
        try {
            return read();
        } catch (error) {
            if (!pulumi.RunError.isInstance(error)) {
                throw error;
            }
            // The first line names key and value; a Missing error's second line suggests a
            // command without the stack, replaced by ours.
            const what = (error as Error).message.split("\n")[0];
            problems.push(`${what}: ${fullKey} must be ${mustBe}. ${fix(raw(config, key))}`);
            return undefined;
        }
    };
    const wholeNumber = (key: string, mustBe: string, byDefault: number | { removeTo: string }) =>
        explained(
            project,
            key,
            `a whole number of at least 1 (${mustBe})`,
            (value) => {
                // "7.5" or "30days" mean a number: keep it; otherwise the documented default.
                const meant = Number(/^\s*(\d+)/.exec(value ?? "")?.[1] ?? 0);
                const fullKey = `${project.name}:${key}`;
                if (meant >= 1) {
                    return setWith(fullKey, String(meant));
                }
                return typeof byDefault === "number" ? setWith(fullKey, String(byDefault)) : removeWith(fullKey, byDefault.removeTo);
            },
            () => {
                const value = project.getNumber(key, { min: 1 });
                // getNumber takes what parseFloat takes ("7.5", "30days"): refuse all but digits.
                project.get(key, { pattern: /^\d+$/ });
                return value;
            },
        );
    const flag = (key: string, mustBe: string, byDefault: boolean) =>
        explained(
            project,
            key,
            `true or false (${mustBe})`,
            (value) => setWith(`${project.name}:${key}`, String(meantBoolean(value) ?? byDefault)),
            () => project.getBoolean(key),
        );

    refuseUnknownKeys(problems, stack);
    const opentokSettings = readCredentials(opentok, stack, problems);

    const retentionDays = wholeNumber("retentionDays", "days archives are kept", { removeTo: "keep archives until they are deleted" });
    const accessLogRetentionDays = wholeNumber("accessLogRetentionDays", "days access logs are kept", 365);
    const settings = {
        opentok: opentokSettings,
        sse: explained(
            project,
            "sse",
            `one of ${sseModes.join(", ")}`,
            // KMS, AES256 and the like all ask for encryption: SSE-S3 is the one OpenTok has.
            (value) => setWith(`${project.name}:sse`, value?.trim().toLowerCase() === "none" ? "none" : "s3"),
            () => project.get("sse", { allowedValues: [...sseModes] }),
        ),
        fallback: explained(
            project,
            "fallback",
            `one of ${fallbackModes.join(", ")} (none: an archive whose upload fails is lost; opentok: it stays in the OpenTok cloud for 72 hours)`,
            // No default on purpose: only a spelling of an allowed value is suggested as that value.
            (value) => setWith(`${project.name}:fallback`, fallbackModes.find((m) => m === value?.trim().toLowerCase()) ?? "<none|opentok>"),
            () => project.require("fallback", { allowedValues: [...fallbackModes] }),
        ),
        retentionDays,
        noncurrentVersionDays: wholeNumber("noncurrentVersionDays", "days previous versions are kept", 30),
        transitions: readTransitions(project, stack, retentionDays, problems),
        accessLogs: flag("accessLogs", "write S3 server access logs", false) ? { retentionDays: accessLogRetentionDays } : undefined,
        forceDestroy: flag("forceDestroy", "let destroy delete buckets that hold archives", false),
        verify: flag("verify", "probe the bucket with the new key before setting the target", true),
        protect: flag("protect", "protect the archives and what guards them (not the key or the target)", false) ?? false,
        keyGeneration: wholeNumber("keyGeneration", "the access key's generation", 1),
        tags: { project: projectNamespace, environment: stack, "managed-by": "pulumi" },
    };
    if (problems.length === 1) {
        throw new pulumi.RunError(problems[0]!);
    }
    if (problems.length > 1) {
        throw new pulumi.RunError(
            `${problems.length} configuration problems in stack ${stack}; nothing was created:\n${problems.map((p) => `- ${p}`).join("\n")}`,
        );
    }
    // Every reader above recorded a problem when it returned undefined for a required value.
    return settings as StackSettings;
}

/** The stack's intent in a boolean's words ("yes", "off"), or undefined when it shows none. */
function meantBoolean(value: string | undefined): boolean | undefined {
    const word = value?.trim().toLowerCase() ?? "";
    return ["yes", "y", "on", "1", "enable", "enabled"].includes(word)
        ? true
        : ["no", "n", "off", "0", "disable", "disabled"].includes(word)
          ? false
          : undefined;
}

/** A key in this program's namespaces that it does not read is a misspelling: never ignored. */
function refuseUnknownKeys(problems: string[], stack: string) {
    const known: Record<string, readonly string[]> = { opentok: credentialKeys, [projectNamespace]: projectKeys };
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        const [namespace, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
        const keys = known[namespace];
        if (keys !== undefined && !keys.includes(key)) {
            problems.push(
                `Configuration '${fullKey}' is not a setting of this program: the ${namespace} settings are ${keys.join(", ")}. Remove it with: pulumi config rm ${fullKey} --stack ${stack}`,
            );
        }
    }
}

/**
 * The opentok:* keys: an OpenTok project (apiKey + apiSecret) or a Vonage application
 * (applicationId + privateKey), checked by ArchiveUploadTarget's own rules so that a value the
 * target would refuse never gets as far as creating the bucket and the key.
 */
function readCredentials(opentok: pulumi.Config, stack: string, problems: string[]): ArchiveStorageArgs["opentok"] {
    const given: CredentialInputs = {};
    for (const key of credentialKeys) {
        const value = pulumi.runtime.getConfig(`opentok:${key}`);
        if (value !== undefined) {
            given[key] = value;
        }
    }
    const vonage = given.applicationId !== undefined || given.privateKey !== undefined;
    const required = vonage ? (["applicationId", "privateKey"] as const) : (["apiKey", "apiSecret"] as const);
    const fixes: Record<keyof CredentialInputs, string> = {
        apiKey: `Set it with: pulumi config set opentok:apiKey <apiKey> --stack ${stack}`,
        apiSecret: `Set it with: pulumi config set --secret opentok:apiSecret <apiSecret> --stack ${stack}`,
        applicationId: `Set it with: pulumi config set opentok:applicationId <applicationId> --stack ${stack}`,
        privateKey: `Set it with: pulumi config set --secret opentok:privateKey --stack ${stack} < private.key`,
        apiUrl: apiUrlFix(given.apiUrl, stack),
    };
    const mustBe: Record<keyof CredentialInputs, string> = {
        apiKey: "the OpenTok project's API key (or set opentok:applicationId for a Vonage Video API application)",
        apiSecret: "the OpenTok project's API secret",
        applicationId: "the ID of a Vonage Video API application",
        privateKey: `the private key of Vonage application ${given.applicationId ?? "<applicationId>"}`,
        apiUrl: "the base URL of the API, or unset for the API's own",
    };

    const reported = new Set<string>();
    for (const key of credentialKeys) {
        if (given[key] === "") {
            problems.push(`Configuration 'opentok:${key}' is the empty string: opentok:${key} must be ${mustBe[key]}. ${fixes[key]}`);
            reported.add(key);
        } else if (given[key] === undefined && (required as readonly string[]).includes(key)) {
            problems.push(`Missing required configuration variable 'opentok:${key}': opentok:${key} must be ${mustBe[key]}. ${fixes[key]}`);
            reported.add(key);
        }
    }
    const present = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== "")) as CredentialInputs;
    for (const failure of credentialFailures(present)) {
        if (reported.has(failure.property) && /required but was not given/.test(failure.reason)) {
            continue;
        }
        const key = failure.property as keyof CredentialInputs;
        const fix = /cannot be given together/.test(failure.reason)
            ? `Remove the credentials the stack does not use: pulumi config rm opentok:apiKey --stack ${stack} && pulumi config rm opentok:apiSecret --stack ${stack} to keep the application, or the same for opentok:applicationId and opentok:privateKey to keep the project`
            : fixes[key];
        problems.push(
            `Configuration 'opentok:${key}'${secretCredentialKeys.includes(key) ? " (secret, not shown)" : ""}: opentok:${key} ${failure.reason}. ${fix}`,
        );
    }

    // The secrets reach ArchiveStorage as secret outputs, never as plain strings.
    const secret = (key: "apiSecret" | "privateKey") => (given[key] ? opentok.requireSecret(key) : (undefined as unknown as pulumi.Output<string>));
    const apiUrl = given.apiUrl || undefined;
    return vonage
        ? { applicationId: given.applicationId ?? "", privateKey: secret("privateKey"), apiUrl }
        : { apiKey: given.apiKey ?? "", apiSecret: secret("apiSecret"), apiUrl };
}

/** The same API at its base URL: https for a host that is not loopback, no path; else the default. */
function apiUrlFix(value: string | undefined, stack: string): string {
    const remove = `Remove it to use the API's own URL: pulumi config rm opentok:apiUrl --stack ${stack}`;
    let url: URL;
    try {
        url = new URL(value ?? "");
    } catch {
        return remove;
    }
    const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname);
    const base = `${url.protocol === "http:" && loopback ? "http:" : "https:"}//${url.host}`;
    return url.protocol === "http:" || url.protocol === "https:" ? `Set it with: pulumi config set opentok:apiUrl ${base} --stack ${stack}` : remove;
}

/**
 * A list in the stack file, e.g. [{storageClass: GLACIER_IR, days: 90}]; days may be a number or a
 * numeric string (`pulumi config set --path` writes either). getObject parses but does not check
 * the shape; S3's rules are checked here too, so that the problem names the config key.
 */
function readTransitions(project: pulumi.Config, stack: string, retentionDays: number | undefined, problems: string[]): Transition[] | undefined {
    const key = `${project.name}:transitions`;
    // Placeholders, not a class and a day count of ours: the stack's own list says what it means.
    const setWithAt = (index: string) =>
        `pulumi config set --path '${key}[${index}].storageClass' <storageClass> --stack ${stack} and pulumi config set --path '${key}[${index}].days' <days> --stack ${stack}`;
    const setWith = setWithAt("0");
    let value: unknown;
    try {
        value = project.getObject<unknown>("transitions");
    } catch (error) {
        problems.push(`${(error as Error).message}: ${key} must be a list of {storageClass, days}. Set it with: ${setWith}`);
        return undefined;
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
        problems.push(
            `Configuration '${key}' value '${JSON.stringify(value)}' is not a list of {storageClass, days}: ${key} must be a list of {storageClass, days}, e.g. [{"storageClass":"GLACIER_IR","days":90}]. Set it with: ${setWith}`,
        );
        return undefined;
    }
    const transitions = (value as { storageClass: string; days: number | string }[]).map((t) => ({
        storageClass: t.storageClass as Transition["storageClass"],
        days: Number(t.days),
    }));
    const found = transitionProblems(transitions, retentionDays);
    if (found.length > 0) {
        const index = /^transitions\[(\d+)\]/.exec(found[0]!)?.[1] ?? "0";
        problems.push(`Configuration ${found.map((p) => `${project.name}:${p}`).join("; ")}. Change it with: ${setWithAt(index)}`);
        return undefined;
    }
    return transitions;
}
