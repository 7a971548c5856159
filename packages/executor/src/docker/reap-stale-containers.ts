import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createDockerClient, describeDockerEndpoint, type DockerConnectionOptions } from './docker-client.js';
import { dockerStatus, toSandboxError } from './docker-errors.js';
import { SANDBOX_LABELS } from './container-options.js';
import { withTimeout } from './with-timeout.js';

/** Options of {@link reapStaleContainers}. */
export interface ReapStaleContainersOptions extends DockerConnectionOptions {
  /**
   * Containers older than this are removed whoever owns them (an owner on another host cannot be checked);
   * default 1 hour, far above any grading session.
   */
  maxAgeMs?: number;
  /** Timeout of each Docker call; default 15 s. */
  callTimeoutMs?: number;
  /** For tests: the clock. */
  now?: () => number;
}

/** What {@link reapStaleContainers} did. */
export interface ReapResult {
  /** Ids of the containers removed. */
  removed: string[];
  /** Sandbox containers left alone (their owner is alive and they are young). */
  kept: number;
}

function ownerIsGone(owner: string | undefined, thisHost: string): boolean {
  if (!owner) return true;
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== thisHost || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  // A zombie still answers kill(0) but will never remove its containers.
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Removes sandbox containers (label `edgelab.sandbox=1`) left behind by a grading process that died (its
 * `edgelab.owner` pid is gone on this host) or older than `maxAgeMs`. Call it at worker start-up;
 * `createDockerSandbox` does by default.
 */
export async function reapStaleContainers(options: ReapStaleContainersOptions = {}): Promise<ReapResult> {
  const endpoint = describeDockerEndpoint(options);
  const timeout = options.callTimeoutMs ?? 15_000;
  const now = options.now?.() ?? Date.now();
  const maxAge = options.maxAgeMs ?? 60 * 60_000;
  const thisHost = hostname();
  const docker = await createDockerClient(options);
  let containers;
  try {
    containers = await withTimeout(
      docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABELS.sandbox}=1`] } }),
      timeout,
      `docker ps on ${endpoint}`,
    );
  } catch (error) {
    throw toSandboxError(error, 'listing sandbox containers', { endpoint });
  }
  const result: ReapResult = { removed: [], kept: 0 };
  for (const info of containers) {
    const createdAt = Date.parse(info.Labels[SANDBOX_LABELS.createdAt] ?? '') || info.Created * 1000;
    const stale = now - createdAt > maxAge || ownerIsGone(info.Labels[SANDBOX_LABELS.owner], thisHost);
    if (!stale) {
      result.kept++;
      continue;
    }
    try {
      await withTimeout(docker.getContainer(info.Id).remove({ force: true, v: true }), timeout, `docker rm ${info.Id}`);
      result.removed.push(info.Id);
    } catch (error) {
      // Already gone (another worker reaped it, or removal was in progress): nothing left to do.
      if (dockerStatus(error) !== 404 && dockerStatus(error) !== 409) {
        throw toSandboxError(error, `removing stale container ${info.Id}`, { endpoint });
      }
    }
  }
  return result;
}
