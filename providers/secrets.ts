// The one place that decides which properties are secret, and how secret values are kept
// out of every message that leaves the provider (errors, logs, check failures).

/** Input and output properties whose values are credentials: secret in state, never printed. */
export const secretPropertyNames = ["apiSecret", "secretKey", "privateKey", "accountKey"] as const;

export type SecretPropertyName = (typeof secretPropertyNames)[number];

export function isSecretProperty(name: string): name is SecretPropertyName {
    return (secretPropertyNames as readonly string[]).includes(name);
}

const redactedMarker = "[secret]";

/** The values of the secret properties present in `props`. */
export function secretValuesOf(props: object): string[] {
    const values: string[] = [];
    for (const name of secretPropertyNames) {
        const value = (props as Record<string, unknown>)[name];
        if (typeof value === "string" && value !== "") {
            values.push(value);
            // A multi-line secret (a PEM key) could leak one line at a time; its armour
            // ("-----BEGIN PRIVATE KEY-----") is not secret.
            values.push(...value.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith("-----")));
        }
    }
    return values;
}

/**
 * Replaces every occurrence of the given secret values with a marker. Used on every message
 * that may carry text we did not write ourselves, such as an API's error body, so that an
 * echoing server cannot make us leak a credential.
 */
export function redact(text: string, secretValues: readonly string[]): string {
    let result = text;
    // Longest first, so that a secret containing another is replaced whole.
    for (const value of [...secretValues].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
        result = result.split(value).join(redactedMarker);
    }
    return result;
}
