import type { Assignment } from './assignment-schema.js';
import { EdgeLabError } from './errors.js';
import type { Verdict } from './verdicts.js';

/** What scoring needs to know about one test's run: its verdict. Extra fields are ignored. */
export interface TestOutcome {
  verdict: Verdict;
}

/** One test's points after scoring. */
export interface ScoredTest {
  /** Position in the assignment's `tests`. */
  index: number;
  verdict: Verdict;
  /** Points earned: `maxPoints` if passed (and, in a group, the whole group passed), else 0. */
  points: number;
  /** The test's share of the total: its `points`, or its share of its group's declared points. */
  maxPoints: number;
  group?: string;
}

/** One group's points after scoring: all or nothing. */
export interface ScoredGroup {
  id: string;
  name?: string;
  points: number;
  maxPoints: number;
  /** True when every test of the group was accepted. */
  passed: boolean;
  /** Indexes of the group's tests. */
  tests: number[];
}

/** The scores of a graded submission, ready to copy into a `GradeResult`. */
export interface TestScores {
  tests: ScoredTest[];
  groups: ScoredGroup[];
  score: number;
  maxScore: number;
  /** score / maxScore * 100 rounded to 2 decimals; 0 when maxScore is 0. */
  percent: number;
  /** `accepted`, or the verdict of the first failing test in test order (see {@link overallVerdict}). */
  verdict: Verdict;
}

// Sums of fractional shares (10 points over 3 tests) should not print as 9.999999999.
const tidy = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The verdict of a whole submission: `accepted` when every test was accepted; otherwise the verdict of the first
 * test in test order that ran and failed. `skipped` tests count only when nothing else failed: a run whose tests
 * all passed but some were skipped (a public-only run) is `skipped`, not `accepted`, because it was not fully
 * graded; after a compile error every test is skipped and the caller reports the compile verdict instead.
 */
export function overallVerdict(outcomes: readonly TestOutcome[]): Verdict {
  let sawSkipped = false;
  for (const o of outcomes) {
    if (o.verdict === 'accepted') continue;
    if (o.verdict === 'skipped') sawSkipped = true;
    else return o.verdict;
  }
  return sawSkipped ? 'skipped' : 'accepted';
}

/**
 * Scores a submission from the verdicts of its tests. `outcomes[i]` is the outcome of `assignment.tests[i]`.
 * A test earns its `points` when accepted; a group earns its points (declared, or the sum of its tests') only when
 * every test in it was accepted, and each of its tests then shows its proportional share.
 *
 * @throws EdgeLabError `INTERNAL` when there is not exactly one outcome per test (a caller bug).
 */
export function scoreTests(assignment: Pick<Assignment, 'tests' | 'groups'>, outcomes: readonly TestOutcome[]): TestScores {
  if (outcomes.length !== assignment.tests.length) {
    throw new EdgeLabError({
      code: 'INTERNAL',
      message: `scoreTests needs one outcome per test: the assignment has ${assignment.tests.length} tests, got ${outcomes.length} outcomes`,
    });
  }
  const tests: ScoredTest[] = assignment.tests.map((t, index) => {
    const verdict = (outcomes[index] as TestOutcome).verdict;
    const scored: ScoredTest = { index, verdict, points: verdict === 'accepted' ? t.points : 0, maxPoints: t.points };
    if (t.group !== undefined) scored.group = t.group;
    return scored;
  });

  let score = 0;
  let maxScore = 0;
  const declared = new Set((assignment.groups ?? []).map((g) => g.id));
  for (const t of tests) {
    if (t.group !== undefined && declared.has(t.group)) continue;
    score += t.points;
    maxScore += t.maxPoints;
  }

  const groups: ScoredGroup[] = [];
  for (const g of assignment.groups ?? []) {
    const members = tests.filter((t) => t.group === g.id);
    // A declared group without tests is worth nothing: there is nothing to pass.
    if (members.length === 0) continue;
    const sum = members.reduce((acc, t) => acc + t.maxPoints, 0);
    const groupMax = g.points ?? sum;
    const passed = members.every((t) => t.verdict === 'accepted');
    for (const t of members) {
      t.maxPoints = tidy(sum > 0 ? (groupMax * t.maxPoints) / sum : groupMax / members.length);
      t.points = passed ? t.maxPoints : 0;
    }
    const scoredGroup: ScoredGroup = { id: g.id, points: passed ? groupMax : 0, maxPoints: groupMax, passed, tests: members.map((t) => t.index) };
    if (g.name !== undefined) scoredGroup.name = g.name;
    groups.push(scoredGroup);
    score += scoredGroup.points;
    maxScore += groupMax;
  }

  score = tidy(score);
  maxScore = tidy(maxScore);
  const percent = maxScore > 0 ? Math.round((score / maxScore) * 10_000) / 100 : 0;
  return { tests, groups, score, maxScore, percent, verdict: overallVerdict(outcomes) };
}
