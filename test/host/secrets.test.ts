// No secret in anything Pulumi's real dynamic-provider host returns or prints: with DEBUG=*, and
// when the API echoes the request in every encoding servers use.

import { archiveUploadTargetProviderText } from "../../providers/provider-loader";
import { ProviderHost } from "../harness/provider-host";
import { encodings } from "../support/encodings";
import { apiSecret, fastRetryEnvironment, secretKey, useEmulator, validInputs, validVonageInputs, vonageKeys } from "../support/fixtures";
import { secretForms, secretRunsIn } from "../support/secret-leaks";
import { Received, ScriptedApi } from "../support/scripted-api";

const emulator = useEmulator();

it("with DEBUG=*, a Vonage target created and then refused leaves no line of its key in stdout or stderr", async () => {
    const host = await ProviderHost.start({ ...fastRetryEnvironment, DEBUG: "*", DEBUG_COLORS: "false" });
    try {
        const inputs = { ...validVonageInputs(emulator), __provider: archiveUploadTargetProviderText };
        const urn = "urn:pulumi:test::p::pulumi-nodejs:dynamic:Resource::debug";
        const { inputs: checked } = await host.check(urn, {}, inputs);
        await host.create(urn, checked);
        emulator.injectFaults({ kind: "status", status: 400, body: JSON.stringify({ message: "refused" }) });
        await expect(host.create(urn, checked)).rejects.toThrow(/failed with 400/);
        expect(emulator.received("PUT")).toHaveLength(2);
    } finally {
        await host.stop();
    }
    const keyLines = vonageKeys.privateKey.split("\n").filter((l) => l.length >= 16 && !l.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(10);
    const output = `${host.stdout}\n${host.stderr}`;
    for (const form of [vonageKeys.privateKey, ...keyLines].flatMap(secretForms)) {
        expect(output).not.toContain(form);
    }
});

it("no encoding of an echoed secret reaches the error the engine gets, or the host's output", async () => {
    /** What the server echoes: the request body (with secretKey) and the token, with the API secret for good measure. */
    const echoOf = (req: Received) => `${req.body} auth=${String(req.headers["x-opentok-auth"])} ${apiSecret}`;
    let encoding = encodings[0]![1];
    const api = await new ScriptedApi((req, res) =>
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: `Invalid: ${encoding(echoOf(req))}` })),
    ).start();
    const host = await ProviderHost.start(fastRetryEnvironment);
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
        await api.stop();
    }
    expect(errors.every((e) => /failed with 400/.test(e))).toBe(true);
    expect(errors[0]).toMatch(/failed with 400: "Invalid: .*\[secret\]/);
    const tokens = api.received.map((r) => String(r.headers["x-opentok-auth"]));
    const everything = `${errors.join("\n")}\n${host.stdout}\n${host.stderr}`;
    for (const secret of [secretKey, apiSecret, ...tokens]) {
        expect(secretRunsIn(everything, secret)).toEqual([]);
    }
});
