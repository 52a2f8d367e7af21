/**
 * Turns zod issues into one DialectParseError a client can act on: the
 * dotted path of the offending parameter and a message naming it. Unions
 * (string-or-parts content, role-discriminated messages) report the branch
 * that got furthest, so a bad image URL deep in a content array is reported
 * at `messages.1.content.0.image_url.url`, not as "invalid input" on the
 * whole message.
 */
import type { z } from "zod";
import type { DialectParseError, ParsedChat } from "../../dialect.ts";
import type { ChatRequest } from "../../types.ts";

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

function joinPath(path: readonly PathKey[]): string {
  return path.map((p) => String(p)).join(".");
}

/** The most specific issue inside a union: the branch whose issue path is deepest. */
function deepest(issue: Issue, prefix: readonly PathKey[]): { issue: Issue; path: PathKey[] } {
  const here = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path: here };
  let best: { issue: Issue; path: PathKey[] } | undefined;
  const expectedTypes: string[] = [];
  let allShallowTypeErrors = true;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const candidate = deepest(first, here);
    if (!(first.code === "invalid_type" && first.path.length === 0)) allShallowTypeErrors = false;
    else expectedTypes.push(first.expected);
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  if (allShallowTypeErrors && expectedTypes.length > 0) {
    const synthetic: Issue = {
      code: "custom",
      path: [],
      message: `expected ${[...new Set(expectedTypes)].join(" or ")}`,
      input: undefined,
    };
    return { issue: synthetic, path: here };
  }
  return best ?? { issue, path: here };
}

function describe(issue: Issue): string {
  if (issue.code === "invalid_union" && "note" in issue && issue.note === "No matching discriminator") {
    const options = (issue as { options?: unknown[] }).options ?? [];
    return `must be one of ${options.map((o) => `'${String(o)}'`).join(", ")}`;
  }
  if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
  // zod words a missing field as a type error against `undefined`.
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return "is required";
  const text = issue.message.replace(/^Invalid input: /, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function issueToParseError(issues: readonly Issue[]): DialectParseError {
  const first = issues[0];
  if (!first) return { param: "", message: "Invalid request body" };
  const { issue, path } = deepest(first, []);
  const param = joinPath(path);
  const text = describe(issue);
  return { param, message: param ? `Invalid value for '${param}': ${text}` : `Invalid request body: ${text}` };
}

/** A parse error raised by hand during mapping (after zod accepted the shape). */
export class MappingError extends Error {
  readonly param: string;
  constructor(param: string, message: string) {
    super(message);
    this.param = param;
  }
}

export function mappingErrorToParseError(e: MappingError): DialectParseError {
  return { param: e.param, message: e.message };
}

/** Validates a body with a dialect's schema and maps it; both kinds of failure become a DialectParseError. */
export function parseBody<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly Issue[] } } },
  toRequest: (body: T) => ChatRequest,
  body: unknown,
): ParsedChat {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, error: issueToParseError(parsed.error.issues) };
  try {
    return { ok: true, request: toRequest(parsed.data) };
  } catch (e) {
    if (e instanceof MappingError) return { ok: false, error: mappingErrorToParseError(e) };
    throw e;
  }
}
