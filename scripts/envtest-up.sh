#!/usr/bin/env bash
# Starts a throw-away control plane (etcd + kube-apiserver) on 127.0.0.1 only, for the
# integration tests. No controller-manager/scheduler: like controller-runtime's envtest.
#
# Usage:  scripts/envtest-up.sh [WORKDIR]      (WORKDIR must be empty or absent; default: mktemp)
#         WORK=$(scripts/envtest-up.sh | tail -n1) && . "$WORK/env"
# The LAST stdout line (the only one) is WORKDIR; progress and errors go to stderr.
# Stop with: scripts/envtest-down.sh "$WORK"
#
# WORKDIR afterwards:
#   env                   KEY=value lines (sourceable): ENVTEST_DIR API_PORT ETCD_PORT
#                         KUBECONFIG_ADMIN ENVTEST_BIN API_URL CA_FILE
#   admin.kubeconfig      cluster-admin (client cert, group system:masters; certs embedded)
#   pki/                  ca.crt/key, apiserver.crt/key, admin.crt/key, sa.key/pub
#   etcd.log kube-apiserver.log, *.pid, etcd-data/
#
# Env read:
#   ENVTEST_BIN                  use these binaries instead of calling envtest-build.sh
#   NETPOL_DRIFT_ENVTEST_CACHE   passed through to envtest-build.sh
#   ENVTEST_START_TIMEOUT        seconds to wait for authenticated /readyz (default 120)
#   ENVTEST_APISERVER_EXTRA_ARGS extra kube-apiserver flags, space-separated (e.g. --feature-gates=...;
#                                they override the defaults below)
#   NETPOL_DRIFT_ENVTEST_OWNER_PID  if set, a watchdog runs envtest-down.sh when that process
#                                exits (so a crashed test runner does not leak the control plane)
# Needs: openssl, curl, node or python3 (free ports).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
START=$(date +%s)
log() { printf '[envtest-up +%3ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for t in openssl curl; do
  command -v "$t" >/dev/null 2>&1 || die "$t not found (apt-get install -y $t)"
done
# Loopback must never go through an HTTP proxy a CI environment might set.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"

# ---- binaries (envtest-build.sh is a fast no-op when the cache is there) ----
if [ -n "${ENVTEST_BIN:-}" ]; then
  BIN=$ENVTEST_BIN
else
  BIN=$("$ROOT/scripts/envtest-build.sh" | tail -n1)
fi
for b in etcd kube-apiserver kubectl; do [ -x "$BIN/$b" ] || die "$BIN/$b missing"; done

# ---- work dir ----
if [ $# -ge 1 ] && [ -n "$1" ]; then
  WORK=$1
  mkdir -p "$WORK"
  [ -z "$(ls -A "$WORK")" ] || die "$WORK is not empty (stop/remove the old plane with envtest-down.sh)"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/netpol-drift-envtest.XXXXXX")
fi
WORK=$(cd "$WORK" && pwd)
# The env file is plain KEY=value without quoting.
case $WORK in *[[:space:]]*) die "WORKDIR must not contain whitespace: $WORK" ;; esac
mkdir -p "$WORK/pki" "$WORK/etcd-data"
chmod 700 "$WORK"

# On any failure: stop what we started, show the logs, keep WORKDIR for a post-mortem.
ok=
cleanup_on_fail() {
  [ -n "$ok" ] && return 0
  for p in kube-apiserver etcd; do
    if [ -f "$WORK/$p.log" ]; then
      echo "----- last 60 lines of $WORK/$p.log -----" >&2
      tail -n 60 "$WORK/$p.log" >&2
    fi
  done
  "$ROOT/scripts/envtest-down.sh" --keep "$WORK" >&2 || true
  log "failed; logs kept in $WORK (remove with scripts/envtest-down.sh $WORK)"
}
trap cleanup_on_fail EXIT

# ---- free ports ----
# Bind N sockets to 127.0.0.1:0 AT ONCE (so the N ports differ), print them, release them.
# There is a small race until etcd/apiserver bind them; a start that hits EADDRINUSE is retried.
free_ports() {
  if command -v node >/dev/null 2>&1; then
    node -e '
      const net = require("net"); const n = +process.argv[1]; const socks = []; const ports = [];
      const next = () => {
        if (socks.length === n) { console.log(ports.join(" ")); socks.forEach(s => s.close()); return; }
        const s = net.createServer(); s.unref(); socks.push(s);
        s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); next(); });
      };
      next();' "$1"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
  else
    die "need node or python3 to pick free ports"
  fi
}

# ---- PKI ----
# One CA signs the serving cert and the client certs (envtest uses separate CAs; not needed here:
# the serving cert has only the serverAuth EKU, so it cannot log in as a client).
log "generating PKI"
(
  cd "$WORK/pki"
  umask 077
  # Own minimal config so the system openssl.cnf defaults (v3_ca etc.) cannot interfere.
  cat > ca.cnf <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = netpol-drift-envtest-ca
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
EOF
  printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth' \
    'keyUsage=critical,digitalSignature' 'authorityKeyIdentifier=keyid' > server.ext
  printf '%s\n' 'extendedKeyUsage=clientAuth' 'keyUsage=critical,digitalSignature' \
    'authorityKeyIdentifier=keyid' > client.ext
  q() { "$@" 2>openssl.err || { cat openssl.err >&2; exit 1; }; }
  # ECDSA P-256 keys (as envtest's TinyCA): RSA-2048 generation took ~1-2 s per key on a busy
  # 2-core machine (8 s for the PKI); EC keys take milliseconds. Go, Node and curl all accept them.
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
  q openssl req -x509 -new -nodes "${ec[@]}" -sha256 -days 3650 -config ca.cnf -keyout ca.key -out ca.crt
  q openssl req -new -nodes "${ec[@]}" -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
  q openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -sha256 \
    -extfile server.ext -out apiserver.crt
  # envtest's default user: any CN, group (O) system:masters = cluster-admin, bypasses RBAC.
  q openssl req -new -nodes "${ec[@]}" -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=netpol-drift-admin"
  q openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -sha256 \
    -extfile client.ext -out admin.crt
  # ServiceAccount token signing pair (kubeadm's sa.key/sa.pub layout); TokenRequest signs with it
  # (ES256 tokens with an EC key; clients treat tokens as opaque strings).
  q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out sa.key
  q openssl pkey -in sa.key -pubout -out sa.pub
  rm -f ./*.csr openssl.err
  chmod 644 ca.crt apiserver.crt admin.crt sa.pub
)

KUBECONFIG_ADMIN="$WORK/admin.kubeconfig"
KUBECTL=("$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN")

# Starts etcd then kube-apiserver on fresh ports. Returns 2 if a port was taken meanwhile (retry),
# dies on other errors.
start_plane() {
  # NB: called as `start_plane || rc=$?`, where bash ignores `set -e` inside the function:
  # every step below checks its result explicitly.
  local code
  read -r ETCD_PORT ETCD_PEER_PORT API_PORT <<<"$(free_ports 3)" || true
  [[ "${API_PORT:-}" =~ ^[0-9]+$ ]] || die "could not pick free ports"
  log "ports: etcd=$ETCD_PORT etcd-peer=$ETCD_PEER_PORT apiserver=$API_PORT"

  # ---- etcd ----
  # Peer URL must be set too: its default (localhost:2380) may be taken and is not ours.
  # --unsafe-no-fsync: data is throw-away; makes writes much cheaper on a slow disk.
  { rm -rf "$WORK/etcd-data" && mkdir -p "$WORK/etcd-data" && chmod 700 "$WORK/etcd-data"; } || die "cannot create $WORK/etcd-data"
  "$BIN/etcd" --name=envtest --data-dir="$WORK/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="envtest=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level=warn \
    </dev/null >"$WORK/etcd.log" 2>&1 &
  echo $! >"$WORK/etcd.pid"
  for _ in $(seq 1 100); do   # 20 s
    curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
    kill -0 "$(cat "$WORK/etcd.pid")" 2>/dev/null || break
    sleep 0.2
  done
  if ! curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1; then
    if grep -q 'address already in use' "$WORK/etcd.log"; then return 2; fi
    die "etcd did not become healthy"
  fi
  log "etcd healthy"

  # ---- kubeconfig (embedded certs: self-contained, can be copied) ----
  local ca_b64 crt_b64 key_b64
  { ca_b64=$(base64 -w0 <"$WORK/pki/ca.crt") && crt_b64=$(base64 -w0 <"$WORK/pki/admin.crt") &&
    key_b64=$(base64 -w0 <"$WORK/pki/admin.key"); } || die "cannot read the PKI"
  cat >"$KUBECONFIG_ADMIN" <<EOF || die "cannot write $KUBECONFIG_ADMIN"
apiVersion: v1
kind: Config
clusters:
- name: envtest
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $ca_b64
users:
- name: envtest-admin
  user:
    client-certificate-data: $crt_b64
    client-key-data: $key_b64
contexts:
- name: envtest
  context:
    cluster: envtest
    user: envtest-admin
current-context: envtest
EOF
  chmod 600 "$KUBECONFIG_ADMIN"

  # ---- kube-apiserver ----
  # --advertise-address=127.0.0.1: otherwise it is derived from the default route (fails with
  #   "Unable to find suitable network address" on a host without one; bind 127.0.0.1 does not help
  #   because loopback bind addresses are resolved to a host interface). With the default `lease`
  #   reconciler v1.37.2 then refuses to start ("cannot use public IP 127.0.0.1 with endpoint
  #   reconciler: ... may not be in the loopback range", pkg/controlplane/instance.go; verified),
  #   hence --endpoint-reconciler-type=none: the `kubernetes` Service exists, without endpoints.
  # --cert-dir: not used since tls files are given, but keeps it from ever writing /var/run/kubernetes.
  # --disable-admission-plugins=ServiceAccount: as envtest; no controller-manager creates `default`
  #   ServiceAccounts, so the plugin would reject every Pod.
  # --service-cluster-ip-range: only sizes the ClusterIP allocator; nothing connects to it.
  # --service-account-*: enables TokenRequest (`kubectl create token`); audiences default to the issuer.
  # Extra flags come last, so they override the ones above (pflag: last value wins).
  local -a EXTRA_ARGS=()
  read -r -a EXTRA_ARGS <<<"${ENVTEST_APISERVER_EXTRA_ARGS:-}" || true
  APISERVER_T0=$(date +%s.%N)
  "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --tls-cert-file="$WORK/pki/apiserver.crt" --tls-private-key-file="$WORK/pki/apiserver.key" \
    --cert-dir="$WORK/pki" \
    --client-ca-file="$WORK/pki/ca.crt" \
    --authorization-mode=RBAC \
    --service-account-issuer="https://127.0.0.1:$API_PORT" \
    --service-account-key-file="$WORK/pki/sa.pub" \
    --service-account-signing-key-file="$WORK/pki/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --profiling=false \
    "${EXTRA_ARGS[@]}" \
    </dev/null >"$WORK/kube-apiserver.log" 2>&1 &
  echo $! >"$WORK/kube-apiserver.pid"

  # ---- readiness: authenticated /readyz (anonymous may get 403 until the RBAC bootstrap is done) ----
  local timeout=${ENVTEST_START_TIMEOUT:-120} deadline
  deadline=$(( $(date +%s) + timeout ))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$WORK/pki/ca.crt" \
      --cert "$WORK/pki/admin.crt" --key "$WORK/pki/admin.key" "https://127.0.0.1:$API_PORT/readyz" || true)
    [ "$code" = 200 ] && break
    if ! kill -0 "$(cat "$WORK/kube-apiserver.pid")" 2>/dev/null; then
      if grep -q 'address already in use' "$WORK/kube-apiserver.log"; then return 2; fi
      die "kube-apiserver exited"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "kube-apiserver not ready after ${timeout}s (last /readyz: $code)"
    sleep 0.25
  done
  APISERVER_READY_S=$(awk -v a="$APISERVER_T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  log "kube-apiserver ready in ${APISERVER_READY_S}s (start -> authenticated /readyz 200)"
}

for attempt in 1 2 3; do
  rc=0; start_plane || rc=$?
  [ "$rc" -eq 0 ] && break
  if [ "$rc" -ne 2 ] || [ "$attempt" -ge 3 ]; then die "could not start the control plane"; fi
  log "a port was taken meanwhile; retrying with new ports"
  "$ROOT/scripts/envtest-down.sh" --keep "$WORK" >&2 || true
done

# The bootstrap-controller post-start hook (part of /readyz) creates `default`; check anyway.
"${KUBECTL[@]}" get namespace default -o name >/dev/null

cat >"$WORK/env" <<EOF
ENVTEST_DIR=$WORK
API_PORT=$API_PORT
ETCD_PORT=$ETCD_PORT
KUBECONFIG_ADMIN=$KUBECONFIG_ADMIN
ENVTEST_BIN=$BIN
API_URL=https://127.0.0.1:$API_PORT
CA_FILE=$WORK/pki/ca.crt
EOF

if [ -n "${NETPOL_DRIFT_ENVTEST_OWNER_PID:-}" ]; then
  # Detached from our stdio so a caller reading our stdout sees EOF when we exit.
  # shellcheck disable=SC2016  # $1..$3 are the inner script's positional args
  nohup bash -c 'while kill -0 "$1" 2>/dev/null && [ -d "$3" ]; do sleep 2; done; exec "$2" "$3"' \
    envtest-watchdog "$NETPOL_DRIFT_ENVTEST_OWNER_PID" "$ROOT/scripts/envtest-down.sh" "$WORK" \
    </dev/null >>"$WORK/watchdog.log" 2>&1 &
  echo $! >"$WORK/watchdog.pid"
fi

ok=1
log "control plane up: $WORK (total $(( $(date +%s) - START ))s)"
echo "$WORK"
