import { describe, expect, it } from 'vitest';
import { pythonAssignment } from '../test/fixtures.js';
import { parseAssignment } from './parse-assignment.js';
import { overallVerdict, scoreTests } from './score-tests.js';
import type { Verdict } from './verdicts.js';

// Tests: 0 public (1 pt), 1 hidden (1 pt), 2 and 3 in group "big" (declared 4 pts; test points 1 and 3).
const assignment = parseAssignment(pythonAssignment(), 'python_sum.json');
const outcomes = (...verdicts: Verdict[]) => verdicts.map((verdict) => ({ verdict }));

describe('scoreTests', () => {
  it('gives full marks when every test is accepted', () => {
    const s = scoreTests(assignment, outcomes('accepted', 'accepted', 'accepted', 'accepted'));
    expect(s).toMatchObject({ score: 6, maxScore: 6, percent: 100, verdict: 'accepted' });
    expect(s.tests.map((t) => [t.points, t.maxPoints])).toEqual([[1, 1], [1, 1], [1, 1], [3, 3]]);
    expect(s.groups).toEqual([{ id: 'big', name: 'Big numbers', points: 4, maxPoints: 4, passed: true, tests: [2, 3] }]);
  });

  it('scores a group all-or-nothing', () => {
    const s = scoreTests(assignment, outcomes('accepted', 'accepted', 'accepted', 'wrong_answer'));
    expect(s).toMatchObject({ score: 2, maxScore: 6, percent: 33.33, verdict: 'wrong_answer' });
    expect(s.tests[2]).toMatchObject({ verdict: 'accepted', points: 0, maxPoints: 1 });
    expect(s.groups[0]).toMatchObject({ passed: false, points: 0 });
  });

  it('shares declared group points in proportion to test points, or evenly when they are all 0', () => {
    const a = parseAssignment(
      pythonAssignment({
        groups: [{ id: 'g', points: 10 }],
        tests: [
          { kind: 'io', expected: '1', group: 'g' },
          { kind: 'io', expected: '1', group: 'g' },
          { kind: 'io', expected: '1', group: 'g' },
        ],
      }),
      'a.json',
    );
    const s = scoreTests(a, outcomes('accepted', 'accepted', 'accepted'));
    expect(s.score).toBe(10);
    expect(s.tests.map((t) => t.maxPoints)).toEqual([3.333333, 3.333333, 3.333333]);
    const zero = parseAssignment(
      pythonAssignment({ groups: [{ id: 'g', points: 2 }], tests: [{ kind: 'io', expected: '1', group: 'g', points: 0 }, { kind: 'io', expected: '1', group: 'g', points: 0 }] }),
      'z.json',
    );
    expect(scoreTests(zero, outcomes('accepted', 'accepted')).tests.map((t) => t.maxPoints)).toEqual([1, 1]);
  });

  it('sums test points for a group without declared points', () => {
    const a = parseAssignment(
      pythonAssignment({ groups: [{ id: 'g' }], tests: [{ kind: 'io', expected: '1', group: 'g', points: 2 }, { kind: 'io', expected: '1', group: 'g', points: 3 }] }),
      'a.json',
    );
    expect(scoreTests(a, outcomes('accepted', 'accepted'))).toMatchObject({ score: 5, maxScore: 5 });
  });

  it('gives percent 0 when the assignment is worth 0 points', () => {
    const a = parseAssignment(pythonAssignment({ groups: [], tests: [{ kind: 'io', expected: '1', points: 0 }] }), 'a.json');
    expect(scoreTests(a, outcomes('accepted'))).toMatchObject({ score: 0, maxScore: 0, percent: 0, verdict: 'accepted' });
  });

  it('rounds percent to 2 decimals', () => {
    const a = parseAssignment(pythonAssignment({ groups: [], tests: [{ kind: 'io', expected: '1' }, { kind: 'io', expected: '1' }, { kind: 'io', expected: '1' }] }), 'a.json');
    expect(scoreTests(a, outcomes('accepted', 'accepted', 'time_limit')).percent).toBe(66.67);
  });

  it('refuses a number of outcomes different from the number of tests', () => {
    expect(() => scoreTests(assignment, outcomes('accepted'))).toThrowError(/one outcome per test/);
  });
});

describe('overallVerdict', () => {
  it('is accepted only when every test is accepted', () => {
    expect(overallVerdict(outcomes('accepted', 'accepted'))).toBe('accepted');
  });

  it('is the first failing verdict in test order', () => {
    expect(overallVerdict(outcomes('accepted', 'time_limit', 'wrong_answer'))).toBe('time_limit');
  });

  it('counts skipped tests only when nothing else failed', () => {
    expect(overallVerdict(outcomes('skipped', 'accepted', 'runtime_error'))).toBe('runtime_error');
    expect(overallVerdict(outcomes('accepted', 'skipped'))).toBe('skipped');
  });
});
