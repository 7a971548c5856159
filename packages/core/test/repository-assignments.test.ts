import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { assignmentJsonSchema } from '../src/assignment-json-schema.js';
import { parseAssignmentText } from '../src/parse-assignment.js';
import { toPublicAssignment } from '../src/public-assignment.js';

const dir = new URL('../../../assignments/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(assignmentJsonSchema());

describe('every assignment in assignments/', () => {
  it('there are assignments to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s parses, matches the JSON Schema and points to it', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const assignment = parseAssignmentText(text, `assignments/${file}`);
    const json = JSON.parse(text) as { $schema?: string };
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.$schema).toBe('../schema/assignment.schema.json');
    expect(toPublicAssignment(assignment).id).toBe(assignment.id);
  });
});
