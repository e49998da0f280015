// docs/provider.md's list of inputs, rendered from the property table (providers/properties.ts).
// test/properties.test.ts fails when the doc and the table differ; `npm run docs:inputs` rewrites
// the list in the doc.

import * as fs from "fs";
import * as path from "path";
import { authModes } from "../../providers/inputs";
import { properties, propertyNames, secretPropertyNames } from "../../providers/properties";

export const providerDoc = path.join(__dirname, "..", "..", "docs", "provider.md");
export const listStart = "<!-- Generated from providers/properties.ts by `npm run docs:inputs`; edit the table, not this list. -->";
export const listEnd = "<!-- End of the generated list. -->";

const groupLabels = {
    opentok: "OpenTok projects",
    vonage: "Vonage applications",
    credentials: "either API",
    target: "every target",
    s3: "S3",
    azure: "Azure",
} as const;

const changeSentences = {
    replace:
        "Changing it **replaces** the resource: the new target is set first, then the old one removed, unless both are " +
        "the same project (only `apiUrl` changed: see Rename safety).",
    update: "Changing it sets the target again (one `PUT`).",
    state: "Changing only this sends no request.",
} as const;

const apiNames = { opentok: "OpenTok", vonage: "Vonage" } as const;

/** The markdown list of inputs, one item per row of the table, wrapped at 100 columns. */
export function renderInputList(): string {
    const items = propertyNames.map((name) => {
        const row = properties[name];
        const facts: string[] = [groupLabels[row.authMode ?? row.group]];
        if (row.kind === "boolean") {
            facts.push(`optional, default \`${row.default()}\``);
        } else if (row.default !== undefined) {
            const defaults = authModes.map((mode) => row.default!(mode));
            facts.push(
                new Set(defaults).size === 1
                    ? `optional, default \`${defaults[0]}\``
                    : `optional, default ${authModes.map((mode, i) => `\`${defaults[i]}\` for ${apiNames[mode]}`).join(", ")}`,
            );
        } else {
            facts.push(row.required ? "required" : "optional");
        }
        if (row.secret) {
            facts.push("**always secret**");
        }
        return wrap(`- \`${name}\` (${facts.join(", ")}): ${row.doc} ${changeSentences[row.change]}`);
    });
    const secrets = secretPropertyNames.map((name) => `\`${name}\``).join(", ");
    const outputs = wrap(
        `Outputs: every input, resolved (defaults applied); ${secrets} are secret outputs, whether or not the program marked them secret.`,
    );
    return [...items, "", outputs].join("\n");
}

function wrap(text: string, width = 100): string {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
        if (line !== "" && line.length + 1 + word.length > width) {
            lines.push(line);
            line = `  ${word}`;
        } else {
            line = line === "" ? word : `${line} ${word}`;
        }
    }
    return [...lines, line].map((l, i) => (i === 0 || text.startsWith("- ") ? l : l.trimStart())).join("\n");
}

/** The generated list as the doc holds it today, or undefined when its markers are missing. */
export function documentedInputList(doc: string): string | undefined {
    const start = doc.indexOf(listStart);
    const end = doc.indexOf(listEnd);
    return start < 0 || end < start ? undefined : doc.slice(start + listStart.length, end).trim();
}

if (require.main === module) {
    const doc = fs.readFileSync(providerDoc, "utf8");
    const start = doc.indexOf(listStart);
    const end = doc.indexOf(listEnd);
    if (start < 0 || end < start) {
        throw new Error(`${providerDoc} has no generated list: put ${listStart} and ${listEnd} where it belongs`);
    }
    fs.writeFileSync(providerDoc, `${doc.slice(0, start + listStart.length)}\n\n${renderInputList()}\n\n${doc.slice(end)}`);
    console.log(`Wrote the input list of ${path.relative(process.cwd(), providerDoc)}`);
}
