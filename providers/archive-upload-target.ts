// ArchiveUploadTarget: a project's OpenTok archive upload target as a Pulumi resource. Its Args
// are generated from the property table (inputs.generated.ts), each input with its documentation.

import * as pulumi from "@pulumi/pulumi";
import { archiveUploadTargetProviderText } from "./provider-loader";
import type { ArchiveUploadTargetArgs, TargetInputs } from "./inputs";

export type { ArchiveUploadTargetArgs } from "./inputs";
import { propertyNames, secretPropertyNames } from "./properties";

/** The resource's outputs: every input, resolved (defaults applied). */
export type ArchiveUploadTargetOutputs = { readonly [K in keyof TargetInputs]-?: pulumi.Output<TargetInputs[K]> };

// The outputs are declared from the table's generated type rather than one by one: an interface
// merged with the class adds them as types only, as `declare` fields would (Pulumi sets them).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface ArchiveUploadTarget extends ArchiveUploadTargetOutputs {}

/**
 * A dynamic resource, registered as pulumi.dynamic.Resource registers one (type
 * `pulumi-nodejs:dynamic/<module>:<type>`, provider text in `__provider`), but with the provider
 * text written rather than closure-serialized: see provider-loader.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ArchiveUploadTarget extends pulumi.CustomResource {
    /**
     * The type token, on the class as @pulumi/aws classes carry theirs: CrossGuard's
     * `validateResourceOfType(ArchiveUploadTarget, ...)` matches resources by it.
     */
    static readonly __pulumiType = "pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget";

    /** Whether `obj` is an ArchiveUploadTarget, also one from another copy of this package. */
    static isInstance(obj: unknown): obj is ArchiveUploadTarget {
        return pulumi.CustomResource.isInstance(obj) && "__pulumiType" in obj && obj.__pulumiType === ArchiveUploadTarget.__pulumiType;
    }

    constructor(name: string, args: ArchiveUploadTargetArgs, opts?: pulumi.CustomResourceOptions) {
        // Every input is passed, so that every output exists on the resource (undefined ones too).
        const props: Record<string, unknown> = Object.fromEntries(propertyNames.map((name) => [name, args[name]]));
        // Secret whether or not the caller wrapped them: inputs here, outputs through
        // additionalSecretOutputs (the engine would only re-mark outputs whose input was secret).
        for (const name of secretPropertyNames) {
            if (props[name] !== undefined) {
                props[name] = pulumi.secret(props[name]);
            }
        }
        props.__provider = archiveUploadTargetProviderText;
        super(ArchiveUploadTarget.__pulumiType, name, props, pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secretPropertyNames] }));
    }
}
