// ArchiveUploadTarget: a project's OpenTok archive upload target as a Pulumi resource.

import * as pulumi from "@pulumi/pulumi";
import { archiveUploadTargetProvider } from "./archive-upload-target-provider";
import { secretPropertyNames } from "./secrets";
import type { FallbackMode, SseMode, TargetType } from "./validation";

export interface ArchiveUploadTargetArgs {
    /** The OpenTok project's API key (digits). Changing it replaces the resource. */
    apiKey: pulumi.Input<string>;
    /** The project's API secret; always stored as a secret. */
    apiSecret: pulumi.Input<string>;
    /** Base URL of the OpenTok REST API. Default `https://api.opentok.com`. Changing it replaces the resource. */
    apiUrl?: pulumi.Input<string>;
    /** Storage type. Default and only value for now: `"s3"`. */
    type?: pulumi.Input<TargetType>;
    /** Name of the S3 bucket archives are uploaded to. */
    bucket: pulumi.Input<string>;
    /** Access key ID OpenTok uploads with; a long-lived IAM user key (not `ASIA...`). */
    accessKey: pulumi.Input<string>;
    /** Secret access key of `accessKey`; always stored as a secret. */
    secretKey: pulumi.Input<string>;
    /** Base URL of S3-compatible storage other than AWS, with protocol, e.g. `https://storage.googleapis.com`. */
    endpoint?: pulumi.Input<string>;
    /** `"s3"` (default) asks for SSE-S3 (AES256); `"none"` asks for no server-side encryption. */
    sse?: pulumi.Input<SseMode>;
    /**
     * Where an archive goes if its upload fails; required, no default: `"none"` loses it,
     * `"opentok"` keeps it in the OpenTok cloud for 72 hours.
     */
    fallback: pulumi.Input<FallbackMode>;
    /**
     * Before setting the target, upload one small probe object with the target's own keys (and
     * SSE-S3 when `sse` is "s3") and fail if S3 refuses it or does not confirm the encryption.
     * Default true.
     */
    verify?: pulumi.Input<boolean>;
}

export class ArchiveUploadTarget extends pulumi.dynamic.Resource {
    declare readonly apiKey: pulumi.Output<string>;
    declare readonly apiSecret: pulumi.Output<string>;
    declare readonly apiUrl: pulumi.Output<string>;
    declare readonly type: pulumi.Output<TargetType>;
    declare readonly bucket: pulumi.Output<string>;
    declare readonly accessKey: pulumi.Output<string>;
    declare readonly secretKey: pulumi.Output<string>;
    declare readonly endpoint: pulumi.Output<string | undefined>;
    declare readonly sse: pulumi.Output<SseMode>;
    declare readonly fallback: pulumi.Output<FallbackMode>;
    declare readonly verify: pulumi.Output<boolean>;

    constructor(name: string, args: ArchiveUploadTargetArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            apiKey: args.apiKey,
            apiSecret: args.apiSecret,
            apiUrl: args.apiUrl,
            type: args.type,
            bucket: args.bucket,
            accessKey: args.accessKey,
            secretKey: args.secretKey,
            endpoint: args.endpoint,
            sse: args.sse,
            fallback: args.fallback,
            verify: args.verify,
        };
        // Secret whether or not the caller wrapped them: inputs here, outputs through
        // additionalSecretOutputs (the engine would only re-mark outputs whose input was secret).
        for (const name of secretPropertyNames) {
            if (props[name] !== undefined) {
                props[name] = pulumi.secret(props[name]);
            }
        }
        super(
            archiveUploadTargetProvider,
            name,
            props,
            pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secretPropertyNames] }),
            "opentok",
            "ArchiveUploadTarget",
        );
    }
}
