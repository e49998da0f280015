// check: runs every input's rule (properties.ts) and the rules between inputs (one auth mode, one
// target type), applies defaults and normalization, and answers failures as data: each names the
// property, what was given and what is allowed. Runs in `check` and again before any request.

import { authModeOf, CheckFailure, CheckResult, isGiven, PropertyName, RawInputs, TargetInputs } from "./inputs";
import { applies, holdsValueOf, isPropertyName, properties, propertyNames } from "./properties";
import { isSecretProperty, redact, redactThenCut, secretPropertyNames, secretValuesOf } from "./secrets";
import { isLoopbackUrl, unreachableEndpointReason } from "./rules";
import { isUnknown } from "./unknown";

/** Inputs the provider manages itself and that callers never set. */
const reservedInputNames = ["__provider"];

type Resolved = Partial<Record<PropertyName, unknown>>;

/** For `check`: values unknown at preview pass unchanged and are never a failure; they are checked again when known. */
export function checkAtPreview(given: object): CheckResult<TargetInputs> {
    return checked(Object.fromEntries(Object.entries(given)), { acceptUnknown: true });
}

/** Before a request: an unknown value is a failure, the placeholder must never reach the API. */
export function checkBeforeRequest(given: object): CheckResult<TargetInputs> {
    const news: RawInputs = Object.fromEntries(Object.entries(given));
    const unknown = Object.keys(news).filter((name) => isUnknown(news[name]));
    if (unknown.length > 0) {
        const reason = "is not known yet (it depends on a resource not yet created); it must be known before the target can be set";
        return {
            ok: false,
            failures: withoutSecrets(
                unknown.map((property) => ({ property, reason })),
                secretValuesOf(news),
            ),
        };
    }
    return checked(news, { acceptUnknown: false });
}

function checked(news: RawInputs, { acceptUnknown }: { acceptUnknown: boolean }): CheckResult<TargetInputs> {
    const { failures, resolved } = runRules(news);
    if (failures.length > 0) {
        return { ok: false, failures };
    }
    if (!holdsAll(resolved, { acceptUnknown })) {
        // A rule accepted a value its property cannot hold: a bug here, not the user's input.
        throw new Error(wrongTypeMessage(resolved));
    }
    return { ok: true, inputs: resolved };
}

/**
 * State as stored by any version of this provider, in the current shape. Inputs added later get
 * their earlier meaning from their defaults, so that delete and refresh keep working on old state:
 * version 1 had no auth mode (OpenTok), no type (S3) and no verify (on).
 */
export function stateFromStored(stored: object): TargetInputs {
    const raw: RawInputs = Object.fromEntries(Object.entries(stored));
    const state: Resolved = {};
    for (const name of propertyNames) {
        const value = raw[name];
        if (value !== undefined && value !== null) {
            const row = properties[name];
            state[name] = row.kind === "string" && row.normalize ? row.normalize(value) : value;
        }
    }
    const mode = authModeOf(state);
    for (const name of propertyNames) {
        const row = properties[name];
        if (state[name] === undefined && row.default !== undefined && applies(name, mode, state.type)) {
            state[name] = row.default(mode);
        }
    }
    if (!holdsAll(state, { acceptUnknown: false })) {
        throw new Error(`ArchiveUploadTarget's stored state cannot be read: ${wrongTypeMessage(state)}`);
    }
    return state;
}

function runRules(news: RawInputs): { failures: CheckFailure[]; resolved: Resolved } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    const resolved: Resolved = {};
    // Values quoted in a reason are redacted before they are cut: a secret across the cut
    // would otherwise be shown in part.
    const secrets = secretValuesOf(news);

    for (const name of Object.keys(news)) {
        if (!reservedInputNames.includes(name) && !isPropertyName(name)) {
            fail(name, `is not an input of ArchiveUploadTarget; the inputs are ${propertyNames.join(", ")}`);
        }
    }

    // Auth: OpenTok (apiKey + apiSecret) or Vonage Video API (applicationId + privateKey).
    const mode = authModeOf(news);
    const credentialNamesOf = (authMode: string) => propertyNames.filter((n) => properties[n].authMode === authMode);
    const openTokGiven = credentialNamesOf("opentok").filter((n) => isGiven(news[n]));
    const vonageGiven = credentialNamesOf("vonage").filter((n) => isGiven(news[n]));
    if (openTokGiven.length > 0 && vonageGiven.length > 0) {
        fail(
            vonageGiven[0]!,
            `cannot be given together with ${openTokGiven.join(" and ")}: give either apiKey and apiSecret (an OpenTok project) or applicationId and privateKey (a Vonage Video API application), not both`,
        );
    }
    const otherMode =
        mode === "vonage" ? "apiKey and apiSecret (an OpenTok project)" : "applicationId and privateKey (a Vonage Video API application)";
    const missingCredential = `is required but was not given; give ${credentialNamesOf(mode).join(" and ")}, or instead ${otherMode}`;

    for (const name of propertyNames) {
        if (!applies(name, mode, resolved.type)) {
            continue;
        }
        const row = properties[name];
        if (row.kind === "boolean") {
            const value = isGiven(news[name]) ? news[name] : row.default();
            resolved[name] = value;
            if (!isUnknown(value) && typeof value !== "boolean") {
                fail(name, `must be true or false, but was ${described(value, secrets)}`);
            }
            continue;
        }
        let value = row.normalize ? row.normalize(news[name]) : news[name];
        // Not given (isGiven: Pulumi and YAML programs pass null and "" for not set): the default,
        // or nothing for an optional input; a required one fails below as missing.
        if (!isGiven(value)) {
            if (row.default !== undefined) {
                value = row.default(mode);
            } else if (!row.required) {
                continue;
            }
        }
        resolved[name] = value;
        const missing = row.missing ?? (row.authMode !== undefined ? missingCredential : "is required but was not given");
        const reason = stringReason(value, missing, row.allowed, row.secret, secrets, (text) =>
            row.rule(text, shownValue(row.secret, text, secrets)),
        );
        if (reason !== undefined) {
            fail(name, reason);
        } else if (row.resolve && typeof value === "string" && !isUnknown(value)) {
            resolved[name] = row.resolve(value, mode);
        }
        if (name === "type") {
            refuseOtherTypeInputs(news, resolved.type, fail);
        }
    }
    refuseUnreachableEndpoint(resolved, failures, fail, secrets);
    return { failures: withoutSecrets(refuseMisplacedSecrets(news, failures), secrets), resolved: definedOnly(resolved) };
}

/**
 * An endpoint OpenTok cannot reach (loopback, a private network, plain http) is refused unless
 * apiUrl is a loopback emulator too: OpenTok's own servers would be told to upload there, every
 * upload would fail, and with fallback "none" every archive would be lost. The preflight cannot
 * catch it, as it runs on this machine, which does reach the endpoint.
 */
function refuseUnreachableEndpoint(
    resolved: Resolved,
    failures: CheckFailure[],
    fail: (property: string, reason: string) => void,
    secrets: readonly string[],
) {
    const { endpoint, apiUrl } = resolved;
    const judged = (name: string, value: unknown): value is string =>
        typeof value === "string" && !isUnknown(value) && !failures.some((f) => f.property === name);
    if (!judged("endpoint", endpoint) || !judged("apiUrl", apiUrl) || isLoopbackUrl(apiUrl)) {
        return;
    }
    const kind = unreachableEndpointReason(endpoint);
    if (kind !== undefined) {
        fail(
            "endpoint",
            `was ${shownValue(false, endpoint, secrets)}, ${kind}: OpenTok's servers upload archives from the internet and can never reach it, ` +
                `so every upload would fail, and with fallback "none" every archive would be lost. Such an endpoint is accepted only with a ` +
                `loopback apiUrl (a local emulator, apiUrl ${shownValue(false, apiUrl, secrets)} is not one); give storage that the internet ` +
                `reaches over https, such as "https://storage.googleapis.com", or leave endpoint out for AWS S3`,
        );
    }
}

/** Inputs of the other target type (say `bucket` with type "azure"): a slip, never ignored. */
function refuseOtherTypeInputs(news: RawInputs, type: unknown, fail: (property: string, reason: string) => void) {
    const groupNames = { s3: "S3", azure: "Azure" } as const;
    if (type !== "s3" && type !== "azure") {
        return;
    }
    const required = propertyNames.filter((n) => properties[n].group === type && properties[n].kind === "string" && properties[n].required);
    const give = `${required.slice(0, -1).join(", ")} and ${required.at(-1)}`;
    for (const name of propertyNames) {
        const { group } = properties[name];
        if ((group === "s3" || group === "azure") && group !== type && isGiven(news[name])) {
            fail(name, `is an input of ${groupNames[group]} targets; with type ${JSON.stringify(type)} give ${give}`);
        }
    }
}

/** Why a string input is refused, or undefined: an unknown value passes, a missing one gets `missing`. */
function stringReason(
    value: unknown,
    missing: string,
    allowed: readonly string[] | undefined,
    secret: boolean,
    secrets: readonly string[],
    rule: (value: string) => string | undefined,
): string | undefined {
    if (isUnknown(value)) {
        return undefined;
    }
    if (value === undefined || value === null || value === "") {
        return missing;
    }
    if (typeof value !== "string") {
        const expected = allowed ? `one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` : "a string";
        return `must be ${expected}, but was ${secret ? kindOf(value) : described(value, secrets)}`;
    }
    return rule(value);
}

/** A value that is not a string, for a message: its kind, and the value when that is short. */
function described(value: unknown, secrets: readonly string[]): string {
    if (Array.isArray(value) || typeof value === "object") {
        return kindOf(value);
    }
    if (typeof value === "string") {
        return shownValue(false, value, secrets);
    }
    // String(), not JSON: JSON shows NaN and Infinity as null.
    return `${typeof value === "number" ? "the number" : `the ${typeof value}`} ${redact(String(value), secrets)}`;
}

/** What kind of value was given, without the value: all a secret input's message may say of it. */
function kindOf(value: unknown): string {
    if (Array.isArray(value)) {
        return "a list";
    }
    if (value === null || typeof value === "object") {
        return "an object";
    }
    return typeof value === "number" ? "a number" : `a ${typeof value}`;
}

/** Shows a value in a message: redacted, then quoted and cut; or not at all when it is a secret. */
function shownValue(secret: boolean, value: string, secrets: readonly string[]): string {
    if (secret) {
        return `a secret value of ${value.length} characters`;
    }
    const visible = redact(value, secrets);
    return visible.length > 70 ? `${JSON.stringify(visible.slice(0, 60))}... (${value.length} characters)` : JSON.stringify(visible);
}

/**
 * Whether every value has its property's type: what lets check's result be typed as inputs. At
 * preview the unknown placeholder stands in for a value of any type.
 */
function holdsAll(resolved: Resolved, { acceptUnknown }: { acceptUnknown: boolean }): resolved is TargetInputs {
    return propertyNames.every((name) => {
        const value = resolved[name];
        if (value === undefined) {
            return !alwaysPresent(name);
        }
        return (acceptUnknown && isUnknown(value)) || holdsValueOf(name, value);
    });
}

/** Inputs that every target has once defaults are applied (TargetInputs' required fields). */
function alwaysPresent(name: PropertyName): boolean {
    const { group, authMode } = properties[name];
    return group === "target" || (group === "credentials" && authMode === undefined);
}

function wrongTypeMessage(resolved: Resolved): string {
    const wrong = propertyNames.filter((name) => resolved[name] !== undefined && !isUnknown(resolved[name]) && !holdsValueOf(name, resolved[name]));
    return `${wrong.join(", ")} ${wrong.length === 1 ? "holds a value" : "hold values"} of the wrong type`;
}

/**
 * Without its undefined values: Pulumi's provider host cannot serialize them, and a check that
 * returns one fails whole, hiding its failures ("Unexpected struct type").
 */
function definedOnly(resolved: Resolved): Resolved {
    const defined: Resolved = {};
    for (const name of propertyNames) {
        if (resolved[name] !== undefined) {
            defined[name] = resolved[name];
        }
    }
    return defined;
}

/**
 * A secret typed into another field (the S3 secret in `bucket`, the API secret in `apiKey` or
 * the `apiUrl` path) would be quoted back by that field's rule and stored in plain text: such a
 * field fails with a reason that names the secret input but does not show the value.
 */
function refuseMisplacedSecrets(news: RawInputs, failures: CheckFailure[]): CheckFailure[] {
    // A secret given as a number (YAML writes digits unquoted) is compared as its digits.
    const secrets = secretPropertyNames
        .map((name) => ({ name, value: typeof news[name] === "number" ? String(news[name]) : news[name] }))
        .filter((s): s is { name: PropertyName; value: string } => typeof s.value === "string" && s.value !== "");
    const misplaced: CheckFailure[] = [];
    for (const [property, given] of Object.entries(news)) {
        // A number is read as its digits (apiKey: 4600012345 is the apiKey "4600012345").
        const value = typeof given === "number" ? String(given) : given;
        if (isSecretProperty(property) || reservedInputNames.includes(property) || typeof value !== "string" || isUnknown(value)) {
            continue;
        }
        // Equal at any length; contained only from 8 characters, below which it may be chance.
        const secret = secrets.find((s) => value === s.value || (s.value.length >= 8 && value.includes(s.value)));
        if (secret !== undefined) {
            const relation = value === secret.value ? "is the same value as" : "contains the value of";
            misplaced.push({ property, reason: `${relation} ${secret.name}, which is secret (not shown here); give ${property} its own value` });
        }
    }
    // The misplaced secret replaces the property's other failures, which may quote it.
    const replaced = new Set(misplaced.map((f) => f.property));
    return [...failures.filter((f) => !replaced.has(f.property)), ...misplaced];
}

/** Every reason, redacted of every secret given: a value shown by one rule may hold another field's secret. */
function withoutSecrets(failures: CheckFailure[], secrets: readonly string[]): CheckFailure[] {
    // The property too: an unknown input's name is the caller's text (a secret pasted as a key).
    return failures.map((f) => ({ property: redactThenCut(f.property, secrets, 200), reason: redactThenCut(f.reason, secrets, 2000) }));
}

/**
 * The inputs a failed check answers with: those given, less every failing one and every input
 * that is not ArchiveUploadTarget's. The engine prints `inputs[failure.property]` beside each
 * failure, and masks only values equal to a config secret: a failing value may be or hold a
 * secret from anywhere else (a StackReference, a file, an API secret with a trailing newline).
 * Left out rather than the previous value: that one was judged against the secrets of its day.
 */
export function inputsOfFailedCheck(news: object, failures: readonly CheckFailure[]): RawInputs {
    const failing = new Set(failures.map((f) => f.property));
    return Object.fromEntries(
        Object.entries(news).filter(([name]) => (isPropertyName(name) || reservedInputNames.includes(name)) && !failing.has(name)),
    );
}
