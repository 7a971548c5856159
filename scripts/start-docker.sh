#!/usr/bin/env bash
# Starts the Docker engine in the background when it is not running, then waits (bounded) until `docker info`
# answers. Works without systemd (containers, CI runners): dockerd is started by hand with the cgroupfs driver.
#   EDGELAB_DOCKER_WAIT_S   how long to wait for the engine (default 60)
#   EDGELAB_DOCKERD_LOG     dockerd's log file (default /var/log/edgelab-dockerd.log)
set -euo pipefail
wait_s=${EDGELAB_DOCKER_WAIT_S:-60}
log=${EDGELAB_DOCKERD_LOG:-/var/log/edgelab-dockerd.log}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "start-docker: '$*' needs root (run as root or install sudo)" >&2; exit 1; fi; }

if docker info >/dev/null 2>&1; then
  echo "start-docker: Docker engine already running ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
  exit 0
fi
if [ -n "${DOCKER_HOST:-}" ]; then
  echo "start-docker: DOCKER_HOST=$DOCKER_HOST does not answer 'docker info'; start the engine on that host" >&2
  exit 1
fi
command -v dockerd >/dev/null 2>&1 || { echo "start-docker: dockerd not found; run scripts/install-docker.sh first" >&2; exit 1; }

if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  echo "start-docker: starting docker.service"
  as_root systemctl start docker || true
fi
if ! docker info >/dev/null 2>&1 && ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "start-docker: starting dockerd in the background (log: $log)"
  as_root sh -c "nohup dockerd --exec-opt native.cgroupdriver=cgroupfs >>'$log' 2>&1 &"
fi

for _ in $(seq 1 "$wait_s"); do
  if docker info >/dev/null 2>&1; then
    echo "start-docker: Docker engine ready ($(docker info --format '{{.ServerVersion}} {{.CgroupDriver}} cgroup v{{.CgroupVersion}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
echo "start-docker: the Docker engine did not answer within ${wait_s}s; last lines of $log:" >&2
tail -n 20 "$log" >&2 2>/dev/null || true
exit 1
