/**
 * Which fault, if any, applies to a request. In order:
 * 1. the first entry of `ctl.faults` whose provider is unset or this
 *    provider (it is consumed);
 * 2. `ctl.always.get(provider)`;
 * 3. the first `[[mock:...]]` marker in the last user message text that is
 *    not scoped to another provider.
 *
 * Marker syntax: `[[mock:<fault>(,<key>=<value>)*]]`, e.g. `[[mock:status=500]]`,
 * `[[mock:status=429,retry_after=2]]`, `[[mock:timeout]]`, `[[mock:reset]]`,
 * `[[mock:midstream=3]]`, `[[mock:latency=200,per_event=20]]`,
 * `[[mock:context_length]]`, `[[mock:content_filter]]`; any marker takes
 * `provider=<name>` to fire only on that provider (so a fallback target answers).
 */
import type { MockControl, MockFault } from "../types.ts";

export type ScopedFault = MockFault & { provider?: string };

export function selectFault(ctl: MockControl, provider: string, lastUserText: string): MockFault | undefined {
  const i = ctl.faults.findIndex((f) => f.provider === undefined || f.provider === provider);
  if (i >= 0) {
    const [queued] = ctl.faults.splice(i, 1);
    if (queued) return withoutScope(queued);
  }
  const always = ctl.always.get(provider);
  if (always) return always;
  const marked = parseFaultMarkers(lastUserText).find((f) => f.provider === undefined || f.provider === provider);
  return marked ? withoutScope(marked) : undefined;
}

const MARKER = /\[\[mock:([^\]]*)\]\]/g;

/** Every well-formed marker in the text, in order; malformed ones are ignored. */
export function parseFaultMarkers(text: string): ScopedFault[] {
  const out: ScopedFault[] = [];
  for (const m of text.matchAll(MARKER)) {
    const fault = parseMarker(m[1] ?? "");
    if (fault) out.push(fault);
  }
  return out;
}

function parseMarker(body: string): ScopedFault | undefined {
  const entries = body.split(",").map((kv) => {
    const eq = kv.indexOf("=");
    return eq < 0 ? [kv.trim(), ""] : [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()];
  });
  const [head, ...rest] = entries;
  if (!head) return undefined;
  const opts = new Map(rest.map(([k, v]) => [k ?? "", v ?? ""]));
  const fault = buildFault(head[0] ?? "", head[1] ?? "", opts);
  const provider = opts.get("provider");
  return fault && provider ? { ...fault, provider } : fault;
}

function buildFault(kind: string, value: string, opts: Map<string, string>): MockFault | undefined {
  const num = (v: string | undefined) => (v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
  switch (kind) {
    case "status": {
      const status = num(value);
      if (status === undefined || status < 400 || status > 599) return undefined;
      const retry = num(opts.get("retry_after"));
      return retry === undefined ? { kind: "status", status } : { kind: "status", status, retryAfterSeconds: retry };
    }
    case "midstream": {
      const afterEvents = num(value);
      return afterEvents === undefined ? undefined : { kind: "midstream", afterEvents };
    }
    case "latency": {
      const ms = num(value);
      if (ms === undefined) return undefined;
      const perEventMs = num(opts.get("per_event"));
      return perEventMs === undefined ? { kind: "latency", ms } : { kind: "latency", ms, perEventMs };
    }
    case "timeout":
    case "reset":
    case "context_length":
    case "content_filter":
      return { kind };
    default:
      return undefined;
  }
}

function withoutScope(f: ScopedFault): MockFault {
  const { provider: _provider, ...fault } = f;
  return fault as MockFault;
}
