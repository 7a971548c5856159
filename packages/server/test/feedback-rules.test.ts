import type { GradeResult, LanguageId, TestResult } from '@edgelab/core';
import { describe, expect, it } from 'vitest';
import {
  findNestedLoop,
  findRecursion,
  firstDifference,
  parseJavaStackTrace,
  parsePythonTraceback,
  ruleBasedFeedback,
} from '../src/feedback/index.js';
import { inputFor, makeAssignment, makeGradeResult, makeTestResult } from './support/feedback-fixtures.js';

const assignment = makeAssignment({
  languages: { python: { starter: '' }, java: { starter: '', limits: { timeMs: 2000 } } },
});

type T = Partial<TestResult>;
let counter = 0;
function test(overrides: T): T {
  return overrides;
}

const feedbackFor = (tests: T[], code: string | Record<string, string>, overrides: Partial<GradeResult> & { language?: LanguageId } = {}) => {
  counter = 0;
  const results = tests.map((t) => makeTestResult({ index: counter++, ...(t.visibility === 'hidden' ? {} : { name: 'sample 1' }), ...t }));
  return ruleBasedFeedback(inputFor(assignment, makeGradeResult(assignment, results, overrides), code)).text;
};

describe('ruleBasedFeedback', () => {
  it('names the compile error and its line (Java)', () => {
    const text = feedbackFor([test({ verdict: 'skipped', points: 0 })], { 'Main.java': 'class Main {\n  int x = 1\n}' }, {
      language: 'java',
      verdict: 'compile_error',
      compile: { ok: false, verdict: 'compile_error', usage: { wallMs: 1, cpuMs: 1, memoryKb: 1 }, output: "Main.java:2: error: ';' expected\n  int x = 1\n           ^\n1 error\n" },
    });
    expect(text).toContain('does not compile at line 2 of Main.java');
    expect(text).toContain("';' expected");
    expect(text).toContain('Score: 0/1');
  });

  it('names a Python syntax error and its line', () => {
    const text = feedbackFor([test({ verdict: 'skipped', points: 0 })], 'print("x"\n', {
      verdict: 'compile_error',
      compile: { ok: false, usage: { wallMs: 1, cpuMs: 1, memoryKb: 1 }, output: '  File "solution.py", line 1\n    print("x"\n         ^\nSyntaxError: \'(\' was never closed\n' },
    });
    expect(text).toContain('line 1 of solution.py');
    expect(text).toContain("SyntaxError: '(' was never closed");
  });

  it('names the exception and the student line of a Python traceback, not the library frame', () => {
    const stderr = [
      'Traceback (most recent call last):',
      '  File "/sandbox/run/solution.py", line 7, in <module>',
      '    print(average(values))',
      '  File "/sandbox/run/solution.py", line 3, in average',
      '    return statistics.mean(xs) / len(xs)',
      '  File "/usr/lib/python3.11/statistics.py", line 430, in mean',
      '    raise StatisticsError("mean requires at least one data point")',
      'statistics.StatisticsError: mean requires at least one data point',
    ].join('\n');
    const text = feedbackFor([test({ verdict: 'runtime_error', points: 0, stderr })], 'import statistics\n');
    expect(text).toContain('crashes with StatisticsError (mean requires at least one data point) at line 3 of solution.py');
  });

  it('names the exception and the student line of a Java stack trace', () => {
    const stderr = [
      'Exception in thread "main" java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 5',
      '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)',
      '\tat Main.last(Main.java:12)',
      '\tat Main.main(Main.java:4)',
    ].join('\n');
    const text = feedbackFor([test({ verdict: 'runtime_error', points: 0, stderr })], { 'Main.java': 'class Main {}' }, { language: 'java' });
    expect(text).toContain('ArrayIndexOutOfBoundsException (Index 5 out of bounds for length 5) at line 12 of Main.java');
  });

  it('calls a Python syntax error reported at run time a syntax error, with its line', () => {
    const stderr = '  File "/box/solution.py", line 2\n    for x in xs\n               ^\nSyntaxError: expected \':\'\n';
    const text = feedbackFor([test({ verdict: 'runtime_error', points: 0, stderr })], 'xs = []\nfor x in xs\n');
    expect(text).toContain("Your code has a SyntaxError at line 2 of solution.py: expected ':'");
  });

  it('names the SQL error of a failing query', () => {
    const sqlAssignment = makeAssignment({
      languages: { sql: { starter: '' } },
      sqlSchema: 'CREATE TABLE t (v INTEGER);',
      tests: [{ kind: 'sql', setup: '', expected: { columns: ['v'], rows: [] } }],
    });
    const r = makeGradeResult(sqlAssignment, [makeTestResult({ index: 0, kind: 'sql', verdict: 'runtime_error', stderr: 'SQL error: no such column: w\n' })], { language: 'sql' });
    const text = ruleBasedFeedback(inputFor(sqlAssignment, r, 'SELECT w FROM t;')).text;
    expect(text).toContain('your query fails with "SQL error: no such column: w"');
  });

  it('points a time limit at the nested loop', () => {
    const code = ['n = int(input())', 'xs = list(map(int, input().split()))', 'best = 0', 'for i in range(n):', '    for j in range(i + 1, n):', '        best = max(best, xs[i] + xs[j])', 'print(best)'].join('\n');
    const text = feedbackFor([test({ verdict: 'time_limit', points: 0 })], code);
    expect(text).toContain('time limit (1000 ms)');
    expect(text).toContain('look at the complexity of the loop at line 5 inside the loop at line 4 of solution.py');
  });

  it('gives a memory hint naming the limit', () => {
    const text = feedbackFor([test({ verdict: 'memory_limit', points: 0 })], 'xs = []\nwhile True:\n    xs.append(1)\n');
    expect(text).toContain('more memory than allowed (128 MB)');
  });

  it('shows the first difference of a failing public test', () => {
    const text = feedbackFor([test({ verdict: 'wrong_answer', points: 0, input: '1 2 3', expected: '6\nok\n', actual: '6\nko\n' })], 'print(6)');
    expect(text).toContain('line 2: expected "ok" but your program printed "ko"');
  });

  it('congratulates when everything passes', () => {
    const text = feedbackFor([test({}), test({ name: 'h1', visibility: 'hidden' })], 'print(1)');
    expect(text).toContain('Well done: your solution passes all 2 tests, public and hidden');
  });

  it('gives generic edge cases when only hidden tests fail', () => {
    const text = feedbackFor(
      [test({}), test({ name: 'Hidden test 2', visibility: 'hidden', verdict: 'wrong_answer', points: 0 }), test({ name: 'Hidden test 3', visibility: 'hidden' })],
      'print(1)',
    );
    expect(text).toContain('Your code passes the public tests but fails 1 hidden test of 2: think about edge cases such as empty input');
  });

  it('does not blame the student when hidden tests failed for a platform error', () => {
    const text = feedbackFor([test({}), test({ visibility: 'hidden', verdict: 'internal_error', points: 0 })], 'print(1)');
    expect(text).toContain('1 hidden test could not be run because of a platform error. This is not your fault');
  });

  it('mentions hidden time limits with a complexity hint', () => {
    const text = feedbackFor(
      [test({}), test({ name: 'Hidden test 2', visibility: 'hidden', verdict: 'time_limit', points: 0 })],
      'for a in x:\n    for b in x:\n        pass\n',
    );
    expect(text).toContain('1 hidden test hit the time limit');
    expect(text).toContain('loop at line 2 inside the loop at line 1');
  });
});

describe('trace and code readers', () => {
  it('reads a Python traceback without a student file name by skipping library frames', () => {
    const loc = parsePythonTraceback('Traceback (most recent call last):\n  File "solution.py", line 9, in f\n    1/0\nZeroDivisionError: division by zero\n', []);
    expect(loc).toEqual({ file: 'solution.py', line: 9, exception: 'ZeroDivisionError', message: 'division by zero' });
  });

  it('reads a Java Caused-by chain', () => {
    const loc = parseJavaStackTrace('Exception in thread "main" java.lang.RuntimeException: wrap\n\tat Main.main(Main.java:3)\nCaused by: java.lang.NumberFormatException: For input string: "x"\n\tat Main.parse(Main.java:9)\n', ['Main.java']);
    expect(loc).toMatchObject({ exception: 'NumberFormatException', line: 9, file: 'Main.java' });
  });

  it('finds nested Java loops by braces and ignores sequential ones', () => {
    const sequential = 'class M {\n  void f() {\n    for (int i = 0; i < n; i++) {\n      a++;\n    }\n    for (int j = 0; j < n; j++) {\n      b++;\n    }\n  }\n}';
    expect(findNestedLoop('java', 'M.java', sequential)).toBeUndefined();
    const nested = 'class M {\n  void f() {\n    for (int i = 0; i < n; i++) {\n      while (j < n) {\n        j++;\n      }\n    }\n  }\n}';
    expect(findNestedLoop('java', 'M.java', nested)).toEqual({ file: 'M.java', outerLine: 3, innerLine: 4 });
  });

  it('finds recursion in Python and Java', () => {
    expect(findRecursion('python', 'main.py', 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n')).toEqual({ file: 'main.py', name: 'fib', line: 1 });
    expect(findRecursion('java', 'Main.java', 'class Main {\n  static int f(int n) {\n    return n == 0 ? 0 : f(n - 1);\n  }\n}')).toMatchObject({ name: 'f', line: 2 });
  });

  it('reports extra and missing lines', () => {
    expect(firstDifference('1\n2\n', '1\n')).toBe('your output stops after line 1; line 2 should be "2"');
    expect(firstDifference('1\n', '1\n2\n')).toBe('your output has extra lines from line 2: "2"');
    expect(firstDifference('1  \n', '1\n')).toBeUndefined();
  });
});
