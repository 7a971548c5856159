import { z } from 'zod';

/** A slug: lower-case letters, digits, `_` and `-`, starting with a letter. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a slug: lower-case letters, digits, "_" or "-", starting with a letter, at most 64 characters');

/** Language ids EdgeLab knows. A language is offered by an assignment when it has an entry in `languages`. */
export const LanguageIdSchema = z.enum(['python', 'java', 'sql']);
/** A language id such as `python`. */
export type LanguageId = z.infer<typeof LanguageIdSchema>;

/** Resource limits for one run. Every field is optional in overrides; defaults come from {@link DEFAULT_LIMITS}. */
export const LimitsSchema = z
  .object({
    /** CPU and wall-clock time limit per test, in milliseconds (wall is allowed a grace factor). */
    timeMs: z.number().int().min(50).max(60_000).describe('CPU and wall-clock time limit per test, in milliseconds (wall is allowed a grace factor).'),
    /** Memory limit per test, in MiB. */
    memoryMb: z.number().int().min(16).max(4096).describe('Memory limit per test, in MiB.'),
    /** Cap on stdout plus stderr per test, in KiB. */
    outputKb: z.number().int().min(1).max(65_536).describe('Cap on stdout plus stderr per test, in KiB.'),
  })
  .strict();
/** Resource limits of a run. */
export type Limits = z.infer<typeof LimitsSchema>;
/** Partial limits, used to override an assignment's limits for one test. */
export const LimitsOverrideSchema = LimitsSchema.partial();
/** Partial limits. */
export type LimitsOverride = z.infer<typeof LimitsOverrideSchema>;

/** Limits used when an assignment gives none. */
export const DEFAULT_LIMITS: Limits = Object.freeze({ timeMs: 2000, memoryMb: 256, outputKb: 1024 });

const textComparatorOptions = { ignoreCase: z.boolean().optional() };

/** How a program's output is compared with the expected output (the judge's checker). */
export const ComparatorSchema = z.discriminatedUnion('kind', [
  /** Byte-for-byte equality. */
  z.object({ kind: z.literal('exact') }).strict().describe('Byte-for-byte equality.'),
  /** Line by line, ignoring CRLF vs LF, trailing whitespace on each line and trailing blank lines. The default. */
  z.object({ kind: z.literal('lines'), ...textComparatorOptions }).strict().describe('Line by line, ignoring CRLF vs LF, trailing whitespace on each line and trailing blank lines. The default.'),
  /** Whitespace-separated tokens; any amount or kind of whitespace is equal. */
  z.object({ kind: z.literal('tokens'), ...textComparatorOptions }).strict().describe('Whitespace-separated tokens; any amount or kind of whitespace is equal.'),
  /** Tokens, numeric ones equal within tolerance (|a-b| <= absTol or <= relTol*|b|); NaN never equal; other tokens exact. */
  z
    .object({
      kind: z.literal('float'),
      absTol: z.number().nonnegative().optional(),
      relTol: z.number().nonnegative().optional(),
      ...textComparatorOptions,
    })
    .strict(),
  /** Lines as a multiset: order does not matter. */
  z.object({ kind: z.literal('unordered'), ...textComparatorOptions }).strict().describe('Lines as a multiset: order does not matter.'),
  /** SQL result sets: rows ordered or not, numbers within tolerance, NULL equals only NULL. */
  z
    .object({
      kind: z.literal('sql'),
      ordered: z.boolean().optional(),
      checkColumnNames: z.boolean().optional(),
      absTol: z.number().nonnegative().optional(),
      relTol: z.number().nonnegative().optional(),
    })
    .strict(),
]);
/** A comparator configuration. */
export type Comparator = z.infer<typeof ComparatorSchema>;
/** The `kind` of a comparator. */
export type ComparatorKind = Comparator['kind'];

/** Whether a test's data may be shown to students. */
export const VisibilitySchema = z.enum(['public', 'hidden']);
/** `public` or `hidden`. */
export type Visibility = z.infer<typeof VisibilitySchema>;

/** A value in an SQL result row. */
export const SqlValueSchema = z.union([z.string(), z.number(), z.null()]);
/** A value in an SQL result row. */
export type SqlValue = z.infer<typeof SqlValueSchema>;

/** An SQL result set: column names and rows. */
export const SqlResultSetSchema = z
  .object({
    columns: z.array(z.string()).min(1),
    rows: z.array(z.array(SqlValueSchema)),
  })
  .strict()
  .superRefine((value, ctx) => {
    value.rows.forEach((row, i) => {
      if (row.length !== value.columns.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', i],
          message: `row has ${row.length} values but there are ${value.columns.length} columns`,
        });
      }
    });
  });
/** An SQL result set. */
export type SqlResultSet = z.infer<typeof SqlResultSetSchema>;

const testCommon = {
  /** Shown to students for public tests; for hidden tests too ("Hidden test 3" if absent). */
  name: z.string().min(1).max(200).optional().describe('Shown to students for public tests; for hidden tests too ("Hidden test 3" if absent).'),
  visibility: VisibilitySchema.default('public').describe('"hidden" tests are graded but their data never reaches the student.'),
  /** Points for passing; default 1. */
  points: z.number().nonnegative().default(1).describe('Points for passing; default 1.'),
  /** A group id from `groups`: the group scores all-or-nothing. */
  group: SlugSchema.optional().describe('A group id from `groups`: the group scores all-or-nothing.'),
  limits: LimitsOverrideSchema.optional().describe('Limit overrides for this test only.'),
};

/** stdin in, expected stdout out. */
export const IoTestSchema = z
  .object({
    kind: z.literal('io'),
    ...testCommon,
    input: z.string().default('').describe('Standard input of the program.'),
    expected: z.string().describe('The expected standard output.'),
    comparator: ComparatorSchema.optional(),
  })
  .strict();

/** Setup SQL, then the student's query; the query's result set compared with `expected`. */
export const SqlTestSchema = z
  .object({
    kind: z.literal('sql'),
    ...testCommon,
    /** SQL run before the student's query (after the assignment's `sqlSchema`): test data. */
    setup: z.string().default('').describe('SQL run before the student\'s query (after the assignment\'s `sqlSchema`): test data.'),
    expected: SqlResultSetSchema.describe('The expected result set of the student\'s query.'),
    comparator: ComparatorSchema.optional(),
  })
  .strict();

/**
 * Instructor test code that calls the student's code. For Python the student's module's globals are in scope;
 * if `entryPoint` is set and the code defines `check`, `check(<entryPoint>)` is called (HumanEval style).
 * Passing means the code raised nothing; an `AssertionError` is a wrong answer with its message.
 */
export const UnitTestSchema = z
  .object({
    kind: z.literal('unit'),
    ...testCommon,
    code: z.string().min(1).describe('Python test code; passes when it raises nothing. May define check(candidate).'),
    entryPoint: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional()
      .describe('The student\'s function passed to check(candidate), HumanEval style.'),
  })
  .strict();

/** One test case: `io`, `sql` or `unit`. */
export const TestCaseSchema = z.discriminatedUnion('kind', [IoTestSchema, SqlTestSchema, UnitTestSchema]);
/** One test case as written (defaults not applied). */
export type TestCaseInput = z.input<typeof TestCaseSchema>;
/** One test case with defaults applied. */
export type TestCase = z.infer<typeof TestCaseSchema>;
/** An `io` test. */
export type IoTest = z.infer<typeof IoTestSchema>;
/** An `sql` test. */
export type SqlTest = z.infer<typeof SqlTestSchema>;
/** A `unit` test. */
export type UnitTest = z.infer<typeof UnitTestSchema>;
/** The `kind` of a test. */
export type TestKind = TestCase['kind'];

/** Source code: a string is the language's main file; an object maps file names to contents. */
export const SourceSchema = z.union([
  z.string(),
  z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'file names are plain names: letters, digits, ".", "_", "-"'), z.string()),
]);
/** Source code: one string (the main file) or several named files. */
export type Source = z.infer<typeof SourceSchema>;

/** A solution known to be wrong, used by `edgelab check` to prove the tests catch it. */
export const WrongSolutionSchema = z
  .object({
    name: z.string().min(1),
    code: SourceSchema,
    /** If set, the overall verdict this solution must get (e.g. `time_limit` for a quadratic solution). */
    expectVerdict: z
      .enum(['wrong_answer', 'time_limit', 'memory_limit', 'output_limit', 'runtime_error', 'compile_error'])
      .optional(),
  })
  .strict();
/** A known-wrong solution. */
export type WrongSolution = z.infer<typeof WrongSolutionSchema>;

/** What an assignment offers in one language. */
export const LanguageEntrySchema = z
  .object({
    /** The code the student starts from (a string is the main file). */
    starter: SourceSchema.default('').describe('The code the student starts from (a string is the main file).'),
    /** Instructor files given to the student's program, read-only (e.g. a helper module). */
    support: z.record(z.string(), z.string()).optional().describe('Instructor files given to the student\'s program, read-only (e.g. a helper module).'),
    /** The reference solution: must score full marks. */
    solution: SourceSchema.optional().describe('The reference solution: must score full marks.'),
    wrongSolutions: z.array(WrongSolutionSchema).optional(),
    /** Per-language limit adjustments (e.g. more time for Java). */
    limits: LimitsOverrideSchema.optional().describe('Per-language limit adjustments (e.g. more time for Java).'),
  })
  .strict();
/** What an assignment offers in one language. */
export type LanguageEntry = z.infer<typeof LanguageEntrySchema>;

/** A group of tests scored all-or-nothing (a subtask). */
export const TestGroupSchema = z
  .object({
    id: SlugSchema,
    name: z.string().optional(),
    /** Points for the whole group; if absent, the sum of its tests' points. */
    points: z.number().nonnegative().optional().describe('Points for the whole group; if absent, the sum of its tests\' points.'),
  })
  .strict();
/** A test group. */
export type TestGroup = z.infer<typeof TestGroupSchema>;

/** The difficulty of an assignment. */
export const DifficultySchema = z.enum(['easy', 'medium', 'hard']);
/** `easy`, `medium` or `hard`. */
export type Difficulty = z.infer<typeof DifficultySchema>;

/** An assignment: statement, languages, limits and tests. */
export const AssignmentSchema = z
  .object({
    /** A JSON Schema reference for editors; ignored. */
    $schema: z.string().optional().describe('A JSON Schema reference for editors; ignored.'),
    id: SlugSchema.describe('Unique id: lower-case letters, digits, "_" or "-", starting with a letter.'),
    title: z.string().min(1).max(200).describe('Shown in lists and above the statement.'),
    /** Markdown. */
    statement: z.string().min(1).describe('Markdown.'),
    tags: z.array(z.string().min(1).max(40)).default([]),
    difficulty: DifficultySchema.optional(),
    languages: z
      .partialRecord(LanguageIdSchema, LanguageEntrySchema)
      .refine((langs) => Object.keys(langs).length > 0, 'must offer at least one language'),
    limits: LimitsOverrideSchema.optional().describe('Limit overrides for every test (defaults: timeMs 2000, memoryMb 256, outputKb 1024).'),
    /** The default comparator for tests without one; default `{ kind: "lines" }` (or `sql` for SQL tests). */
    comparator: ComparatorSchema.optional().describe('The default comparator for tests without one; default `{ kind: "lines" }` (or `sql` for SQL tests).'),
    /** SQL run before each `sql` test's own setup: the schema. */
    sqlSchema: z.string().optional().describe('SQL run before each `sql` test\'s own setup: the schema.'),
    groups: z.array(TestGroupSchema).optional().describe('Subtasks scored all-or-nothing.'),
    tests: z.array(TestCaseSchema).min(1, 'must have at least one test').describe('The tests, in the order they run and are shown.'),
    feedback: z.object({ ai: z.boolean().default(true) }).strict().optional(),
  })
  .strict()
  // The cross-field checks run even when other fields failed, so that every problem is reported at once.
  .superRefine((a, ctx) => crossCheckAssignment(a, ctx), { when: () => true });

type RefinementCtx = Parameters<Parameters<z.ZodType['superRefine']>[0]>[1];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that span several fields. Written defensively: it also runs on input that failed other checks.
 */
function crossCheckAssignment(value: unknown, ctx: RefinementCtx): void {
  if (!isRecord(value) || !Array.isArray(value.tests)) return;
  const groups = Array.isArray(value.groups) ? value.groups : [];
  const groupIds = new Set(groups.map((g) => (isRecord(g) ? g.id : undefined)));
  const languages = isRecord(value.languages) ? value.languages : {};
  const offersSql = languages.sql !== undefined;
  const offersPython = languages.python !== undefined;
  const names = new Set<unknown>();
  value.tests.forEach((t: unknown, i) => {
    if (!isRecord(t)) return;
    const kind = t.kind;
    if (typeof t.group === 'string' && !groupIds.has(t.group)) {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'group'], message: `unknown group "${t.group}"; declare it in "groups"` });
    }
    if (kind === 'sql' && isRecord(value.languages) && !offersSql) {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'kind'], message: 'an "sql" test needs the assignment to offer the "sql" language' });
    }
    if ((kind === 'io' || kind === 'unit') && offersSql) {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'kind'], message: `a "${kind}" test cannot grade the "sql" language; use "sql" tests` });
    }
    if (kind === 'unit' && isRecord(value.languages) && !offersPython) {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'kind'], message: '"unit" tests are supported for python only' });
    }
    const comparatorKind = isRecord(t.comparator) ? t.comparator.kind : undefined;
    if (kind === 'sql' && typeof comparatorKind === 'string' && comparatorKind !== 'sql') {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'comparator', 'kind'], message: `an "sql" test needs the "sql" comparator, not "${comparatorKind}"` });
    }
    if (kind === 'io' && comparatorKind === 'sql') {
      ctx.addIssue({ code: 'custom', path: ['tests', i, 'comparator', 'kind'], message: 'the "sql" comparator only applies to "sql" tests; use "lines", "tokens", "float", "unordered" or "exact"' });
    }
    if (typeof t.name === 'string') {
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tests', i, 'name'], message: `duplicate test name "${t.name}"` });
      names.add(t.name);
    }
  });
  const groupSeen = new Set<unknown>();
  groups.forEach((g, i) => {
    if (!isRecord(g)) return;
    if (groupSeen.has(g.id)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'id'], message: `duplicate group id "${String(g.id)}"` });
    groupSeen.add(g.id);
  });
}

/** An assignment as written in a file (defaults not applied). */
export type AssignmentInput = z.input<typeof AssignmentSchema>;
/** A validated assignment with defaults applied. */
export type Assignment = z.infer<typeof AssignmentSchema>;
