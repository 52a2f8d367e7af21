/** Real public API descriptions shipped by the @readme/oas-examples package, read from node_modules. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function example(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(require.resolve(`@readme/oas-examples/${path}`), "utf8")) as Record<string, unknown>;
}

export function exampleText(path: string): string {
  return readFileSync(require.resolve(`@readme/oas-examples/${path}`), "utf8");
}

/** path+method pairs a description declares, as `GET /pet/{petId}`. */
export function operationsOf(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) if (item[method]) out.push(`${method.toUpperCase()} ${path}`);
  }
  return out;
}
