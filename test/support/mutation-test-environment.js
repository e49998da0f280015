// In `npm run test:mutation` only (jest.mutation.config.js), two changes to how Stryker sees tests:
//
// - What a beforeAll hook reaches counts as reached by every test of its describe block. Stryker
//   records coverage per test from each test's start to its end, and counts the rest as static
//   (as if run when a module loads). Suites that run a whole program once in beforeAll and assert
//   on it in many tests would otherwise have their mutants tested only by the few tests that run
//   a program of their own, or not at all (ignoreStatic), and the tests that would kill them left
//   out. Selected by name, a test still runs its block's beforeAll hooks, with the mutant on.
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
    async handleTestEvent(event) {
        const mutant = activeMutant();
        if (mutant === undefined) {
            this.attributeBeforeAllCoverage(event);
        } else if (event.name === "test_start" && killedMutant === mutant) {
            event.test.mode = "skip";
        } else if (event.name === "test_done" && event.test.errors.length > 0) {
            killedMutant = mutant;
        }
    }

    attributeBeforeAllCoverage(event) {
        const coverage = this.global[this.global.__strykerGlobalNamespace__ ?? "__stryker__"]?.mutantCoverage;
        if (coverage === undefined || event.hook?.type !== "beforeAll") return;
        if (event.name === "hook_start") {
            this.staticBeforeHook = { ...coverage.static };
        } else if ((event.name === "hook_success" || event.name === "hook_failure") && this.staticBeforeHook) {
            const before = this.staticBeforeHook;
            this.staticBeforeHook = undefined;
            const reached = Object.keys(coverage.static).filter((id) => coverage.static[id] > (before[id] ?? 0));
            const tests = testsOf(event.hook.parent).map(testName);
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
}

module.exports = MutationTestEnvironment;
