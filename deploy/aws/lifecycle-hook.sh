#!/bin/sh
# AWS Auto Scaling scale-in for one gateway instance: waits until the group marks this instance
# for termination (lifecycle hook on autoscaling:EC2_INSTANCE_TERMINATING), drains the gateway
# (`presenter drain`: out of DNS first, clients moved spread over drain.window), then lets the
# termination continue. Runs on the instance as a service (presenter-lifecycle-hook.service).
#
# Set up once per group (see deploy/README.md):
#   aws autoscaling put-lifecycle-hook --auto-scaling-group-name GROUP \
#     --lifecycle-hook-name presenter-drain --lifecycle-transition autoscaling:EC2_INSTANCE_TERMINATING \
#     --heartbeat-timeout 300 --default-result CONTINUE
# The instance role needs autoscaling:RecordLifecycleActionHeartbeat and
# autoscaling:CompleteLifecycleAction on the group.
#
# Environment (all optional except the group name):
#   PRESENTER_ASG_NAME      the Auto Scaling group (required)
#   PRESENTER_HOOK_NAME     lifecycle hook name (presenter-drain)
#   PRESENTER_ADMIN         the gateway's admin endpoint (127.0.0.1:8480)
#   PRESENTER_DRAIN_WAIT    longest drain before giving up and continuing anyway (15m; keep it
#                           below the hook's maximum of 100 x heartbeat-timeout)
#   PRESENTER_HEARTBEAT     seconds between lifecycle heartbeats while draining (60; below the
#                           hook's heartbeat-timeout)
#   PRESENTER_POLL          seconds between instance-metadata checks (5)
#   PRESENTER_BIN           the presenter launcher (/opt/presenter/deploy/bin/presenter)
#   AWS_CLI                 the aws command (aws)
#   IMDS_ENDPOINT           instance metadata service (http://169.254.169.254)
set -u

asg="${PRESENTER_ASG_NAME:?set PRESENTER_ASG_NAME to the Auto Scaling group name}"
hook="${PRESENTER_HOOK_NAME:-presenter-drain}"
admin="${PRESENTER_ADMIN:-127.0.0.1:8480}"
wait="${PRESENTER_DRAIN_WAIT:-15m}"
heartbeat="${PRESENTER_HEARTBEAT:-60}"
poll="${PRESENTER_POLL:-5}"
presenter="${PRESENTER_BIN:-/opt/presenter/deploy/bin/presenter}"
aws="${AWS_CLI:-aws}"
imds="${IMDS_ENDPOINT:-http://169.254.169.254}"

log() { echo "lifecycle-hook: $*" >&2; }

# IMDSv2: every read needs a session token.
metadata() {
  token=$(curl -sf -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$imds/latest/api/token") || return 1
  curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"
}

instance=""
while [ -z "$instance" ]; do
  instance=$(metadata instance-id) || { log "instance metadata not reachable yet"; instance=""; sleep "$poll"; }
done
log "instance $instance in group $asg, waiting for scale-in"

# The group sets target-lifecycle-state to Terminated when it picks this instance.
while :; do
  state=$(metadata autoscaling/target-lifecycle-state) || state=""
  [ "$state" = "Terminated" ] && break
  sleep "$poll"
done
log "marked for termination: draining the gateway at $admin"

"$presenter" drain --admin "$admin" --wait "$wait" &
drain_pid=$!
# Keep the hook alive while the drain runs (the group would otherwise act at heartbeat-timeout).
(
  while kill -0 "$drain_pid" 2>/dev/null; do
    sleep "$heartbeat"
    kill -0 "$drain_pid" 2>/dev/null || break
    "$aws" autoscaling record-lifecycle-action-heartbeat --auto-scaling-group-name "$asg" \
      --lifecycle-hook-name "$hook" --instance-id "$instance" || log "heartbeat failed"
  done
) &
beat_pid=$!
wait "$drain_pid"
status=$?
kill "$beat_pid" 2>/dev/null
case $status in
  0) log "drained" ;;
  1) log "still draining after $wait: terminating anyway (the remaining clients reconnect elsewhere)" ;;
  *) log "drain could not start (status $status): terminating anyway" ;;
esac
# CONTINUE either way: a gateway that cannot drain must not keep the instance alive forever.
"$aws" autoscaling complete-lifecycle-action --auto-scaling-group-name "$asg" \
  --lifecycle-hook-name "$hook" --instance-id "$instance" --lifecycle-action-result CONTINUE
