// The shell commands of a README section, read from the README itself, as a person types them:
// one command a line, `&&` chains split, `# comments` dropped, quotes as sh reads them.

import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./pulumi-cli";

/** The commands of each `sh` code block of the section whose title starts with `## <heading>`. */
export function readmeShellBlocks(heading: string, readme = path.join(projectRoot, "README.md")): string[][][] {
    const text = fs.readFileSync(readme, "utf8");
    const start = text.split("\n").findIndex((line) => line.startsWith(`## ${heading}`));
    if (start < 0) {
        throw new Error(`README.md has no section "## ${heading}"`);
    }
    const lines = text.split("\n").slice(start + 1);
    const end = lines.findIndex((line) => line.startsWith("## "));
    const section = (end < 0 ? lines : lines.slice(0, end)).join("\n");
    return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, block]) => block!.split("\n").flatMap(commandsOf));
}

/** The commands of one line, each as its words. */
export function commandsOf(line: string): string[][] {
    const words = shellWords(line);
    const commands: string[][] = [[]];
    for (const word of words) {
        if (word === "&&") {
            commands.push([]);
        } else {
            commands[commands.length - 1]!.push(word);
        }
    }
    return commands.filter((command) => command.length > 0);
}

/** Splits like sh: whitespace between words, single and double quotes, `#` starting a comment. */
function shellWords(line: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: "'" | '"' | undefined;
    for (const char of line) {
        if (quote) {
            if (char === quote) {
                quote = undefined;
            } else {
                word += char;
            }
        } else if (char === "'" || char === '"') {
            quote = char;
            word ??= "";
        } else if (/\s/.test(char)) {
            if (word !== undefined) {
                words.push(word);
            }
            word = undefined;
        } else if (char === "#" && word === undefined) {
            break;
        } else {
            word = (word ?? "") + char;
        }
    }
    if (quote) {
        throw new Error(`unterminated ${quote} in: ${line}`);
    }
    if (word !== undefined) {
        words.push(word);
    }
    return words;
}
