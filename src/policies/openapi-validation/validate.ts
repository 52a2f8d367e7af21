/**
 * One request against its operation: every parameter location and the body
 * are checked, and every failure is collected, so the client learns all of
 * what is wrong at once. Only the body's copy is parsed; the bytes sent on
 * stay exactly those the client sent.
 */
import type { FieldIssue } from "../../core/errors.ts";
import { WaygateError } from "../../core/errors.ts";
import { bufferedBody } from "../../gateway/buffered-body.ts";
import type { RequestContext } from "../../gateway/context.ts";
import type { CompiledMedia, CompiledOperation } from "./compile.ts";
import { toIssues } from "./issues.ts";
import { essence, formatOf, pickMedia } from "./media.ts";
import { LOCATIONS, type Location, type RequestParts, parameterValue, parseCookies } from "./parameters.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function parameterIssues(op: CompiledOperation, parts: RequestParts): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const values: Record<Location, Record<string, unknown>> = { path: {}, query: {}, header: {}, cookie: {} };
  for (const p of op.parameters) {
    const v = parameterValue(p, parts);
    if ("invalid" in v) issues.push({ path: `${p.in}.${p.name}`, message: v.invalid });
    else if (v.value !== undefined) values[p.in][p.name] = v.value;
  }
  for (const loc of LOCATIONS) {
    const validate = op.validators[loc];
    if (validate && !validate(values[loc])) issues.push(...toIssues(loc, validate.errors, values[loc]));
  }
  return issues;
}

/** Whether the request carries a body at all, judged from its framing before anything is read. */
function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  if (length !== null) return length.trim() !== "0";
  return req.headers.has("transfer-encoding") || req.body !== null;
}

function formObject(text: string, arrays: ReadonlySet<string>): Record<string, unknown> {
  const params = new URLSearchParams(text);
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) out[key] = arrays.has(key) ? params.getAll(key) : params.get(key);
  return out;
}

function contentIssue(media: readonly CompiledMedia[], got: string | null): FieldIssue {
  const allowed = media.map((m) => m.mediaType).join(", ");
  return { path: "header.content-type", message: got === null ? `is required; use ${allowed}` : `'${essence(got)}' is not accepted; use ${allowed}` };
}

async function bodyIssues(ctx: RequestContext, op: CompiledOperation): Promise<FieldIssue[] | WaygateError> {
  const body = op.body;
  if (!body) return [];
  const contentType = ctx.req.headers.get("content-type");
  if (!hasBody(ctx.req) && ctx.body === undefined) return body.required ? [{ path: "body", message: "is required" }] : [];
  if (contentType === null) return [contentIssue(body.media, null)];
  const media = pickMedia(body.media, contentType);
  if (!media) return [contentIssue(body.media, contentType)];
  const format = formatOf(essence(contentType));
  const validator = format === "json" ? media.json : format === "form" ? media.form?.validate : undefined;
  if (!validator) return [];
  const bytes = await bufferedBody(ctx);
  if (bytes instanceof WaygateError) return bytes;
  if (bytes.byteLength === 0) return body.required ? [{ path: "body", message: "is required" }] : [];
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return [{ path: "body", message: "is not valid UTF-8" }];
  }
  let data: unknown;
  if (format === "json") {
    try {
      data = JSON.parse(text);
    } catch (err) {
      return [{ path: "body", message: `is not valid JSON: ${err instanceof Error ? err.message : String(err)}` }];
    }
  } else data = formObject(text, media.form?.arrays ?? new Set());
  return validator(data) ? [] : toIssues("body", validator.errors, data);
}

/** Every failing place of the request, or the body reader's refusal (413, 400) as is. */
export async function validateRequest(ctx: RequestContext, op: CompiledOperation, rawPath: Record<string, string>, query: URLSearchParams): Promise<FieldIssue[] | WaygateError> {
  const parts: RequestParts = { path: rawPath, query, headers: ctx.req.headers, cookies: parseCookies(ctx.req.headers.get("cookie")) };
  const issues = parameterIssues(op, parts);
  const fromBody = await bodyIssues(ctx, op);
  if (fromBody instanceof WaygateError) return fromBody;
  return [...issues, ...fromBody];
}
