// The policy pack `pulumi preview --policy-pack policy` loads. The policies are in policies.ts.

import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("opentok-archive-storage", { policies });
