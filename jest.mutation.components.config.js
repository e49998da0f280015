// The component run of `npm run test:mutation` (stryker.components.config.json): the suites that
// declare resources under pulumi.runtime.setMocks, with the real SDK (jest.mutation.config.js).
module.exports = require("./jest.mutation.config").mutationConfig({ components: true });
