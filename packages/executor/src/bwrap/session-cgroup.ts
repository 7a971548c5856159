import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Limits of one session's cgroup. */
export interface SessionCgroupLimits {
  memoryMb: number;
  pids: number;
  /** CPU share as a number of cores (CFS quota); default 1. */
  cpus?: number;
}

/** Which cgroup layout the host has. */
export type CgroupMode = 'v1' | 'v2' | 'none';

/** Where cgroups live; `/sys/fs/cgroup` unless a test points elsewhere. */
export const CGROUP_ROOT = '/sys/fs/cgroup';
/** The parent group every EdgeLab session is created under. */
export const CGROUP_PARENT = 'edgelab';

function writable(path: string): boolean {
  try {
    return existsSync(path) && (process.getuid?.() ?? 1) === 0;
  } catch {
    return false;
  }
}

/**
 * Detects the cgroup layout we can manage: `v2` (unified, memory controller available), `v1` (separate memory and
 * pids hierarchies) or `none` (not root, or no controllers: rlimits only).
 */
export function detectCgroupMode(root = CGROUP_ROOT): CgroupMode {
  if (existsSync(join(root, 'cgroup.controllers'))) {
    const controllers = readFileSync(join(root, 'cgroup.controllers'), 'utf8');
    return writable(join(root, 'cgroup.subtree_control')) && /\bmemory\b/.test(controllers) && /\bpids\b/.test(controllers)
      ? 'v2'
      : 'none';
  }
  return writable(join(root, 'memory', 'cgroup.procs')) && writable(join(root, 'pids', 'cgroup.procs')) ? 'v1' : 'none';
}

function tryWrite(path: string, value: string): boolean {
  try {
    writeFileSync(path, value);
    return true;
  } catch {
    return false;
  }
}

function readInt(path: string, key?: string): number {
  try {
    const text = readFileSync(path, 'utf8');
    if (key === undefined) return Number.parseInt(text.trim(), 10) || 0;
    const line = text.split('\n').find((l) => l.startsWith(`${key} `));
    return line === undefined ? 0 : Number.parseInt(line.split(' ')[1] ?? '0', 10) || 0;
  } catch {
    return 0;
  }
}

/**
 * One cgroup (v1: one per controller) holding every process of one sandbox session: memory (no swap), pids and
 * CPU caps, and the OOM-kill counter. The sandbox's first process joins it before it execs bubblewrap.
 */
export class SessionCgroup {
  /** Files to write the joining process's pid into (`cgroup.procs` of each controller's group). */
  readonly procsFiles: string[];
  private readonly dirs: string[];

  private constructor(
    readonly mode: Exclude<CgroupMode, 'none'>,
    readonly name: string,
    private readonly root: string,
  ) {
    this.dirs =
      mode === 'v2'
        ? [join(root, CGROUP_PARENT, name)]
        : ['memory', 'pids', 'cpu'].map((c) => join(root, c, CGROUP_PARENT, name)).filter((d) => existsSync(join(d, '..', '..')));
    this.procsFiles = this.dirs.map((d) => join(d, 'cgroup.procs'));
  }

  /** Creates the group with its limits. Throws when the host refuses (the caller reports SANDBOX_FAILED). */
  static create(mode: Exclude<CgroupMode, 'none'>, name: string, limits: SessionCgroupLimits, root = CGROUP_ROOT): SessionCgroup {
    const group = new SessionCgroup(mode, name, root);
    const bytes = String(limits.memoryMb * 1024 * 1024);
    const quota = Math.round((limits.cpus ?? 1) * 100_000);
    if (mode === 'v2') {
      const parent = join(root, CGROUP_PARENT);
      mkdirSync(parent, { recursive: true });
      tryWrite(join(root, 'cgroup.subtree_control'), '+memory +pids +cpu');
      tryWrite(join(parent, 'cgroup.subtree_control'), '+memory +pids +cpu');
      const dir = group.dirs[0]!;
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.max'), bytes);
      tryWrite(join(dir, 'memory.swap.max'), '0');
      tryWrite(join(dir, 'memory.oom.group'), '0');
      writeFileSync(join(dir, 'pids.max'), String(limits.pids));
      tryWrite(join(dir, 'cpu.max'), `${quota} 100000`);
    } else {
      for (const dir of group.dirs) mkdirSync(dir, { recursive: true });
      const [memory, pids, cpu] = ['memory', 'pids', 'cpu'].map((c) => join(root, c, CGROUP_PARENT, name));
      writeFileSync(join(memory!, 'memory.limit_in_bytes'), bytes);
      tryWrite(join(memory!, 'memory.memsw.limit_in_bytes'), bytes);
      tryWrite(join(memory!, 'memory.swappiness'), '0');
      writeFileSync(join(pids!, 'pids.max'), String(limits.pids));
      if (existsSync(cpu!)) {
        tryWrite(join(cpu!, 'cpu.cfs_period_us'), '100000');
        tryWrite(join(cpu!, 'cpu.cfs_quota_us'), String(quota));
      }
    }
    return group;
  }

  /** Changes the memory limit (no swap). v1 needs memory <= memory+swap at every step, so the order depends on the direction. */
  setMemoryLimit(memoryMb: number): void {
    const bytes = String(memoryMb * 1024 * 1024);
    if (this.mode === 'v2') {
      writeFileSync(join(this.dirs[0]!, 'memory.max'), bytes);
      return;
    }
    const dir = join(this.root, 'memory', CGROUP_PARENT, this.name);
    const memsw = join(dir, 'memory.memsw.limit_in_bytes');
    const memory = join(dir, 'memory.limit_in_bytes');
    if (!existsSync(memsw)) {
      writeFileSync(memory, bytes);
    } else if (tryWrite(memsw, bytes)) {
      writeFileSync(memory, bytes); // raising: memory+swap first
    } else {
      writeFileSync(memory, bytes); // lowering: memory first
      writeFileSync(memsw, bytes);
    }
  }

  /** How many times the kernel's OOM killer has fired in this group. */
  oomKills(): number {
    if (this.mode === 'v2') return readInt(join(this.dirs[0]!, 'memory.events'), 'oom_kill');
    return readInt(join(this.root, 'memory', CGROUP_PARENT, this.name, 'memory.oom_control'), 'oom_kill');
  }

  /** Pids still in the group. */
  pids(): number[] {
    const pids = new Set<number>();
    for (const file of this.procsFiles) {
      try {
        for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim() !== '') pids.add(Number(line));
      } catch {
        // the group is already gone
      }
    }
    return [...pids];
  }

  /**
   * Kills whatever is left in the group and removes it; resolves true when every directory is gone. The group
   * usually empties within a millisecond or two of the kill (the kernel still counts the dying processes until they
   * are reaped), so it retries quickly first and backs off to 20 ms, giving up after about 2 s.
   */
  async destroy(): Promise<boolean> {
    const deadline = performance.now() + 2000;
    for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
      for (const pid of this.pids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already dead
        }
      }
      let left = 0;
      for (const dir of this.dirs) {
        if (!existsSync(dir)) continue;
        try {
          rmdirSync(dir);
        } catch {
          left++;
        }
      }
      if (left === 0) return true;
      if (performance.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Names of session groups under the EdgeLab parent whose name starts with `prefix` (leftover checks). */
  static list(prefix: string, root = CGROUP_ROOT): string[] {
    const found = new Set<string>();
    for (const base of [join(root, CGROUP_PARENT), ...['memory', 'pids', 'cpu'].map((c) => join(root, c, CGROUP_PARENT))]) {
      try {
        for (const entry of readdirSync(base, { withFileTypes: true })) {
          if (entry.isDirectory() && entry.name.startsWith(prefix)) found.add(entry.name);
        }
      } catch {
        // no such hierarchy
      }
    }
    return [...found];
  }
}
