import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadServerConfig } from '../../src/config.js';
import { defaultFeedbackProvider } from '../../src/default-feedback.js';
import { startServer } from '../../src/start-server.js';
import type { RunningServer } from '../../src/start-server.js';
import { hiddenFirstAssignment, markerAssignments } from './marker-assignments.js';
import type { MarkerFixtures } from './marker-assignments.js';
import { tempDir } from './temp-dir.js';

/** The repository's `assignments/` folder. */
export const REPO_ASSIGNMENTS = fileURLToPath(new URL('../../../../assignments/', import.meta.url));
/** The three original assignments, graded end to end. */
export const ORIGINAL_ASSIGNMENTS = ['python_two_sum', 'sql_top_salaries', 'java_palindrome'] as const;

/** A full server (API + in-process workers + real sandbox + real SQLite) on an ephemeral port. */
export interface GradingServer extends RunningServer {
  fixtures: MarkerFixtures;
  dir: string;
  stop(): Promise<void>;
}

/** Starts {@link startServer} with the marker fixtures and the original assignments in a temp folder. */
export async function startGradingServer(env: NodeJS.ProcessEnv = {}): Promise<GradingServer> {
  const dir = await tempDir();
  const assignments = join(dir.path, 'assignments');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(assignments);
  const fixtures = markerAssignments();
  fixtures.assignments.push(hiddenFirstAssignment(fixtures.markers));
  for (const a of fixtures.assignments) await writeFile(join(assignments, `${a.id}.json`), JSON.stringify(a));
  for (const id of ORIGINAL_ASSIGNMENTS) await copyFile(join(REPO_ASSIGNMENTS, `${id}.json`), join(assignments, `${id}.json`));
  const config = loadServerConfig({
    EDGELAB_PORT: '0',
    EDGELAB_ASSIGNMENTS_DIR: assignments,
    EDGELAB_DATABASE_URL: join(dir.path, 'edgelab.db'),
    EDGELAB_SANDBOX: 'auto',
    EDGELAB_WORKERS: '2',
    EDGELAB_RATE_LIMIT_BURST: '10000',
    EDGELAB_RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  });
  const logger = pino({ level: process.env.EDGELAB_TEST_LOG ?? 'silent' });
  const feedback = defaultFeedbackProvider({}, logger);
  const server = await startServer({ config, logger, ...(feedback ? { feedback } : {}), app: { eventPollMs: 100, feedbackWaitMs: 10_000 }, workerPollMs: 200 });
  if (server.assignmentErrors.length > 0) throw new Error(`assignments invalid: ${server.assignmentErrors.join('\n')}`);
  return {
    ...server,
    fixtures,
    dir: dir.path,
    async stop() {
      await server.close({ graceMs: 10_000 });
      await dir.cleanup();
    },
  };
}
