import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment, type Assignment } from '@edgelab/core';
import { createJudge, createSandbox, type Sandbox } from '@edgelab/executor';
import { requireService } from '../../../test-support/services.js';
import { createLmsGrader } from '../src/lms-grader.js';
import { createLmsHttpServer } from '../src/lms-http.js';

const assignmentsDir = fileURLToPath(new URL('../../../assignments', import.meta.url));
const twoSum: Assignment = parseAssignment(JSON.parse(readFileSync(`${assignmentsDir}/python_two_sum.json`, 'utf8')), 'python_two_sum.json');
const reference = twoSum.languages.python!.solution as string;
const oneBased = twoSum.languages.python!.wrongSolutions!.find((w) => w.name.startsWith('one-based'))!.code as string;

let sandbox: Sandbox | undefined;
const available = await requireService('a sandbox backend (Docker or bubblewrap)', async () => {
  try {
    sandbox = await createSandbox({ backend: 'auto' });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
});

describe.skipIf(!available)('LMS back end grading in-process with @edgelab/executor', () => {
  let base = '';
  let server: ReturnType<typeof createLmsHttpServer>;

  beforeAll(async () => {
    const grader = createLmsGrader({ judge: createJudge({ sandbox: sandbox! }), assignmentsDir });
    server = createLmsHttpServer(grader);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await sandbox?.close();
  });

  async function submit(body: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
    const res = await fetch(`${base}/lms/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
  }

  async function waitForResult(id: string): Promise<{ text: string; json: Record<string, unknown> }> {
    for (;;) {
      const res = await fetch(`${base}/lms/submissions/${id}`);
      const text = await res.text();
      const json = JSON.parse(text) as Record<string, unknown>;
      if (json.status !== 'grading') return { text, json };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The first line of every hidden test's input: none may appear in anything the LMS serves. */
  const hiddenMarkers = twoSum.tests
    .filter((t) => t.visibility === 'hidden' && t.kind === 'io')
    .map((t) => (t.kind === 'io' ? t.input.split('\n')[0]! : ''))
    .filter((line) => line.length >= 8);

  it('grades the reference solution with full marks and records it in the grade book', async () => {
    const accepted = await submit({ userId: 'ada', assignmentId: 'python_two_sum', language: 'python', code: reference });
    expect(accepted.status).toBe(202);
    const { json } = await waitForResult(accepted.json.id as string);
    expect(json.status).toBe('done');
    const result = json.result as { verdict: string; score: number; maxScore: number; hiddenCount: number };
    expect(result.verdict).toBe('accepted');
    expect(result.score).toBe(result.maxScore);
    expect(result.hiddenCount).toBeGreaterThanOrEqual(5);
    const book = (await (await fetch(`${base}/lms/gradebook/ada`)).json()) as Record<string, number>;
    expect(book).toEqual({ python_two_sum: 100 });
  });

  it('scores a wrong solution below full marks and never serves hidden test data', async () => {
    expect(hiddenMarkers.length).toBeGreaterThan(0);
    const accepted = await submit({ userId: 'ben', assignmentId: 'python_two_sum', language: 'python', code: oneBased });
    const { text, json } = await waitForResult(accepted.json.id as string);
    const result = json.result as { verdict: string; percent: number };
    expect(result.verdict).toBe('wrong_answer');
    expect(result.percent).toBeLessThan(100);
    for (const marker of hiddenMarkers) expect(text).not.toContain(marker);
  });

  it('records an unknown assignment as an error and rejects a malformed request with 400', async () => {
    const accepted = await submit({ userId: 'cy', assignmentId: 'no_such_assignment', language: 'python', code: 'print(1)' });
    const { json } = await waitForResult(accepted.json.id as string);
    expect(json.status).toBe('error');
    expect(String(json.error)).toMatch(/no_such_assignment/);
    const bad = await submit({ userId: 'cy', assignmentId: 'python_two_sum', language: 'cobol', code: 'x' });
    expect(bad.status).toBe(400);
  });
});
