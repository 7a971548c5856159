// Starts the example LMS back end: `pnpm --filter @edgelab/example-lms-integration start`
// (PORT, ASSIGNMENTS_DIR and EDGELAB_SANDBOX are read here, by the host app: the EdgeLab libraries read no env).
import { fileURLToPath } from 'node:url';
import { createJudge, createSandbox, type SandboxChoice } from '@edgelab/executor';
import { createLmsGrader } from './lms-grader.js';
import { createLmsHttpServer } from './lms-http.js';

const port = Number(process.env.PORT ?? 4000);
const assignmentsDir = process.env.ASSIGNMENTS_DIR ?? fileURLToPath(new URL('../../../assignments', import.meta.url));
const sandbox = await createSandbox({ backend: (process.env.EDGELAB_SANDBOX as SandboxChoice | undefined) ?? 'auto' });
const grader = createLmsGrader({ judge: createJudge({ sandbox }), assignmentsDir });
const server = createLmsHttpServer(grader);
server.listen(port, '127.0.0.1', () => {
  console.log(`LMS example on http://127.0.0.1:${port} (sandbox: ${sandbox.backend}, assignments: ${assignmentsDir})`);
});
const stop = () => {
  server.close();
  void sandbox.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
