import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment, type Assignment, type GradeResult } from '@edgelab/core';
import { inCI, requireService } from '../../../test-support/services.js';
import { createBwrapSandbox, probeBwrap, type BwrapSandbox } from '../src/bwrap/bwrap-sandbox.js';
import { createJudge, type Judge } from '../src/judge/judge.js';
import { bwrapTestOptions } from './support/bwrap-options.js';

// HumanEval (164 problems) graded as `unit` assignments through the bwrap sandbox: every canonical solution must be
// accepted and a broken variant of each rejected. The dataset lives beside the repository (../shared in CI) or
// wherever EDGELAB_HUMANEVAL points.
interface Problem {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const datasetPath = process.env.EDGELAB_HUMANEVAL ?? resolve(repoRoot, '../shared/datasets/humaneval/HumanEval.jsonl.gz');
const haveDataset = await requireService('HumanEval dataset', async () =>
  existsSync(datasetPath) ? { ok: true } : { ok: false, reason: `${datasetPath} not found (set EDGELAB_HUMANEVAL to HumanEval.jsonl.gz)` },
);
const options = bwrapTestOptions();
const available = haveDataset && (await requireService('bubblewrap sandbox', async () => probeBwrap(options)));

function loadProblems(): Problem[] {
  const text = gunzipSync(readFileSync(datasetPath)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Problem);
}

function toAssignment(p: Problem): Assignment {
  const n = p.task_id.split('/')[1];
  return parseAssignment(
    {
      id: `humaneval-${n}`,
      title: p.task_id,
      statement: `\`\`\`python\n${p.prompt}\n\`\`\``,
      languages: { python: { starter: p.prompt } },
      limits: { timeMs: 3000, memoryMb: 256 },
      tests: [{ kind: 'unit', name: 'check', code: p.test, entryPoint: p.entry_point }],
    },
    `${p.task_id}.json`,
  );
}

/** The function body replaced by `return None`: a plausible wrong submission that still imports cleanly. */
function broken(p: Problem): string {
  return `${p.prompt}    return None\n`;
}

async function mapPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe.skipIf(!available)('HumanEval through the judge (bwrap)', () => {
  let sandbox: BwrapSandbox;
  let judge: Judge;
  let problems: Problem[];
  beforeAll(() => {
    problems = loadProblems();
    sandbox = createBwrapSandbox(options);
    judge = createJudge({ sandbox });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('has all 164 problems', () => {
    expect(problems).toHaveLength(164);
  });

  it('accepts every canonical solution and rejects every broken variant', async () => {
    const summary = (r: GradeResult) => `${r.assignmentId}: ${r.verdict} ${r.tests[0]?.message ?? ''}`;
    const results = await mapPool(problems, 3, async (p) => {
      const assignment = toAssignment(p);
      const good = await judge.grade(assignment, { language: 'python', code: p.prompt + p.canonical_solution });
      const bad = await judge.grade(assignment, { language: 'python', code: broken(p) });
      return { good, bad };
    });
    expect(results.filter((r) => r.good.verdict !== 'accepted').map((r) => summary(r.good))).toEqual([]);
    expect(results.filter((r) => r.bad.verdict === 'accepted').map((r) => summary(r.bad))).toEqual([]);
    // A broken variant fails on the test's assertions (or on using None), never on the platform.
    expect(results.filter((r) => !['wrong_answer', 'runtime_error'].includes(r.bad.verdict)).map((r) => summary(r.bad))).toEqual([]);
    expect(sandbox.openSessions).toBe(0);
  }, 600_000);
});

if (!haveDataset && inCI) throw new Error(`HumanEval dataset missing at ${datasetPath}`);
