// In `npm run test:mutation` only (jest.mutation.config.js): records which test file holds each
// test, by the name Stryker selects tests with, so that a mutant's run loads only the files
// holding the tests that reach it (mutation-test-sequencer.js reads the records). Written during
// Stryker's first, unfiltered run, into its sandbox, which Stryker deletes at the end of the run.
import * as fs from "fs";
import * as path from "path";

/** Also named in mutation-test-sequencer.js. */
const testIndexDir = path.join(__dirname, "..", "..", ".mutation-test-index");

// Stryker's jest runner sets this global; run directly, jest.mutation.config.js records nothing.
if ("__strykerGlobalNamespace__" in globalThis) {
    const testPath = expect.getState().testPath!;
    const indexFile = path.join(testIndexDir, `${Buffer.from(testPath).toString("base64url")}.json`);
    const names = new Set<string>();
    beforeEach(() => {
        names.add(expect.getState().currentTestName!);
    });
    afterAll(() => {
        const recorded: string[] = fs.existsSync(indexFile) ? JSON.parse(fs.readFileSync(indexFile, "utf8")).names : [];
        // Only ever adds names: a mutant's run, which runs a few tests, leaves the record as it was.
        if ([...names].every((name) => recorded.includes(name))) return;
        fs.mkdirSync(testIndexDir, { recursive: true });
        fs.writeFileSync(indexFile, JSON.stringify({ testPath, names: [...new Set([...recorded, ...names])] }));
    });
}
