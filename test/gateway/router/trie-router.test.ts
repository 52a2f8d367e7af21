import { describe, expect, test } from "bun:test";
import { TrieRouter } from "../../../src/gateway/router/trie-router.ts";
import type { MatchInput, MatchResult, RouteSpec } from "../../../src/gateway/router/router.ts";
import { WaygateError } from "../../../src/core/errors.ts";
import { MAX_PATTERN_SEGMENTS } from "../../../src/gateway/router/path-pattern.ts";
import { input, outcome, runRouterCases, spec } from "./router.case.ts";
import { referenceMatch, randomProbe, randomRoutes, seededRandom } from "./reference-router.ts";

runRouterCases("TrieRouter", () => new TrieRouter<string>());

function router(...routes: [Partial<RouteSpec> & { paths: string[] }, string][]): TrieRouter<string> {
  const r = new TrieRouter<string>();
  for (const [s, id] of routes) r.add({ methods: [], prefix: false, hosts: [], headers: [], priority: 0, ...s }, id);
  return r;
}

function expectConfigInvalid(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WaygateError);
    expect((e as WaygateError).code).toBe("config_invalid");
    return;
  }
  throw new Error("expected add to throw config_invalid");
}

describe("TrieRouter.add validation", () => {
  const bad: [string, Partial<RouteSpec> & { paths: string[] }][] = [
    ["path without a leading slash", { paths: ["users"] }],
    ["empty path", { paths: [""] }],
    ["* not last", { paths: ["/a/*/b"] }],
    ["param without a name", { paths: ["/a/:"] }],
    ["param with punctuation", { paths: ["/a/:id.json"] }],
    ["duplicate param", { paths: ["/a/:id/b/:id"] }],
    ["__proto__ param", { paths: ["/a/:__proto__"] }],
    ["invalid regex", { paths: ["/a"], headers: [{ name: "x", regex: "([" }] }],
    ["present false with value", { paths: ["/a"], headers: [{ name: "x", present: false, value: "1" }] }],
    ["wildcard in the middle of a host", { paths: ["/a"], hosts: ["a.*.com"] }],
    ["bare wildcard host", { paths: ["/a"], hosts: ["*"] }],
    ["empty host", { paths: ["/a"], hosts: [":80"] }],
  ];
  for (const [name, s] of bad) test(name, () => expectConfigInvalid(() => router([s, "x"])));

  test("a rejected add leaves the router unchanged", () => {
    const r = router([{ paths: ["/ok"] }, "ok"]);
    expectConfigInvalid(() => r.add({ methods: [], paths: ["/new", "bad"], prefix: false, hosts: [], headers: [], priority: 0 }, "new"));
    expect(outcome(r.match(input("/new")))).toBe("404");
    expect(outcome(r.match(input("/ok")))).toBe("ok");
  });

  test("the regex is compiled once at add time", () => {
    const r = router([{ paths: ["/r"], headers: [{ name: "x-id", regex: "^[a-f0-9]{4}$" }] }, "r"]);
    expect(outcome(r.match(input("/r", { headers: { "x-id": "beef" } })))).toBe("r");
    expect(outcome(r.match(input("/r", { headers: { "x-id": "beefy" } })))).toBe("404");
    // The same compiled RegExp must not keep state between requests.
    expect(outcome(r.match(input("/r", { headers: { "x-id": "beef" } })))).toBe("r");
  });

  test("lower-case methods in a spec are upper-cased", () => {
    const r = router([{ paths: ["/m"], methods: ["get"] }, "m"]);
    expect(outcome(r.match(input("/m")))).toBe("m");
    expect(outcome(r.match(input("/m", { method: "POST" })))).toEqual({ allowed: ["GET"] });
  });
});

describe("TrieRouter at scale", () => {
  test("1,000 routes are each matched to the right route", () => {
    const r = new TrieRouter<string>();
    const base = { prefix: false, hosts: [], headers: [], priority: 0 } as const;
    for (let i = 0; i < 250; i++) {
      r.add({ ...base, methods: ["GET"], paths: [`/svc${i}/items`] }, `items${i}`);
      r.add({ ...base, methods: ["GET", "PUT"], paths: [`/svc${i}/users/:id`] }, `user${i}`);
      r.add({ ...base, methods: [], paths: [`/files${i}/*`] }, `files${i}`);
      r.add({ ...base, methods: [], paths: [`/p${i}`], prefix: true }, `prefix${i}`);
    }
    for (let i = 0; i < 250; i++) {
      const items = r.match(input(`/svc${i}/items`));
      expect(items.ok && items.match.value).toBe(`items${i}`);
      const user = r.match(input(`/svc${i}/users/u${i}`, { method: "PUT" }));
      expect(user.ok && [user.match.value, user.match.params.id]).toEqual([`user${i}`, `u${i}`]);
      const files = r.match(input(`/files${i}/a/${i}`));
      expect(files.ok && [files.match.value, files.match.params["*"]]).toEqual([`files${i}`, `a/${i}`]);
      const pre = r.match(input(`/p${i}/deep/${i}`));
      expect(pre.ok && [pre.match.value, pre.match.rest]).toEqual([`prefix${i}`, `/deep/${i}`]);
      expect(outcome(r.match(input(`/svc${i}/items`, { method: "POST" })))).toEqual({ allowed: ["GET"] });
      expect(outcome(r.match(input(`/p${i}x`)))).toBe("404");
    }
  });
});

describe("TrieRouter on pathological input", () => {
  const r = router(
    [{ paths: ["/a/*"] }, "a-wild"],
    [{ paths: ["/:x/:y"] }, "two-params"],
    [{ paths: ["/deep"], prefix: true }, "deep"],
    [{ paths: ["/p/:id"], hosts: ["h.test"], headers: [{ name: "x", regex: "." }] }, "p"],
  );
  const inputs = [
    "",
    "no-slash",
    "*",
    "/",
    "//",
    "///",
    "/".repeat(10_000),
    "/a" + "/".repeat(10_000),
    "/a".repeat(10_000),
    "/b".repeat(10_000),
    "/x" + "y".repeat(1_000_000),
    "/é/日本/\u0000/%00/%2F",
    "/p/1?query=not-stripped",
    "/deep/" + "x/".repeat(10_000),
  ];
  for (const path of inputs) {
    test(`does not throw on ${JSON.stringify(path.slice(0, 24))}${path.length > 24 ? `… (${path.length} chars)` : ""}`, () => {
      const res = r.match({ method: "GET", host: "[::1", path, headers: new Headers() });
      expect(["match", "not_found"]).toContain(res.ok ? "match" : res.reason);
    });
  }

  test("results on pathological input are still right", () => {
    const m = (path: string): MatchResult<string> => r.match(input(path));
    expect(outcome(m(""))).toBe("404");
    expect(outcome(m("no-slash"))).toBe("404");
    const wild = m("/a".repeat(10_000));
    expect(wild.ok && wild.match.value).toBe("a-wild");
    expect(wild.ok && wild.match.params["*"]?.length).toBe(2 * 9_999 - 1);
    expect(outcome(m("/b".repeat(10_000)))).toBe("404");
    expect(outcome(m("/b/c"))).toBe("two-params");
    const deep = m("/deep/" + "x/".repeat(10_000));
    expect(deep.ok && deep.match.rest.length).toBe(1 + 2 * 10_000);
  });

  test("patterns as deep as the limit work; deeper ones are rejected at add time", () => {
    const deep = new TrieRouter<string>();
    const n = MAX_PATTERN_SEGMENTS;
    const stat = "/s".repeat(n);
    const params = Array.from({ length: n }, (_, i) => `/:p${i}`).join("");
    const base = { methods: [], prefix: false, hosts: [], headers: [], priority: 0 };
    deep.add({ ...base, paths: [stat] }, "static");
    deep.add({ ...base, paths: [params] }, "params");
    deep.add({ ...base, paths: ["/s/*"] }, "wild");
    expect(outcome(deep.match(input(stat)))).toBe("static");
    const p = deep.match(input("/v".repeat(n)));
    expect(p.ok && [p.match.value, p.match.params.p0, p.match.params[`p${n - 1}`], Object.keys(p.match.params).length]).toEqual([
      "params",
      "v",
      "v",
      n,
    ]);
    // Fails at the last level, so every level is backtracked through.
    expect(outcome(deep.match(input("/s".repeat(n - 1) + "/t/u")))).toBe("wild");
    expect(outcome(deep.match(input("/s".repeat(10_000))))).toBe("wild");
    expectConfigInvalid(() => deep.add({ ...base, paths: ["/s".repeat(n + 1)] }, "too-deep"));
  });

  test("backtracking through a choice at every level of the deepest pattern", () => {
    const r = new TrieRouter<string>();
    const base = { methods: ["POST"], prefix: true, hosts: [], headers: [], priority: 0 };
    for (let i = 1; i <= MAX_PATTERN_SEGMENTS; i++) r.add({ ...base, paths: ["/s".repeat(i)] }, `s${i}`);
    const path = "/s".repeat(10_000);
    expect(outcome(r.match(input(path)))).toEqual({ allowed: ["POST"] });
    const hit = r.match(input(path, { method: "POST" }));
    expect(hit.ok && [hit.match.value, hit.match.rest.length]).toEqual([`s${MAX_PATTERN_SEGMENTS}`, 2 * (10_000 - MAX_PATTERN_SEGMENTS)]);
  });

  test("params objects are not shared between matches", () => {
    const a = r.match(input("/b/c"));
    const b = r.match(input("/d/e"));
    expect(a.ok && a.match.params).toEqual({ x: "b", y: "c" });
    expect(b.ok && b.match.params).toEqual({ x: "d", y: "e" });
  });

  test("a header lookup that re-enters the router gets a correct answer", () => {
    const inner = router([{ paths: ["/h/:id"], headers: [{ name: "x", present: true }] }, "h"], [{ paths: ["/o/:k"] }, "o"]);
    let innerResult: MatchResult<string> | undefined;
    const outer: MatchInput = {
      method: "GET",
      host: "gw.test",
      path: "/h/outer",
      headers: {
        get(name: string) {
          innerResult = inner.match(input("/o/inner"));
          return name === "x" ? "1" : null;
        },
      },
    };
    const res = inner.match(outer);
    expect(res.ok && res.match.params).toEqual({ id: "outer" });
    expect(innerResult?.ok && innerResult.match.params).toEqual({ k: "inner" });
  });
});

describe("TrieRouter agrees with a brute-force reference", () => {
  test("3,000 random route tables and probes", () => {
    const rand = seededRandom(20240601);
    for (let round = 0; round < 300; round++) {
      const routes = randomRoutes(rand, 1 + Math.floor(rand() * 12));
      const r = new TrieRouter<string>();
      for (const def of routes) r.add(spec(def), def.id);
      for (let i = 0; i < 10; i++) {
        const probe = randomProbe(rand);
        const got = r.match(probe);
        const want = referenceMatch(routes, probe);
        const summary = (m: MatchResult<string>) =>
          m.ok ? { value: m.match.value, params: m.match.params, matchedPath: m.match.matchedPath, rest: m.match.rest } : m;
        expect({ routes, probe: { ...probe, headers: [...(probe.headers as Headers).entries()] }, got: summary(got) }).toEqual({
          routes,
          probe: { ...probe, headers: [...(probe.headers as Headers).entries()] },
          got: summary(want),
        });
      }
    }
  });
});
