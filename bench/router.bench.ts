/**
 * Router micro-benchmark: 1,000 routes, several request shapes.
 * Run: bun bench/router.bench.ts
 */
import { TrieRouter } from "../src/gateway/router/trie-router.ts";
import type { MatchInput, RouteSpec } from "../src/gateway/router/router.ts";

const ROUTES = 1_000;
const ITERATIONS = 200_000;
/** Best of several rounds: the minimum is the least disturbed by other load on the machine. */
const ROUNDS = 7;

function spec(partial: Partial<RouteSpec> & { paths: string[] }): RouteSpec {
  return { methods: [], prefix: false, hosts: [], headers: [], priority: 0, ...partial };
}

const router = new TrieRouter<number>();
const services = ROUTES / 5;
for (let i = 0; i < services; i++) {
  router.add(spec({ paths: [`/api/svc${i}/items`], methods: ["GET"] }), i * 5);
  router.add(spec({ paths: [`/api/svc${i}/items/:id`], methods: ["GET", "PUT", "DELETE"] }), i * 5 + 1);
  router.add(spec({ paths: [`/api/svc${i}/items/:id/parts/:part`] }), i * 5 + 2);
  router.add(spec({ paths: [`/files${i}/*`] }), i * 5 + 3);
  router.add(spec({ paths: [`/p${i}`], prefix: true, hosts: [`svc${i}.example.com`] }), i * 5 + 4);
}

const headers = new Headers({ "user-agent": "bench" });
const req = (path: string, method = "GET", host = "gw.example.com:8080"): MatchInput => ({ method, host, path, headers });

const shapes: [string, MatchInput[]][] = [
  ["static", Array.from({ length: 64 }, (_, k) => req(`/api/svc${(k * 37) % services}/items`))],
  ["one param", Array.from({ length: 64 }, (_, k) => req(`/api/svc${(k * 37) % services}/items/${k}`, "PUT"))],
  ["two params", Array.from({ length: 64 }, (_, k) => req(`/api/svc${(k * 37) % services}/items/${k}/parts/p${k}`))],
  ["wildcard", Array.from({ length: 64 }, (_, k) => req(`/files${(k * 37) % services}/a/b/c.txt`))],
  ["prefix + host", Array.from({ length: 64 }, (_, k) => req(`/p${k}/deep/path`, "GET", `svc${k}.example.com`))],
  ["404", Array.from({ length: 64 }, (_, k) => req(`/api/svc${k}/nothing/here`))],
  ["405", Array.from({ length: 64 }, (_, k) => req(`/api/svc${k}/items`, "POST"))],
];

let sink = 0;
function round(inputs: MatchInput[], n: number): number {
  const start = Bun.nanoseconds();
  for (let i = 0; i < n; i++) {
    const r = router.match(inputs[i & 63]!);
    if (r.ok) sink += r.match.matchedPath.length;
  }
  return (Bun.nanoseconds() - start) / n;
}

function run(inputs: MatchInput[], n: number): number {
  let best = Infinity;
  for (let k = 0; k < ROUNDS; k++) best = Math.min(best, round(inputs, n));
  return best;
}

console.log(`router: ${ROUTES} routes, best of ${ROUNDS} rounds of ${ITERATIONS.toLocaleString()} matches per shape`);
for (const [, inputs] of shapes) round(inputs, 100_000);
for (const [name, inputs] of shapes) console.log(`${name.padEnd(14)} ${run(inputs, ITERATIONS).toFixed(0).padStart(5)} ns/match`);
const mixed = shapes.flatMap(([, inputs]) => inputs.slice(0, 10)).slice(0, 64);
console.log(`${"mixed".padEnd(14)} ${run(mixed, ITERATIONS).toFixed(0).padStart(5)} ns/match`);
if (sink === 42) console.log("");
