/**
 * A deliberately naive router used as an oracle: it tries every route on
 * every request and sorts the survivors by the documented specificity rules.
 * It shares no code with the trie so the two can disagree.
 */
import type { MatchInput, MatchResult } from "../../../src/gateway/router/router.ts";
import type { RouteDef } from "./router.case.ts";

function segmentsOf(path: string): string[] {
  let end = path.length;
  if (end > 0 && path[end - 1] === "/") end--;
  return end === 0 ? [] : path.slice(1, end).split("/");
}

function bareHost(h: string): string {
  let host = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1 || h.length) : h.split(":")[0]!;
  if (host.endsWith(".")) host = host.slice(0, -1);
  return host.toLowerCase();
}

function hostScore(pattern: string | null, host: string): number {
  if (pattern === null) return 0;
  const p = bareHost(pattern);
  if (p.startsWith("*.")) return host.endsWith(p.slice(1)) && host.length > p.length - 1 ? p.length : -1;
  return p === host ? 1_000_000 : -1;
}

interface Candidate {
  def: RouteDef;
  seq: number;
  /** Per level: 0 static, 1 param, 2 tail starting here; at the last level 0 exact, 1 tail. */
  levels: number[];
  hostScore: number;
  params: Record<string, string>;
  consumed: number;
  tail: boolean;
  wildcard: boolean;
}

function compareLevels(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function tryPattern(def: RouteDef, seq: number, pattern: string, segs: string[]): Omit<Candidate, "hostScore"> | null {
  const psegs = segmentsOf(pattern);
  const wildcard = psegs[psegs.length - 1] === "*";
  if (wildcard) psegs.pop();
  const literal = !wildcard && !psegs.some((s) => s.startsWith(":"));
  const tail = wildcard || (literal && (def.prefix ?? false));
  if (psegs.length > segs.length || (!tail && psegs.length !== segs.length)) return null;
  const params: Record<string, string> = {};
  const levels: number[] = [];
  for (let i = 0; i < psegs.length; i++) {
    const p = psegs[i]!;
    const s = segs[i]!;
    if (p.startsWith(":")) {
      if (s === "") return null;
      params[p.slice(1)] = s;
      levels.push(1);
    } else {
      if (p !== s) return null;
      levels.push(0);
    }
  }
  levels.push(!tail ? 0 : psegs.length === segs.length ? 1 : 2);
  return { def, seq, levels, params, consumed: psegs.length, tail, wildcard };
}

function headersOk(def: RouteDef, headers: MatchInput["headers"]): boolean {
  return (def.headers ?? []).every((m) => {
    const v = headers.get(m.name);
    if (m.present === false) return v === null;
    if (v === null) return false;
    if (m.value !== undefined && v !== m.value) return false;
    return m.regex === undefined || new RegExp(m.regex).test(v);
  });
}

export function referenceMatch(routes: RouteDef[], input: MatchInput): MatchResult<string> {
  if (!input.path.startsWith("/")) return { ok: false, reason: "not_found" };
  const segs = segmentsOf(input.path);
  const host = bareHost(input.host);
  const cands: Candidate[] = [];
  routes.forEach((def, seq) => {
    if (!headersOk(def, input.headers)) return;
    for (const pattern of def.paths) {
      const hosts = def.hosts && def.hosts.length > 0 ? def.hosts : [null];
      for (const h of hosts) {
        const score = hostScore(h, host);
        const c = tryPattern(def, seq, pattern, segs);
        if (score >= 0 && c !== null) cands.push({ ...c, hostScore: score });
      }
    }
  });
  cands.sort(
    (a, b) =>
      compareLevels(a.levels, b.levels) ||
      b.hostScore - a.hostScore ||
      (b.def.headers ?? []).length - (a.def.headers ?? []).length ||
      (b.def.priority ?? 0) - (a.def.priority ?? 0) ||
      a.seq - b.seq,
  );
  const allowed = new Set<string>();
  for (const c of cands) {
    const methods = c.def.methods ?? [];
    if (methods.length > 0 && !methods.includes(input.method)) {
      methods.forEach((m) => allowed.add(m));
      continue;
    }
    if (!c.tail) return { ok: true, match: { value: c.def.id, params: c.params, matchedPath: input.path, rest: "" } };
    const matchedPath = c.consumed === 0 ? "" : "/" + segs.slice(0, c.consumed).join("/");
    const rest = input.path.slice(matchedPath.length);
    const params = c.wildcard ? { ...c.params, "*": rest.slice(1) } : c.params;
    return { ok: true, match: { value: c.def.id, params, matchedPath, rest } };
  }
  return allowed.size > 0 ? { ok: false, reason: "method_not_allowed", allowed: [...allowed].sort() } : { ok: false, reason: "not_found" };
}

export { seededRandom } from "../../support/random.ts";

function pickOne<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function randomRoutes(rand: () => number, count: number): RouteDef[] {
  const routes: RouteDef[] = [];
  for (let i = 0; i < count; i++) {
    const depth = Math.floor(rand() * 4);
    const segs: string[] = [];
    for (let d = 0; d < depth; d++) segs.push(rand() < 0.3 ? `:p${d}` : pickOne(rand, ["a", "b", "c"]));
    if (rand() < 0.2) segs.push("*");
    const path = "/" + segs.join("/") + (rand() < 0.1 ? "/" : "");
    routes.push({
      id: `r${i}`,
      paths: [path],
      methods: pickOne(rand, [[], [], ["GET"], ["POST"], ["GET", "PUT"]]),
      prefix: rand() < 0.5,
      hosts: pickOne(rand, [[], [], ["x.test"], ["*.test"], ["x.test", "*.other"]]),
      headers: pickOne(rand, [[], [], [{ name: "x-h", value: "1" }], [{ name: "x-h", present: false }]]),
      priority: pickOne(rand, [0, 0, 1, -1]),
    });
  }
  return routes;
}

export function randomProbe(rand: () => number): MatchInput {
  const depth = Math.floor(rand() * 5);
  const segs: string[] = [];
  for (let d = 0; d < depth; d++) segs.push(pickOne(rand, ["a", "b", "c", "d", ""]));
  const path = "/" + segs.join("/") + (rand() < 0.2 ? "/" : "");
  const headers = new Headers(rand() < 0.5 ? { "x-h": "1" } : {});
  return {
    method: pickOne(rand, ["GET", "POST", "PUT"]),
    host: pickOne(rand, ["x.test", "X.TEST:8080", "y.test", "a.other", "other"]),
    path,
    headers,
  };
}
