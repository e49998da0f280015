// Figures of the reliability suites: each suite writes its own to reliability-results/, and
// `npm run test:reliability` prints them all at the end (test/reliability/summarize.ts).

import * as fs from "fs";
import * as path from "path";

export const resultsDir = path.resolve(__dirname, "..", "..", "reliability-results");

export type Figures = Record<string, number | string>;

export function recordFigures(suite: string, figures: Figures): void {
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, `${suite}.json`), JSON.stringify({ suite, recordedAt: new Date().toISOString(), figures }, null, 2));
}

/** Collects every text that leaves the provider on some path, and counts secrets found in them. */
export class LeakSweep {
    private readonly paths = new Set<string>();
    private texts = 0;
    readonly hits: { path: string; excerpt: string }[] = [];

    constructor(private readonly secrets: () => readonly string[]) {}

    check(pathName: string, text: string | undefined): void {
        if (text === undefined) {
            return;
        }
        this.paths.add(pathName);
        this.texts += 1;
        for (const secret of this.secrets()) {
            const at = text.indexOf(secret);
            if (secret.length >= 4 && at >= 0) {
                this.hits.push({ path: pathName, excerpt: text.slice(Math.max(0, at - 40), at) + "<SECRET>" });
            }
        }
    }

    figures(): Figures {
        return { "leak paths swept": this.paths.size, "texts swept": this.texts, "leak hits": this.hits.length };
    }
}
