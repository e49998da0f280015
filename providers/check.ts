// check: runs every input's rule and the rules between inputs, all read from the property table
// (properties.ts: where an input applies, what it conflicts with, its related rule), applies
// defaults and normalization, and answers failures as data: each names the
// property, what was given and what is allowed. Runs in `check` and again before any request.

import { AuthMode, authModes, CheckFailure, CheckResult, isGiven, PropertyName, RawInputs, TargetInputs, TargetType, targetTypes } from "./inputs";
import {
    alwaysPresent,
    applies,
    authModeOf,
    credentialNamesOf,
    holdsValueOf,
    isPropertyName,
    properties,
    propertyNames,
    targetTypeNamesOf,
    targetTypeOfRow,
} from "./properties";
import { isSecretProperty, redact, redactThenCut, secretPropertyNames, secretValuesOf } from "./secrets";
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
        throw new Error(unreadableValuesMessage(resolved));
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
    // The type first: which defaults apply depends on it (state without one is an S3 target's).
    const type = state.type ?? properties.type.default!(mode);
    for (const name of propertyNames) {
        const row = properties[name];
        if (state[name] === undefined && row.default !== undefined && applies(name, mode, type)) {
            state[name] = row.default(mode);
        }
    }
    if (!holdsAll(state, { acceptUnknown: false })) {
        throw new Error(`ArchiveUploadTarget's stored state cannot be read: ${unreadableValuesMessage(state)}`);
    }
    return state;
}

function runRules(news: RawInputs): { failures: CheckFailure[]; resolved: Resolved } {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason });
    // Values quoted in a reason are redacted before they are cut: a secret across the cut
    // would otherwise be shown in part.
    const secrets = secretValuesOf(news);

    for (const name of Object.keys(news)) {
        if (!reservedInputNames.includes(name) && !isPropertyName(name)) {
            fail(name, `is not an input of ArchiveUploadTarget; the inputs are ${propertyNames.join(", ")}`);
        }
    }

    // Where each input applies is known before any input is judged, so that the table's order
    // means nothing: the API from the credentials given, the target type from its own row (which
    // applies to every target).
    const mode = authModeOf(news);
    const typeOutcome = ruleOutcome("type", news, mode, secrets);
    const type = typeOutcome.value;
    const resolved: Resolved = {};
    for (const name of propertyNames) {
        if (!applies(name, mode, type)) {
            // An input of the other target type is refused (one of the other API conflicts with
            // those given: `conflictsWith`). Against a type not known yet, or one that failed its
            // own rule, nothing is judged.
            const ownType = targetTypeOfRow(name);
            if (isGiven(news[name]) && isTargetType(type) && ownType !== undefined) {
                fail(name, otherTypeReason(ownType, type));
            }
            continue;
        }
        const outcome = name === "type" ? typeOutcome : ruleOutcome(name, news, mode, secrets);
        if (outcome.reason !== undefined) {
            fail(name, outcome.reason);
        }
        if (outcome.value !== undefined) {
            resolved[name] = outcome.value;
        }
        const conflicting = (properties[name].conflictsWith ?? []).filter((other) => isGiven(news[other]));
        if (isGiven(news[name]) && conflicting.length > 0) {
            fail(name, conflictReason(conflicting));
        }
    }
    runRelatedRules(resolved, failures, fail, secrets);
    return { failures: withoutSecrets(refuseMisplacedSecrets(news, failures), secrets), resolved: definedOnly(resolved) };
}

/** An input's value once normalized, defaulted and resolved, and why its rule refuses it (or undefined). */
function ruleOutcome(name: PropertyName, news: RawInputs, mode: AuthMode, secrets: readonly string[]): { value: unknown; reason?: string } {
    const row = properties[name];
    if (row.kind === "boolean") {
        const value = isGiven(news[name]) ? news[name] : row.default();
        const wrong = !isUnknown(value) && typeof value !== "boolean";
        return { value, reason: wrong ? `must be true or false, but was ${described(value, secrets)}` : undefined };
    }
    let value = row.normalize ? row.normalize(news[name]) : news[name];
    // Not given (isGiven: Pulumi and YAML programs pass null and "" for not set): the default,
    // or nothing for an optional input; a required one fails as missing.
    if (!isGiven(value)) {
        if (row.default !== undefined) {
            value = row.default(mode);
        } else if (!row.required) {
            return { value: undefined };
        }
    }
    const missing =
        row.missing ?? (row.appliesTo !== undefined && "authMode" in row.appliesTo ? missingCredentialReason(mode) : "is required but was not given");
    const reason = stringReason(value, missing, row.allowed, row.secret, secrets, (text) => row.rule(text, shownValue(row.secret, text, secrets)));
    if (reason === undefined && row.resolve && typeof value === "string" && !isUnknown(value)) {
        return { value: row.resolve(value, mode) };
    }
    return { value, reason };
}

const apiDescriptions: Record<AuthMode, string> = {
    opentok: "an OpenTok project",
    vonage: "a Vonage Video API application",
};

function credentialsDescribed(mode: AuthMode): string {
    return `${credentialNamesOf(mode).join(" and ")} (${apiDescriptions[mode]})`;
}

function missingCredentialReason(mode: AuthMode): string {
    const other = authModes.find((m) => m !== mode)!;
    return `is required but was not given; give ${credentialNamesOf(mode).join(" and ")}, or instead ${credentialsDescribed(other)}`;
}

function conflictReason(conflicting: readonly string[]): string {
    const [first, second] = authModes.map(credentialsDescribed);
    return `cannot be given together with ${conflicting.join(" and ")}: give either ${first} or ${second}, not both`;
}

function isTargetType(value: unknown): value is TargetType {
    return (targetTypes as readonly unknown[]).includes(value);
}

const typeNames: Record<TargetType, string> = { s3: "S3", azure: "Azure" };

/** Why an input of another target type is refused (say `bucket` with type "azure"): a slip, never ignored. */
function otherTypeReason(ownType: TargetType, type: TargetType): string {
    const required = targetTypeNamesOf(type).filter((n) => {
        const row = properties[n];
        return row.kind === "string" && row.required;
    });
    const give = `${required.slice(0, -1).join(", ")} and ${required.at(-1)}`;
    return `is an input of ${typeNames[ownType]} targets; with type ${JSON.stringify(type)} give ${give}`;
}

/** The rules between inputs (a row's `related`), for inputs that passed their own rules, with every input they read. */
function runRelatedRules(resolved: Resolved, failures: CheckFailure[], fail: (property: string, reason: string) => void, secrets: readonly string[]) {
    const judged = (name: PropertyName): boolean => {
        const value = resolved[name];
        return typeof value === "string" && !isUnknown(value) && !failures.some((f) => f.property === name);
    };
    for (const name of propertyNames) {
        const row = properties[name];
        if (row.kind !== "string" || row.related === undefined || !judged(name) || !row.related.reads.every(judged)) {
            continue;
        }
        const others = Object.fromEntries(row.related.reads.map((other) => [other, resolved[other] as string]));
        const reason = row.related.rule(resolved[name] as string, others, (value) => shownValue(false, value, secrets));
        if (reason !== undefined) {
            fail(name, reason);
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

/** What holdsAll found wrong: values of the wrong type, and values that must be present but are not. */
function unreadableValuesMessage(resolved: Resolved): string {
    const wrong = propertyNames.filter((name) => resolved[name] !== undefined && !isUnknown(resolved[name]) && !holdsValueOf(name, resolved[name]));
    const missing = propertyNames.filter((name) => resolved[name] === undefined && alwaysPresent(name));
    return [
        ...(wrong.length > 0 ? [`${wrong.join(", ")} ${wrong.length === 1 ? "holds a value" : "hold values"} of the wrong type`] : []),
        ...(missing.length > 0 ? [`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing`] : []),
    ].join("; ");
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
