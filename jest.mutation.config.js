// `npm run test:mutation` (StrykerJS): the suites that pin the client, redaction, tokens and
// errors, run in this process, where Stryker can switch mutants on and see which tests cover each.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    testMatch: [
        "<rootDir>/test/check.test.ts",
        "<rootDir>/test/client-retries.test.ts",
        "<rootDir>/test/client.test.ts",
        "<rootDir>/test/errors.test.ts",
        "<rootDir>/test/hardening.test.ts",
        "<rootDir>/test/jwt.test.ts",
        "<rootDir>/test/secrets.test.ts",
    ],
    moduleNameMapper: {
        // Not the SDK itself (only its generated gRPC stubs are used here): see the stand-in's comment.
        "^@pulumi/pulumi$": "<rootDir>/test/support/pulumi-sdk-stand-in.js",
        // `../providers` is the package, whose `main` is the build (providers/dist/), which Stryker
        // does not mutate: run the sources instead, so that what the in-process suites kill counts.
        "^\\.\\./providers$": "<rootDir>/providers/index.ts",
    },
};
