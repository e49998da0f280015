// Exports what the language host passed in: config, secrecy, the stack, node's arguments.
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
if (config.getBoolean("fail")) {
    throw new Error("failing on purpose: host-contract:fail is true");
}

export const greeting = config.require("greeting");
export const token = config.requireSecret("token");
export const stack = pulumi.getStack();
export const project = pulumi.getProject();
export const execArgv = process.execArgv;
export const dryRunSeen = pulumi.runtime.isDryRun();
