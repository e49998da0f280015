// The manifests agree with one another: one source for every pin (the root package.json pins
// the SDKs and the Node.js range, tools/node the Node.js releases CI runs on; the package, the
// policy pack, the examples, the bench programs and the workflows must agree with them), and
// the package's tarball carries the repository's licence.

import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const root = path.resolve(__dirname, "..");
type Manifest = {
    engines?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
};
const manifest = (file: string): Manifest => JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as Manifest;

const rootManifest = manifest("package.json");
const rootPins: Record<string, string> = { ...rootManifest.devDependencies, ...rootManifest.dependencies };
const nodeToolchain = JSON.parse(fs.readFileSync(path.join(root, "tools/node/package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
};
const pinnedNodes = Object.entries(nodeToolchain.packages)
    .filter(([where]) => where.startsWith("node_modules/node"))
    .map(([, entry]) => entry.version!);
const majorOf = (version: string) => Number(version.split(".")[0]);
/** The lowest major the engines range `>=N` admits. */
const lowestMajor = (range: string) => {
    const match = /^>=(\d+)$/.exec(range);
    if (!match) throw new Error(`engines.node is "${range}": this test reads only ">=N"`);
    return Number(match[1]);
};

/** Programs and packs of this repository that carry a package.json of their own. */
const otherManifests = [
    "providers/package.json",
    "policy/package.json",
    "examples/local/package.json",
    "examples/aws/package.json",
    "bench/floor/package.json",
    "bench/floor-dynamic/package.json",
];

describe("Node.js", () => {
    const lowest = lowestMajor(rootManifest.engines!.node!);

    it("CI's pinned releases are the two supported LTS majors, both inside the engines range", () => {
        expect(pinnedNodes.map(majorOf).sort()).toEqual([22, 24]);
        for (const version of pinnedNodes) {
            expect(majorOf(version)).toBeGreaterThanOrEqual(lowest);
        }
    });

    it.each(otherManifests.filter((file) => manifest(file).engines))("%s declares the root's engines", (file) => {
        expect(manifest(file).engines).toEqual(rootManifest.engines);
    });

    it("@types/node is of the lowest supported major", () => {
        expect(majorOf(rootPins["@types/node"]!)).toBe(lowest);
    });

    it("npm refuses an unsupported Node.js at install time", () => {
        expect(fs.readFileSync(path.join(root, ".npmrc"), "utf8")).toMatch(/^engine-strict=true$/m);
    });

    const workflows = fs.readdirSync(path.join(root, ".github/workflows")).filter((f) => f.endsWith(".yml"));
    const setupSteps = workflows.flatMap((file) => {
        const doc = yaml.load(fs.readFileSync(path.join(root, ".github/workflows", file), "utf8")) as {
            jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
        };
        return Object.values(doc.jobs).flatMap((job) =>
            (job.steps ?? [])
                .filter((step) => step.uses?.startsWith("actions/setup-node@"))
                .map((step) => [file, step.with?.["node-version"]] as const),
        );
    });

    it.each(setupSteps)("%s sets up the newest pinned major (%s)", (_file, nodeVersion) => {
        expect(String(nodeVersion)).toBe(String(Math.max(...pinnedNodes.map(majorOf))));
    });
});

describe("the other package.json files", () => {
    it.each(otherManifests)("%s pins what it shares with the root as the root does", (file) => {
        const own = manifest(file);
        const shared = Object.entries({ ...own.devDependencies, ...own.dependencies }).filter(([name]) => name in rootPins);
        expect(Object.fromEntries(shared)).toEqual(Object.fromEntries(shared.map(([name]) => [name, rootPins[name]])));
    });
});

describe("the package", () => {
    const pkg = manifest("providers/package.json") as Manifest & { version: string };

    it("is the version the root program and the policy pack depend on", () => {
        expect(rootPins["@opentok-archive-storage/archive-upload-target"]).toBe(pkg.version);
        expect(manifest("policy/package.json").dependencies!["@opentok-archive-storage/archive-upload-target"]).toBe(pkg.version);
    });

    it("admits the SDK the project pins through its peer range", () => {
        const floor = pkg.peerDependencies!["@pulumi/pulumi"]!;
        expect(floor).toMatch(/^\^3\.\d+\.\d+$/);
        const [, minor] = floor.slice(1).split(".").map(Number);
        const [major, pinnedMinor] = rootPins["@pulumi/pulumi"]!.split(".").map(Number);
        expect(major).toBe(3);
        expect(pinnedMinor).toBeGreaterThanOrEqual(minor!);
    });
});

describe("the licence", () => {
    it("ships in the package's tarball as the repository's own text", () => {
        expect(fs.readFileSync(path.join(root, "providers/LICENSE"), "utf8")).toBe(fs.readFileSync(path.join(root, "LICENSE"), "utf8"));
        expect((manifest("providers/package.json") as { files: string[] }).files).toContain("LICENSE");
    });
});
