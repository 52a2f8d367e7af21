/**
 * Reads the results directory of bench/ai/run.sh, prints the AI report and,
 * with --doc, writes it between the AI results markers of that Markdown file
 * (the REST results section is left to bench/report.ts).
 *
 * Run: bun bench/ai/report.ts --results <dir> [--doc docs/benchmarks.md] [--note "text"]...
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { replaceSection } from "../lib/doc-section.ts";
import { collectMachine } from "../lib/machine.ts";
import { renderAi } from "./lib/render.ts";
import { loadAiResults } from "./lib/results.ts";
import { summarizeAi } from "./lib/summary.ts";

export const AI_START = "<!-- bench:ai:results:start -->";
export const AI_END = "<!-- bench:ai:results:end -->";

function args(name: string): string[] {
  const out: string[] = [];
  Bun.argv.forEach((a, i) => {
    const v = Bun.argv[i + 1];
    if (a === name && v !== undefined) out.push(v);
  });
  return out;
}

if (import.meta.main) {
  const dir = args("--results")[0];
  if (!dir) throw new Error("usage: bun bench/ai/report.ts --results <dir> [--doc <file>] [--note <text>]...");
  const results = loadAiResults(dir);
  if (results.targets.length === 0 && !results.streams.waygate) throw new Error(`no AI results in ${dir}`);
  const root = resolve(dirname(Bun.main), "../..");
  const text = renderAi(summarizeAi(results), collectMachine(root), results.params, results.skipped, args("--note"));
  console.log(text);
  const doc = args("--doc")[0];
  if (doc) {
    writeFileSync(doc, replaceSection(existsSync(doc) ? readFileSync(doc, "utf8") : "", AI_START, AI_END, text));
    console.log(`written to ${doc}`);
  }
}
