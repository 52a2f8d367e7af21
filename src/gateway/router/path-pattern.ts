/**
 * Route path patterns, parsed once at add time into trie segments.
 *
 * Patterns and request paths are cut into segments by the same rule
 * (`trimmedEnd` + scan for '/'), so a pattern that matches its own text is
 * guaranteed: `//a` is an empty segment followed by `a` on both sides.
 */
import { WaygateError } from "../../core/errors.ts";

const SLASH = 47;
/**
 * The matcher recurses once per pattern level that offers a choice, so
 * pattern depth bounds its stack. Request paths are not limited: they are
 * only walked as deep as some pattern reaches. (A RouteInput path is at most
 * 1,024 characters, so valid configuration stays far below this.)
 */
export const MAX_PATTERN_SEGMENTS = 1024;
/** `__proto__` is excluded because params are returned in a plain object. */
const PARAM_NAME = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]*$/;

export type Segment = { kind: "static"; value: string } | { kind: "param"; name: string };

export interface PathPattern {
  /** Segments before any `*` tail. */
  segments: Segment[];
  /** The pattern ends in a `*` segment. */
  wildcard: boolean;
  /** Param names in the order their segments appear. */
  paramNames: string[];
}

/**
 * Where segment scanning stops: one trailing slash is ignored so `/a/` and
 * `/a` walk the same segments; `/` itself has none.
 */
export function trimmedEnd(path: string): number {
  const n = path.length;
  return n > 0 && path.charCodeAt(n - 1) === SLASH ? n - 1 : n;
}

/** End index (exclusive) of the segment that starts after the '/' at `pos`. */
export function segmentEnd(path: string, pos: number, end: number): number {
  let i = pos + 1;
  while (i < end && path.charCodeAt(i) !== SLASH) i++;
  return i;
}

function invalid(path: string, why: string): WaygateError {
  return new WaygateError("config_invalid", `invalid route path ${JSON.stringify(path)}: ${why}`, {
    details: [{ path: "paths", message: why }],
  });
}

export function parsePattern(path: string): PathPattern {
  if (path.charCodeAt(0) !== SLASH) throw invalid(path, "must start with '/'");
  const end = trimmedEnd(path);
  const segments: Segment[] = [];
  const paramNames: string[] = [];
  const seen = new Set<string>();
  let wildcard = false;
  for (let pos = 0; pos < end; ) {
    const next = segmentEnd(path, pos, end);
    const seg = path.slice(pos + 1, next);
    if (seg === "*") {
      if (next !== end) throw invalid(path, "'*' is only allowed as the last segment");
      wildcard = true;
    } else if (seg.charCodeAt(0) === 58 /* : */) {
      const name = seg.slice(1);
      if (!PARAM_NAME.test(name)) throw invalid(path, `param ${JSON.stringify(seg)} must be ':' followed by letters, digits or '_'`);
      if (seen.has(name)) throw invalid(path, `param ':${name}' appears twice`);
      seen.add(name);
      paramNames.push(name);
      segments.push({ kind: "param", name });
    } else {
      segments.push({ kind: "static", value: seg });
    }
    pos = next;
    if (segments.length > MAX_PATTERN_SEGMENTS) throw invalid(path, `more than ${MAX_PATTERN_SEGMENTS} segments`);
  }
  return { segments, wildcard, paramNames };
}
