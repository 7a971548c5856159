#!/bin/sh
# Installs one EdgeLab language runtime into the current Debian bookworm root file system.
# The single install step shared by both build paths, so Docker images and the bubblewrap root file systems hold
# the same bits:
#   - `docker build` runs it from images/<language>/Dockerfile (RUN /edgelab/install-runtime.sh $PACKAGES);
#   - the offline build (`pnpm edgelab images build --offline`) runs it with `chroot <rootfs> ...`, the package list
#     read from the same Dockerfile's `ARG PACKAGES=...` line.
# Usage: install-runtime.sh PACKAGE...
set -eu
[ "$#" -gt 0 ] || { echo "install-runtime.sh: no packages given" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "$@"
# A fixed non-root uid/gid so file ownership and `--user 10001:10001` mean the same in every backend.
if ! getent group runner >/dev/null; then groupadd --gid 10001 runner; fi
if ! getent passwd runner >/dev/null; then
  useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp/edgelab --shell /usr/sbin/nologin runner
fi
mkdir -p /tmp/edgelab
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log /usr/share/doc /usr/share/man /usr/share/info
