// The program as `pulumi up` runs it: @pulumi/pulumi/cmd/run with the project's own ts-node and
// TypeScript, against a stand-in engine. Catches what only jest would accept.

import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import { awsLikeOutputs, projectRoot, Registration, runProgram } from "./harness/stand-in-engine";

const apiSecret = "program-api-secret-Wq72Lm";
const config = {
    "aws:region": "us-east-1",
    "opentok:apiKey": "47000002",
    "opentok:apiSecret": apiSecret,
    "opentok-archive-storage:sse": "s3",
    "opentok-archive-storage:fallback": "none",
    "opentok-archive-storage:protect": "true",
};

const outputsFor = awsLikeOutputs("program-s3-secret-Pq81Zz");

// What Pulumi.yaml tells the language host to compile with (runtime option `tsconfig`).
const pulumiTsconfig = (yaml.load(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { runtime: { options: { tsconfig: string } } })
    .runtime.options.tsconfig;

it("Pulumi.yaml points the language host at a tsconfig that exists and skips type-checking", () => {
    expect(pulumiTsconfig).toBe("tsconfig.pulumi.json");
    expect(fs.readFileSync(path.join(projectRoot, pulumiTsconfig), "utf8")).toMatch(/"noCheck": true/);
});

describe.each([
    ["as Pulumi.yaml configures it (transpile-only, SWC)", { tsconfig: pulumiTsconfig }],
    ["with type-checking (tsconfig.json)", { transpileOnly: false }],
    ["with PULUMI_NODEJS_TRANSPILE_ONLY=true", { transpileOnly: true }],
])("the program under Pulumi's Node language host, %s", (_mode, compileOptions) => {
    let result: Awaited<ReturnType<typeof runProgram>>;
    const byType = (type: string): Registration => result.registrations.find((r) => r.type === type)!;

    beforeAll(async () => {
        result = await runProgram({ stack: "staging", config, secretKeys: ["opentok:apiSecret"], outputsFor, ...compileOptions });
    }, 120_000);

    it("loads and runs to completion", () => {
        expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: "" });
        expect(result.logs.filter((l) => l.severity >= 3)).toEqual([]);
        expect(result.registrations.map((r) => r.type)).toContain("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
    });

    it("reads the engine's features from GetDeploymentInfo, as under a current CLI, not from the old per-feature probes", () => {
        expect(result.probedFeatures).toEqual([]);
    });

    it("registers the target after the upload policy, encryption and public access block it depends on", () => {
        const target = byType("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
        for (const type of [
            "aws:iam/userPolicy:UserPolicy",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:iam/accessKey:AccessKey",
        ]) {
            expect(target.dependencies).toContain(byType(type).urn);
        }
    });

    it("sends the secrets to the engine marked secret, and asks for secret outputs", () => {
        const target = byType("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
        const sig = "4dabf18193072939515e22adb298388d";
        expect(target.inputs.apiSecret).toEqual({ [sig]: "1b47061264138c4ac30d75fd1eb44270", value: apiSecret });
        expect(target.inputs.secretKey).toEqual({ [sig]: "1b47061264138c4ac30d75fd1eb44270", value: "program-s3-secret-Pq81Zz" });
        expect(target.additionalSecretOutputs).toEqual(expect.arrayContaining(["apiSecret", "secretKey"]));
    });

    it("stores the same provider text whichever compiler ran it, holding no secret", () => {
        const providerText = byType("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget").inputs.__provider as string;
        // Written, not serialized: byte for byte the text the host tests run, so switching
        // tsconfig (or ts-node's transpiler) never changes what state holds.
        expect(providerText).toBe(archiveUploadTargetProviderText);
        expect(providerText).not.toContain(apiSecret);
        expect(providerText).not.toContain("program-s3-secret-Pq81Zz");
        // The program imports the package by name, and the text names only the package.
        expect(providerText).toContain('"@opentok-archive-storage/archive-upload-target/provider"');
    });

    it("registers the component's children and outputs, and exports them as the stack's outputs, holding no secret", () => {
        const component = byType("opentok-archive-storage:index:ArchiveStorage");
        const stack = byType("pulumi:pulumi:Stack");
        const prefix = "archive-storage-staging";
        // A current engine supports resource references: the component's resources are sent as
        // references (URN and id), not as their ids.
        const reference = (type: string) => ({
            "4dabf18193072939515e22adb298388d": "5cf8f73096256a8f31e491e813e4eb8e",
            urn: byType(type).urn,
            id: `${byType(type).name}-id`,
        });
        expect(result.registeredOutputs[component.urn]).toEqual({
            bucket: reference("aws:s3/bucket:Bucket"),
            user: reference("aws:iam/user:User"),
            accessKey: reference("aws:iam/accessKey:AccessKey"),
            target: reference("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget"),
            bucketName: `${prefix}-archives-x1`,
            bucketArn: `arn:aws:s3:::${prefix}-archives-x1`,
            userName: `${prefix}-opentok-user`,
            accessKeyId: `${prefix}-opentok-key-1-id`,
            sse: "s3",
            fallback: "none",
            targetId: `${prefix}-target-id`,
        });
        expect(result.registeredOutputs[stack.urn]).toEqual({
            bucketName: `${prefix}-archives-x1`,
            bucketArn: `arn:aws:s3:::${prefix}-archives-x1`,
            opentokUserName: `${prefix}-opentok-user`,
            accessKeyId: `${prefix}-opentok-key-1-id`,
            sse: "s3",
            fallback: "none",
            targetId: `${prefix}-target-id`,
        });
        const everyOutput = JSON.stringify(result.registeredOutputs);
        expect(everyOutput).not.toContain("program-s3-secret-Pq81Zz");
        expect(everyOutput).not.toContain(apiSecret);
    });

    it("protects every resource but the access key and the target when the stack says so (the component itself holds nothing)", () => {
        expect(result.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.protect).map((r) => r.name)).toEqual([
            "archive-storage-staging",
            "archive-storage-staging-opentok-key-1",
            "archive-storage-staging-target",
        ]);
    });
});
