import { describe, expect, it } from 'vitest';
import { pythonAssignment } from '../test/fixtures.js';
import { assignmentVersion, canonicalJson } from './assignment-version.js';
import { parseAssignment } from './parse-assignment.js';

describe('assignmentVersion', () => {
  it('is the sha-256 hex of the canonical JSON', () => {
    // sha256("{}") computed independently.
    expect(assignmentVersion({} as never)).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('does not depend on key order or the $schema hint', () => {
    const a = parseAssignment(pythonAssignment(), 'a.json');
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    const { $schema: _hint, ...withoutSchema } = a;
    expect(assignmentVersion(reordered)).toBe(assignmentVersion(a));
    expect(assignmentVersion(withoutSchema as typeof a)).toBe(assignmentVersion(a));
    expect(assignmentVersion(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when the content changes', () => {
    const a = parseAssignment(pythonAssignment(), 'a.json');
    const b = parseAssignment(pythonAssignment({ title: 'Sum two numbers!' }), 'a.json');
    expect(assignmentVersion(b)).not.toBe(assignmentVersion(a));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"f":2}]},"b":1}');
    expect(canonicalJson('é\n')).toBe('"é\\n"');
  });
});
