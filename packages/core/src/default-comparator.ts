import type { Assignment, Comparator, TestCase } from './assignment-schema.js';

/**
 * The comparator that grades a test: the test's own, else the assignment's default, else `lines` (`sql` for SQL
 * tests). A default of the wrong family (a text comparator for an SQL test, or `sql` for an `io` test) is passed
 * over. `unit` tests report pass/fail themselves; `lines` is returned for them for uniformity.
 */
export function defaultComparatorFor(
  test: Pick<TestCase, 'kind'> & { comparator?: Comparator | undefined },
  assignment: Pick<Assignment, 'comparator'>,
): Comparator {
  const wantSql = test.kind === 'sql';
  for (const candidate of [test.comparator, assignment.comparator]) {
    if (candidate !== undefined && (candidate.kind === 'sql') === wantSql) return candidate;
  }
  return wantSql ? { kind: 'sql' } : { kind: 'lines' };
}
