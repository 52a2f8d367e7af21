/**
 * Masking compiled once from configuration and applied to any text:
 *
 *   const masker = compileMasker(maskerConfigSchema.parse({ detectors: ["email"] }));
 *   masker.mask("write to ann@example.com") // → { text: "write to [REDACTED:email]", hits: [{ type: "email", start: 9, end: 24 }] }
 *
 * Every detector and rule runs over the text; where matches overlap, the
 * one starting first (then the longest) wins. A masker holds no per-call
 * state and may be shared by any number of requests. Whole HTTP bodies
 * (JSON, forms, text) go through maskBody() in ./body.ts; streamed text
 * through maskingStreamFilter() in ./stream.ts.
 */
import { DETECTORS, type DetectorPattern, isSecretField } from "./detectors.ts";
import type { MaskerConfig } from "./masker-schema.ts";

/** One replaced stretch, in the coordinates of the text given to mask(). */
export interface MaskHit {
  type: string;
  start: number;
  end: number;
}

export interface MaskResult {
  text: string;
  hits: readonly MaskHit[];
}

/** A match as scan() finds it: `start`–`end` is all it depends on (a `password=` key included), `maskStart`–`maskEnd` what is replaced. */
export interface MaskMatch {
  type: string;
  start: number;
  end: number;
  maskStart: number;
  maskEnd: number;
  replacement: string;
}

export interface Masker {
  mask(text: string): MaskResult;
  /**
   * mask() for a value stored under a name (a JSON property, a form field):
   * under a secret-looking name (`password`, `client_secret`, `apiKey`) the
   * whole value is a `secret` hit when that detector is on.
   */
  maskField(name: string, value: string): MaskResult;
  /** The non-overlapping matches mask() replaces, in order. */
  scan(text: string): MaskMatch[];
  /**
   * The longest stretch across whitespace one match may cover. Text more
   * than this far behind the end of what has arrived, and behind a word
   * boundary, can be masked and released for good (see hold-back.ts).
   */
  readonly reach: number;
}

interface CompiledPattern {
  type: string;
  regex: RegExp;
  group: number | undefined;
  accept: DetectorPattern["accept"];
  replacement(m: RegExpExecArray): string;
}

export function compileMasker(config: MaskerConfig): Masker {
  const patterns: CompiledPattern[] = [];
  const label = (type: string) => config.replacement.replaceAll("{type}", type);
  let reach = 0;
  for (const type of new Set(config.detectors)) {
    const d = DETECTORS[type];
    reach = Math.max(reach, d.reach);
    const text = label(type);
    for (const p of d.patterns) {
      // A private copy: lastIndex is per regex, and compiled maskers must not share it.
      patterns.push({ type, regex: new RegExp(p.regex.source, p.regex.flags), group: p.group, accept: p.accept, replacement: () => text });
    }
  }
  for (const rule of config.rules) {
    reach = Math.max(reach, rule.max_length);
    const template = rule.replacement ?? label(rule.name);
    patterns.push({
      type: rule.name,
      regex: new RegExp(rule.pattern, `${rule.flags}g`),
      group: undefined,
      accept: undefined,
      replacement: rule.replacement === undefined ? () => template : (m) => expand(template, m),
    });
  }
  const secretFields = config.detectors.includes("secret");
  const secretText = label("secret");

  const scan = (text: string): MaskMatch[] => (patterns.length === 0 ? [] : scanAll(patterns, text));
  const mask = (text: string): MaskResult => {
    const matches = scan(text);
    return matches.length === 0 ? { text, hits: [] } : { text: applyMatches(text, matches), hits: matches.map(hitOf) };
  };
  return {
    mask,
    scan,
    reach,
    maskField(name, value) {
      if (secretFields && value.length > 0 && value !== secretText && isSecretField(name)) {
        return { text: secretText, hits: [{ type: "secret", start: 0, end: value.length }] };
      }
      return mask(value);
    },
  };
}

function scanAll(patterns: readonly CompiledPattern[], text: string): MaskMatch[] {
  const found: MaskMatch[] = [];
  for (const p of patterns) {
    const re = p.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      if (m[0].length === 0) {
        re.lastIndex = start + 1;
        continue;
      }
      let end = start + m[0].length;
      if (p.accept) {
        const keep = p.accept(m[0]);
        // A rejected candidate may still hide a real one further in (a card number after a stray digit group).
        re.lastIndex = keep === 0 ? start + 1 : start + keep;
        if (keep === 0) continue;
        end = start + keep;
      }
      let maskStart = start;
      let maskEnd = end;
      if (p.group !== undefined) {
        const span = m.indices?.[p.group];
        if (!span) continue;
        [maskStart, maskEnd] = span;
      }
      const replacement = p.replacement(m);
      // Already masked (a masked prompt echoed back, a body masked twice): not a new hit.
      if (text.slice(maskStart, maskEnd) === replacement) continue;
      found.push({ type: p.type, start, end, maskStart, maskEnd, replacement });
    }
  }
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MaskMatch[] = [];
  let reached = 0;
  for (const m of found) {
    if (m.start < reached) continue;
    out.push(m);
    reached = m.end;
  }
  return out;
}

/** `text` with each match's masked part replaced; matches must be in order, not overlapping, and inside `text`. */
export function applyMatches(text: string, matches: readonly MaskMatch[]): string {
  let out = "";
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.maskStart) + m.replacement;
    at = m.maskEnd;
  }
  return out + text.slice(at);
}

function hitOf(m: MaskMatch): MaskHit {
  return { type: m.type, start: m.maskStart, end: m.maskEnd };
}

/** String.prototype.replace's `$` patterns for one match. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\$|&|<([^>]*)>|(\d{1,2}))/g, (whole, what: string, name: string | undefined, num: string | undefined) => {
    if (what === "$") return "$";
    if (what === "&") return m[0];
    if (name !== undefined) return m.groups?.[name] ?? "";
    const i = Number(num);
    return i > 0 && i < m.length ? (m[i] ?? "") : whole;
  });
}
