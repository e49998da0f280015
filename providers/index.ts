// What users import. Everything not exported here is internal and free to change.

export { ArchiveUploadTarget } from "./archive-upload-target";
export type { ArchiveUploadTargetArgs, ArchiveUploadTargetOutputs } from "./archive-upload-target";
// The provider the resource's text in state runs, and that text (see provider-loader.ts).
export { archiveUploadTargetProvider, archiveUploadTargetProviderText } from "./provider-loader";
export type { TargetState } from "./archive-upload-target-provider";
export type { RetryPolicy } from "./client";
// Errors are not exported: they reach a program only as the text Pulumi prints (errors.ts).
export { multipartProbeKey, probeKey } from "./preflight";
export { secretPropertyNames } from "./properties";
export { credentialFailures } from "./credentials";
export type { CredentialInputs } from "./credentials";
export { unknownValue } from "./unknown";
export { defaultApiUrl, fallbackModes, sseModes, targetTypes } from "./inputs";
export type { CheckFailure, FallbackMode, SseMode, TargetInputs, TargetType } from "./inputs";
