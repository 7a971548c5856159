import { describe, expect, it } from 'vitest';
import { isEdgeLabError } from '@edgelab/core';
import { requireService } from '../../../test-support/services.js';
import { probeBwrap } from '../src/bwrap/bwrap-sandbox.js';
import { createSandbox } from '../src/create-sandbox.js';
import { bwrapTestOptions } from './support/bwrap-options.js';

const options = bwrapTestOptions();
const bwrapAvailable = await requireService('bubblewrap sandbox', async () => probeBwrap(options));

describe('createSandbox', () => {
  it('throws one SANDBOX_UNAVAILABLE naming both fixes when neither backend can run', async () => {
    const error = await createSandbox({
      backend: 'auto',
      docker: { dockerHost: 'unix:///nonexistent/edgelab-docker.sock', reapOnStart: false },
      bwrap: { bwrapPath: '/nonexistent/bwrap' },
    }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_UNAVAILABLE')).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/start the Docker daemon/);
    expect(message).toMatch(/apt-get install bubblewrap/);
    expect(message).toMatch(/images build --offline/);
    expect((error as { details: string[] }).details).toHaveLength(2);
  });

  it('refuses an explicit bwrap backend that cannot create namespaces', async () => {
    const error = await createSandbox({ backend: 'bwrap', bwrap: { bwrapPath: '/nonexistent/bwrap' } }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_UNAVAILABLE')).toBe(true);
  });

  it.skipIf(!bwrapAvailable)('falls back to bwrap when Docker is unreachable, and it runs code', async () => {
    const sandbox = await createSandbox({ backend: 'auto', docker: { dockerHost: 'unix:///nonexistent/edgelab-docker.sock', reapOnStart: false }, bwrap: options });
    try {
      expect(sandbox.backend).toBe('bwrap');
      const session = await sandbox.openSession({ language: 'python', files: {}, maxMemoryMb: 64 });
      const out = await session.run({ command: ['python3', '-c', 'print(6 * 7)'], limits: { timeMs: 1000, memoryMb: 64, outputKb: 16 } });
      await session.dispose();
      expect(out.stdout).toBe('42\n');
    } finally {
      await sandbox.close();
    }
  });

  it.skipIf(!bwrapAvailable)('reports a missing root file system as SANDBOX_IMAGE_MISSING with the build command', async () => {
    const sandbox = await createSandbox({ backend: 'bwrap', bwrap: { rootfsDir: '/nonexistent/rootfs' } });
    const error = await sandbox.openSession({ language: 'java', files: {}, maxMemoryMb: 64 }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_IMAGE_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/\/nonexistent\/rootfs\/java.*pnpm edgelab images build --offline/);
    await sandbox.close();
  });
});
