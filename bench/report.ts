/**
 * Reads the results directory of bench/run.sh, prints the report and, with
 * --doc, writes it into the results section of that Markdown file.
 *
 * Run: bun bench/report.ts --results <dir> [--doc docs/benchmarks.md]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { replaceResults } from "./lib/doc-section.ts";
import { collectMachine } from "./lib/machine.ts";
import { renderResults } from "./lib/render.ts";
import { loadParams, loadTargets } from "./lib/results.ts";
import { summarize } from "./lib/summary.ts";

function arg(name: string): string | undefined {
  const i = Bun.argv.indexOf(name);
  return i >= 0 ? Bun.argv[i + 1] : undefined;
}

const dir = arg("--results");
if (!dir) throw new Error("usage: bun bench/report.ts --results <dir> [--doc <file>]");
const params = loadParams(dir);
const targets = loadTargets(dir, params.fixed_runs);
if (targets.length === 0) throw new Error(`no results in ${dir}`);
const root = resolve(dirname(Bun.main), "..");
const text = renderResults(summarize(targets), collectMachine(root), params, targets);
console.log(text);

const doc = arg("--doc");
if (doc) {
  writeFileSync(doc, replaceResults(existsSync(doc) ? readFileSync(doc, "utf8") : "", text));
  console.log(`written to ${doc}`);
}
