/**
 * Conditions of `conditional` route nodes, evaluated against what is known
 * about the request before it is sent: headers, `metadata` from the body,
 * request parameters, the calling application and the estimated prompt size.
 */
import type { RouteCondition } from "../../config/ai-entities.ts";

export interface ConditionInput {
  header(name: string): string | null;
  metadata: Record<string, unknown>;
  params: Record<string, unknown>;
  appName: string | undefined;
  promptTokens(): number;
}

function resolve(field: string, input: ConditionInput): unknown {
  const dot = field.indexOf(".");
  const scope = dot < 0 ? field : field.slice(0, dot);
  const rest = dot < 0 ? "" : field.slice(dot + 1);
  switch (scope) {
    case "header":
      return input.header(rest) ?? undefined;
    case "metadata":
      return input.metadata[rest];
    case "param":
      return input.params[rest];
    case "app":
      return rest === "name" ? input.appName : undefined;
    case "prompt_tokens":
      return input.promptTokens();
    default:
      return undefined;
  }
}

function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** `in`/`nin` take a list; a single value is a list of one, so `in` and `nin` stay complements. */
function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return v === undefined ? [] : [String(v)];
}

/** Patterns come from configuration, so there are few; compiling once each keeps regex off the hot path. */
const patterns = new Map<string, RegExp | null>();

function compiled(source: string): RegExp | null {
  let re = patterns.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    if (patterns.size >= 1000) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

export function matches(c: RouteCondition, input: ConditionInput): boolean {
  const actual = resolve(c.field, input);
  const expected = c.value;
  switch (c.op) {
    case "exists":
      return (actual !== undefined && actual !== null) === (expected === undefined ? true : Boolean(expected));
    case "eq":
      return actual !== undefined && String(actual) === String(expected);
    case "ne":
      return actual === undefined || String(actual) !== String(expected);
    case "in":
      return actual !== undefined && list(expected).includes(String(actual));
    case "nin":
      return actual === undefined || !list(expected).includes(String(actual));
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = num(actual);
      const b = num(expected);
      if (a === undefined || b === undefined) return false;
      return c.op === "gt" ? a > b : c.op === "gte" ? a >= b : c.op === "lt" ? a < b : a <= b;
    }
    case "regex": {
      if (actual === undefined || typeof expected !== "string") return false;
      return compiled(expected)?.test(String(actual)) ?? false;
    }
  }
}
