// `npm run test:reliability`: the fault-injection, property, leak, fleet and hostile-value
// suites, with their full case counts. Figures go to reliability-results/.
const base = require("./jest.config");

/** @type {import('jest').Config} */
module.exports = {
    ...base,
    roots: ["<rootDir>/test"],
    testMatch: ["<rootDir>/test/reliability/**/*.test.ts", "<rootDir>/test/hostile-values.test.ts"],
    testPathIgnorePatterns: ["/node_modules/"],
    testTimeout: 600000,
};
