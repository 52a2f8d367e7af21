import { z } from "zod";
import { parseCidr } from "../../net/cidr.ts";

// Each entry is checked on its own so an invalid one is reported with its index (e.g. `allow.2`).
const cidrList = z.array(
  z.string().refine((s) => parseCidr(s) !== undefined, { message: "not a valid IPv4/IPv6 address or CIDR range" }),
);

export const ipRulesSchema = z
  .object({
    allow: cidrList.optional(),
    deny: cidrList.optional(),
    /** Peers whose X-Forwarded-For is believed; the client is the nearest untrusted hop. */
    trusted_proxies: cidrList.optional(),
  })
  .strict()
  .refine((c) => (c.allow?.length ?? 0) + (c.deny?.length ?? 0) > 0, { message: "an ip_rules policy needs an allow or a deny list" });

export type IpRulesConfig = z.output<typeof ipRulesSchema>;
