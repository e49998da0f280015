// In `npm run test:mutation` only (jest.mutation.config.js), two changes to how Stryker sees tests:
//
// - What a test file reaches while it loads (its imports) counts as reached by every test in it,
//   and what a beforeAll hook reaches as reached by every test of its describe block. Stryker
//   records coverage per test from each test's start to its end, and counts the rest as static.
//   A module's own values (a table, a pattern) are evaluated when it loads, during whichever test
//   or hook loads it first, and suites that run a whole program once in beforeAll assert on it in
//   many tests: their mutants would be tested only by that one test, or by none (ignoreStatic),
//   and the tests that would kill them left out. A test selected by name still loads its file and
//   runs its block's beforeAll hooks, with the mutant on.
// - Once a test has failed with a mutant switched on, the mutant is killed, and the other tests
//   chosen for it would only cost time (jest has no bail within a run started from code, as
//   Stryker starts it). They are skipped, in this test file and the next ones of the same run.
// Without a mutant (jest run directly) every test runs and nothing is recorded.
const { TestEnvironment } = require("jest-environment-node");

/** The mutant Stryker has switched on for this run, if any (its instrumenter's variable). */
const activeMutant = () => process.env.__STRYKER_ACTIVE_MUTANT__;

// Outlives one test file: Stryker runs a mutant's test files one after the other in this process.
let killedMutant;

/** A test's name as Stryker's jest environment names it: its describe blocks' names and its own. */
function testName(test) {
    const names = [];
    for (let block = test.parent; block?.parent; block = block.parent) names.unshift(block.name);
    return [...names, test.name].join(" ");
}

function testsOf(block) {
    return block.children.flatMap((child) => (child.type === "test" ? [child] : testsOf(child)));
}

class MutationTestEnvironment extends TestEnvironment {
    async handleTestEvent(event, state) {
        const mutant = activeMutant();
        if (mutant === undefined) {
            this.attributeCoverage(event, state);
        } else if (event.name === "test_start" && killedMutant === mutant) {
            event.test.mode = "skip";
        } else if (event.name === "test_done" && event.test.errors.length > 0) {
            killedMutant = mutant;
        }
    }

    async setup() {
        await super.setup();
        this.staticBefore = { ...this.coverage()?.static };
    }

    coverage() {
        return this.global[this.global.__strykerGlobalNamespace__ ?? "__stryker__"]?.mutantCoverage;
    }

    attributeCoverage(event, state) {
        if (event.name === "run_start") {
            this.moveStaticCoverage(state.rootDescribeBlock);
        } else if (event.hook?.type === "beforeAll") {
            if (event.name === "hook_start") {
                this.staticBefore = { ...this.coverage()?.static };
            } else if (event.name === "hook_success" || event.name === "hook_failure") {
                this.moveStaticCoverage(event.hook.parent);
            }
        }
    }

    /** Moves what was reached statically since `staticBefore` to every test of `block`. */
    moveStaticCoverage(block) {
        const coverage = this.coverage();
        const before = this.staticBefore ?? {};
        if (coverage === undefined) return;
        const reached = Object.keys(coverage.static).filter((id) => coverage.static[id] > (before[id] ?? 0));
        const tests = testsOf(block).map(testName);
        for (const id of reached) {
            for (const name of tests) {
                const perTest = (coverage.perTest[name] ??= {});
                perTest[id] = (perTest[id] ?? 0) + 1;
            }
            if (before[id] === undefined) delete coverage.static[id];
            else coverage.static[id] = before[id];
        }
    }
}

module.exports = MutationTestEnvironment;
