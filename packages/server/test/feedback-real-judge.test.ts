import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAssignmentText, type Assignment, type LanguageId } from '@edgelab/core';
import { createJudge, createSandbox, type Sandbox } from '@edgelab/executor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedbackGenerator, feedbackForResult } from '../src/feedback/index.js';
import { sandboxAvailable } from './support/sandbox-service.js';

const ASSIGNMENTS = join(import.meta.dirname, '../../../assignments');
const available = await sandboxAvailable();

/** Rule-based feedback on real traces: the parsers must read what the real runtimes print in the real sandbox. */
describe.skipIf(!available)('rule-based feedback on real sandbox output', () => {
  let sandbox: Sandbox;
  let judge: ReturnType<typeof createJudge>;
  const generator = createFeedbackGenerator({});

  beforeAll(async () => {
    sandbox = await createSandbox({ backend: 'auto' });
    judge = createJudge({ sandbox });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const load = async (id: string): Promise<Assignment> => parseAssignmentText(await readFile(join(ASSIGNMENTS, `${id}.json`), 'utf8'), id);

  const feedbackFor = async (assignment: Assignment, language: LanguageId, code: string) => {
    const result = await judge.grade(assignment, { language, code });
    const { feedback, reason } = await feedbackForResult(generator, { assignment, submission: { language, code }, result });
    expect(reason).toBe('disabled');
    // Nothing of a hidden test's expected output appears (ignoring tiny outputs such as "true").
    for (const t of assignment.tests) {
      if (t.visibility !== 'hidden') continue;
      const expected = t.kind === 'io' ? t.expected.trim() : t.kind === 'sql' ? JSON.stringify(t.expected.rows) : t.code;
      if (expected.length >= 8) expect(feedback.text).not.toContain(expected);
    }
    return { result, text: feedback.text };
  };

  it('Python: names the exception and the line of solution.py', async () => {
    const a = await load('python_two_sum');
    const code = 'values = list(map(int, input().split()))\ntarget = int(input())\nprint(target // (len(values) - len(values)))\n';
    const { result, text } = await feedbackFor(a, 'python', code);
    expect(result.verdict).toBe('runtime_error');
    expect(text).toContain('crashes with ZeroDivisionError (integer division or modulo by zero) at line 3 of solution.py');
  });

  it('Java: names the compile error with its line', async () => {
    const a = await load('java_palindrome');
    const wrong = a.languages.java?.wrongSolutions?.find((w) => w.expectVerdict === 'compile_error');
    expect(wrong).toBeDefined();
    const code = typeof wrong?.code === 'string' ? wrong.code : '';
    const { result, text } = await feedbackFor(a, 'java', code);
    expect(result.verdict).toBe('compile_error');
    expect(text).toMatch(/Your code does not compile at line \d+ of Main\.java: ';' expected/);
  });

  it('Java: names the exception and the line of Main.java from the stack trace', async () => {
    const a = await load('java_palindrome');
    const code = [
      'public class Main {',
      '  public static void main(String[] args) {',
      '    int[] xs = new int[1];',
      '    System.out.println(xs[2]);',
      '  }',
      '}',
    ].join('\n');
    const { result, text } = await feedbackFor(a, 'java', code);
    expect(result.verdict).toBe('runtime_error');
    expect(text).toContain('crashes with ArrayIndexOutOfBoundsException (Index 2 out of bounds for length 1) at line 4 of Main.java');
  });

  it('SQL: quotes the engine error and the judge row difference', async () => {
    const a = await load('sql_top_salaries');
    const broken = await feedbackFor(a, 'sql', 'SELECT no_such_column FROM employees;');
    expect(broken.result.verdict).toBe('runtime_error');
    expect(broken.text).toContain('your query fails with "SQL error: no such column: no_such_column"');

    const wrong = a.languages.sql?.wrongSolutions?.find((w) => w.name === 'ordered by salary first');
    const ordered = await feedbackFor(a, 'sql', typeof wrong?.code === 'string' ? wrong.code : '');
    expect(ordered.text).toMatch(/gives a wrong answer: row 1: expected \(.*\), got \(.*\)\. Run your query/);
  });
});
