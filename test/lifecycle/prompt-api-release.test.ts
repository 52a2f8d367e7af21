/**
 * Prompt APIs are part of what a release freezes: an AI service released
 * with a prompt API keeps answering with the released template while the
 * live one is edited, until the next release is published.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { ApiResponse } from "../control/fixture.ts";
import { type IdentityServer, startIdentityAdmin } from "../control/identity-fixture.ts";
import { type PromptFixture, jsonOf, startPromptFixture } from "../prompt-apis/fixture.ts";

let fx: PromptFixture;
let admin: IdentityServer;

beforeAll(async () => {
  fx = await startPromptFixture();
  admin = startIdentityAdmin(fx.g.store);
});

afterAll(async () => {
  await admin.stop();
  await fx.stop();
});

async function api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const res = await admin.call(method, path, body);
  await fx.g.synced();
  return res;
}

async function output(): Promise<string> {
  const res = await fx.call("/greet", { text: "hello" });
  expect(res.status).toBe(200);
  return (await jsonOf(res)).output as string;
}

test("the released prompt API answers until the next release; the diff names the template change", async () => {
  const created = await fx.publish({ name: "greet", messages: [{ role: "user", content: "Say: {{text}}" }] });
  const r1 = await api("POST", "/admin/releases", { service_id: "ai", version: "1.0.0", publish: true });
  expect(r1.status).toBe(201);
  expect(r1.body.content.prompt_apis.map((p: { name: string }) => p.name)).toEqual(["greet"]);
  expect(await output()).toEndWith("| Say: hello");

  const edited = await api("PATCH", `/admin/prompt_apis/${created.id}`, { messages: [{ role: "user", content: "Shout: {{text}}" }] });
  expect(edited.status).toBe(200);
  expect(await output()).toEndWith("| Say: hello");

  const r2 = await api("POST", "/admin/releases", { service_id: "ai", version: "1.1.0", publish: true });
  expect(r2.body.status).toBe("published");
  expect(await output()).toEndWith("| Shout: hello");

  const diff = await api("GET", `/admin/releases/${r2.body.id}/diff`);
  expect(diff.body.changes.prompt_apis.changed).toEqual([
    { id: created.id, name: "greet", changes: [{ path: "messages.0.content", before: "Say: {{text}}", after: "Shout: {{text}}" }] },
  ]);
});
