/**
 * Prometheus metrics. Request counters and latency histograms are updated
 * per call (cheap: a map lookup and a few increments); gauges about targets
 * and queues are read at scrape time from their owners.
 */
import type { CallRecord } from "./call-record.ts";

const BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

export class Histogram {
  readonly counts = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  sum = 0;
  observe(v: number): void {
    let i = 0;
    while (i < BUCKETS_MS.length && v > BUCKETS_MS[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
  }
}

export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

export interface GaugeSource {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples(): GaugeSample[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

export interface HistogramSource {
  name: string;
  help: string;
  histogram: Histogram;
}

export class Metrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Histogram>();
  private overhead = new Histogram();
  private sources: GaugeSource[] = [];
  private histograms: HistogramSource[] = [];

  register(source: GaugeSource): void {
    this.sources.push(source);
  }

  registerHistogram(source: HistogramSource): void {
    this.histograms.push(source);
  }

  observe(r: CallRecord): void {
    const service = r.service_id ?? "";
    const key = `${service}\u0000${r.status}\u0000${r.error_code ?? ""}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(service);
    if (!h) this.latency.set(service, (h = new Histogram()));
    h.observe(r.total_ms);
    this.overhead.observe(r.gateway_ms);
  }

  render(): string {
    const out: string[] = [];
    out.push("# HELP waygate_requests_total Requests handled by the gateway.", "# TYPE waygate_requests_total counter");
    for (const [key, n] of this.requests) {
      const [service, status, code] = key.split("\u0000");
      out.push(`waygate_requests_total${labelText({ service: service ?? "", status: status ?? "", code: code ?? "" })} ${n}`);
    }
    out.push("# HELP waygate_request_duration_ms Total request latency in milliseconds.", "# TYPE waygate_request_duration_ms histogram");
    for (const [service, h] of this.latency) renderHistogram(out, "waygate_request_duration_ms", { service }, h);
    out.push("# HELP waygate_gateway_overhead_ms Time spent in the gateway itself, excluding upstream time.", "# TYPE waygate_gateway_overhead_ms histogram");
    renderHistogram(out, "waygate_gateway_overhead_ms", {}, this.overhead);
    for (const s of this.sources) {
      out.push(`# HELP ${s.name} ${s.help}`, `# TYPE ${s.name} ${s.type}`);
      for (const sample of s.samples()) out.push(`${s.name}${labelText(sample.labels)} ${sample.value}`);
    }
    for (const h of this.histograms) {
      out.push(`# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`);
      renderHistogram(out, h.name, {}, h.histogram);
    }
    return `${out.join("\n")}\n`;
  }
}

function renderHistogram(out: string[], name: string, labels: Record<string, string>, h: Histogram): void {
  let cumulative = 0;
  for (let i = 0; i < BUCKETS_MS.length; i++) {
    cumulative += h.counts[i]!;
    out.push(`${name}_bucket${labelText({ ...labels, le: String(BUCKETS_MS[i]) })} ${cumulative}`);
  }
  cumulative += h.counts[BUCKETS_MS.length]!;
  out.push(`${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${cumulative}`);
  out.push(`${name}_sum${labelText(labels)} ${h.sum}`);
  out.push(`${name}_count${labelText(labels)} ${cumulative}`);
}
