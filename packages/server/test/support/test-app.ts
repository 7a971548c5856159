import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createStore } from '@edgelab/store';
import type { Store } from '@edgelab/store';
import { pino } from 'pino';
import { createApp } from '../../src/create-app.js';
import type { AppOptions } from '../../src/create-app.js';
import { loadServerConfig } from '../../src/config.js';
import type { GradingJudge } from '../../src/grading-ports.js';
import { markerAssignments } from './marker-assignments.js';
import type { MarkerFixtures } from './marker-assignments.js';
import { tempDir } from './temp-dir.js';

/** A real Koa app on an ephemeral loopback port over a real SQLite file, with marker fixtures loaded. */
export interface TestApp {
  url: string;
  store: Store;
  fixtures: MarkerFixtures;
  dir: string;
  close(): Promise<void>;
}

/** Options for {@link startTestApp}. */
export interface TestAppOptions {
  env?: NodeJS.ProcessEnv;
  judge?: GradingJudge;
  app?: Partial<AppOptions>;
}

/** Starts an API-only app (no workers) for HTTP-layer tests. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = await tempDir();
  const fixtures = markerAssignments();
  for (const a of fixtures.assignments) await writeFile(join(dir.path, `${a.id}.json`), JSON.stringify(a));
  const store = await createStore({ url: join(dir.path, 'edgelab.db') });
  const outcome = await store.assignments.loadDirectory(dir.path);
  if (outcome.errors.length > 0) throw new Error(`fixtures invalid: ${outcome.errors.join('\n')}`);
  const config = loadServerConfig({ EDGELAB_RATE_LIMIT_BURST: '1000', EDGELAB_RATE_LIMIT_PER_MINUTE: '100000', ...options.env });
  const app = createApp({ store, config, logger: pino({ level: 'silent' }), ...(options.judge ? { judge: options.judge } : {}), ...options.app });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    fixtures,
    dir: dir.path,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await dir.cleanup();
    },
  };
}
