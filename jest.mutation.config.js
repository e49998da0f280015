// `npm run test:mutation` (StrykerJS): the suites that call the client, redaction, tokens and
// errors directly, in this process, where Stryker can switch mutants on and see which tests cover
// each. What runs in Pulumi's provider host (the unmutated build in providers/dist/) kills nothing
// Stryker can count, and the suites that drive the whole provider take most of a run's time: the
// direct suites pin the same behaviours on the sources, within the 30 minutes the issue allows.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    testMatch: [
        "<rootDir>/test/client.test.ts",
        "<rootDir>/test/errors.test.ts",
        "<rootDir>/test/hardening.test.ts",
        "<rootDir>/test/jwt.test.ts",
        "<rootDir>/test/secrets.test.ts",
    ],
    // Each mutant is a source edit: rebuilding providers/dist for each would only slow the run;
    // these suites load the sources, not the build.
    globalSetup: undefined,
    // Not the SDK itself (only its generated gRPC stubs are used here): see the stand-in's comment.
    moduleNameMapper: { "^@pulumi/pulumi$": "<rootDir>/test/support/pulumi-sdk-stand-in.js" },
};
