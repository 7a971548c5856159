import { parseAssignment, VERDICTS, type AssignmentInput, type GradeResult, type LanguageId, type TestResult } from '@edgelab/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedbackGenerator, feedbackForResult } from '../src/feedback/index.js';
import { startFakeOllama, type FakeOllama, type RecordedRequest } from './support/fake-ollama.js';

/** A generated case: an assignment whose hidden tests and solution carry markers, a result, the student's code. */
interface Case {
  assignmentJson: AssignmentInput;
  result: GradeResult;
  code: string;
  markers: string[];
}

const marker = fc.uuid().map((u) => `HX${u.replace(/-/g, '')}`);
const text = fc.string({ maxLength: 60 });
const verdict = fc.constantFrom(...VERDICTS);

const testSpec = fc.record({
  hidden: fc.boolean(),
  marker,
  verdict,
  publicInput: text,
  publicExpected: text,
  publicActual: text,
  stderr: fc.constantFrom('', 'Traceback (most recent call last):\n  File "main.py", line 2, in <module>\nValueError: bad\n'),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    language: fc.constantFrom<LanguageId>('python', 'java', 'sql'),
    unit: fc.boolean(),
    tests: fc.array(testSpec, { minLength: 1, maxLength: 6 }),
    statement: fc.string({ minLength: 1, maxLength: 200 }),
    solutionMarker: marker,
    code: fc.string({ maxLength: 300 }),
    compileFails: fc.boolean(),
  })
  .map(({ language, unit, tests, statement, solutionMarker, code, compileFails }) => {
    const markers = [solutionMarker, ...tests.filter((t) => t.hidden).map((t) => t.marker)];
    const kind = language === 'sql' ? 'sql' : unit && language === 'python' ? 'unit' : 'io';
    const assignmentJson: AssignmentInput = {
      id: 'generated',
      title: 'Generated',
      statement,
      languages: { [language]: { starter: '', solution: `# reference ${solutionMarker}\nprint("${solutionMarker}")\n` } },
      tests: tests.map((t) => {
        const data = t.hidden ? t.marker : t.publicInput;
        const expected = t.hidden ? `${t.marker}-expected` : t.publicExpected;
        const visibility = t.hidden ? 'hidden' : 'public';
        if (kind === 'sql') return { kind, visibility, setup: `INSERT INTO t VALUES ('${data}');`, expected: { columns: ['v'], rows: [[expected]] } };
        if (kind === 'unit') return { kind, visibility, code: `assert f(${JSON.stringify(data)}) == ${JSON.stringify(expected)}` };
        return { kind, visibility, input: data, expected };
      }),
    };
    const results: TestResult[] = tests.map((t, index) => {
      const r: TestResult = {
        index,
        name: t.hidden ? `Hidden test ${index + 1}` : `Test ${index + 1}`,
        kind,
        visibility: t.hidden ? 'hidden' : 'public',
        verdict: t.verdict,
        points: t.verdict === 'accepted' ? 1 : 0,
        maxPoints: 1,
        usage: { wallMs: 5, cpuMs: 5, memoryKb: 1000 },
      };
      // The full result holds hidden data everywhere a test can: input, expected, actual, stderr, message.
      if (t.hidden) {
        Object.assign(r, {
          input: t.marker,
          expected: `${t.marker}-expected`,
          actual: `${t.marker}-actual`,
          stderr: `${t.stderr}${t.marker}-stderr`,
          message: `line 1: expected ${t.marker}-expected, got ${t.marker}-actual`,
        });
      } else {
        Object.assign(r, { input: t.publicInput, expected: t.publicExpected, actual: t.publicActual, stderr: t.stderr });
      }
      return r;
    });
    const score = results.reduce((s, r) => s + r.points, 0);
    const result: GradeResult = {
      assignmentId: 'generated',
      language,
      verdict: compileFails ? 'compile_error' : (results.find((r) => r.verdict !== 'accepted')?.verdict ?? 'accepted'),
      score,
      maxScore: results.length,
      percent: Math.round((score / results.length) * 10000) / 100,
      tests: results,
      durationMs: 10,
      ...(compileFails && language === 'java'
        ? { compile: { ok: false, output: "Main.java:3: error: ';' expected", usage: { wallMs: 1, cpuMs: 1, memoryKb: 1 }, verdict: 'compile_error' as const } }
        : {}),
    };
    return { assignmentJson, result, code, markers };
  });

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama();
});
afterAll(async () => {
  await fake.close();
});

/** A model that repeats everything it was sent: if a marker reached the prompt, it reaches the answer too. */
const echo = (req: RecordedRequest) => `Here is what I know. ${req.body}`;

describe('no hidden test data and no reference solution ever reach the model or the student', () => {
  it.each([{ stream: true }, { stream: false }])('across generated assignments (stream: $stream)', async ({ stream }) => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ assignmentJson, result, code, markers }) => {
        fake.reset();
        fake.setDefault({ kind: 'reply', text: echo });
        const assignment = parseAssignment(assignmentJson, 'generated');
        // The test is only meaningful if the full records do hold the markers.
        for (const m of markers) expect(JSON.stringify({ assignment, result })).toContain(m);

        const generator = createFeedbackGenerator({ host: fake.url, stream, timeoutMs: 10_000 });
        const outcome = await feedbackForResult(generator, { assignment, submission: { language: result.language, code }, result });

        const chats = fake.requests.filter((r) => r.path === '/api/chat');
        expect(chats).toHaveLength(1);
        for (const request of fake.requests) {
          for (const m of markers) expect(request.body).not.toContain(m);
        }
        for (const m of markers) expect(outcome.feedback.text).not.toContain(m);
      }),
      { numRuns: 40 },
    );
  });

  it('the rule-based fallback alone never reveals a marker either', async () => {
    const generator = createFeedbackGenerator({});
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ assignmentJson, result, code, markers }) => {
        const assignment = parseAssignment(assignmentJson, 'generated');
        const outcome = await feedbackForResult(generator, { assignment, submission: { language: result.language, code }, result });
        expect(outcome.reason).toBe('disabled');
        for (const m of markers) expect(outcome.feedback.text).not.toContain(m);
      }),
      { numRuns: 200 },
    );
  });
});
