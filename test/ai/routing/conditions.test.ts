/** Every operator and field scope of `conditional` route rules. */
import { describe, expect, test } from "bun:test";
import type { RouteCondition } from "../../../src/config/ai-entities.ts";
import { type ConditionInput, matches } from "../../../src/ai/runtime/conditions.ts";

const headers = new Headers({ "x-tier": "premium", "x-version": "2", "x-empty": "" });

const input: ConditionInput = {
  header: (n) => headers.get(n),
  metadata: { team: "research", priority: 3, beta: true, nothing: null },
  params: { max_tokens: 4000, stream: true, temperature: 0.2, model: "chat-default" },
  appName: "billing-bot",
  promptTokens: () => 1500,
};

const m = (field: string, op: RouteCondition["op"], value?: RouteCondition["value"], i: ConditionInput = input) =>
  matches(value === undefined ? { field, op } : { field, op, value }, i);

describe("fields", () => {
  test("header.<name> reads request headers, case-insensitively", () => {
    expect(m("header.x-tier", "eq", "premium")).toBe(true);
    expect(m("header.X-Tier", "eq", "premium")).toBe(true);
    expect(m("header.x-missing", "exists")).toBe(false);
  });

  test("metadata.<key> reads the body's metadata", () => {
    expect(m("metadata.team", "eq", "research")).toBe(true);
    expect(m("metadata.priority", "gte", 3)).toBe(true);
  });

  test("param.<name> reads request parameters", () => {
    expect(m("param.max_tokens", "gt", 1000)).toBe(true);
    expect(m("param.stream", "eq", true)).toBe(true);
    expect(m("param.model", "eq", "chat-default")).toBe(true);
  });

  test("app.name is the calling application; other app fields are unknown", () => {
    expect(m("app.name", "eq", "billing-bot")).toBe(true);
    expect(m("app.id", "exists")).toBe(false);
    expect(m("app.name", "exists", true, { ...input, appName: undefined })).toBe(false);
  });

  test("prompt_tokens is the estimated prompt size", () => {
    expect(m("prompt_tokens", "gt", 1000)).toBe(true);
    expect(m("prompt_tokens", "lte", 1000)).toBe(false);
  });

  test("an unknown scope resolves to nothing", () => {
    expect(m("cookie.session", "exists")).toBe(false);
    expect(m("cookie.session", "eq", "x")).toBe(false);
    expect(m("cookie.session", "ne", "x")).toBe(true);
  });
});

describe("eq / ne", () => {
  test("compare as text, so a header '2' equals the number 2", () => {
    expect(m("header.x-version", "eq", 2)).toBe(true);
    expect(m("header.x-version", "eq", "3")).toBe(false);
    expect(m("metadata.priority", "eq", "3")).toBe(true);
    expect(m("metadata.beta", "eq", true)).toBe(true);
    expect(m("metadata.beta", "eq", false)).toBe(false);
  });

  test("eq is false and ne true for a missing field", () => {
    expect(m("header.x-missing", "eq", "premium")).toBe(false);
    expect(m("header.x-missing", "ne", "premium")).toBe(true);
  });

  test("ne is the complement of eq for a present field", () => {
    expect(m("header.x-tier", "ne", "premium")).toBe(false);
    expect(m("header.x-tier", "ne", "basic")).toBe(true);
  });

  test("an empty header is present and equals the empty string", () => {
    expect(m("header.x-empty", "eq", "")).toBe(true);
    expect(m("header.x-empty", "exists")).toBe(true);
  });
});

describe("in / nin", () => {
  test("membership in a list, compared as text", () => {
    expect(m("metadata.team", "in", ["search", "research"])).toBe(true);
    expect(m("metadata.team", "in", ["search"])).toBe(false);
    expect(m("metadata.priority", "in", [1, 2, 3])).toBe(true);
    expect(m("header.x-version", "in", [1, 2])).toBe(true);
  });

  test("nin is the complement of in; a missing field is in no list", () => {
    expect(m("metadata.team", "nin", ["search", "research"])).toBe(false);
    expect(m("metadata.team", "nin", ["search"])).toBe(true);
    expect(m("metadata.missing", "in", ["x"])).toBe(false);
    expect(m("metadata.missing", "nin", ["x"])).toBe(true);
  });

  test("a single value is a list of one, for in and nin alike", () => {
    expect(m("metadata.team", "in", "research")).toBe(true);
    expect(m("metadata.team", "nin", "research")).toBe(false);
    expect(m("metadata.team", "nin", "search")).toBe(true);
  });
});

describe("gt / gte / lt / lte", () => {
  test("numeric comparison, numeric text included", () => {
    expect(m("param.max_tokens", "gt", 3999)).toBe(true);
    expect(m("param.max_tokens", "gt", 4000)).toBe(false);
    expect(m("param.max_tokens", "gte", 4000)).toBe(true);
    expect(m("param.max_tokens", "lt", 4000)).toBe(false);
    expect(m("param.max_tokens", "lte", 4000)).toBe(true);
    expect(m("param.temperature", "lt", 0.5)).toBe(true);
    expect(m("header.x-version", "gte", "2")).toBe(true);
    expect(m("header.x-version", "lt", 10)).toBe(true);
  });

  test("not a number on either side: never matches", () => {
    expect(m("header.x-tier", "gt", 1)).toBe(false);
    expect(m("header.x-tier", "lt", 1)).toBe(false);
    expect(m("param.max_tokens", "gt", "many")).toBe(false);
    expect(m("header.x-empty", "lt", 1)).toBe(false);
    expect(m("header.x-missing", "lt", 1)).toBe(false);
    expect(m("metadata.beta", "gt", 0)).toBe(false);
  });
});

describe("exists", () => {
  test("without a value or with true: present; with false: absent", () => {
    expect(m("header.x-tier", "exists")).toBe(true);
    expect(m("header.x-tier", "exists", true)).toBe(true);
    expect(m("header.x-tier", "exists", false)).toBe(false);
    expect(m("header.x-missing", "exists", false)).toBe(true);
  });

  test("a null metadata value counts as absent", () => {
    expect(m("metadata.nothing", "exists")).toBe(false);
  });
});

describe("regex", () => {
  test("tests the value as text", () => {
    expect(m("app.name", "regex", "^billing-")).toBe(true);
    expect(m("app.name", "regex", "^support-")).toBe(false);
    expect(m("param.max_tokens", "regex", "^4\\d{3}$")).toBe(true);
  });

  test("a missing field, a non-text pattern or an invalid pattern never matches", () => {
    expect(m("header.x-missing", "regex", ".*")).toBe(false);
    expect(m("app.name", "regex", 5)).toBe(false);
    expect(m("app.name", "regex", "([unclosed")).toBe(false);
    // Still false the second time (the failed compilation is remembered, not retried into a throw).
    expect(m("app.name", "regex", "([unclosed")).toBe(false);
  });

  test("the same pattern gives the same answer on every call (no lastIndex state)", () => {
    for (let i = 0; i < 3; i++) expect(m("header.x-tier", "regex", "prem")).toBe(true);
  });
});
