// The credentials of a target checked on their own, by the target's own check: for a program that
// reads them from its configuration and wants to refuse them before it creates anything else.

import { checkAtPreview } from "./check";
import type { CheckFailure, CredentialInputs } from "./inputs";
import { isPropertyName, properties } from "./properties";

export type { CredentialInputs } from "./inputs.generated";

/**
 * Why the target's check would refuse these credentials, one failure per problem (none when it
 * would accept them). It is ArchiveUploadTarget's check itself, run on the credentials alone and
 * answering only their failures (the target's own inputs are missing, and are not the question),
 * so its rules and messages are exactly the resource's. No reason shows a secret's value.
 */
export function credentialFailures(given: CredentialInputs): CheckFailure[] {
    const result = checkAtPreview(given);
    return result.ok
        ? []
        : result.failures.filter((failure) => isPropertyName(failure.property) && properties[failure.property].group === "credentials");
}
