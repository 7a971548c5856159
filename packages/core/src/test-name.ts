import type { TestCase } from './assignment-schema.js';

/**
 * The name shown for a test: its own, else `Test N` for a public test or `Hidden test N` for a hidden one
 * (N = position in `tests`, from 1).
 */
export function defaultTestName(test: Pick<TestCase, 'name' | 'visibility'>, index: number): string {
  if (test.name !== undefined && test.name !== '') return test.name;
  return test.visibility === 'hidden' ? `Hidden test ${index + 1}` : `Test ${index + 1}`;
}
