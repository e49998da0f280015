// check and diff for generated inputs; `npm run test:reliability` runs the same with 10,000 cases.

import { checkProperties } from "./support/provider-properties";
import { useEmulator } from "./support/fixtures";

const emulator = useEmulator();
const properties = checkProperties(emulator, 200);

describe("properties (200 cases each)", () => {
    it("check never throws, and every failure names a property", () => properties.checkIsTotal());
    it("whatever check accepts the API accepts; whatever it refuses sends nothing", () => properties.checkAgreesWithTheApi());
    it("no failure or error shows a secret", () => properties.failuresNeverShowSecrets());
    it("check is idempotent", () => properties.checkIsIdempotent());
    it("diff is stable, and an apiSecret-only change sends nothing", () => properties.diffIsStable());
});
