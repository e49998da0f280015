// The `/aws` entry point: the whole archive storage on AWS (bucket, guards, IAM user and key, and
// the upload target), for programs that have `@pulumi/aws` installed. The main entry point never
// loads this file, so a program that only uses ArchiveUploadTarget needs no `@pulumi/aws`.

export { ArchiveStorage } from "./archive-storage";
export type {
    ArchiveProject,
    ArchiveProjectUpload,
    ArchiveStorageArgs,
    ExistingBucket,
    OpenTokProjectCredentials,
    VonageApplicationCredentials,
} from "./archive-storage";
export { storageClasses, transitionProblems } from "./lifecycle";
export type { StorageClass, Transition } from "./lifecycle";
