/**
 * fetch() has no connect timeout of its own, and it pools connections, so
 * we cannot see when a connection is established. A target that has not
 * answered recently gets a plain TCP dial first, bounded by connect_ms: a
 * black-holed host then fails in connect_ms, not after the whole
 * time-to-first-byte budget. Warm targets (the common case under load) skip
 * the dial entirely.
 */
const WARM_MS = 2_000;
const lastGood = new Map<string, number>();

export interface ConnectError {
  kind: "connect_failure" | "timeout";
  message: string;
}

export function markReachable(origin: string, now = performance.now()): void {
  lastGood.set(origin, now);
}

function hostPort(origin: string): { host: string; port: number } {
  const u = new URL(origin);
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port };
}

/** Undefined (synchronously, the hot path) for a warm origin; otherwise the dial's outcome. */
export function ensureConnectable(origin: string, timeoutMs: number, signal: AbortSignal): Promise<ConnectError | undefined> | undefined {
  const seen = lastGood.get(origin);
  if (seen !== undefined && performance.now() - seen < WARM_MS) return undefined;
  return dial(origin, timeoutMs, signal);
}

function dial(origin: string, timeoutMs: number, signal: AbortSignal): Promise<ConnectError | undefined> {
  const { host, port } = hostPort(origin);
  return new Promise<ConnectError | undefined>((resolve) => {
    let done = false;
    let socket: { end(): void } | undefined;
    const finish = (err: ConnectError | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket?.end();
      if (!err) markReachable(origin);
      resolve(err);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => finish({ kind: "timeout", message: `connect to ${host}:${port} timed out after ${timeoutMs} ms` }), timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    Bun.connect({
      hostname: host,
      port,
      socket: { data() {}, open() {}, error() {}, close() {} },
    }).then(
      (s) => {
        socket = s;
        if (done) s.end();
        else finish(undefined);
      },
      (err: unknown) => finish({ kind: "connect_failure", message: err instanceof Error ? err.message : String(err) }),
    );
  });
}
