#!/bin/bash
# Gateway footprint and overhead (issue 4's evidence), on loopback, every step bounded in time:
#   1. `presenter local --gateways 0 --direct-port`: ZooKeeper + chat servers in one JVM, the
#      first chat server with its direct TLS listener;
#   2. ONE gateway in its own JVM (-Xmx1g, NMT summary), config generated here;
#   3. a short warm-up bench (so one-time costs - JIT, code cache, allocator arenas - are not
#      charged to the connections), then the baseline: RSS, heap and NMT after a forced GC;
#   4. `presenter bench` with N connections (full handshakes, resumed handshakes), holding them
#      idle while RSS, heap and NMT are measured again, then relay latency at RATE msg/s;
#   5. the same bench against the chat server's direct port, for the relay comparison.
# Prints every command and the figures; JSON reports and jcmd output stay in $DATA_DIR, with the
# gateway's live-object class histograms before and while holding (histogram-*.txt).
# Only the processes this script started are stopped (by PID).
#
# Settings (environment): N (10000), CONCURRENCY (200), HOLD seconds (45), RATE msg/s (500),
# RELAY_SECONDS (20), RELAY_COUPLES (1000), WARMUP connections (2000), DATA_DIR
# (/tmp/presenter-footprint, recreated), GATEWAY_HEAP (1g), GATEWAY_JAVA_OPTS (more JVM flags for
# the gateway, e.g. a collector: -XX:+UseSerialGC), SOURCES (127.0.0.1..127.0.0.4).
# Note: one process may open at most `ulimit -n` files, so N must stay below that minus ~200.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
presenter="$root/deploy/bin/presenter"
N=${N:-10000}
CONCURRENCY=${CONCURRENCY:-200}
HOLD=${HOLD:-45}
RATE=${RATE:-500}
RELAY_SECONDS=${RELAY_SECONDS:-20}
RELAY_COUPLES=${RELAY_COUPLES:-1000}
WARMUP=${WARMUP:-2000}
DATA_DIR=${DATA_DIR:-/tmp/presenter-footprint}
GATEWAY_HEAP=${GATEWAY_HEAP:-1g}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-}
SOURCES=${SOURCES:-127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4}

# shellcheck source=deploy/bench/lib.sh
. "$(dirname "$0")/lib.sh"
run() { say "+ $*"; "$@"; }

# Process figures in KB: resident set, proportional set size, heap used, NMT committed total.
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# PSS counts a page mapped several times once; RSS does not, and ZGC (JDK 17) maps its heap three
# times, so RSS overstates a ZGC process about threefold while PSS does not.
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
# Heap used in KB, summed over the generations (G1, Serial, Parallel: "total NK, used MK"; ZGC: "ZHeap used NM").
heap_kb() {
  jcmd "$1" GC.heap_info | tee -a "$DATA_DIR/jcmd.txt" | awk '
    /total [0-9]+K, used [0-9]+K/ { match($0, /used [0-9]+K/); kb += substr($0, RSTART + 5, RLENGTH - 6) }
    /ZHeap +used [0-9]+M/ { match($0, /used [0-9]+M/); kb += 1024 * substr($0, RSTART + 5, RLENGTH - 6) }
    END { print kb + 0 }'
}
nmt_kb() { jcmd "$1" VM.native_memory summary | tee -a "$DATA_DIR/jcmd.txt" | sed -n 's/^Total: reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1/p'; }
snapshot() { # label pid -> sets ${label}_rss ${label}_heap ${label}_nmt, after a forced GC if $3 = gc
  local label=$1 pid=$2
  echo "=== $label $(date -u +%T)" >> "$DATA_DIR/jcmd.txt"
  if [ "${3:-}" = gc ]; then jcmd "$pid" GC.run >/dev/null; sleep 1; fi
  printf -v "${label}_rss" '%s' "$(rss_kb "$pid")"
  printf -v "${label}_pss" '%s' "$(pss_kb "$pid")"
  printf -v "${label}_heap" '%s' "$(heap_kb "$pid")"
  printf -v "${label}_nmt" '%s' "$(nmt_kb "$pid")"
  local r=${label}_rss p=${label}_pss h=${label}_heap n=${label}_nmt
  say "  $label: RSS ${!r} KB, PSS ${!p} KB, heap used ${!h} KB, NMT committed ${!n} KB"
}

rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
say "building..."
(cd "$root" && ./mvnw -q -B -o install -DskipTests)

# 1. ZooKeeper + chat servers, no gateway; direct TLS listener on chat-1.
direct_port=$(free_port)
say "+ $presenter local --chat-servers 1 --gateways 0 --direct-port $direct_port --data-dir $DATA_DIR/cluster &"
"$presenter" local --chat-servers 1 --gateways 0 --direct-port "$direct_port" --data-dir "$DATA_DIR/cluster" \
  > "$DATA_DIR/local.log" 2>&1 &
local_pid=$!
started+=($local_pid)
for _ in $(seq 1 120); do [ -f "$DATA_DIR/cluster/local.json" ] && break; sleep 0.5; done
[ -f "$DATA_DIR/cluster/local.json" ] || { say "local cluster did not start"; tail "$DATA_DIR/local.log"; exit 1; }
local_json="$DATA_DIR/cluster/local.json"
zk=$(json "$local_json" 'd["zookeeper"]')

# 2. One gateway in its own JVM. Every client comes from a few loopback addresses, so the
#    per-IP limit is lifted; everything else is the shipped default.
gw_port=$(free_port)
gw_admin=$(free_port)
cat > "$DATA_DIR/gateway.conf" <<EOF
presenter.gateway {
  id = footprint-gw
  bind-host = 127.0.0.1
  port = $gw_port
  admin-port = $gw_admin
  zookeeper.connect = "$zk"
  tls.cert-file = "$DATA_DIR/cluster/tls/server.pem"
  tls.key-file = "$DATA_DIR/cluster/tls/server.key"
  tokens.key-file = "$DATA_DIR/cluster/keys.json"
  limits.max-connections-per-ip = 1000000
}
EOF
gw_opts="-Xmx$GATEWAY_HEAP -XX:NativeMemoryTracking=summary -Dnetty.leakDetection=disabled $GATEWAY_JAVA_OPTS"
say "+ PRESENTER_JAVA_OPTS='$gw_opts' $presenter gateway --config $DATA_DIR/gateway.conf &"
PRESENTER_JAVA_OPTS="$gw_opts" "$presenter" gateway --config "$DATA_DIR/gateway.conf" > "$DATA_DIR/gateway.log" 2>&1 &
gw_pid=$!
started+=($gw_pid)
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$gw_admin/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$gw_admin/readyz" >/dev/null || { say "gateway not ready"; tail "$DATA_DIR/gateway.log"; exit 1; }
say "gateway pid $gw_pid on 127.0.0.1:$gw_port, admin http://127.0.0.1:$gw_admin"

bench() { # out-name target extra-args...
  local name=$1 target=$2
  shift 2
  local cmd=("$presenter" bench --local "$DATA_DIR/cluster" --target "$target" --sources "$SOURCES"
    --concurrency "$CONCURRENCY" --out "$DATA_DIR/$name.json" "$@")
  say "+ ${cmd[*]}"
  timeout 900 "${cmd[@]}" > "$DATA_DIR/$name.log" 2>&1 &
  bench_pid=$!
  started+=($bench_pid)
}

# 3. Warm-up, then the baseline.
bench warmup "127.0.0.1:$gw_port" --connections "$WARMUP" --resume "$(( WARMUP < 200 ? WARMUP : 200 ))" --messages-per-second "$RATE" --seconds 5 \
  --admin "http://127.0.0.1:$gw_admin"
wait "$bench_pid" || { say "warm-up failed:"; tail "$DATA_DIR/warmup.log"; }
sleep 2
say "baseline (after warm-up, all clients gone):"
snapshot before "$gw_pid" gc
jcmd "$gw_pid" GC.class_histogram > "$DATA_DIR/histogram-before.txt"

# 4. N connections through the gateway, held idle while measured, then relay latency.
bench gateway "127.0.0.1:$gw_port" --connections "$N" --hold "$HOLD" --messages-per-second "$RATE" \
  --seconds "$RELAY_SECONDS" --relay-couples "$RELAY_COUPLES" --admin "http://127.0.0.1:$gw_admin" \
  --cpu-pids "$gw_pid,$local_pid"
for _ in $(seq 1 1800); do
  grep -q '^bench: HOLD [0-9]' "$DATA_DIR/gateway.log" && break
  kill -0 "$bench_pid" 2>/dev/null || break
  sleep 0.5
done
grep '^bench: HOLD [0-9]' "$DATA_DIR/gateway.log" || { say "bench did not reach the hold phase"; tail "$DATA_DIR/gateway.log"; exit 1; }
sleep 3
say "with the connections open and idle:"
snapshot held "$gw_pid"
snapshot heldgc "$gw_pid" gc
jcmd "$gw_pid" GC.class_histogram > "$DATA_DIR/histogram-held.txt"
curl -s "http://127.0.0.1:$gw_admin/metrics" | grep -E '^presenter_gateway_(connections|handshakes|pending|closed)' \
  > "$DATA_DIR/gateway-metrics-held.txt" || true
wait "$bench_pid" || say "gateway bench reported errors (see $DATA_DIR/gateway.log)"
sleep 2
say "gateway after every client closed (gauges should be 0):"
curl -s "http://127.0.0.1:$gw_admin/metrics" | tee "$DATA_DIR/gateway-metrics-after.txt" \
  | grep -E '^presenter_gateway_(connections|pending_auth|handshakes_in_progress|backend_streams|closes_total)' || true
cat "$DATA_DIR/gateway.log" | grep -v '^bench:' | grep -v -E '^[0-9]{2}:[0-9]{2}' || true

# 5. The same rate straight to the chat server's direct TLS listener.
bench direct "127.0.0.1:$direct_port" --connections "$N" --messages-per-second "$RATE" --seconds "$RELAY_SECONDS" \
  --relay-couples "$RELAY_COUPLES" --cpu-pids "$local_pid"
wait "$bench_pid" || say "direct bench reported errors (see $DATA_DIR/direct.log)"
cat "$DATA_DIR/direct.log" | grep -v '^bench:' | grep -v -E '^[0-9]{2}:[0-9]{2}' || true

open=$(json "$DATA_DIR/gateway.json" 'd["hold"]["openAtStart"]')
per() { python3 -c "print(round(($1 - $2) * 1024 / $3))"; }
{
  say ""
  say "=== gateway footprint: $open idle authenticated connections (gateway pid $gw_pid, -Xmx$GATEWAY_HEAP)"
  say "RSS         $before_rss KB -> $held_rss KB: $(per "$held_rss" "$before_rss" "$open") bytes/connection"
  say "PSS         $before_pss KB -> $held_pss KB: $(per "$held_pss" "$before_pss" "$open") bytes/connection"
  say "NMT         $before_nmt KB -> $held_nmt KB committed: $(per "$held_nmt" "$before_nmt" "$open") bytes/connection"
  say "RSS - NMT   $((before_rss - before_nmt)) KB -> $((held_rss - held_nmt)) KB (malloc outside the JVM's tracking: BoringSSL, glibc arenas): $(per "$((held_rss - held_nmt))" "$((before_rss - before_nmt))" "$open") bytes/connection"
  say "heap used   $before_heap KB -> $held_heap KB (before GC): $(per "$held_heap" "$before_heap" "$open") bytes/connection"
  say "heap live   $before_heap KB -> $heldgc_heap KB (after GC.run): $(per "$heldgc_heap" "$before_heap" "$open") bytes/connection"
  say "RSS after GC.run $heldgc_rss KB: $(per "$heldgc_rss" "$before_rss" "$open") bytes/connection"
  for f in gateway direct; do
    say "$f: full $(json "$DATA_DIR/$f.json" 'd["full"]["perSecond"]')/s (handshake p50 $(json "$DATA_DIR/$f.json" 'd["full"]["handshakeMs"]["p50"]') p99 $(json "$DATA_DIR/$f.json" 'd["full"]["handshakeMs"]["p99"]') ms)," \
      "resumed $(json "$DATA_DIR/$f.json" 'd["resumed"]["perSecond"]')/s ($(json "$DATA_DIR/$f.json" 'd["resumed"]["resumedByClient"]') of $(json "$DATA_DIR/$f.json" 'd["resumed"]["attempted"]') resumed; p50 $(json "$DATA_DIR/$f.json" 'd["resumed"]["handshakeMs"]["p50"]') p99 $(json "$DATA_DIR/$f.json" 'd["resumed"]["handshakeMs"]["p99"]') ms)," \
      "relay at $RATE/s p50 $(json "$DATA_DIR/$f.json" 'd["relay"]["latencyMs"]["p50"]') p99 $(json "$DATA_DIR/$f.json" 'd["relay"]["latencyMs"]["p99"]') p999 $(json "$DATA_DIR/$f.json" 'd["relay"]["latencyMs"]["p999"]') max $(json "$DATA_DIR/$f.json" 'd["relay"]["latencyMs"]["max"]') ms, lost $(json "$DATA_DIR/$f.json" 'd["relay"]["lost"]'), errors $(json "$DATA_DIR/$f.json" 'd["errors"]')"
  done
  say "CPU seconds (client, gateway pid-$gw_pid, cluster pid-$local_pid) gateway run: full $(json "$DATA_DIR/gateway.json" 'd["full"].get("cpuSeconds")') resumed $(json "$DATA_DIR/gateway.json" 'd["resumed"].get("cpuSeconds")') relay $(json "$DATA_DIR/gateway.json" 'd["relay"].get("cpuSeconds")')"
  say "CPU seconds (client, cluster pid-$local_pid) direct run: full $(json "$DATA_DIR/direct.json" 'd["full"].get("cpuSeconds")') resumed $(json "$DATA_DIR/direct.json" 'd["resumed"].get("cpuSeconds")') relay $(json "$DATA_DIR/direct.json" 'd["relay"].get("cpuSeconds")')"
  say "gateway resumed-handshake counter delta: $(json "$DATA_DIR/gateway.json" 'd["resumed"].get("gatewayResumedDelta")')"
  say "client, gateway and chat server share the same $(nproc) cores."
} | tee "$DATA_DIR/summary.txt"
