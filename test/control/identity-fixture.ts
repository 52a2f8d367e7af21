/**
 * The admin API on a real socket with users: one request helper per
 * credential (admin token, session, access token), and shortcuts to create
 * users, log in and grant team roles through the API itself.
 */
import { type AdminHandlerOptions, createAdminHandler } from "../../src/control/handler.ts";
import type { Store } from "../../src/store/store.ts";
import { type ApiResponse, TOKEN } from "./fixture.ts";

export const PASSWORD = "correct horse battery staple";

export interface IdentityServer {
  url: string;
  /** A request with `credential` as the bearer token (the admin token by default; null: none). */
  call(method: string, path: string, body?: unknown, credential?: string | null, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Creates a user with PASSWORD and the system role; returns its id. */
  user(username: string, role?: string): Promise<string>;
  /** Logs in and returns the session token. */
  login(username: string, password?: string): Promise<string>;
  /** Grants `role` in `team` to the user. */
  grant(user: string, team: string, role: string): Promise<void>;
  /** Moves the handler's clock. */
  advance(seconds: number): void;
  stop(): Promise<void>;
}

export function startIdentityAdmin(store: Store, extra: Partial<AdminHandlerOptions> = {}): IdentityServer {
  let offsetMs = 0;
  const handler = createAdminHandler({ store, adminToken: TOKEN, now: () => new Date(Date.now() + offsetMs), ...extra });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, srv) => handler(req, srv.requestIP(req)?.address) });
  const url = `http://127.0.0.1:${server.port}`;

  async function call(method: string, path: string, body?: unknown, credential: string | null = TOKEN, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const all: Record<string, string> = { ...headers };
    if (credential !== null) all.authorization = `Bearer ${credential}`;
    const init: RequestInit = { method, headers: all };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      all["content-type"] ??= "application/json";
    }
    const res = await fetch(url + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
  }

  function expectStatus(res: ApiResponse, status: number, what: string): void {
    if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }

  return {
    url,
    call,
    async user(username, role = "member") {
      const res = await call("POST", "/admin/users", { username, password: PASSWORD, role });
      expectStatus(res, 201, `create user ${username}`);
      return res.body.id as string;
    },
    async login(username, password = PASSWORD) {
      const res = await call("POST", "/admin/login", { username, password }, null);
      expectStatus(res, 200, `login ${username}`);
      return res.body.token as string;
    },
    async grant(user, team, role) {
      const res = await call("POST", "/admin/memberships", { user_id: user, team_id: team, role });
      expectStatus(res, 201, `grant ${role} in ${team} to ${user}`);
    },
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
    async stop() {
      await server.stop(true);
    },
  };
}
