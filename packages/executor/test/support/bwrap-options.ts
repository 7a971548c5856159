import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rootfsHasRunnerStdlib, type BwrapSandboxOptions } from '../../src/bwrap/bwrap-sandbox.js';
import { defaultRootfsDir } from '../../src/images/runtime-images.js';
import { detectCgroupMode } from '../../src/bwrap/session-cgroup.js';

/**
 * Options for bwrap tests: the pinned root file systems when built (`$EDGELAB_ROOTFS_DIR` or the default
 * directory), otherwise the host's own runtimes (development machines). CI sets EDGELAB_ROOTFS_DIR after
 * `pnpm edgelab images build --offline`; EDGELAB_BWRAP_HOST_RUNTIME=1 forces the host runtimes.
 */
export function bwrapTestOptions(): BwrapSandboxOptions {
  const rootfsDir = defaultRootfsDir();
  const haveRootfs = ['python', 'java', 'sql'].every(
    (l) => existsSync(join(rootfsDir, l, 'usr', 'bin', 'python3')) && rootfsHasRunnerStdlib(join(rootfsDir, l)),
  );
  const hostRuntime = process.env.EDGELAB_BWRAP_HOST_RUNTIME === '1' || !haveRootfs;
  if (!haveRootfs && process.env.EDGELAB_BWRAP_HOST_RUNTIME !== '1') {
    console.warn(`[bwrap tests] no complete root file systems in ${rootfsDir}: using the host runtime (run \`pnpm edgelab images build --offline\`)`);
  }
  return {
    rootfsDir,
    hostRuntime,
    cgroups: detectCgroupMode() === 'none' ? 'off' : 'auto',
  };
}
