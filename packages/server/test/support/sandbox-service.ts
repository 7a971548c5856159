import { createSandbox } from '@edgelab/executor';
import type { Sandbox } from '@edgelab/executor';
import { requireService } from '../../../../test-support/services.js';

/** Probes the real sandbox (`createSandbox({ backend: 'auto' })` + python ready); skips locally, fails in CI. */
export async function sandboxAvailable(): Promise<boolean> {
  return requireService('sandbox (docker or bubblewrap)', async () => {
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await createSandbox({ backend: 'auto' });
      await sandbox.ensureReady('python');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    } finally {
      await sandbox?.close();
    }
  });
}
