import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { createBwrapSandbox, probeBwrap, type BwrapSandboxOptions } from '../src/bwrap/bwrap-sandbox.js';
import { SessionCgroup } from '../src/bwrap/session-cgroup.js';
import { describeSandboxConformance } from './conformance/sandbox-conformance.js';
import { bwrapTestOptions } from './support/bwrap-options.js';

const options: BwrapSandboxOptions = bwrapTestOptions();
const available = await requireService('bubblewrap sandbox', async () => probeBwrap(options));

/** Our own bwrap processes still alive (children of this test process) and our cgroups. */
async function leftovers(prefix: string): Promise<string[]> {
  const found = SessionCgroup.list(prefix).map((name) => `cgroup ${name}`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) {
        const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ');
        if (/bwrap|setpriv|python3/.test(cmd)) found.push(`process ${entry}: ${cmd}`);
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

describeSandboxConformance('bwrap', () => createBwrapSandbox(options), {
  available,
  leftovers: () => leftovers(`s${process.pid}-`),
  notApplicable: {
    ...(options.cgroups === 'off' ? { cgroupMemoryKill: 'cgroups are off (not root, or host forbids): only rlimits apply' } : {}),
  },
});

describe.skipIf(!available)('bwrap session lifecycle', () => {
  it('dispose during a run waits for the whole teardown, the pool is refilled once the session ended, close() leaves nothing', async () => {
    const sandbox = createBwrapSandbox({ ...options, poolSize: 1 });
    const groups = () => SessionCgroup.list(sandbox.id);
    try {
      const session = await sandbox.openSession({ language: 'python', files: {}, maxMemoryMb: 64 });
      const cgroups = sandbox.cgroupMode !== 'none';
      const opened = groups();
      expect(opened).toHaveLength(cgroups ? 1 : 0); // opened cold: no refill on open
      const running = session
        .run({ command: ['python3', '-c', 'import time; time.sleep(60)'], limits: { timeMs: 30_000, memoryMb: 64, outputKb: 16 } })
        .then(
          () => 'finished',
          () => 'stopped',
        );
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the run reach the runner
      await session.dispose(); // the runner cannot say goodbye mid-run: dispose waits until the sandbox is gone
      expect(await running).toBe('stopped');
      expect(sandbox.openSessions).toBe(0);
      if (cgroups) expect(groups()).not.toContain(opened[0]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(groups()).toHaveLength(cgroups ? 1 : 0); // the pool's new idle sandbox, started after the session ended
      const next = await sandbox.openSession({ language: 'python', files: { 'solution.py': 'print(6 * 7)' }, maxMemoryMb: 64 });
      const outcome = await next.run({ command: ['python3', 'solution.py'], limits: { timeMs: 5000, memoryMb: 64, outputKb: 16 } });
      expect(outcome.stdout).toBe('42\n');
      await next.dispose();
    } finally {
      await sandbox.close();
    }
    expect(await leftovers(sandbox.id)).toEqual([]);
  });
});
