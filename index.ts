// The Pulumi program: reads the stack's configuration and creates its archive storage.

import * as pulumi from "@pulumi/pulumi";
import { ArchiveStorage } from "./stacks/archive-storage";
import { readStackSettings } from "./stacks/config";

const { protect, ...settings } = readStackSettings();
const storage = new ArchiveStorage(`archive-storage-${pulumi.getStack()}`, settings, { protect });

export const bucketName = storage.bucket.bucket;
export const bucketArn = storage.bucket.arn;
export const opentokUserName = storage.user.name;
export const accessKeyId = storage.accessKey.id;
export const sse = storage.target.sse;
export const fallback = storage.target.fallback;
export const targetId = storage.target.id;
