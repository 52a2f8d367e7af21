/**
 * `${VAR}` in any string value is replaced by the environment variable VAR,
 * so secrets (credential keys, tokens in URLs) can stay out of the file.
 * `$${` writes a literal `${`. A variable that is not set is an error, not
 * an empty string: a silently empty key would be worse than a failed apply.
 */
import type { FilePath } from "./paths.ts";

export type Env = Record<string, string | undefined>;

export interface InterpolationIssue {
  path: FilePath;
  message: string;
}

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function interpolateString(s: string, env: Env, path: FilePath, issues: InterpolationIssue[]): string {
  if (!s.includes("${")) return s;
  return s.replace(PATTERN, (match: string, name: string | undefined) => {
    if (name === undefined) return "${";
    const value = env[name];
    if (value === undefined) {
      issues.push({ path, message: `environment variable ${name} is not set` });
      return match;
    }
    return value;
  });
}

export function interpolate(value: unknown, env: Env, issues: InterpolationIssue[], path: FilePath = []): unknown {
  if (typeof value === "string") return interpolateString(value, env, path, issues);
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, issues, [...path, i]));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, issues, [...path, k]);
    return out;
  }
  return value;
}

/** The inverse for export: makes a stored string load back as itself. */
export function escapeInterpolation(s: string): string {
  return s.split("${").join("$${");
}
