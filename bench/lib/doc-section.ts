/**
 * The results in docs/benchmarks.md live between two markers, so a new run
 * replaces the previous results and leaves the prose about the method alone.
 */

export const START = "<!-- bench:results:start -->";
export const END = "<!-- bench:results:end -->";

/** Replaces the text between the markers; appends a marked section when there is none. */
export function replaceResults(doc: string, results: string): string {
  const block = `${START}\n${results.trim()}\n${END}`;
  const s = doc.indexOf(START);
  const e = doc.indexOf(END);
  if (s >= 0 && e > s) return doc.slice(0, s) + block + doc.slice(e + END.length);
  const base = doc.trimEnd();
  return `${base}${base ? "\n\n" : ""}${block}\n`;
}
