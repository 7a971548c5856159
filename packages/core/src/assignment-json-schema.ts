import { z } from 'zod';
import { AssignmentSchema } from './assignment-schema.js';

/** Where assignment files find the JSON Schema, relative to `assignments/`: `"$schema": "../schema/assignment.schema.json"`. */
export const ASSIGNMENT_JSON_SCHEMA_PATH = 'schema/assignment.schema.json';

/**
 * The JSON Schema (draft 2020-12) of an assignment file as written (defaults optional), generated from
 * {@link AssignmentSchema}. Editors use it for completion and checks; cross-field rules (unknown group, duplicate
 * names, ...) are only checked by `parseAssignment`.
 */
export function assignmentJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(AssignmentSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema,
    title: 'EdgeLab assignment',
    description:
      'An EdgeLab assignment: statement, languages, limits and tests. Generated from AssignmentSchema in @edgelab/core; do not edit by hand (pnpm --filter @edgelab/core generate:schema).',
    ...rest,
  };
}
