// Hostile values in the properties that build the request URL or body: every one is a check
// failure naming the property, and no request ever reaches the API or another host or path.

import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { OpenTokEmulator } from "./emulator/opentok-emulator";
import { recordFigures } from "./reliability/figures";
import { useEmulator, validInputs } from "./support/fixtures";

const emulator = useEmulator();
// Another server on loopback: a request built from a hostile value might be steered here.
const decoy = new OpenTokEmulator();
beforeAll(() => decoy.start());
afterAll(() => decoy.stop());

function hostileValues(emulatorUrl: string, decoyUrl: string): [keyof TargetInputs, string][] {
    const emulatorHost = emulatorUrl.replace("http://", "");
    const decoyHost = decoyUrl.replace("http://", "");
    return [
        ["apiKey", "1/../../v1/admin"],
        ["apiKey", "1%2F..%2F..%2Fv1"],
        ["apiKey", "123\r\nHost: evil.example"],
        ["apiKey", "１２３４５６７８"], // fullwidth digits
        ["apiKey", "12345678?x=1"],
        ["apiKey", "1".repeat(100)],
        ["apiKey", "-1"],
        ["apiUrl", `${emulatorUrl}/v2/project/1/archive/storage?`],
        ["apiUrl", `${emulatorUrl}/..%2f..%2f`],
        ["apiUrl", `http://${emulatorHost}@${decoyHost}`],
        ["apiUrl", `http://${emulatorHost}\\@${decoyHost}`],
        ["apiUrl", `http://${emulatorHost}#@${decoyHost}`],
        ["apiUrl", `${emulatorUrl}\r\nHost: ${decoyHost}`],
        ["apiUrl", `http://${decoyHost.replace("127.0.0.1", "127.0.0.1.")}`],
        ["apiUrl", "http://169.254.169.254"],
        ["apiUrl", "https://аpi.opentok.com"], // Cyrillic а
        ["apiUrl", "file:///etc/passwd"],
        ["apiUrl", `https://api.opentok.com/${"a".repeat(5000)}`],
        ["apiUrl", "https://API.OPENTOK.COM"],
        ["bucket", "acme/../other"],
        ["bucket", "acme%2f..%2fother"],
        ["bucket", "acme\r\narchives"],
        ["bucket", "аcme-archives"], // Cyrillic а
        ["bucket", "acme archives"],
        ["bucket", "a".repeat(1000)],
        ["bucket", '"},"fallback":"opentok'],
        ["endpoint", "https://s3.amazonaws.com/../../"],
        ["endpoint", "https://s3.amazonaws.com\r\nX-Injected: 1"],
        ["endpoint", "https://ѕ3.amazonaws.com"], // Cyrillic ѕ
        ["endpoint", "http://169.254.169.254"],
        ["endpoint", "javascript:alert(1)"],
        ["endpoint", "https://s3.amazonaws.com:99999"],
        ["endpoint", `https://${"s".repeat(3000)}.example.com`],
    ];
}

describe("hostile values", () => {
    it("are check failures naming the property, and send nothing anywhere", async () => {
        const table = hostileValues(emulator.url, decoy.url);
        for (const [property, value] of table) {
            const inputs = { ...validInputs(emulator), [property]: value } as TargetInputs;
            const result = await provider.check!({} as TargetInputs, inputs);
            expect({ property, value, failures: result.failures!.map((f) => f.property) }).toEqual({ property, value, failures: [property] });
            await expect(provider.create(inputs)).rejects.toMatchObject({ name: "InvalidInputsError" });
        }
        await emulator.idle();
        expect(emulator.received()).toHaveLength(0);
        expect(decoy.received()).toHaveLength(0);
        expect(table.length).toBeGreaterThanOrEqual(30);
        recordFigures("hostile values", {
            "hostile values": table.length,
            "properties attacked": new Set(table.map(([p]) => p)).size,
            "check failures naming the property": table.length,
            "requests to the API": emulator.received().length,
            "requests to another host": decoy.received().length,
        });
    });

    it("a valid apiUrl sends exactly one request, to the one path it names", async () => {
        const inputs = validInputs(emulator);
        await provider.create(inputs);
        expect(emulator.received().map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /v2/project/${inputs.apiKey}/archive/storage`]);
        expect(decoy.received()).toHaveLength(0);
    });
});
