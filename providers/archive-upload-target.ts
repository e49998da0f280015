// ArchiveUploadTarget: a project's OpenTok archive upload target as a Pulumi resource.

import * as pulumi from "@pulumi/pulumi";
import { archiveUploadTargetProviderText } from "./provider-loader";
import type { FallbackMode, SseMode, TargetInputs, TargetType } from "./inputs";
import { propertyNames, secretPropertyNames } from "./properties";

/**
 * The inputs, written out for their documentation. test/properties.test.ts holds them to the
 * property table (properties.ts): the typecheck fails when a name or a type differs.
 */
export interface ArchiveUploadTargetArgs {
    /** OpenTok project: its API key (digits). Give with `apiSecret`, or use `applicationId`. Changing it replaces the resource. */
    apiKey?: pulumi.Input<string>;
    /** The OpenTok project's API secret; always stored as a secret. */
    apiSecret?: pulumi.Input<string>;
    /** Vonage Video API application: its ID (a UUID). Give with `privateKey`, instead of `apiKey`. Changing it replaces the resource. */
    applicationId?: pulumi.Input<string>;
    /** The application's private key (PEM contents); always stored as a secret. */
    privateKey?: pulumi.Input<string>;
    /**
     * Base URL of the API. Default `https://api.opentok.com` (OpenTok) or
     * `https://video.api.vonage.com` (Vonage). Changing it replaces the resource.
     */
    apiUrl?: pulumi.Input<string>;
    /** Storage type: `"s3"` (default) or `"azure"`. Changing it is an update. */
    type?: pulumi.Input<TargetType>;
    /** S3: the bucket archives are uploaded to. */
    bucket?: pulumi.Input<string>;
    /** S3: access key ID OpenTok uploads with; a long-lived IAM user key (not `ASIA...`). */
    accessKey?: pulumi.Input<string>;
    /** S3: secret access key of `accessKey`; always stored as a secret. */
    secretKey?: pulumi.Input<string>;
    /** S3: base URL of S3-compatible storage other than AWS, with protocol, e.g. `https://storage.googleapis.com`. */
    endpoint?: pulumi.Input<string>;
    /** S3: `"s3"` (default) asks for SSE-S3 (AES256); `"none"` asks for no server-side encryption. */
    sse?: pulumi.Input<SseMode>;
    /** Azure: the storage account name. */
    accountName?: pulumi.Input<string>;
    /** Azure: the storage account's access key; always stored as a secret. */
    accountKey?: pulumi.Input<string>;
    /** Azure: the blob container archives are uploaded to. */
    container?: pulumi.Input<string>;
    /** Azure: the blob service's domain, when not the default. */
    domain?: pulumi.Input<string>;
    /**
     * Where an archive goes if its upload fails; required, no default: `"none"` loses it,
     * `"opentok"` (or `"vonage"`: either spelling) keeps it in the OpenTok cloud for 72 hours.
     */
    fallback: pulumi.Input<FallbackMode>;
    /**
     * S3 targets: before setting the target, probe the bucket with the target's own keys as OpenTok
     * may upload (one single-part and one multipart upload, asking for SSE-S3 when `sse` is "s3")
     * and fail if S3 refuses either or does not confirm the encryption. Default true.
     */
    verify?: pulumi.Input<boolean>;
}

/** The resource's outputs: every input, resolved (defaults applied). */
export type ArchiveUploadTargetOutputs = { readonly [K in keyof TargetInputs]-?: pulumi.Output<TargetInputs[K]> };

// The outputs are declared from the property table's type rather than one by one: an interface
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
