import { createHash } from 'node:crypto';
import { AssignmentSchema, EdgeLabError } from '@edgelab/core';
import type { Assignment } from '@edgelab/core';

/* Until @edgelab/core exports parseAssignment / parseAssignmentText / assignmentVersion, the store carries
   equivalents here so it does not block on core; switch to core's as soon as they ship. */

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates an assignment and applies defaults; throws `ASSIGNMENT_INVALID` listing every `<source>: <path>: <message>`. */
export function parseAssignmentValue(json: unknown, source: string): Assignment {
  const result = AssignmentSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = [...new Set(result.error.issues.map((issue) => `${source}: ${formatPath(issue.path)}: ${issue.message}`))];
  throw new EdgeLabError({
    code: 'ASSIGNMENT_INVALID',
    message: `${source}: invalid assignment (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    details: problems,
  });
}

/** Parses assignment JSON text then validates it; a syntax error is one `<source>: invalid JSON: …` problem. */
export function parseAssignmentFileText(text: string, source: string): Assignment {
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (cause) {
    const problem = `${source}: (root): invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`;
    throw new EdgeLabError({ code: 'ASSIGNMENT_INVALID', message: problem, details: [problem], cause });
  }
  return parseAssignmentValue(json, source);
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The content hash of an assignment: sha-256 hex of its canonical JSON (keys sorted). */
export function versionOfAssignment(assignment: Assignment): string {
  return createHash('sha256').update(canonicalJson(assignment)).digest('hex');
}
