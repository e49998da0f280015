// The provider's check called directly: every validation rule as check applies it, for OpenTok
// projects, Vonage applications and Azure targets (the failure names the property and says what
// is allowed; table-driven, each row [property, bad value, what the reason must say]), the
// defaults and normal forms it stores, and no secret in any failure. The rules' own cases are in
// rules.test.ts.

import { checkAtPreview, checkBeforeRequest, stateFromStored } from "../providers/check";
import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { unknownValue } from "../providers/unknown";
import { apiSecret, azureTarget, secretKey, useEmulator, validInputs, validVonageInputs, vonageKeys } from "./support/fixtures";
import { cardNumber, expectNothingSecret, failedCheckCases } from "./support/failed-check-cases";
import { secretForms, secretRunsIn } from "./support/secret-leaks";

const emulator = useEmulator();

async function failuresFor(overrides: Record<string, unknown>) {
    const inputs = { ...validInputs(emulator), ...overrides };
    for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) {
            delete (inputs as Record<string, unknown>)[name];
        }
    }
    const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
    return result.failures ?? [];
}

async function checkFailures(inputs: object) {
    return (await provider.check!({} as TargetInputs, inputs as TargetInputs)).failures ?? [];
}

async function checked(inputs: object): Promise<TargetInputs> {
    const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
    expect(result.failures).toEqual([]);
    return result.inputs!;
}

const badValues: [string, unknown, RegExp][] = [
    ["apiKey", undefined, /is required/],
    ["apiKey", "abc", /numeric OpenTok API key.*"abc"/],
    ["apiKey", "123/../456", /numeric/],
    ["apiSecret", "", /is required/],
    ["apiSecret", " padded-secret ", /without leading or trailing white space/],
    ["apiSecret", "line\r\nbreak", /printable ASCII/],
    ["apiUrl", "http://api.opentok.com", /must use https.*loopback/],
    ["apiUrl", "api.opentok.com", /with its protocol.*did you mean "https:\/\/api.opentok.com"/],
    ["apiUrl", "https://api.opentok.com/v2", /without a path/],
    ["apiUrl", "https://user:pw@api.opentok.com", /credentials/],
    ["apiUrl", "https://api.opentok.com?x=1", /without query/],
    ["apiUrl", "https://API.opentok.com", /canonical form "https:\/\/api.opentok.com"/],
    ["apiUrl", "https://api.opentok.com:443", /canonical form/],
    ["type", "gcs", /allowed values are "s3"/],
    ["bucket", undefined, /is required/],
    ["bucket", "ab", /3 to 63.*has 2 characters/],
    ["bucket", "a".repeat(64), /has 64 characters/],
    ["bucket", "Acme-Archives", /lowercase.*has other characters/],
    ["bucket", "acme_archives", /has other characters/],
    ["bucket", "-acme", /start and end with a letter or digit/],
    ["bucket", "acme.", /start and end with a letter or digit/],
    ["bucket", "acme..archives", /two adjacent dots/],
    ["bucket", "192.168.5.4", /IP address/],
    ["bucket", "xn--acme", /reserved prefix "xn--"/],
    ["bucket", "acme-s3alias", /reserved suffix "-s3alias"/],
    ["bucket", 42, /must be a string, but was the number 42/],
    ["accessKey", "ASIAIOSFODNN7EXAMPLE", /temporary AWS STS access key.*session token/],
    ["accessKey", "AKIA IOSFODNN7", /S3 access key ID/],
    ["secretKey", "", /is required/],
    ["secretKey", "x".repeat(300), /at most 256 characters/],
    ["endpoint", "s3.cloudianhyperstore.com", /with its protocol.*"https:\/\/s3.cloudianhyperstore.com"/],
    ["endpoint", "http://s3.example.com", /must use https/],
    ["endpoint", "https://s3.example.com/bucket", /without a path/],
    ["sse", "aws:kms", /only S3-managed keys \(SSE-S3\), not KMS/],
    ["sse", "kms", /not KMS/],
    ["sse", "AES256", /written "s3"/],
    ["sse", "S3", /allowed values are "s3" or "none"/],
    ["fallback", undefined, /is required, with no default.*"none" means.*lost.*"opentok"/],
    ["fallback", "vault", /allowed values are "none" or "opentok"/],
    ["verify", "yes", /must be true or false, but was "yes"/],
    ["bucketName", "acme", /is not an input of ArchiveUploadTarget/],
];

describe("check", () => {
    it("passes valid inputs", async () => {
        expect(await failuresFor({})).toEqual([]);
    });

    it.each(badValues)("fails %s = %j, saying what is allowed", async (property, value, reason) => {
        const failures = await failuresFor({ [property]: value });
        expect(failures).toHaveLength(1);
        expect(failures[0]!.property).toBe(property);
        expect(failures[0]!.reason).toMatch(reason);
    });

    it("reports every failing property at once", async () => {
        const failures = await failuresFor({ bucket: "A", sse: "kms", fallback: undefined });
        expect(failures.map((f) => f.property).sort()).toEqual(["bucket", "fallback", "sse"]);
    });

    it("takes as unknown the very placeholder the Pulumi SDK sends", () => {
        const sdkRpc = require("@pulumi/pulumi/runtime/rpc") as { unknownValue: string };
        expect(unknownValue).toBe(sdkRpc.unknownValue);
    });

    it.each(["apiKey", "apiUrl", "bucket", "accessKey", "secretKey", "apiSecret", "endpoint", "sse", "fallback"])(
        "never fails %s when its value is unknown at preview",
        async (property) => {
            expect(await failuresFor({ [property]: unknownValue })).toEqual([]);
        },
    );

    it("allows http to loopback hosts only, for emulators", async () => {
        expect(await failuresFor({ apiUrl: "http://127.0.0.1:3900" })).toEqual([]);
        expect(await failuresFor({ apiUrl: "http://localhost:3900" })).toEqual([]);
        expect(await failuresFor({ apiUrl: "http://10.0.0.1:3900" })).toHaveLength(1);
    });

    it("accepts an apiKey given as a number and normalizes a trailing slash", async () => {
        const inputs = { ...validInputs(emulator), apiKey: 12345678, apiUrl: "https://api.opentok.com/" };
        const result = await provider.check!({} as TargetInputs, inputs as unknown as TargetInputs);
        expect(result.failures).toEqual([]);
        expect(result.inputs).toMatchObject({ apiKey: "12345678", apiUrl: "https://api.opentok.com" });
    });

    it("never shows a secret's value in a failure", async () => {
        const failures = await failuresFor({ secretKey: ` ${secretKey} `, apiSecret: `${secretKey}\n` });
        expect(failures).toHaveLength(2);
        expect(JSON.stringify(failures)).not.toContain(secretKey);
    });

    it("sends no request", async () => {
        await failuresFor({ bucket: "A" });
        await failuresFor({});
        expect(emulator.received()).toHaveLength(0);
    });
});

describe("an endpoint OpenTok can reach (which endpoints: rules.test.ts)", () => {
    const realApi = { apiUrl: "https://api.opentok.com" };

    it("says what the user sees, in full", async () => {
        const failures = await failuresFor({ ...realApi, endpoint: "http://127.0.0.1:9000" });
        expect(failures).toEqual([
            {
                property: "endpoint",
                reason:
                    'was "http://127.0.0.1:9000", a loopback address: OpenTok\'s servers upload archives from the internet and can never reach it, ' +
                    'so every upload would fail, and with fallback "none" every archive would be lost. Such an endpoint is accepted only with a ' +
                    'loopback apiUrl (a local emulator, apiUrl "https://api.opentok.com" is not one); give storage that the internet reaches over ' +
                    'https, such as "https://storage.googleapis.com", or leave endpoint out for AWS S3',
            },
        ]);
    });

    it("accepts a loopback or private endpoint with a loopback apiUrl (an emulator)", async () => {
        for (const apiUrl of ["http://127.0.0.1:3900", "http://localhost:3900", "http://[::1]:3900"]) {
            expect(await failuresFor({ apiUrl, endpoint: "http://127.0.0.1:9000" })).toEqual([]);
            expect(await failuresFor({ apiUrl, endpoint: "https://10.0.0.5" })).toEqual([]);
        }
    });

    it("judges the pair when apiUrl is known, not at preview while it is unknown", async () => {
        expect(await failuresFor({ apiUrl: unknownValue, endpoint: "http://127.0.0.1:9000" })).toEqual([]);
        const inputs = { ...validInputs(emulator), ...realApi, endpoint: "http://127.0.0.1:9000" };
        await expect(provider.create(inputs)).rejects.toThrow(/endpoint was "http:\/\/127.0.0.1:9000", a loopback address: OpenTok's servers/);
    });

    it("refuses it before any request: create and update send nothing", async () => {
        const inputs = { ...validInputs(emulator), ...realApi, endpoint: "https://192.168.1.10", verify: true };
        await expect(provider.create(inputs)).rejects.toThrow(/endpoint was "https:\/\/192.168.1.10", a private-network address/);
        await expect(provider.update!(inputs.apiKey, validInputs(emulator), inputs)).rejects.toThrow(/a private-network address/);
        expect(emulator.received()).toHaveLength(0);
    });
});

describe("auth modes in check", () => {
    it("takes an application instead of a project, with the Vonage API as default", async () => {
        const { apiUrl: _apiUrl, ...inputs } = validVonageInputs(emulator);
        expect((await checked(inputs)).apiUrl).toBe("https://video.api.vonage.com");
    });

    it.each([
        [
            "an application without its key",
            (v: TargetInputs) => ({ ...v, privateKey: undefined }),
            "privateKey",
            /is required but was not given; give applicationId and privateKey, or instead apiKey and apiSecret/,
        ],
        [
            "a key without its application",
            (v: TargetInputs) => ({ ...v, applicationId: undefined }),
            "applicationId",
            /is required but was not given; give applicationId and privateKey/,
        ],
        [
            "an application ID that is not a UUID",
            (v: TargetInputs) => ({ ...v, applicationId: "my-app" }),
            "applicationId",
            /must be the Vonage application ID, a UUID/,
        ],
        [
            "a key's path instead of its contents",
            (v: TargetInputs) => ({ ...v, privateKey: "./private.key" }),
            "privateKey",
            /PEM form.*give the key's contents, not its path/,
        ],
        [
            "a PEM that cannot be read",
            (v: TargetInputs) => ({ ...v, privateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" }),
            "privateKey",
            /cannot be parsed/,
        ],
    ])("fails %s, saying which inputs to give", async (_case, change, property, reason) => {
        const failures = await checkFailures(change(validVonageInputs(emulator)));
        expect(failures).toHaveLength(1);
        expect(failures[0]).toMatchObject({ property });
        expect(failures[0]!.reason).toMatch(reason);
        expect(JSON.stringify(failures)).not.toContain(vonageKeys.privateKey.split("\n")[1]!);
    });

    it("fails each of an application's inputs given with a project's, saying to give one or the other", async () => {
        const failures = await checkFailures({ ...validVonageInputs(emulator), apiKey: "12345678", apiSecret });
        const reason =
            "cannot be given together with apiKey and apiSecret: give either apiKey and apiSecret (an OpenTok project) or " +
            "applicationId and privateKey (a Vonage Video API application), not both";
        expect(failures).toEqual([
            { property: "applicationId", reason },
            { property: "privateKey", reason },
        ]);
    });

    it("accepts either spelling of the keep-in-cloud fallback, keeping the one each API documents", async () => {
        expect((await checked({ ...validInputs(emulator), fallback: "vonage" })).fallback).toBe("opentok");
        expect((await checked({ ...validVonageInputs(emulator), fallback: "opentok" })).fallback).toBe("vonage");
    });
});

describe("Azure target in check", () => {
    it("accepts a valid Azure target", async () => {
        expect(await checkFailures({ ...validInputs(emulator), ...azureTarget({ domain: "blob.core.usgovcloudapi.net" }) })).toEqual([]);
    });

    it.each([
        ["accountName", "Acme_Archives", /Azure storage account name, 3 to 24 lowercase letters and digits/],
        ["accountName", "ab", /3 to 24/],
        ["container", "Archives", /Azure container name, 3 to 63 lowercase letters, digits and hyphens/],
        ["container", "arch--ives", /no two hyphens in a row/],
        ["accountKey", "not base64!", /printable ASCII|in base64/],
        ["domain", "https://blob.core.windows.net", /host name without protocol or path/],
    ])("fails %s = %j", async (property, value, reason) => {
        const failures = await checkFailures({ ...validInputs(emulator), ...azureTarget({ [property]: value }) });
        expect(failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
    });

    it("refuses inputs of the other target type, naming them", async () => {
        const failures = await checkFailures({ ...validInputs(emulator), ...azureTarget(), bucket: "acme-archives" });
        expect(failures).toEqual([
            { property: "bucket", reason: 'is an input of S3 targets; with type "azure" give accountName, accountKey and container' },
        ]);
        const s3Failures = await checkFailures({ ...validInputs(emulator), container: "archives" });
        expect(s3Failures).toEqual([
            { property: "container", reason: 'is an input of Azure targets; with type "s3" give bucket, accessKey and secretKey' },
        ]);
    });
});

async function checkResult(inputs: object) {
    const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
    return { failures: result.failures ?? [], inputs: result.inputs as Record<string, unknown> };
}

/** Valid inputs with `name` set to `value` (undefined: left out). */
function withInput(base: object, name: string, value: unknown): Record<string, unknown> {
    const inputs: Record<string, unknown> = { ...base, [name]: value };
    if (value === undefined) {
        delete inputs[name];
    }
    return inputs;
}

describe('"" in an optional input', () => {
    // Pulumi and YAML programs pass null and "" for not set (isGiven, inputs.ts): "" is the input
    // left out, for a defaulted or optional input as for the other API's or target type's.
    it.each([
        ["endpoint", () => validInputs(emulator)],
        ["sse", () => validInputs(emulator)],
        ["type", () => validInputs(emulator)],
        ["apiUrl", () => validInputs(emulator)],
        ["domain", () => ({ ...validInputs(emulator), ...azureTarget() })],
    ])('%s: "" checks as the input left out', async (name, base) => {
        const inputs = base();
        const leftOut = await checkResult(withInput(inputs, name, undefined));
        expect(leftOut.failures).toEqual([]);
        const empty = await checkResult(withInput(inputs, name, ""));
        expect(empty.failures).toEqual([]);
        expect(empty.inputs).toEqual(leftOut.inputs);
    });
});

describe("a value of the wrong type", () => {
    it.each([
        ["type", 1, /"s3".*"azure"/],
        ["sse", true, /"s3".*"none"/],
        ["fallback", 0, /"none".*"opentok"/],
    ])("%s: %p names the allowed values", async (name, value, allowed) => {
        const { failures } = await checkResult({ ...validInputs(emulator), [name]: value });
        expect(failures).toEqual([{ property: name, reason: expect.stringMatching(allowed) }]);
    });

    it('an object is "an object", not "a object"', async () => {
        const { failures } = await checkResult({ ...validInputs(emulator), bucket: { name: "acme-archives-dev" } });
        expect(failures).toEqual([{ property: "bucket", reason: expect.not.stringMatching(/\ba object\b/) }]);
    });

    it("verify: NaN is not reported as null", async () => {
        const { failures } = await checkResult({ ...validInputs(emulator), verify: Number.NaN });
        expect(failures).toEqual([{ property: "verify", reason: expect.not.stringMatching(/was null/) }]);
    });
});

describe("check returns what the host can serialize", () => {
    it("no undefined value, even for inputs left out", async () => {
        const { privateKey: _privateKey, fallback: _fallback, ...inputs } = validVonageInputs(emulator);
        const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
        expect(Object.entries(result.inputs!).filter(([, v]) => v === undefined)).toEqual([]);
    });
});

describe("a secret in another input", () => {
    it.each([
        ["bucket", { bucket: secretKey }, "secretKey"],
        ["apiKey", { apiKey: apiSecret }, "apiSecret"],
        ["apiUrl", { apiUrl: `https://api.opentok.com/${apiSecret}` }, "apiSecret"],
        ["accessKey", { accessKey: secretKey }, "secretKey"],
    ])("refuses a secret typed into %s, without quoting it, and create sends nothing", async (property, change, secretName) => {
        const inputs = { ...validInputs(emulator), ...change };
        const failures = await checkFailures(inputs);
        expect(failures).toEqual([
            { property, reason: expect.stringMatching(new RegExp(`the (same )?value (as|of) ${secretName}, which is secret`)) },
        ]);
        for (const form of [apiSecret, secretKey].flatMap(secretForms)) {
            expect(JSON.stringify(failures)).not.toContain(form);
        }
        await expect(provider.create(inputs as TargetInputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
        expect(emulator.received()).toHaveLength(0);
    });

    // apiKey 4600012345 written unquoted in YAML/JSON is the apiKey "4600012345": equal to
    // apiSecret, it would be stored in plain text and sent in the URL.
    it("refuses a numeric apiKey equal to apiSecret, as it refuses the string, and create sends nothing", async () => {
        const digits = "4600012345";
        const inputs = { ...validInputs(emulator, { apiKey: digits, apiSecret: digits }), apiKey: Number(digits) };
        expect(await checkFailures(inputs)).toEqual([expect.objectContaining({ property: "apiKey", reason: expect.stringMatching(/apiSecret/) })]);
        await expect(provider.create(inputs as unknown as TargetInputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
        expect(emulator.requests).toEqual([]);
    });

    // redact() leaves values under 4 characters alone; the misplaced-secret guard refuses an
    // input equal to a secret at any length.
    it("does not show a 3-character apiSecret typed into bucket too", async () => {
        const text = JSON.stringify(await checkFailures({ ...validInputs(emulator), apiSecret: "Q7x", bucket: "Q7x" }));
        expect(text).toMatch(/bucket/);
        expect(text).not.toContain("Q7x");
    });

    it("reports an input named by a secret (a YAML slip) without showing the secret as the property", async () => {
        const failures = await checkFailures({ ...validInputs(emulator), [secretKey]: "" });
        expect(failures.length).toBeGreaterThan(0);
        expect(secretRunsIn(JSON.stringify(failures), secretKey)).toEqual([]);
    });
});

describe("a value quoted in a failure is redacted before it is cut", () => {
    // An AWS secret key holds "/" and "+", so it is URL-encoded when written into a URL, where the
    // misplaced-secret guard (raw values) does not see it; the rule's message quotes the URL, cut
    // at 60 characters, which must come after redaction.
    it.each([
        ["its user info", `https://AKIAIOSFODNN7EXAMPLE:${encodeURIComponent(secretKey)}@minio.example.com`],
        ["its path", `https://storage.googleapis.com/archives/${encodeURIComponent(secretKey)}`],
    ])("an endpoint with the URL-encoded secretKey in %s shows no part of secretKey", async (_where, endpoint) => {
        const text = JSON.stringify(await checkFailures({ ...validInputs(emulator), endpoint }));
        expect(text).toMatch(/endpoint/);
        expect(secretRunsIn(text, secretKey)).toEqual([]);
    });

    it("a bucket holding two lines of privateKey shows no line of the key, though every line is redacted elsewhere", async () => {
        const keyLines = vonageKeys.privateKey.split("\n").filter((l) => l.length === 64);
        const text = JSON.stringify(await checkFailures({ ...validVonageInputs(emulator), bucket: `${keyLines[3]}${keyLines[4]}` }));
        expect(text).toMatch(/bucket/);
        expect(secretRunsIn(text, keyLines[3]!, 16)).toEqual([]);
    });
});

describe("what a failed check answers, and so what the engine prints", () => {
    // After a failed check Pulumi prints "property X value Y has a problem: reason" with Y =
    // inputs[X] from the inputs check returned, and the CLI masks only values equal to a config
    // secret. These secrets come from anywhere but config, so nothing would mask them.
    const cases = failedCheckCases(emulator);

    it.each(cases)("%s: no secret in the failing inputs or the reasons", async (_name, testCase) => {
        const result = await provider.check!({} as TargetInputs, testCase.inputs() as TargetInputs);
        expectNothingSecret({ inputs: result.inputs as Record<string, unknown>, failures: result.failures ?? [] }, testCase);
    });

    it("keeps the inputs that passed, and leaves out the failing and unknown ones", async () => {
        const inputs = { ...validInputs(emulator), bucket: secretKey, [secretKey]: "x" };
        const result = await provider.check!({} as TargetInputs, inputs as TargetInputs);
        expect(Object.keys(result.inputs ?? {}).sort()).toEqual(
            Object.keys(validInputs(emulator))
                .filter((n) => n !== "bucket")
                .sort(),
        );
    });

    it("says a secret given with the wrong type was a number, without quoting it", async () => {
        const result = await provider.check!({} as TargetInputs, { ...validInputs(emulator), secretKey: cardNumber } as unknown as TargetInputs);
        expect(result.failures).toEqual([{ property: "secretKey", reason: "must be a string, but was a number" }]);
    });
});

describe("each reason, word for word", () => {
    // The module itself, without the provider around it: the exact text a user reads, so that a
    // changed word, kind or cut fails here and not only a pattern elsewhere.
    const failuresOf = (overrides: Record<string, unknown>) => {
        const result = checkAtPreview({ ...validInputs(emulator), ...overrides });
        return result.ok ? [] : result.failures;
    };
    const apiKeyRule = "must be the project's numeric OpenTok API key (digits only, as shown in the Vonage Video dashboard), but was";
    const credentials = "apiKey and apiSecret (an OpenTok project) or applicationId and privateKey (a Vonage Video API application)";

    it.each<[string, Record<string, unknown>, { property: string; reason: string }[]]>([
        ["a list", { bucket: ["a"] }, [{ property: "bucket", reason: "must be a string, but was a list" }]],
        ["an object", { bucket: { a: 1 } }, [{ property: "bucket", reason: "must be a string, but was an object" }]],
        ["a number", { bucket: 42 }, [{ property: "bucket", reason: "must be a string, but was the number 42" }]],
        ["a boolean", { bucket: true }, [{ property: "bucket", reason: "must be a string, but was the boolean true" }]],
        ["a number where values are listed", { type: 1 }, [{ property: "type", reason: 'must be one of "s3", "azure", but was the number 1' }]],
        ["a secret list", { secretKey: ["x"] }, [{ property: "secretKey", reason: "must be a string, but was a list" }]],
        ["a secret object", { secretKey: { a: 1 } }, [{ property: "secretKey", reason: "must be a string, but was an object" }]],
        ["a secret boolean", { secretKey: true }, [{ property: "secretKey", reason: "must be a string, but was a boolean" }]],
        ["a string for a boolean", { verify: "yes" }, [{ property: "verify", reason: 'must be true or false, but was "yes"' }]],
        ["a list for a boolean", { verify: [1] }, [{ property: "verify", reason: "must be true or false, but was a list" }]],
        ["a number for a boolean", { verify: 1 }, [{ property: "verify", reason: "must be true or false, but was the number 1" }]],
        [
            "a name that is no input",
            { bucketName: "acme" },
            [
                {
                    property: "bucketName",
                    reason:
                        "is not an input of ArchiveUploadTarget; the inputs are apiKey, apiSecret, applicationId, privateKey, apiUrl, type, " +
                        "bucket, accessKey, secretKey, sse, endpoint, accountName, accountKey, container, domain, fallback, verify",
                },
            ],
        ],
        ["the provider's own input", { __provider: "serialized" }, []],
        ["a value of 70 characters, shown whole", { apiKey: "a".repeat(70) }, [{ property: "apiKey", reason: `${apiKeyRule} "${"a".repeat(70)}"` }]],
        [
            "a value of 71 characters, cut at 60",
            { apiKey: "a".repeat(71) },
            [{ property: "apiKey", reason: `${apiKeyRule} "${"a".repeat(60)}"... (71 characters)` }],
        ],
        [
            "a secret in another input",
            { bucket: secretKey },
            [{ property: "bucket", reason: "is the same value as secretKey, which is secret (not shown here); give bucket its own value" }],
        ],
        [
            "a secret of 8 characters inside another input",
            { apiSecret: "ab3def7h", bucket: "zzab3def7hzz" },
            [{ property: "bucket", reason: "contains the value of apiSecret, which is secret (not shown here); give bucket its own value" }],
        ],
        ["a secret of 7 characters inside another input (chance, at that length)", { apiSecret: "ab3def7", bucket: "zzab3def7zz" }, []],
        [
            "a secret given as a number, in another input as its digits",
            { apiSecret: 4600012345, bucket: "4600012345" },
            [
                { property: "apiSecret", reason: "must be a string, but was a number" },
                { property: "bucket", reason: "is the same value as apiSecret, which is secret (not shown here); give bucket its own value" },
            ],
        ],
        [
            "an application's credentials with a project's",
            { applicationId: "0d5f1c3e-9a39-4b5e-8f3f-2a7c8a1d0c9e" },
            [
                { property: "applicationId", reason: `cannot be given together with apiKey and apiSecret: give either ${credentials}, not both` },
                {
                    property: "privateKey",
                    reason: "is required but was not given; give applicationId and privateKey, or instead apiKey and apiSecret (an OpenTok project)",
                },
            ],
        ],
        [
            "no credentials",
            { apiKey: undefined, apiSecret: undefined },
            ["apiKey", "apiSecret"].map((property) => ({
                property,
                reason: "is required but was not given; give apiKey and apiSecret, or instead applicationId and privateKey (a Vonage Video API application)",
            })),
        ],
        [
            "an S3 input with an Azure target",
            { ...azureTarget(), bucket: "acme-archives-dev" },
            [{ property: "bucket", reason: 'is an input of S3 targets; with type "azure" give accountName, accountKey and container' }],
        ],
        [
            "a loopback endpoint with an apiUrl that fails its own rule: only the apiUrl is judged",
            { apiUrl: "ftp://x", endpoint: "https://127.0.0.1:9000" },
            [{ property: "apiUrl", reason: 'must use https (http is allowed only to a loopback host such as 127.0.0.1), but was "ftp://x"' }],
        ],
        [
            "an endpoint that fails its own rule: not judged against apiUrl too",
            { apiUrl: "https://api.opentok.com", endpoint: "http://10.0.0.1" },
            [
                {
                    property: "endpoint",
                    reason: 'must use https (http is allowed only to a loopback host such as 127.0.0.1), but was "http://10.0.0.1"',
                },
            ],
        ],
    ])("%s", (_name, overrides, failures) => {
        expect(failuresOf(overrides)).toEqual(failures);
    });

    it("an unknown value passes at preview, and fails before a request", () => {
        const inputs = { ...validInputs(emulator), bucket: unknownValue };
        expect(checkAtPreview(inputs)).toEqual({ ok: true, inputs });
        expect(checkBeforeRequest(inputs)).toEqual({
            ok: false,
            failures: [
                {
                    property: "bucket",
                    reason: "is not known yet (it depends on a resource not yet created); it must be known before the target can be set",
                },
            ],
        });
    });
});

describe("state as stored", () => {
    const stored = { apiKey: 46000001, apiSecret, apiUrl: "https://api.opentok.com", bucket: "b", accessKey: "A", secretKey, fallback: "none" };

    it("of the first version (no type, sse or verify) reads with their defaults, an apiKey number as its digits, null as absent", () => {
        expect(stateFromStored({ ...stored, endpoint: null })).toEqual({ ...stored, apiKey: "46000001", type: "s3", sse: "s3", verify: true });
    });

    it.each([
        [{ bucket: 1 }, "bucket holds a value of the wrong type"],
        [{ bucket: 1, verify: "x" }, "bucket, verify hold values of the wrong type"],
        [{ fallback: undefined }, "fallback is missing"],
        [{ bucket: 1, fallback: undefined }, "bucket holds a value of the wrong type; fallback is missing"],
    ])("that holds a wrong type or lacks a value (%j) is refused, naming it", (overrides, message) => {
        // An Error, not a string: toThrow matches a string anywhere in the message, an Error's message whole.
        expect(() => stateFromStored({ ...stored, ...overrides })).toThrow(
            new Error(`ArchiveUploadTarget's stored state cannot be read: ${message}`),
        );
    });
});
