import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultRootfsDir } from '../images/runtime-images.js';
import { createBwrapSandbox, DEFAULT_ROOTFS_DIR } from './bwrap-sandbox.js';

describe('BwrapSandbox root file system directory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('honours EDGELAB_ROOTFS_DIR like the images builder does', () => {
    vi.stubEnv('EDGELAB_ROOTFS_DIR', '/srv/edgelab-rootfs');
    const sandbox = createBwrapSandbox({ cgroups: 'off', poolSize: 0 });
    expect(sandbox.rootfsDir).toBe(defaultRootfsDir());
    expect(sandbox.runtimeRoot('python')).toBe(join('/srv/edgelab-rootfs', 'python'));
  });

  it('falls back to the default directory without the variable', () => {
    vi.stubEnv('EDGELAB_ROOTFS_DIR', undefined);
    expect(createBwrapSandbox({ cgroups: 'off', poolSize: 0 }).runtimeRoot('java')).toBe(join(DEFAULT_ROOTFS_DIR, 'java'));
  });

  it('prefers an explicit rootfsDir option over the variable', () => {
    vi.stubEnv('EDGELAB_ROOTFS_DIR', '/srv/edgelab-rootfs');
    expect(createBwrapSandbox({ cgroups: 'off', poolSize: 0, rootfsDir: '/opt/rootfs' }).runtimeRoot('sql')).toBe(join('/opt/rootfs', 'sql'));
  });
});
