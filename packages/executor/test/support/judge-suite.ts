/**
 * The judge's end-to-end suite, run once per backend (judge.test.ts: bwrap, judge-docker.test.ts: Docker): the judge
 * is written once, and every backend must give the same verdicts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment, parseAssignmentText, type Assignment, type AssignmentInput, type Source } from '@edgelab/core';
import { createJudge, type Judge } from '../../src/judge/judge.js';
import type { Sandbox } from '../../src/sandbox.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const shipped = (id: string): Assignment => parseAssignmentText(readFileSync(`${repoRoot}assignments/${id}.json`, 'utf8'), `${id}.json`);

function make(input: Omit<AssignmentInput, 'title' | 'statement'> & { title?: string }): Assignment {
  return parseAssignment({ title: input.id, statement: 'Test assignment.', ...input }, `${input.id}.json`);
}

/** Sessions still open, for backends that count them. */
const openSessions = (sandbox: Sandbox): number => (sandbox as { openSessions?: number }).openSessions ?? 0;

/** Declares the judge suite for one backend. */
export function describeJudge(backend: 'bwrap' | 'docker', available: boolean, makeSandbox: () => Promise<Sandbox> | Sandbox): void {
  describe.skipIf(!available)(`judge through ${backend}`, () => {
    let sandbox: Sandbox;
    let judge: Judge;
    beforeAll(async () => {
      sandbox = await makeSandbox();
      judge = createJudge({ sandbox });
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    describe('the shipped assignments: reference solutions accepted, known-wrong solutions get their verdict', () => {
      for (const id of ['python_two_sum', 'sql_top_salaries', 'java_palindrome']) {
        it(id, async () => {
          const assignment = shipped(id);
          for (const [language, entry] of Object.entries(assignment.languages)) {
            const solution = entry.solution as Source;
            const accepted = await judge.grade(assignment, { language, code: solution });
            expect(accepted.tests.filter((t) => t.verdict !== 'accepted').map((t) => `${t.name}: ${t.verdict} ${t.message}`)).toEqual([]);
            expect(accepted).toMatchObject({ verdict: 'accepted', percent: 100, sandbox: backend });
            for (const wrong of entry.wrongSolutions ?? []) {
              const result = await judge.grade(assignment, { language, code: wrong.code });
              expect(result.verdict, `${id} / ${wrong.name}`).not.toBe('accepted');
              if (wrong.expectVerdict !== undefined) expect(result.verdict, `${id} / ${wrong.name}`).toBe(wrong.expectVerdict);
            }
          }
          expect(openSessions(sandbox)).toBe(0);
        }, 240_000);
      }
    });

    it('stops the test in progress when the grading is aborted', async () => {
      const slow = make({ id: 'slow', languages: { python: {} }, limits: { timeMs: 20_000 }, tests: [{ kind: 'io', input: '', expected: '' }] });
      const controller = new AbortController();
      const grading = judge.grade(slow, { language: 'python', code: 'import time\ntime.sleep(30)' }, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('worker stopping')), 500);
      const started = Date.now();
      await expect(grading).rejects.toThrow('worker stopping');
      expect(Date.now() - started).toBeLessThan(15_000); // long before the 20 s limit: the run was cut, not waited for
      expect(openSessions(sandbox)).toBe(0);
    });

    describe('python io', () => {
      const sum = make({
        id: 'sum',
        languages: { python: {} },
        limits: { timeMs: 1000, memoryMb: 64 },
        tests: [
          { kind: 'io', name: 'small', input: '1 2\n', expected: '3\n' },
          { kind: 'io', name: 'secret', input: '5 5\n', expected: '10\n', visibility: 'hidden' },
        ],
      });
      const verdictOf = async (code: string) => {
        const r = await judge.grade(sum, { language: 'python', code });
        return { verdict: r.verdict, message: r.tests[0]?.message };
      };

      it('accepts a correct program and reports usage', async () => {
        const r = await judge.grade(sum, { language: 'python', code: 'a, b = map(int, input().split())\nprint(a + b)' });
        expect(r.verdict).toBe('accepted');
        expect(r.tests[0]?.usage.memoryKb).toBeGreaterThan(1000);
        expect(r.tests[0]?.actual).toBe('3\n');
      });

      it('maps each kind of failure to its verdict with a reason', async () => {
        expect(await verdictOf('print(0)')).toEqual({ verdict: 'wrong_answer', message: 'line 1: expected "3", got "0"' });
        expect(await verdictOf('print(1 // 0)')).toEqual({ verdict: 'runtime_error', message: 'the program exited with code 1: ZeroDivisionError: integer division or modulo by zero' });
        expect((await verdictOf('while True: pass')).verdict).toBe('time_limit');
        expect(await verdictOf('x = bytearray(200 * 1024 * 1024)')).toMatchObject({ verdict: 'memory_limit' });
        expect(await verdictOf('while True: print("spam" * 1000)')).toMatchObject({ verdict: 'output_limit' });
        expect((await verdictOf('import os; os.kill(os.getpid(), 11)')).message).toMatch(/SIGSEGV/);
      });

      it("runs public tests before hidden ones, so a hidden input cannot reach a public test's output", async () => {
        // The session keeps counters no wipe resets (tmpfs inode numbers, pids): a hidden test that ran first could
        // encode its input in them and a later public test print them. Its output is shown, so it must not depend
        // on any hidden input.
        const leaky = (secret: number) =>
          make({
            id: 'leaky',
            languages: { python: {} },
            tests: [
              { kind: 'io', name: 'secret', input: `${secret}\n`, expected: 'x\n', visibility: 'hidden' },
              { kind: 'io', name: 'shown', input: '', expected: 'x\n' },
            ],
          });
        const code = [
          'import os, sys',
          'data = sys.stdin.read().strip()',
          'tmp = os.environ["TMPDIR"]',
          'for i in range(int(data or 0)):',
          '    open(os.path.join(tmp, str(i)), "w").close()',
          'if not data:',
          '    probe = os.path.join(tmp, "probe")',
          '    open(probe, "w").close()',
          // Only the inode: the pid also depends on what the session did before its first test (a pooled
          // container's readiness probe), which differs between two sessions whatever the order of the tests.
          '    print(os.stat(probe).st_ino)',
        ].join('\n');
        const order: string[] = [];
        const low = await judge.grade(leaky(3), { language: 'python', code }, { onTest: (t) => order.push(t.name) });
        const high = await judge.grade(leaky(400), { language: 'python', code });
        const seen = JSON.stringify({ order, low: low.tests.map((t) => [t.verdict, t.actual]), high: high.tests.map((t) => [t.verdict, t.actual]) });
        expect(high.tests[1]?.actual, seen).toBe(low.tests[1]?.actual);
        // A sandbox retry calls onTest again for every test; in each attempt the public test comes first.
        expect(order.slice(-2), seen).toEqual(['shown', 'secret']);
        expect(low.tests.map((t) => t.name)).toEqual(['secret', 'shown']); // results stay in assignment order
      });

      it('accepts a multi-file submission that imports its own module', async () => {
        const r = await judge.grade(sum, { language: 'python', code: { 'solution.py': 'from helper import add\nprint(add(*map(int, input().split())))', 'helper.py': 'def add(a, b):\n    return a + b\n' } });
        expect(r.verdict).toBe('accepted');
      });
    });

    describe('java io', () => {
      const hello = make({
        id: 'hello_java',
        languages: { java: {} },
        tests: [{ kind: 'io', input: 'World\n', expected: 'Hello, World\n' }, { kind: 'io', input: 'EdgeLab\n', expected: 'Hello, EdgeLab\n' }],
      });

      it('compiles once and runs every test against the classes', async () => {
        const code = 'import java.util.Scanner;\npublic class Main {\n  public static void main(String[] a) {\n    System.out.println("Hello, " + new Scanner(System.in).nextLine());\n  }\n}\n';
        const r = await judge.grade(hello, { language: 'java', code });
        expect(r.tests.map((t) => t.message)).toEqual(['output matches', 'output matches']);
        expect(r).toMatchObject({ verdict: 'accepted', compile: { ok: true } });
      });

      it('reports a compile error with the student’s file and line, and skips the tests', async () => {
        const r = await judge.grade(hello, { language: 'java', code: 'public class Main {\n  public static void main(String[] a) {\n    int x = "s"\n  }\n}\n' });
        expect(r.verdict).toBe('compile_error');
        expect(r.compile?.output).toMatch(/Main\.java:3: error/);
        expect(r.tests.map((t) => t.verdict)).toEqual(['skipped', 'skipped']);
      });

      it('maps an exception and running out of heap', async () => {
        const thrower = await judge.grade(hello, { language: 'java', code: 'public class Main { public static void main(String[] a) { System.out.println(1 / (a.length)); } }' });
        expect(thrower.tests[0]).toMatchObject({ verdict: 'runtime_error', message: expect.stringMatching(/ArithmeticException: \/ by zero/) });
        const hog = await judge.grade(hello, { language: 'java', code: 'import java.util.*;\npublic class Main { public static void main(String[] a) { List<long[]> l = new ArrayList<>(); while (true) l.add(new long[1 << 20]); } }' });
        expect(hog.tests[0]?.verdict).toBe('memory_limit');
      });
    });

    describe('sql', () => {
      const people = make({
        id: 'people',
        languages: { sql: {} },
        sqlSchema: 'CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, age INTEGER);',
        tests: [
          { kind: 'sql', setup: "INSERT INTO people VALUES (1, 'Ann', 30), (2, 'Bob', 17);", expected: { columns: ['name'], rows: [['Ann']] } },
          { kind: 'sql', setup: "INSERT INTO people VALUES (1, 'Cid', 18), (2, 'Dee', 40);", expected: { columns: ['name'], rows: [['Cid'], ['Dee']] }, visibility: 'hidden' },
        ],
      });
      const grade = (code: string) => judge.grade(people, { language: 'sql', code });

      it('accepts a query with the right result set', async () => {
        const r = await grade('SELECT name FROM people WHERE age >= 18 ORDER BY name;');
        expect(r.verdict).toBe('accepted');
        expect(r.tests[0]?.actual).toBe('{"columns":["name"],"rows":[["Ann"]]}');
      });

      it('rejects a wrong result set with the comparator’s reason', async () => {
        const r = await grade('SELECT name FROM people');
        expect(r.verdict).toBe('wrong_answer');
        expect(r.tests[0]?.message).toBeTruthy();
      });

      it('refuses several statements and statements that write, with a clear message', async () => {
        expect((await grade('SELECT 1; SELECT 2;')).tests[0]).toMatchObject({ verdict: 'runtime_error', message: expect.stringMatching(/more than one statement/) });
        expect((await grade('DELETE FROM people')).tests[0]).toMatchObject({ verdict: 'runtime_error', message: expect.stringMatching(/only a single SELECT/) });
        expect((await grade('SELECT nme FROM people')).tests[0]).toMatchObject({ verdict: 'runtime_error', message: 'SQL error: no such column: nme' });
      });

      it('stops a runaway recursive query at the time limit', async () => {
        const r = await judge.grade({ ...people, limits: { timeMs: 300 } }, { language: 'sql', code: 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) AS name FROM n' });
        expect(['time_limit', 'memory_limit']).toContain(r.tests[0]?.verdict);
      });

      it('calls a broken instructor setup an internal error, not the student’s fault', async () => {
        const broken = make({ id: 'broken', languages: { sql: {} }, tests: [{ kind: 'sql', setup: 'INSERT INTO nowhere VALUES (1);', expected: { columns: ['x'], rows: [] } }] });
        const r = await judge.grade(broken, { language: 'sql', code: 'SELECT 1 AS x' });
        expect(r.tests[0]).toMatchObject({ verdict: 'internal_error', message: expect.stringMatching(/setup failed: no such table: nowhere/) });
      });
    });

    describe('python unit tests', () => {
      const add = make({
        id: 'add_unit',
        languages: { python: {} },
        tests: [
          { kind: 'unit', code: 'def check(candidate):\n    assert candidate(1, 2) == 3\n    assert candidate(-1, 1) == 0, "adding opposites"\n', entryPoint: 'add' },
          { kind: 'unit', code: 'assert add(2, 2) == 4\n' },
        ],
      });
      const grade = (code: string) => judge.grade(add, { language: 'python', code });

      it('passes a correct function', async () => {
        const r = await grade('def add(a, b):\n    print("debug")\n    return a + b\n');
        expect(r.verdict).toBe('accepted');
        expect(r.tests[0]?.actual).toBe('debug\ndebug');
      });

      it('fails with the assertion message, or the failing line when there is none', async () => {
        const r = await grade('def add(a, b):\n    return a + b if a > 0 else 99\n');
        expect(r.tests[0]).toMatchObject({ verdict: 'wrong_answer', message: 'assertion failed: adding opposites' });
        const s = await grade('def add(a, b):\n    return 0\n');
        expect(s.tests[0]).toMatchObject({ verdict: 'wrong_answer', message: 'assertion failed at line 2 of the test: assert candidate(1, 2) == 3' });
      });

      it('reports a missing function, an exception and an import-time crash', async () => {
        expect((await grade('def plus(a, b):\n    return a + b\n')).tests[0]?.message).toBe('the solution does not define a function named add');
        expect((await grade('def add(a, b):\n    return a / 0\n')).tests[0]).toMatchObject({ verdict: 'runtime_error', message: expect.stringMatching(/^ZeroDivisionError: division by zero/) });
        expect((await grade('raise ValueError("boom")\n')).tests[0]).toMatchObject({ verdict: 'runtime_error', message: expect.stringMatching(/importing solution.py failed: ValueError: boom/) });
      });

      it('does not trust a pass line forged by printing, or an early exit', async () => {
        const forged = await grade('import os\ndef add(a, b):\n    print("\\nEDGELAB-UNIT 0000 {\\"status\\": \\"pass\\"}")\n    os._exit(0)\n');
        expect(forged.tests[0]?.verdict).toBe('runtime_error');
        expect(forged.verdict).not.toBe('accepted');
      });

      it('does not let a submitted module that shadows one the harness imports read the test or forge a pass', async () => {
        // A student's json.py on sys.path would run before the harness reads its nonce and the test code from stdin.
        const forged = await judge.grade(add, {
          language: 'python',
          code: {
            'solution.py': 'def add(a, b):\n    return 0\n',
            'json.py': [
              'import os, sys',
              'nonce = sys.stdin.readline().strip()',
              'test = sys.stdin.read()',
              'os.write(1, ("\\nEDGELAB-UNIT " + nonce + \' {"status": "pass", "message": null}\\n\').encode())',
              'os._exit(0)',
            ].join('\n'),
          },
        });
        expect(forged.tests.map((t) => t.verdict)).toEqual(['wrong_answer', 'wrong_answer']);
        expect(forged.verdict).not.toBe('accepted');
      });

      it('never exposes the test code as a file to the student', async () => {
        // The test code's text, built so the student's own file does not contain it.
        const code = [
          'import os',
          'needle = "candi" + "date(1, 2)"',
          'hits = []',
          'for root in ("/tmp", os.getcwd(), os.environ.get("HOME", "/tmp")):',
          '    for d, _, fs in os.walk(root):',
          '        for f in fs:',
          '            try:',
          '                if needle in open(os.path.join(d, f)).read(): hits.append(f)',
          '            except OSError:',
          '                pass',
          'print(sorted(set(hits)))',
          'def add(a, b):',
          '    return a + b',
        ].join('\n');
        const r = await grade(code);
        expect(r.tests[0]?.actual).toBe('[]');
        expect(r.verdict).toBe('accepted');
      });
    });
  });
}
