// Pull-request previews as the pull request shows them: `pulumi preview --diff` of a stack whose
// `sse` changed, run by the real CLI with the flags .github/workflows/preview.yml gives
// pulumi/actions (whose comment is that text), and the policy pack run by the CLI on it.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { OpenTokEmulator } from "../emulator/opentok-emulator";
import { projectRoot } from "../support/pulumi-cli";
import { AwsStandIn } from "./aws-stand-in";
import { CliResult, StacksProject } from "./stacks-project";

const apiSecret = "cli-preview-api-secret-Mw27Qa";
const apiKey = "47100011";
const aws = new AwsStandIn();
const emulator = new OpenTokEmulator().addProject(apiKey, apiSecret);
let project: StacksProject;
/** What exists in the stand-in AWS after dev's up; a preview must add nothing. */
let writtenByUp = 0;

type Step = { uses?: string; with?: Record<string, unknown> };
type Workflow = { jobs: Record<string, { steps?: Step[]; strategy?: { matrix?: { stack?: string[] } } }> };

/** The `with:` of every pulumi/actions step of preview.yml. */
function previewSteps(): Record<string, unknown>[] {
    const workflow = yaml.load(fs.readFileSync(path.join(projectRoot, ".github", "workflows", "preview.yml"), "utf8")) as Workflow;
    return Object.values(workflow.jobs)
        .flatMap((job) => job.steps ?? [])
        .filter((step) => step.uses?.startsWith("pulumi/actions@"))
        .map((step) => step.with ?? {});
}

/** A new stack with the passphrase secrets provider, the given config and the API secret as a secret. */
async function initStack(stack: string, config: Record<string, string>): Promise<void> {
    await project.ok(["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"]);
    for (const [key, value] of Object.entries(config)) {
        await project.ok(["config", "set", "--stack", stack, key, value]);
    }
    await project.ok(["config", "set", "--stack", stack, "--secret", "opentok:apiSecret", apiSecret]);
}

beforeAll(async () => {
    await emulator.start();
    project = StacksProject.create(await aws.start());
    await initStack("dev", { "opentok:apiKey": apiKey, "opentok:apiUrl": emulator.url, "opentok-archive-storage:verify": "false" });
    await project.ok(["up", "--stack", "dev", "--yes", "--skip-preview"]);
    await project.ok(["config", "set", "--stack", "dev", "opentok-archive-storage:sse", "none"]);
    emulator.clearLog();
    aws.clearCalls();
    writtenByUp = aws.resources.size;
}, 300_000);

afterAll(async () => {
    await aws.stop();
    await emulator.stop();
    project?.remove();
});

/** What a reader of the comment sees: no secret, and nothing sent to OpenTok or written to AWS. */
function expectNothingSentAndNoSecret(result: CliResult) {
    expect(result.output).not.toContain(apiSecret);
    expect(result.output).not.toMatch(/stand-in-aws-secret-/);
    expect(emulator.requests).toEqual([]);
    expect(aws.calls.filter((c) => !c.preview && c.method !== "Check" && c.method !== "Diff" && c.method !== "Read")).toEqual([]);
    expect(aws.resources.size).toBe(writtenByUp);
}

describe("the preview of a change of sse", () => {
    let preview: CliResult;

    beforeAll(async () => {
        preview = await project.ok(["preview", "--stack", "dev", "--diff", "--non-interactive"]);
    }, 300_000);

    it("names the target, the changed property and both values, and only that change", () => {
        expect(preview.stdout).toMatch(
            /~ pulumi-nodejs:dynamic\/opentok:ArchiveUploadTarget: \(update\)\n\s+\[id=47100011\]\n\s+\[urn=[^\]]+archive-storage-dev-target\]/,
        );
        expect(preview.stdout).toMatch(/~ sse\s*: "s3" => "none"/);
        expect(preview.stdout).toMatch(/Resources:\n\s+~ 1 to update\n\s+\d+ unchanged/);
    });

    it("shows no secret and sends nothing", () => {
        expectNothingSentAndNoSecret(preview);
    });
});

/** `pulumi preview --diff` of a stack with the policy pack and the stack's policy config, as preview.yml runs it. */
function previewWithPolicy(stack: string): Promise<CliResult> {
    const policy = path.join(projectRoot, "policy");
    return project.pulumi([
        "preview",
        "--stack",
        stack,
        "--diff",
        "--non-interactive",
        "--policy-pack",
        policy,
        "--policy-pack-config",
        path.join(policy, `config.${stack}.json`),
    ]);
}

describe("the policy pack run by the CLI, as the workflow runs it", () => {
    let preview: CliResult;

    beforeAll(async () => {
        preview = await previewWithPolicy("dev");
    }, 300_000);

    it("reports the violation of the stack that breaks a rule, and fails the preview (the policy is mandatory)", () => {
        expect(preview.code).not.toBe(0);
        expect(preview.output).toMatch(
            /\[mandatory\]\s+archive-target-requires-sse-s3\s+\(pulumi-nodejs:dynamic\/opentok:ArchiveUploadTarget: archive-storage-dev-target\)/,
        );
        expect(preview.output).toMatch(/error: preview failed/);
        expect(preview.output).toContain('ArchiveUploadTarget archive-storage-dev-target has sse "none"');
        expectNothingSentAndNoSecret(preview);
    });

    it("passes a stack that keeps every rule: prod's first preview, with prod's policy config", async () => {
        await initStack("prod", { "opentok:apiKey": "47100012" });
        const prod = await previewWithPolicy("prod");
        expect({ code: prod.code, mandatory: prod.output.match(/\[mandatory\].*/g) }).toEqual({ code: 0, mandatory: null });
        expect(prod.output).toMatch(/Policy Packs run:[\s\S]*opentok-archive-storage\|local\|/);
        expect(prod.output).toMatch(/Resources:\n\s+\+ 21 to create/);
        expectNothingSentAndNoSecret(prod);
    }, 300_000);

    it("is what preview.yml asks pulumi/actions for: a preview with the diff and the stack's policy config", () => {
        const steps = previewSteps();
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) {
            expect({ command: step.command, diff: step.diff, policyPacks: step.policyPacks }).toEqual({
                command: "preview",
                diff: true,
                policyPacks: "policy",
            });
            expect(String(step.policyPackConfigs)).toMatch(
                /^policy\/config\.\$\{\{ *matrix\.stack *\}\}\.json$|^policy\/config\.(dev|staging|prod)\.json$/,
            );
        }
    });
});
