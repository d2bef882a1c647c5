#!/bin/bash
# A big `presenter loadtest` on one machine, on loopback, every step bounded in time:
#   1. `presenter local --gateways 0`: ZooKeeper + chat servers in one JVM;
#   2. GATEWAYS gateways, each in its own JVM (one process may open at most 20,000 files, so
#      one gateway holds at most ~19,000 clients), with the per-IP limit raised;
#   3. `presenter loadtest` against them with WORKERS worker processes and SOURCES;
#   4. the report summary, and the RSS and CPU time of every process (gateways, chat servers,
#      loadtest workers from the report).
# Only the processes this script started are stopped (by PID).
#
# Settings (environment): COUPLES (10000), DEVICES (1), WORKERS (0 = default), GATEWAYS (2),
# CHAT_SERVERS (2), SOURCES (127.0.0.1-127.0.0.8), RAMP (1000), RATE (0.2), DURATION (30),
# LOADTEST_ARGS (extra, e.g. "--idle" or "--reconnect-storm 10@40"), GATEWAY_HEAP (1g),
# DATA_DIR (/tmp/presenter-scale, recreated), LOADTEST_JAVA_OPTS (for the coordinator, or the
# only process with WORKERS=1), WEIGHTED_DNS (0; 1 = the load test picks gateways by the weights
# they publish in ZooKeeper, reconnects included: `presenter loadtest --zookeeper`).
# Scale-in under load: DRAIN_AT seconds after the load test started, gateway DRAIN_GATEWAY (1) is
# drained with `presenter drain` (window DRAIN_WINDOW, 30s) and then stopped; WEIGHTED_DNS is
# then on, so its clients reconnect to the others. The per-gateway auth counts at the end show
# where they went.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
presenter="$root/deploy/bin/presenter"
COUPLES=${COUPLES:-10000}
DEVICES=${DEVICES:-1}
WORKERS=${WORKERS:-0}
GATEWAYS=${GATEWAYS:-2}
CHAT_SERVERS=${CHAT_SERVERS:-2}
SOURCES=${SOURCES:-127.0.0.1-127.0.0.8}
RAMP=${RAMP:-1000}
RATE=${RATE:-0.2}
DURATION=${DURATION:-30}
LOADTEST_ARGS=${LOADTEST_ARGS:-}
GATEWAY_HEAP=${GATEWAY_HEAP:-1g}
DATA_DIR=${DATA_DIR:-/tmp/presenter-scale}
DRAIN_AT=${DRAIN_AT:-}
DRAIN_GATEWAY=${DRAIN_GATEWAY:-1}
DRAIN_WINDOW=${DRAIN_WINDOW:-30s}
WEIGHTED_DNS=${WEIGHTED_DNS:-$([ -n "$DRAIN_AT" ] && echo 1 || echo 0)}

# shellcheck source=deploy/bench/lib.sh
. "$(dirname "$0")/lib.sh"
proc() { # pid -> "RSS n MB, CPU n s"
  local ticks
  [ -r "/proc/$1/stat" ] || { printf 'exited'; return 0; }
  ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
  printf 'RSS %s MB, CPU %s s' "$(( $(awk '/^VmRSS:/ {print $2}' "/proc/$1/status") / 1024 ))" "$(( ticks / 100 ))"
}

rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
say "building..."
(cd "$root" && ./mvnw -q -B -o install -DskipTests)

say "+ $presenter local --chat-servers $CHAT_SERVERS --gateways 0 --data-dir $DATA_DIR/cluster &"
"$presenter" local --chat-servers "$CHAT_SERVERS" --gateways 0 --data-dir "$DATA_DIR/cluster" > "$DATA_DIR/local.log" 2>&1 &
local_pid=$!
started+=($local_pid)
for _ in $(seq 1 120); do [ -f "$DATA_DIR/cluster/local.json" ] && break; sleep 0.5; done
[ -f "$DATA_DIR/cluster/local.json" ] || { say "local cluster did not start"; tail "$DATA_DIR/local.log"; exit 1; }
zk=$(json "$DATA_DIR/cluster/local.json" 'd["zookeeper"]')

gateways=()
gw_pids=()
gw_admins=()
for g in $(seq 1 "$GATEWAYS"); do
  port=$(free_port)
  admin=$(free_port)
  cat > "$DATA_DIR/gateway-$g.conf" <<EOF
presenter.gateway {
  id = scale-gw-$g
  bind-host = 127.0.0.1
  port = $port
  admin-port = $admin
  zookeeper.connect = "$zk"
  tls.cert-file = "$DATA_DIR/cluster/tls/server.pem"
  tls.key-file = "$DATA_DIR/cluster/tls/server.key"
  tokens.key-file = "$DATA_DIR/cluster/keys.json"
  limits.max-connections-per-ip = 1000000
  limits.max-pending-auth = 50000
  weights.interval = 1s
  drain { window = $DRAIN_WINDOW, quiet-period = 2s, deadline = 5m }
}
EOF
  PRESENTER_JAVA_OPTS="-Xmx$GATEWAY_HEAP" "$presenter" gateway --config "$DATA_DIR/gateway-$g.conf" > "$DATA_DIR/gateway-$g.log" 2>&1 &
  pid=$!
  started+=($pid)
  gw_pids+=($pid)
  gw_admins+=($admin)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null || { say "gateway $g not ready"; tail "$DATA_DIR/gateway-$g.log"; exit 1; }
  gateways+=("127.0.0.1:$port")
  say "gateway $g: pid $pid on 127.0.0.1:$port"
done

list=$(IFS=,; echo "${gateways[*]}")
cmd=("$presenter" loadtest --gateways "$list" --ca "$DATA_DIR/cluster/tls/ca.pem" --key-file "$DATA_DIR/cluster/keys.json"
  --couples "$COUPLES" --devices-per-user "$DEVICES" --ramp "$RAMP" --rate "$RATE" --duration "$DURATION"
  --sources "$SOURCES" --out "$DATA_DIR/report")
[ "$WORKERS" != 0 ] && cmd+=(--workers "$WORKERS")
[ "$WEIGHTED_DNS" = 1 ] && cmd+=(--zookeeper "$zk")
# shellcheck disable=SC2206
[ -n "$LOADTEST_ARGS" ] && cmd+=($LOADTEST_ARGS)
say "+ ${cmd[*]}"
PRESENTER_JAVA_OPTS="${LOADTEST_JAVA_OPTS:-}" timeout 1800 "${cmd[@]}" > "$DATA_DIR/loadtest.log" 2>&1 &
lt_pid=$!
started+=($lt_pid)
# Sample the servers while the run holds its connections (the report has the workers' own figures).
peak_line=""
t0=$(date +%s)
drain_started=""
while kill -0 "$lt_pid" 2>/dev/null; do
  if [ -n "$DRAIN_AT" ] && [ -z "$drain_started" ] && [ $(( $(date +%s) - t0 )) -ge "$DRAIN_AT" ]; then
    drain_started=1
    i=$((DRAIN_GATEWAY - 1))
    say "[t+$(( $(date +%s) - t0 ))s] + $presenter drain --admin 127.0.0.1:${gw_admins[$i]}   (gateway $DRAIN_GATEWAY)"
    ( "$presenter" drain --admin "127.0.0.1:${gw_admins[$i]}" --wait 300s --poll 1s > "$DATA_DIR/drain.log" 2>&1
      echo "[t+$(( $(date +%s) - t0 ))s] drain of gateway $DRAIN_GATEWAY: $(tail -1 "$DATA_DIR/drain.log")"
      curl -s "http://127.0.0.1:${gw_admins[$i]}/metrics" > "$DATA_DIR/gateway-$DRAIN_GATEWAY-drained.metrics" || true
      kill "${gw_pids[$i]}" ) &
  fi
  line="local (zk + chat) $(proc "$local_pid")"
  for i in "${!gw_pids[@]}"; do line+="; gateway $((i + 1)) $(proc "${gw_pids[$i]}")"; done
  if grep -q '^steady\|^drain' "$DATA_DIR/loadtest.log" 2>/dev/null; then peak_line=$line; fi
  sleep 5
done
set +e
wait "$lt_pid"
status=$?
set -e
cat "$DATA_DIR/loadtest.log"
[ -n "$drain_started" ] && cat "$DATA_DIR/drain.log"
for i in "${!gw_pids[@]}"; do
  metrics=$(curl -s "http://127.0.0.1:${gw_admins[$i]}/metrics" 2>/dev/null || true)
  [ -z "$metrics" ] && [ -f "$DATA_DIR/gateway-$((i + 1))-drained.metrics" ] && metrics=$(cat "$DATA_DIR/gateway-$((i + 1))-drained.metrics")
  say "gateway $((i + 1)): $(printf '%s\n' "$metrics" | awk '/^presenter_gateway_auth_total|^presenter_gateway_handshakes_total|^presenter_gateway_drain_goaways_total/ {printf "%s ", $0}')"
done
say "servers during the run: ${peak_line:-not sampled}"
say "servers at the end:     local (zk + chat) $(proc "$local_pid")$(for i in "${!gw_pids[@]}"; do printf '; gateway %s %s' $((i + 1)) "$(proc "${gw_pids[$i]}")"; done)"
say "loadtest exit status $status; report in $DATA_DIR/report"
exit "$status"
