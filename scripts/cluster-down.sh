#!/usr/bin/env bash
# `npm run cluster:down`: stop the control plane started by `npm run cluster:up`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK="$ROOT/.envtest/cluster"
if [ -d "$WORK" ]; then "$ROOT/scripts/envtest-down.sh" "$WORK"; echo "stopped" >&2; else echo "not running" >&2; fi
