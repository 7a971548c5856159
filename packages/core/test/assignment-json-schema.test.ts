import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignmentJsonSchema, ASSIGNMENT_JSON_SCHEMA_PATH } from '../src/assignment-json-schema.js';

const committed = new URL(`../../../${ASSIGNMENT_JSON_SCHEMA_PATH}`, import.meta.url);

describe('schema/assignment.schema.json', () => {
  it('is up to date with AssignmentSchema (run `pnpm --filter @edgelab/core generate:schema` if this fails)', () => {
    const text = readFileSync(committed, 'utf8');
    expect(text).toBe(`${JSON.stringify(assignmentJsonSchema(), null, 2)}\n`);
  });

  it('describes the assignment as written: defaults optional, unknown fields rejected', () => {
    const schema = assignmentJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'statement', 'languages', 'tests']));
    expect(schema.required).not.toContain('tags');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain('$schema');
  });
});

describe('the JSON Schema agrees with parseAssignment', () => {
  it('accepts the valid example assignments and rejects invalid ones', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { pythonAssignment, sqlAssignment } = await import('./fixtures.js');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(assignmentJsonSchema());
    for (const a of [pythonAssignment(), sqlAssignment()]) {
      expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ ...pythonAssignment(), extra: 1 })).toBe(false);
    expect(validate({ ...pythonAssignment(), languages: { cobol: {} } })).toBe(false);
    expect(validate({ ...pythonAssignment(), tests: [{ kind: 'io' }] })).toBe(false);
  });
});
