#!/usr/bin/env bash
# End-to-end check of the test control plane, independent of the TypeScript suite: up, admin
# access, a NetworkPolicy, a ServiceAccount that may only `list` NetworkPolicies (TokenRequest
# token: list allowed, get/secrets/pods Forbidden), server-side apply (incl. a conflict), down.
# Usage: scripts/envtest-smoke.sh     (env as for envtest-up.sh; exits non-zero on any failure)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fail() { echo "envtest-smoke: FAIL: $*" >&2; exit 1; }
step() { echo "envtest-smoke: $*" >&2; }

WORK=$("$ROOT/scripts/envtest-up.sh" | tail -n1)
trap '"$ROOT/scripts/envtest-down.sh" "$WORK"' EXIT
# shellcheck disable=SC1091
. "$WORK/env"
K=("$ENVTEST_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN")

step "admin: get ns"
"${K[@]}" get ns default kube-system >/dev/null

step "namespace + NetworkPolicy"
"${K[@]}" create namespace smoke >/dev/null
"${K[@]}" apply -f - >/dev/null <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: smoke}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
EOF

step "ServiceAccount limited to list networkpolicies + TokenRequest"
"${K[@]}" -n smoke create serviceaccount np-reader >/dev/null
"${K[@]}" create clusterrole smoke-np-list --verb=list --resource=networkpolicies.networking.k8s.io >/dev/null
"${K[@]}" create clusterrolebinding smoke-np-list --clusterrole=smoke-np-list --serviceaccount=smoke:np-reader >/dev/null
TOKEN=$("${K[@]}" -n smoke create token np-reader --duration=1h)
S=("$ENVTEST_BIN/kubectl" --server="$API_URL" --certificate-authority="$CA_FILE" --token="$TOKEN")
[ "$("${S[@]}" auth whoami -o jsonpath='{.status.userInfo.username}')" = system:serviceaccount:smoke:np-reader ] ||
  fail "token does not authenticate as the ServiceAccount"
"${S[@]}" get networkpolicies -A -o name | grep -qx 'networkpolicy.networking.k8s.io/deny-all' ||
  fail "SA cannot list networkpolicies"
for args in "get networkpolicy deny-all -n smoke" "get secrets -A" "get pods -n smoke"; do
  # shellcheck disable=SC2086
  if out=$("${S[@]}" $args 2>&1); then fail "SA could: $args"; fi
  case $out in *Forbidden*) ;; *) fail "expected Forbidden for '$args', got: $out" ;; esac
done

step "server-side apply"
ssa() {
  "${K[@]}" apply --server-side --field-manager="$1" "${@:3}" -f - <<EOF
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-dns, namespace: smoke, labels: {owner: "$2"}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{ports: [{protocol: UDP, port: 53}]}]
EOF
}
ssa smoke-a a >/dev/null
ssa smoke-a a >/dev/null                             # idempotent re-apply
if ssa smoke-b b >/dev/null 2>&1; then fail "SSA conflict not detected"; fi
ssa smoke-b b --force-conflicts >/dev/null
[ "$("${K[@]}" -n smoke get netpol allow-dns -o jsonpath='{.metadata.labels.owner}')" = b ] ||
  fail "forced SSA did not take over the field"

echo "envtest-smoke: OK ($WORK)" >&2
