// The Pulumi program: reads the stack's configuration, creates its archive storage and exports
// the component's outputs.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveStorage } from "@opentok-archive-storage/archive-upload-target/aws";
import { readStackSettings } from "./stacks/config";

// `protect` is the component's own argument: it protects the archives and what guards them, not
// the access key and the target that rotation and re-setting replace.
const storage = new ArchiveStorage(`archive-storage-${pulumi.getStack()}`, readStackSettings());

export const bucketName = storage.bucketName;
export const bucketArn = storage.bucketArn;
export const opentokUserName = storage.userName;
export const accessKeyId = storage.accessKeyId;
export const sse = storage.sse;
export const fallback = storage.fallback;
export const targetId = storage.targetId;
// The access log bucket's name, only in stacks with access logs: exported as undefined, it would
// make Pulumi warn at every run of the others that the output will not show.
if (storage.logBucketName !== undefined) {
    exports.logBucketName = storage.logBucketName;
}
