import type { Generated } from 'kysely';

/** Times are epoch milliseconds in BIGINT columns; JSON is TEXT (so both dialects store it the same way). */
export interface AssignmentsTable {
  id: string;
  current_version: string;
  created_at: number;
  updated_at: number;
}

export interface AssignmentVersionsTable {
  assignment_id: string;
  version: string;
  definition_json: string;
  created_at: number;
  /** When this version last became the current one. */
  activated_at: number;
}

export interface SubmissionsTable {
  id: string;
  assignment_id: string;
  assignment_version: string;
  language: string;
  code_json: string;
  submitter_id: string;
  idempotency_key: string | null;
  status: string;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
}

export interface ResultsTable {
  submission_id: string;
  verdict: string;
  score: number;
  max_score: number;
  duration_ms: number;
  /** The GradeResult without `tests` and `feedback`. */
  result_json: string;
  tests_json: string;
  created_at: number;
  /** Added by migration 002. */
  feedback_json: string | null;
  feedback_at: number | null;
}

/** One finished test reported during grading; added by migration 002. */
export interface SubmissionProgressTable {
  submission_id: string;
  attempt: number;
  test_index: number;
  test_json: string;
  created_at: number;
}

/** The typed schema kysely queries against (after every migration). */
export interface Database {
  assignments: AssignmentsTable;
  assignment_versions: AssignmentVersionsTable;
  submissions: SubmissionsTable;
  results: ResultsTable;
  submission_progress: SubmissionProgressTable;
}
