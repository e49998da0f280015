// The dynamic provider behind ArchiveUploadTarget, method by method:
//   check  -> validates inputs and applies defaults; no request
//   diff   -> apiKey/apiUrl changed: replace; target fields: update; nothing else; no request
//   create -> preflight upload to the bucket (verify), then PUT <apiUrl>/v2/project/<apiKey>/archive/storage
//   update -> preflight, then PUT (neither when only apiSecret or verify changed: the target is unchanged)
//   delete -> DELETE (404, nothing configured, counts as success)
//   read   -> no request: the API has no GET, so refresh returns the stored state as inputs
//
// This object is serialized into every resource's `__provider` and run by Pulumi's provider
// host. It must capture no secret, and every version must handle state written by earlier ones.

import type * as pulumi from "@pulumi/pulumi";
import { deleteArchiveStorage, ProjectCredentials, putArchiveStorage, RequestOptions, retryPolicyFromEnvironment, S3TargetBody } from "./client";
import { InvalidInputsError } from "./errors";
import { preflightPolicyFromEnvironment, verifyUpload } from "./preflight";
import { secretValuesOf } from "./secrets";
import { isUnknown } from "./unknown";
import { checkInputs, defaultApiUrl, TargetInputs } from "./validation";

/** What a target stores in state: its resolved inputs. Secrets are marked by the resource. */
export type TargetState = TargetInputs;

/** Changing one of these addresses another project (or API): the resource is replaced. */
const replaceProperties = ["apiKey", "apiUrl"] as const;

/** The properties whose change is sent to the API as a new target. */
const targetProperties = ["type", "bucket", "accessKey", "secretKey", "endpoint", "sse", "fallback"] as const;

/** Properties that change state but not the target: updating them sends no request. */
const stateOnlyProperties = ["apiSecret", "verify"] as const;

export const archiveUploadTargetProvider: pulumi.dynamic.ResourceProvider<TargetInputs, TargetState> = {
    async check(_olds, news) {
        const { inputs, failures } = checkInputs(news as unknown as Record<string, unknown>, { allowUnknown: true });
        return { inputs, failures };
    },

    async diff(_id, olds, news) {
        const old = stateFromStored(olds);
        const changed = (name: keyof TargetInputs) => isUnknown(news[name]) || (old[name] ?? undefined) !== (news[name] ?? undefined);
        const replaces = replaceProperties.filter(changed);
        const changes = replaces.length > 0 || targetProperties.some(changed) || stateOnlyProperties.some(changed);
        // Create-before-delete is always safe: a replacement configures another project or API
        // first, and the old resource's delete skips a project set in this deployment
        // (see `projectsSetInThisProcess`).
        return { changes, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async create(raw) {
        const inputs = validated(raw);
        await verifyBeforeSetting(inputs);
        await putArchiveStorage(credentialsOf(inputs), targetBody(inputs), requestOptions(inputs));
        projectsSetInThisProcess().add(inputs.apiKey);
        return { id: inputs.apiKey, outs: inputs };
    },

    async update(_id, olds, news) {
        const old = stateFromStored(olds);
        const inputs = validated(news);
        const targetChanged =
            replaceProperties.some((name) => old[name] !== inputs[name]) || JSON.stringify(targetBody(old)) !== JSON.stringify(targetBody(inputs));
        if (targetChanged) {
            await verifyBeforeSetting(inputs);
            await putArchiveStorage(credentialsOf(inputs), targetBody(inputs), requestOptions(inputs, old));
            projectsSetInThisProcess().add(inputs.apiKey);
        }
        return { outs: inputs };
    },

    async delete(_id, props) {
        const state = stateFromStored(props);
        if (projectsSetInThisProcess().has(state.apiKey)) {
            // Another resource of this same deployment has just set this project's target (a
            // rename, or a replacement that kept the API key): deleting now would remove the
            // target it set, and recordings would have nowhere to go.
            return;
        }
        await deleteArchiveStorage(credentialsOf(state), requestOptions(state));
    },

    async read(id, props) {
        if (props === undefined) {
            throw new Error(
                `ArchiveUploadTarget ${id} cannot be imported: the OpenTok API has no way to read an archive upload target back. ` +
                    `Declare the resource in your program and run \`pulumi up\`; it sets the target to what you declare.`,
            );
        }
        const state = stateFromStored(props);
        return { id, props: state, inputs: state };
    },
};

async function verifyBeforeSetting(inputs: TargetInputs): Promise<void> {
    if (inputs.verify) {
        await verifyUpload(inputs, preflightPolicyFromEnvironment());
    }
}

function validated(raw: TargetInputs): TargetInputs {
    const { inputs, failures } = checkInputs(raw as unknown as Record<string, unknown>, { allowUnknown: false });
    if (failures.length > 0) {
        throw new InvalidInputsError(failures);
    }
    return inputs;
}

/**
 * State as stored by any version of this provider, in the current shape. Version 1 is the first:
 * fields added later must get their earlier meaning here, so delete and refresh keep working.
 */
function stateFromStored(stored: TargetState): TargetState {
    const raw = stored as unknown as Record<string, unknown>;
    const state: TargetState = {
        apiKey: String(raw.apiKey),
        apiSecret: raw.apiSecret as string,
        apiUrl: (raw.apiUrl as string | undefined) ?? defaultApiUrl,
        type: (raw.type as TargetState["type"] | undefined) ?? "s3",
        bucket: raw.bucket as string,
        accessKey: raw.accessKey as string,
        secretKey: raw.secretKey as string,
        sse: (raw.sse as TargetState["sse"] | undefined) ?? "s3",
        fallback: raw.fallback as TargetState["fallback"],
        verify: (raw.verify as boolean | undefined) ?? true,
    };
    if (typeof raw.endpoint === "string") {
        state.endpoint = raw.endpoint;
    }
    return state;
}

/** Retry policy, and every secret in play, so that no error can carry one. */
function requestOptions(...holders: TargetInputs[]): RequestOptions {
    return { policy: retryPolicyFromEnvironment(), secrets: holders.flatMap(secretValuesOf) };
}

function credentialsOf(inputs: TargetInputs): ProjectCredentials {
    return { apiUrl: inputs.apiUrl, apiKey: inputs.apiKey, apiSecret: inputs.apiSecret };
}

function targetBody(inputs: TargetInputs): S3TargetBody {
    const config: S3TargetBody["config"] = {
        bucket: inputs.bucket,
        accessKey: inputs.accessKey,
        secretKey: inputs.secretKey,
        sse: inputs.sse,
    };
    if (inputs.endpoint !== undefined) {
        config.endpoint = inputs.endpoint;
    }
    return { type: inputs.type, config, fallback: inputs.fallback };
}

/**
 * API keys whose target this process has set. Pulumi runs one provider host per deployment, so
 * this is "set in this deployment". It lives on globalThis because the host deserializes one
 * provider per distinct `__provider` text: old and new resources may run different copies.
 */
function projectsSetInThisProcess(): Set<string> {
    const key = Symbol.for("opentok-archive-storage.projectsSetInThisProcess");
    const registry = globalThis as unknown as Record<symbol, Set<string> | undefined>;
    let projects = registry[key];
    if (projects === undefined) {
        projects = new Set<string>();
        registry[key] = projects;
    }
    return projects;
}
