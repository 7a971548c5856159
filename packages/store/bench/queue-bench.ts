/**
 * `pnpm --filter @edgelab/store bench`: queue throughput on each dialect (submit, claim+complete sequentially, and
 * with 4 concurrent workers), as ratios against a baseline measured in the same run on the same database: one
 * bare single-row write transaction (the least a durable queue step can cost).
 *
 * Env: EDGELAB_BENCH_N (jobs per measurement, default 500), EDGELAB_TEST_POSTGRES_URL (PostgreSQL is measured when
 * it answers; start it with scripts/start-postgres.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { AssignmentInput, GradeResult } from '@edgelab/core';
import { createStore } from '../src/index.js';
import type { Lease, Store, StoreOptions } from '../src/index.js';
import { openDatabase } from '../src/open-database.js';
import { parseStoreUrl } from '../src/store-url.js';

const N = Number(process.env.EDGELAB_BENCH_N ?? 500);
const POSTGRES_URL = process.env.EDGELAB_TEST_POSTGRES_URL ?? 'postgres://edgelab:edgelab@127.0.0.1:5432/edgelab';

const assignment: AssignmentInput = {
  id: 'bench',
  title: 'Bench',
  statement: 'Print 1.',
  languages: { python: {} },
  tests: [{ kind: 'io', input: '', expected: '1\n' }],
};

const result = (lease: Lease): GradeResult => ({
  assignmentId: 'bench',
  language: 'python',
  verdict: 'accepted',
  score: 1,
  maxScore: 1,
  percent: 100,
  tests: [],
  durationMs: 1,
  assignmentVersion: lease.submission.assignmentVersion,
});

const perSecond = (count: number, ms: number) => (count / ms) * 1000;

async function baselinePerSecond(options: StoreOptions & { url: string }): Promise<number> {
  const database = await openDatabase(parseStoreUrl(options.url), { connectTimeoutMs: 5000, busyTimeoutMs: 5000, poolSize: 4, schema: options.schema });
  try {
    await sql`create table bench_baseline (id integer primary key, n integer not null)`.execute(database.db);
    await sql`insert into bench_baseline (id, n) values (1, 0)`.execute(database.db);
    const started = performance.now();
    for (let i = 0; i < N; i++) {
      await database.writeTransaction((trx) => sql`update bench_baseline set n = n + 1 where id = 1`.execute(trx));
    }
    return perSecond(N, performance.now() - started);
  } finally {
    await database.close();
  }
}

async function submitMany(store: Store, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await store.submissions.create({ assignmentId: 'bench', language: 'python', code: `print(${i})` });
  return perSecond(count, performance.now() - started);
}

async function drain(store: Store, workers: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (;;) {
        const lease = await store.queue.claim(`bench-${w}`, 30_000);
        if (!lease) return;
        await store.queue.complete(lease, result(lease));
        done++;
      }
    }),
  );
  return perSecond(done, performance.now() - started);
}

async function measure(name: string, options: StoreOptions & { url: string }): Promise<void> {
  const baseline = await baselinePerSecond(options);
  const store = await createStore({ ...options, poolSize: 8 });
  try {
    await store.assignments.upsert(assignment);
    const submit = await submitMany(store, N);
    const sequential = await drain(store, 1);
    await submitMany(store, N);
    const concurrent = await drain(store, 4);
    const row = (label: string, rate: number) =>
      `  ${label.padEnd(34)} ${rate.toFixed(0).padStart(6)}/s  = ${(rate / baseline).toFixed(2)}x baseline`;
    console.log(`${name}: baseline bare write transaction ${baseline.toFixed(0)}/s (${N} runs)`);
    console.log(row('submissions.create', submit));
    console.log(row('claim+complete, 1 worker (jobs)', sequential));
    console.log(row('claim+complete, 4 workers (jobs)', concurrent));
  } finally {
    await store.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'edgelab-store-bench-'));
try {
  await measure('sqlite (file, WAL)', { url: `sqlite:${join(dir, 'bench.db')}` });
  const schema = `edgelab_bench_${randomBytes(4).toString('hex')}`;
  let reachable = true;
  try {
    await measure('postgres', { url: POSTGRES_URL, schema, connectTimeoutMs: 3000 });
  } catch (error) {
    reachable = false;
    console.log(`postgres: not measured (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    if (reachable) {
      const database = await openDatabase(parseStoreUrl(POSTGRES_URL), { connectTimeoutMs: 3000, busyTimeoutMs: 0, poolSize: 1, schema: undefined });
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
