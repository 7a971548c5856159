import { describe, expect, it } from 'vitest';
import { pythonAssignment, sqlAssignment } from '../test/fixtures.js';
import { isEdgeLabError, type EdgeLabError } from './errors.js';
import { formatJsonPath, parseAssignment, parseAssignmentText, safeParseAssignment } from './parse-assignment.js';

function problemsOf(json: unknown, source = 'a.json'): readonly string[] {
  const result = safeParseAssignment(json, source);
  if (result.success) throw new Error('expected the assignment to be invalid');
  return result.problems;
}

function thrown(fn: () => unknown): EdgeLabError {
  try {
    fn();
  } catch (error) {
    if (isEdgeLabError(error)) return error;
    throw error;
  }
  throw new Error('expected an EdgeLabError');
}

describe('parseAssignment', () => {
  it('accepts a valid assignment and applies defaults', () => {
    const a = parseAssignment(pythonAssignment(), 'python_sum.json');
    expect(a.tests[0]?.visibility).toBe('public');
    expect(a.tests[0]?.points).toBe(1);
    expect(a.tests[1]?.kind === 'io' && a.tests[1].input).toBe('10 20\n');
    expect(parseAssignment(sqlAssignment(), 'sql.json').tests).toHaveLength(2);
  });

  it('reports a missing field as <source>: <path>: Required', () => {
    const input = pythonAssignment();
    const tests = [...(input.tests as object[])];
    tests[3] = { kind: 'io', input: 'x' };
    const error = thrown(() => parseAssignment({ ...input, tests }, 'python_two_sum.json'));
    expect(error.code).toBe('ASSIGNMENT_INVALID');
    expect(error.details).toEqual(['python_two_sum.json: tests[3].expected: Required (expected string)']);
    expect(error.message).toContain('python_two_sum.json: invalid assignment (1 problem)');
    expect(error.message).toContain('tests[3].expected: Required');
  });

  it('reports every problem at once, structural and cross-field, with correct paths', () => {
    const problems = problemsOf(
      {
        id: 'Bad Id',
        title: '',
        statement: 'x',
        extra: true,
        languages: { python: { starter: 42 }, cobol: {} },
        groups: [{ id: 'g' }, { id: 'g' }],
        tests: [
          { kind: 'io', expected: '1', group: 'nope' },
          { kind: 'io', name: 'same', expected: '1' },
          { kind: 'io', name: 'same', expected: 2 },
          { kind: 'zz' },
          { expected: '1' },
          { kind: 'io', expected: '1', comparator: { kind: 'float', absTol: -1 } },
          { kind: 'io', expected: '1', comparator: { kind: 'sql' } },
        ],
      },
      'bad.json',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bad\.json: id: must be a slug/),
        expect.stringMatching(/^bad\.json: title: /),
        'bad.json: extra: unknown field "extra"; remove it or check its spelling',
      ]),
    );
    const joined = problems.join('\n');
    expect(joined).toContain('bad.json: languages.cobol: unknown language "cobol"; known languages: python, java, sql');
    expect(joined).toContain('bad.json: languages.python.starter: ');
    expect(joined).toContain('bad.json: tests[0].group: unknown group "nope"');
    expect(joined).toContain('bad.json: tests[2].name: duplicate test name "same"');
    expect(joined).toContain('bad.json: tests[2].expected: expected string, got number');
    expect(joined).toContain('bad.json: tests[3].kind: unknown value "zz"; expected one of "io", "sql", "unit"');
    expect(joined).toContain('bad.json: tests[4].kind: Required (one of "io", "sql", "unit")');
    expect(joined).toContain('bad.json: tests[5].comparator.absTol: ');
    expect(joined).toContain('bad.json: tests[6].comparator.kind: the "sql" comparator only applies to "sql" tests');
    expect(joined).toContain('bad.json: groups[1].id: duplicate group id "g"');
    expect(problems.every((p) => p.startsWith('bad.json: '))).toBe(true);
    expect(new Set(problems).size).toBe(problems.length);
  });

  it('rejects io tests in an SQL assignment and unit tests without python', () => {
    const sql = sqlAssignment();
    const joined = problemsOf({ ...sql, tests: [...(sql.tests as object[]), { kind: 'io', expected: '1' }] }).join('\n');
    expect(joined).toContain('tests[2].kind: a "io" test cannot grade the "sql" language');
    const java = pythonAssignment({ languages: { java: {} }, tests: [{ kind: 'unit', code: 'assert True' }] });
    expect(problemsOf(java).join('\n')).toContain('tests[0].kind: "unit" tests are supported for python only');
  });

  it('explains a value that matches no form of a union', () => {
    const input = { ...pythonAssignment(), languages: { python: { starter: 42, support: { 'a.py': 1 } } } };
    expect(problemsOf(input, 'u.json')).toEqual([
      'u.json: languages.python.starter: expected string or object, got number',
      'u.json: languages.python.support["a.py"]: expected string, got number',
    ]);
  });

  it('reports a non-object input clearly', () => {
    expect(problemsOf(null, 'x.json')).toEqual(['x.json: (root): expected object, got null']);
    expect(problemsOf([], 'x.json')).toEqual(['x.json: (root): expected object, got array']);
  });
});

describe('parseAssignmentText', () => {
  it('parses valid text, with or without a byte-order mark', () => {
    const text = JSON.stringify(pythonAssignment(), null, 2);
    expect(parseAssignmentText(text, 'a.json').id).toBe('python_sum');
    expect(parseAssignmentText(`\uFEFF${text}`, 'a.json').id).toBe('python_sum');
  });

  it('reports a JSON syntax error with line and column', () => {
    const error = thrown(() => parseAssignmentText('{\n  "id": "x",\n  "title": "t"\n  "statement": "s"\n}', 'broken.json'));
    expect(error.code).toBe('ASSIGNMENT_INVALID');
    expect(error.details).toEqual(['broken.json:4:3: invalid JSON: unexpected "\\""; expected "," or "}" after a property value']);
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'trailing commas'],
    ['[1, 2,]', 1, 7, 'trailing commas'],
    ["{'a': 1}", 1, 2, 'keys need double quotes'],
    ['{"a": tru}', 1, 10, 'in "true"'],
    ['{"a": "x', 1, 9, 'unterminated string'],
    ['', 1, 1, 'expected a value'],
    ['{"a": 1} x', 1, 10, 'after the end'],
    ['{"a":\n\t"b\nc"}', 2, 4, 'control character'],
    ['{"a": 01}', 1, 8, 'expected "," or "}"'],
  ])('locates the syntax error in %j at %i:%i', (text, line, column, message) => {
    const error = thrown(() => parseAssignmentText(text, 's.json'));
    expect(error.details[0]).toMatch(new RegExp(`^s\\.json:${line}:${column}: invalid JSON: `));
    expect(error.details[0]).toContain(message);
  });

  it('validates the parsed JSON like parseAssignment', () => {
    const error = thrown(() => parseAssignmentText('{"id": "x"}', 'f.json'));
    expect(error.details).toContain('f.json: title: Required (expected string)');
  });
});

describe('formatJsonPath', () => {
  it('formats indexes, identifiers and odd keys', () => {
    expect(formatJsonPath(['tests', 3, 'expected'])).toBe('tests[3].expected');
    expect(formatJsonPath(['languages', 'python', 'starter'])).toBe('languages.python.starter');
    expect(formatJsonPath(['languages', 'python', 'support', 'helper.py'])).toBe('languages.python.support["helper.py"]');
    expect(formatJsonPath([])).toBe('(root)');
  });
});
