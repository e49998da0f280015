// credentialFailures: the target's own check on the credentials alone, answering only their failures.

import { credentialFailures } from "../providers/credentials";
import { apiSecret, vonageKeys } from "./support/fixtures";

const applicationId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

describe("credentialFailures", () => {
    it.each([
        ["an OpenTok project", { apiKey: "12345678", apiSecret }],
        ["a Vonage application", { applicationId, privateKey: vonageKeys.privateKey }],
        ["a project at an emulator's apiUrl", { apiKey: "12345678", apiSecret, apiUrl: "http://127.0.0.1:4010" }],
    ])("answers none for %s, though no target is given", (_case, given) => {
        expect(credentialFailures(given)).toEqual([]);
    });

    it("answers each credential's failure, in the resource's words", () => {
        expect(credentialFailures({ apiKey: "acme", apiUrl: "https://api.opentok.com/v2" })).toEqual([
            { property: "apiKey", reason: expect.stringMatching(/^must be the project's numeric OpenTok API key.*but was "acme"$/) },
            { property: "apiSecret", reason: expect.stringMatching(/^is required but was not given; give apiKey and apiSecret, or instead/) },
            { property: "apiUrl", reason: expect.stringMatching(/^must be a base URL without a path/) },
        ]);
    });

    it("refuses both APIs' credentials together, without showing a secret", () => {
        const failures = credentialFailures({ apiKey: "12345678", apiSecret, applicationId, privateKey: vonageKeys.privateKey });
        expect(failures.map((f) => f.property)).toEqual(["applicationId", "privateKey"]);
        expect(failures[0]!.reason).toMatch(/^cannot be given together with apiKey and apiSecret/);
        expect(JSON.stringify(failures)).not.toContain(apiSecret);
        expect(JSON.stringify(failures)).not.toContain(vonageKeys.privateKey.split("\n")[1]!);
    });

    it("refuses a secret typed into apiUrl as misplaced, naming the secret input only", () => {
        expect(credentialFailures({ apiKey: "12345678", apiSecret, apiUrl: `https://${apiSecret}.example.com` })).toEqual([
            { property: "apiUrl", reason: "contains the value of apiSecret, which is secret (not shown here); give apiUrl its own value" },
        ]);
    });
});
