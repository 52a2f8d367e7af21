import { expect, test } from "bun:test";
import { emptyRecord } from "../../src/telemetry/call-record.ts";
import { Metrics } from "../../src/telemetry/metrics.ts";

test("renders counters, cumulative histograms and registered gauges in Prometheus text format", () => {
  const m = new Metrics();
  for (const [status, ms] of [[200, 3], [200, 40], [503, 1]] as const) {
    const r = emptyRecord("x", 0, "GET", "h", "/", "ip");
    r.service_id = 'svc"1';
    r.status = status;
    r.error_code = status === 503 ? "no_healthy_upstream" : null;
    r.total_ms = ms;
    r.gateway_ms = 0.2;
    m.observe(r);
  }
  m.register({ name: "waygate_target_available", help: "h", type: "gauge", samples: () => [{ labels: { target: "http://a" }, value: 1 }] });
  const text = m.render();
  expect(text).toContain('waygate_requests_total{service="svc\\"1",status="200",code=""} 2');
  expect(text).toContain('waygate_requests_total{service="svc\\"1",status="503",code="no_healthy_upstream"} 1');
  expect(text).toContain('waygate_request_duration_ms_bucket{service="svc\\"1",le="1"} 1');
  expect(text).toContain('waygate_request_duration_ms_bucket{service="svc\\"1",le="5"} 2');
  expect(text).toContain('waygate_request_duration_ms_bucket{service="svc\\"1",le="+Inf"} 3');
  expect(text).toContain('waygate_request_duration_ms_count{service="svc\\"1"} 3');
  expect(text).toContain("waygate_gateway_overhead_ms_count 3");
  expect(text).toContain('waygate_target_available{target="http://a"} 1');
  expect(text).toContain("# TYPE waygate_target_available gauge");
});
