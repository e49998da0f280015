// One upload target, as config describes it: its name and aliases, the project, sse. With
// `lifecycle:providerText` (a file) it is registered with that text as `__provider`, as an earlier
// release of the provider wrote it, instead of through the package.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { ArchiveUploadTarget, type SseMode } from "@opentok-archive-storage/archive-upload-target";

const config = new pulumi.Config();
const name = config.get("name") ?? "archives";
const aliases = (config.get("aliases") ?? "").split(",").filter(Boolean);
const inputs = {
    apiKey: config.require("apiKey"),
    apiSecret: config.requireSecret("apiSecret"),
    apiUrl: config.require("apiUrl"),
    type: "s3" as const,
    bucket: "acme-archives-dev",
    accessKey: "AKIAIOSFODNN7EXAMPLE",
    secretKey: config.requireSecret("secretKey"),
    sse: (config.get("sse") ?? "s3") as SseMode,
    fallback: "none" as const,
    verify: false,
};
const opts: pulumi.CustomResourceOptions = { aliases: aliases.map((alias) => ({ name: alias })) };
const providerText = config.get("providerText");

/** A dynamic resource whose `__provider` is given, not serialized: what an earlier release stored. */
class EarlierTextTarget extends pulumi.CustomResource {
    constructor(text: string) {
        super(
            ArchiveUploadTarget.__pulumiType,
            name,
            { ...inputs, __provider: text },
            { ...opts, additionalSecretOutputs: ["apiSecret", "secretKey"] },
        );
    }
}

const target = providerText ? new EarlierTextTarget(fs.readFileSync(providerText, "utf8")) : new ArchiveUploadTarget(name, inputs, opts);

export const id = target.id;
