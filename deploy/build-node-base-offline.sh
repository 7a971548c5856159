#!/usr/bin/env bash
# Builds the Node 20 base image for the server's Dockerfile WITHOUT a container registry:
# a Debian bookworm root file system from debootstrap (the same one `edgelab images build --offline` makes for the
# runtimes), imported with `docker import`, plus this host's Node 20 binary and npm.
#
#   deploy/build-node-base-offline.sh [tag]        default tag: edgelab/node:20-bookworm
#   docker build --build-arg NODE_IMAGE=edgelab/node:20-bookworm -t edgelab/server:local .
#   EDGELAB_NODE_IMAGE=edgelab/node:20-bookworm docker compose up
#
# Needs root, debootstrap, a reachable Debian mirror (EDGELAB_DEBIAN_MIRROR, default http://deb.debian.org/debian)
# and Node >= 20.11 on the host (it is copied in; Debian bookworm's own nodejs is 18, too old).
set -euo pipefail
TAG="${1:-edgelab/node:20-bookworm}"
MIRROR="${EDGELAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS_DIR="${EDGELAB_ROOTFS_DIR:-/var/lib/edgelab/rootfs}"

log() { echo "build-node-base-offline: $*" >&2; }
[ "$(id -u)" = 0 ] || { log "run as root (debootstrap and chroot need it)"; exit 1; }
node_bin="$(command -v node)" || { log "node is not installed on this host"; exit 1; }
node_version="$("$node_bin" -p 'process.versions.node')"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a===20&&b>=11?0:1)' \
  || { log "host node is $node_version; need 20.11 or newer 20.x"; exit 1; }
npm_dir="$(dirname "$(readlink -f "$(command -v npm)")")/.."
npm_dir="$(readlink -f "$npm_dir")"
[ -f "$npm_dir/package.json" ] || { log "cannot find npm's folder (looked at $npm_dir)"; exit 1; }

work="$(mktemp -d /var/tmp/edgelab-node-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
if [ -d "$ROOTFS_DIR/base/usr" ]; then
  log "copying the debootstrapped base from $ROOTFS_DIR/base"
  cp -a "$ROOTFS_DIR/base" "$root"
else
  log "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { log "debootstrap failed; see the log:"; tail -20 "$work/debootstrap.log" >&2; exit 1; }
fi

log "installing ca-certificates (npm needs TLS to the registry)"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
  'apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*'

log "adding node $node_version and npm from this host"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# headers, so that native modules (better-sqlite3) compile without downloading them (npm_config_nodedir=/usr/local)
node_prefix="$(dirname "$(dirname "$(readlink -f "$node_bin")")")"
if [ -f "$node_prefix/include/node/node.h" ]; then
  mkdir -p "$root/usr/local/include"
  cp -a "$node_prefix/include/node" "$root/usr/local/include/node"
else
  log "warning: no Node headers at $node_prefix/include/node; native modules will try to download them"
fi
missing="$(chroot "$root" /usr/bin/ldd /usr/local/bin/node | grep 'not found' || true)"
[ -z "$missing" ] || { log "node needs libraries the base lacks: $missing"; exit 1; }
: >"$root/etc/resolv.conf"

log "docker import as $TAG"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION='"$node_version" \
  --change 'CMD ["node"]' \
  - "$TAG" >/dev/null
log "done: $TAG (node $node_version)"
