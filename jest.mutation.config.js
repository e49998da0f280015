// `npm run test:mutation` (StrykerJS) runs jest with this file twice (stryker.config.json and
// stryker.components.config.js): each mutant is switched on in this process, so only suites that
// call the sources here can kill one. They are chosen by rule, so a suite added, merged or moved
// needs no edit here:
//   - direct suites: test/*.test.ts, top level only. test/host/, test/cli/, test/reliability/ and
//     the integration suites drive Pulumi's provider or language host, which runs the unmutated
//     build (providers/dist/) in another process: they kill nothing and cost most of a run.
//   - the suites that declare resources under pulumi.runtime.setMocks (in the suite or in a
//     test/support/ module it imports) need the real SDK; the others get a stand-in for it, which
//     saves loading the SDK for every test file of every mutant. The component run
//     (jest.mutation.components.config.js) takes the first, the module run (this file) the others.
const fs = require("fs");
const path = require("path");
const base = require("./jest.config");

const testDir = path.join(__dirname, "test");

/** The suites `npm test` runs from test/ itself (not a subdirectory). */
const directSuites = fs
    .readdirSync(testDir)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => path.join(testDir, name))
    .filter((file) => !ignoredByNpmTest(file))
    // Whether the generated files are current: Stryker's instrumented sources generate other text.
    .filter((file) => path.basename(file) !== "generated.test.ts");

function ignoredByNpmTest(file) {
    return base.testPathIgnorePatterns.some((pattern) => file.includes(pattern.replace("<rootDir>", __dirname)));
}

function declaresResources(suite) {
    const text = fs.readFileSync(suite, "utf8");
    const supportModules = [...text.matchAll(/from "\.\/(support\/[\w-]+)"/g)].map((m) => path.join(testDir, `${m[1]}.ts`));
    return [text, ...supportModules.filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file, "utf8"))].some((source) =>
        /\bsetMocks\(/.test(source),
    );
}

/** @returns {import('jest').Config} */
function mutationConfig({ components }) {
    return {
        ...base,
        testMatch: directSuites.filter((suite) => declaresResources(suite) === components),
        testPathIgnorePatterns: ["/node_modules/"],
        // Each mutant is a source edit: rebuilding providers/dist for each would only slow the run,
        // and these suites load the sources, not the build.
        globalSetup: undefined,
        // A mutant's run loads only the test files that hold the tests reaching it, and stops at
        // the first failure.
        // A path, not <rootDir>: Stryker loads the environment itself, wrapped in its own.
        testEnvironment: path.join(__dirname, "test", "support", "mutation-test-environment.js"),
        setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), "<rootDir>/test/support/mutation-test-index.ts"],
        testSequencer: "<rootDir>/test/support/mutation-test-sequencer.js",
        moduleNameMapper: {
            "^\\.\\./providers$": "<rootDir>/providers/index.ts",
            // The package by name (the provider loader requires its `/provider`) is its sources
            // in both runs: the build would hide every mutant from the suites that go through it.
            "^@opentok-archive-storage/archive-upload-target$": "<rootDir>/providers/index.ts",
            "^@opentok-archive-storage/archive-upload-target/aws$": "<rootDir>/providers/aws.ts",
            "^@opentok-archive-storage/archive-upload-target/provider$": "<rootDir>/providers/archive-upload-target-provider.ts",
            // Not the SDK itself in the module run (only its generated gRPC stubs are used there): see the stand-in's comment.
            ...(components ? {} : { "^@pulumi/pulumi$": "<rootDir>/test/support/pulumi-sdk-stand-in.js" }),
        },
    };
}

module.exports = mutationConfig({ components: false });
// For jest.mutation.components.config.js; not enumerable, so jest does not read it as an option.
Object.defineProperty(module.exports, "mutationConfig", { value: mutationConfig });
