// Two OpenTok projects archiving into a bucket that already exists: one least-privilege IAM key
// and one upload target per project, each key held to its project's own `<apiKey>/` prefix.
// The bucket itself is left as it is (no policy, encryption or lifecycle) unless opted in to.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveStorage } from "@opentok-archive-storage/archive-upload-target/aws";

const config = new pulumi.Config();

const storage = new ArchiveStorage("archives", {
    existingBucket: { name: config.require("bucket") },
    projects: [
        { name: "eu", opentok: { apiKey: config.require("euApiKey"), apiSecret: config.requireSecret("euApiSecret") } },
        { name: "us", opentok: { apiKey: config.require("usApiKey"), apiSecret: config.requireSecret("usApiSecret") } },
    ],
    fallback: "none",
});

export const bucketName = storage.bucketName;
export const targetIds = storage.targetIds;
