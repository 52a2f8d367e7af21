/** The AI benchmark's report as Markdown, for the terminal and docs/benchmarks.md alike. */
import type { Machine } from "../../lib/machine.ts";
import type { AiParams } from "./results.ts";
import { AI_LABELS, type AiSummary, LOOP_LATE_MS, type StreamFigures } from "./summary.ts";

/** Below this share of its core a proxy was waiting on the load side, not working. */
const LOAD_BOUND = 0.8;


const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const ms = (n: number | undefined, digits = 2): string => (n === undefined ? "–" : `${n.toFixed(digits)} ms`);
const opt = (n: number | undefined, f: (n: number) => string): string => (n === undefined ? "–" : f(n));
const pct = (n: number): string => `${Math.round(n * 100)}%`;

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

export function renderAi(s: AiSummary, machine: Machine, p: AiParams, skipped: Record<string, string>, notes: string[] = []): string {
  const v = machine.versions;
  const out: string[] = [];
  out.push(`## AI gateway results (${machine.date})`);
  out.push("");
  out.push(`- Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGiB} GiB, Linux ${machine.kernel}`);
  out.push(`- Busy before the run, from other processes: ${p.busy_before}`);
  if (p.busy_before_max_pct > 10) out.push("- **Other processes kept the machine busy during this run: every number here is low and noisy by an unknown amount.**");
  out.push(
    `- Versions: Waygate ${v.waygate} (commit ${v.commit}), Bun ${v.bun}, nginx ${v.nginx}, wrk ${v.wrk}, ` +
      `@portkey-ai/gateway ${p.portkey_version} on Node ${p.node_version}`,
  );
  out.push(`- Cores: proxy under test on CPU ${p.proxy_cpu}; the provider simulator, wrk and the stream client on CPU ${p.load_cpus}`);
  out.push(`- Throughput: \`wrk -t${p.threads} -c${p.connections} -d${p.duration_s}s --latency\` after ${p.warmup_s} s of warm-up, a non-streaming chat completion per request`);
  out.push(
    `- Streams: ${int(p.streams)} streaming chat completions, one per connection, started at ${int(p.stream_rate)}/s; ` +
      `the simulator waits ${int(p.event_ms)} ms before each event, so each stream stays open about ${p.hold_s} s; open files limit ${int(p.nofile)}`,
  );
  for (const n of notes) out.push(`- ${n}`);
  out.push("");
  out.push("### Non-streaming chat completions (wrk, closed loop)");
  out.push("");
  out.push(
    table(
      ["target", "req/s", "p50", "p99", "non-2xx", "socket errors", "proxy CPU", "req/s per busy core", `CPU ${p.proxy_cpu} busy (all)`, "max RSS"],
      s.rows.map((r) => [
        r.label,
        int(r.rps),
        ms(r.p50Ms),
        ms(r.p99Ms),
        int(r.non2xx),
        int(r.socketErrors),
        opt(r.proxyCores, pct),
        opt(r.rpsPerProxyCore, int),
        opt(r.proxyCpuBusyPct, (x) => `${x}%`),
        opt(r.rssMaxMb, (m) => `${m.toFixed(1)} MB`),
      ]),
    ),
  );
  out.push("");
  for (const r of s.ratios) {
    out.push(`- ${AI_LABELS[r.of]} / ${AI_LABELS[r.to]}: **${r.rps.toFixed(2)}×** req/s` + opt(r.perCore, (x) => ` (**${x.toFixed(2)}×** per busy core)`));
  }
  for (const r of s.rows) {
    if (r.proxyCores !== undefined && r.proxyCores < LOAD_BOUND) {
      out.push(
        `- ${r.label} used ${pct(r.proxyCores)} of its core: the load side (simulator and wrk on CPU ${p.load_cpus}) held it back, ` +
          "so its req/s per busy core is an extrapolation that assumes it would scale to a full core",
      );
    }
  }
  for (const [name, why] of Object.entries(skipped)) out.push(`- ${name} not measured: ${why}`);

  const st = s.streams;
  out.push("");
  out.push("### Streaming");
  out.push("");
  const runs: Array<[string, StreamFigures]> = st.waygate ? [["through Waygate", st.waygate]] : [];
  if (runs.length === 0) {
    out.push("Not measured.");
  } else {
    const mb = (m: number) => `${m.toFixed(1)} MB`;
    out.push(
      table(
        ["", "time to first token p50", "p99", "added p50", "added p99", "open at once", "failed", "unanswered at the end", "RSS before → open", "per open stream", "Waygate CPU", `event loop > ${LOOP_LATE_MS} ms late`, "worst delay"],
        [
          ["direct to the simulator", ms(st.direct?.ttftP50Ms, 1), ms(st.direct?.ttftP99Ms, 1), "–", "–", "–", opt(st.direct?.failed, int), "–", "–", "–", "–", "–", "–"],
          ...runs.map(([label, f]) => [
            label,
            ms(f.ttftP50Ms, 1),
            ms(f.ttftP99Ms, 1),
            ms(f.addedP50Ms, 1),
            ms(f.addedP99Ms, 1),
            `${int(f.peakOpen)} of ${int(f.streams)}`,
            int(f.failed),
            int(f.unfinished),
            f.rssBeforeMb !== undefined && f.rssOpenMb !== undefined ? `${mb(f.rssBeforeMb)} → ${mb(f.rssOpenMb)}` : "–",
            opt(f.kbPerStream, (k) => `${k.toFixed(1)} kB`),
            opt(f.cores, pct),
            opt(f.loopLate, (n) => `${int(n)} times`),
            opt(f.loopWorstMs, (b) => (Number.isFinite(b) ? `≤ ${int(b)} ms` : "over 30 s")),
          ]),
        ],
      ),
    );
  }

  out.push("");
  out.push("### Against the targets");
  out.push("");
  for (const x of s.verdicts) {
    const mark = x.met === undefined ? "not measured" : x.met ? "met" : "**not met**";
    out.push(`- ${x.what}: ${x.value} (target ${x.target}): ${mark}` + (x.caveat ? `; unreliable: ${x.caveat}` : ""));
  }
  out.push(`- Memory per open stream through Waygate: ${opt(st.waygate?.kbPerStream, (k) => `${k.toFixed(1)} kB`)} (reported, no target)`);

  const checks: string[] = [];
  for (const r of s.rows) {
    if (r.probe) checks.push(`${r.label}: probe ${r.probe.ok ? "ok" : "**failed**"} (${r.probe.detail})`);
    if (r.callLog) {
      const c = r.callLog;
      checks.push(
        `${r.label}: call log has ${int(c.rows)} calls, ${int(c.rows_with_tokens)} with token counts (${int(c.input_tokens)} in, ${int(c.output_tokens)} out) ` +
          `and ${int(c.rows_with_cost)} with a cost (total $${c.cost_usd.toFixed(4)})`,
      );
    }
  }
  if (checks.length > 0) {
    out.push("");
    for (const c of checks) out.push(`- ${c}`);
  }
  return out.join("\n") + "\n";
}
