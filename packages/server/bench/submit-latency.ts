/**
 * `pnpm --filter @edgelab/server bench`: submit-to-result latency (p50, p95) and throughput of the Python
 * assignment against a real server (HTTP + SQLite queue + in-process workers + real sandbox), at client
 * concurrency 1 and 2, as ratios against a baseline measured in the same run: the judge grading the same
 * solution directly (no HTTP, no queue).
 *
 * Env: EDGELAB_BENCH_N (submissions per level, default 20), EDGELAB_SANDBOX (default auto).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Assignment } from '@edgelab/core';
import { createJudge, createSandbox } from '@edgelab/executor';
import { pino } from 'pino';
import { loadServerConfig } from '../src/config.js';
import { startServer } from '../src/start-server.js';

const N = Number(process.env.EDGELAB_BENCH_N ?? 20);
const ASSIGNMENT = 'python_two_sum';
const repoAssignments = fileURLToPath(new URL('../../../assignments/', import.meta.url));

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

const assignment = JSON.parse(await readFile(join(repoAssignments, `${ASSIGNMENT}.json`), 'utf8')) as Assignment;
const solution = assignment.languages.python?.solution;
if (typeof solution !== 'string') throw new Error(`${ASSIGNMENT} has no python solution`);

const dir = await mkdtemp(join(tmpdir(), 'edgelab-bench-'));
await mkdir(join(dir, 'assignments'));
await copyFile(join(repoAssignments, `${ASSIGNMENT}.json`), join(dir, 'assignments', `${ASSIGNMENT}.json`));
const backend = (process.env.EDGELAB_SANDBOX ?? 'auto') as 'auto' | 'docker' | 'bwrap';

// Baseline: the judge alone, same solution, same sandbox choice.
const sandbox = await createSandbox({ backend });
const judge = createJudge({ sandbox });
const { parseAssignment } = await import('@edgelab/core');
const parsed = parseAssignment(assignment, `${ASSIGNMENT}.json`);
await judge.grade(parsed, { language: 'python', code: solution });
const baseline: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(N / 2)); i += 1) {
  const t = performance.now();
  await judge.grade(parsed, { language: 'python', code: solution });
  baseline.push(performance.now() - t);
}
await sandbox.close();
const baseP50 = percentile(baseline, 50);
console.log(`backend ${backend}; baseline judge.grade ${ASSIGNMENT}: p50 ${fmt(baseP50)}, p95 ${fmt(percentile(baseline, 95))} (${baseline.length} runs)`);

const config = loadServerConfig({
  EDGELAB_PORT: '0',
  EDGELAB_ASSIGNMENTS_DIR: join(dir, 'assignments'),
  EDGELAB_DATABASE_URL: join(dir, 'edgelab.db'),
  EDGELAB_SANDBOX: backend,
  EDGELAB_WORKERS: '2',
  EDGELAB_RATE_LIMIT_BURST: '100000',
  EDGELAB_RATE_LIMIT_PER_MINUTE: '10000000',
});
const server = await startServer({ config, logger: pino({ level: 'warn' }), app: { eventPollMs: 50 }, workerPollMs: 100 });

async function submitAndWait(i: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${server.url}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ assignmentId: ASSIGNMENT, language: 'python', code: `${solution}# ${i}\n` }),
  });
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const events = await fetch(`${server.url}/results/${id}/events`);
  const reader = events.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const chunk = await reader?.read();
    if (chunk === undefined || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    if (text.includes('event: result')) break;
  }
  await reader?.cancel();
  const elapsed = performance.now() - started;
  if (!text.includes('"verdict":"accepted"')) throw new Error(`submission ${id} not accepted`);
  return elapsed;
}

await submitAndWait(-1);
const rows: string[] = [];
for (const concurrency of [1, 2]) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        const i = next++;
        latencies.push(await submitAndWait(i));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  rows.push(
    `concurrency ${concurrency}: p50 ${fmt(p50)} (${(p50 / baseP50).toFixed(2)}x baseline), p95 ${fmt(p95)} (${(p95 / baseP50).toFixed(2)}x), ` +
      `throughput ${(N / seconds).toFixed(2)} submissions/s (baseline sequential ${(1000 / baseP50).toFixed(2)}/s)`,
  );
}
for (const row of rows) console.log(row);
await server.close();
await rm(dir, { recursive: true, force: true });
