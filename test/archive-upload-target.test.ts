// ArchiveUploadTarget as the program registers it: type token, inputs, secrets and __provider.

import * as pulumi from "@pulumi/pulumi";
import { archiveUploadTargetProviderText } from "../providers/provider-loader";
import { apiSecret, secretKey } from "./support/fixtures";
import { recordRegistrations } from "./support/mock-resources";

/** How a secret value reaches the engine: wrapped in Pulumi's secret signature. */
function secretEnvelope(value: string) {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

const registered = recordRegistrations((args) => ({ id: String(args.inputs.apiKey) }), "test", false);

async function resolved<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
    const value = await new Promise<T>((resolve) => output.apply(resolve));
    return { value, secret: await pulumi.isSecret(output) };
}

describe("ArchiveUploadTarget", () => {
    // Imported here so that setMocks is in force first.
    const { ArchiveUploadTarget } = require("../providers") as typeof import("../providers");

    it("registers under its own type token with every input", async () => {
        const target = new ArchiveUploadTarget("archives", {
            apiKey: "12345678",
            apiSecret,
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey,
            fallback: "none",
        });
        await resolved(target.id);
        const registration = registered.find((r) => r.name === "archives")!;
        expect(registration.type).toBe("pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget");
        expect(registration.inputs).toMatchObject({
            apiKey: "12345678",
            apiSecret: secretEnvelope(apiSecret),
            secretKey: secretEnvelope(secretKey),
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            fallback: "none",
        });
    });

    it("marks apiSecret and secretKey secret even when given as plain strings", async () => {
        const target = new ArchiveUploadTarget("plain-secrets", {
            apiKey: "12345679",
            apiSecret,
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey,
            fallback: "none",
        });
        expect(await resolved(target.apiSecret)).toEqual({ value: apiSecret, secret: true });
        expect(await resolved(target.secretKey)).toEqual({ value: secretKey, secret: true });
        expect((await resolved(target.bucket)).secret).toBe(false);
    });

    it("marks privateKey and accountKey secret too, and no other input", async () => {
        // Not valid together (check would refuse them), but the resource marks secrets before any check.
        const plain = { apiSecret, privateKey: "pem-contents-0123456789", secretKey, accountKey: "YWNjb3VudC1rZXk=" };
        const target = new ArchiveUploadTarget("every-secret", {
            apiKey: "12345681",
            applicationId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            accountName: "acmearchives",
            container: "archives",
            fallback: "none",
            ...plain,
        });
        const secretOutputs: string[] = [];
        for (const name of Object.keys(target).filter((key) => pulumi.Output.isInstance(Reflect.get(target, key)))) {
            if (!["urn", "id"].includes(name) && (await resolved(Reflect.get(target, name))).secret) {
                secretOutputs.push(name);
            }
        }
        expect(secretOutputs.sort()).toEqual(Object.keys(plain).sort());
    });

    it("passes an input not given as undefined, not as a secret of nothing", async () => {
        const target = new ArchiveUploadTarget("no-vonage", {
            apiKey: "12345682",
            apiSecret,
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey,
            fallback: "none",
        });
        await resolved(target.id);
        const inputs = registered.find((r) => r.name === "no-vonage")!.inputs;
        expect([inputs.privateKey, inputs.accountKey]).toEqual([undefined, undefined]);
    });

    it("is told apart from other resources by its type token, also across copies of the package", async () => {
        const target = new ArchiveUploadTarget("instance", { apiKey: "12345683", apiSecret, fallback: "none" });
        class OtherResource extends pulumi.CustomResource {
            constructor(name: string) {
                super("test:index:Other", name, {});
            }
        }
        const other = new OtherResource("other");
        // What a second copy of the package would make: another class, the same type token.
        class CopiedTarget extends pulumi.CustomResource {
            static readonly __pulumiType = ArchiveUploadTarget.__pulumiType;
            readonly __pulumiType = ArchiveUploadTarget.__pulumiType;
            constructor(name: string) {
                super(ArchiveUploadTarget.__pulumiType, name, {});
            }
        }
        const copied = new CopiedTarget("copied");
        expect([target, copied, other, {}, undefined].map((obj) => ArchiveUploadTarget.isInstance(obj))).toEqual([true, true, false, false, false]);
        await Promise.all([resolved(target.id), resolved(other.id), resolved(copied.id)]);
    });

    it("stores the loader's provider text, which no secret input reaches", async () => {
        const target = new ArchiveUploadTarget("provider-text", {
            apiKey: "12345680",
            apiSecret: pulumi.secret(apiSecret),
            bucket: "acme-archives",
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey: pulumi.output(secretKey),
            fallback: "none",
        });
        await resolved(target.id);
        // The loader's text, whose size and contents test/provider-loader.test.ts pins: no secret reaches it.
        expect(registered.find((r) => r.name === "provider-text")?.inputs.__provider).toBe(archiveUploadTargetProviderText);
    });
});
