/**
 * Message templates: text with `{{variable}}` placeholders (`{{ name }}`,
 * `{{ document.title }}` for a property of an object variable). A template
 * is parsed once into literal text and placeholders; rendering then walks
 * those parts in one pass, so a value is inserted as data and never read as
 * template syntax: a value containing `{{other}}` stays that literal text.
 * Lookups read only a variable object's own properties, and `__proto__`,
 * `constructor` and `prototype` are not valid names, so no placeholder can
 * reach an object's prototype. `\{{` writes a literal `{{`.
 */

export type TemplatePart = { text: string } | { path: readonly string[] };

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; message: string };

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("\\{{", i)) {
      text += "{{";
      i += 3;
      continue;
    }
    if (!source.startsWith("{{", i)) {
      text += source[i];
      i++;
      continue;
    }
    const end = source.indexOf("}}", i + 2);
    if (end < 0) return { ok: false, message: `unclosed '{{' at character ${i + 1}; write \\{{ for a literal '{{'` };
    const inner = source.slice(i + 2, end).trim();
    const path = inner.split(".");
    const bad = path.find((seg) => !SEGMENT.test(seg) || FORBIDDEN.has(seg));
    if (inner === "" || bad !== undefined) {
      const why = bad !== undefined && FORBIDDEN.has(bad) ? `'${bad}' is not allowed as a variable name` : "a placeholder is a variable name or a dotted path of names";
      return { ok: false, message: `invalid placeholder '{{${source.slice(i + 2, end)}}}' at character ${i + 1}: ${why}` };
    }
    if (text) parts.push({ text });
    text = "";
    parts.push({ path });
    i = end + 2;
  }
  if (text) parts.push({ text });
  return { ok: true, parts };
}

export type Rendered = { ok: true; text: string } | { ok: false; missing: string[] };

export function renderTemplate(parts: readonly TemplatePart[], variables: Record<string, unknown>): Rendered {
  let text = "";
  const missing: string[] = [];
  for (const part of parts) {
    if ("text" in part) {
      text += part.text;
      continue;
    }
    const value = lookup(variables, part.path);
    if (value === undefined) missing.push(part.path.join("."));
    else text += asText(value);
  }
  return missing.length > 0 ? { ok: false, missing: [...new Set(missing)] } : { ok: true, text };
}

function lookup(root: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node) || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/** Strings as they are; anything else as its JSON text, so objects and lists reach the model whole. */
function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
