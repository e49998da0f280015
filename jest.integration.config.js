// `npm run test:integration`: the end-to-end suites — the package packed and installed with npm and
// pnpm, the program under Pulumi's language host in each compiler mode, the local try-out, and
// stacks written by earlier releases under the package.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    testMatch: base.integrationSuites,
    testPathIgnorePatterns: ["/node_modules/"],
    testTimeout: 300000,
};
