import { requireService } from '../../../test-support/services.js';
import { createDockerSandbox } from '../src/docker/docker-sandbox.js';
import { describeJudge } from './support/judge-suite.js';

// The same judge suite as judge.test.ts, through Docker: both backends must give the same verdicts.
const available = await requireService('Docker engine with EdgeLab images', async () => {
  const sandbox = await createDockerSandbox({ poolSize: 0, reapOnStart: false });
  try {
    for (const language of ['python', 'java', 'sql'] as const) await sandbox.ensureReady(language);
    return { ok: true };
  } finally {
    await sandbox.close();
  }
});

describeJudge('docker', available, () => createDockerSandbox());
