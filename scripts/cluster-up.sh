#!/usr/bin/env bash
# `npm run cluster:up`: a real local kube-apiserver + etcd for trying netpol-drift by hand.
# The first run builds the binaries from the Go module proxy (cached in ~/.cache/netpol-drift/envtest).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK="$ROOT/.envtest/cluster"
if [ -f "$WORK/env" ] && [ -f "$WORK/kube-apiserver.pid" ] && kill -0 "$(cat "$WORK/kube-apiserver.pid")" 2>/dev/null; then
  echo "already running (npm run cluster:down stops it)" >&2
else
  rm -rf "$WORK"
  mkdir -p "$ROOT/.envtest"
  "$ROOT/scripts/envtest-up.sh" "$WORK" >/dev/null
fi
# shellcheck disable=SC1091
. "$WORK/env"
cat >&2 <<EOF

A local control plane is up at $API_URL. Try:
  export KUBECONFIG=$KUBECONFIG_ADMIN
  $ENVTEST_BIN/kubectl create namespace stratmaster
  $ENVTEST_BIN/kubectl apply -n stratmaster -f desired/stratmaster/
  npx netpol-drift report --desired desired --kubeconfig \$KUBECONFIG
Stop it with: npm run cluster:down
EOF
echo "$KUBECONFIG_ADMIN"
