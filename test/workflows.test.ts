// The GitHub workflows: valid against the workflow schema (@action-validator/core), and doing
// what docs/operating.md says: previews with comments per stack, ordered deploys with prod
// gated, recreate only for ephemeral stacks, the policy pack on every preview and up; every
// secret only in a job that runs in a GitHub environment, forks' pull requests given none, and
// every action on a runtime GitHub still runs.

import { validateWorkflow } from "@action-validator/core";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { policies } from "../policy/policies";

const workflowsDir = path.join(__dirname, "..", ".github", "workflows");
const files = fs.readdirSync(workflowsDir).filter((f) => f.endsWith(".yml"));
const operatingGuide = fs.readFileSync(path.join(__dirname, "..", "docs", "operating.md"), "utf8");

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string> };
type Job = {
    if?: string;
    steps?: Step[];
    uses?: string;
    with?: Record<string, unknown>;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    secrets?: string | Record<string, string>;
    strategy?: { matrix?: { include?: Record<string, string>[] } & Record<string, unknown> };
};
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const load = (file: string) => yaml.load(fs.readFileSync(path.join(workflowsDir, file), "utf8")) as Workflow;
const pulumiSteps = (workflow: Workflow) =>
    Object.values(workflow.jobs).flatMap((job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@")));
const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

// The runtime of each action at the major the workflows use, read from its action.yml
// (`runs.using`) at the commit the major's tag points to:
//   actions/checkout v7 (3d3c42e5aac5ba805825da76410c181273ba90b1): node24
//   actions/setup-node v7 (820762786026740c76f36085b0efc47a31fe5020): node24
//   aws-actions/configure-aws-credentials v6 (e6de054238d6b7531b4efff3b6587d9aade6a06c): node24
//     (v4 and v5 run on node20)
//   pulumi/actions v7 (8e5e406f4007fca908480587cb9893c07090f58d): node24 (v6 runs on node20)
// GitHub has retired node20 as an action runtime; node24 is the current one. A new major goes
// into the table only after reading its action.yml.
const actionRuntimes: Record<string, string> = {
    "actions/checkout@v7": "node24",
    "actions/setup-node@v7": "node24",
    "aws-actions/configure-aws-credentials@v6": "node24",
    "pulumi/actions@v7": "node24",
};
const supportedRuntimes = ["node24"];

/** The names a job reads from a context (`secrets.X`, `vars.X`), anywhere in its definition. */
function namesFrom(job: Job, context: "secrets" | "vars"): string[] {
    const text = JSON.stringify(job);
    return [...new Set([...text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, "g"))].map((m) => m[1]!))].sort();
}

const environmentOf = (job: Job) => (typeof job.environment === "object" ? job.environment.name : job.environment);

/**
 * Jobs that would hand a secret or a cloud identity to code without a GitHub environment in
 * between: a job that names a secret, inherits secrets or may mint an OIDC token must run in an
 * environment (whose rules and reviewers then gate it), or call a workflow whose jobs do.
 */
function ungatedJobs(workflow: Workflow, calledWorkflows: Record<string, Workflow>): string[] {
    return Object.entries(workflow.jobs)
        .filter(([, job]) => {
            const holdsSecrets = namesFrom(job, "secrets").length > 0 || job.permissions?.["id-token"] === "write";
            if (job.uses !== undefined) {
                const called = calledWorkflows[path.basename(job.uses)];
                const inheritsSecrets = job.secrets === "inherit" || (typeof job.secrets === "object" && Object.keys(job.secrets).length > 0);
                return (
                    (inheritsSecrets || holdsSecrets) &&
                    (called === undefined || Object.values(called.jobs).some((j) => environmentOf(j) === undefined))
                );
            }
            return holdsSecrets && environmentOf(job) === undefined;
        })
        .map(([name]) => name);
}

const workflows = Object.fromEntries(files.map((f) => [f, load(f)]));

describe("workflows", () => {
    it("are the five documented ones", () => {
        expect(files.sort()).toEqual(["deploy.yml", "preview.yml", "recreate.yml", "release.yml", "up.yml"]);
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
        expect(workflow.jobs.preview!.strategy!.matrix!.include!.map((row) => row.stack)).toEqual(["dev", "staging", "prod"]);
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
        expect(workflow.jobs.recreate!.with).toMatchObject({ "destroy-first": true, environment: "${{ inputs.stack }}" });
    });

    it.each(["preview.yml", "up.yml"])("%s refuses to run on the local state backend", (file) => {
        const guard = allSteps(load(file)).find((s) => s.run?.includes("file://"));
        expect(guard?.run).toMatch(/exit 1/);
    });

    it("every policy config names a policy of the pack", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", `config.${stack}.json`), "utf8"));
            const names = policies.map((p) => p.name);
            expect(Object.keys(config).filter((name) => !names.includes(name))).toEqual([]);
        }
    });
});

describe("workflow runtimes", () => {
    it("the runtime table names only runtimes GitHub still runs", () => {
        expect(Object.entries(actionRuntimes).filter(([, runtime]) => !supportedRuntimes.includes(runtime))).toEqual([]);
    });

    it.each(files)("%s uses only actions whose runtime is in the table (each action at its major)", (file) => {
        const used = allSteps(load(file))
            .map((s) => s.uses)
            .filter((uses): uses is string => uses !== undefined);
        expect(used.filter((uses) => actionRuntimes[uses] === undefined)).toEqual([]);
    });

    it("every action in the table is used, so the table is what the workflows run", () => {
        const used = new Set(files.flatMap((f) => allSteps(load(f)).map((s) => s.uses)));
        expect(Object.keys(actionRuntimes).filter((action) => !used.has(action))).toEqual([]);
    });

    it.each(files)("%s sets up Node.js 24", (file) => {
        for (const step of allSteps(load(file)).filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
            expect(step.with?.["node-version"]).toBe(24);
        }
    });
});

describe("who gets which secret", () => {
    // job -> environment -> secrets -> AWS role variable, as docs/operating.md's table says.
    type Row = { job: string; environment?: string; secrets: string[]; role?: string };
    const pulumiSecrets = ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"];
    const preview = (stack: string, environment: string): Row => ({
        job: `preview.yml preview (${stack})`,
        environment,
        secrets: pulumiSecrets,
        role: "AWS_READ_ONLY_ROLE_ARN",
    });
    const up = (caller: string, environment: string): Row => ({
        job: `${caller} → up.yml up`,
        environment,
        secrets: pulumiSecrets,
        role: "AWS_ROLE_ARN",
    });
    const expected: Row[] = [
        preview("dev", "preview-dev"),
        preview("staging", "preview-staging"),
        preview("prod", "preview-production"),
        { job: "deploy.yml test", environment: undefined, secrets: [], role: undefined },
        up("deploy.yml dev", "dev"),
        up("deploy.yml staging", "staging"),
        up("deploy.yml prod", "production"),
        up("recreate.yml recreate", "${{ inputs.stack }}"),
    ];

    /** The table as the workflow files say it: matrix rows expanded, calls followed into up.yml. */
    function derivedTable() {
        const rows: Row[] = [];
        const roleOf = (job: Job) => namesFrom(job, "vars").find((name) => name.endsWith("ROLE_ARN"));
        for (const file of ["preview.yml", "deploy.yml", "recreate.yml"]) {
            for (const [name, job] of Object.entries(workflows[file]!.jobs)) {
                if (job.uses !== undefined) {
                    const called = workflows[path.basename(job.uses)]!;
                    for (const [calledName, calledJob] of Object.entries(called.jobs)) {
                        const environment =
                            environmentOf(calledJob) === "${{ inputs.environment }}" ? String(job.with?.environment) : environmentOf(calledJob);
                        rows.push({
                            job: `${file} ${name} → ${path.basename(job.uses)} ${calledName}`,
                            environment,
                            secrets: namesFrom(calledJob, "secrets"),
                            role: roleOf(calledJob),
                        });
                    }
                } else if (job.strategy?.matrix?.include !== undefined) {
                    for (const row of job.strategy.matrix.include) {
                        const environment = environmentOf(job) === "${{ matrix.environment }}" ? row.environment : environmentOf(job);
                        rows.push({ job: `${file} ${name} (${row.stack})`, environment, secrets: namesFrom(job, "secrets"), role: roleOf(job) });
                    }
                } else {
                    rows.push({ job: `${file} ${name}`, environment: environmentOf(job), secrets: namesFrom(job, "secrets"), role: roleOf(job) });
                }
            }
        }
        return rows;
    }

    it("each job names the secrets and the role of its table row, in its environment", () => {
        expect(derivedTable()).toEqual(expected);
    });

    it("prod's preview and prod's up run in environments of their own, not shared with dev or staging", () => {
        const table = derivedTable();
        const environmentsOf = (stack: string) => new Set(table.filter((r) => r.job.includes(stack)).map((r) => r.environment));
        const prod = environmentsOf("prod");
        expect([...prod].sort()).toEqual(["preview-production", "production"]);
        for (const other of ["dev", "staging"]) {
            expect([...environmentsOf(other)].filter((e) => prod.has(e))).toEqual([]);
        }
    });

    it("previews assume the read-only role, never the deploy role", () => {
        expect(namesFrom(workflows["preview.yml"]!.jobs.preview!, "vars")).not.toContain("AWS_ROLE_ARN");
    });

    it.each(files)("%s grants no permission at the top: each job asks for its own", (file) => {
        expect(workflows[file]!.permissions).toEqual({});
    });

    it("each job gets only the permissions it uses", () => {
        const permissions = Object.fromEntries(
            Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.jobs).map(([name, job]) => [`${file} ${name}`, job.permissions])),
        );
        expect(permissions).toEqual({
            "preview.yml preview": { contents: "read", "pull-requests": "write", "id-token": "write" },
            // The release: the GitHub release, and npm's trusted publishing with provenance.
            "release.yml test": { contents: "read" },
            "release.yml publish": { contents: "write", "id-token": "write" },
            "deploy.yml test": { contents: "read" },
            "deploy.yml dev": { contents: "read", "id-token": "write" },
            "deploy.yml staging": { contents: "read", "id-token": "write" },
            "deploy.yml prod": { contents: "read", "id-token": "write" },
            "recreate.yml recreate": { contents: "read", "id-token": "write" },
            "up.yml up": { contents: "read", "id-token": "write" },
        });
    });

    it.each(files)("%s gives no secret and no OIDC token to a job outside a GitHub environment", (file) => {
        expect(ungatedJobs(workflows[file]!, workflows)).toEqual([]);
    });

    it("that check does catch a job holding secrets without an environment", () => {
        const preview = structuredClone(workflows["preview.yml"]!);
        delete preview.jobs.preview!.environment;
        expect(ungatedJobs(preview, workflows)).toEqual(["preview"]);
        const upWithout = structuredClone(workflows["up.yml"]!);
        delete upWithout.jobs.up!.environment;
        expect(ungatedJobs(workflows["deploy.yml"]!, { ...workflows, "up.yml": upWithout })).toEqual(["dev", "staging", "prod"]);
    });

    it("previews skip pull requests from forks, and nothing runs a pull request's code with the base repository's rights", () => {
        expect(workflows["preview.yml"]!.jobs.preview!.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        for (const w of Object.values(workflows)) {
            expect(Object.keys(w.on)).not.toContain("pull_request_target");
            expect(Object.keys(w.on)).not.toContain("workflow_run");
        }
    });

    it.each(files)("%s keeps no token in the checkout and restores no dependency cache where secrets are", (file) => {
        for (const job of Object.values(workflows[file]!.jobs)) {
            for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
                expect(step.with?.["persist-credentials"]).toBe(false);
            }
            if (environmentOf(job) !== undefined) {
                for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
                    expect(step.with).toMatchObject({ "package-manager-cache": false });
                    expect(step.with?.cache).toBeUndefined();
                }
            }
        }
    });

    it("docs/operating.md lists every environment, secret and role variable the workflows use", () => {
        const table = derivedTable();
        const named = [
            ...new Set([
                ...table.flatMap((r) => r.secrets),
                ...table.map((r) => r.role).filter((r): r is string => r !== undefined),
                ...table.map((r) => r.environment).filter((e): e is string => e !== undefined && !e.includes("${{")),
            ]),
        ];
        expect(named.filter((name) => !operatingGuide.includes(`\`${name}\``))).toEqual([]);
    });
});
