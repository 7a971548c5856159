import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAssignmentText } from '../src/parse-assignment.js';
import { toPublicAssignment } from '../src/public-assignment.js';

const doc = readFileSync(new URL('../../../docs/assignment-format.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)]
  .map((m) => m[1] as string)
  .filter((text) => text.includes('"tests"'));

describe('docs/assignment-format.md', () => {
  it('has one full example per test kind', () => {
    const kinds = examples.map((text) => (JSON.parse(text) as { tests: { kind: string }[] }).tests[0]?.kind);
    expect(kinds).toEqual(['io', 'sql', 'unit']);
  });

  it.each(examples.map((text, i) => [i, text] as const))('example %i is a valid assignment', (i, text) => {
    const a = parseAssignmentText(text, `docs example ${i}`);
    expect(toPublicAssignment(a).hiddenCount).toBeGreaterThan(0);
  });
});
