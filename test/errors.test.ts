// The hints of the provider's errors: one row per status and auth mode, and the clock-skew hint's
// threshold (providers/errors.ts).

import * as packageExports from "../providers";
import { clockSkewToleranceSeconds, InvalidInputsError, OpenTokApiError, OpenTokUnreachableError, SigningError } from "../providers/errors";
import { PreflightError } from "../providers/preflight";

describe("OpenTokApiError", () => {
    it.each([
        [400, "opentok", /failed with 400: "m"\. The API rejected the request body: check bucket, accessKey, secretKey/],
        [401, "opentok", /Check apiKey and apiSecret: both must belong to the same OpenTok project/],
        [403, "vonage", /Check applicationId and privateKey: the key must be that Vonage application's/],
        [404, "opentok", /Check apiKey and apiUrl: the API knows no such project or path\.$/],
        [404, "vonage", /Check applicationId and apiUrl/],
        [429, "opentok", /rate-limiting this account; wait and run the update again\.$/],
        [500, "opentok", /failed on its side; run the update again later/],
        [599, "opentok", /failed on its side/],
        [409, "opentok", /failed with 409: "m"\. See the API's message above\.$/],
    ] as const)("%i (%s) hints at what to do", (status, mode, hint) => {
        expect(new OpenTokApiError("PUT", "/p", status, '"m"', 1, mode).message).toMatch(hint);
    });

    it("hints at the OpenTok credentials when no auth mode is given", () => {
        expect(new OpenTokApiError("PUT", "/p", 403, "", 1).message).toMatch(/Check apiKey and apiSecret/);
        expect(new OpenTokApiError("PUT", "/p", 403, "", 1).mode).toBe("opentok");
    });

    it("counts attempts only when there were several", () => {
        expect(new OpenTokApiError("PUT", "/p", 500, "", 1).message).toBe(
            "PUT /p failed with 500. The API failed on its side; run the update again later. The target is as it was before if the request did not succeed.",
        );
        expect(new OpenTokApiError("PUT", "/p", 500, "", 2).message).toMatch(/^PUT \/p failed with 500 \(after 2 attempts\)\./);
        expect(new OpenTokApiError("PUT", "/p", 500, "", 2).name).toBe("OpenTokApiError");
    });

    it.each([401, 403])("on %i, blames the clock beyond the tolerance only", (status) => {
        const at = (skew: number) => new OpenTokApiError("PUT", "/p", status, "", 1, "opentok", skew).message;
        expect(clockSkewToleranceSeconds).toBe(60);
        expect(at(60)).toMatch(/Check apiKey and apiSecret/);
        expect(at(-60)).toMatch(/Check apiKey and apiSecret/);
        expect(at(61)).toMatch(/This machine's clock is 61 s behind the API's \(its Date header\).*Fix this machine's clock \(NTP\)/);
        expect(at(-61)).toMatch(/This machine's clock is 61 s ahead of the API's/);
    });

    it("does not blame the clock for other statuses", () => {
        expect(new OpenTokApiError("PUT", "/p", 400, "", 1, "opentok", 600).message).not.toMatch(/clock/);
    });
});

describe("OpenTokUnreachableError", () => {
    it("says attempt or attempts", () => {
        expect(new OpenTokUnreachableError("PUT", "/p", "http://h", "why", 1).message).toMatch(
            /^PUT \/p to http:\/\/h got no answer after 1 attempt \(last: why\)\. Check apiUrl/,
        );
        expect(new OpenTokUnreachableError("PUT", "/p", "http://h", "why", 3).message).toMatch(/after 3 attempts \(/);
    });
});

describe("SigningError", () => {
    it.each([
        ["privateKey", /^privateKey cannot sign the request token \(RS256\): r\. Give the Vonage application's RSA private key/],
        ["apiSecret", /^apiSecret cannot sign the request token \(HS256\): r\. Give the OpenTok project's API secret/],
    ] as const)("names %s", (property, message) => {
        const error = new SigningError(property, "r");
        expect(error.message).toMatch(message);
        expect(error.name).toBe("SigningError");
        expect(error.property).toBe(property);
    });
});

describe("error names", () => {
    it.each([
        ["InvalidInputsError", () => new InvalidInputsError([{ property: "bucket", reason: "is required but was not given" }])],
        ["OpenTokApiError", () => new OpenTokApiError("PUT", "/p", 500, "", 1)],
        ["OpenTokUnreachableError", () => new OpenTokUnreachableError("PUT", "/p", "http://127.0.0.1:1", "ECONNREFUSED", 1)],
        ["SigningError", () => new SigningError("apiSecret", "empty")],
        ["PreflightError", () => new PreflightError("Preflight upload failed", "AccessDenied")],
    ])("%s is named by its class, as the host prints it", (name, make) => {
        const error = make();
        expect(error.name).toBe(name);
        expect(String(error)).toMatch(new RegExp(`^${name}: `));
    });

    it("the package exports no error class: no program can catch one across Pulumi's provider host", () => {
        expect(Object.keys(packageExports).filter((name) => /Error$/.test(name))).toEqual([]);
    });
});

describe("InvalidInputsError", () => {
    it("lists every failure, property then reason", () => {
        const error = new InvalidInputsError([
            { property: "bucket", reason: "is required." },
            { property: "sse", reason: 'must be "s3" or "none".' },
        ]);
        expect(error.message).toBe('Invalid ArchiveUploadTarget inputs: bucket is required.; sse must be "s3" or "none".');
        expect(error.name).toBe("InvalidInputsError");
        expect(error.failures).toHaveLength(2);
    });
});
