/**
 * IP allow/deny lists. A deny match always wins; with an allow list, any
 * address not on it is refused. Instances stack: every attached list applies.
 */
import { WaygateError } from "../../core/errors.ts";
import { compileCidrs } from "../../net/cidr.ts";
import type { PolicyKind } from "../kind.ts";
import type { Policy, PolicyVerdict } from "../policy.ts";
import { clientAddress } from "./client-address.ts";
import { type IpRulesConfig, ipRulesSchema } from "./schema.ts";

function buildIpRules(config: IpRulesConfig): Policy {
  const allow = config.allow && config.allow.length > 0 ? compileCidrs(config.allow) : undefined;
  const deny = config.deny && config.deny.length > 0 ? compileCidrs(config.deny) : undefined;
  const trusted = config.trusted_proxies && config.trusted_proxies.length > 0 ? compileCidrs(config.trusted_proxies) : undefined;
  return {
    name: "ip_rules",
    onRequest(ctx): PolicyVerdict {
      const xff = trusted ? ctx.req.headers.get("x-forwarded-for") : null;
      const ip = clientAddress(ctx.clientIp, xff, trusted);
      if (!ip) return new WaygateError("ip_denied", "the client address could not be determined");
      if (deny?.has(ip)) return new WaygateError("ip_denied", "the client address is not allowed");
      if (allow && !allow.has(ip)) return new WaygateError("ip_denied", "the client address is not allowed");
      return undefined;
    },
  };
}

export const kind: PolicyKind<typeof ipRulesSchema> = {
  kind: "ip_rules",
  description: "Allow or deny clients by IPv4/IPv6 CIDR; X-Forwarded-For is believed only from trusted proxies",
  schema: ipRulesSchema,
  combine: "stack",
  build: (config) => buildIpRules(config),
};
