/**
 * Header transforms. Request edits cannot touch the client's Request (its
 * headers are immutable), so they are recorded on the context: names to
 * leave out go to `dropHeaders`, values to send go to `extraHeaders`, and
 * the proxy applies both when it builds the upstream request. Response
 * edits change the client-bound headers in place. Overrides: only the most
 * specific scope's transform applies.
 */
import type { RequestContext } from "../../gateway/context.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy } from "../policy.ts";
import { type CompiledEdits, compileEdits } from "./compile.ts";
import { type HeadersConfig, headersSchema } from "./schema.ts";

function editRequest(ctx: RequestContext, e: CompiledEdits): void {
  const drop = (ctx.dropHeaders ??= new Set());
  let extra = (ctx.extraHeaders ??= []);
  for (const name of e.remove) drop.add(name);
  for (const [from, to] of e.rename) {
    // A header already dropped (removed above, or hidden by an earlier policy such as a credential) must not resurface under a new name.
    if (drop.has(from)) continue;
    const value = ctx.req.headers.get(from);
    if (value === null) continue;
    drop.add(from);
    drop.add(to);
    extra = ctx.extraHeaders = extra.filter(([n]) => n !== to);
    extra.push([to, value]);
  }
  for (const [name, value] of e.set) {
    drop.add(name);
    extra = ctx.extraHeaders = extra.filter(([n]) => n !== name);
    extra.push([name, value]);
  }
  for (const [name, value] of e.add) extra.push([name, value]);
}

function editResponse(headers: Headers, e: CompiledEdits): void {
  for (const name of e.remove) headers.delete(name);
  for (const [from, to] of e.rename) {
    const value = headers.get(from);
    if (value === null) continue;
    headers.delete(from);
    headers.set(to, value);
  }
  for (const [name, value] of e.set) headers.set(name, value);
  for (const [name, value] of e.add) headers.append(name, value);
}

function buildHeaders(config: HeadersConfig): Policy {
  const req = compileEdits(config.request);
  const res = compileEdits(config.response);
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = { name: "headers" };
  if (req) {
    policy.onRequest = (ctx) => {
      editRequest(ctx, req);
      return undefined;
    };
  }
  if (res) policy.onResponse = (_ctx, headers) => editResponse(headers, res);
  return policy;
}

export const kind: PolicyKind<typeof headersSchema> = {
  kind: "headers",
  description: "Add, set, remove or rename request headers (towards the upstream) and response headers (towards the client)",
  schema: headersSchema,
  combine: "override",
  build: (config) => buildHeaders(config),
};
