// Generated from providers/properties.ts by `npm run generate`: edit the table, not this file.

import type * as pulumi from "@pulumi/pulumi";

/** The inputs of an ArchiveUploadTarget. Bad inputs fail before any request, naming the input. */
export interface ArchiveUploadTargetArgs {
    /**
     * OpenTok projects, required: the OpenTok project's API key (digits), with `apiSecret`. Changing it **replaces**
     * the resource: the new target is set first, then the old one removed, unless both are the same project (only
     * `apiUrl` changed: see Rename safety).
     */
    apiKey?: pulumi.Input<string>;
    /**
     * OpenTok projects, required, always secret: the OpenTok project's API secret. Changing only this sends no
     * request.
     */
    apiSecret?: pulumi.Input<string>;
    /**
     * Vonage applications, required: instead of `apiKey`/`apiSecret`, the Vonage Video API application's ID (a
     * UUID), with `privateKey`. Not with `apiKey` or `apiSecret`. Changing it **replaces** the resource: the new
     * target is set first, then the old one removed, unless both are the same project (only `apiUrl` changed: see
     * Rename safety).
     */
    applicationId?: pulumi.Input<string>;
    /**
     * Vonage applications, required, always secret: the application's RSA private key, PEM contents (not a path), at
     * least 2048 bits. Not with `apiKey` or `apiSecret`. Changing only this sends no request.
     */
    privateKey?: pulumi.Input<string>;
    /**
     * Every target, optional, default `https://api.opentok.com` for OpenTok, `https://video.api.vonage.com` for
     * Vonage: base URL of the API, following the credentials given: `https` with no path, query or credentials, in
     * canonical form (`http` only to a loopback host, for emulators). Changing it **replaces** the resource: the
     * new target is set first, then the old one removed, unless both are the same project (only `apiUrl` changed:
     * see Rename safety).
     */
    apiUrl?: pulumi.Input<string>;
    /**
     * Every target, optional, default `s3`: `s3` or `azure`. Changing it sets the target again (one `PUT`).
     */
    type?: pulumi.Input<"s3" | "azure">;
    /**
     * S3, required: the bucket, by S3's naming rules: 3 to 63 lowercase letters, digits, dots and hyphens; starts
     * and ends with a letter or digit; no `..`; not an IP address; no reserved prefix (`xn--`, `sthree-`,
     * `amzn-s3-demo-`) or suffix (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`). Changing it sets the target again
     * (one `PUT`).
     */
    bucket?: pulumi.Input<string>;
    /**
     * S3, required: access key ID OpenTok uploads with. Temporary STS keys (`ASIA...`) are refused: OpenTok cannot
     * send their session token. Changing it sets the target again (one `PUT`).
     */
    accessKey?: pulumi.Input<string>;
    /**
     * S3, required, always secret: the secret access key of `accessKey`. Changing it sets the target again (one
     * `PUT`).
     */
    secretKey?: pulumi.Input<string>;
    /**
     * S3, optional, default `s3`: `s3` asks for SSE-S3 (S3-managed keys, AES256); `none` asks for none. OpenTok
     * supports no KMS or customer keys: `kms`/`aws:kms` are refused with that reason. Changing it sets the target
     * again (one `PUT`).
     */
    sse?: pulumi.Input<"s3" | "none">;
    /**
     * S3, optional: base URL of S3-compatible storage other than AWS, **with protocol**, e.g.
     * `https://storage.googleapis.com`; without it, AWS S3. OpenTok's servers upload to it from the internet: a
     * loopback, private-network, link-local or local-only (`localhost`, `.local`, `.internal`, `.home.arpa`) host,
     * or `http`, is refused unless `apiUrl` is a loopback emulator too. It is sent with its protocol, as OpenTok's
     * documentation shows it; a value without one is refused with the suggested fix. Changing it sets the target
     * again (one `PUT`).
     */
    endpoint?: pulumi.Input<string>;
    /**
     * Azure, required: the storage account, 3 to 24 lowercase letters and digits. Changing it sets the target again
     * (one `PUT`).
     */
    accountName?: pulumi.Input<string>;
    /**
     * Azure, required, always secret: the storage account's access key (base64). Changing it sets the target again
     * (one `PUT`).
     */
    accountKey?: pulumi.Input<string>;
    /**
     * Azure, required: the blob container, 3 to 63 lowercase letters, digits and hyphens, starting and ending with a
     * letter or digit, no `--`. Changing it sets the target again (one `PUT`).
     */
    container?: pulumi.Input<string>;
    /**
     * Azure, optional: the blob service's host name, without protocol, e.g. for a sovereign cloud; without it,
     * Azure's. Changing it sets the target again (one `PUT`).
     */
    domain?: pulumi.Input<string>;
    /**
     * Every target, required: **no default on purpose**: `none`, an archive whose upload fails is lost; `opentok` or
     * `vonage` (either spelling), it stays in the OpenTok cloud for 72 hours (outside your bucket). See Fallback
     * spelling (docs/provider.md#two-apis-opentok-and-the-vonage-video-api). Changing it sets the target again
     * (one `PUT`).
     */
    fallback: pulumi.Input<"none" | "opentok" | "vonage">;
    /**
     * Every target, optional, default `true`: for an S3 target, before setting it (create, and an update that
     * changes it), probe the bucket with the target's own keys (a single-part and a multipart upload) and fail if
     * it refuses either. See Preflight (docs/provider.md#preflight). Changing only this sends no request.
     */
    verify?: pulumi.Input<boolean>;
}

/**
 * The resolved inputs of an archive upload target, with defaults applied: what check answers, and
 * the resource's state. At preview a value may be the unknown placeholder (unknown.ts) standing in
 * for a value of its type that is not known yet.
 */
export type TargetInputs = {
    apiKey?: string;
    apiSecret?: string;
    applicationId?: string;
    privateKey?: string;
    apiUrl: string;
    type: "s3" | "azure";
    bucket?: string;
    accessKey?: string;
    secretKey?: string;
    sse?: "s3" | "none";
    endpoint?: string;
    accountName?: string;
    accountKey?: string;
    container?: string;
    domain?: string;
    fallback: "none" | "opentok" | "vonage";
    verify: boolean;
};

export type PropertyName = keyof TargetInputs;

/** The credential inputs of an ArchiveUploadTarget, as a program's configuration gives them. */
export interface CredentialInputs {
    apiKey?: string;
    apiSecret?: string;
    applicationId?: string;
    privateKey?: string;
    apiUrl?: string;
}

/** The JSON body of PUT .../archive/storage, for each target type. */
export type TargetBody =
    | {
          type: "s3";
          config: { bucket: string; accessKey: string; secretKey: string; sse: "s3" | "none"; endpoint?: string };
          fallback: "none" | "opentok" | "vonage";
      }
    | {
          type: "azure";
          config: { accountName: string; accountKey: string; container: string; domain?: string };
          fallback: "none" | "opentok" | "vonage";
      };
