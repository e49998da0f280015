// The dynamic provider behind ArchiveUploadTarget, method by method:
//   check  -> validates inputs and applies defaults; no request
//   diff   -> apiKey/applicationId/apiUrl changed: replace; target fields: update; no request
//   create -> preflight: a single-part and a multipart upload to the bucket (verify, S3), then PUT <apiUrl>/v2/project/<project>/archive/storage
//   update -> preflight, then PUT (neither when only state-only inputs changed: apiSecret, privateKey, verify)
//   delete -> DELETE (404, nothing configured, counts as success)
//   read   -> no request: the API has no GET, so refresh returns the stored state as inputs
//
// Pulumi's provider host runs this module, the package's `./provider` export, required by name
// by the text each resource stores in `__provider` (provider-loader.ts). Every version must
// handle state written by earlier ones: `pulumi destroy` runs the installed version on state
// written by any earlier version.

import type * as pulumi from "@pulumi/pulumi";
import { checkAtPreview, checkBeforeRequest, inputsOfFailedCheck, stateFromStored } from "./check";
import { ApiCredentials, deleteArchiveStorage, putArchiveStorage, RequestOptions, retryPolicyFromEnvironment } from "./client";
import { InvalidInputsError } from "./errors";
import type { TargetBody, TargetInputs } from "./inputs";
import { preflightPolicyFromEnvironment, verifyUpload } from "./preflight";
import { applies, authModeOf, projectIdOf, properties, propertyNames, replacePropertyNames } from "./properties";
import { secretValuesOf } from "./secrets";
import { isUnknown } from "./unknown";

/** What a target stores in state: its resolved inputs. Secrets are marked by the resource. */
export type TargetState = TargetInputs;

export const archiveUploadTargetProvider: pulumi.dynamic.ResourceProvider<TargetInputs, TargetState> = {
    async check(_olds, news) {
        const result = checkAtPreview(news);
        // A failed check answers inputs without the failing ones, which the engine would print
        // (inputsOfFailedCheck); Pulumi's host wants inputs back with the failures, and the
        // engine stops at the failures.
        return result.ok
            ? { inputs: result.inputs, failures: [] }
            : { inputs: inputsOfFailedCheck(news, result.failures) as TargetInputs, failures: result.failures };
    },

    async diff(_id, olds, news) {
        const old = stateFromStored(olds);
        const changed = (name: keyof TargetInputs) => isUnknown(news[name]) || (old[name] ?? undefined) !== (news[name] ?? undefined);
        // Every property is compared: a state-only change (apiSecret, privateKey, verify) is a
        // change too, which update stores without sending a request.
        const replaces = replacePropertyNames.filter(changed);
        const changes = propertyNames.some(changed);
        // Create-before-delete is always safe: a replacement configures another project or API
        // first, and the old resource's delete skips a project set in this deployment
        // (see `projectsSetInThisProcess`).
        return { changes, replaces: [...replaces], deleteBeforeReplace: false };
    },

    async create(raw) {
        const inputs = validated(raw);
        await verifyBeforeSetting(inputs);
        await putArchiveStorage(apiCredentialsOf(inputs), targetBody(inputs), requestOptions(inputs));
        projectsSetInThisProcess().add(projectIdOf(inputs));
        return { id: projectIdOf(inputs), outs: inputs };
    },

    async update(_id, olds, news) {
        const old = stateFromStored(olds);
        const inputs = validated(news);
        // The table says which changes are sent: any but a state-only one (apiSecret, privateKey, verify).
        const targetChanged = propertyNames.some((name) => properties[name].change !== "state" && old[name] !== inputs[name]);
        if (targetChanged) {
            await verifyBeforeSetting(inputs);
            await putArchiveStorage(apiCredentialsOf(inputs), targetBody(inputs), requestOptions(inputs, old));
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
        await deleteArchiveStorage(apiCredentialsOf(state), requestOptions(state));
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
    const result = checkBeforeRequest(raw);
    if (!result.ok) {
        throw new InvalidInputsError(result.failures);
    }
    return result.inputs;
}

/** Retry policy, and every secret in play, so that no error can carry one. */
function requestOptions(...holders: TargetInputs[]): RequestOptions {
    return { policy: retryPolicyFromEnvironment(), secrets: holders.flatMap(secretValuesOf) };
}

function apiCredentialsOf(inputs: TargetInputs): ApiCredentials {
    return authModeOf(inputs) === "vonage"
        ? { mode: "vonage", apiUrl: inputs.apiUrl, applicationId: inputs.applicationId!, privateKey: inputs.privateKey! }
        : { mode: "opentok", apiUrl: inputs.apiUrl, apiKey: inputs.apiKey!, apiSecret: inputs.apiSecret! };
}

/**
 * The body: the inputs the table sends (a row's `sent`) that apply to the target's type, at the top
 * or in `config`, in the table's order (the documented one; JSON objects have no order that matters).
 */
function targetBody(inputs: TargetInputs): TargetBody {
    const body: Record<string, unknown> = {};
    const config: Record<string, unknown> = {};
    const mode = authModeOf(inputs);
    for (const name of propertyNames) {
        const place = properties[name].sent;
        if (place === undefined || inputs[name] === undefined || !applies(name, mode, inputs.type)) {
            continue;
        }
        if (place === "config") {
            body.config = config;
            config[name] = inputs[name];
        } else {
            body[name] = inputs[name];
        }
    }
    return body as TargetBody;
}

/**
 * Projects (API keys or application IDs) whose target this process has set. Pulumi runs one
 * provider host per deployment, so this is "set in this deployment". It lives on globalThis
 * because the host loads one provider per distinct `__provider` text: old and new resources
 * may run different copies.
 */
function projectsSetInThisProcess(): Set<string> {
    const key = Symbol.for("opentok-archive-storage.projectsSetInThisProcess");
    const existing: unknown = Reflect.get(globalThis, key);
    if (existing instanceof Set) {
        return existing;
    }
    const projects = new Set<string>();
    Reflect.set(globalThis, key, projects);
    return projects;
}
