import type { z } from 'zod';
import { AssignmentSchema, LanguageIdSchema, type Assignment } from './assignment-schema.js';
import { EdgeLabError } from './errors.js';
import { locateJsonSyntaxError } from './json-syntax-error.js';

/** The outcome of {@link safeParseAssignment}: the assignment, or every problem found. */
export type AssignmentParseResult =
  | { success: true; data: Assignment }
  | { success: false; error: EdgeLabError; problems: readonly string[] };

/**
 * Formats a path such as `['tests', 3, 'expected']` as `tests[3].expected`; the root is `(root)`.
 */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

type Issue = z.core.$ZodIssue;

/** Turns one zod issue into one or more `<path>: <message>` lines, in words an assignment author understands. */
function describeIssue(issue: Issue): string[] {
  const at = (extra: PropertyKey[] = []) => formatJsonPath([...issue.path, ...extra]);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const inLanguages = issue.path.length === 1 && issue.path[0] === 'languages';
      return issue.keys.map((key) =>
        inLanguages
          ? `${at([key])}: unknown language "${key}"; known languages: ${LanguageIdSchema.options.join(', ')}`
          : `${at([key])}: unknown field "${key}"; remove it or check its spelling`,
      );
    }
    case 'invalid_type': {
      if (issue.input === undefined) return [`${at()}: Required (expected ${typeName(issue.expected)})`];
      return [`${at()}: expected ${typeName(issue.expected)}, got ${describeValue(issue.input)}`];
    }
    case 'invalid_union': {
      const { note, options, discriminator } = issue as Issue & { note?: string; options?: unknown[]; discriminator?: string };
      if (note === 'No matching discriminator' && Array.isArray(options)) {
        const expected = options.map((o) => JSON.stringify(o)).join(', ');
        const input = issue.input as Record<string, unknown> | undefined;
        const given = input !== null && typeof input === 'object' ? input[discriminator ?? 'kind'] : undefined;
        const path = issue.path.at(-1) === discriminator ? at() : at(discriminator === undefined ? [] : [discriminator]);
        return given === undefined
          ? [`${path}: Required (one of ${expected})`]
          : [`${path}: unknown value ${JSON.stringify(given)}; expected one of ${expected}`];
      }
      return describeUnionMismatch(issue as Issue & { errors?: Issue[][] });
    }
    default:
      return [`${at()}: ${issue.message}`];
  }
}

/**
 * A value matched no branch of a union: say which types were allowed when every branch failed on the type, else
 * describe the branch that got furthest (the one whose first problem is deepest).
 */
function describeUnionMismatch(issue: Issue & { errors?: Issue[][] }): string[] {
  const branches = (issue.errors ?? []).filter((b) => b.length > 0);
  const here = formatJsonPath(issue.path);
  if (branches.length === 0) return [`${here}: ${issue.message}`];
  const typeOnly = branches.every((b) => b.length === 1 && b[0]?.code === 'invalid_type' && b[0].path.length === 0);
  if (typeOnly) {
    const expected = branches.map((b) => typeName((b[0] as Issue & { expected: string }).expected)).join(' or ');
    return [`${here}: expected ${expected}, got ${describeValue(issue.input)}`];
  }
  const best = branches.reduce((x, y) => ((y[0]?.path.length ?? 0) > (x[0]?.path.length ?? 0) ? y : x));
  return best.flatMap((inner) => describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

const typeName = (expected: string): string => (expected === 'record' ? 'object' : expected);

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function invalid(source: string, problems: readonly string[]): EdgeLabError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new EdgeLabError({
    code: 'ASSIGNMENT_INVALID',
    message: `${source}: invalid assignment (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    details: problems,
  });
}

/**
 * Validates an assignment and applies defaults; never throws. On failure, `problems` lists every problem at once,
 * each as `<source>: <json path>: <message>`.
 */
export function safeParseAssignment(json: unknown, source: string): AssignmentParseResult {
  const result = AssignmentSchema.safeParse(json, { reportInput: true });
  if (result.success) return { success: true, data: result.data };
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    for (const line of describeIssue(issue)) {
      const problem = `${source}: ${line}`;
      if (seen.has(problem)) continue;
      seen.add(problem);
      problems.push(problem);
    }
  }
  return { success: false, error: invalid(source, problems), problems };
}

/**
 * Validates an assignment and applies defaults.
 *
 * @param source - where the JSON came from (a file name), used as the prefix of every problem.
 * @throws EdgeLabError `ASSIGNMENT_INVALID` whose `details` list every problem as `<source>: <json path>: <message>`.
 *
 * ### Examples
 * ```ts
 * const assignment = parseAssignment(JSON.parse(text), 'assignments/python_two_sum.json');
 * ```
 */
export function parseAssignment(json: unknown, source: string): Assignment {
  const result = safeParseAssignment(json, source);
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * Parses assignment JSON text, then validates it like {@link parseAssignment}. A JSON syntax error is reported
 * with its line and column (`<source>:3:14: expected "," or "}" after a property value`).
 *
 * @throws EdgeLabError `ASSIGNMENT_INVALID`.
 */
export function parseAssignmentText(text: string, source: string): Assignment {
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (cause) {
    const where = locateJsonSyntaxError(text);
    const problem = `${source}:${where.line}:${where.column}: invalid JSON: ${where.message}`;
    throw new EdgeLabError({ code: 'ASSIGNMENT_INVALID', message: problem, details: [problem], cause });
  }
  return parseAssignment(json, source);
}
