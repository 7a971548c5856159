#!/usr/bin/env bash
# Installs what EdgeLab needs on a fresh Debian/Ubuntu machine, idempotently.
#   scripts/setup.sh          server essentials: bubblewrap sandbox, runtimes, pnpm, node modules, build
#   scripts/setup.sh --all    also Docker engine + images, PostgreSQL and Chromium (what the full test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

all=false
[ "${1:-}" = "--all" ] && all=true
PNPM_VERSION=9.15.9

step() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "setup: '$*' needs root (run as root or install sudo)" >&2; exit 1; fi; }

apt_packages=(bubblewrap debootstrap util-linux ca-certificates)
$all && apt_packages+=(docker.io postgresql chromium iproute2)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  step "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  step "Installing pnpm $PNPM_VERSION"
  as_root npm install -g --silent "pnpm@$PNPM_VERSION"
fi

step "Installing node modules"
pnpm install --frozen-lockfile

step "Building packages"
pnpm build

if $all; then
  step "Starting the Docker engine"
  bash scripts/install-docker.sh
  bash scripts/start-docker.sh
  step "Starting PostgreSQL"
  bash scripts/start-postgres.sh
fi

step "Building language runtimes (offline: no container registry needed)"
as_root node packages/server/dist/cli.js images build --offline

step "Ready"
