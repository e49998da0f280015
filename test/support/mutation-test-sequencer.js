// In `npm run test:mutation` only (jest.mutation.config.js). Stryker selects a mutant's tests by
// name (jest's testNamePattern), and jest loads every test file to find them: loading the files
// costs more than running the few tests that reach a mutant. This sequencer drops the files that
// hold none of the selected tests, as recorded by mutation-test-index.ts; a file it has no record
// of is kept.
const fs = require("fs");
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

/** Where mutation-test-index.ts writes its records. */
const testIndexDir = path.join(__dirname, "..", "..", ".mutation-test-index");

class MutationTestSequencer extends Sequencer {
    constructor(options) {
        super(options);
        this.testNamePattern = options.globalConfig.testNamePattern;
    }

    async sort(tests) {
        const sorted = await super.sort(tests);
        if (!this.testNamePattern || !fs.existsSync(testIndexDir)) return sorted;
        // As jest-circus matches it.
        const selected = new RegExp(this.testNamePattern, "i");
        const namesByFile = new Map(
            fs.readdirSync(testIndexDir).map((file) => {
                const { testPath, names } = JSON.parse(fs.readFileSync(path.join(testIndexDir, file), "utf8"));
                return [testPath, names];
            }),
        );
        const holding = sorted.filter((test) => !namesByFile.has(test.path) || namesByFile.get(test.path).some((name) => selected.test(name)));
        return holding.length > 0 ? holding : sorted;
    }
}

module.exports = MutationTestSequencer;
