/**
 * Writes `schema/assignment.schema.json` (at the repository root) from AssignmentSchema.
 * Run with `pnpm --filter @edgelab/core generate:schema`; a unit test fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assignmentJsonSchema, ASSIGNMENT_JSON_SCHEMA_PATH } from '../src/assignment-json-schema.js';

const target = fileURLToPath(new URL(`../../../${ASSIGNMENT_JSON_SCHEMA_PATH}`, import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(assignmentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
