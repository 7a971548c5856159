import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireService } from '../../../test-support/services.js';
import { createDockerSandbox } from '../src/docker/index.js';
import { runtimeImageName } from '../src/images/runtime-images.js';
import { describeJavaWorkerConformance } from './conformance/java-worker-conformance.js';

const available = await requireService('Docker engine with the EdgeLab Java image', async () => {
  try {
    await promisify(execFile)('docker', ['image', 'inspect', '--format', '{{.Id}}', runtimeImageName('java')], { timeout: 30_000 });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${(error as Error).message.split('\n')[0]}; start Docker (scripts/start-docker.sh) and build the images (pnpm edgelab images build --offline)` };
  }
});

describeJavaWorkerConformance('docker', () => createDockerSandbox({ poolSize: 0 }), available);
