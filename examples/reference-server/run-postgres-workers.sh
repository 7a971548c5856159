#!/usr/bin/env bash
# PostgreSQL + an API-only server + two separate worker processes, on this host (no Docker Compose needed).
#   examples/reference-server/run-postgres-workers.sh      (from anywhere; Ctrl-C stops all three)
# Needs: `pnpm build`, PostgreSQL (scripts/start-postgres.sh), a sandbox (`pnpm edgelab images build [--offline]`).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f packages/server/dist/cli.js ]; then
  echo "run-postgres-workers: packages/server/dist/cli.js is missing; run 'pnpm build' first" >&2
  exit 1
fi
# postgres.env supplies defaults; variables already set in the environment win (EDGELAB_PORT=3100 ./run-…).
while IFS='=' read -r key value; do
  case "$key" in '' | \#*) continue ;; esac
  if [ -z "${!key+x}" ]; then export "$key=$value"; fi
done < examples/reference-server/postgres.env
if [ "${EDGELAB_START_POSTGRES:-1}" = 1 ] && command -v pg_ctlcluster >/dev/null; then
  bash scripts/start-postgres.sh >/dev/null
fi

pids=()
stop() {
  trap - INT TERM EXIT
  # SIGTERM lets each process finish or release its in-flight grading
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM EXIT

# setsid: a terminal's Ctrl-C reaches only this script, which then sends each process exactly one SIGTERM (a second
# signal would make them exit at once instead of finishing their in-flight grading).
setsid node packages/server/dist/cli.js serve --workers 0 & pids+=($!)
setsid node packages/server/dist/cli.js worker --concurrency "${EDGELAB_WORKER_CONCURRENCY:-1}" & pids+=($!)
setsid node packages/server/dist/cli.js worker --concurrency "${EDGELAB_WORKER_CONCURRENCY:-1}" & pids+=($!)
echo "run-postgres-workers: API on http://${EDGELAB_HOST}:${EDGELAB_PORT}, 2 workers (pids ${pids[*]})"
wait -n
echo "run-postgres-workers: a process exited; stopping the others" >&2
