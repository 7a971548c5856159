import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCgroupMode, SessionCgroup } from './session-cgroup.js';

// A fake cgroup file system in a temp directory: checks which files each layout gets, without a kernel. The real
// cgroups are exercised by the bwrap conformance suite (v1 on the development machine).
const roots: string[] = [];
function fakeRoot(layout: 'v1' | 'v2'): string {
  const root = mkdtempSync(join(tmpdir(), 'edgelab-cgroup-'));
  roots.push(root);
  if (layout === 'v2') {
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    writeFileSync(join(root, 'cgroup.subtree_control'), '');
  } else {
    for (const c of ['memory', 'pids', 'cpu']) {
      mkdirSync(join(root, c));
      writeFileSync(join(root, c, 'cgroup.procs'), '');
    }
  }
  return root;
}
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;

describe('SessionCgroup', () => {
  it.runIf(isRoot)('detects the layout', () => {
    expect(detectCgroupMode(fakeRoot('v2'))).toBe('v2');
    expect(detectCgroupMode(fakeRoot('v1'))).toBe('v1');
    const empty = mkdtempSync(join(tmpdir(), 'edgelab-none-'));
    roots.push(empty);
    expect(detectCgroupMode(empty)).toBe('none');
  });

  it('writes v2 limits: memory without swap, pids and one CPU', async () => {
    const root = fakeRoot('v2');
    const group = SessionCgroup.create('v2', 't1', { memoryMb: 100, pids: 50 }, root);
    const dir = join(root, 'edgelab', 't1');
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(100 * 1024 * 1024));
    expect(readFileSync(join(dir, 'memory.swap.max'), 'utf8')).toBe('0');
    expect(readFileSync(join(dir, 'pids.max'), 'utf8')).toBe('50');
    expect(readFileSync(join(dir, 'cpu.max'), 'utf8')).toBe('100000 100000');
    expect(readFileSync(join(root, 'edgelab', 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids +cpu');
    expect(group.procsFiles).toEqual([join(dir, 'cgroup.procs')]);
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n');
    expect(group.oomKills()).toBe(2);
    expect(SessionCgroup.list('t', root)).toEqual(['t1']);
  });

  it('writes v1 limits in each controller and counts OOM kills from memory.oom_control', () => {
    const root = fakeRoot('v1');
    const group = SessionCgroup.create('v1', 't2', { memoryMb: 64, pids: 10, cpus: 0.5 }, root);
    expect(readFileSync(join(root, 'memory', 'edgelab', 't2', 'memory.limit_in_bytes'), 'utf8')).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(join(root, 'memory', 'edgelab', 't2', 'memory.memsw.limit_in_bytes'), 'utf8')).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(join(root, 'pids', 'edgelab', 't2', 'pids.max'), 'utf8')).toBe('10');
    expect(readFileSync(join(root, 'cpu', 'edgelab', 't2', 'cpu.cfs_quota_us'), 'utf8')).toBe('50000');
    expect(group.procsFiles).toHaveLength(3);
    writeFileSync(join(root, 'memory', 'edgelab', 't2', 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 5\n');
    expect(group.oomKills()).toBe(5);
  });

  it('removes its directories on destroy', async () => {
    const root = fakeRoot('v2');
    const group = SessionCgroup.create('v2', 't3', { memoryMb: 10, pids: 5 }, root);
    const dir = join(root, 'edgelab', 't3');
    // A real cgroup directory holds only kernel files that vanish with rmdir; empty it as the kernel would.
    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    expect(await group.destroy()).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });
});
