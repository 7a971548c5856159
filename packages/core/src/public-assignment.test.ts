import { describe, expect, it } from 'vitest';
import { pythonAssignment, sqlAssignment } from '../test/fixtures.js';
import { assignmentVersion, contentHash } from './assignment-version.js';
import { parseAssignment } from './parse-assignment.js';
import { toPublicAssignment, toPublicSummary } from './public-assignment.js';

describe('toPublicAssignment', () => {
  const a = parseAssignment(pythonAssignment(), 'python_sum.json');
  const view = toPublicAssignment(a);

  it('versions the public view by hashing the public view itself, never the whole assignment (hidden tests included)', () => {
    const { version, ...rest } = view;
    expect(version).toBe(contentHash(rest));
    expect(version).not.toBe(assignmentVersion(a));
    const hiddenChanged = parseAssignment(
      { ...pythonAssignment(), tests: pythonAssignment().tests.map((t) => (t.visibility === 'hidden' && t.kind === 'io' ? { ...t, input: `${t.input}9` } : t)) },
      'python_sum.json',
    );
    expect(assignmentVersion(hiddenChanged)).not.toBe(assignmentVersion(a));
    expect(toPublicAssignment(hiddenChanged).version).toBe(version);
  });

  it('keeps what a student needs: statement, starter, limits, public tests', () => {
    expect(view).toMatchObject({
      id: 'python_sum',
      title: 'Sum two numbers',
      statement: 'Read two integers and print their sum.',
      tags: ['basics'],
      difficulty: 'easy',
      languages: { python: { starter: 'a, b = map(int, input().split())\n', limits: { timeMs: 2000, memoryMb: 256, outputKb: 1024 } } },
      groups: [{ id: 'big', name: 'Big numbers', points: 4 }],
      hiddenCount: 3,
      hiddenPoints: 5,
      maxScore: 6,
    });
    expect(view.tests[0]).toEqual({
      index: 0,
      name: 'small',
      points: 1,
      visibility: 'public',
      kind: 'io',
      input: '1 2\n',
      expected: '3\n',
      comparator: { kind: 'lines' },
    });
  });

  it('shows hidden tests only as name, points and group', () => {
    expect(view.tests.slice(1)).toEqual([
      { index: 1, name: 'Hidden test 2', points: 1, visibility: 'hidden' },
      { index: 2, name: 'Hidden test 3', points: 1, visibility: 'hidden', group: 'big' },
      { index: 3, name: 'Hidden test 4', points: 3, visibility: 'hidden', group: 'big' },
    ]);
  });

  it('never includes solutions or wrong solutions', () => {
    const json = JSON.stringify(view);
    expect(json).not.toContain('print(a + b)');
    expect(json).not.toContain('print(a - b)');
    expect(json).not.toContain('solution');
    expect(json).not.toContain('wrongSolutions');
  });

  it('does not share arrays with the assignment', () => {
    view.tags.push('mutated');
    expect(a.tags).toEqual(['basics']);
  });

  it('shows an SQL test with its setup, expected rows and the sql comparator', () => {
    const s = toPublicAssignment(parseAssignment(sqlAssignment(), 'sql.json'));
    expect(s.sqlSchema).toContain('CREATE TABLE emp');
    expect(s.tests[0]).toMatchObject({
      kind: 'sql',
      setup: "INSERT INTO emp VALUES ('Sales', 'Ann', 5000);",
      expected: { columns: ['dept', 'name', 'salary'], rows: [['Sales', 'Ann', 5000]] },
      comparator: { kind: 'sql' },
    });
    expect(JSON.stringify(s)).not.toContain("'IT', 'Bob'");
  });

  it('names public tests without a name "Test N"', () => {
    const b = parseAssignment(pythonAssignment({ groups: [], tests: [{ kind: 'io', expected: '1' }, { kind: 'unit', code: 'assert f() == 1', entryPoint: 'f' }] }), 'b.json');
    const v = toPublicAssignment(b);
    expect(v.tests.map((t) => t.name)).toEqual(['Test 1', 'Test 2']);
    expect(v.tests[1]).toMatchObject({ kind: 'unit', code: 'assert f() == 1', entryPoint: 'f' });
  });
});

describe('toPublicSummary', () => {
  it('has id, title, tags, difficulty and languages only', () => {
    const a = parseAssignment(pythonAssignment(), 'python_sum.json');
    expect(toPublicSummary(a)).toEqual({ id: 'python_sum', title: 'Sum two numbers', tags: ['basics'], difficulty: 'easy', languages: ['python'] });
  });
});
