import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStore } from '@edgelab/store';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { spawnCli } from './support/cli-process.js';
import type { CliProcess } from './support/cli-process.js';
import { httpClient } from './support/http-client.js';
import { assertNoMarkers, markerAssignments } from './support/marker-assignments.js';
import { sandboxAvailable } from './support/sandbox-service.js';
import { readEvents } from './support/sse-client.js';
import { tempDir } from './support/temp-dir.js';

const POSTGRES_URL = process.env.EDGELAB_TEST_POSTGRES_URL ?? 'postgres://edgelab:edgelab@127.0.0.1:5432/edgelab';
const postgres = await requireService('PostgreSQL', async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${error instanceof Error ? error.message : String(error)} (run scripts/start-postgres.sh)` };
  } finally {
    await client.end().catch(() => undefined);
  }
});
const sandbox = postgres && (await sandboxAvailable());

describe.skipIf(!sandbox)('API-only server + separate `edgelab worker` processes on a shared PostgreSQL', () => {
  const schema = `edgelab_server_${randomBytes(5).toString('hex')}`;
  const url = `${POSTGRES_URL}?schema=${schema}`;
  const processes: CliProcess[] = [];
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const fixtures = markerAssignments();

  beforeAll(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, 'assignments'));
    for (const a of fixtures.assignments) await writeFile(join(dir.path, 'assignments', `${a.id}.json`), JSON.stringify(a));
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    await dir?.cleanup();
  });

  it('grades every submission in the worker processes and streams progress across processes', async () => {
    const env = { EDGELAB_RATE_LIMIT_BURST: '1000', EDGELAB_FEEDBACK: 'off' };
    const api = spawnCli(['serve', '--port', '0', '--workers', '0', '--db', url, '--assignments', join(dir.path, 'assignments')], env);
    processes.push(api);
    const client = httpClient(await api.url);
    const workers = [1, 2].map(() => spawnCli(['worker', '--db', url, '--concurrency', '1', '--sandbox', 'auto'], env));
    processes.push(...workers);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const check = setInterval(() => {
              if (w.stdout().includes('EdgeLab worker running')) {
                clearInterval(check);
                resolve();
              }
              if (w.child.exitCode !== null) {
                clearInterval(check);
                reject(new Error(`worker exited: ${w.stderr()}`));
              }
            }, 100);
          }),
      ),
    );
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await client.post('/submit', { assignmentId: 'fixture_shout', language: 'python', code: i % 2 === 0 ? 'print(input().upper())\n' : 'print(input())\n' });
      expect(res.status).toBe(202);
      ids.push(res.json.id);
    }
    const events = await readEvents(`${await api.url}/results/${ids[0]}/events`, { until: (e) => e.event === 'result' });
    expect(events.filter((e) => e.event === 'test')).toHaveLength(4);
    expect(events.at(-1)?.data).toMatchObject({ status: 'done', score: 4 });
    for (const e of events) assertNoMarkers(e.raw, fixtures.markers, 'SSE');
    for (const [i, id] of ids.entries()) {
      let result: any;
      for (let n = 0; n < 600; n += 1) {
        result = (await client.get(`/results/${id}`)).json;
        if (result.status === 'done' || result.status === 'error') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(result.status).toBe('done');
      expect(result.score).toBe(i % 2 === 0 ? 4 : 0);
      assertNoMarkers(JSON.stringify(result), fixtures.markers, `result ${id}`);
    }
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect((await w.exited).code).toBe(0);
    api.child.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);
    const store = await createStore({ url });
    try {
      expect(await store.queue.stats()).toEqual({ pending: 0, running: 0, done: 8, error: 0 });
    } finally {
      await store.close();
    }
  }, 300_000);
});
