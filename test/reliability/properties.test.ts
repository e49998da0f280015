// The provider properties with 10,000 generated cases each (PROPERTY_RUNS to change).

import { useEmulator } from "../support/fixtures";
import { checkProperties } from "../support/provider-properties";
import { recordFigures } from "./figures";

const runs = Number(process.env.PROPERTY_RUNS ?? 10_000);
const emulator = useEmulator();
const properties = checkProperties(emulator, runs);
const cases: Record<string, number> = {};

afterAll(() =>
    recordFigures("properties", {
        "cases per property": runs,
        properties: Object.keys(cases).length,
        "cases in all": runs * Object.keys(cases).length,
        ...properties.split,
        "failure and error texts swept for generated secrets": properties.leakTextsSwept(),
        "requests answered by an API echoing their token and body": properties.requestsEchoed(),
        "secret hits": properties.secretHits(),
    }),
);

describe(`properties (${runs} cases each)`, () => {
    it("check never throws, and every failure names a property", async () => {
        await properties.checkIsTotal();
        cases.checkIsTotal = runs;
    });
    it("whatever check accepts the API accepts; whatever it refuses sends nothing", async () => {
        await properties.checkAgreesWithTheApi();
        cases.checkAgreesWithTheApi = runs;
    });
    it("no failure or error shows a secret", async () => {
        await properties.failuresNeverShowSecrets();
        cases.failuresNeverShowSecrets = runs;
    });
    it("check is idempotent", async () => {
        await properties.checkIsIdempotent();
        cases.checkIsIdempotent = runs;
    });
    it("diff is stable, and an apiSecret-only change sends nothing", async () => {
        await properties.diffIsStable();
        cases.diffIsStable = runs;
    });
});
