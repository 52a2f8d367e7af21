/** Templates are parsed once and rendered in one pass: values are data, never template syntax. */
import { describe, expect, test } from "bun:test";
import { parseTemplate, renderTemplate } from "../../src/prompt-apis/template.ts";

function render(source: string, variables: Record<string, unknown>) {
  const parsed = parseTemplate(source);
  if (!parsed.ok) throw new Error(parsed.message);
  return renderTemplate(parsed.parts, variables);
}

describe("parsing", () => {
  test("placeholders are names or dotted paths, with optional spaces", () => {
    const parsed = parseTemplate("Hi {{ name }}, about {{doc.title}}.");
    expect(parsed).toEqual({ ok: true, parts: [{ text: "Hi " }, { path: ["name"] }, { text: ", about " }, { path: ["doc", "title"] }, { text: "." }] });
  });

  test("\\{{ is a literal {{, and a lone }} is text", () => {
    expect(render("\\{{name}} }} {{name}}", { name: "x" })).toEqual({ ok: true, text: "{{name}} }} x" });
  });

  test("malformed and prototype-reaching placeholders are refused", () => {
    for (const [source, message] of [
      ["{{name", "unclosed '{{' at character 1"],
      ["{{}}", "invalid placeholder"],
      ["{{a b}}", "invalid placeholder"],
      ["{{a.}}", "invalid placeholder"],
      ["{{0abc}}", "invalid placeholder"],
      ["{{__proto__}}", "'__proto__' is not allowed"],
      ["{{doc.constructor}}", "'constructor' is not allowed"],
      ["{{doc.prototype.x}}", "'prototype' is not allowed"],
    ] as const) {
      const parsed = parseTemplate(source);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain(message);
    }
  });
});

describe("rendering", () => {
  test("a value is inserted once, as text, whatever it contains", () => {
    const out = render("{{a}}|{{b}}", { a: "{{b}}", b: "\\{{a}} {{constructor}}" });
    expect(out).toEqual({ ok: true, text: "{{b}}|\\{{a}} {{constructor}}" });
  });

  test("non-strings are inserted as JSON", () => {
    expect(render("{{n}} {{f}} {{z}} {{list}} {{obj}}", { n: 3.5, f: false, z: null, list: ["a", 1], obj: { k: "v" } })).toEqual({
      ok: true,
      text: '3.5 false null ["a",1] {"k":"v"}',
    });
  });

  test("only own properties are read; missing ones are reported once each", () => {
    const proto = JSON.parse('{"__proto__": {"title": "inherited"}}') as Record<string, unknown>;
    const inherited = Object.create({ title: "inherited" }) as Record<string, unknown>;
    expect(render("{{doc.title}} {{doc.title}} {{other}}", { doc: proto })).toEqual({ ok: false, missing: ["doc.title", "other"] });
    expect(render("{{doc.title}}", { doc: inherited })).toEqual({ ok: false, missing: ["doc.title"] });
    expect(render("{{toString}}", {})).toEqual({ ok: false, missing: ["toString"] });
    expect(render("{{list.length}}", { list: [1, 2] })).toEqual({ ok: false, missing: ["list.length"] });
  });

  test("a huge value is inserted whole", () => {
    const big = "z".repeat(2_000_000);
    const out = render("<{{v}}>", { v: big });
    expect(out.ok && out.text.length).toBe(2_000_002);
  });
});
