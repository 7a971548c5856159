import { DEFAULT_LIMITS, type Assignment, type LanguageId, type Limits, type LimitsOverride, type TestCase } from './assignment-schema.js';

function apply(base: Limits, override: LimitsOverride | undefined): Limits {
  if (override === undefined) return base;
  return {
    timeMs: override.timeMs ?? base.timeMs,
    memoryMb: override.memoryMb ?? base.memoryMb,
    outputKb: override.outputKb ?? base.outputKb,
  };
}

/**
 * The limits a run gets: {@link DEFAULT_LIMITS}, overridden field by field by the assignment's `limits`, then the
 * language's, then the test's (the most specific wins). Without a test, the limits for the language in general.
 */
export function resolveLimits(
  assignment: Pick<Assignment, 'limits' | 'languages'>,
  language: LanguageId,
  test?: Pick<TestCase, 'limits'>,
): Limits {
  let limits: Limits = { ...DEFAULT_LIMITS };
  limits = apply(limits, assignment.limits);
  limits = apply(limits, assignment.languages[language]?.limits);
  return apply(limits, test?.limits);
}
