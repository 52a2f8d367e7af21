/**
 * Tiny policy kinds for tests: `stamp` (stack) and `only_one` (override)
 * add `x-policy-trail: <policy name>` to the response and can be told to
 * answer 418 themselves, so a test can see both the order policies
 * ran in and which ones applied.
 */
import { z } from "zod";
import type { PolicyKind } from "../../src/policies/kind.ts";

export const StampConfig = z.strictObject({
  limit: z.number().int().min(1).default(10),
  block: z.boolean().default(false),
});

/** Every built instance, by policy name, so tests can count builds. */
export const built: string[] = [];

function stampKind(kind: string, combine: "stack" | "override"): PolicyKind<typeof StampConfig> {
  return {
    kind,
    description: `test kind (${combine})`,
    schema: StampConfig,
    combine,
    build(config, ctx) {
      built.push(ctx.name);
      return {
        name: ctx.name,
        onRequest() {
          return config.block ? new Response(`blocked by ${ctx.name}`, { status: 418 }) : undefined;
        },
        onResponse(_rc, headers) {
          headers.append("x-policy-trail", ctx.name);
        },
      };
    },
  };
}

export const STAMP = stampKind("stamp", "stack");
export const ONLY_ONE = stampKind("only_one", "override");
