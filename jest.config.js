// Type-checking is `npm run typecheck` (tsc); jest transpiles only (tsconfig isolatedModules), which keeps a run fast.
/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/reliability/"],
    transform: {
        "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
    },
    testTimeout: 30000,
};
