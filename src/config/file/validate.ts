/**
 * Parses and validates a waygate.yaml text. Every error names its place
 * twice: as a path in the document (`services[2].routes[0].paths`) and as a
 * line number, because people read both.
 */
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { type Env, type InterpolationIssue, interpolate } from "./interpolate.ts";
import { Locator } from "./locate.ts";
import { type FilePath, formatPath } from "./paths.ts";
import { type PolicyKindLookup, policyKind } from "../../policies/registry.ts";
import { checkFilePolicies } from "./policies.ts";
import { checkReferences } from "./references.ts";
import { ConfigFile, type WaygateConfig } from "./schema.ts";

export interface ConfigError {
  /** Where in the document, e.g. `services[2].routes[0].paths`; empty for the document itself. */
  path: string;
  /** 1-based line in the text. */
  line: number;
  message: string;
}

export type ConfigResult = { ok: true; errors: []; config: WaygateConfig } | { ok: false; errors: ConfigError[] };

function zodToIssues(error: z.ZodError): InterpolationIssue[] {
  const out: InterpolationIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: [...path, key], message: "unknown field" });
    } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
      out.push({ path, message: `required field is missing (expected ${issue.expected})` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/**
 * Validates the text and returns the parsed configuration when it is valid.
 * `${VAR}` references are resolved from `env` (the process environment by default);
 * policy configs are checked against `policyKinds` (the built-in registry by default).
 */
export function validateConfig(text: string, env: Env = process.env, policyKinds: PolicyKindLookup = policyKind): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ path: "", line: lines.linePos(e.pos[0]).line, message: e.message.split("\n")[0] ?? e.message })),
    };
  }
  const locator = new Locator(doc, lines);
  const located = (issues: { path: FilePath; message: string }[]): ConfigError[] =>
    issues.map((i) => ({ path: formatPath(i.path), line: locator.line(i.path), message: i.message }));

  const envIssues: InterpolationIssue[] = [];
  const raw = interpolate(doc.toJS({ maxAliasCount: 1000 }), env, envIssues);
  const parsed = ConfigFile.safeParse(raw ?? {});
  // A value whose ${VAR} is unset fails its own checks too; the missing variable is the one error worth showing.
  const envPaths = new Set(envIssues.map((i) => formatPath(i.path)));
  const shapeIssues = parsed.success ? [] : zodToIssues(parsed.error).filter((i) => !envPaths.has(formatPath(i.path)));
  const refIssues = parsed.success ? [...checkReferences(parsed.data), ...checkFilePolicies(parsed.data, policyKinds)] : [];
  const errors = located([...envIssues, ...shapeIssues, ...refIssues]).sort((a, b) => a.line - b.line);
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  return { ok: true, errors: [], config: parsed.data };
}
