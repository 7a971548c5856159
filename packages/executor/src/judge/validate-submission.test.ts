import { describe, expect, it } from 'vitest';
import { isEdgeLabError, parseAssignment } from '@edgelab/core';
import { MAX_SUBMISSION_BYTES, validateSubmission } from './validate-submission.js';

const assignment = parseAssignment(
  {
    id: 'echo',
    title: 'Echo',
    statement: 'Echo the input.',
    languages: { python: {}, java: {} },
    tests: [{ kind: 'io', input: 'a', expected: 'a' }],
  },
  'echo.json',
);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isEdgeLabError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return undefined;
}

describe('validateSubmission', () => {
  it('accepts a string as the main file and decodes UTF-8 bytes', () => {
    expect(validateSubmission(assignment, { language: 'python', code: 'print(1)' })).toEqual({ language: 'python', files: { 'solution.py': 'print(1)' } });
    const bytes = new TextEncoder().encode('print("é")');
    expect(validateSubmission(assignment, { language: 'python', code: Buffer.from(bytes) }).files['solution.py']).toBe('print("é")');
  });

  it('accepts several files when the main file is present', () => {
    const valid = validateSubmission(assignment, { language: 'java', code: { 'Main.java': 'class Main {}', 'Util.java': 'class Util {}' } });
    expect(Object.keys(valid.files).sort()).toEqual(['Main.java', 'Util.java']);
  });

  it('refuses an unknown language and one the assignment does not offer', () => {
    expect(codeOf(() => validateSubmission(assignment, { language: 'cobol', code: 'x' }))).toMatch(/^LANGUAGE_UNSUPPORTED: language "cobol".*offers: python, java/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'sql', code: 'SELECT 1' }))).toMatch(/^LANGUAGE_UNSUPPORTED: assignment echo does not offer sql/);
  });

  it('refuses empty and whitespace-only code', () => {
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: '' }))).toMatch(/^SUBMISSION_INVALID: .*empty/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: ' \n\t' }))).toMatch(/empty/);
  });

  it('refuses code over 64 KB but accepts exactly 64 KB', () => {
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: '#'.repeat(MAX_SUBMISSION_BYTES) }))).toBeUndefined();
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: '#'.repeat(MAX_SUBMISSION_BYTES + 1) }))).toMatch(/SUBMISSION_INVALID: .*65 KB; at most 64 KB/);
    // multi-byte characters count as bytes
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: 'é'.repeat(MAX_SUBMISSION_BYTES / 2 + 1) }))).toMatch(/at most 64 KB/);
  });

  it('refuses text that is not UTF-8: invalid bytes, U+FFFD, lone surrogates', () => {
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: Buffer.from([0x70, 0xff, 0xfe]) }))).toMatch(/solution.py is not valid UTF-8/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: 'print("\uFFFD")' }))).toMatch(/U\+FFFD/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: 'x = "\uD800"' }))).toMatch(/unpaired UTF-16 surrogate/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: 'x = "😀"' }))).toBeUndefined();
  });

  it('refuses file names that do not fit the language, harness names and a missing main file', () => {
    expect(codeOf(() => validateSubmission(assignment, { language: 'java', code: { 'Main.py': 'x' } }))).toMatch(/file name "Main.py" is not allowed/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'python', code: { 'solution.py': 'x', 'edgelab_unit.py': 'x' } }))).toMatch(/edgelab_unit.py/);
    expect(codeOf(() => validateSubmission(assignment, { language: 'java', code: { 'Other.java': 'class Other {}' } }))).toMatch(/no Main.java/);
  });
});
