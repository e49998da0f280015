// The diff table: what a change of each input makes Pulumi do.

import type { TargetInputs } from "../providers/inputs";
import { lazyArchiveUploadTargetProvider as provider } from "../providers/provider-loader";
import { unknownValue } from "../providers/unknown";

const state: TargetInputs = {
    apiKey: "12345678",
    apiSecret: "secret-a",
    apiUrl: "https://api.opentok.com",
    type: "s3",
    bucket: "acme-archives",
    accessKey: "AKIAIOSFODNN7EXAMPLE",
    secretKey: "sk-a",
    sse: "s3",
    fallback: "none",
    verify: true,
};

const diff = (olds: object, news: object) => provider.diff!("12345678", olds as TargetInputs, news as TargetInputs);

const table: [string, Partial<TargetInputs> & Record<string, unknown>, { changes: boolean; replaces: string[] }][] = [
    ["nothing changed", {}, { changes: false, replaces: [] }],
    ["only the provider's code changed", { __provider: "exports.handler = new code" }, { changes: false, replaces: [] }],
    ["apiKey changed", { apiKey: "87654321" }, { changes: true, replaces: ["apiKey"] }],
    ["apiUrl changed", { apiUrl: "https://video.example.com" }, { changes: true, replaces: ["apiUrl"] }],
    ["sse changed", { sse: "none" }, { changes: true, replaces: [] }],
    ["bucket changed", { bucket: "acme-other" }, { changes: true, replaces: [] }],
    ["accessKey changed", { accessKey: "AKIAOTHERKEY0000" }, { changes: true, replaces: [] }],
    ["secretKey changed", { secretKey: "sk-b" }, { changes: true, replaces: [] }],
    ["endpoint added", { endpoint: "https://storage.googleapis.com" }, { changes: true, replaces: [] }],
    ["fallback changed", { fallback: "opentok" }, { changes: true, replaces: [] }],
    ["only apiSecret changed", { apiSecret: "secret-b" }, { changes: true, replaces: [] }],
    ["only verify changed", { verify: false }, { changes: true, replaces: [] }],
    ["bucket unknown at preview", { bucket: unknownValue }, { changes: true, replaces: [] }],
    ["apiKey unknown at preview", { apiKey: unknownValue }, { changes: true, replaces: ["apiKey"] }],
];

describe("diff", () => {
    it.each(table)("%s", async (_case, change, expected) => {
        const result = await diff(
            { ...state, __provider: "exports.handler = old code" },
            { ...state, __provider: "exports.handler = old code", ...change },
        );
        expect(result.changes).toBe(expected.changes);
        expect(result.replaces ?? []).toEqual(expected.replaces);
        expect(result.deleteBeforeReplace ?? false).toBe(false);
    });

    it("sees no change against state written without defaulted fields", async () => {
        const { type: _type, sse: _sse, apiUrl: _apiUrl, verify: _verify, ...older } = state;
        expect((await diff(older, state)).changes).toBe(false);
    });
});
