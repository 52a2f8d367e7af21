/**
 * The AI fixture (gateway + provider simulator) set up for token limits and
 * budgets: a fake wall clock, a counter backend of the caller's choice, two
 * teams with applications and keys, and helpers to attach a policy and to
 * call the chat, messages and embeddings endpoints as raw HTTP.
 */
import { expect } from "bun:test";
import { FakeClock } from "../../src/core/clock.ts";
import { type AiFixture, startAiFixture } from "../ai/e2e/fixture.ts";
import { type CounterBackend, type TestCounters, memoryBackend, redisBackend, redisReachable, redisUnreachableMessage, warnRedisMissing } from "../counters/backends.ts";

/** Memory always; Redis when reachable (required under CI=true). */
export async function counterBackends(): Promise<CounterBackend[]> {
  if (await redisReachable()) return [memoryBackend, redisBackend];
  if (process.env.CI === "true") throw new Error(`${redisUnreachableMessage()}; CI must run the Redis quota tests`);
  warnRedisMissing();
  return [memoryBackend];
}

export interface Tenant {
  appId: string;
  teamId: string;
  key: string;
}

export interface QuotaFixture {
  f: AiFixture;
  clock: FakeClock;
  /** a1 and a2 in team t1, b1 in team t2. */
  tenants: { a1: Tenant; a2: Tenant; b1: Tenant };
  /** Attaches a policy to the AI service and waits until the gateway serves it. */
  policy(kind: string, config: Record<string, unknown>): Promise<AttachedPolicy>;
  chat(key: string, opts?: ChatOptions): Promise<Response>;
  messages(key: string, opts?: { content?: string }): Promise<Response>;
  embeddings(key: string, input: string): Promise<Response>;
  stop(): Promise<void>;
}

export interface AttachedPolicy {
  id: string;
  remove(): Promise<void>;
}

export interface ChatOptions {
  model?: string;
  content?: string;
  stream?: boolean;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

let seq = 0;

export async function startQuotaFixture(backend: CounterBackend, startMs: number): Promise<QuotaFixture> {
  const counters: TestCounters = await backend.fresh();
  const clock = new FakeClock(startMs);
  const f = await startAiFixture({ counters: counters.store, clock });
  const g = f.g;
  const svc = await g.store.getByName("services", "ai");
  if (!svc) throw new Error("the AI fixture has no service named ai");
  const t1 = await g.create("teams", { name: "quota-t1" });
  const t2 = await g.create("teams", { name: "quota-t2" });
  const tenant = async (name: string, teamId: string): Promise<Tenant> => {
    const app = await g.create("applications", { name, team_id: teamId });
    await g.create("subscriptions", { application_id: app.id, service_id: svc.id });
    return { appId: app.id, teamId, key: (await g.apiKey(app.id)).key };
  };
  const tenants = { a1: await tenant("quota-a1", t1.id), a2: await tenant("quota-a2", t1.id), b1: await tenant("quota-b1", t2.id) };
  await g.synced();

  const post = (key: string, path: string, body: unknown) =>
    fetch(`${f.baseURL}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  return {
    f,
    clock,
    tenants,
    async policy(kind, config) {
      const p = await g.create("policies", { name: `${kind}-${++seq}`, kind, scope: "service", service_id: svc.id, config });
      await g.synced();
      return {
        id: p.id,
        async remove() {
          await g.store.delete("policies", p.id);
          await g.synced();
        },
      };
    },
    chat(key, opts = {}) {
      return post(key, "/chat/completions", {
        model: opts.model ?? "oa/gpt-4o-mini",
        messages: [{ role: "user", content: opts.content ?? "how many tokens is this?" }],
        ...(opts.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      });
    },
    messages(key, opts = {}) {
      return post(key, "/messages", { model: "an/claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: opts.content ?? "hello there" }] });
    },
    embeddings(key, input) {
      return post(key, "/embeddings", { model: "embed-default", input });
    },
    async stop() {
      await f.stop();
      await counters.dispose();
    },
  };
}

/** Usage of a successful OpenAI-format chat answer. */
export async function chatUsage(res: Response): Promise<OpenAIUsage> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { usage: OpenAIUsage };
  return body.usage;
}

/** Usage from the final chunk of a streamed OpenAI-format answer (include_usage), after reading it to the end. */
export async function streamUsage(res: Response): Promise<OpenAIUsage> {
  expect(res.status).toBe(200);
  const text = await res.text();
  const chunks = text
    .split("\n")
    .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
    .map((l) => JSON.parse(l.slice(6)) as { usage?: OpenAIUsage | null });
  const usage = chunks.findLast((c) => c.usage)?.usage;
  if (!usage) throw new Error(`no usage in the stream: ${text.slice(-300)}`);
  return usage;
}
