import type {
  Assignment,
  Comparator,
  LanguageEntry,
  LanguageId,
  Limits,
  Source,
  SqlResultSet,
  TestCase,
} from './assignment-schema.js';
import { contentHash } from './assignment-version.js';
import { defaultComparatorFor } from './default-comparator.js';
import { resolveLimits } from './resolve-limits.js';
import { scoreTests } from './score-tests.js';
import { defaultTestName } from './test-name.js';

/** What a student sees of one language: starter code, support files and the effective limits. */
export interface PublicLanguageEntry {
  starter: Source;
  support?: Record<string, string>;
  /** The limits for this language (defaults < assignment < language). */
  limits: Limits;
}

/** Fields every public view of a test has, hidden or not. */
interface PublicTestCaseBase {
  /** Position in the assignment's `tests`. */
  index: number;
  name: string;
  /** The test's share of the total score. */
  points: number;
  group?: string;
}

/** A public `io` test, with its data. */
export interface PublicIoTestCase extends PublicTestCaseBase {
  visibility: 'public';
  kind: 'io';
  input: string;
  expected: string;
  comparator: Comparator;
}

/** A public `sql` test, with its setup and expected result set. */
export interface PublicSqlTestCase extends PublicTestCaseBase {
  visibility: 'public';
  kind: 'sql';
  setup: string;
  expected: SqlResultSet;
  comparator: Comparator;
}

/** A public `unit` test, with its code. */
export interface PublicUnitTestCase extends PublicTestCaseBase {
  visibility: 'public';
  kind: 'unit';
  code: string;
  entryPoint?: string;
}

/** A public test: its data may be shown. */
export type PublicVisibleTestCase = PublicIoTestCase | PublicSqlTestCase | PublicUnitTestCase;

/** A hidden test as a student sees it: a name and its points, no data at all. */
export interface PublicHiddenTestCase extends PublicTestCaseBase {
  visibility: 'hidden';
}

/** A test as a student sees it; discriminate on `visibility`, then on `kind`. */
export type PublicTestCase = PublicVisibleTestCase | PublicHiddenTestCase;

/** A test group as a student sees it. */
export interface PublicTestGroup {
  id: string;
  name?: string;
  points: number;
}

/** An assignment as a student sees it: no solutions, no hidden test data. Built by {@link toPublicAssignment}. */
export interface PublicAssignment {
  id: string;
  /**
   * The content hash of this public view (sha-256 of its canonical JSON without `version`): changes whenever what
   * students see changes. Derived from public data only, never from hidden tests or solutions.
   */
  version: string;
  title: string;
  /** Markdown. */
  statement: string;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages: Partial<Record<LanguageId, PublicLanguageEntry>>;
  /** SQL run before each SQL test: the tables students query. */
  sqlSchema?: string;
  groups: PublicTestGroup[];
  tests: PublicTestCase[];
  /** How many tests are hidden. */
  hiddenCount: number;
  /** Points that hidden tests are worth together. */
  hiddenPoints: number;
  /** Points of the whole assignment. */
  maxScore: number;
}

/** An assignment in a list: enough to choose one. Built by {@link toPublicSummary}. */
export interface PublicAssignmentSummary {
  id: string;
  title: string;
  tags: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages: LanguageId[];
}

function copySource(source: Source): Source {
  return typeof source === 'string' ? source : { ...source };
}

/** Copies a comparator field by field, so nothing but its known options leaves. */
export function copyComparator(c: Comparator): Comparator {
  const out: Record<string, unknown> = { kind: c.kind };
  if ('ignoreCase' in c && c.ignoreCase !== undefined) out.ignoreCase = c.ignoreCase;
  if ('absTol' in c && c.absTol !== undefined) out.absTol = c.absTol;
  if ('relTol' in c && c.relTol !== undefined) out.relTol = c.relTol;
  if ('ordered' in c && c.ordered !== undefined) out.ordered = c.ordered;
  if ('checkColumnNames' in c && c.checkColumnNames !== undefined) out.checkColumnNames = c.checkColumnNames;
  return out as Comparator;
}

function publicLanguage(a: Assignment, language: LanguageId, entry: LanguageEntry): PublicLanguageEntry {
  const out: PublicLanguageEntry = { starter: copySource(entry.starter), limits: resolveLimits(a, language) };
  if (entry.support !== undefined) out.support = { ...entry.support };
  return out;
}

function publicTest(a: Assignment, t: TestCase, index: number, points: number): PublicTestCase {
  const base: PublicTestCaseBase = { index, name: defaultTestName(t, index), points };
  if (t.group !== undefined) base.group = t.group;
  if (t.visibility === 'hidden') return { ...base, visibility: 'hidden' };
  switch (t.kind) {
    case 'io':
      return {
        ...base,
        visibility: 'public',
        kind: 'io',
        input: t.input,
        expected: t.expected,
        comparator: copyComparator(defaultComparatorFor(t, a)),
      };
    case 'sql':
      return {
        ...base,
        visibility: 'public',
        kind: 'sql',
        setup: t.setup,
        expected: { columns: [...t.expected.columns], rows: t.expected.rows.map((row) => [...row]) },
        comparator: copyComparator(defaultComparatorFor(t, a)),
      };
    case 'unit': {
      const unit: PublicUnitTestCase = { ...base, visibility: 'public', kind: 'unit', code: t.code };
      if (t.entryPoint !== undefined) unit.entryPoint = t.entryPoint;
      return unit;
    }
  }
}

/**
 * The assignment as a student may see it. Built by picking allowed fields (never by deleting from a copy):
 * no `solution` or `wrongSolutions`; hidden tests appear only as name, points and group.
 */
export function toPublicAssignment(a: Assignment): PublicAssignment {
  const scores = scoreTests(a, a.tests.map(() => ({ verdict: 'accepted' as const })));
  const languages: Partial<Record<LanguageId, PublicLanguageEntry>> = {};
  for (const [language, entry] of Object.entries(a.languages) as [LanguageId, LanguageEntry | undefined][]) {
    if (entry !== undefined) languages[language] = publicLanguage(a, language, entry);
  }
  const tests = a.tests.map((t, i) => publicTest(a, t, i, scores.tests[i]?.maxPoints ?? 0));
  const hidden = tests.filter((t) => t.visibility === 'hidden');
  const out: Omit<PublicAssignment, 'version'> = {
    id: a.id,
    title: a.title,
    statement: a.statement,
    tags: [...a.tags],
    languages,
    groups: scores.groups.map((g) => {
      const group: PublicTestGroup = { id: g.id, points: g.maxPoints };
      if (g.name !== undefined) group.name = g.name;
      return group;
    }),
    tests,
    hiddenCount: hidden.length,
    hiddenPoints: Math.round(hidden.reduce((acc, t) => acc + t.points, 0) * 1e6) / 1e6,
    maxScore: scores.maxScore,
  };
  if (a.difficulty !== undefined) out.difficulty = a.difficulty;
  if (a.sqlSchema !== undefined) out.sqlSchema = a.sqlSchema;
  const { id, ...rest } = out;
  return { id, version: contentHash(out), ...rest };
}

/** An assignment as a line in a list (id, title, tags, difficulty, languages). */
export function toPublicSummary(a: Assignment): PublicAssignmentSummary {
  const out: PublicAssignmentSummary = {
    id: a.id,
    title: a.title,
    tags: [...a.tags],
    languages: (Object.keys(a.languages) as LanguageId[]).filter((l) => a.languages[l] !== undefined),
  };
  if (a.difficulty !== undefined) out.difficulty = a.difficulty;
  return out;
}
