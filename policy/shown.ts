// What a policy message may print of an ArchiveUploadTarget's inputs. The engine runs the pack
// on the raw inputs even after check refused them, and the pack sees secrets in plaintext: a
// secret pasted into `sse` or `bucket` would be printed by a message that quotes the value.
// So a message prints a value only when the package's own check accepts it and it is not a
// secret input (nor equal to one), and says "not shown" otherwise.

import { ArchiveUploadTarget, secretPropertyNames, TargetInputs, unknownValue } from "@opentok-archive-storage/archive-upload-target";
import { archiveUploadTargetProvider } from "@opentok-archive-storage/archive-upload-target/provider";
import { PolicyResource, ReportViolation } from "@pulumi/policy";

const archiveTargetType = ArchiveUploadTarget.__pulumiType;

export interface CheckedTarget {
    /** The inputs as check resolved them (defaults applied, spellings normalized), when it accepts them all. */
    resolved?: TargetInputs;
    /** An input as a message may print it: quoted, or why it is not shown. */
    shown(name: string): string;
}

/** Runs the package's check on a target's inputs (values unknown at preview stay unknown). */
export async function checkedTarget(props: PolicyResource["props"]): Promise<CheckedTarget> {
    const given: Record<string, unknown> = {};
    for (const name of Object.keys(props)) {
        try {
            given[name] = props[name];
        } catch {
            // Reading a value unknown at preview throws: check treats the placeholder as unknown.
            given[name] = unknownValue;
        }
    }
    // check takes anything (a program may give anything); its type says what it answers.
    const result = await archiveUploadTargetProvider.check!({} as TargetInputs, given as TargetInputs);
    const refused = new Set((result.failures ?? []).map((f) => f.property));
    const secretValues = secretPropertyNames.map((name) => given[name]).filter((v): v is string => typeof v === "string" && v !== "");
    return {
        resolved: refused.size === 0 ? (result.inputs as TargetInputs) : undefined,
        shown(name) {
            const value = given[name];
            if ((secretPropertyNames as readonly string[]).includes(name)) {
                return `a secret (not shown)`;
            }
            if (value === unknownValue) {
                return "a value not known yet";
            }
            if (refused.has(name)) {
                return "a value check refuses (not shown)";
            }
            if (typeof value === "string" && secretValues.some((s) => value.includes(s))) {
                return "a value holding a secret (not shown)";
            }
            return JSON.stringify(value) ?? "nothing";
        },
    };
}

/**
 * `report`, but a message holding a secret value of the stack (a target's secret inputs, an
 * access key's secret) says "(a secret, not shown)" in its place: a policy document or a name
 * could hold one pasted there.
 */
export function reportingNoSecretOf(resources: PolicyResource[], report: ReportViolation): ReportViolation {
    const secrets: string[] = [];
    for (const r of resources) {
        const names = r.type === archiveTargetType ? secretPropertyNames : r.type === "aws:iam/accessKey:AccessKey" ? ["secret"] : [];
        for (const name of names) {
            try {
                const value = r.props[name];
                if (typeof value === "string" && value.length >= 4) {
                    secrets.push(value);
                }
            } catch {
                // Not known yet: nothing to hide.
            }
        }
    }
    return (message, urn) =>
        report(
            secrets.reduce((text, secret) => text.split(secret).join("(a secret, not shown)"), message),
            urn,
        );
}
