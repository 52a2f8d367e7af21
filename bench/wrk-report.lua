-- Writes wrk's summary as one JSON object to the file named by WRK_REPORT,
-- so the harness never has to parse wrk's human-readable units.
-- Latencies are in microseconds, duration in microseconds.
done = function(summary, latency, requests)
  local path = os.getenv("WRK_REPORT")
  if path == nil or path == "" then return end
  local e = summary.errors
  local f = assert(io.open(path, "w"))
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.2f,"stdev":%.2f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
  f:close()
end
