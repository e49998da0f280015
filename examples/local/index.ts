// The local try-out: a project's archive upload target set on the OpenTok emulator, with the
// preflight upload going to a local S3, both started by `npm run local`. No cloud account needed.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveUploadTarget, type SseMode, sseModes } from "@opentok-archive-storage/archive-upload-target";
import { localServers } from "./local-servers";

const opentok = new pulumi.Config("opentok");
const config = new pulumi.Config();

const target = new ArchiveUploadTarget("archives", {
    apiKey: opentok.get("apiKey") ?? localServers.apiKey,
    apiSecret: opentok.requireSecret("apiSecret"),
    apiUrl: opentok.get("apiUrl") ?? `http://127.0.0.1:${localServers.emulatorPort}`,
    bucket: config.get("bucket") ?? localServers.bucket,
    endpoint: config.get("s3Endpoint") ?? `http://127.0.0.1:${localServers.s3Port}`,
    accessKey: config.get("s3AccessKey") ?? localServers.s3AccessKey,
    secretKey: config.requireSecret("s3SecretKey"),
    // The local S3 confirms SSE-S3 as S3 does, so the preflight checks it as it would on AWS.
    sse: config.get<SseMode>("sse", { allowedValues: [...sseModes] }) ?? "s3",
    fallback: "none",
});

export const targetId = target.id;
export const sse = target.sse;
export const apiUrl = target.apiUrl;
