#!/usr/bin/env bash
# Stops a control plane started by scripts/envtest-up.sh and removes its WORKDIR.
#
# Usage:  scripts/envtest-down.sh [--keep] WORKDIR
#   --keep   stop the processes but keep WORKDIR (logs, PKI) for a post-mortem
# Idempotent: a missing WORKDIR or already-stopped processes are not an error.
# Env read: ENVTEST_STOP_TIMEOUT (seconds to wait after SIGTERM before SIGKILL, default 10).
set -euo pipefail

keep=
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
W=${1:?usage: envtest-down.sh [--keep] WORKDIR}
[ -d "$W" ] || exit 0

# Only touch directories that envtest-up.sh made: a typo must never become `rm -rf` of something else.
[ -d "$W/pki" ] || [ -f "$W/env" ] || [ -f "$W/etcd.pid" ] || {
  echo "envtest-down: $W does not look like an envtest dir (no pki/, env, etcd.pid); not touching it" >&2
  exit 1
}

# Is $1 still the process we started (pid files can outlive it; pids get reused)?
ours() {
  local pid=$1 name=$2
  local state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/stat" ]; then
    # A zombie (exited, not yet reaped by whoever inherited it) passes `kill -0`: it is gone.
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || state=
    [ "$state" != Z ] || return 1
  fi
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name" || return 1
  fi
}

stop() {
  local name=$1 match=$2 pid
  [ -f "$W/$name.pid" ] || return 0
  pid=$(cat "$W/$name.pid")
  ours "$pid" "$match" || { rm -f "$W/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  # Graceful first (etcd/apiserver shut down in well under a second normally), then KILL.
  for _ in $(seq 1 $(( ${ENVTEST_STOP_TIMEOUT:-10} * 5 ))); do
    ours "$pid" "$match" || break
    sleep 0.2
  done
  if ours "$pid" "$match"; then
    echo "envtest-down: $name ($pid) still running ${ENVTEST_STOP_TIMEOUT:-10}s after SIGTERM; sending SIGKILL (state: $(cut -c1-80 "/proc/$pid/stat" 2>/dev/null))" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do ours "$pid" "$match" || break; sleep 0.2; done
  fi
  rm -f "$W/$name.pid"
}

# The watchdog first (it would call us again), then the apiserver (so it does not log etcd
# errors while etcd goes away), then etcd.
stop watchdog envtest-watchdog
stop kube-apiserver kube-apiserver
stop etcd etcd

[ -n "$keep" ] || rm -rf "$W"
