import { randomBytes } from 'node:crypto';
import type { AssignmentInput } from '@edgelab/core';

/** A random string that must never appear in any response: placed only in hidden tests' data. */
export function marker(): string {
  return `zq${randomBytes(8).toString('hex')}`;
}

/** Fixture assignments whose hidden tests carry random markers, plus every marker to search for. */
export interface MarkerFixtures {
  assignments: AssignmentInput[];
  /** Lower-case markers; responses are searched case-insensitively (expected outputs hold them upper-cased). */
  markers: string[];
}

/** Builds one assignment per language (python io + unit, java io, sql) with marker strings in every hidden test. */
export function markerAssignments(): MarkerFixtures {
  const markers: string[] = [];
  const m = () => {
    const value = marker();
    markers.push(value);
    return value;
  };
  const hiddenIo = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const value = m();
      return { kind: 'io' as const, name: `hidden ${i + 1}`, visibility: 'hidden' as const, input: `${value}\n`, expected: `${value.toUpperCase()}\n` };
    });
  const pyShout: AssignmentInput = {
    id: 'fixture_shout',
    title: 'Shout (fixture)',
    statement: 'Read one line and print it in upper case.',
    tags: ['fixture'],
    languages: {
      python: {
        starter: 'print(input())\n',
        solution: 'print(input().upper())\n',
        wrongSolutions: [{ name: 'echo', code: 'print(input())\n', expectVerdict: 'wrong_answer' }],
      },
    },
    tests: [{ kind: 'io', name: 'public hello', visibility: 'public', input: 'hello\n', expected: 'HELLO\n' }, ...hiddenIo(3)],
  };
  const unitMarker = m();
  const pyUnit: AssignmentInput = {
    id: 'fixture_unit',
    title: 'Double (fixture)',
    statement: 'Write `double(x)` returning 2 * x.',
    languages: { python: { starter: 'def double(x):\n    return x\n', solution: 'def double(x):\n    return 2 * x\n' } },
    tests: [
      { kind: 'unit', name: 'public doubles 2', visibility: 'public', code: 'assert double(2) == 4, "double(2) should be 4"\n' },
      {
        kind: 'unit',
        name: 'hidden big',
        visibility: 'hidden',
        code: `# ${unitMarker}\nassert double(21) == 42, "${unitMarker.toUpperCase()} double(21) was %r" % (double(21),)\n`,
      },
    ],
  };
  const javaShout: AssignmentInput = {
    id: 'fixture_java_shout',
    title: 'Shout in Java (fixture)',
    statement: 'Read one line and print it in upper case.',
    languages: {
      java: {
        starter: 'public class Main { public static void main(String[] a) { } }\n',
        solution:
          'import java.util.Scanner;\npublic class Main {\n  public static void main(String[] a) {\n    Scanner s = new Scanner(System.in);\n    System.out.println(s.nextLine().toUpperCase());\n  }\n}\n',
      },
    },
    tests: [{ kind: 'io', name: 'public hello', visibility: 'public', input: 'hello\n', expected: 'HELLO\n' }, ...hiddenIo(2)],
  };
  const sqlMarker = m();
  const sqlNames: AssignmentInput = {
    id: 'fixture_sql_names',
    title: 'Names (fixture)',
    statement: 'Select every name from `people`, ordered by name.',
    sqlSchema: 'CREATE TABLE people (name TEXT NOT NULL);',
    languages: { sql: { starter: 'SELECT 1;', solution: 'SELECT name FROM people ORDER BY name;' } },
    tests: [
      { kind: 'sql', name: 'public two', visibility: 'public', setup: "INSERT INTO people VALUES ('ann'), ('bob');", expected: { columns: ['name'], rows: [['ann'], ['bob']] } },
      {
        kind: 'sql',
        name: 'hidden one',
        visibility: 'hidden',
        setup: `INSERT INTO people VALUES ('${sqlMarker}');`,
        expected: { columns: ['name'], rows: [[sqlMarker]] },
      },
    ],
  };
  return { assignments: [pyShout, pyUnit, javaShout, sqlNames], markers };
}

/**
 * A Python io assignment whose hidden tests come BEFORE the public ones in index order (the judge runs public tests
 * first, so tests finish out of index order). Each run sleeps a little so a client can reconnect mid-grading.
 */
export function hiddenFirstAssignment(markers: string[]): AssignmentInput {
  const hidden = (n: number) => {
    const value = marker();
    markers.push(value);
    return { kind: 'io' as const, name: `hidden ${n}`, visibility: 'hidden' as const, input: `${value}\n`, expected: `${value.toUpperCase()}\n` };
  };
  return {
    id: 'fixture_hidden_first',
    title: 'Shout, hidden tests first (fixture)',
    statement: 'Read one line and print it in upper case.',
    languages: {
      python: { starter: 'print(input())\n', solution: 'import time\ntime.sleep(0.3)\nprint(input().upper())\n' },
    },
    tests: [
      hidden(1),
      { kind: 'io', name: 'public hello', visibility: 'public', input: 'hello\n', expected: 'HELLO\n' },
      hidden(2),
      { kind: 'io', name: 'public bye', visibility: 'public', input: 'bye\n', expected: 'BYE\n' },
    ],
  };
}

/** Throws when `text` contains any marker (case-insensitive), naming where. */
export function assertNoMarkers(text: string, markers: readonly string[], where: string): void {
  const lower = text.toLowerCase();
  for (const value of markers) {
    if (lower.includes(value)) throw new Error(`hidden test data leaked in ${where}: found marker ${value}`);
  }
}
