import { readFileSync, readdirSync } from 'node:fs';
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
