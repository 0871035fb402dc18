#!/usr/bin/env bash
# Builds the container image from the real Dockerfile with podman and runs it the way jobs/ does (uid 1000,
# read-only root, all capabilities dropped, no-new-privileges, /scratch an emptyDir-like folder) for four
# runs: report --live-file, report against the e2e kube-apiserver, run (git over file:// + a loopback Slack),
# schedule stopped by SIGTERM. `npm run test:image`; CI runs it from .ci/run.
#
# The base image cannot be pulled here (no container registry), so scripts/image/base.sh builds a stand-in
# for node:24-bookworm-slim from Debian's packages and the npm registry's Node binary, cached per machine in
# ~/.cache/netpol-drift/image. The Dockerfile is used as a user builds it; the one addition is its optional
# `extra-ca` build secret, fed with this machine's CA bundle so `npm ci` trusts the TLS proxy in front of the
# registry.
#
# Never skips: a machine without podman/runc/mmdebstrap, or one that cannot start a container, fails here
# with the reason. The last line is "N passed, N failed" for the four runs.
#
# Env read:
#   NETPOL_DRIFT_IMAGE_COLD=1        rebuild the stand-in base and build with --no-cache (a cold build)
#   NETPOL_DRIFT_IMAGE_EXTRA_CA      CA bundle for the build secret (default: $NODE_EXTRA_CA_CERTS, then
#                                    $SSL_CERT_FILE, then the system bundle; a missing file: no secret)
#   NETPOL_DRIFT_IMAGE_MAX_ADDED_MB  budget for what the Dockerfile adds on top of its base (default 150)
#   NETPOL_DRIFT_IMAGE_CACHE         cache root (default ~/.cache/netpol-drift/image)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
START=$(date +%s)
log() { printf '[image-test +%4ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }
fail() { log "ERROR: $*"; echo "0 passed, 4 failed"; exit 1; }
IMAGE=localhost/netpol-drift:image-test
CACHE=${NETPOL_DRIFT_IMAGE_CACHE:-$HOME/.cache/netpol-drift/image}
export NETPOL_DRIFT_IMAGE_CACHE=$CACHE
# Loopback (the API server, the Slack receiver) never goes through a proxy.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

# ---- can this machine build and run containers? ----
for t in podman runc mmdebstrap git node npm flock; do
  command -v "$t" >/dev/null 2>&1 || fail "$t not found: this machine cannot build or run the image (apt-get install -y podman buildah mmdebstrap runc)"
done
# podman's defaults trip over this sandbox: its default ulimits exceed the hard limits (setrlimit: Operation
# not permitted), and crun refuses the mixed cgroup v1/v2 setup. A containers.conf of our own, for podman
# started from here only (nothing system-wide changes).
# The limits: the recipe's values, lowered to this shell's hard limits where those are smaller.
lim() { local h; h=$(ulimit "$1"); if [ "$h" = unlimited ] || [ "$h" -gt "$2" ]; then echo "$2"; else echo "$h"; fi; }
nofile=$(lim -Hn 20000); nproc=$(lim -Hu 4096)
mkdir -p "$CACHE"
cat > "$CACHE/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF=$CACHE/containers.conf
info=$(podman info --format '{{.Store.GraphDriverName}} {{.Host.OCIRuntime.Name}} cgroups {{.Host.CgroupsVersion}}' 2>&1) \
  || fail "podman cannot start here: $info"
log "podman $(podman --version | awk '{print $3}'): $info"

# ---- the stand-in base, then the Dockerfile ----
FROM=$(sed -nE 's/^ARG NODE_IMAGE=(.+)$/\1/p' Dockerfile | head -n1)
[ -n "$FROM" ] || fail "no ARG NODE_IMAGE=... in the Dockerfile"
t0=$(date +%s)
BASE=$(bash scripts/image/base.sh "$FROM" | tail -n1) || fail "building the stand-in base failed (see above)"
log "base $BASE ready in $(( $(date +%s) - t0 ))s"
probe=$(podman run --rm --network none "$BASE" true 2>&1) || fail "this machine cannot run containers: $probe"

secret=()
ca=${NETPOL_DRIFT_IMAGE_EXTRA_CA:-${NODE_EXTRA_CA_CERTS:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}}
if [ -n "$ca" ] && [ -s "$ca" ]; then secret=(--secret "id=extra-ca,src=$ca"); log "extra-ca build secret: $ca"; fi
nocache=()
[ "${NETPOL_DRIFT_IMAGE_COLD:-}" = 1 ] && nocache=(--no-cache)

build() { # $1: label; the rest: extra podman build flags
  local label=$1; shift
  local t=$(date +%s) out
  if ! out=$(podman build --pull=never --layers "${secret[@]}" "$@" -t "$IMAGE" . 2>&1); then
    printf '%s\n' "$out" | tail -n 40 >&2
    fail "podman build failed"
  fi
  local steps cached
  steps=$(grep -cE 'STEP [0-9]+/[0-9]+: ' <<<"$out" || true)
  cached=$(grep -c '^--> Using cache' <<<"$out" || true)
  log "$label build: $(( $(date +%s) - t ))s ($cached of $steps steps from the layer cache)"
}
build "first" "${nocache[@]}"
build "repeat (cached)"

# ---- sizes: the image, and what the Dockerfile adds on top of its base ----
size() { podman image inspect --format '{{.Size}}' "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
img=$(size "$IMAGE"); base=$(size "$BASE"); added=$(( img - base ))
log "image size $(mb "$img") MB; base $(mb "$base") MB; added by the Dockerfile $(mb "$added") MB"
podman history --format '{{.Size}}|{{.CreatedBy}}' "$IMAGE" | awk -F'|' '$1 != "0 B" { printf "    %10s  %s\n", $1, substr($2, 1, 110) }' >&2
max=${NETPOL_DRIFT_IMAGE_MAX_ADDED_MB:-150}
if [ "$(awk -v a="$added" -v m="$max" 'BEGIN { print (a > m * 1e6) }')" = 1 ]; then
  fail "the Dockerfile adds $(mb "$added") MB, over the ${max} MB budget"
fi
# What must not be in it: dev and terminal-only packages, type declarations, man pages.
leftovers=$(podman run --rm --entrypoint /bin/sh "$IMAGE" -c \
  'cd /opt/netpol-drift && ls -d node_modules/pino-pretty node_modules/typescript node_modules/vitest node_modules/@types 2>/dev/null
   find node_modules -name "*.d.ts" | head -n 3; find /usr/share/man -type f 2>/dev/null | head -n 3' 2>&1) \
  || fail "could not list the image's contents: $leftovers"
[ -z "$leftovers" ] || fail "the image ships what it should not: $leftovers"

# ---- the control plane and the host's build for comparison ----
t0=$(date +%s)
npm run --silent build >/dev/null || fail "npm run build failed (the host side of the comparisons)"
log "host build (dist/ for the comparisons) in $(( $(date +%s) - t0 ))s"
WORK=$(NETPOL_DRIFT_ENVTEST_OWNER_PID=$$ bash scripts/envtest-up.sh | tail -n1) || fail "the test control plane did not start"
trap 'bash scripts/envtest-down.sh "$WORK" >/dev/null 2>&1 || true' EXIT

counts=$(mktemp)
ENVTEST_WORK=$WORK node scripts/image/runs.mjs "$IMAGE" "$counts" || true
read -r passed failed < <(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.passed, c.failed)' "$counts" 2>/dev/null || echo "0 4")
rm -f "$counts"
log "image $(mb "$img") MB, added $(mb "$added") MB; total $(( $(date +%s) - START ))s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" = 4 ]
