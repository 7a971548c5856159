# EdgeLab reference server: builds the pnpm workspace and runs `edgelab serve`.
#
#   docker build -t edgelab/server .                                   # with a registry (node:20-bookworm-slim)
#   docker build --build-arg NODE_IMAGE=edgelab/node:20-bookworm -t edgelab/server .
#                                                                      # offline: see deploy/README.md
#
# Student code never runs in this container: the server starts sibling containers through the Docker socket
# (mounted by docker-compose.yml), from the runtime images built by `edgelab images build`.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=9.15.9
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded (from GitHub); node-gyp then
# uses the headers the Node image ships in /usr/local/include/node instead of downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Behind a TLS-intercepting proxy: its CA certificates in deploy/ca-certificates/*.crt (see the README there).
COPY deploy/ca-certificates/ /tmp/extra-ca/
RUN cat /tmp/extra-ca/*.crt > /usr/local/share/edgelab-extra-ca.pem 2>/dev/null || : > /usr/local/share/edgelab-extra-ca.pem
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/edgelab-extra-ca.pem
RUN npm install -g --no-audit --no-fund "pnpm@${PNPM_VERSION}"
WORKDIR /src
# Manifests first, so the dependency layer is cached until a manifest or the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/executor/package.json packages/executor/
COPY packages/store/package.json packages/store/
COPY packages/server/package.json packages/server/
COPY packages/web-components/package.json packages/web-components/
COPY examples/lms-integration/package.json examples/lms-integration/
COPY examples/embed/package.json examples/embed/
COPY examples/reference-server/package.json examples/reference-server/
RUN pnpm install --frozen-lockfile
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
# The executor's build ships the runtime Dockerfiles (images/) in its dist/.
COPY images images
RUN pnpm build \
 && pnpm --filter @edgelab/server deploy --prod /out

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    EDGELAB_HOST=0.0.0.0 \
    EDGELAB_PORT=3000 \
    EDGELAB_ASSIGNMENTS_DIR=/assignments \
    EDGELAB_DATABASE_URL=/data/edgelab.db \
    EDGELAB_SANDBOX=docker
WORKDIR /app
COPY --from=build /out /app
COPY assignments /assignments
RUN mkdir -p /data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EDGELAB_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Root inside the container: the Docker socket it drives is root-equivalent on the host anyway (docs/security.md).
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve"]
