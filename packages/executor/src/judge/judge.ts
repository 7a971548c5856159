import { randomBytes } from 'node:crypto';
import {
  assignmentVersion,
  compareOutput,
  compareResultSets,
  defaultComparatorFor,
  defaultTestName,
  EdgeLabError,
  isEdgeLabError,
  resolveLimits,
  scoreTests,
  SqlResultSetSchema,
  type Assignment,
  type CompileResult,
  type GradeResult,
  type Limits,
  type SqlTest,
  type TestCase,
  type TestResult,
  type UnitTest,
  type Verdict,
} from '@edgelab/core';
import type { LanguageDefinition } from '../languages/language-definition.js';
import { findLanguage, LANGUAGES, type LanguageRegistry } from '../languages/language-registry.js';
import { runnerAsset } from '../runner/runner-source.js';
import type { RunLimits, RunOutcome, RunRequest, Sandbox, SandboxSession } from '../sandbox.js';
import { errorSummary, runVerdict, type VerdictWithReason } from './run-verdict.js';
import { validateSubmission, type SubmissionInput, type ValidSubmission } from './validate-submission.js';

/** Options for {@link createJudge}. */
export interface JudgeOptions {
  sandbox: Sandbox;
  /** Language definitions; default the built-in python, java and sql. */
  languages?: LanguageRegistry;
}

/** Options of one grading. */
export interface GradeOptions {
  /**
   * Called as each test finishes, in the order tests run: public tests first, then hidden ones, each in assignment
   * order (points before group scoring; called again for every test on a retry). The result holds hidden data: pass it through core's `toPublicTestResult` before it reaches a student.
   */
  onTest?: (result: TestResult) => void;
  /** Run only public tests (a student's "run" button); hidden tests are `skipped`. */
  publicOnly?: boolean;
  /** Stops grading between tests; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Grades submissions against assignments in a sandbox. */
export interface Judge {
  /**
   * Grades one submission: validate, open one sandbox session, compile once, run every test, compare, score.
   * A student's fault is a verdict in the result. Throws `SUBMISSION_INVALID` / `LANGUAGE_UNSUPPORTED` for a bad
   * submission and `SANDBOX_FAILED` when the sandbox failed twice (callers requeue).
   */
  grade(assignment: Assignment, submission: SubmissionInput, options?: GradeOptions): Promise<GradeResult>;
}

const UNIT_RESULT = /^EDGELAB-UNIT (\S+) (.*)$/;
const SQL_SETUP_ERROR = 'EDGELAB-SETUP-ERROR: ';

interface TestRun extends VerdictWithReason {
  outcome?: RunOutcome;
  actual?: string;
}

function sessionFiles(assignment: Assignment, valid: ValidSubmission): Record<string, string> {
  const files: Record<string, string> = { ...valid.files };
  const support = assignment.languages[valid.language]?.support ?? {};
  for (const [name, content] of Object.entries(support)) {
    if (name in files) {
      throw new EdgeLabError({
        code: 'SUBMISSION_INVALID',
        message: `${name} is an instructor file of ${assignment.id} and cannot be replaced by the submission; rename your file`,
      });
    }
    files[name] = content;
  }
  if (valid.language === 'sql') files['edgelab_sql.py'] = runnerAsset('edgelab_sql.py');
  if (assignment.tests.some((t) => t.kind === 'unit')) files['edgelab_unit.py'] = runnerAsset('edgelab_unit.py');
  return files;
}

/**
 * Indices of the tests in the order they run: every public test before any hidden one, each in assignment order.
 * The session's files are wiped between runs, but counters it keeps (inode numbers, pids) are not: a hidden test
 * that ran before a public one could encode its input in them, and the public test's output is shown.
 */
export function runOrder(tests: readonly Pick<TestCase, 'visibility'>[]): number[] {
  const indices = [...tests.keys()];
  return [...indices.filter((i) => tests[i]!.visibility === 'public'), ...indices.filter((i) => tests[i]!.visibility !== 'public')];
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('grading aborted');
}

function renderResultSet(text: string): string {
  return text.length > 100_000 ? `${text.slice(0, 100_000)}…` : text;
}

class GradingRun {
  private session: SandboxSession | undefined;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly assignment: Assignment,
    private readonly valid: ValidSubmission,
    private readonly language: LanguageDefinition,
    private readonly options: GradeOptions,
  ) {}

  async grade(): Promise<GradeResult> {
    const started = performance.now();
    const { assignment, valid, language } = this;
    const base = resolveLimits(assignment, valid.language);
    const testLimits = assignment.tests.map((t) => resolveLimits(assignment, valid.language, t));
    const maxRunMb = Math.max(
      ...testLimits.map((l) => language.run.limits(l).memoryMb),
      language.compile?.limits(base).memoryMb ?? 0,
    );
    // The runner holds a run's whole output while it encodes the result (bytes, base64, JSON): about five copies.
    const outputMb = Math.ceil((Math.max(...testLimits.map((l) => l.outputKb)) * 5) / 1024);
    this.session = await this.sandbox.openSession({
      language: valid.language,
      files: sessionFiles(assignment, valid),
      maxMemoryMb: maxRunMb + language.sessionOverheadMb + outputMb,
    });
    // Aborting stops the run in progress too: disposing the session kills the sandbox, and grade() then rethrows
    // the signal's reason instead of the resulting sandbox error.
    const session = this.session;
    const stop = () => void session.dispose().catch(() => undefined);
    this.options.signal?.addEventListener('abort', stop, { once: true });
    try {
      let compile: CompileResult | undefined;
      const order = runOrder(assignment.tests);
      if (language.compile !== undefined) {
        const first = order[0];
        compile = await this.compile(base, first === undefined ? undefined : testLimits[first]);
        if (!compile.ok) return this.finish(started, compile, assignment.tests.map((t, i) => this.skipped(t, i, testLimits[i]!, 'not run: the program did not compile')));
      }
      const results: TestResult[] = new Array<TestResult>(assignment.tests.length);
      for (const index of order) {
        aborted(this.options.signal);
        const test = assignment.tests[index]!;
        const limits = testLimits[index]!;
        const result =
          this.options.publicOnly === true && test.visibility !== 'public'
            ? this.skipped(test, index, limits, 'hidden test: not run in a public-only run')
            : await this.runTest(test, index, limits);
        results[index] = result;
        this.options.onTest?.(result);
      }
      return this.finish(started, compile, results);
    } finally {
      this.options.signal?.removeEventListener('abort', stop);
      await session.dispose();
    }
  }

  /**
   * Compiles once; in the language's warm worker when it has one, started with the first test's limits so that the
   * tests share it. The compile reads no test input.
   */
  private async compile(limits: Limits, firstTest: Limits | undefined): Promise<CompileResult> {
    const step = this.language.compile!;
    const runLimits = step.limits(limits);
    const files = Object.keys(this.valid.files);
    const worker = firstTest !== undefined ? step.worker?.(firstTest, files) : undefined;
    const outcome = await this.run(step.command(limits, files), runLimits, { keepOutputs: true, ...(worker ? { worker } : {}) });
    const output = [outcome.stdout, outcome.stderr].filter((s) => s !== '').join('\n');
    const ok = outcome.exitCode === 0 && outcome.limitHit === null;
    const result: CompileResult = { ok, output, usage: outcome.usage };
    if (!ok) {
      result.verdict = 'compile_error';
      if (outcome.limitHit !== null) {
        const what = { time: `took longer than ${runLimits.timeMs} ms`, memory: `needed more than ${runLimits.memoryMb} MB`, output: `printed more than ${runLimits.outputKb} KB` }[outcome.limitHit];
        result.output = `compilation stopped: the compiler ${what}. Is the program unusually large or complex?\n${output}`;
      }
    }
    return result;
  }

  private async run(command: string[], limits: RunLimits, extra: Pick<RunRequest, 'stdin' | 'keepOutputs' | 'worker'> = {}): Promise<RunOutcome> {
    const outcome = await this.session!.run({ command, limits, ...extra });
    if (outcome.execError !== undefined) {
      throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: `the ${this.language.id} runtime cannot start ${command[0]}: ${outcome.execError}` });
    }
    return outcome;
  }

  private async runTest(test: TestCase, index: number, limits: Limits): Promise<TestResult> {
    let run: TestRun;
    switch (test.kind) {
      case 'io':
        run = await this.runIo(test, limits);
        break;
      case 'sql':
        run = await this.runSql(test, limits);
        break;
      case 'unit':
        run = await this.runUnit(test, limits);
        break;
    }
    const result = this.baseResult(test, index, run.verdict, run.outcome?.usage ?? { wallMs: 0, cpuMs: 0, memoryKb: 0 });
    result.message = run.message;
    if (run.actual !== undefined) result.actual = run.actual;
    if (run.outcome !== undefined) {
      if (run.outcome.stderr !== '') result.stderr = run.outcome.stderr;
      if (run.outcome.truncated) result.truncated = true;
    }
    return result;
  }

  private async runIo(test: Extract<TestCase, { kind: 'io' }>, limits: Limits): Promise<TestRun> {
    const runLimits = this.language.run.limits(limits);
    const files = Object.keys(this.valid.files);
    const worker = this.language.run.worker?.(limits, files);
    const outcome = await this.run(this.language.run.command(limits, files), runLimits, {
      stdin: test.input,
      // A hidden test's input is confidential: the worker that saw it never runs a public test (a fresh one would).
      ...(worker ? { worker: { ...worker, confidential: test.visibility !== 'public' } } : {}),
    });
    const failure = runVerdict(outcome, this.language, limits, runLimits);
    if (failure !== undefined) return { ...failure, outcome, actual: outcome.stdout };
    const comparison = compareOutput(defaultComparatorFor(test, this.assignment), test.expected, outcome.stdout);
    return comparison.passed
      ? { verdict: 'accepted', message: 'output matches', outcome, actual: outcome.stdout }
      : { verdict: 'wrong_answer', message: comparison.reason ?? 'wrong answer', outcome, actual: outcome.stdout };
  }

  private async runSql(test: SqlTest, limits: Limits): Promise<TestRun> {
    const runLimits = this.language.run.limits(limits);
    const stdin = JSON.stringify({ schema: this.assignment.sqlSchema ?? '', setup: test.setup });
    const outcome = await this.run(this.language.run.command(limits, Object.keys(this.valid.files)), runLimits, { stdin });
    if (outcome.exitCode === 3 && outcome.stderr.startsWith(SQL_SETUP_ERROR)) {
      // The instructor's schema or setup does not run: the assignment's fault, never the student's.
      return { verdict: 'internal_error', message: `the test's database setup failed: ${outcome.stderr.slice(SQL_SETUP_ERROR.length).trim()}`, outcome };
    }
    const failure = runVerdict(outcome, this.language, limits, runLimits);
    if (failure !== undefined) {
      // The harness prints one clear line for SQL errors; show it instead of "exited with code 1: ...".
      if (failure.verdict === 'runtime_error' && outcome.exitCode === 1) return { verdict: 'runtime_error', message: errorSummary(outcome.stderr), outcome };
      return { ...failure, outcome };
    }
    let actual;
    try {
      actual = SqlResultSetSchema.parse(JSON.parse(outcome.stdout));
    } catch (error) {
      return { verdict: 'internal_error', message: `the SQL harness printed an unreadable result: ${(error as Error).message.slice(0, 200)}`, outcome };
    }
    const comparison = compareResultSets(defaultComparatorFor(test, this.assignment), test.expected, actual);
    const rendered = renderResultSet(outcome.stdout);
    return comparison.passed
      ? { verdict: 'accepted', message: 'result set matches', outcome, actual: rendered }
      : { verdict: 'wrong_answer', message: comparison.reason ?? 'wrong result set', outcome, actual: rendered };
  }

  private async runUnit(test: UnitTest, limits: Limits): Promise<TestRun> {
    const runLimits = this.language.run.limits(limits);
    const nonce = randomBytes(16).toString('hex');
    const stdin = `${nonce}\n${JSON.stringify({ code: test.code, entryPoint: test.entryPoint ?? null })}`;
    // -I keeps the working directory off sys.path until the harness has read the nonce and the test (it adds it
    // then): otherwise a submitted json.py would be imported by the harness itself and could forge the result.
    const outcome = await this.run(['python3', '-B', '-I', 'edgelab_unit.py'], runLimits, { stdin });
    const lines = outcome.stdout.split('\n');
    let report: { status?: string; message?: string | null } | undefined;
    let reportLine = -1;
    for (let i = lines.length - 1; i >= 0; i--) {
      const match = UNIT_RESULT.exec(lines[i]!);
      if (match !== null && match[1] === nonce) {
        try {
          report = JSON.parse(match[2]!) as typeof report;
          reportLine = i;
        } catch {
          report = undefined;
        }
        break;
      }
    }
    const printed = reportLine >= 0 ? lines.slice(0, reportLine).join('\n').replace(/\n$/, '') : outcome.stdout;
    if (outcome.limitHit !== null || report === undefined) {
      const failure = runVerdict(outcome, this.language, limits, runLimits);
      if (failure !== undefined) return { ...failure, outcome, actual: printed };
      return { verdict: 'runtime_error', message: 'the program ended before the test could finish (did it call exit()?)', outcome, actual: printed };
    }
    const message = report.message ?? undefined;
    switch (report.status) {
      case 'pass':
        return { verdict: 'accepted', message: 'all assertions passed', outcome, actual: printed };
      case 'fail':
        return { verdict: 'wrong_answer', message: message ?? 'assertion failed', outcome, actual: printed };
      default: {
        if (this.language.memoryPatterns.some((p) => p.test(message ?? ''))) {
          return { verdict: 'memory_limit', message: `memory limit exceeded: ${message} (limit ${limits.memoryMb} MB)`, outcome, actual: printed };
        }
        return { verdict: 'runtime_error', message: message ?? 'the program raised an error', outcome, actual: printed };
      }
    }
  }

  private baseResult(test: TestCase, index: number, verdict: Verdict, usage: TestResult['usage']): TestResult {
    const result: TestResult = {
      index,
      name: defaultTestName(test, index),
      kind: test.kind,
      visibility: test.visibility,
      verdict,
      points: verdict === 'accepted' ? test.points : 0,
      maxPoints: test.points,
      usage,
    };
    if (test.group !== undefined) result.group = test.group;
    switch (test.kind) {
      case 'io':
        result.input = test.input;
        result.expected = test.expected;
        break;
      case 'sql':
        result.input = test.setup;
        result.expected = JSON.stringify(test.expected);
        break;
      case 'unit':
        result.input = test.code;
        break;
    }
    return result;
  }

  private skipped(test: TestCase, index: number, _limits: Limits, message: string): TestResult {
    const result = this.baseResult(test, index, 'skipped', { wallMs: 0, cpuMs: 0, memoryKb: 0 });
    result.message = message;
    return result;
  }

  private finish(started: number, compile: CompileResult | undefined, tests: TestResult[]): GradeResult {
    const scores = scoreTests(this.assignment, tests);
    for (const scored of scores.tests) {
      const test = tests[scored.index]!;
      test.points = scored.points;
      test.maxPoints = scored.maxPoints;
    }
    const result: GradeResult = {
      assignmentId: this.assignment.id,
      assignmentVersion: assignmentVersion(this.assignment),
      language: this.valid.language,
      verdict: compile !== undefined && !compile.ok ? 'compile_error' : scores.verdict,
      score: scores.score,
      maxScore: scores.maxScore,
      percent: scores.percent,
      tests,
      durationMs: Math.round(performance.now() - started),
      sandbox: this.sandbox.backend,
    };
    if (compile !== undefined) result.compile = compile;
    return result;
  }
}

/**
 * Creates the judge: the grading pipeline written once against the {@link Sandbox} interface.
 *
 * ### Examples
 * ```ts
 * const judge = createJudge({ sandbox: await createSandbox() });
 * const result = await judge.grade(assignment, { language: 'python', code }, { onTest: (t) => console.log(t.verdict) });
 * ```
 */
export function createJudge(options: JudgeOptions): Judge {
  const languages = options.languages ?? LANGUAGES;
  return {
    async grade(assignment, submission, gradeOptions = {}) {
      const valid = validateSubmission(assignment, submission, languages);
      const language = findLanguage(valid.language, languages)!;
      let lastError: unknown;
      for (let attempt = 0; attempt < 2; attempt++) {
        aborted(gradeOptions.signal);
        try {
          return await new GradingRun(options.sandbox, assignment, valid, language, gradeOptions).grade();
        } catch (error) {
          if (gradeOptions.signal?.aborted) throw gradeOptions.signal.reason ?? error;
          if (isEdgeLabError(error) && error.code !== 'SANDBOX_FAILED') throw error; // bad input, missing image: retrying changes nothing
          lastError = error;
        }
      }
      if (isEdgeLabError(lastError, 'SANDBOX_FAILED')) {
        throw new EdgeLabError({
          code: 'SANDBOX_FAILED',
          message: `grading ${assignment.id} failed twice in the ${options.sandbox.backend} sandbox: ${lastError.message}`,
          cause: lastError,
        });
      }
      throw new EdgeLabError({
        code: 'SANDBOX_FAILED',
        message: `grading ${assignment.id} failed twice: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
        cause: lastError,
      });
    },
  };
}
