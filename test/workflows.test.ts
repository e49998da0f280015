// The GitHub workflows: valid against the workflow schema (@action-validator/core), and doing
// what docs/operating.md says: previews with comments per stack, ordered deploys with prod
// gated, recreate only for ephemeral stacks, the policy pack on every preview and up.

import { validateWorkflow } from "@action-validator/core";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { policies } from "../policy/policies";

const workflowsDir = path.join(__dirname, "..", ".github", "workflows");
const files = fs.readdirSync(workflowsDir).filter((f) => f.endsWith(".yml"));

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string> };
type Job = {
    steps?: Step[];
    uses?: string;
    with?: Record<string, unknown>;
    needs?: string | string[];
    environment?: string;
    strategy?: { matrix?: Record<string, unknown> };
};
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

const load = (file: string) => yaml.load(fs.readFileSync(path.join(workflowsDir, file), "utf8")) as Workflow;
const pulumiSteps = (workflow: Workflow) =>
    Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@")));

describe("workflows", () => {
    it("are the four documented ones", () => {
        expect(files.sort()).toEqual(["deploy.yml", "preview.yml", "recreate.yml", "up.yml"]);
    });

    it.each(files)("%s is valid against the GitHub workflow schema", (file) => {
        expect(validateWorkflow(fs.readFileSync(path.join(workflowsDir, file), "utf8")).errors).toEqual([]);
    });

    it("the validator does report an invalid workflow", () => {
        expect(validateWorkflow("on: push\njobs:\n  a:\n    runs-on: 3\n").errors.length).toBeGreaterThan(0);
    });

    it("preview comments the diff of every environment stack on pull requests, with the policy pack", () => {
        const workflow = load("preview.yml");
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        expect(workflow.jobs.preview!.strategy!.matrix!.stack).toEqual(["dev", "staging", "prod"]);
        const [step] = pulumiSteps(workflow);
        expect(step!.with).toMatchObject({
            command: "preview",
            "comment-on-pr": true,
            policyPacks: "policy",
            policyPackConfigs: "policy/config.${{ matrix.stack }}.json",
        });
    });

    it("deploy brings up dev, staging, then prod, prod behind the production environment", () => {
        const { jobs } = load("deploy.yml");
        expect(jobs.dev).toMatchObject({ needs: "test", uses: "./.github/workflows/up.yml", with: { stack: "dev" } });
        expect(jobs.staging).toMatchObject({ needs: "dev", with: { stack: "staging" } });
        expect(jobs.prod).toMatchObject({ needs: "staging", with: { stack: "prod", environment: "production" } });
    });

    it("up runs in the given environment, with the stack's policy config", () => {
        const workflow = load("up.yml");
        expect(workflow.jobs.up!.environment).toBe("${{ inputs.environment }}");
        const commands = pulumiSteps(workflow).map((s) => s.with?.command);
        expect(commands).toEqual(["destroy", "up"]);
        expect(pulumiSteps(workflow)[1]!.with).toMatchObject({ policyPacks: "policy", policyPackConfigs: "policy/config.${{ inputs.stack }}.json" });
    });

    it("recreate is manual and offers only the ephemeral stacks", () => {
        const workflow = load("recreate.yml");
        const dispatch = workflow.on.workflow_dispatch as { inputs: { stack: { options: string[] } } };
        expect(dispatch.inputs.stack.options).toEqual(["dev", "staging"]);
        expect(workflow.jobs.recreate!.with).toMatchObject({ "destroy-first": true });
    });

    it.each(["preview.yml", "up.yml"])("%s refuses to run on the local state backend", (file) => {
        const guard = Object.values(load(file).jobs)
            .flatMap((j) => j.steps ?? [])
            .find((s) => s.run?.includes("file://"));
        expect(guard?.run).toMatch(/exit 1/);
    });

    it.each(files)("%s runs pulumi/actions@v7 (node24; v6 runs on the retired node20)", (file) => {
        for (const step of pulumiSteps(load(file))) {
            expect(step.uses).toBe("pulumi/actions@v7");
        }
    });

    // pulumi/actions' own defaults (its action.yml): an input that restates one is noise.
    const actionDefaults: Record<string, unknown[]> = {
        "github-token": ["${{ github.token }}", "${{ secrets.GITHUB_TOKEN }}"],
        "work-dir": ["./", "."],
        "comment-on-pr": [false, "false"],
        refresh: [false, "false"],
        upsert: [false, "false"],
        "edit-pr-comment": [true, "true"],
        "target-dependents": [false, "false"],
        color: ["auto"],
    };

    it.each(files)("%s gives pulumi/actions no input that only restates its default", (file) => {
        const restated = pulumiSteps(load(file)).flatMap((step) =>
            Object.entries(step.with ?? {})
                .filter(([input, value]) => actionDefaults[input]?.includes(value))
                .map(([input]) => input),
        );
        expect(restated).toEqual([]);
    });

    it("every policy config names a policy of the pack", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", `config.${stack}.json`), "utf8"));
            const names = policies.map((p) => p.name);
            expect(Object.keys(config).filter((name) => !names.includes(name))).toEqual([]);
        }
    });
});
