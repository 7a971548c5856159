import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStore } from '@edgelab/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './support/cli-process.js';
import type { CliProcess } from './support/cli-process.js';
import { httpClient } from './support/http-client.js';
import { markerAssignments } from './support/marker-assignments.js';
import { sandboxAvailable } from './support/sandbox-service.js';
import { tempDir } from './support/temp-dir.js';

const available = await sandboxAvailable();

describe.skipIf(!available)('killing the server mid-grading loses nothing', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const processes: CliProcess[] = [];

  beforeAll(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, 'assignments'));
    for (const a of markerAssignments().assignments) await writeFile(join(dir.path, 'assignments', `${a.id}.json`), JSON.stringify(a));
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await dir?.cleanup();
  });

  it('SIGKILL during grading, restart: every submission is completed exactly once', async () => {
    const db = join(dir.path, 'edgelab.db');
    const args = ['serve', '--port', '0', '--assignments', join(dir.path, 'assignments'), '--db', db, '--workers', '2', '--sandbox', 'auto'];
    const env = { EDGELAB_LEASE_MS: '2000', EDGELAB_RATE_LIMIT_BURST: '1000', EDGELAB_FEEDBACK: 'off' };
    const first = spawnCli(args, env);
    processes.push(first);
    const client = httpClient(await first.url);
    // Slow enough (0.3 s per test, 4 tests) that the kill lands while gradings are running.
    const code = 'import time\ntime.sleep(0.3)\nprint(input().upper())\n';
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await client.post('/submit', { assignmentId: 'fixture_shout', language: 'python', code: `${code}# ${i}\n` });
      expect(res.status).toBe(202);
      ids.push(res.json.id);
    }
    // Wait until grading is under way (some test progress or a result), then kill without warning.
    for (let i = 0; i < 300; i += 1) {
      const states = await Promise.all(ids.map(async (id) => (await client.get(`/results/${id}`)).json));
      if (states.some((s) => s.status === 'running' && s.tests.length > 0)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const inspect = await createStore({ url: db });
    const afterKill = await inspect.queue.stats();
    await inspect.close();
    expect(afterKill.done).toBeLessThan(ids.length);

    const second = spawnCli(args, env);
    processes.push(second);
    const again = httpClient(await second.url);
    const results = [];
    for (const id of ids) {
      for (let i = 0; ; i += 1) {
        const res = await again.get(`/results/${id}`);
        if (res.json.status === 'done' || res.json.status === 'error' || i > 1200) {
          results.push(res.json);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'done'));
    expect(results.every((r) => r.score === r.maxScore)).toBe(true);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const store = await createStore({ url: db });
    try {
      const stats = await store.queue.stats();
      expect(stats).toEqual({ pending: 0, running: 0, done: ids.length, error: 0 });
      const submissions = await Promise.all(ids.map((id) => store.submissions.get(id)));
      // At least one submission was interrupted and claimed again, yet each has exactly one result.
      expect(submissions.some((s) => (s?.attempts ?? 0) >= 2)).toBe(true);
      for (const id of ids) expect((await store.results.get(id))?.result.score).toBe(4);
    } finally {
      await store.close();
    }
  }, 300_000);
});
