import type { AssignmentInput } from '../src/assignment-schema.js';

/** A small valid Python assignment with public, hidden and grouped tests. */
export function pythonAssignment(overrides: Partial<AssignmentInput> = {}): AssignmentInput {
  return {
    $schema: '../schema/assignment.schema.json',
    id: 'python_sum',
    title: 'Sum two numbers',
    statement: 'Read two integers and print their sum.',
    tags: ['basics'],
    difficulty: 'easy',
    languages: {
      python: {
        starter: 'a, b = map(int, input().split())\n',
        solution: 'a, b = map(int, input().split())\nprint(a + b)\n',
        wrongSolutions: [{ name: 'difference', code: 'a, b = map(int, input().split())\nprint(a - b)\n' }],
      },
    },
    groups: [{ id: 'big', name: 'Big numbers', points: 4 }],
    tests: [
      { kind: 'io', name: 'small', input: '1 2\n', expected: '3\n' },
      { kind: 'io', visibility: 'hidden', input: '10 20\n', expected: '30\n' },
      { kind: 'io', visibility: 'hidden', group: 'big', input: '1000000 1\n', expected: '1000001\n', points: 1 },
      { kind: 'io', visibility: 'hidden', group: 'big', input: '5000000 5\n', expected: '5000005\n', points: 3 },
    ],
    ...overrides,
  };
}

/** A small valid SQL assignment. */
export function sqlAssignment(): AssignmentInput {
  return {
    id: 'sql_top_salaries',
    title: 'Top salary per department',
    statement: 'Return each department with its best-paid employee.',
    languages: { sql: { starter: 'SELECT ...', solution: 'SELECT dept, name, salary FROM emp' } },
    sqlSchema: 'CREATE TABLE emp (dept TEXT, name TEXT, salary INTEGER);',
    tests: [
      {
        kind: 'sql',
        setup: "INSERT INTO emp VALUES ('Sales', 'Ann', 5000);",
        expected: { columns: ['dept', 'name', 'salary'], rows: [['Sales', 'Ann', 5000]] },
      },
      {
        kind: 'sql',
        visibility: 'hidden',
        setup: "INSERT INTO emp VALUES ('IT', 'Bob', 7000);",
        expected: { columns: ['dept', 'name', 'salary'], rows: [['IT', 'Bob', 7000]] },
      },
    ],
  };
}
