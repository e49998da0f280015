// In `npm run test:mutation` only (jest.mutation.config.js): once a test has failed with a mutant
// switched on, the mutant is killed, and the other tests chosen for it would only cost time (jest
// has no bail within a run started from code, as Stryker starts it). They are skipped, in this
// test file and the next ones of the same run. Without a mutant (the first, unfiltered run, or
// jest run directly) every test runs.
const { TestEnvironment } = require("jest-environment-node");

/** The mutant Stryker has switched on for this run, if any (its instrumenter's variable). */
const activeMutant = () => process.env.__STRYKER_ACTIVE_MUTANT__;

// Outlives one test file: Stryker runs a mutant's test files one after the other in this process.
let killedMutant;

class MutationTestEnvironment extends TestEnvironment {
    async handleTestEvent(event) {
        const mutant = activeMutant();
        if (mutant === undefined) return;
        if (event.name === "test_start" && killedMutant === mutant) {
            event.test.mode = "skip";
        } else if (event.name === "test_done" && event.test.errors.length > 0) {
            killedMutant = mutant;
        }
    }
}

module.exports = MutationTestEnvironment;
