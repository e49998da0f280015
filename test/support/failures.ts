// The error a call is expected to fail with: a test that expects a failure fails itself when the
// call succeeds.

import type { TargetInputs } from "../../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../../providers/provider-loader";

/** The error `promise` rejects with; throws if it resolves. */
export function failureOf<E extends Error = Error>(promise: Promise<unknown>): Promise<E> {
    return promise.then(
        () => {
            throw new Error("the call succeeded, but it should have failed");
        },
        (e: E) => e,
    );
}

/** The error the provider's create fails with for `inputs`. */
export function createFailure<E extends Error = Error>(inputs: object): Promise<E> {
    return failureOf<E>(provider.create(inputs as TargetInputs));
}
