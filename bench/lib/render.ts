/** The report as Markdown: readable in a terminal and in docs/benchmarks.md alike. */
import type { Machine } from "./machine.ts";
import type { Params, TargetResult } from "./results.ts";
import { LABELS, type Summary } from "./summary.ts";

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const ms = (n: number | undefined, digits = 2): string => (n === undefined ? "–" : `${n.toFixed(digits)} ms`);
const opt = (n: number | undefined, f: (n: number) => string): string => (n === undefined ? "–" : f(n));

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

export function renderResults(summary: Summary, machine: Machine, params: Params, targets: TargetResult[]): string {
  const v = machine.versions;
  const out: string[] = [];
  out.push(`## Results (${machine.date})`);
  out.push("");
  out.push(`- Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGiB} GiB, Linux ${machine.kernel}`);
  out.push(`- Busy before the run, from other processes: ${params.busy_before}`);
  if (params.busy_before_max_pct > 10) {
    out.push(`- **Other processes kept the machine busy during this run: every number here is low and noisy by an unknown amount.**`);
  }
  out.push(`- Versions: Waygate ${v.waygate} (commit ${v.commit}), Bun ${v.bun}, nginx ${v.nginx}, wrk ${v.wrk}`);
  out.push(
    `- Cores: proxy under test on CPU ${params.proxy_cpu}; upstream nginx, wrk and the fixed-rate generator on CPU ${params.load_cpus}`,
  );
  out.push(
    `- Throughput: \`wrk -t${params.threads} -c${params.connections} -d${params.duration_s}s --latency\` after ${params.warmup_s} s of warm-up; ` +
      `latency: ${int(params.rate)} req/s open loop for ${params.fixed_duration_s} s, ${params.fixed_runs} run${params.fixed_runs === 1 ? "" : "s"} per target, medians shown`,
  );
  out.push("");
  out.push("### Throughput (wrk, closed loop)");
  out.push("");
  out.push(
    table(
      ["target", "req/s", "p50", "p99", "non-2xx", "socket errors", "proxy CPU", "req/s per busy core", `CPU ${params.proxy_cpu} busy (all)`],
      summary.rows.map((r) => [
        r.label,
        int(r.rps),
        ms(r.p50Ms),
        ms(r.p99Ms),
        int(r.non2xx),
        int(r.socketErrors),
        opt(r.proxyCores, (c) => `${Math.round(c * 100)}%`),
        opt(r.rpsPerProxyCore, int),
        opt(r.proxyCpuBusyPct, (p) => `${p}%`),
      ]),
    ),
  );
  if (summary.ratios.length + summary.vsBun.length > 0) {
    out.push("");
    for (const [base, ratios] of [["nginx", summary.ratios], ["the bare Bun proxy", summary.vsBun]] as const) {
      for (const r of ratios) {
        out.push(
          `- ${LABELS[r.name]} / ${base}: **${r.rps.toFixed(2)}×** req/s` +
            opt(r.rpsPerCore, (x) => ` (${x.toFixed(2)}× per busy core)`),
        );
      }
    }
  }
  out.push("");
  out.push(`### Latency at ${int(params.rate)} req/s (open loop)`);
  out.push("");
  out.push(
    table(
      ["target", "p50", "p99", "added p99 vs direct", "requests", "non-2xx", "errors", "proxy CPU", `CPU ${params.proxy_cpu} busy (all)`],
      summary.rows.map((r) => [
        r.label,
        ms(r.fixedP50Ms, 3),
        ms(r.fixedP99Ms, 3),
        r.name === "direct" ? "–" : ms(r.addedP99Ms, 3),
        int(r.fixedSent),
        int(r.fixedNon2xx),
        int(r.fixedErrors),
        opt(r.fixedProxyOwnPct, (p) => `${p}%`),
        opt(r.fixedCpuBusyPct, (p) => `${p}%`),
      ]),
    ),
  );
  const withMem = summary.rows.filter((r) => r.hwmMb !== undefined);
  if (withMem.length > 0) {
    out.push("");
    out.push("### Memory of the proxy");
    out.push("");
    out.push(
      table(
        ["target", "max RSS under load", "peak RSS (VmHWM)"],
        withMem.map((r) => [r.label, opt(r.rssMaxMb, (m) => `${m.toFixed(1)} MB`), opt(r.hwmMb, (m) => `${m.toFixed(1)} MB`)]),
      ),
    );
  }
  const notes = checkNotes(targets);
  out.push("");
  out.push("### Against the targets");
  out.push("");
  for (const v of summary.verdicts) {
    const mark = v.met === undefined ? "not measured" : v.met ? "met" : "**not met**";
    out.push(`- ${v.what}: ${v.value} (target ${v.target}): ${mark}` + (v.caveat ? `; unreliable: ${v.caveat}` : ""));
  }
  if (notes.length > 0) {
    out.push("");
    for (const n of notes) out.push(`- ${n}`);
  }
  return out.join("\n") + "\n";
}

/** Facts that tell whether a run measured what it claims: probes, call log, wrk's own error lines. */
function checkNotes(targets: TargetResult[]): string[] {
  const notes: string[] = [];
  for (const t of targets) {
    const label = LABELS[t.name];
    if (t.check) {
      const parts = Object.entries(t.check).map(([k, v]) => `${k.replaceAll("_", " ")} ${v}`);
      notes.push(`${label}: ${parts.join(", ")}`);
    }
    if (t.callLogBytes !== undefined) notes.push(`${label}: call log written, ${int(t.callLogBytes)} bytes`);
    for (const line of t.wrkText.split("\n")) {
      if (/Non-2xx|Socket errors/.test(line)) notes.push(`${label}: wrk reported "${line.trim()}"`);
    }
  }
  return notes;
}
