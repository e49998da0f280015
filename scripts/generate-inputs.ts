// Writes what the property table (providers/properties.ts) declares, so that an input is declared
// once: the resource's Args with each input's documentation, the TargetInputs and TargetBody types
// (providers/inputs.generated.ts), and the input list of docs/provider.md. `npm run generate`
// writes both; `npm run generate -- --check` (run by test/generated.test.ts) fails when either
// differs from what the table generates.

import * as fs from "fs";
import * as path from "path";
import { authModes } from "../providers/inputs";
import { alwaysPresent, properties, propertyNames, secretPropertyNames, targetTypeNamesOf } from "../providers/properties";
import type { PropertyName } from "../providers/inputs.generated";

const root = path.join(__dirname, "..");
export const generatedTypesFile = path.join(root, "providers", "inputs.generated.ts");
export const providerDoc = path.join(root, "docs", "provider.md");
export const listStart = "<!-- Generated from providers/properties.ts by `npm run generate`; edit the table, not this list. -->";
export const listEnd = "<!-- End of the generated list. -->";

const appliesToLabels = {
    opentok: "OpenTok projects",
    vonage: "Vonage applications",
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

/** An input's facts and documentation, as one markdown paragraph (links relative to docs/provider.md). */
function describeInput(name: PropertyName): { facts: string; text: string } {
    const row = properties[name];
    const appliesTo = row.appliesTo;
    const facts: string[] = [
        appliesTo === undefined ? "every target" : appliesToLabels["authMode" in appliesTo ? appliesTo.authMode : appliesTo.type],
    ];
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
    const conflicts = row.conflictsWith ? ` Not with ${row.conflictsWith.map((n) => `\`${n}\``).join(" or ")}.` : "";
    return { facts: facts.join(", "), text: `${row.doc}${conflicts} ${changeSentences[row.change]}` };
}

/** docs/provider.md's list of inputs: one item per row, wrapped at 100 columns. */
export function renderInputList(): string {
    const items = propertyNames.map((name) => {
        const { facts, text } = describeInput(name);
        return wrap(`- \`${name}\` (${facts}): ${text}`);
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

/** The TypeScript type of the values a property holds once resolved. */
function valueType(name: PropertyName): string {
    const row = properties[name];
    if (row.kind === "boolean") {
        return "boolean";
    }
    const allowed: readonly string[] | undefined = row.allowed;
    return allowed ? allowed.map((v) => JSON.stringify(v)).join(" | ") : "string";
}

/** Markdown for TSDoc: links to a heading of docs/provider.md are written as that doc's path. */
function tsdoc(text: string, indent: string): string {
    const plain = text.replace(/\[([^\]]+)\]\(#([^)]+)\)/g, "$1 (docs/provider.md#$2)").replace(/\*\//g, "*\\/");
    const lines = wrap(plain, 110).split("\n");
    return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

/** Whether a program must give the input: one every target needs, with no default. */
function isRequiredArg(name: PropertyName): boolean {
    const row = properties[name];
    return row.appliesTo === undefined && row.kind === "string" && row.required && row.default === undefined;
}

/** The contents of providers/inputs.generated.ts, before formatting. */
function renderTypesSource(): string {
    const args = propertyNames.map((name) => {
        const { facts, text } = describeInput(name);
        const summary = `${facts.charAt(0).toUpperCase()}${facts.slice(1).replace(/\*\*/g, "")}: ${text}`;
        return `${tsdoc(summary, "    ")}\n    ${name}${isRequiredArg(name) ? "" : "?"}: pulumi.Input<${valueType(name)}>;`;
    });
    const state = propertyNames.map((name) => `    ${name}${alwaysPresent(name) ? "" : "?"}: ${valueType(name)};`);
    const typeRow = properties.type;
    const bodies = typeRow.allowed.map((type) => {
        const config = targetTypeNamesOf(type)
            .filter((name) => properties[name].sent === "config")
            .map((name) => {
                const row = properties[name];
                const present = row.kind === "boolean" || row.required || row.default !== undefined;
                return `${name}${present ? "" : "?"}: ${valueType(name)}`;
            });
        const top = propertyNames
            .filter((name) => properties[name].sent === "top")
            .map((name) => (name === "type" ? `type: ${JSON.stringify(type)}; config: { ${config.join("; ")} }` : `${name}: ${valueType(name)}`));
        return `    | { ${top.join("; ")} }`;
    });
    return [
        "// Generated from providers/properties.ts by `npm run generate`: edit the table, not this file.",
        "",
        'import type * as pulumi from "@pulumi/pulumi";',
        "",
        "/** The inputs of an ArchiveUploadTarget. Bad inputs fail before any request, naming the input. */",
        "export interface ArchiveUploadTargetArgs {",
        ...args,
        "}",
        "",
        "/**",
        " * The resolved inputs of an archive upload target, with defaults applied: what check answers, and",
        " * the resource's state. At preview a value may be the unknown placeholder (unknown.ts) standing in",
        " * for a value of its type that is not known yet.",
        " */",
        "export type TargetInputs = {",
        ...state,
        "};",
        "",
        "export type PropertyName = keyof TargetInputs;",
        "",
        "/** The credential inputs of an ArchiveUploadTarget, as a program's configuration gives them. */",
        "export interface CredentialInputs {",
        ...propertyNames.filter((name) => properties[name].group === "credentials").map((name) => `    ${name}?: ${valueType(name)};`),
        "}",
        "",
        "/** The JSON body of PUT .../archive/storage, for each target type. */",
        "export type TargetBody =",
        `${bodies.join("\n")};`,
        "",
    ].join("\n");
}

async function formatted(text: string, file: string): Promise<string> {
    // Loaded here, not at the top: prettier cannot load under jest's VM, and the suites import
    // the renderers above.
    const prettier = await import("prettier");
    const options = await prettier.resolveConfig(file);
    return prettier.format(text, { ...options, filepath: file });
}

/** providers/inputs.generated.ts as the table generates it. */
export async function renderTypes(): Promise<string> {
    return formatted(renderTypesSource(), generatedTypesFile);
}

/** docs/provider.md with its input list as the table generates it. */
export async function renderProviderDoc(doc: string): Promise<string> {
    const start = doc.indexOf(listStart);
    const end = doc.indexOf(listEnd);
    if (start < 0 || end < start) {
        throw new Error(`${providerDoc} has no generated list: put ${listStart} and ${listEnd} where it belongs`);
    }
    return formatted(`${doc.slice(0, start + listStart.length)}\n\n${renderInputList()}\n\n${doc.slice(end)}`, providerDoc);
}

/** Writes the generated files; with `--check`, writes nothing and fails naming those that differ. */
async function main(check: boolean) {
    const outputs: [string, string][] = [
        [generatedTypesFile, await renderTypes()],
        [providerDoc, await renderProviderDoc(fs.readFileSync(providerDoc, "utf8"))],
    ];
    const stale = outputs.filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text);
    if (check) {
        for (const [file] of stale) {
            console.error(`${path.relative(root, file)} differs from what providers/properties.ts generates: run npm run generate`);
        }
        process.exitCode = stale.length > 0 ? 1 : 0;
        return;
    }
    for (const [file, text] of stale) {
        fs.writeFileSync(file, text);
        process.stdout.write(`Wrote ${path.relative(root, file)}\n`);
    }
}

if (require.main === module) {
    main(process.argv.includes("--check")).catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
