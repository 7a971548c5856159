import type { LanguageId, TestKind } from './assignment-schema.js';
import type { CompileResult, Feedback, GradeResult, RunUsage, TestResult } from './grade-result.js';
import { defaultTestName } from './test-name.js';
import type { Verdict } from './verdicts.js';

/** Fields every public test result has, hidden or not. */
interface PublicTestResultBase {
  /** Position of the test in the assignment's `tests`. */
  index: number;
  name: string;
  verdict: Verdict;
  points: number;
  maxPoints: number;
  /** Wall-clock time of the run, in milliseconds. */
  timeMs: number;
}

/** The result of a public test, with its data: what went in, what was expected, what came out. */
export interface PublicVisibleTestResult extends PublicTestResultBase {
  visibility: 'public';
  kind: TestKind;
  group?: string;
  usage: RunUsage;
  message?: string;
  input?: string;
  expected?: string;
  actual?: string;
  stderr?: string;
  truncated?: boolean;
}

/** The result of a hidden test: verdict, points and time only. It has no field that could hold test data. */
export interface PublicHiddenTestResult extends PublicTestResultBase {
  visibility: 'hidden';
}

/** One test's result as a student sees it; discriminate on `visibility`. */
export type PublicTestResult = PublicVisibleTestResult | PublicHiddenTestResult;

/** A graded submission as a student sees it. Built by {@link toPublicResult}. */
export interface PublicGradeResult {
  assignmentId: string;
  // No assignment version: GradeResult's is the hash of the whole assignment, hidden tests included.
  language: LanguageId;
  verdict: Verdict;
  score: number;
  maxScore: number;
  percent: number;
  compile?: CompileResult;
  tests: PublicTestResult[];
  /** How many tests are hidden, and how many of those were accepted. */
  hiddenCount: number;
  hiddenPassed: number;
  durationMs: number;
  sandbox?: string;
  feedback?: Feedback;
}

const copyUsage = (u: RunUsage): RunUsage => ({ wallMs: u.wallMs, cpuMs: u.cpuMs, memoryKb: u.memoryKb });

/**
 * One test's result as a student may see it (e.g. to stream progress). A hidden test keeps only index, name,
 * visibility, verdict, points, maxPoints and time: never its input, expected or actual output, stderr or message.
 */
export function toPublicTestResult(t: TestResult): PublicTestResult {
  const base: PublicTestResultBase = {
    index: t.index,
    name: t.name !== '' ? t.name : defaultTestName({ visibility: t.visibility }, t.index),
    verdict: t.verdict,
    points: t.points,
    maxPoints: t.maxPoints,
    timeMs: t.usage.wallMs,
  };
  // Anything not explicitly public is treated as hidden.
  if (t.visibility !== 'public') return { ...base, visibility: 'hidden' };
  const out: PublicVisibleTestResult = { ...base, visibility: 'public', kind: t.kind, usage: copyUsage(t.usage) };
  if (t.group !== undefined) out.group = t.group;
  if (t.message !== undefined) out.message = t.message;
  if (t.input !== undefined) out.input = t.input;
  if (t.expected !== undefined) out.expected = t.expected;
  if (t.actual !== undefined) out.actual = t.actual;
  if (t.stderr !== undefined) out.stderr = t.stderr;
  if (t.truncated !== undefined) out.truncated = t.truncated;
  return out;
}

/**
 * A grade result as a student may see it: the only way a result leaves toward a student. Built by picking
 * allowed fields; hidden tests become {@link PublicHiddenTestResult}s.
 */
export function toPublicResult(r: GradeResult): PublicGradeResult {
  const tests = r.tests.map(toPublicTestResult);
  const hidden = tests.filter((t) => t.visibility === 'hidden');
  const out: PublicGradeResult = {
    assignmentId: r.assignmentId,
    language: r.language,
    verdict: r.verdict,
    score: r.score,
    maxScore: r.maxScore,
    percent: r.percent,
    tests,
    hiddenCount: hidden.length,
    hiddenPassed: hidden.filter((t) => t.verdict === 'accepted').length,
    durationMs: r.durationMs,
  };
  if (r.compile !== undefined) {
    const compile: CompileResult = { ok: r.compile.ok, output: r.compile.output, usage: copyUsage(r.compile.usage) };
    if (r.compile.verdict !== undefined) compile.verdict = r.compile.verdict;
    out.compile = compile;
  }
  if (r.sandbox !== undefined) out.sandbox = r.sandbox;
  if (r.feedback !== undefined) {
    const feedback: Feedback = { source: r.feedback.source, text: r.feedback.text };
    if (r.feedback.model !== undefined) feedback.model = r.feedback.model;
    out.feedback = feedback;
  }
  return out;
}
