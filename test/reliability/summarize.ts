// Prints the figures every reliability suite recorded, as one Markdown table.

import * as fs from "fs";
import * as path from "path";
import { resultsDir } from "./figures";

const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith(".json")) : [];
const lines = ["| suite | figure | value |", "| --- | --- | --- |"];
for (const file of files.sort()) {
    const { suite, figures } = JSON.parse(fs.readFileSync(path.join(resultsDir, file), "utf8")) as {
        suite: string;
        figures: Record<string, unknown>;
    };
    for (const [name, value] of Object.entries(figures)) {
        lines.push(`| ${suite} | ${name} | ${String(value)} |`);
    }
}
const table = lines.join("\n");
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, "summary.md"), `${table}\n`);
process.stdout.write(`\nReliability figures (also in reliability-results/summary.md):\n\n${table}\n`);
