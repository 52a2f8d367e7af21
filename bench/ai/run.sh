# shellcheck shell=bash
# The AI gateway benchmark. Sourced by bench/run.sh (after the REST part, or
# alone with BENCH_ONLY=ai), whose helpers it uses: CPU pinning (PROXY_CPU,
# LOAD_CPUS), process tracking and cleanup (STARTED, stop_pid, the EXIT trap),
# CPU and memory readings (cpu_ticks, busy_pct, rss_kb, start_rss_sampler),
# wait_http and render_nginx.
#
# 1. Non-streaming chat completions, wrk closed loop, each target alone on
#    the proxy core with a fresh provider simulator on the load core:
#    the simulator itself (OpenAI and Anthropic formats), nginx forwarding
#    to its OpenAI endpoint, Waygate translating OpenAI → Anthropic with key
#    auth and the call log on, and Portkey's gateway doing the same
#    translation with its defaults.
# 2. Streams: BENCH_AI_STREAMS streaming completions held open at once,
#    direct to the simulator and through Waygate; time to first `data:` line
#    and Waygate's memory per open stream (bench/ai/streams.ts).
#
# Settings (environment):
#   BENCH_AI_TARGETS="sim-openai sim-anthropic nginx waygate portkey streams"
#   BENCH_AI_DURATION, BENCH_AI_WARMUP, BENCH_AI_CONNECTIONS   default to BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS
#   BENCH_AI_STREAMS=5000     streams held open at once
#   BENCH_AI_STREAM_RATE=1000 streams started per second
#   BENCH_AI_EVENT_MS=1000    simulator delay before each stream event
#   BENCH_AI_HOLD_S           how long each stream lasts (default: the ramp, four events and 3 s)
#   BENCH_AI_PORT_BASE=18091  simulator port; the next four are used too
#   BENCH_AI_PORTKEY_VERSION=1.15.2   @portkey-ai/gateway, installed with npm under .tmp/
#   BENCH_AI_NOTE             a line added to the report (e.g. why the run is unusual)
#   BENCH_AI_PROXY_CPU, BENCH_AI_LOAD_CPUS   default to the REST part's cores (CPU 0; the others)

declare -F stop_pid >/dev/null || { echo "bench/ai/run.sh is part of bench/run.sh: run BENCH_ONLY=ai npm run bench" >&2; exit 1; }

AI_TARGETS="${BENCH_AI_TARGETS:-sim-openai sim-anthropic nginx waygate portkey streams}"
AI_DURATION="${BENCH_AI_DURATION:-$DURATION}"
AI_WARMUP="${BENCH_AI_WARMUP:-$WARMUP}"
AI_CONNECTIONS="${BENCH_AI_CONNECTIONS:-$CONNECTIONS}"
AI_STREAMS="${BENCH_AI_STREAMS:-5000}"
AI_STREAM_RATE="${BENCH_AI_STREAM_RATE:-1000}"
AI_EVENT_MS="${BENCH_AI_EVENT_MS:-1000}"
# Long enough that the first stream is still open when the last shows its first
# token: the ramp, the four events before a first token, and 3 s to spare.
AI_HOLD_S="${BENCH_AI_HOLD_S:-$(((AI_STREAMS + AI_STREAM_RATE - 1) / AI_STREAM_RATE + (4 * AI_EVENT_MS + 999) / 1000 + 3))}"
AI_PORT_BASE="${BENCH_AI_PORT_BASE:-18091}"
PORTKEY_VERSION="${BENCH_AI_PORTKEY_VERSION:-1.15.2}"
AI_PROXY_CPU="${BENCH_AI_PROXY_CPU:-$PROXY_CPU}"
AI_LOAD_CPUS="${BENCH_AI_LOAD_CPUS:-$LOAD_CPUS}"
[[ "$AI_PROXY_CPU" =~ ^[0-9]+$ ]] || die "BENCH_AI_PROXY_CPU must be one CPU number"
# nginx's worker_cpu_affinity mask for that one CPU: a 1 followed by as many 0s.
AI_NGINX_AFFINITY="1$(printf '%*s' "$AI_PROXY_CPU" '' | tr ' ' 0)"

SIM_PORT="$AI_PORT_BASE"
AI_NGINX_PORT=$((AI_PORT_BASE + 1))
AI_WAYGATE_PORT=$((AI_PORT_BASE + 2))
AI_WAYGATE_ADMIN_PORT=$((AI_PORT_BASE + 3))
PORTKEY_PORT=$((AI_PORT_BASE + 4))
AI_RES="$RES/ai"
AI_DIR="$ROOT/bench/ai"
PORTKEY_DIR="$ROOT/.tmp/portkey-gateway"
PORTKEY_MAIN="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
mkdir -p "$AI_RES"

for p in "$SIM_PORT" "$AI_NGINX_PORT" "$AI_WAYGATE_PORT" "$AI_WAYGATE_ADMIN_PORT" "$PORTKEY_PORT"; do
  port_free "$p" || die "port $p is in use; set BENCH_AI_PORT_BASE"
done

# Each held stream is a client socket in the stream client and, through
# Waygate, a client and an upstream socket in Waygate.
AI_NOFILE_NEED=$((2 * AI_STREAMS + 1024))
if [ "$(ulimit -Hn)" = unlimited ]; then ulimit -n 1048576 2>/dev/null || true; else ulimit -n "$(ulimit -Hn)" 2>/dev/null || true; fi
AI_NOFILE="$(ulimit -n)"
[ "$AI_NOFILE" = unlimited ] && AI_NOFILE=1048576
[ "$AI_NOFILE" -ge "$AI_NOFILE_NEED" ] || log "warning: open files limit $AI_NOFILE is below the $AI_NOFILE_NEED that $AI_STREAMS streams need"

AI_KEY="bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
AI_PROVIDER_KEY="sk-ant-bench-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
CHAT_BODY="$AI_DIR/chat-body.json"
CHAT_BODY_ANTHROPIC="$AI_DIR/chat-body.anthropic.json"
PORTKEY_HEADERS=(-H "x-portkey-provider: anthropic" -H "x-portkey-custom-host: http://127.0.0.1:$SIM_PORT/anthropic/v1")

# ------------------------------------------------------------------ Portkey

# Installed into its own directory, never into the project's package.json.
install_portkey() {
  if [ -f "$PORTKEY_MAIN" ] && grep -q "\"version\": \"$PORTKEY_VERSION\"" "$PORTKEY_DIR/node_modules/@portkey-ai/gateway/package.json"; then return 0; fi
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are not installed"; return 1; }
  mkdir -p "$PORTKEY_DIR"
  echo '{"name":"portkey-gateway-bench","private":true}' >"$PORTKEY_DIR/package.json"
  log "installing @portkey-ai/gateway@$PORTKEY_VERSION with npm into $PORTKEY_DIR"
  # Its postinstall runs patch-package against patches it does not ship; the build runs without it.
  (cd "$PORTKEY_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "@portkey-ai/gateway@$PORTKEY_VERSION" >&2) ||
    { echo "npm install @portkey-ai/gateway@$PORTKEY_VERSION failed"; return 1; }
  [ -f "$PORTKEY_MAIN" ] || { echo "the package has no build/start-server.js"; return 1; }
}

# ------------------------------------------------------------------ processes

start_sim() { # -> SIM_PID; a fresh simulator, so requests it recorded for one target do not weigh on the next
  taskset -c "$AI_LOAD_CPUS" "$WAYGATE" mock-providers --listen "127.0.0.1:$SIM_PORT" >"$WORK/ai-sim.log" 2>&1 &
  SIM_PID=$!
  STARTED+=("$SIM_PID")
  wait_http "http://127.0.0.1:$SIM_PORT/" 404 15 || die "the provider simulator did not start (see $WORK/ai-sim.log)"
}

ai_start_waygate() { # name [VAR=value...] -> AI_WAYGATE_PID
  local name="$1"
  shift
  mkdir -p "$WORK/ai-data"
  rm -f "$WORK/ai-calls.db"*
  env "$@" WAYGATE_ADMIN_TOKEN="$ADMIN_TOKEN" WAYGATE_MASTER_KEY="$(head -c 32 /dev/urandom | base64)" \
    BENCH_KEY="$AI_KEY" BENCH_PROVIDER_KEY="$AI_PROVIDER_KEY" BENCH_SIM_PORT="$SIM_PORT" \
    taskset -c "$AI_PROXY_CPU" "$WAYGATE" serve --config "$AI_DIR/waygate-ai.yaml" --data-dir "$WORK/ai-data" \
    --listen "127.0.0.1:$AI_WAYGATE_PORT" --admin-listen "127.0.0.1:$AI_WAYGATE_ADMIN_PORT" --call-log "$WORK/ai-calls.db" \
    >"$WORK/ai-$name.log" 2>&1 &
  AI_WAYGATE_PID=$!
  STARTED+=("$AI_WAYGATE_PID")
  if ! wait_http "http://127.0.0.1:$AI_WAYGATE_ADMIN_PORT/readyz" 200 30; then
    tail -n 30 "$WORK/ai-$name.log" >&2
    die "Waygate ($name) was not ready within 30 s"
  fi
}

start_portkey() { # -> PORTKEY_PID
  # Its defaults, but for the port: `node build/start-server.js` as its bin does.
  (cd "$PORTKEY_DIR" && exec taskset -c "$AI_PROXY_CPU" node "$PORTKEY_MAIN" --port="$PORTKEY_PORT") >"$WORK/ai-portkey.log" 2>&1 &
  PORTKEY_PID=$!
  STARTED+=("$PORTKEY_PID")
  local code=000
  for _ in $(seq 1 150); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORTKEY_PORT/" 2>/dev/null || true)"
    [ "$code" != 000 ] && return 0
    sleep 0.1
  done
  tail -n 20 "$WORK/ai-portkey.log" >&2
  return 1
}

# ------------------------------------------------------------------ runs

# One request before the load, kept for the report: the answer must be an
# OpenAI chat.completion with usage.
ai_probe() { # name url body curl-args...
  local name="$1" url="$2" body="$3"
  shift 3
  curl -s -o "$AI_RES/$name.probe.body" -w '%{http_code}' -H "content-type: application/json" "$@" --data-binary "@$body" "$url" \
    >"$AI_RES/$name.probe.status" || echo 000 >"$AI_RES/$name.probe.status"
  log "$name: probe status $(cat "$AI_RES/$name.probe.status")"
}

# Warm-up, then the measured wrk run with the proxy's CPU time and memory.
# Proxy pid 0: no proxy, the simulator answers wrk itself.
ai_measure() { # name url body proxy-pid wrk-args...
  local name="$1" url="$2" body="$3" pid="$4" pids=() before after cpu_before busy
  shift 4
  log "$name: warm-up ${AI_WARMUP}s"
  WRK_REPORT="" WRK_REPORT_LUA="$ROOT/bench/wrk-report.lua" WRK_BODY="$body" taskset -c "$AI_LOAD_CPUS" \
    wrk -t"$THREADS" -c"$AI_CONNECTIONS" -d"${AI_WARMUP}s" -s "$AI_DIR/wrk-chat.lua" "$@" "$url" >/dev/null
  if [ "$pid" != 0 ]; then
    mapfile -t pids < <(tree_pids "$pid")
    start_rss_sampler "$pid" "$AI_RES/$name.rss-max-kb"
    before="$(cpu_ticks "${pids[@]}")"
  fi
  cpu_before="$(cpu_jiffies "$AI_PROXY_CPU")"
  log "$name: wrk -t$THREADS -c$AI_CONNECTIONS -d${AI_DURATION}s"
  WRK_REPORT="$AI_RES/$name.wrk.json" WRK_REPORT_LUA="$ROOT/bench/wrk-report.lua" WRK_BODY="$body" taskset -c "$AI_LOAD_CPUS" \
    wrk -t"$THREADS" -c"$AI_CONNECTIONS" -d"${AI_DURATION}s" --latency -s "$AI_DIR/wrk-chat.lua" "$@" "$url" >"$AI_RES/$name.wrk.txt"
  busy="$(busy_pct "$AI_PROXY_CPU" "$cpu_before")"
  after=0
  [ "$pid" != 0 ] && after="$(cpu_ticks "${pids[@]}")"
  printf '{"cpu_ticks":%d,"clk_tck":%d,"proxy_cpu_busy_pct":%d}\n' $((after - ${before:-0})) "$CLK_TCK" "$busy" >"$AI_RES/$name.cpu.json"
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$AI_RES/$name.wrk.txt" | sed "s/^/[bench] $name: /" >&2 || true
  if [ "$pid" != 0 ]; then
    mapfile -t pids < <(tree_pids "$pid")
    printf '{"vmhwm_kb":%d,"vmrss_kb":%d,"vmrss_max_kb":%d}\n' "$(rss_kb VmHWM "${pids[@]}")" \
      "$(rss_kb VmRSS "${pids[@]}")" "$(cat "$AI_RES/$name.rss-max-kb" 2>/dev/null || echo 0)" >"$AI_RES/$name.mem.json"
    stop_pid "$SAMPLER"
  fi
}

ai_streams() { # name url rss-pid header-args...
  local name="$1" url="$2" pid="$3"
  shift 3
  local extra=()
  [ "$pid" != 0 ] && extra+=(--rss-pid "$pid")
  log "$name: $AI_STREAMS streams at $AI_STREAM_RATE/s, ${AI_EVENT_MS} ms per event, about ${AI_HOLD_S} s each"
  taskset -c "$AI_LOAD_CPUS" "$BUN" "$AI_DIR/streams.ts" --url "$url" --streams "$AI_STREAMS" --rate "$AI_STREAM_RATE" \
    --event-ms "$AI_EVENT_MS" --hold-s "$AI_HOLD_S" --timeout $((AI_HOLD_S + 20)) "${extra[@]}" "$@" --out "$AI_RES/streams-$name.json"
  "$BUN" -e 'const r = JSON.parse(await Bun.file(Bun.argv[1]).text()); console.error(`[bench] ${Bun.argv[2]}: first token ${r.first_token}/${r.streams}, peak open ${r.peak_open}, errors ${r.errors + r.connect_errors}, non-2xx ${r.non2xx}, ttft p50 ${(r.ttft_us.p50 / 1000).toFixed(2)} ms p99 ${(r.ttft_us.p99 / 1000).toFixed(2)} ms`)' \
    "$AI_RES/streams-$name.json" "$name" || true
}

# Streams through a fresh Waygate (and simulator), after a warm-up, with its CPU time.
# Waygate's event-loop delay histogram (le=bound count per line) from its /metrics.
ai_loop_lag() {
  curl -s -H "authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$AI_WAYGATE_ADMIN_PORT/metrics" |
    sed -n 's/^waygate_event_loop_lag_ms_bucket{le="\([^"]*\)"} \([0-9]*\)$/\1 \2/p' || true
}

ai_stream_waygate() { # name [VAR=value...]
  local name="$1" wg_pids=() wg_before wg_start
  shift
  start_sim
  ai_start_waygate "streams-$name" "$@"
  # Warm-up: a few hundred short streams, so the measured run sees compiled code.
  taskset -c "$AI_LOAD_CPUS" "$BUN" "$AI_DIR/streams.ts" --url "http://127.0.0.1:$AI_WAYGATE_PORT/v1/chat/completions" \
    --streams 200 --rate 400 --event-ms 20 --hold-s 1 --header "authorization: Bearer $AI_KEY" --out "$WORK/ai-streams-warmup.json"
  sleep 1
  mapfile -t wg_pids < <(tree_pids "$AI_WAYGATE_PID")
  # Event-loop delays are counted from here on: the histogram's growth over the run.
  ai_loop_lag >"$AI_RES/streams-$name.loop-before.txt"
  wg_before="$(cpu_ticks "${wg_pids[@]}")"
  wg_start="$(date +%s.%N)"
  ai_streams "$name" "http://127.0.0.1:$AI_WAYGATE_PORT/v1/chat/completions" "$AI_WAYGATE_PID" --header "authorization: Bearer $AI_KEY"
  ai_loop_lag >"$AI_RES/streams-$name.loop-after.txt"
  printf '{"cpu_ticks":%d,"clk_tck":%d,"seconds":%s}\n' $(($(cpu_ticks "${wg_pids[@]}") - wg_before)) "$CLK_TCK" \
    "$(awk -v a="$wg_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')" >"$AI_RES/streams-$name.cpu.json"
  stop_pid "$AI_WAYGATE_PID"
  stop_pid "$SIM_PID"
}

# ------------------------------------------------------------------ the AI part

ai_idle=()
for ((c = 0; c < NPROC; c++)); do ai_idle+=("$(cpu_jiffies "$c")"); done
sleep 2
AI_BUSY=""
AI_BUSY_MAX=0
for ((c = 0; c < NPROC; c++)); do
  b="$(busy_pct "$c" "${ai_idle[$c]}")"
  AI_BUSY+="${AI_BUSY:+, }CPU $c $b%"
  [ "$b" -gt "$AI_BUSY_MAX" ] && AI_BUSY_MAX="$b"
done
log "AI part: busy before (other processes): $AI_BUSY"

PORTKEY_REAL_VERSION="not installed"
if [[ " $AI_TARGETS " == *" portkey "* ]]; then
  if why="$(install_portkey)"; then
    PORTKEY_REAL_VERSION="$PORTKEY_VERSION"
  else
    log "portkey: $why; skipped"
    echo "$why" >"$AI_RES/portkey.skipped.txt"
  fi
fi
NODE_VERSION="$(node --version 2>/dev/null || echo none)"

printf '{"busy_before":"%s","busy_before_max_pct":%d,"duration_s":%d,"warmup_s":%d,"threads":%d,"connections":%d,"streams":%d,"stream_rate":%d,"event_ms":%d,"hold_s":%d,"proxy_cpu":"%s","load_cpus":"%s","targets":"%s","portkey_version":"%s","node_version":"%s","nofile":%d}\n' \
  "$AI_BUSY" "$AI_BUSY_MAX" "$AI_DURATION" "$AI_WARMUP" "$THREADS" "$AI_CONNECTIONS" "$AI_STREAMS" "$AI_STREAM_RATE" "$AI_EVENT_MS" "$AI_HOLD_S" \
  "$AI_PROXY_CPU" "$AI_LOAD_CPUS" "$AI_TARGETS" "$PORTKEY_REAL_VERSION" "$NODE_VERSION" "$AI_NOFILE" >"$AI_RES/params.json"

SIM="http://127.0.0.1:$SIM_PORT"
for target in $AI_TARGETS; do
  case "$target" in
    sim-openai)
      start_sim
      ai_measure sim-openai "$SIM/openai/v1/chat/completions" "$CHAT_BODY" 0 -H "Authorization: Bearer $AI_PROVIDER_KEY"
      stop_pid "$SIM_PID"
      ;;
    sim-anthropic)
      start_sim
      ai_measure sim-anthropic "$SIM/anthropic/v1/messages" "$CHAT_BODY_ANTHROPIC" 0 \
        -H "x-api-key: $AI_PROVIDER_KEY" -H "anthropic-version: 2023-06-01"
      stop_pid "$SIM_PID"
      ;;
    nginx)
      start_sim
      NGINX_AFFINITY="$AI_NGINX_AFFINITY" UPSTREAM_PORT="$SIM_PORT" render_nginx "$AI_DIR/nginx.conf" "$WORK/ai-nginx.conf" "$AI_NGINX_PORT"
      nginx -t -q -p "$WORK" -c "$WORK/ai-nginx.conf" -e "$WORK/ai-nginx.error.log" || die "nginx rejected $WORK/ai-nginx.conf"
      taskset -c "$AI_PROXY_CPU" nginx -p "$WORK" -c "$WORK/ai-nginx.conf" -e "$WORK/ai-nginx.error.log" &
      AI_NGINX_PID=$!
      STARTED+=("$AI_NGINX_PID")
      wait_http "http://127.0.0.1:$AI_NGINX_PORT/nginx-ready" 200 10 || die "nginx (AI) did not answer on port $AI_NGINX_PORT"
      ai_probe nginx "http://127.0.0.1:$AI_NGINX_PORT/v1/chat/completions" "$CHAT_BODY" -H "Authorization: Bearer $AI_PROVIDER_KEY"
      ai_measure nginx "http://127.0.0.1:$AI_NGINX_PORT/v1/chat/completions" "$CHAT_BODY" "$AI_NGINX_PID" -H "Authorization: Bearer $AI_PROVIDER_KEY"
      stop_pid "$AI_NGINX_PID"
      stop_pid "$SIM_PID"
      ;;
    waygate)
      start_sim
      ai_start_waygate waygate
      ai_probe waygate "http://127.0.0.1:$AI_WAYGATE_PORT/v1/chat/completions" "$CHAT_BODY" -H "Authorization: Bearer $AI_KEY"
      ai_measure waygate "http://127.0.0.1:$AI_WAYGATE_PORT/v1/chat/completions" "$CHAT_BODY" "$AI_WAYGATE_PID" -H "Authorization: Bearer $AI_KEY"
      curl -s -H "authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$AI_WAYGATE_ADMIN_PORT/metrics" >"$AI_RES/waygate.metrics.txt" || true
      # Stopped first, so every queued call record is written before it is read.
      stop_pid "$AI_WAYGATE_PID"
      "$BUN" "$AI_DIR/calllog.ts" "$WORK/ai-calls.db" >"$AI_RES/waygate.calllog.json" || log "waygate: could not read the call log"
      stop_pid "$SIM_PID"
      ;;
    portkey)
      [ -f "$AI_RES/portkey.skipped.txt" ] && continue
      start_sim
      if start_portkey; then
        ai_probe portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$CHAT_BODY" -H "Authorization: Bearer $AI_PROVIDER_KEY" "${PORTKEY_HEADERS[@]}"
        ai_measure portkey "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" "$CHAT_BODY" "$PORTKEY_PID" \
          -H "Authorization: Bearer $AI_PROVIDER_KEY" "${PORTKEY_HEADERS[@]}"
      else
        log "portkey: did not answer on port $PORTKEY_PORT; skipped"
        echo "the gateway did not answer on port $PORTKEY_PORT (see ai-portkey.log)" >"$AI_RES/portkey.skipped.txt"
      fi
      stop_pid "$PORTKEY_PID"
      stop_pid "$SIM_PID"
      ;;
    streams)
      start_sim
      ai_streams direct "$SIM/anthropic/v1/messages" 0 --header "x-api-key: $AI_PROVIDER_KEY" --header "anthropic-version: 2023-06-01"
      stop_pid "$SIM_PID"
      ai_stream_waygate waygate
      ;;
    *) die "unknown AI target $target" ;;
  esac
done

ai_report_args=(--results "$AI_RES")
[ "$WRITE_DOC" = 1 ] && ai_report_args+=(--doc "$ROOT/docs/benchmarks.md")
[ -n "${BENCH_AI_NOTE:-}" ] && ai_report_args+=(--note "$BENCH_AI_NOTE")
"$BUN" "$AI_DIR/report.ts" "${ai_report_args[@]}"
