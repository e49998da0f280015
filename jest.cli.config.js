// `npm run test:cli`: the suites that run the real Pulumi CLI (the toolchain that
// scripts/pulumi-toolchain.sh builds, on first use) against the emulator and the local S3. One
// worker: each `pulumi` run already starts the engine, the language host, node and a provider host.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    testMatch: ["<rootDir>/test/cli/**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/"],
    maxWorkers: 1,
    // Generous: these only stop a hung run; every wait inside is for an event.
    testTimeout: 600000,
};
