#!/bin/bash
# A fleet on one machine, loaded by `presenter loadtest`, every step bounded in time:
#   1. `presenter local --gateways 0`: ZooKeeper + chat servers (one embedded store) in one JVM;
#   2. GATEWAYS gateway processes (one JVM each: one process may hold at most ~20,000 sockets
#      here), per-IP limit lifted because every client comes from a few loopback addresses;
#   3. `presenter loadtest` against all of them with the arguments given to this script;
#   4. optionally, DRAIN_AT seconds after the load test started, `presenter drain` on gateway
#      DRAIN_GATEWAY (scale-in under load), then that gateway is stopped (SIGTERM);
#   5. RSS of every process at RSS_AT seconds (e.g. when the ramp is done) and at the end.
# Only processes this script started are stopped (by PID). Results stay in $DATA_DIR.
#
# Settings (environment): GATEWAYS (3), CHAT_SERVERS (2), DATA_DIR (/tmp/presenter-fleet,
# recreated), GATEWAY_HEAP (1g), CLUSTER_HEAP (2g), GATEWAY_THREADS (1), DRAIN_AT (none),
# DRAIN_GATEWAY (1), RSS_AT (none), TIMEOUT seconds for the load test (3600).
# Example (scale-in under load):
#   GATEWAYS=3 DRAIN_AT=40 deploy/bench/fleet-loadtest.sh --couples 3000 --rate 0.5 --duration 90
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
presenter="$root/deploy/bin/presenter"
GATEWAYS=${GATEWAYS:-3}
CHAT_SERVERS=${CHAT_SERVERS:-2}
DATA_DIR=${DATA_DIR:-/tmp/presenter-fleet}
GATEWAY_HEAP=${GATEWAY_HEAP:-1g}
CLUSTER_HEAP=${CLUSTER_HEAP:-2g}
GATEWAY_THREADS=${GATEWAY_THREADS:-1}
DRAIN_AT=${DRAIN_AT:-}
DRAIN_GATEWAY=${DRAIN_GATEWAY:-1}
RSS_AT=${RSS_AT:-}
TIMEOUT=${TIMEOUT:-3600}

started=()
cleanup() {
  for pid in "${started[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

say() { printf '%s\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/^VmRSS:/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo gone; }
rss_report() { # label
  say "RSS at $1:"
  say "  cluster (ZooKeeper + $CHAT_SERVERS chat servers) pid $local_pid: $(rss_mb "$local_pid") MB"
  for i in "${!gw_pids[@]}"; do
    say "  gateway-$((i + 1)) pid ${gw_pids[$i]}: $(rss_mb "${gw_pids[$i]}") MB, $(curl -s "http://127.0.0.1:${gw_admins[$i]}/metrics" 2>/dev/null | awk '/^presenter_gateway_connections /{print $2}') connections"
  done
  for pid in $(pgrep -f 'io.presenter.launcher.Presenter loadtest' || true); do
    say "  loadtest pid $pid: $(rss_mb "$pid") MB"
  done
}

rm -rf "$DATA_DIR"
mkdir -p "$DATA_DIR"
say "building..."
(cd "$root" && ./mvnw -q -B -o install -DskipTests 2>/dev/null || ./mvnw -q -B install -DskipTests)

say "+ $presenter local --chat-servers $CHAT_SERVERS --gateways 0 --data-dir $DATA_DIR/cluster &"
PRESENTER_JAVA_OPTS="-Xmx$CLUSTER_HEAP" "$presenter" local --chat-servers "$CHAT_SERVERS" --gateways 0 \
  --data-dir "$DATA_DIR/cluster" > "$DATA_DIR/local.log" 2>&1 &
local_pid=$!
started+=($local_pid)
for _ in $(seq 1 240); do [ -f "$DATA_DIR/cluster/local.json" ] && break; sleep 0.5; done
[ -f "$DATA_DIR/cluster/local.json" ] || { say "local cluster did not start"; tail "$DATA_DIR/local.log"; exit 1; }
zk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["zookeeper"])' "$DATA_DIR/cluster/local.json")

gw_pids=()
gw_admins=()
gateways=""
for i in $(seq 1 "$GATEWAYS"); do
  port=$(free_port)
  admin=$(free_port)
  cat > "$DATA_DIR/gateway-$i.conf" <<EOF
presenter.gateway {
  id = gateway-$i
  bind-host = 127.0.0.1
  port = $port
  admin-port = $admin
  event-loop-threads = $GATEWAY_THREADS
  zookeeper.connect = "$zk"
  tls.cert-file = "$DATA_DIR/cluster/tls/server.pem"
  tls.key-file = "$DATA_DIR/cluster/tls/server.key"
  tokens.key-file = "$DATA_DIR/cluster/keys.json"
  limits.max-connections-per-ip = 1000000
  weights.interval = 1s
  drain { window = 10s, quiet-period = 2s, deadline = 60s }
}
EOF
  PRESENTER_JAVA_OPTS="-Xmx$GATEWAY_HEAP -Dnetty.leakDetection=disabled" "$presenter" gateway --config "$DATA_DIR/gateway-$i.conf" \
    > "$DATA_DIR/gateway-$i.log" 2>&1 &
  gw_pids+=($!)
  started+=($!)
  gw_admins+=($admin)
  gateways="${gateways:+$gateways,}127.0.0.1:$port"
done
for i in "${!gw_pids[@]}"; do
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:${gw_admins[$i]}/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:${gw_admins[$i]}/readyz" >/dev/null || { say "gateway-$((i + 1)) not ready"; tail "$DATA_DIR/gateway-$((i + 1)).log"; exit 1; }
done
say "gateways ready: $gateways"

cmd=("$presenter" loadtest --gateways "$gateways" --ca "$DATA_DIR/cluster/tls/ca.pem" --key-file "$DATA_DIR/cluster/keys.json"
  --zookeeper "$zk" --out "$DATA_DIR/report" "$@")
say "+ ${cmd[*]}"
timeout "$TIMEOUT" "${cmd[@]}" 2>&1 | tee "$DATA_DIR/loadtest.log" &
load_pid=$!
started+=($load_pid)
t0=$(date +%s)
drained=""
measured=""
while kill -0 "$load_pid" 2>/dev/null; do
  now=$(( $(date +%s) - t0 ))
  if [ -n "$DRAIN_AT" ] && [ -z "$drained" ] && [ "$now" -ge "$DRAIN_AT" ]; then
    drained=1
    i=$((DRAIN_GATEWAY - 1))
    say "[t+${now}s] draining gateway-$DRAIN_GATEWAY (connections: $(curl -s "http://127.0.0.1:${gw_admins[$i]}/drain"))"
    ( "$presenter" drain --admin "127.0.0.1:${gw_admins[$i]}" --wait 120s --poll 1s > "$DATA_DIR/drain.log" 2>&1
      say "[drain] $(tail -1 "$DATA_DIR/drain.log"); stopping gateway-$DRAIN_GATEWAY"
      kill "${gw_pids[$i]}" ) &
  fi
  if [ -n "$RSS_AT" ] && [ -z "$measured" ] && [ "$now" -ge "$RSS_AT" ]; then
    measured=1
    rss_report "t+${now}s" | tee -a "$DATA_DIR/rss.txt"
  fi
  sleep 1
done
wait "$load_pid" && status=0 || status=$?
rss_report "the end" | tee -a "$DATA_DIR/rss.txt"
for i in "${!gw_pids[@]}"; do
  say "gateway-$((i + 1)): $(curl -s "http://127.0.0.1:${gw_admins[$i]}/metrics" 2>/dev/null \
    | awk '/^presenter_gateway_auth_total|^presenter_gateway_closes_total\{reason="draining"|^presenter_gateway_handshakes_total/ {printf "%s ", $0}')"
done | tee -a "$DATA_DIR/rss.txt"
say "load test exit status $status; report in $DATA_DIR/report"
exit "$status"
