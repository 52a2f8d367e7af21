/**
 * The results in docs/benchmarks.md live between two markers, so a new run
 * replaces the previous results and leaves the prose about the method alone.
 */

export const START = "<!-- bench:results:start -->";
export const END = "<!-- bench:results:end -->";

/** Replaces the text between the markers; appends a marked section when there is none. */
export function replaceResults(doc: string, results: string): string {
  return replaceSection(doc, START, END, results);
}

/** The same for any pair of markers, so each harness owns its own section of one page. */
export function replaceSection(doc: string, start: string, end: string, text: string): string {
  const block = `${start}\n${text.trim()}\n${end}`;
  const s = doc.indexOf(start);
  const e = doc.indexOf(end);
  if (s >= 0 && e > s) return doc.slice(0, s) + block + doc.slice(e + end.length);
  const base = doc.trimEnd();
  return `${base}${base ? "\n\n" : ""}${block}\n`;
}
