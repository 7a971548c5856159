import { describe, expect, it } from 'vitest';
import { EdgeLabError, isEdgeLabError, parseAssignment, type TestResult } from '@edgelab/core';
import { createFakeSandbox } from '../fake-sandbox.js';
import { createJudge, runOrder } from './judge.js';

// The pipeline's bookkeeping against a fake sandbox; grading real programs is test/judge.test.ts.
const echo = parseAssignment(
  {
    id: 'echo',
    title: 'Echo',
    statement: 'Echo.',
    languages: { python: {}, java: {} },
    groups: [{ id: 'g', points: 10 }],
    tests: [
      { kind: 'io', name: 'first', input: 'a\n', expected: 'a\n' },
      { kind: 'io', input: 'b\n', expected: 'b\n', visibility: 'hidden', group: 'g' },
      { kind: 'io', input: 'c\n', expected: 'c\n', visibility: 'hidden', group: 'g' },
    ],
  },
  'echo.json',
);

const echoRun = createFakeSandbox({ run: ({ request }) => ({ stdout: request.stdin ?? '' }) });

describe('judge pipeline (fake sandbox)', () => {
  it('runs every test in one session, scores groups and reports each test as it finishes', async () => {
    const seen: TestResult[] = [];
    const result = await createJudge({ sandbox: echoRun }).grade(echo, { language: 'python', code: 'print(input())' }, { onTest: (t) => seen.push(t) });
    expect(result).toMatchObject({ verdict: 'accepted', score: 11, maxScore: 11, percent: 100, sandbox: 'fake', language: 'python' });
    expect(result.tests.map((t) => [t.name, t.points, t.maxPoints])).toEqual([['first', 1, 1], ['Hidden test 2', 5, 5], ['Hidden test 3', 5, 5]]);
    expect(seen.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(echoRun.sessions.at(-1)?.files['solution.py']).toBe('print(input())');
    expect(echoRun.openSessions).toBe(0);
  });

  it('gives a wrong answer with the comparator’s reason, and loses the whole group', async () => {
    const sandbox = createFakeSandbox({ run: ({ request }) => ({ stdout: request.stdin === 'c\n' ? 'x\n' : (request.stdin ?? '') }) });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' });
    expect(result.verdict).toBe('wrong_answer');
    expect(result.score).toBe(1);
    expect(result.tests[2]?.message).toMatch(/line 1: expected "c", got "x"/);
    expect(result.tests[1]?.points).toBe(0);
  });

  it('runs only public tests in a public-only run', async () => {
    const sandbox = createFakeSandbox({ run: ({ request }) => ({ stdout: request.stdin ?? '' }) });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' }, { publicOnly: true });
    expect(sandbox.requests).toHaveLength(1);
    expect(result.tests.map((t) => t.verdict)).toEqual(['accepted', 'skipped', 'skipped']);
    expect(result.verdict).toBe('skipped');
  });

  it("compiles Java in the tests' warm worker and marks hidden tests' input confidential", async () => {
    const sandbox = createFakeSandbox({ run: ({ request }) => ({ stdout: request.stdin ?? '' }) });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'java', code: 'class Main {}' });
    expect(result.verdict).toBe('accepted');
    const [compile, ...tests] = sandbox.requests;
    expect(compile).toMatchObject({ keepOutputs: true, worker: { args: ['--javac', '-proc:none', '-cp', '.', '-encoding', 'UTF-8', '-d', '.', 'Main.java'] } });
    expect(compile!.worker?.confidential).toBeUndefined();
    expect(tests.map((r) => [r.stdin, r.worker?.args, r.worker?.confidential])).toEqual([
      ['a\n', ['Main'], false],
      ['b\n', ['Main'], true],
      ['c\n', ['Main'], true],
    ]);
    // One JVM for all: the compile's worker command is the tests'.
    expect(new Set(sandbox.requests.map((r) => JSON.stringify(r.worker?.command))).size).toBe(1);
  });

  it('compiles once, then skips every test after a compile error', async () => {
    const sandbox = createFakeSandbox({
      run: ({ request }) => (request.command[0] === 'javac' ? { exitCode: 1, stderr: 'Main.java:1: error: ; expected' } : { stdout: 'never' }),
    });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'java', code: 'class Main {' });
    expect(result.verdict).toBe('compile_error');
    expect(result.compile).toMatchObject({ ok: false, verdict: 'compile_error', output: 'Main.java:1: error: ; expected' });
    expect(result.tests.every((t) => t.verdict === 'skipped')).toBe(true);
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.requests[0]?.keepOutputs).toBe(true);
    expect(sandbox.requests[0]?.command).toContain('Main.java');
  });

  it('says so when the compiler itself exceeds its limit', async () => {
    const sandbox = createFakeSandbox({
      run: ({ request }) => (request.command[0] === 'javac' ? { exitCode: null, signal: 'SIGKILL', limitHit: 'time' } : {}),
    });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'java', code: 'class Main {}' });
    expect(result.verdict).toBe('compile_error');
    expect(result.compile?.output).toMatch(/^compilation stopped: the compiler took longer than \d+ ms/);
  });

  it('gives the program the support files and the harnesses it needs, but never expected output', async () => {
    const withSupport = parseAssignment(
      {
        id: 'support',
        title: 'Support',
        statement: 'Uses a helper.',
        languages: { python: { support: { 'helper.py': 'X = 1' } } },
        tests: [
          { kind: 'io', input: 'in', expected: 'EXPECTED-OUTPUT' },
          { kind: 'unit', code: 'assert True' },
        ],
      },
      'support.json',
    );
    const sandbox = createFakeSandbox({ run: () => ({ stdout: 'x' }) });
    await createJudge({ sandbox }).grade(withSupport, { language: 'python', code: 'import helper' });
    const files = sandbox.sessions[0]!.files;
    expect(Object.keys(files).sort()).toEqual(['edgelab_unit.py', 'helper.py', 'solution.py']);
    const everything = JSON.stringify([sandbox.sessions, sandbox.requests]);
    expect(everything).not.toContain('EXPECTED-OUTPUT');
    const replaced = await createJudge({ sandbox })
      .grade(withSupport, { language: 'python', code: { 'solution.py': 'x', 'helper.py': 'X = 2' } })
      .catch((e: unknown) => e);
    expect(isEdgeLabError(replaced, 'SUBMISSION_INVALID')).toBe(true);
  });

  it('retries once with a fresh session after a sandbox fault', async () => {
    const sandbox = createFakeSandbox({
      run: ({ request, sessionIndex }) => {
        if (sessionIndex === 0) throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'runner died' });
        return { stdout: request.stdin ?? '' };
      },
    });
    const result = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' });
    expect(result.verdict).toBe('accepted');
    expect(sandbox.sessions).toHaveLength(2);
    expect(sandbox.openSessions).toBe(0);
  });

  it('throws SANDBOX_FAILED after the retry fails too, never a student verdict', async () => {
    const sandbox = createFakeSandbox({ run: () => { throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'runner died' }); } });
    const error = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/failed twice.*runner died/);
    expect(sandbox.sessions).toHaveLength(2);
    expect(sandbox.openSessions).toBe(0);
  });

  it('treats a runtime that cannot start the program as a sandbox fault', async () => {
    const sandbox = createFakeSandbox({ run: () => ({ exitCode: 127, execError: "cannot run ['python3']: No such file" }) });
    const error = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_FAILED')).toBe(true);
  });

  it('validates before opening a session', async () => {
    const sandbox = createFakeSandbox({ run: () => ({}) });
    const error = await createJudge({ sandbox }).grade(echo, { language: 'python', code: '' }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SUBMISSION_INVALID')).toBe(true);
    expect(sandbox.sessions).toHaveLength(0);
  });

  it('stops between tests when aborted and still disposes the session', async () => {
    const controller = new AbortController();
    const sandbox = createFakeSandbox({
      run: ({ request }) => {
        controller.abort(new Error('worker shutting down'));
        return { stdout: request.stdin ?? '' };
      },
    });
    const error = await createJudge({ sandbox }).grade(echo, { language: 'python', code: 'x' }, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('worker shutting down');
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.openSessions).toBe(0);
  });
});

describe('runOrder', () => {
  it('runs every public test before any hidden one, each in assignment order', () => {
    const v = (visibility: 'public' | 'hidden') => ({ visibility });
    expect(runOrder([v('hidden'), v('public'), v('hidden'), v('public')])).toEqual([1, 3, 0, 2]);
    expect(runOrder([])).toEqual([]);
  });
});
