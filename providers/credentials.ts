// The credentials of a target checked on their own, by the target's own check: for a program that
// reads them from its configuration and wants to refuse them before it creates anything else.

import { checkAtPreview } from "./check";
import type { CheckFailure, CredentialInputs } from "./inputs";
import { applies, isPropertyName, properties, propertyNames } from "./properties";
import { unknownValue } from "./unknown";

export type { CredentialInputs } from "./inputs.generated";

/**
 * Why the target's check would refuse these credentials, one failure per problem (none when it
 * would accept them). It is ArchiveUploadTarget's check itself, run with every other required
 * input standing as not known yet, so its rules and messages are exactly the resource's. No
 * reason shows a secret's value.
 */
export function credentialFailures(given: CredentialInputs): CheckFailure[] {
    const isCredential = (name: string) => isPropertyName(name) && properties[name].group === "credentials";
    // The default target and its required inputs, unknown: check accepts them and moves on.
    const notYetKnown = propertyNames.filter((name) => {
        const row = properties[name];
        return !isCredential(name) && applies(name, "opentok", properties.type.default!("opentok")) && row.kind === "string" && row.required;
    });
    const result = checkAtPreview({ ...Object.fromEntries(notYetKnown.map((name) => [name, unknownValue])), ...given });
    return result.ok ? [] : result.failures.filter((failure) => isCredential(failure.property));
}
