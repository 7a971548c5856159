import {
  parseAssignment,
  toPublicAssignment,
  toPublicResult,
  type Assignment,
  type AssignmentInput,
  type GradeResult,
  type TestResult,
} from '@edgelab/core';
import { buildFeedbackInput, type FeedbackInput } from '../../src/feedback/index.js';

/** A valid Python assignment, with overrides. */
export function makeAssignment(overrides: Partial<AssignmentInput> = {}): Assignment {
  return parseAssignment(
    {
      id: 'sum_list',
      title: 'Sum a list',
      statement: 'Read integers on one line and print their sum.',
      tags: ['loops'],
      languages: { python: { starter: '', solution: 'print(sum(map(int, input().split())))\n' } },
      limits: { timeMs: 1000, memoryMb: 128 },
      tests: [
        { name: 'sample 1', input: '1 2 3\n', expected: '6\n', kind: 'io' },
        { visibility: 'hidden', input: '5\n', expected: '5\n', kind: 'io' },
      ],
      ...overrides,
    },
    'feedback-fixtures',
  );
}

/** A test result with harmless defaults. */
export function makeTestResult(partial: Partial<TestResult> & Pick<TestResult, 'index'>): TestResult {
  return {
    name: partial.visibility === 'hidden' ? `Hidden test ${partial.index + 1}` : `Test ${partial.index + 1}`,
    kind: 'io',
    visibility: 'public',
    verdict: 'accepted',
    points: partial.verdict === undefined || partial.verdict === 'accepted' ? 1 : 0,
    maxPoints: 1,
    usage: { wallMs: 10, cpuMs: 8, memoryKb: 9000 },
    ...partial,
  };
}

/** A grade result over `tests`, scored simply (sum of points; verdict of the first failing test). */
export function makeGradeResult(assignment: Assignment, tests: TestResult[], overrides: Partial<GradeResult> = {}): GradeResult {
  const score = tests.reduce((s, t) => s + t.points, 0);
  const maxScore = tests.reduce((s, t) => s + t.maxPoints, 0);
  return {
    assignmentId: assignment.id,
    language: 'python',
    verdict: tests.find((t) => t.verdict !== 'accepted')?.verdict ?? 'accepted',
    score,
    maxScore,
    percent: maxScore === 0 ? 0 : Math.round((score / maxScore) * 10000) / 100,
    tests,
    durationMs: 100,
    ...overrides,
  };
}

/** The feedback input the way production builds it: through core's public views. */
export function inputFor(assignment: Assignment, result: GradeResult, code: string | Record<string, string>): FeedbackInput {
  return buildFeedbackInput({ assignment: toPublicAssignment(assignment), result: toPublicResult(result), code });
}
