import { hostname } from 'node:os';
import type { LanguageId } from '@edgelab/core';
import type { DockerContainerCreateOptions } from './docker-client.js';

/** Labels on every sandbox container; `reapStaleContainers` finds leftovers by them. */
export const SANDBOX_LABELS = {
  sandbox: 'edgelab.sandbox',
  owner: 'edgelab.owner',
  createdAt: 'edgelab.created-at',
  language: 'edgelab.language',
} as const;

/** The scratch tmpfs: the only writable place in a sandbox container, and the runner's working area. */
export const SCRATCH_DIR = '/tmp';

/** The resources and identity of one sandbox container. */
export interface SandboxContainerConfig {
  image: string;
  language: LanguageId;
  /** The container's command: the runner, started as PID 1. */
  command: readonly string[];
  /** cgroup memory limit in MiB; swap is off (MemorySwap = Memory), so exceeding it is an OOM kill. */
  memoryMb: number;
  /** Size of the scratch tmpfs in MiB (its pages count against `memoryMb` too). */
  scratchMb: number;
  /** cgroup pids limit: processes + threads of the whole container. */
  pidsLimit: number;
  /** CPUs (NanoCpus); default 1. */
  cpus: number;
  /** The unprivileged uid:gid the container runs as. */
  uid: number;
  /** `<host>:<pid>` of the process that owns the container. */
  owner: string;
}

/** `<hostname>:<pid>` of this process, the owner label of the containers it creates. */
export function currentOwner(): string {
  return `${hostname()}:${process.pid}`;
}

const MiB = 1024 * 1024;

/**
 * The Docker create options of a sandbox container: no network, read-only root, a size-limited `noexec` tmpfs as
 * the only writable place (class files and scripts are read by an interpreter, never executed, so Java works),
 * an unprivileged user, no capabilities, no privilege gain (Docker's default seccomp profile stays on), pids,
 * memory without swap, one CPU, ulimits, no host mounts, no logs on disk (outputs may hold test data).
 */
export function sandboxContainerOptions(config: SandboxContainerConfig, now: Date = new Date()): DockerContainerCreateOptions {
  const scratchBytes = config.scratchMb * MiB;
  return {
    Image: config.image,
    Cmd: [...config.command],
    Entrypoint: [],
    User: `${config.uid}:${config.uid}`,
    WorkingDir: SCRATCH_DIR,
    Env: ['LANG=C.UTF-8', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Labels: {
      [SANDBOX_LABELS.sandbox]: '1',
      [SANDBOX_LABELS.owner]: config.owner,
      [SANDBOX_LABELS.createdAt]: now.toISOString(),
      [SANDBOX_LABELS.language]: config.language,
    },
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { [SCRATCH_DIR]: `rw,noexec,nosuid,nodev,size=${config.scratchMb}m,mode=1777` },
      ShmSize: 16 * MiB,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: config.pidsLimit,
      Memory: config.memoryMb * MiB,
      MemorySwap: config.memoryMb * MiB,
      NanoCpus: Math.round(config.cpus * 1e9),
      Ulimits: [
        { Name: 'core', Soft: 0, Hard: 0 },
        { Name: 'nofile', Soft: 1024, Hard: 1024 },
        { Name: 'fsize', Soft: scratchBytes, Hard: scratchBytes },
      ],
      // The runner must be PID 1 (no docker-init): it kills every leftover process with kill(-1) after each run.
      Init: false,
      IpcMode: 'private',
      AutoRemove: false,
      Binds: [],
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}
