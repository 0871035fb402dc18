#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the Go module proxy into a per-version cache:
#   ${NETPOL_DRIFT_ENVTEST_CACHE:-$HOME/.cache/netpol-drift/envtest}/k8s-<K8S>-etcd-<ETCD>/bin/
# A no-op when the three binaries are already there and report the pinned versions.
# Progress goes to stderr; the LAST stdout line (in fact the only one) is the bin dir, so
#   BIN=$(scripts/envtest-build.sh | tail -n1)
# works. Needs only Go (>= 1.21 so GOTOOLCHAIN=auto can fetch the go line's toolchain) and the proxy.
#
# Env read:
#   NETPOL_DRIFT_ENVTEST_CACHE  cache root (default $HOME/.cache/netpol-drift/envtest)
#   GO                          go binary (default: `go` on PATH, else /usr/local/go/bin/go)
#   GOTOOLCHAIN                 respected if set; otherwise forced to `auto` (see below)
#   GOPROXY/GOSUMDB/GOMODCACHE/GOCACHE  the usual Go settings, passed through
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/k8s-versions.env source-path=SCRIPTDIR/..
. "$ROOT/scripts/k8s-versions.env"

START=$(date +%s)
log() { printf '[envtest-build +%4ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [ -z "${GO:-}" ]; then
  if command -v go >/dev/null 2>&1; then GO=go
  elif [ -x /usr/local/go/bin/go ]; then GO=/usr/local/go/bin/go
  else die "no Go toolchain found (set GO=/path/to/go)"; fi
fi

# --- Go environment (why each one) ---
# A go.work in a parent directory would otherwise take over the wrapper modules.
export GOWORK=off
# Static binaries like upstream's KUBE_STATIC_BINARIES; no C toolchain needed.
export CGO_ENABLED=0
# Recipe said `GOFLAGS=` (empty). Correction: an EMPTY env var does not override the user's
# `go env -w GOFLAGS=...` file (cmd/go falls back to it), so set it to a non-empty value.
# -buildvcs=false: the wrapper modules sit inside this git work tree; VCS stamping would tie the
# binaries to the repo state and fails in odd git states (no commits, "dubious ownership").
export GOFLAGS=-buildvcs=false
# Some Go distributions (this machine's go.env) default to GOTOOLCHAIN=local; `auto` lets an
# older Go fetch the toolchain named by the go line through the module proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
# Never proxy loopback traffic (version checks are local, but keep it uniform with envtest-up).
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

CACHE_ROOT=${NETPOL_DRIFT_ENVTEST_CACHE:-$HOME/.cache/netpol-drift/envtest}
KEY_DIR="$CACHE_ROOT/k8s-${K8S_VERSION#v}-etcd-${ETCD_VERSION#v}"
BIN_DIR="$KEY_DIR/bin"

# True when $1 holds the three binaries, each runnable and reporting the pinned version.
bins_ok() {
  local d=$1
  local out
  [ -x "$d/kube-apiserver" ] && [ -x "$d/kubectl" ] && [ -x "$d/etcd" ] || return 1
  # Capture first, then match: `cmd | grep -q` can fail under pipefail when grep exits early.
  out=$("$d/kube-apiserver" --version 2>/dev/null) || return 1
  case $'\n'"$out"$'\n' in *$'\n'"Kubernetes $K8S_VERSION"$'\n'*) ;; *) return 1 ;; esac
  out=$("$d/kubectl" version --client 2>/dev/null) || return 1
  case $'\n'"$out"$'\n' in *$'\n'"Client Version: $K8S_VERSION"$'\n'*) ;; *) return 1 ;; esac
  out=$("$d/etcd" --version 2>/dev/null) || return 1
  case $'\n'"$out"$'\n' in *$'\n'"etcd Version: ${ETCD_VERSION#v}"$'\n'*) ;; *) return 1 ;; esac
}

if bins_ok "$BIN_DIR"; then
  log "cached: $BIN_DIR"
  echo "$BIN_DIR"
  exit 0
fi

mkdir -p "$KEY_DIR"
# Serialize concurrent builds of the same key (two test runs starting at once) when flock exists.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$KEY_DIR/.lock"
  if ! flock -n 9; then
    log "another build holds $KEY_DIR/.lock; waiting"
    flock 9
  fi
  if bins_ok "$BIN_DIR"; then log "built by another process: $BIN_DIR"; echo "$BIN_DIR"; exit 0; fi
fi

# Leftovers of killed builds (SIGKILL skips the trap). Safe: we hold the lock (or there is none).
rm -rf "$KEY_DIR"/.build-*
TMP=$(mktemp -d "$KEY_DIR/.build-XXXXXX")   # same filesystem as BIN_DIR -> the final mv is a rename
trap 'rm -rf "$TMP"' EXIT
# On INT/TERM/HUP stop the running go command too (it is a background job, see below), so an
# interrupted build leaves neither a partial bin dir nor a compiler running on.
CHILD=
on_signal() {
  [ -z "$CHILD" ] || { kill "$CHILD" 2>/dev/null; wait "$CHILD" 2>/dev/null || true; }
  log "interrupted"
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP
mkdir -p "$TMP/bin"

# Refuse to build something else than what the cache key says.
mod_version() { "$GO" -C "$1" list -m -f '{{.Version}}' "$2"; }
check_pin() {
  local got
  got=$(mod_version "$1" "$2") || die "cannot resolve $2 in $1 (see above)"
  [ "$got" = "$3" ] || die "$1/go.mod pins $2 $got but scripts/k8s-versions.env says $3 (run tools/update-envtest-modules.sh)"
}

# Runs "$@" (a go command) in the background with output to $LOG_FILE and prints a heartbeat
# every 30s: elapsed time and how many packages `go build -v` has reported so far.
run_with_progress() {
  local what=$1; shift
  local t0 pid rc n
  t0=$(date +%s)
  "$@" >"$LOG_FILE" 2>&1 &
  pid=$!
  CHILD=$pid
  while kill -0 "$pid" 2>/dev/null; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then
      # `go build -v` prints one line per package it compiles (cached ones are not printed).
      n=$(grep -c '' "$LOG_FILE" || true)
      log "  ... $what: $(( $(date +%s) - t0 ))s, $n${PKG_TOTAL:+/$PKG_TOTAL} packages compiled"
    fi
  done
  rc=0; wait "$pid" || rc=$?
  CHILD=
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$LOG_FILE" >&2
    # $TMP is removed on exit; keep the log next to the cache for a post-mortem.
    cp "$LOG_FILE" "$KEY_DIR/build-failed.log" 2>/dev/null || true
    die "$what failed (exit $rc); full log: $KEY_DIR/build-failed.log"
  fi
  log "  done: $what in $(( $(date +%s) - t0 ))s"
}

K8S_MOD="$ROOT/tools/k8s-bin"
ETCD_MOD="$ROOT/tools/etcd-bin"
log "building k8s $K8S_VERSION + etcd $ETCD_VERSION with $("$GO" version) into $BIN_DIR"
log "  (cold: ~17 min on 2 cores, ~1 GB modules + ~3 GB GOCACHE; logs in $TMP)"

log "step 1/4: download modules (go mod download)"
LOG_FILE="$TMP/download-k8s.log";  run_with_progress "download k8s modules"  "$GO" -C "$K8S_MOD" mod download
LOG_FILE="$TMP/download-etcd.log"; run_with_progress "download etcd modules" "$GO" -C "$ETCD_MOD" mod download
check_pin "$K8S_MOD" k8s.io/kubernetes "$K8S_VERSION"
check_pin "$ETCD_MOD" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"

# Version stamping as hack/lib/version.sh does (both packages). buildDate = the tag's commit time
# from the proxy (not "now") so rebuilding gives byte-identical binaries. gitCommit is unknown
# from the proxy and left empty.
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
build_date=$("$GO" -C "$K8S_MOD" list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
ldf="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf="$ldf -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
  ldf="$ldf -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
done
# Tags as hack/lib/golang.sh for non-debug builds. Recipe correction: upstream also passes
# `grpcnotrace` (drops x/net/trace from grpc, smaller binary), not only selinux,notest.
tags=selinux,notest,grpcnotrace

log "step 2/4: compile+link kube-apiserver and kubectl (the long part)"
K8S_PKGS=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)
# Upper bound for the progress lines (~2,300 packages incl. std; fewer are compiled when cached).
PKG_TOTAL=$("$GO" -C "$K8S_MOD" list -deps -tags="$tags" "${K8S_PKGS[@]}" | grep -c '') || PKG_TOTAL=
LOG_FILE="$TMP/build-k8s.log"
run_with_progress "build kube-apiserver+kubectl" \
  "$GO" -C "$K8S_MOD" build -v -trimpath -tags="$tags" -ldflags="$ldf" -o "$TMP/bin/" \
  "${K8S_PKGS[@]}"

log "step 3/4: compile+link etcd"
# -o names the binary: without it, it would be called `server` (path element before /v3).
PKG_TOTAL=$("$GO" -C "$ETCD_MOD" list -deps go.etcd.io/etcd/server/v3 | grep -c '') || PKG_TOTAL=
LOG_FILE="$TMP/build-etcd.log"
run_with_progress "build etcd" \
  "$GO" -C "$ETCD_MOD" build -v -trimpath -ldflags="-s -w" -o "$TMP/bin/etcd" go.etcd.io/etcd/server/v3

log "step 4/4: verify and install"
bins_ok "$TMP/bin" || {
  "$TMP/bin/kube-apiserver" --version >&2 || true
  "$TMP/bin/kubectl" version --client >&2 || true
  "$TMP/bin/etcd" --version >&2 || true
  die "built binaries do not report the pinned versions"
}
# Replace a broken/partial bin dir, then one rename() makes the new one appear all at once.
if [ -e "$BIN_DIR" ]; then rm -rf "$BIN_DIR"; fi
mv "$TMP/bin" "$BIN_DIR"
log "installed: $(du -sh "$BIN_DIR" | cut -f1) in $BIN_DIR (total $(( $(date +%s) - START ))s)"
echo "$BIN_DIR"
