// How the tests look for a secret in a text: whole, JSON-escaped, in runs (a partial leak), and in
// the encodings servers echo it in.

/** Every form in which a text could show `secret`: as given, JSON-escaped once and twice. */
export function secretForms(secret: string): string[] {
    const once = JSON.stringify(secret).slice(1, -1);
    return [secret, once, JSON.stringify(once).slice(1, -1)];
}

/** The runs of `length` characters of `secret` that `text` shows: any is a partial leak. */
export function secretRunsIn(text: string, secret: string, length = 10): string[] {
    const runs: string[] = [];
    for (let at = 0; at + length <= secret.length; at++) {
        const run = secret.slice(at, at + length);
        if (text.includes(run)) {
            runs.push(run);
        }
    }
    return runs;
}

/**
 * No run of a secret, of the secret encoded (for an encoding that maps each character on its own),
 * or of 16 characters of the encoded echo (for one that does not), is in `text`.
 */
export function expectNoSecretIn(text: string, secrets: string[], encode: (text: string) => string, local: boolean, echo: string): void {
    for (const secret of secrets) {
        expect(secretRunsIn(text, secret)).toEqual([]);
        expect(secretRunsIn(text.toLowerCase(), secret.toLowerCase())).toEqual([]);
        if (local) {
            expect(secretRunsIn(text, encode(secret))).toEqual([]);
        }
    }
    if (!local) {
        expect(secretRunsIn(text, encode(echo), 16)).toEqual([]);
    }
}
