/**
 * `@edgelab/core`: the assignment format, output comparison, scoring and the public views of assignments and
 * results. Pure: no I/O, runs in Node and the browser.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './verdicts.js';
export * from './submission-status.js';
export * from './assignment-schema.js';
export * from './grade-result.js';
export { parseAssignment, safeParseAssignment, parseAssignmentText, formatJsonPath, type AssignmentParseResult } from './parse-assignment.js';
export { locateJsonSyntaxError, type JsonSyntaxErrorLocation } from './json-syntax-error.js';
export { DEFAULT_ABS_TOL, DEFAULT_REL_TOL, type Comparison } from './comparison.js';
export { compareOutput, normalizeLines, type TextComparator } from './compare-output.js';
export { compareResultSets, formatRow, type SqlComparator } from './compare-result-sets.js';
export { parseNumericToken, numbersClose } from './numeric-token.js';
export { defaultComparatorFor } from './default-comparator.js';
export { scoreTests, overallVerdict, type TestOutcome, type ScoredTest, type ScoredGroup, type TestScores } from './score-tests.js';
export { resolveLimits } from './resolve-limits.js';
export { defaultTestName } from './test-name.js';
export { assignmentVersion, canonicalJson, contentHash } from './assignment-version.js';
export { assignmentJsonSchema, ASSIGNMENT_JSON_SCHEMA_PATH } from './assignment-json-schema.js';
export {
  toPublicAssignment,
  toPublicSummary,
  copyComparator,
  type PublicAssignment,
  type PublicAssignmentSummary,
  type PublicLanguageEntry,
  type PublicTestCase,
  type PublicVisibleTestCase,
  type PublicIoTestCase,
  type PublicSqlTestCase,
  type PublicUnitTestCase,
  type PublicHiddenTestCase,
  type PublicTestGroup,
} from './public-assignment.js';
export {
  toPublicResult,
  toPublicTestResult,
  type PublicGradeResult,
  type PublicTestResult,
  type PublicVisibleTestResult,
  type PublicHiddenTestResult,
} from './public-result.js';
