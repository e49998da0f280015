// The preflight through Pulumi's real dynamic-provider host: the host loads the S3 client, probes
// the S3 stand-in, then sets the target; check (preview) probes nothing. Its cases against s3rver,
// the stand-in and a bucket policy are in test/preflight.test.ts, called directly.

import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { S3StandIn } from "../emulator/s3-stand-in";
import { ProviderHost } from "../harness/provider-host";
import { fastRetryEnvironment, secretKey, useEmulator, validInputs } from "../support/fixtures";

const emulator = useEmulator();
const standIn = new S3StandIn();
beforeAll(() => standIn.start());
afterAll(() => standIn.stop());

// A budget that leaves room for a 50 ms retry however slow the machine, and a deadline no loopback answer reaches.
const preflightEnvironment = { OPENTOK_PREFLIGHT_BUDGET_MS: "1000", OPENTOK_PREFLIGHT_RETRY_MS: "50", OPENTOK_PREFLIGHT_TIMEOUT_MS: "10000" };
const againstStandIn = () => validInputs(emulator, { verify: true, endpoint: standIn.url, bucket: "acme-archives", sse: "s3" });

it("loads the S3 client in the host, probes, then sets the target; preview probes nothing", async () => {
    const host = await ProviderHost.start({ ...fastRetryEnvironment, ...preflightEnvironment });
    try {
        const providerText = archiveUploadTargetProviderText;
        standIn.script([{ status: 403, code: "InvalidAccessKeyId" }], { status: 200, sse: "AES256" });
        const inputs = { ...againstStandIn(), __provider: providerText };
        const urn = "urn:pulumi:test::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::preflight";

        const checked = await host.check(urn, {}, inputs);
        expect(standIn.requests).toHaveLength(0);

        await host.create(urn, checked.inputs);
        expect(standIn.requests.map((r) => `${r.operation} ${r.headers["x-amz-server-side-encryption"] ?? "-"}`)).toEqual([
            "PutObject AES256",
            "PutObject AES256",
            "CreateMultipartUpload AES256",
            "UploadPart -",
            "CompleteMultipartUpload -",
        ]);
        expect(emulator.received().map((r) => `${r.method} ${r.outcome}`)).toEqual(["PUT 200"]);

        standIn.script([], { status: 404, code: "NoSuchBucket" });
        const failure = await host.create(urn, { ...checked.inputs, apiKey: validInputs(emulator).apiKey }).catch((e: Error) => e);
        expect((failure as Error).message).toMatch(/PreflightError|Preflight upload to s3:\/\/acme-archives\/.* failed \(NoSuchBucket/);
        expect((failure as Error).message).not.toContain(secretKey);
    } finally {
        await host.stop();
    }
});
