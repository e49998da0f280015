// One upload target whose inputs are read from the JSON file FAILED_CHECK_INPUTS names, each one
// listed under `secrets` made a secret there: secrets as a StackReference, a secrets manager or
// another resource would give them, which Pulumi's CLI does not know to mask.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { ArchiveUploadTarget, type ArchiveUploadTargetArgs } from "@opentok-archive-storage/archive-upload-target";

const given = JSON.parse(fs.readFileSync(process.env.FAILED_CHECK_INPUTS!, "utf8")) as { inputs: Record<string, unknown>; secrets: string[] };
const inputs = Object.fromEntries(
    Object.entries(given.inputs).map(([name, value]) => [name, given.secrets.includes(name) ? pulumi.secret(value) : value]),
) as unknown as ArchiveUploadTargetArgs;

export const id = new ArchiveUploadTarget("archives", inputs).id;
