// How secret values are kept out of every message that leaves the provider (errors, logs, check
// failures). Which properties are secret is the property table's to say (properties.ts).

import type { PropertyName } from "./inputs";
import { isPropertyName, properties, secretPropertyNames } from "./properties";

export { secretPropertyNames };

export function isSecretProperty(name: string): name is PropertyName {
    return isPropertyName(name) && properties[name].secret;
}

/** How long a piece of outside text (an API's message, a library's error) may be in a message. */
export const outsideTextLimit = 300;

/** The values of the secret properties present in `props`. */
export function secretValuesOf(props: object): string[] {
    const values: string[] = [];
    for (const name of secretPropertyNames) {
        const given = (props as Record<string, unknown>)[name];
        // A secret given as a number (YAML writes digits unquoted) is shown as its digits.
        const value = typeof given === "number" ? String(given) : given;
        if (typeof value === "string" && value !== "") {
            values.push(value);
            // Pasted with white space around it (a trailing newline), it is the same secret.
            if (value.trim() !== value && value.trim() !== "") {
                values.push(value.trim());
            }
            // A multi-line secret (a PEM key) could leak one line at a time; its armour
            // ("-----BEGIN PRIVATE KEY-----") is not secret.
            values.push(...value.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----")));
        }
    }
    return [...new Set(values)];
}

/**
 * Replaces every occurrence of the given secret values with a marker, in each form a server or
 * library may show them: as given, JSON-escaped (once or twice: an echoed request body inside a
 * JSON message) and URL-encoded. Values shorter than 4 characters are left alone: they would
 * blank out ordinary words.
 */
export function redact(text: string, secretValues: readonly string[]): string {
    const forms = new Set<string>();
    for (const value of secretValues.filter((v) => v.length >= 4)) {
        const escaped = JSON.stringify(value).slice(1, -1);
        forms.add(value).add(escaped).add(JSON.stringify(escaped).slice(1, -1)).add(encodeURIComponent(value));
    }
    let result = text;
    // Longest first, so that a secret containing another is replaced whole.
    for (const form of [...forms].sort((a, b) => b.length - a.length)) {
        result = result.split(form).join("[secret]");
    }
    return result;
}

/**
 * What every message built from outside text goes through: redact first, then put it on one
 * line and cut it to `limit` characters. Cutting first could leave half a secret that no longer
 * matches (issue 14).
 */
export function redactThenCut(text: string, secretValues: readonly string[], limit: number = outsideTextLimit): string {
    const oneLine = redact(text, secretValues).replace(/[\r\n\t]+/g, " ");
    return oneLine.length > limit ? `${oneLine.slice(0, limit)}...` : oneLine;
}
