#!/usr/bin/env bash
# Installs the Docker engine from Debian's packages (docker.io) when it is missing. Idempotent.
# EdgeLab needs no container registry: runtimes are built offline (pnpm edgelab images build --offline).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "install-docker: '$*' needs root (run as root or install sudo)" >&2; exit 1; fi; }

if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
  echo "install-docker: Docker is installed ($(dockerd --version 2>/dev/null || echo dockerd))"
  exit 0
fi
echo "install-docker: installing docker.io from the Debian archive"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends docker.io iptables ca-certificates
echo "install-docker: installed $(dockerd --version)"
