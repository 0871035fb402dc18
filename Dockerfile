# syntax=docker/dockerfile:1
# The netpol-drift worker: `docker build -t REGISTRY/netpol-drift:0.1.0 .` (see docs/deploy.md).
# Behind a TLS-intercepting proxy, hand its CA to npm as a build secret (it never reaches a layer):
#   docker build --secret id=extra-ca,src=/path/to/corporate-ca.pem -t REGISTRY/netpol-drift:0.1.0 .
# test/unit/dockerfile/ parses this file and replays its npm steps into empty folders; scripts/image-test.sh
# builds it for real and runs the image the way jobs/ does.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript and pack exactly what `npm publish` would ship ----
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are here; no dependency has an install script.
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir -p /pkg \
 && npm pack --ignore-scripts --pack-destination /pkg \
 && mv /pkg/netpol-drift-*.tgz /pkg/netpol-drift.tgz

# ---- prod: the packed package plus the lockfile's production tree, nothing a running worker never reads ----
FROM ${NODE_IMAGE} AS prod
WORKDIR /opt/netpol-drift
COPY --from=build /pkg/netpol-drift.tgz /build/package-lock.json /tmp/
# --omit=optional leaves out pino-pretty (logs are JSON without a terminal). --ignore-scripts keeps the
# package's own `prepare` (tsc, a dev dependency) from running. Then the weight Node never loads: type
# declarations (@types/* come in through dependencies), source maps, TypeScript sources, Markdown, and the
# Bare runtime's prebuilt addons (bare-* are mapped to Node's own fs/path by their importers).
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi; \
    tar -xzf /tmp/netpol-drift.tgz --strip-components=1 \
 && mv /tmp/package-lock.json . \
 && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && find node_modules -depth -type d -name @types -exec rm -rf {} + \
 && for p in '*.ts' '*.mts' '*.cts' '*.map' '*.md'; do find node_modules dist -type f -name "$p" -delete; done \
 && rm -rf node_modules/bare-*/prebuilds \
 && chmod 0755 bin/netpol-drift.js

# ---- runtime: Node 24 LTS, git, tini, and the tree above ----
FROM ${NODE_IMAGE}
# git for simple-git (clone, fetch, commit, push over https and file://: all of it compiled git, no perl);
# tini as PID 1 so SIGTERM reaches node and git's children are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY --from=prod /opt/netpol-drift /opt/netpol-drift
RUN ln -s /opt/netpol-drift/bin/netpol-drift.js /usr/local/bin/netpol-drift \
 && mkdir -p /scratch \
 && chown 1000:1000 /scratch
WORKDIR /opt/netpol-drift

# /scratch is the clone's scratch folder; Kubernetes mounts an emptyDir there (the root filesystem is
# read-only). No secret is baked in: tokens come from the environment at run time.
ENV NODE_ENV=production \
    GIT_TERMINAL_PROMPT=0 \
    NETPOL_DRIFT_WORKDIR=/scratch \
    TMPDIR=/scratch \
    HOME=/scratch
# The base image's `node` user, numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "netpol-drift"]
CMD ["run"]
