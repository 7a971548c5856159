import { describe, expect, it } from 'vitest';
import type { GradeResult, TestResult } from './grade-result.js';
import { toPublicResult, toPublicTestResult } from './public-result.js';

const usage = { wallMs: 12, cpuMs: 10, memoryKb: 2048 };
const publicTest: TestResult = {
  index: 0,
  name: 'small',
  kind: 'io',
  visibility: 'public',
  verdict: 'wrong_answer',
  points: 0,
  maxPoints: 1,
  usage,
  message: 'line 1: expected "3", got "4"',
  input: '1 2\n',
  expected: '3\n',
  actual: '4\n',
  stderr: '',
  truncated: false,
};
const hiddenTest: TestResult = {
  index: 1,
  name: '',
  kind: 'io',
  visibility: 'hidden',
  group: 'big',
  verdict: 'wrong_answer',
  points: 0,
  maxPoints: 2,
  usage,
  message: 'line 1: expected "SECRET_EXPECTED", got "x"',
  input: 'SECRET_INPUT',
  expected: 'SECRET_EXPECTED',
  actual: 'SECRET_ACTUAL',
  stderr: 'SECRET_STDERR',
  truncated: true,
};
const result: GradeResult = {
  assignmentId: 'python_sum',
  assignmentVersion: 'full-assignment-hash-3c9e',
  language: 'python',
  verdict: 'wrong_answer',
  score: 0,
  maxScore: 3,
  percent: 0,
  tests: [publicTest, hiddenTest],
  durationMs: 100,
  sandbox: 'docker',
  feedback: { source: 'rules', text: 'Check your addition.' },
};

describe('toPublicTestResult', () => {
  it('keeps a public test whole', () => {
    expect(toPublicTestResult(publicTest)).toEqual({ ...publicTest, timeMs: 12 });
  });

  it('keeps a hidden test to index, name, visibility, verdict, points, maxPoints and time', () => {
    expect(toPublicTestResult(hiddenTest)).toEqual({
      index: 1,
      name: 'Hidden test 2',
      visibility: 'hidden',
      verdict: 'wrong_answer',
      points: 0,
      maxPoints: 2,
      timeMs: 12,
    });
  });
});

describe('toPublicResult', () => {
  it('keeps totals, feedback and public tests; strips hidden test data', () => {
    const view = toPublicResult(result);
    // The full assignment's hash covers hidden tests: it must not reach a student.
    expect(view).not.toHaveProperty('assignmentVersion');
    expect(JSON.stringify(view)).not.toContain('full-assignment-hash-3c9e');
    expect(view).toMatchObject({
      assignmentId: 'python_sum',
      verdict: 'wrong_answer',
      score: 0,
      maxScore: 3,
      hiddenCount: 1,
      hiddenPassed: 0,
      sandbox: 'docker',
      feedback: { source: 'rules', text: 'Check your addition.' },
    });
    expect(JSON.stringify(view)).not.toContain('SECRET');
  });

  it('narrows on visibility: hidden results have no data fields', () => {
    const view = toPublicResult(result);
    for (const t of view.tests) {
      if (t.visibility === 'hidden') {
        // @ts-expect-error a hidden test result has no `expected` field
        expect(t.expected).toBeUndefined();
        expect(Object.keys(t).sort()).toEqual(['index', 'maxPoints', 'name', 'points', 'timeMs', 'verdict', 'visibility']);
      } else {
        expect(t.expected).toBe('3\n');
      }
    }
  });

  it('treats a test of unknown visibility as hidden', () => {
    const odd = { ...hiddenTest, visibility: 'secret' as never };
    expect(toPublicTestResult(odd).visibility).toBe('hidden');
  });
});
