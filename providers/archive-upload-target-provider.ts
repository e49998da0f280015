// The dynamic provider behind ArchiveUploadTarget, method by method:
//   check  -> validates inputs and applies defaults; no request
//   diff   -> apiKey/applicationId/apiUrl changed: replace; target fields: update; no request
//   create -> preflight: a single-part and a multipart upload to the bucket (verify, S3), then PUT <apiUrl>/v2/project/<project>/archive/storage
//   update -> preflight, then PUT (neither when only apiSecret, privateKey or verify changed)
//   delete -> DELETE (404, nothing configured, counts as success)
//   read   -> no request: the API has no GET, so refresh returns the stored state as inputs
//
// Pulumi's provider host runs this module, the package's `./provider` export, required by name
// by the text each resource stores in `__provider` (provider-loader.ts). Every version must
// handle state written by earlier ones: `pulumi destroy` runs the installed version on state
// written by any earlier version.

import type * as pulumi from "@pulumi/pulumi";
import { ApiCredentials, deleteArchiveStorage, putArchiveStorage, RequestOptions, retryPolicyFromEnvironment, TargetBody } from "./client";
import { InvalidInputsError } from "./errors";
import { preflightPolicyFromEnvironment, verifyUpload } from "./preflight";
import { secretValuesOf } from "./secrets";
import { isUnknown } from "./unknown";
import { authModeOf, checkInputs, defaultApiUrls, knownInputNames, projectIdOf, TargetInputs } from "./validation";

/** What a target stores in state: its resolved inputs. Secrets are marked by the resource. */
export type TargetState = TargetInputs;

/** Changing one of these addresses another project (or API): the resource is replaced. */
const replaceProperties = ["apiKey", "applicationId", "apiUrl"] as const;

/** The properties whose change is sent to the API as a new target. */
const targetProperties = [
    "type",
    "bucket",
    "accessKey",
    "secretKey",
    "endpoint",
    "sse",
    "accountName",
    "accountKey",
    "container",
    "domain",
    "fallback",
] as const;

/** Properties that change state but not the target: updating them sends no request. */
const stateOnlyProperties = ["apiSecret", "privateKey", "verify"] as const;

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
        projectsSetInThisProcess().add(projectIdOf(inputs));
        return { id: projectIdOf(inputs), outs: inputs };
    },

    async update(_id, olds, news) {
        const old = stateFromStored(olds);
        const inputs = validated(news);
        const targetChanged =
            replaceProperties.some((name) => old[name] !== inputs[name]) || JSON.stringify(targetBody(old)) !== JSON.stringify(targetBody(inputs));
        if (targetChanged) {
            await verifyBeforeSetting(inputs);
            await putArchiveStorage(credentialsOf(inputs), targetBody(inputs), requestOptions(inputs, old));
            projectsSetInThisProcess().add(projectIdOf(inputs));
        }
        return { outs: inputs };
    },

    async delete(_id, props) {
        const state = stateFromStored(props);
        if (projectsSetInThisProcess().has(projectIdOf(state))) {
            // Another resource of this same deployment has just set this project's target (a
            // rename, or a replacement that kept the project): deleting now would remove the
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
    // The probe speaks S3; an Azure target is set without one.
    if (inputs.verify && inputs.type === "s3") {
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
 * State as stored by any version of this provider, in the current shape. Fields added later get
 * their earlier meaning here, so that delete and refresh keep working on old state: version 1
 * had no auth mode (OpenTok), no type (S3) and no verify (on).
 */
function stateFromStored(stored: TargetState): TargetState {
    const raw = stored as unknown as Record<string, unknown>;
    const state: Record<string, unknown> = {};
    for (const name of knownInputNames) {
        if (raw[name] !== undefined && raw[name] !== null) {
            state[name] = raw[name];
        }
    }
    if (state.apiKey !== undefined) {
        state.apiKey = String(state.apiKey);
    }
    state.apiUrl ??= defaultApiUrls[authModeOf(state)];
    state.type ??= "s3";
    if (state.type === "s3") {
        state.sse ??= "s3";
    }
    state.verify ??= true;
    return state as unknown as TargetState;
}

/** Retry policy, and every secret in play, so that no error can carry one. */
function requestOptions(...holders: TargetInputs[]): RequestOptions {
    return { policy: retryPolicyFromEnvironment(), secrets: holders.flatMap(secretValuesOf) };
}

function credentialsOf(inputs: TargetInputs): ApiCredentials {
    return authModeOf(inputs) === "vonage"
        ? { mode: "vonage", apiUrl: inputs.apiUrl, applicationId: inputs.applicationId!, privateKey: inputs.privateKey! }
        : { mode: "opentok", apiUrl: inputs.apiUrl, apiKey: inputs.apiKey!, apiSecret: inputs.apiSecret! };
}

/** The body, with its keys in the documented order and only the fields of the target's type. */
function targetBody(inputs: TargetInputs): TargetBody {
    if (inputs.type === "azure") {
        const config: Extract<TargetBody, { type: "azure" }>["config"] = {
            accountName: inputs.accountName!,
            accountKey: inputs.accountKey!,
            container: inputs.container!,
        };
        if (inputs.domain !== undefined) {
            config.domain = inputs.domain;
        }
        return { type: "azure", config, fallback: inputs.fallback };
    }
    const config: Extract<TargetBody, { type: "s3" }>["config"] = {
        bucket: inputs.bucket!,
        accessKey: inputs.accessKey!,
        secretKey: inputs.secretKey!,
        sse: inputs.sse ?? "s3",
    };
    if (inputs.endpoint !== undefined) {
        config.endpoint = inputs.endpoint;
    }
    return { type: "s3", config, fallback: inputs.fallback };
}

/**
 * Projects (API keys or application IDs) whose target this process has set. Pulumi runs one
 * provider host per deployment, so this is "set in this deployment". It lives on globalThis
 * because the host loads one provider per distinct `__provider` text: old and new resources
 * may run different copies.
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
