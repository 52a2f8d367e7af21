/** `waygate serve` with analytics and tracing: flags, and what a running process writes and sends. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "waygate-serve-telemetry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("waygate serve refuses a bad --otlp-endpoint with a usage error", async () => {
  const proc = Bun.spawn([join(import.meta.dir, "..", "..", "bin", "waygate"), "serve", "--db", "sqlite::memory:", "--otlp-endpoint", "ftp://collector"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(2);
  expect(stderr).toContain("--otlp-endpoint: must be an http:// or https:// URL");
});

test("waygate serve rolls calls up into its database and exports spans; a shutdown flushes both", async () => {
  const spans: unknown[] = [];
  const collector = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
      spans.push(...body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
      return Response.json({});
    },
  });
  const db = join(dir, "serve.db");
  const proc = Bun.spawn(
    [join(import.meta.dir, "..", "..", "bin", "waygate"), "serve", "--db", `sqlite:${db}`, "--listen", "127.0.0.1:0", "--no-admin", "--no-call-log", "--data-dir", dir],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, WAYGATE_ADMIN_TOKEN: "t".repeat(32), WAYGATE_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}` },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  try {
    const reader = proc.stdout.getReader();
    let out = "";
    let url: string | undefined;
    while (!url) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`serve exited: ${out}`);
      out += new TextDecoder().decode(value);
      url = /proxy listening on (http:\/\/\S+)/.exec(out)?.[1];
    }
    const res = await fetch(`${url}/nowhere`);
    expect(res.status).toBe(404);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    proc.kill();
    await collector.stop(true);
  }
  const { Database } = await import("bun:sqlite");
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite.query("SELECT step, calls, errors_4xx, error_codes FROM analytics_rollups ORDER BY step").all() as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.step, r.calls, r.errors_4xx, r.error_codes])).toEqual([
      ["day", 1, 1, '{"route_not_found":1}'],
      ["hour", 1, 1, '{"route_not_found":1}'],
      ["minute", 1, 1, '{"route_not_found":1}'],
    ]);
  } finally {
    sqlite.close();
  }
  expect(spans).toHaveLength(1);
  expect(spans[0]).toMatchObject({ kind: 2, status: { code: 1 } });
});
