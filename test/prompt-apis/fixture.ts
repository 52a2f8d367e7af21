/**
 * The AI fixture (gateway + provider simulator) with its AI service also
 * mounted at `/ai`, and helpers to publish prompt APIs and call them.
 */
import { INPUT_SCHEMAS, type PromptApi } from "../../src/config/entities.ts";
import { type AiFixture, startAiFixture } from "../ai/e2e/fixture.ts";

export interface PromptFixture extends AiFixture {
  serviceId: string;
  /** Publishes a prompt API on the `ai` service (defaults: path /<name>, model oa/gpt-4o-mini, a `text` variable). */
  publish(input: Record<string, unknown> & { name: string }): Promise<PromptApi>;
  /** POSTs `body` to `/ai<path>` with the application key (or `key`; null: none). */
  call(path: string, body: unknown, opts?: { key?: string | null; query?: string; headers?: Record<string, string> }): Promise<Response>;
}

const TEXT_SCHEMA = { type: "object", properties: { text: { type: "string", minLength: 1 } }, required: ["text"], additionalProperties: false };

export async function startPromptFixture(): Promise<PromptFixture> {
  const fx = await startAiFixture();
  const service = await fx.g.store.getByName("services", "ai");
  if (!service) throw new Error("the AI fixture has no service ai");
  await fx.g.create("routes", { name: "ai-prompts", service_id: service.id, paths: ["/ai"] });
  await fx.g.synced();
  return {
    ...fx,
    serviceId: service.id,
    async publish(input) {
      const doc = INPUT_SCHEMAS.prompt_apis.parse({
        path: `/${input.name}`,
        model: "oa/gpt-4o-mini",
        messages: [{ role: "user", content: "{{text}}" }],
        input_schema: TEXT_SCHEMA,
        service_id: service.id,
        ...input,
      });
      const created = await fx.g.store.create("prompt_apis", doc as never);
      await fx.g.synced();
      return created;
    },
    call(path, body, opts = {}) {
      const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
      const key = opts.key === undefined ? fx.appKey : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      return fetch(`${fx.g.url}/ai${path}${opts.query ?? ""}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
    },
  };
}

/** A simulator marker making the model answer exactly `text` (sticky: also the follow-up turn). */
export function scripted(text: string, sticky = false): string {
  return `[[mock:reply=${Buffer.from(text).toString("base64url")}${sticky ? ",sticky" : ""}]]`;
}

/** The events of a prompt API stream, in order. */
export function parseEvents(text: string): Array<{ event: string; data: any }> {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null";
      return { event, data: JSON.parse(data) };
    });
}

/** A response's JSON; test code inspects arbitrary JSON, and a loose type keeps the assertions readable. */
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}
