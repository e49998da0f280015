// `npm run test:integration`: the end-to-end suites — the package packed and installed with npm and
// pnpm, the program run by the SDK's runner (as Pulumi's language host runs it) in each compiler mode, and `npm run local`
// started and stopped as a user does. The try-out itself and stacks written by earlier releases
// run under the real CLI (`npm run test:cli`).
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    testMatch: base.integrationSuites,
    testPathIgnorePatterns: ["/node_modules/"],
    testTimeout: 300000,
};
