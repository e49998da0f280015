// What programs import: the resource, its Args and output types, the values its inputs allow, and
// the credential check stacks run on their config before declaring anything. Everything else is
// internal (tagged for stripInternal, left out of the published declarations) and free to change.

export { ArchiveUploadTarget } from "./archive-upload-target";
export type { ArchiveUploadTargetArgs, ArchiveUploadTargetOutputs } from "./archive-upload-target";
export { fallbackModes, sseModes, targetTypes } from "./inputs";
export type { CheckFailure, FallbackMode, SseMode, TargetInputs, TargetType } from "./inputs";
export { credentialFailures } from "./credentials";
export type { CredentialInputs } from "./credentials";
// For policy packs: which inputs are secrets, and the placeholder Pulumi passes for a value not
// known at preview.
export { secretPropertyNames } from "./properties";
export { unknownValue } from "./unknown";
// Errors are not exported: they reach a program only as the text Pulumi prints (errors.ts).
