// An API or S3 server that answers 400 and echoes the request, in every encoding servers, libraries
// and proxies use (and some no decoder here knows): no secret reaches the error, in any form,
// while the API's own words still do. Loopback servers scripted per encoding; the provider called
// directly and through Pulumi's provider host.

import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider, archiveUploadTargetProviderText } from "../providers/provider-loader";
import { ProviderHost } from "./harness/provider-host";
import { encodings } from "./support/encodings";
import { Received, ScriptedApi } from "./support/scripted-api";
import { apiSecret, fastRetryEnvironment, secretKey, useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();

/** The runs of `length` characters of `secret` that `text` shows: any is a partial leak. */
function secretRunsIn(text: string, secret: string, length = 10): string[] {
    const runs: string[] = [];
    for (let at = 0; at + length <= secret.length; at++) {
        if (text.includes(secret.slice(at, at + length))) {
            runs.push(secret.slice(at, at + length));
        }
    }
    return runs;
}

/** What the server echoes: the request body (with secretKey) and the token, with the API secret for good measure. */
const echoOf = (req: Received) => `${req.body} auth=${String(req.headers["x-opentok-auth"])} ${apiSecret}`;

const servers: ScriptedApi[] = [];
async function scriptedApi(answer: ConstructorParameters<typeof ScriptedApi>[0]): Promise<ScriptedApi> {
    const api = await new ScriptedApi(answer).start();
    servers.push(api);
    return api;
}
afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function createError(inputs: object): Promise<Error> {
    try {
        await provider.create(inputs as TargetInputs);
    } catch (e) {
        return e as Error;
    }
    throw new Error("create succeeded, but it should have failed");
}

/**
 * No run of a secret, of the secret encoded (for an encoding that maps each character on its own),
 * or of 16 characters of the encoded echo (for one that does not), is in `text`.
 */
function expectNoSecretIn(text: string, secrets: string[], encode: (text: string) => string, local: boolean, echo: string): void {
    for (const secret of secrets) {
        expect(secretRunsIn(text, secret)).toEqual([]);
        expect(secretRunsIn(text.toLowerCase(), secret.toLowerCase())).toEqual([]);
        if (local) {
            expect(secretRunsIn(text, encode(secret))).toEqual([]);
        }
    }
    if (!local) {
        expect(secretRunsIn(text, encode(echo), 16)).toEqual([]);
    }
}

describe("an API that answers 400 echoing the request in its message field", () => {
    it.each(encodings)("%s: no secret in the error, and the API's own words in it", async (_name, encode, local) => {
        const api = await scriptedApi((req, res) =>
            res
                .writeHead(400, { "content-type": "application/json" })
                .end(JSON.stringify({ message: `Invalid request, echoed: ${encode(echoOf(req))}` })),
        );
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        const token = String(api.received[0]!.headers["x-opentok-auth"]);
        expect(error.message).toMatch(/^PUT \/v2\/project\/\d+\/archive\/storage failed with 400: "/);
        expectNoSecretIn(`${error.message}\n${error.stack}`, [secretKey, apiSecret, token], encode, local, echoOf(api.received[0]!));
        // The words before the echo reach the user, unless a line break splits the echo (then it is withheld whole).
        if (!/\n/.test(encode(echoOf(api.received[0]!)))) {
            expect(error.message).toContain('failed with 400: "Invalid request, echoed: ');
        } else {
            expect(error.message).toMatch(/failed with 400: "\[\d+ characters not shown: they hold a secret in an encoded form\]"/);
        }
    });
});

describe("an API that answers 400 echoing the request as its whole body", () => {
    it.each(encodings)("%s: only the status, the body's type and length", async (_name, encode, local) => {
        const api = await scriptedApi((req, res) => res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end(encode(echoOf(req))));
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        const token = String(api.received[0]!.headers["x-opentok-auth"]);
        const length = Buffer.byteLength(encode(echoOf(api.received[0]!)));
        expect(error.message).toBe(
            `PUT ${api.received[0]!.path} failed with 400: Bad Request; its ${length}-byte answer (text/plain) has no message field and is not shown. ` +
                "The API rejected the request body: check bucket, accessKey, secretKey, endpoint, sse and fallback against the message above.",
        );
        expectNoSecretIn(error.message, [secretKey, apiSecret, token], encode, local, echoOf(api.received[0]!));
    });

    it("a JSON body without a message field is not shown either, however it echoes", async () => {
        const api = await scriptedApi((req, res) =>
            res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ request: req.body })),
        );
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toMatch(
            /failed with 400: Bad Request; its \d+-byte answer \(application\/json\) has no message field and is not shown\./,
        );
    });

    it("a status text that echoes a secret is redacted too", async () => {
        const api = await scriptedApi((_req, res) => res.writeHead(400, `Bad ${Buffer.from(secretKey).toString("base64")}`).end());
        const error = await createError({ ...validInputs(emulator), apiUrl: api.url });
        expect(error.message).toMatch(/failed with 400: Bad \[\d+ characters not shown/);
        expect(error.message).not.toContain(Buffer.from(secretKey).toString("base64"));
    });
});

describe("an S3 server that answers 400 echoing a secret, in the preflight", () => {
    const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

    it.each(encodings)("%s, in S3's <Message>: no secret in the error, and S3's own words in it", async (_name, encode, local) => {
        const s3 = await scriptedApi((_req, res) =>
            res
                .writeHead(400, { "content-type": "application/xml" })
                .end(
                    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>Invalid request, echoed: ${xml(encode(`secretKey=${secretKey}`))}</Message></Error>`,
                ),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error).toMatchObject({ name: "PreflightError", code: "InvalidArgument" });
        expectNoSecretIn(error.message, [secretKey], encode, local, `secretKey=${secretKey}`);
        if (!/\n/.test(encode(`secretKey=${secretKey}`))) {
            expect(error.message).toContain("failed (InvalidArgument: Invalid request, echoed: ");
        }
        expect(emulator.received()).toHaveLength(0);
    });

    it.each(encodings)("%s, as a body that is not S3's XML: only its status, type and length", async (_name, encode, local) => {
        const s3 = await scriptedApi((_req, res) =>
            res
                .writeHead(400, { "content-type": "text/html", "content-length": String(Buffer.byteLength(encode(secretKey))) })
                .end(encode(secretKey)),
        );
        const error = await createError({ ...validInputs(emulator), endpoint: s3.url, verify: true });
        expect(error.message).toContain(
            `failed (UnknownError: status 400, a ${Buffer.byteLength(encode(secretKey))}-byte answer (text/html) that is not S3's XML error, not shown)`,
        );
        expectNoSecretIn(error.message, [secretKey], encode, local, secretKey);
    });
});

describe("through Pulumi's provider host", () => {
    it("no encoding of an echoed secret reaches the error the engine gets, or the host's output", async () => {
        const host = await ProviderHost.start(fastRetryEnvironment);
        let encoding = encodings[0]![1];
        const api = await scriptedApi((req, res) =>
            res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: `Invalid: ${encoding(echoOf(req))}` })),
        );
        const errors: string[] = [];
        try {
            for (const [, encode] of encodings) {
                encoding = encode;
                const inputs = { ...validInputs(emulator), apiUrl: api.url, __provider: archiveUploadTargetProviderText };
                const urn = "urn:pulumi:test::opentok-archive-storage::pulumi-nodejs:dynamic/opentok:ArchiveUploadTarget::echo";
                errors.push(
                    await host.create(urn, inputs).then(
                        () => "created",
                        (e: Error) => e.message,
                    ),
                );
            }
        } finally {
            await host.stop();
        }
        expect(errors.every((e) => /failed with 400/.test(e))).toBe(true);
        const tokens = api.received.map((r) => String(r.headers["x-opentok-auth"]));
        const everything = `${errors.join("\n")}\n${host.stdout}\n${host.stderr}`;
        for (const secret of [secretKey, apiSecret, ...tokens]) {
            expect(secretRunsIn(everything, secret)).toEqual([]);
        }
    });
});
