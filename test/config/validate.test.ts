import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/config/file/validate.ts";

const fixture = await Bun.file(new URL("./fixtures/complete.yaml", import.meta.url)).text();
const ENV = { MOBILE_APP_KEY: "mobile-key-0123456789abcdef" };

function errorsOf(text: string, env: Record<string, string> = {}) {
  const r = validateConfig(text, env);
  if (r.ok) throw new Error("expected the config to be invalid");
  return r.errors;
}

describe("validateConfig", () => {
  test("the complete example is valid and fills in defaults", () => {
    const r = validateConfig(fixture, ENV);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const billing = r.config.services.find((s) => s.name === "billing");
    expect(billing?.routes.map((x) => x.name)).toEqual(["billing-invoices", "billing-health"]);
    expect(billing?.retry.on_429).toBe(true);
    expect(r.config.applications[0]?.credentials[0]?.key).toBe(ENV.MOBILE_APP_KEY);
    expect(r.config.applications[0]?.subscriptions).toEqual([
      { service: "billing", status: "approved" },
      { service: "billing-maintenance", status: "pending" },
    ]);
  });

  test("schema errors carry the path in the file and the line", () => {
    const text = [
      "version: 1", // 1
      "upstreams:", // 2
      "  - name: up", // 3
      "    targets:", // 4
      "      - url: http://a:1", // 5
      "      - url: ftp://b", // 6
      "services:", // 7
      "  - name: s0", // 8
      "  - name: s1", // 9
      "  - name: s2", // 10
      "    routes:", // 11
      "      - name: r0", // 12
      "        paths:", // 13
      "          - relative", // 14
      "      - name: r1", // 15
      "        colour: blue", // 16
      "        paths: [/ok]", // 17
    ].join("\n");
    expect(errorsOf(text)).toEqual([
      { path: "upstreams[0].targets[1].url", line: 6, message: "Invalid URL" },
      { path: "services[2].routes[0].paths[0]", line: 14, message: 'Invalid string: must start with "/"' },
      { path: "services[2].routes[1].colour", line: 16, message: "unknown field" },
    ]);
  });

  test("a missing field is reported at its parent's line", () => {
    const text = "version: 1\nservices:\n  - name: a\n    routes:\n      - name: r\n        methods: [GET]\n";
    expect(errorsOf(text)).toEqual([{ path: "services[0].routes[0].paths", line: 5, message: "required field is missing (expected array)" }]);
  });

  test("YAML syntax errors and a wrong version", () => {
    const syntax = errorsOf("version: 1\nteams:\n  - name: [unclosed\n");
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(3);
    expect(syntax[0]?.path).toBe("");
    expect(errorsOf("version: 2\n")).toEqual([{ path: "version", line: 1, message: "must be 1" }]);
    expect(errorsOf("teams: []\n")[0]).toMatchObject({ path: "version", line: 1 });
    expect(errorsOf("version: 1\nversion: 1\n")[0]?.line).toBe(2);
  });

  test("references by name must exist and names must be unique", () => {
    const text = [
      "version: 1", // 1
      "teams:", // 2
      "  - name: t", // 3
      "  - name: t", // 4
      "services:", // 5
      "  - name: a", // 6
      "    upstream: missing-up", // 7
      "    fallback_service: b", // 8
      "  - name: b", // 9
      "    team: nobody", // 10
      "    fallback_service: a", // 11 (a cycle is allowed: the gateway cuts it)
      "    routes:", // 12
      "      - {name: r, paths: [/r], fallback_service: zz}", // 13
      "applications:", // 14
      "  - name: app", // 15
      "    subscriptions: [a, ghost, a]", // 16
    ].join("\n");
    expect(errorsOf(text)).toEqual([
      { path: "teams[1].name", line: 4, message: "duplicate team 't' (first at teams[0].name)" },
      { path: "services[0].upstream", line: 7, message: "unknown upstream 'missing-up'" },
      { path: "services[1].team", line: 10, message: "unknown team 'nobody'" },
      { path: "services[1].routes[0].fallback_service", line: 13, message: "unknown service 'zz'" },
      { path: "applications[0].subscriptions[1]", line: 16, message: "unknown service 'ghost'" },
      { path: "applications[0].subscriptions[2]", line: 16, message: "duplicate subscription to 'a' in application 'app' (first at applications[0].subscriptions[0])" },
    ]);
  });

  test("credentials: key from the environment, or key_hash, never neither and never the same key twice", () => {
    const text = (key: string) =>
      `version: 1\napplications:\n  - name: app\n    credentials:\n      - name: c1\n        key: ${key}\n      - name: c2\n        key_prefix: x\n      - name: c3\n        key_hash: ABC\n      - name: c4\n        key: same-key-0123456789\n      - name: c5\n        key: same-key-0123456789\n`;
    expect(errorsOf(text("${APP_KEY}"))).toEqual([
      { path: "applications[0].credentials[0].key", line: 6, message: "environment variable APP_KEY is not set" },
      { path: "applications[0].credentials[1].key", line: 7, message: 'give either key (e.g. "${APP_KEY}") or key_hash' },
      { path: "applications[0].credentials[2].key_hash", line: 10, message: "must be a SHA-256 digest: 64 lowercase hex digits" },
    ]);
    const fixed = text("${APP_KEY}").replace("key_prefix: x", `key_hash: ${"a".repeat(64)}`).replace("key_hash: ABC", `key_hash: ${"b".repeat(64)}`);
    expect(errorsOf(fixed, { APP_KEY: "app-key-0123456789abc" })).toEqual([
      {
        path: "applications[0].credentials[4].key",
        line: 14,
        message: "duplicate credential key (another credential has the same key) (first at applications[0].credentials[3].key)",
      },
    ]);
  });

  test("${VAR} is interpolated in every string; $${ is a literal ${", () => {
    const text = "version: 1\nteams:\n  - name: ${TEAM}\n    description: costs $${AMOUNT} for ${TEAM}\n";
    const r = validateConfig(text, { TEAM: "blue" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.teams[0]).toEqual({ name: "blue", description: "costs ${AMOUNT} for blue" });
  });
});
