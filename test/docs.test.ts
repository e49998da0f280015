// The docs stay linked: the README links every doc, and every relative link between the docs
// points at a file and heading that exist.

import * as fs from "fs";
import * as path from "path";

const root = path.join(__dirname, "..");
const docs = ["README.md", ...fs.readdirSync(path.join(root, "docs")).map((f) => `docs/${f}`), "bench/README.md", "providers/README.md"];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string) =>
    heading
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-");

const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, "");
const headings = (file: string) =>
    new Set([...withoutCode(fs.readFileSync(path.join(root, file), "utf8")).matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1]!)));

/** Every relative link of a doc, as `file#anchor` resolved from the repository root. */
function relativeLinks(file: string): { link: string; target: string; fragment: string }[] {
    const text = withoutCode(fs.readFileSync(path.join(root, file), "utf8"));
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!)
        .filter((link) => !/^[a-z]+:/.test(link))
        .map((link) => {
            const [target = "", fragment = ""] = link.split("#");
            return { link, target: target === "" ? file : path.normalize(path.join(path.dirname(file), target)), fragment };
        });
}

describe("the README", () => {
    it("links every file in docs/ and bench/README.md", () => {
        const linked = new Set(relativeLinks("README.md").map((l) => l.target));
        for (const doc of docs.filter((d) => d.startsWith("docs/") || d === "bench/README.md")) {
            expect([doc, linked.has(doc)]).toEqual([doc, true]);
        }
    });
});

describe.each(docs)("%s", (file) => {
    it("links only to files and headings that exist", () => {
        const broken = relativeLinks(file).filter(
            ({ target, fragment }) =>
                !fs.existsSync(path.join(root, target)) || (fragment !== "" && target.endsWith(".md") && !headings(target).has(fragment)),
        );
        expect(broken.map((l) => l.link)).toEqual([]);
    });
});
