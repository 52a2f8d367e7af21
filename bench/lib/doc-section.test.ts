import { expect, test } from "bun:test";
import { END, START, replaceResults } from "./doc-section.ts";

test("replaces only the text between the markers", () => {
  const doc = `# Benchmarks\n\nMethod prose.\n\n${START}\nold numbers\n${END}\n\nTrailing prose.\n`;
  const out = replaceResults(doc, "## Results\nnew numbers\n");
  expect(out).toBe(`# Benchmarks\n\nMethod prose.\n\n${START}\n## Results\nnew numbers\n${END}\n\nTrailing prose.\n`);
  expect(replaceResults(out, "again")).toContain(`${START}\nagain\n${END}`);
  expect(replaceResults(out, "again")).not.toContain("new numbers");
});

test("appends a marked section to a document without one", () => {
  expect(replaceResults("# Benchmarks\n", "r")).toBe(`# Benchmarks\n\n${START}\nr\n${END}\n`);
  expect(replaceResults("", "r")).toBe(`${START}\nr\n${END}\n`);
});
