/**
 * `pnpm --filter @edgelab/server bench`: submit-to-result latency (p50, p95) and throughput of the Python
 * assignment against a real server (HTTP + SQLite queue + in-process workers + real sandbox), at client
 * concurrency 1 and 2, as ratios against a baseline measured in the same run, interleaved round by round: the
 * judge grading the same solution directly (no HTTP, no queue), with the same concurrency.
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

// Baseline: the judge alone (no HTTP, no queue), same solution, same sandbox choice, measured interleaved with the
// server in the same run so that load from other processes hits both alike.
const sandbox = await createSandbox({ backend });
const judge = createJudge({ sandbox });
const { parseAssignment } = await import('@edgelab/core');
const parsed = parseAssignment(assignment, `${ASSIGNMENT}.json`);

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

async function gradeDirect(): Promise<number> {
  const started = performance.now();
  const result = await judge.grade(parsed, { language: 'python', code: solution as string });
  if (result.verdict !== 'accepted') throw new Error(`baseline not accepted: ${result.verdict}`);
  return performance.now() - started;
}

// Warm both paths.
await gradeDirect();
await submitAndWait(-1);
console.log(`backend ${sandbox.backend}; ${N} submissions per concurrency level, interleaved with the baseline (judge.grade direct)`);
const rows: string[] = [];
let counter = 0;
for (const concurrency of [1, 2]) {
  const direct: number[] = [];
  const served: number[] = [];
  let directMs = 0;
  let servedMs = 0;
  for (let round = 0; round < Math.ceil(N / concurrency); round += 1) {
    let t = performance.now();
    direct.push(...(await Promise.all(Array.from({ length: concurrency }, () => gradeDirect()))));
    directMs += performance.now() - t;
    t = performance.now();
    served.push(...(await Promise.all(Array.from({ length: concurrency }, () => submitAndWait(counter++)))));
    servedMs += performance.now() - t;
  }
  const p50 = percentile(served, 50);
  const p95 = percentile(served, 95);
  const base50 = percentile(direct, 50);
  const base95 = percentile(direct, 95);
  const throughput = served.length / (servedMs / 1000);
  const baseThroughput = direct.length / (directMs / 1000);
  rows.push(
    `concurrency ${concurrency}: server p50 ${fmt(p50)} / p95 ${fmt(p95)}; baseline p50 ${fmt(base50)} / p95 ${fmt(base95)}; ` +
      `ratio p50 ${(p50 / base50).toFixed(2)}x, p95 ${(p95 / base95).toFixed(2)}x; ` +
      `throughput ${throughput.toFixed(2)}/s vs baseline ${baseThroughput.toFixed(2)}/s (${(throughput / baseThroughput).toFixed(2)}x)`,
  );
}
await sandbox.close();
for (const row of rows) console.log(row);
await server.close();
await rm(dir, { recursive: true, force: true });
