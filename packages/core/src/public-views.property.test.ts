import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssignmentInput, TestCaseInput } from './assignment-schema.js';
import { assignmentVersion } from './assignment-version.js';
import type { GradeResult, TestResult } from './grade-result.js';
import { parseAssignment } from './parse-assignment.js';
import { toPublicAssignment } from './public-assignment.js';
import { toPublicResult, toPublicTestResult } from './public-result.js';
import { VERDICTS } from './verdicts.js';

// Markers use characters fc.string() never produces, so a marker in a view can only come from hidden data.
const marker = fc.stringMatching(/^[0-9a-f]{12}$/).map((hex) => `\u2063HIDDEN-${hex}\u2063`);
/** Hidden data: a random string with a marker somewhere inside it. */
const secret = fc.tuple(fc.string(), marker, fc.string()).map(([a, m, b]) => ({ text: `${a}${m}${b}`, marker: m }));
const text = fc.string({ maxLength: 30 });

type Generated<T> = { value: T; markers: string[] };

const ioTest = (hidden: boolean): fc.Arbitrary<Generated<TestCaseInput>> =>
  hidden
    ? fc.tuple(secret, secret).map(([input, expected]) => ({
        value: { kind: 'io', visibility: 'hidden', input: input.text, expected: expected.text },
        markers: [input.marker, expected.marker],
      }))
    : fc.tuple(text, text).map(([input, expected]) => ({ value: { kind: 'io', input, expected }, markers: [] }));

const unitTest = (hidden: boolean): fc.Arbitrary<Generated<TestCaseInput>> =>
  hidden
    ? secret.map((code) => ({ value: { kind: 'unit', visibility: 'hidden', code: code.text, entryPoint: 'f' }, markers: [code.marker] }))
    : text.map((code) => ({ value: { kind: 'unit', code: `assert ${code}` }, markers: [] }));

const sqlTest = (hidden: boolean): fc.Arbitrary<Generated<TestCaseInput>> =>
  hidden
    ? fc.tuple(secret, secret, secret).map(([setup, cell, column]) => ({
        value: {
          kind: 'sql',
          visibility: 'hidden',
          setup: setup.text,
          expected: { columns: [column.text], rows: [[cell.text], [1.5], [null]] },
        },
        markers: [setup.marker, cell.marker, column.marker],
      }))
    : fc.tuple(text, text).map(([setup, cell]) => ({ value: { kind: 'sql', setup, expected: { columns: ['c'], rows: [[cell]] } }, markers: [] }));

const assignmentArb: fc.Arbitrary<Generated<AssignmentInput>> = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.nat(5), fc.boolean()), { minLength: 1, maxLength: 8 }))
  .chain(([isSql, specs]) =>
    fc
      .tuple(
        ...specs.map(([hidden, unit]) => (isSql ? sqlTest(hidden) : unit ? unitTest(hidden) : ioTest(hidden))),
      )
      .map((tests) => {
        const withMeta = tests.map((t, i) => {
          const [, , points, grouped] = specs[i] as [boolean, boolean, number, boolean];
          return { ...t.value, points, ...(grouped ? { group: 'g' } : {}) } as TestCaseInput;
        });
        const value: AssignmentInput = {
          id: 'prop',
          title: 'Property',
          statement: 'Statement',
          languages: isSql ? { sql: { solution: 'SELECT 1' } } : { python: { solution: 'print(1)' } },
          groups: [{ id: 'g' }],
          tests: withMeta,
        };
        return { value, markers: tests.flatMap((t) => t.markers) };
      }),
  );

const resultArb: fc.Arbitrary<Generated<GradeResult>> = fc
  .array(fc.tuple(fc.boolean(), fc.constantFrom(...VERDICTS), secret, secret, secret, secret, secret, text), { minLength: 1, maxLength: 10 })
  .map((specs) => {
    const markers: string[] = [];
    const tests: TestResult[] = specs.map(([hidden, verdict, input, expected, actual, stderr, message, plain], index) => {
      if (hidden) markers.push(input.marker, expected.marker, actual.marker, stderr.marker, message.marker);
      const data = hidden
        ? { input: input.text, expected: expected.text, actual: actual.text, stderr: stderr.text, message: message.text }
        : { input: plain, expected: plain, actual: plain, stderr: plain, message: plain };
      return {
        index,
        name: `t${index}`,
        kind: 'io',
        visibility: hidden ? 'hidden' : 'public',
        verdict,
        points: 0,
        maxPoints: 1,
        usage: { wallMs: 1, cpuMs: 1, memoryKb: 1 },
        truncated: false,
        ...data,
      };
    });
    const value: GradeResult = {
      assignmentId: 'prop',
      language: 'python',
      verdict: tests[0]?.verdict ?? 'accepted',
      score: 0,
      maxScore: tests.length,
      percent: 0,
      tests,
      durationMs: 5,
    };
    return { value, markers };
  });

const leaks = (view: unknown, markers: readonly string[]) => {
  const json = JSON.stringify(view);
  return markers.filter((m) => json.includes(m));
};

describe('public views never leak hidden test data (property)', () => {
  it('toPublicAssignment holds no hidden input, expected output, setup or code', () => {
    fc.assert(
      fc.property(assignmentArb, ({ value, markers }) => {
        const view = toPublicAssignment(parseAssignment(value, 'prop.json'));
        expect(leaks(view, markers)).toEqual([]);
        for (const t of view.tests) {
          if (t.visibility === 'hidden') expect(Object.keys(t).every((k) => ['index', 'name', 'points', 'group', 'visibility'].includes(k))).toBe(true);
        }
        expect(view.hiddenCount).toBe(value.tests.filter((t) => t.visibility === 'hidden').length);
      }),
      { numRuns: 300 },
    );
  });

  it('toPublicResult and toPublicTestResult hold no hidden input, expected, actual, stderr or message', () => {
    fc.assert(
      fc.property(resultArb, ({ value, markers }) => {
        expect(leaks(toPublicResult(value), markers)).toEqual([]);
        for (const t of value.tests) expect(leaks(toPublicTestResult(t), markers)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('no public view holds the full assignment hash (assignmentVersion), which would let hidden data be brute-forced', () => {
    fc.assert(
      fc.property(assignmentArb, resultArb, ({ value }, { value: graded }) => {
        const a = parseAssignment(value, 'prop.json');
        const full = assignmentVersion(a);
        const withVersion: GradeResult = { ...graded, assignmentVersion: full };
        expect(JSON.stringify(withVersion)).toContain(full);
        for (const view of [toPublicAssignment(a), toPublicResult(withVersion), ...withVersion.tests.map(toPublicTestResult)]) {
          expect(JSON.stringify(view)).not.toContain(full);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the generators do put markers where a naive view would leak them (the property can fail)', () => {
    fc.assert(
      fc.property(resultArb, ({ value, markers }) => {
        expect(leaks(value, markers)).toEqual(markers);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(assignmentArb, ({ value, markers }) => {
        expect(leaks(value, markers)).toEqual(markers);
      }),
      { numRuns: 50 },
    );
  });
});
