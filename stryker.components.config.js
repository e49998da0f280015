// The component run of `npm run test:mutation`: the files that only the suites declaring
// resources reach (the component, the resource class, the entry points and what only they use),
// with those suites and the real SDK (jest.mutation.components.config.js). stryker.config.json
// mutates every other file in providers/ and leaves these out, so the two runs cover each file once.
const modules = require("./stryker.config.json");

module.exports = {
    ...modules,
    jest: { ...modules.jest, configFile: "jest.mutation.components.config.js" },
    // The generated file holds types only: neither run mutates it.
    mutate: modules.mutate.filter((pattern) => pattern.startsWith("!") && !pattern.includes(".generated.")).map((pattern) => pattern.slice(1)),
    incrementalFile: "reports/stryker-incremental-components.json",
    htmlReporter: { fileName: "reports/mutation/components.html" },
    jsonReporter: { fileName: "reports/mutation/components.json" },
};
