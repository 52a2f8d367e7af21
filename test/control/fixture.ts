import { createAdminHandler } from "../../src/control/handler.ts";
import type { SecretBox } from "../../src/core/secrets.ts";
import type { Store } from "../../src/store/store.ts";

export const TOKEN = "test-admin-token-0123456789";

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Test code inspects arbitrary JSON; a loose type keeps the assertions readable.
  body: any;
}

export interface AdminServer {
  url: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** The admin handler on a real socket, as `waygate serve` mounts it. */
export function startAdmin(store: Store, health: () => unknown[] = () => [], secrets?: SecretBox): AdminServer {
  const handler = createAdminHandler({ store, adminToken: TOKEN, health, ...(secrets ? { secrets } : {}) });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
    },
    async stop() {
      await server.stop(true);
    },
  };
}
