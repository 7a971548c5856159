import { describe, expect, it } from 'vitest';
import { pythonAssignment } from '../test/fixtures.js';
import { DEFAULT_LIMITS } from './assignment-schema.js';
import { parseAssignment } from './parse-assignment.js';
import { resolveLimits } from './resolve-limits.js';

describe('resolveLimits', () => {
  it('uses the defaults when nothing overrides them', () => {
    const a = parseAssignment(pythonAssignment(), 'a.json');
    expect(resolveLimits(a, 'python', a.tests[0])).toEqual(DEFAULT_LIMITS);
  });

  it('applies assignment < language < test, field by field', () => {
    const a = parseAssignment(
      pythonAssignment({
        limits: { timeMs: 1000, memoryMb: 128 },
        languages: { python: { limits: { timeMs: 3000 } }, java: { limits: { memoryMb: 512, timeMs: 4000 } } },
        tests: [{ kind: 'io', expected: '1', limits: { timeMs: 5000 } }, { kind: 'io', expected: '1', limits: { outputKb: 8 } }],
        groups: [],
      }),
      'a.json',
    );
    expect(resolveLimits(a, 'python')).toEqual({ timeMs: 3000, memoryMb: 128, outputKb: 1024 });
    expect(resolveLimits(a, 'java')).toEqual({ timeMs: 4000, memoryMb: 512, outputKb: 1024 });
    expect(resolveLimits(a, 'python', a.tests[0])).toEqual({ timeMs: 5000, memoryMb: 128, outputKb: 1024 });
    expect(resolveLimits(a, 'java', a.tests[1])).toEqual({ timeMs: 4000, memoryMb: 512, outputKb: 8 });
  });

  it('returns a fresh object: callers may not change DEFAULT_LIMITS through it', () => {
    const a = parseAssignment(pythonAssignment(), 'a.json');
    const limits = resolveLimits(a, 'python');
    limits.timeMs = 1;
    expect(DEFAULT_LIMITS.timeMs).toBe(2000);
  });
});
