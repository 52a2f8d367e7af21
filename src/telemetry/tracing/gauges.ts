/** Prometheus counters of the OTLP exporter. */
import type { GaugeSource } from "../metrics.ts";
import type { OtlpExporter } from "./otlp-exporter.ts";

export function otlpGauges(exporter: OtlpExporter): GaugeSource[] {
  return [
    {
      name: "waygate_otlp_spans_exported_total",
      help: "Spans the OTLP collector accepted.",
      type: "counter",
      samples: () => [{ labels: {}, value: exporter.stats.exportedSpans }],
    },
    {
      name: "waygate_otlp_calls_dropped_total",
      help: "Calls whose spans were lost to a full export queue or a failing collector.",
      type: "counter",
      samples: () => [{ labels: {}, value: exporter.stats.droppedCalls }],
    },
  ];
}
