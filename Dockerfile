# syntax=docker/dockerfile:1
# The netpol-drift worker: `docker build -t REGISTRY/netpol-drift:0.1.0 .` (see docs/deploy.md).
# test/unit/dockerfile/ parses this file and replays its npm steps into empty folders, so a change
# here that breaks the install fails the unit tests even where no image can be built.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript and pack exactly what `npm publish` would ship ----
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are here; no dependency has an install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir -p /pkg \
 && npm pack --ignore-scripts --pack-destination /pkg \
 && mv /pkg/netpol-drift-*.tgz /pkg/netpol-drift.tgz

# ---- runtime: Node 24 LTS, production dependencies from the lockfile, compiled JavaScript only ----
FROM ${NODE_IMAGE}
# git for simple-git (clone, commit, push over https); tini as PID 1 so SIGTERM reaches node and git's
# children are reaped.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/netpol-drift
COPY --from=build /pkg/netpol-drift.tgz /build/package-lock.json /tmp/
# The packed package plus the lockfile: `npm ci --omit=dev` installs the locked production tree, nothing else.
# --ignore-scripts keeps the package's own `prepare` (tsc, a dev dependency) from running here.
RUN tar -xzf /tmp/netpol-drift.tgz --strip-components=1 \
 && mv /tmp/package-lock.json . \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm /tmp/netpol-drift.tgz \
 && chmod 0755 bin/netpol-drift.js \
 && ln -s /opt/netpol-drift/bin/netpol-drift.js /usr/local/bin/netpol-drift \
 && mkdir -p /scratch && chown 1000:1000 /scratch

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
