import type { Assignment, Feedback, GradeResult, LanguageId, SubmissionStatus, TestResult } from '@edgelab/core';

export { SubmissionStatus } from '@edgelab/core';

/** Which database a store runs on. */
export type StoreDialectName = 'sqlite' | 'postgres';

/** Options for {@link createStore}. */
export interface StoreOptions {
  /**
   * Where the data lives: a file path, `sqlite:<path>`, `:memory:`, or `postgres://…` / `postgresql://…`.
   * Default `./data/edgelab.db` (the directory is created).
   */
  url?: string;
  /** How many times a submission is tried before it ends in status `error`. Default 3. */
  maxAttempts?: number;
  /** How long to wait for a PostgreSQL connection before failing with `STORE_UNAVAILABLE`, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** PostgreSQL only: how long one query may take before it fails with `STORE_UNAVAILABLE`, in ms. Default 30000. */
  queryTimeoutMs?: number;
  /** PostgreSQL only: the schema to use (created if missing). Default the server's `search_path` (`public`). */
  schema?: string;
  /** PostgreSQL only: the most connections in the pool. Default 10. */
  poolSize?: number;
  /** SQLite only: how long to wait for another process's write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** The clock (epoch ms) for leases and timestamps. Default `Date.now`; tests pass a fake one. */
  now?: () => number;
}

/** A store: assignments, submissions, results and the submission queue, on one database. */
export interface Store {
  readonly dialect: StoreDialectName;
  readonly assignments: AssignmentRepository;
  readonly submissions: SubmissionRepository;
  readonly results: ResultRepository;
  readonly queue: SubmissionQueue;
  /** Closes the database connection(s). Safe to call twice. */
  close(): Promise<void>;
}

/** The id and content hash of one stored assignment version. */
export interface AssignmentRef {
  id: string;
  /** Content hash of the definition (`assignmentVersion` from core). */
  version: string;
}

/** One stored version of an assignment. */
export interface StoredAssignment extends AssignmentRef {
  definition: Assignment;
  /** When this version was first stored. */
  createdAt: Date;
  /** When this version last became the current one. */
  updatedAt: Date;
  /** Whether this is the assignment's current version. */
  current: boolean;
}

/** What {@link AssignmentRepository.upsert} did. */
export interface AssignmentUpsertOutcome extends AssignmentRef {
  /** `created`: a new version was stored and made current; `unchanged`: this exact content was already current; `restored`: an older version was made current again. */
  change: 'created' | 'unchanged' | 'restored';
}

/** What {@link AssignmentRepository.loadDirectory} did. */
export interface LoadDirectoryOutcome {
  /** Assignments whose current version changed (new or edited). */
  loaded: AssignmentRef[];
  /** Assignments already stored with the same content. */
  unchanged: AssignmentRef[];
  /** One line per problem, `<file>: <json path>: <message>`; invalid files are skipped, the rest still load. */
  errors: string[];
}

/** Assignment definitions, every version kept. */
export interface AssignmentRepository {
  /**
   * Validates and stores an assignment (raw JSON value or parsed). A new content hash becomes a new version and
   * the current one; earlier versions stay. Throws `ASSIGNMENT_INVALID` with every problem.
   */
  upsert(assignment: unknown, source?: string): Promise<AssignmentUpsertOutcome>;
  /** The current version, or `undefined`. */
  get(id: string): Promise<StoredAssignment | undefined>;
  /** One exact version, or `undefined`. */
  getVersion(id: string, version: string): Promise<StoredAssignment | undefined>;
  /** Every assignment's current version, ordered by id. */
  list(): Promise<StoredAssignment[]>;
  /** Every stored version of one assignment, oldest first. */
  listVersions(id: string): Promise<StoredAssignment[]>;
  /** Reads every `*.json` in `dir` and upserts the valid ones; never stops at the first invalid file. */
  loadDirectory(dir: string): Promise<LoadDirectoryOutcome>;
}

/** What {@link SubmissionRepository.create} takes. */
export interface CreateSubmissionInput {
  assignmentId: string;
  language: LanguageId;
  /** The main file's content, or a map of file name to content. */
  code: string | Record<string, string>;
  /** Who submitted (user or tenant id). Default `anonymous`. */
  submitterId?: string;
  /** The client's Idempotency-Key: the same key from the same submitter returns the first submission. */
  idempotencyKey?: string;
}

/** A stored submission. */
export interface StoredSubmission {
  /** Unguessable: 128 random bits, base64url. */
  id: string;
  assignmentId: string;
  /** The assignment version it was (or will be) graded against: the current one when it was created. */
  assignmentVersion: string;
  language: LanguageId;
  code: string | Record<string, string>;
  submitterId: string;
  idempotencyKey: string | null;
  status: SubmissionStatus;
  /** How many times a worker claimed it. */
  attempts: number;
  createdAt: Date;
  /** When the latest attempt started. */
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why it ended in `error` (or why the last attempt failed). */
  error: string | null;
}

/** What {@link SubmissionRepository.create} returns: the submission, and whether this call created it. */
export interface CreatedSubmission extends StoredSubmission {
  /** False when an earlier request with the same idempotency key created it. */
  created: boolean;
}

/** Filters for {@link SubmissionRepository.list}. */
export interface ListSubmissionsOptions {
  submitterId?: string;
  assignmentId?: string;
  status?: SubmissionStatus;
  /** Default 50, at most 500. */
  limit?: number;
}

/** Submissions. Creating one enqueues it. */
export interface SubmissionRepository {
  /**
   * Stores a submission against the assignment's current version and enqueues it, in one transaction.
   * Throws `ASSIGNMENT_NOT_FOUND`, `LANGUAGE_UNSUPPORTED`, or `CONFLICT` when an idempotency key is reused
   * with a different body.
   */
  create(input: CreateSubmissionInput): Promise<CreatedSubmission>;
  /** The submission, or `undefined`. */
  get(id: string): Promise<StoredSubmission | undefined>;
  /** Newest first. */
  list(options?: ListSubmissionsOptions): Promise<StoredSubmission[]>;
  /**
   * Test results reported so far by the current attempt, in test order (for streaming across processes). Empty
   * once the submission is done: the result (`results.get`) then holds every test.
   */
  getProgress(id: string): Promise<TestResult[]>;
}

/** A stored grade result. */
export interface StoredResult {
  submissionId: string;
  /** The full result (may hold hidden data: use core's `toPublicResult` before it leaves the server). */
  result: GradeResult;
  feedback: Feedback | null;
  feedbackAt: Date | null;
  createdAt: Date;
}

/** Grade results. Written by {@link SubmissionQueue.complete}. */
export interface ResultRepository {
  /** The result of a submission, or `undefined` when it is not done. */
  get(submissionId: string): Promise<StoredResult | undefined>;
  /** Adds (or replaces) feedback after the result exists; throws `SUBMISSION_NOT_FOUND` when there is no result. */
  setFeedback(submissionId: string, feedback: Feedback): Promise<void>;
}

/** A worker's claim on one submission, valid until `expiresAt` unless extended by a heartbeat. */
export interface Lease {
  submissionId: string;
  /** Secret of this claim: a later claim gets a new token, and the old one stops working. */
  token: string;
  workerId: string;
  /** 1 for the first try. */
  attempt: number;
  expiresAt: Date;
  /** The lease length asked for at claim time; heartbeats extend by this much by default. */
  leaseMs: number;
  submission: StoredSubmission;
  /** The definition of the version recorded on the submission (hidden tests included). */
  assignment: Assignment;
}

/** Options for {@link SubmissionQueue.fail}. */
export interface FailOptions {
  /** True for internal faults worth another try (sandbox died); false to end in `error` now. */
  retryable: boolean;
}

/** What {@link SubmissionQueue.fail} did. */
export interface FailOutcome {
  status: 'pending' | 'error';
  attempts: number;
}

/** Counts of submissions by status. */
export type QueueStats = Record<SubmissionStatus, number>;

/**
 * The submission queue: at-least-once delivery through leases, exactly-once results through lease tokens.
 *
 * ### Examples
 * ```ts
 * const lease = await store.queue.claim('worker-1', 30_000);
 * if (lease) {
 *   const result = await judge.grade(lease.assignment, lease.submission, { onTest: (t) => store.queue.progress(lease, t) });
 *   await store.queue.complete(lease, result);
 * }
 * ```
 */
export interface SubmissionQueue {
  /** Claims the oldest pending (or lease-expired) submission, or returns `null` when there is none. */
  claim(workerId: string, leaseMs: number): Promise<Lease | null>;
  /** Extends the lease by `leaseMs` (default: the claim's). Throws `CONFLICT` when the lease was lost. */
  heartbeat(lease: Lease, leaseMs?: number): Promise<Lease>;
  /** Records one finished test for streaming. Throws `CONFLICT` when the lease was lost. */
  progress(lease: Lease, test: TestResult): Promise<void>;
  /** Writes the result and marks the submission done, once. Throws `CONFLICT` (writing nothing) for a lost lease. */
  complete(lease: Lease, result: GradeResult): Promise<void>;
  /** Gives the submission back (retryable, attempts left) or ends it in `error`. Throws `CONFLICT` for a lost lease. */
  fail(lease: Lease, reason: string, options: FailOptions): Promise<FailOutcome>;
  /** Returns expired leases to pending (or `error` when out of attempts); returns how many it touched. */
  reclaimExpired(): Promise<number>;
  /** How many submissions wait (pending). */
  depth(): Promise<number>;
  /** Counts by status. */
  stats(): Promise<QueueStats>;
}
