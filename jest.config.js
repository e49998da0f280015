// `npm test`: the fast suites, run on every change. The slower end-to-end suites (package installs,
// whole-program runs under Pulumi's language host, `npm run local` started and stopped) are
// `npm run test:integration`, the full-count reliability suites `npm run test:reliability`, and
// the suites under the real Pulumi CLI (the quick starts, the lifecycle, stacks written by earlier
// releases, the environment stacks, the policy pack) `npm run test:cli`; CI runs all four.
// Type-checking is `npm run typecheck` (tsc); jest transpiles only (tsconfig isolatedModules), which keeps a run fast.

/** Suites of `npm run test:integration` (jest.integration.config.js), left out of `npm test`. */
const integrationSuites = ["<rootDir>/test/consumer-package.test.ts", "<rootDir>/test/program-load.test.ts", "<rootDir>/test/local-command.test.ts"];

/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    // hostile-values runs with the reliability suites (jest.reliability.config.js).
    testPathIgnorePatterns: [
        "/node_modules/",
        "<rootDir>/test/reliability/",
        "<rootDir>/test/cli/",
        "<rootDir>/test/hostile-values.test.ts",
        ...integrationSuites,
    ],
    transform: {
        "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    },
    // Most suites wait on child processes (provider hosts, servers) more than on the CPU: two
    // workers finish sooner than jest's default of one on a 2-core machine.
    maxWorkers: 2,
    // Generous: a timeout only stops a hung test, and a loaded machine runs a suite several times
    // slower than an idle one. No test is about how long it takes.
    testTimeout: 180000,
    // Builds providers/dist first when a source is newer (test/support/providers-build.ts).
    globalSetup: "<rootDir>/test/support/global-setup.ts",
};
// For jest.integration.config.js; not enumerable, so jest does not read it as an option.
Object.defineProperty(module.exports, "integrationSuites", { value: integrationSuites });
