/**
 * A one-route HTTP server answering every request with a canned body, so
 * the official SDKs can be pointed at exactly what a dialect renders.
 */
export interface FakeServer {
  url: string;
  /** Bodies of the requests received, parsed as JSON. */
  requests: unknown[];
  reply(status: number, body: string, headers?: Record<string, string>): void;
  stop(): void;
}

export function startFakeServer(): FakeServer {
  let next = { status: 200, body: "{}", headers: {} as Record<string, string> };
  const requests: unknown[] = [];
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      const text = await req.text();
      requests.push(text ? JSON.parse(text) : null);
      return new Response(next.body, { status: next.status, headers: next.headers });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    reply(status, body, headers = {}) {
      next = { status, body, headers };
    },
    stop() {
      server.stop(true);
    },
  };
}

export const SSE_HEADERS = { "content-type": "text/event-stream" };
export const JSON_HEADERS = { "content-type": "application/json" };

/** The payloads of a rendered SSE text, as `{event, data}` pairs (data parsed unless `[DONE]`). */
export function sseFrames(text: string): Array<{ event: string | null; data: unknown }> {
  return text
    .split("\n\n")
    .filter((f) => f.length > 0)
    .map((frame) => {
      let event: string | null = null;
      const data: string[] = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      const joined = data.join("\n");
      return { event, data: joined === "[DONE]" ? joined : JSON.parse(joined) };
    });
}
