#!/usr/bin/env bash
# Waygate against nginx on the same local upstream: throughput (wrk,
# closed-loop), latency at a fixed rate (bench/openloop.ts, open-loop) and
# Waygate's memory under load. Prints a table and writes it into
# docs/benchmarks.md. See docs/benchmarks.md for the method.
#
# Settings (environment):
#   BENCH_DURATION=10        seconds per measured wrk run
#   BENCH_WARMUP=3           seconds of unrecorded wrk load before each
#   BENCH_THREADS=1 BENCH_CONNECTIONS=50   wrk -t / -c, the same for every run
#   BENCH_RATE=1000          fixed rate (req/s) of the latency runs
#   BENCH_FIXED_DURATION=10  seconds per fixed-rate run
#   BENCH_FIXED_RUNS=3       fixed-rate runs per target (the median is reported)
#   BENCH_TARGETS="direct nginx bun waygate waygate-log waygate-auth waygate-policies"
#   BENCH_PORT_BASE=18081    upstream port; the next four are used too
#   BENCH_WRITE_DOC=1        0: print the table only, leave docs/benchmarks.md
#   BENCH_ONLY=all           rest: this REST part only; ai: the AI gateway part only
#                            (bench/ai/run.sh, which lists its own BENCH_AI_* settings)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-3}"
THREADS="${BENCH_THREADS:-1}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
RATE="${BENCH_RATE:-1000}"
FIXED_DURATION="${BENCH_FIXED_DURATION:-10}"
FIXED_RUNS="${BENCH_FIXED_RUNS:-3}"
TARGETS="${BENCH_TARGETS:-direct nginx bun waygate waygate-log waygate-auth waygate-policies}"
PORT_BASE="${BENCH_PORT_BASE:-18081}"
WRITE_DOC="${BENCH_WRITE_DOC:-1}"
ONLY="${BENCH_ONLY:-all}"

UPSTREAM_PORT="$PORT_BASE"
NGINX_PORT=$((PORT_BASE + 1))
WAYGATE_PORT=$((PORT_BASE + 2))
WAYGATE_ADMIN_PORT=$((PORT_BASE + 3))
BUN_PROXY_PORT=$((PORT_BASE + 4))

BUN="$ROOT/node_modules/.bin/bun"
WAYGATE="$ROOT/bin/waygate"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "$ONLY" in all | rest | ai) ;; *) die "BENCH_ONLY must be all, rest or ai, not $ONLY" ;; esac

# ------------------------------------------------------------------ tools

install_tools() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; install them (apt-get install nginx-light wrk curl) or run as root"
  log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  local pkgs=()
  for m in "${missing[@]}"; do
    if [ "$m" = nginx ]; then
      # nginx-light is enough (no extra modules); fall back to the full package.
      if apt-cache show nginx-light >/dev/null 2>&1; then pkgs+=(nginx-light); else pkgs+=(nginx); fi
    else
      pkgs+=("$m")
    fi
  done
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
}

install_tools
[ -x "$BUN" ] || die "bun not found at $BUN (run npm install)"

# ------------------------------------------------------------------ cores

NPROC="$(nproc)"
if [ "$NPROC" -ge 2 ]; then
  PROXY_CPU=0
  LOAD_CPUS="1"
  [ "$NPROC" -gt 2 ] && LOAD_CPUS="1-$((NPROC - 1))"
  NGINX_AFFINITY=1   # worker_cpu_affinity mask: CPU 0
else
  log "warning: only one CPU; the proxy, upstream and load generator share it"
  PROXY_CPU=0
  LOAD_CPUS=0
  NGINX_AFFINITY=1
fi

# ------------------------------------------------------------------ processes

mkdir -p "$ROOT/.tmp/bench"
WORK="$(mktemp -d "$ROOT/.tmp/bench/run.XXXXXX")"
RES="$WORK/results"
mkdir -p "$RES" "$WORK/tmp"
STARTED=()

stop_pid() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[$i]}"; done
  if [ "$ONLY" = ai ] && [ -d "$RES/ai" ]; then
    # The AI part alone replaces only its own raw results.
    mkdir -p "$ROOT/bench/results/latest"
    rm -rf "$ROOT/bench/results/latest/ai"
    cp -r "$RES/ai" "$ROOT/bench/results/latest/ai"
    cp "$WORK"/ai-*.log "$ROOT/bench/results/latest/ai/" 2>/dev/null || true
  elif [ -d "$RES" ] && [ "$(ls -A "$RES" 2>/dev/null)" ]; then
    mkdir -p "$ROOT/bench/results"
    rm -rf "$ROOT/bench/results/latest"
    cp -r "$RES" "$ROOT/bench/results/latest"
    cp "$WORK"/*.log "$ROOT/bench/results/latest/" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for p in "$UPSTREAM_PORT" "$NGINX_PORT" "$WAYGATE_PORT" "$WAYGATE_ADMIN_PORT" "$BUN_PROXY_PORT"; do
  port_free "$p" || die "port $p is in use; set BENCH_PORT_BASE"
done

wait_http() { # url expected-status seconds
  local code
  for _ in $(seq 1 $(($3 * 10))); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true)"
    [ "$code" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

render_nginx() { # template out port
  sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$3#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" \
    -e "s#@AFFINITY@#$NGINX_AFFINITY#g" "$1" >"$2"
}

# A process and all its descendants: nginx's master and worker, or Waygate
# and anything it spawns.
tree_pids() {
  local pid="$1" child
  echo "$pid"
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do tree_pids "$child"; done
}

cpu_ticks() { # pids... -> utime+stime summed, in clock ticks
  local total=0 pid fields
  for pid in "$@"; do
    fields="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null)" || continue
    # After the command name: field 14 (utime) and 15 (stime) are the 12th and 13th here.
    total=$((total + $(echo "$fields" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

# Busy and total jiffies of one CPU from /proc/stat ("busy total").
cpu_jiffies() {
  awk -v c="cpu$1" '$1 == c {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat
}

# Share (percent) of CPU $1 that was busy between two cpu_jiffies readings.
busy_pct() { # cpu "busy0 total0"
  local b0 t0 b1 t1
  read -r b0 t0 <<<"$2"
  read -r b1 t1 <<<"$(cpu_jiffies "$1")"
  echo $(((b1 - b0) * 100 / (t1 - t0 > 0 ? t1 - t0 : 1)))
}

rss_kb() { # pids... -> summed field of /proc/<pid>/status (VmRSS or VmHWM)
  local field="$1" total=0 pid v
  shift
  for pid in "$@"; do
    v="$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# Samples the summed VmRSS of a process tree every 200 ms into a file, keeping the maximum.
start_rss_sampler() { # root-pid out-file
  (
    max=0
    while kill -0 "$1" 2>/dev/null; do
      # shellcheck disable=SC2046
      v="$(rss_kb VmRSS $(tree_pids "$1"))"
      [ "$v" -gt "$max" ] && max="$v" && echo "$max" >"$2"
      sleep 0.2
    done
  ) &
  SAMPLER=$!
  STARTED+=("$SAMPLER")
}

BENCH_KEY="bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
ADMIN_TOKEN="admin_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
CLK_TCK="$(getconf CLK_TCK)"

# ------------------------------------------------------------------ runs

# One target: warm-up, measured wrk run (with the proxy's CPU time and memory),
# then the fixed-rate runs. Proxy pid 0 means there is no proxy (direct).
measure() { # name url proxy-pid
  local name="$1" url="$2" pid="$3" pids=() before after
  log "$name: warm-up ${WARMUP}s"
  taskset -c "$LOAD_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "x-api-key: $BENCH_KEY" "$url" >/dev/null
  if [ "$pid" != 0 ]; then
    mapfile -t pids < <(tree_pids "$pid")
    start_rss_sampler "$pid" "$RES/$name.rss-max-kb"
    before="$(cpu_ticks "${pids[@]}")"
  fi
  local cpu_before
  cpu_before="$(cpu_jiffies "$PROXY_CPU")"
  log "$name: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
  WRK_REPORT="$RES/$name.wrk.json" taskset -c "$LOAD_CPUS" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/bench/wrk-report.lua" \
    -H "x-api-key: $BENCH_KEY" "$url" >"$RES/$name.wrk.txt"
  # How busy the proxy's CPU was, whoever used it: well above the proxy's own
  # share means something else ran there during the measurement.
  local proxy_cpu_busy
  proxy_cpu_busy="$(busy_pct "$PROXY_CPU" "$cpu_before")"
  if [ "$pid" != 0 ]; then
    after="$(cpu_ticks "${pids[@]}")"
    printf '{"cpu_ticks":%d,"clk_tck":%d,"proxy_cpu_busy_pct":%d}\n' $((after - before)) "$CLK_TCK" "$proxy_cpu_busy" >"$RES/$name.cpu.json"
  else
    printf '{"cpu_ticks":0,"clk_tck":%d,"proxy_cpu_busy_pct":%d}\n' "$CLK_TCK" "$proxy_cpu_busy" >"$RES/$name.cpu.json"
  fi
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$RES/$name.wrk.txt" | sed "s/^/[bench] $name: /" >&2 || true
  grep -q 'Non-2xx' "$RES/$name.wrk.txt" || log "$name: Non-2xx or 3xx responses: 0"

  local i fixed_cpu_before fixed_before=0 fixed_after=0
  fixed_cpu_before="$(cpu_jiffies "$PROXY_CPU")"
  [ "$pid" != 0 ] && fixed_before="$(cpu_ticks "${pids[@]}")"
  local fixed_start=$SECONDS
  for i in $(seq 1 "$FIXED_RUNS"); do
    log "$name: ${RATE} req/s for ${FIXED_DURATION}s (run $i of $FIXED_RUNS)"
    taskset -c "$LOAD_CPUS" "$BUN" "$ROOT/bench/openloop.ts" --url "$url" --rate "$RATE" \
      --duration "$FIXED_DURATION" --warmup 1 --header "x-api-key: $BENCH_KEY" --out "$RES/$name.fixed.$i.json"
  done
  [ "$pid" != 0 ] && fixed_after="$(cpu_ticks "${pids[@]}")"
  # As for throughput: the proxy core's busy share against the proxy's own.
  printf '{"proxy_cpu_busy_pct":%d,"proxy_own_pct":%d}\n' "$(busy_pct "$PROXY_CPU" "$fixed_cpu_before")" \
    $(((fixed_after - fixed_before) * 100 / CLK_TCK / (SECONDS - fixed_start > 0 ? SECONDS - fixed_start : 1))) \
    >"$RES/$name.fixed-cpu.json"
  if [ "$pid" != 0 ]; then
    mapfile -t pids < <(tree_pids "$pid")
    printf '{"vmhwm_kb":%d,"vmrss_kb":%d,"vmrss_max_kb":%d}\n' "$(rss_kb VmHWM "${pids[@]}")" \
      "$(rss_kb VmRSS "${pids[@]}")" "$(cat "$RES/$name.rss-max-kb" 2>/dev/null || echo 0)" >"$RES/$name.mem.json"
    stop_pid "$SAMPLER"
  fi
}

start_nginx() { # template port role -> sets NGINX_PID
  render_nginx "$ROOT/bench/nginx/$1.conf" "$WORK/$1.conf" "$2"
  nginx -t -q -p "$WORK" -c "$WORK/$1.conf" -e "$WORK/$1.error.log" || die "nginx rejected $WORK/$1.conf"
  taskset -c "$3" nginx -p "$WORK" -c "$WORK/$1.conf" -e "$WORK/$1.error.log" &
  NGINX_PID=$!
  STARTED+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$2/" 200 10 || die "nginx ($1) did not answer on port $2"
}

start_waygate() { # name config call-log-flags... -> sets WAYGATE_PID
  local name="$1" config="$2"
  shift 2
  WAYGATE_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_KEY="$BENCH_KEY" BENCH_UPSTREAM_PORT="$UPSTREAM_PORT" \
    taskset -c "$PROXY_CPU" "$WAYGATE" serve --config "$ROOT/bench/waygate/$config" \
    --listen "127.0.0.1:$WAYGATE_PORT" --admin-listen "127.0.0.1:$WAYGATE_ADMIN_PORT" "$@" \
    >"$WORK/$name.log" 2>&1 &
  WAYGATE_PID=$!
  STARTED+=("$WAYGATE_PID")
  if ! wait_http "http://127.0.0.1:$WAYGATE_ADMIN_PORT/readyz" 200 30; then
    tail -n 30 "$WORK/$name.log" >&2
    die "Waygate ($name) was not ready within 30 s"
  fi
}

probe() { # name url [curl args] -> status code of one request
  curl -s -o /dev/null -w '%{http_code}' "${@:3}" "$2" || echo 000
}

# Waygate behind key auth with the call log on (key-auth.yaml, or the same
# plus policies), checked before the load and its call log measured after.
measure_keyauth() { # name config
  local name="$1" calls="$WORK/$1.calls.db"
  start_waygate "$name" "$2" --call-log "$calls"
  # Key auth must really be on: a request without the key is refused. The
  # RateLimit-Limit header (0 when absent) shows whether a rate limit ran.
  local ratelimit
  ratelimit="$(curl -s -o /dev/null -D - -H "x-api-key: $BENCH_KEY" "http://127.0.0.1:$WAYGATE_PORT/" 2>/dev/null |
    awk 'tolower($1) == "ratelimit-limit:" {gsub("\r", "", $2); print $2}' || true)"
  printf '{"probe_status":%s,"probe_without_key_status":%s,"probe_ratelimit_limit":%s}\n' \
    "$(probe "$name" "http://127.0.0.1:$WAYGATE_PORT/" -H "x-api-key: $BENCH_KEY")" \
    "$(probe "$name" "http://127.0.0.1:$WAYGATE_PORT/")" "${ratelimit:-0}" >"$RES/$name.check.json"
  measure "$name" "http://127.0.0.1:$WAYGATE_PORT/" "$WAYGATE_PID"
  curl -s -H "authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$WAYGATE_ADMIN_PORT/metrics" >"$RES/$name.metrics.txt" || true
  stop_pid "$WAYGATE_PID"
  # Stopped first so the log is flushed and closed before it is measured.
  printf '{"call_log_bytes":%d}\n' "$(du -cb "$calls"* 2>/dev/null | awk 'END {print $1 + 0}')" >"$RES/$name.calllog.json"
}

if [ "$ONLY" != ai ]; then
# Other work on the machine skews every number; measure it before starting.
idle_before=()
for ((c = 0; c < NPROC; c++)); do idle_before+=("$(cpu_jiffies "$c")"); done
sleep 2
BUSY_BEFORE=""
BUSY_MAX=0
for ((c = 0; c < NPROC; c++)); do
  b="$(busy_pct "$c" "${idle_before[$c]}")"
  BUSY_BEFORE+="${BUSY_BEFORE:+, }CPU $c $b%"
  [ "$b" -gt "$BUSY_MAX" ] && BUSY_MAX="$b"
done
log "busy before the run (other processes): $BUSY_BEFORE"
[ "$BUSY_MAX" -gt 10 ] && log "warning: the machine is busy with other work; results will be low and noisy"

echo "{\"busy_before\":\"$BUSY_BEFORE\",\"busy_before_max_pct\":$BUSY_MAX,\"duration_s\":$DURATION,\"warmup_s\":$WARMUP,\"threads\":$THREADS,\"connections\":$CONNECTIONS,\"rate\":$RATE,\"fixed_duration_s\":$FIXED_DURATION,\"fixed_runs\":$FIXED_RUNS,\"proxy_cpu\":\"$PROXY_CPU\",\"load_cpus\":\"$LOAD_CPUS\",\"targets\":\"$TARGETS\"}" >"$RES/params.json"

log "work dir $WORK; proxy on CPU $PROXY_CPU, upstream and load on CPU $LOAD_CPUS"
start_nginx upstream "$UPSTREAM_PORT" "$LOAD_CPUS"
UPSTREAM_PID="$NGINX_PID"

for target in $TARGETS; do
  case "$target" in
    direct)
      measure direct "http://127.0.0.1:$UPSTREAM_PORT/" 0
      ;;
    nginx)
      start_nginx proxy "$NGINX_PORT" "$PROXY_CPU"
      measure nginx "http://127.0.0.1:$NGINX_PORT/" "$NGINX_PID"
      stop_pid "$NGINX_PID"
      ;;
    bun)
      taskset -c "$PROXY_CPU" "$BUN" "$ROOT/bench/bare-proxy.ts" "$BUN_PROXY_PORT" "http://127.0.0.1:$UPSTREAM_PORT" \
        >"$WORK/bun.log" 2>&1 &
      BUN_PROXY_PID=$!
      STARTED+=("$BUN_PROXY_PID")
      wait_http "http://127.0.0.1:$BUN_PROXY_PORT/" 200 10 || die "the bare Bun proxy did not answer"
      measure bun "http://127.0.0.1:$BUN_PROXY_PORT/" "$BUN_PROXY_PID"
      stop_pid "$BUN_PROXY_PID"
      ;;
    waygate)
      start_waygate waygate plain.yaml --no-call-log
      printf '{"probe_status":%s}\n' "$(probe waygate "http://127.0.0.1:$WAYGATE_PORT/")" >"$RES/waygate.check.json"
      measure waygate "http://127.0.0.1:$WAYGATE_PORT/" "$WAYGATE_PID"
      curl -s -H "authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$WAYGATE_ADMIN_PORT/metrics" >"$RES/waygate.metrics.txt" || true
      stop_pid "$WAYGATE_PID"
      ;;
    waygate-log)
      # The same as waygate with every call recorded (bodies off): the call log's cost.
      start_waygate waygate-log plain.yaml --call-log "$WORK/waygate-log.calls.db"
      printf '{"probe_status":%s}\n' "$(probe waygate-log "http://127.0.0.1:$WAYGATE_PORT/")" >"$RES/waygate-log.check.json"
      measure waygate-log "http://127.0.0.1:$WAYGATE_PORT/" "$WAYGATE_PID"
      stop_pid "$WAYGATE_PID"
      ;;
    waygate-auth)
      measure_keyauth waygate-auth key-auth.yaml
      ;;
    waygate-policies)
      measure_keyauth waygate-policies policies.yaml
      ;;
    *) die "unknown target $target" ;;
  esac
done

stop_pid "$UPSTREAM_PID"

report_args=(--results "$RES")
[ "$WRITE_DOC" = 1 ] && report_args+=(--doc "$ROOT/docs/benchmarks.md")
"$BUN" "$ROOT/bench/report.ts" "${report_args[@]}"
fi

# The AI gateway part runs in this shell, with these helpers, cores and cleanup.
if [ "$ONLY" != rest ]; then
  # shellcheck source=ai/run.sh
  source "$ROOT/bench/ai/run.sh"
fi
