/** `waygate serve` with its call log: where it goes (--call-log), retention flags, and calls searchable through the admin API. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { POSTGRES_TEST_URL, postgresReachable, postgresUnreachableMessage, warnPostgresMissing } from "../store/backends.ts";
import { servedUrls } from "../support/serve.ts";

const dir = mkdtempSync(join(tmpdir(), "waygate-serve-calls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = join(import.meta.dir, "..", "..", "bin", "waygate");
const TOKEN = "c".repeat(32);

function serve(args: string[]) {
  return Bun.spawn([BIN, "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", dir, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, WAYGATE_ADMIN_TOKEN: TOKEN },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function searchable(admin: string, requestId: string): Promise<{ items: Array<{ request_id: string; status: number; error_code: string }> }> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await fetch(`${admin}/admin/calls?request_id=${requestId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<{ request_id: string; status: number; error_code: string }> };
    if (body.items.length > 0 || Date.now() > deadline) return body;
    await Bun.sleep(50);
  }
}

async function roundTrip(args: string[]): Promise<void> {
  const proc = serve(args);
  try {
    const { proxy, admin } = await servedUrls(proc);
    const res = await fetch(`${proxy}/nowhere`, { headers: { "x-request-id": "cli-call-log-1" } });
    expect(res.status).toBe(404);
    const found = await searchable(admin, "cli-call-log-1");
    expect(found.items.map((c) => [c.request_id, c.status, c.error_code])).toEqual([["cli-call-log-1", 404, "route_not_found"]]);
    const drops = await fetch(`${admin}/admin/calls/drops`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await drops.json()) as { records_dropped: { total: number } }).records_dropped.total).toBe(0);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    proc.kill();
  }
}

test("by default calls go to DATA_DIR/calls.db and are searchable at /admin/calls", async () => {
  await roundTrip(["--db", `sqlite:${join(dir, "a.db")}`, "--call-log-retention-days", "7"]);
});

test("bad call log settings stop the start with a clear message", async () => {
  for (const [args, message] of [
    [["--call-log", "mysql://db/calls"], "unsupported call log"],
    [["--call-log-retention-days", "0"], "--call-log-retention-days must be"],
  ] as const) {
    const proc = serve(["--db", `sqlite:${join(dir, "b.db")}`, ...args]);
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  }
});

if (await postgresReachable()) {
  test("--call-log store keeps calls in the configuration's PostgreSQL database", async () => {
    const schema = `wgt_${Math.floor(Date.now() / 1000)}_${crypto.randomUUID().slice(0, 8)}`;
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schema);
    try {
      await roundTrip(["--db", url.toString(), "--call-log", "store"]);
      const sql = postgres(POSTGRES_TEST_URL, { max: 1, onnotice: () => undefined });
      try {
        const rows = await sql.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${schema}".call_log WHERE request_id = 'cli-call-log-1'`);
        expect(rows[0]?.n).toBe(1);
      } finally {
        await sql.end({ timeout: 1 });
      }
    } finally {
      const sql = postgres(POSTGRES_TEST_URL, { max: 1, onnotice: () => undefined });
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.end({ timeout: 1 });
    }
  });
} else if (process.env.CI === "true") {
  test("PostgreSQL is reachable (required under CI)", () => {
    throw new Error(postgresUnreachableMessage());
  });
} else {
  warnPostgresMissing();
}
