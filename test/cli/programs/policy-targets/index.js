// Archive upload targets as the config's `case` says, for the policy pack to judge at preview
// (preview sends nothing: only check and diff run).
const pulumi = require("@pulumi/pulumi");
const { ArchiveUploadTarget } = require("@opentok-archive-storage/archive-upload-target");

const config = new pulumi.Config();
const secretKey = config.requireSecret("secretKey");
const target = {
    apiKey: "47000003",
    apiSecret: config.requireSecret("apiSecret"),
    bucket: "policy-targets-archives",
    accessKey: "AKIAIOSFODNN7EXAMPLE",
    secretKey,
    fallback: "none",
    verify: false,
};

switch (config.require("case")) {
    case "compliant":
        new ArchiveUploadTarget("only", target);
        break;
    case "violations":
        new ArchiveUploadTarget("first", { ...target, sse: "none" });
        new ArchiveUploadTarget("second", { ...target, fallback: "vonage" });
        break;
    case "secret-in-fallback":
        new ArchiveUploadTarget("pasted", { ...target, fallback: secretKey });
        break;
}
