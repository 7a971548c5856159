import { EdgeLabError, LanguageIdSchema } from '@edgelab/core';
import type { Assignment, LanguageId, TestResult } from '@edgelab/core';
import type { Selectable } from 'kysely';
import type { SubmissionsTable } from './database.js';
import { newId } from './ids.js';
import { fromRequiredJsonColumn } from './json-column.js';
import type { CreatedSubmission, StoredSubmission, SubmissionRepository, SubmissionStatus } from './store.js';
import type { StoreContext } from './store-context.js';

const MAX_KEY_LENGTH = 200;
const STATUSES: readonly string[] = ['pending', 'running', 'done', 'error'];

/** Maps a submissions row to the public shape; a row that does not fit is `STORE_CORRUPT`. */
export function toStoredSubmission(row: Selectable<SubmissionsTable>): StoredSubmission {
  const where = `submission ${row.id}`;
  if (!STATUSES.includes(row.status) || !LanguageIdSchema.safeParse(row.language).success) {
    throw new EdgeLabError({
      code: 'STORE_CORRUPT',
      message: `submissions row ${row.id} has status "${row.status}" and language "${row.language}"; one is not valid; the row is corrupt (repair or delete it)`,
    });
  }
  const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  return {
    id: row.id,
    assignmentId: row.assignment_id,
    assignmentVersion: row.assignment_version,
    language: row.language as LanguageId,
    code: fromRequiredJsonColumn<string | Record<string, string>>(row.code_json, 'submissions.code_json', where),
    submitterId: row.submitter_id,
    idempotencyKey: row.idempotency_key,
    status: row.status as SubmissionStatus,
    attempts: Number(row.attempts),
    createdAt: new Date(Number(row.created_at)),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    error: row.error,
  };
}

function badRequest(message: string): EdgeLabError {
  return new EdgeLabError({ code: 'BAD_REQUEST', message });
}

/** Submissions on the store's database; creating one enqueues it. */
export function createSubmissionRepository(ctx: StoreContext): SubmissionRepository {
  const { db } = ctx.database;
  return {
    async create(input) {
      const submitterId = input.submitterId ?? 'anonymous';
      const key = input.idempotencyKey ?? null;
      if (typeof input.assignmentId !== 'string' || input.assignmentId === '') throw badRequest('submission assignmentId is required');
      if (submitterId === '' || submitterId.length > MAX_KEY_LENGTH) throw badRequest(`submitterId must be 1 to ${MAX_KEY_LENGTH} characters`);
      if (key !== null && (key === '' || key.length > MAX_KEY_LENGTH)) throw badRequest(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`);
      if (typeof input.code !== 'string' && (input.code === null || typeof input.code !== 'object')) throw badRequest('submission code must be a string or a map of file name to content');
      const codeJson = JSON.stringify(input.code);
      return ctx.database.writeTransaction(async (trx): Promise<CreatedSubmission> => {
        const current = await trx
          .selectFrom('assignments as a')
          .innerJoin('assignment_versions as v', (j) => j.onRef('v.assignment_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'))
          .select(['a.id', 'v.version', 'v.definition_json'])
          .where('a.id', '=', input.assignmentId)
          .executeTakeFirst();
        if (!current) {
          throw new EdgeLabError({ code: 'ASSIGNMENT_NOT_FOUND', message: `no assignment "${input.assignmentId}"; list them with GET /assignments` });
        }
        const definition = fromRequiredJsonColumn<Assignment>(current.definition_json, 'assignment_versions.definition_json', `assignment ${current.id} version ${current.version}`);
        const offered = Object.keys(definition.languages ?? {});
        if (!offered.includes(input.language)) {
          throw new EdgeLabError({
            code: 'LANGUAGE_UNSUPPORTED',
            message: `language "${String(input.language)}" is not offered by ${current.id}; offered: ${offered.join(', ')}`,
          });
        }
        const now = ctx.now();
        const row = await trx
          .insertInto('submissions')
          .values({
            id: newId(),
            assignment_id: current.id,
            assignment_version: current.version,
            language: input.language,
            code_json: codeJson,
            submitter_id: submitterId,
            idempotency_key: key,
            status: 'pending',
            attempts: 0,
            created_at: now,
          })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row) return { ...toStoredSubmission(row), created: true };
        // Only the idempotency index can conflict (ids are 128 random bits): return the first submission.
        const existing = await trx
          .selectFrom('submissions')
          .selectAll()
          .where('submitter_id', '=', submitterId)
          .where('idempotency_key', '=', key)
          .executeTakeFirst();
        if (!existing) {
          throw new EdgeLabError({ code: 'INTERNAL', message: `insert of a submission by ${submitterId} conflicted but no submission with its Idempotency-Key exists` });
        }
        if (existing.assignment_id !== current.id || existing.language !== input.language || existing.code_json !== codeJson) {
          throw new EdgeLabError({
            code: 'CONFLICT',
            message: `Idempotency-Key "${key}" was already used by ${submitterId} for a different submission (${existing.id}); use a new key for new code`,
          });
        }
        return { ...toStoredSubmission(existing), created: false };
      });
    },

    async get(id) {
      const row = await db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toStoredSubmission(row);
    },

    async list(options = {}) {
      const limit = Math.min(Math.max(Math.floor(options.limit ?? 50), 1), 500);
      let query = db.selectFrom('submissions').selectAll();
      if (options.submitterId !== undefined) query = query.where('submitter_id', '=', options.submitterId);
      if (options.assignmentId !== undefined) query = query.where('assignment_id', '=', options.assignmentId);
      if (options.status !== undefined) query = query.where('status', '=', options.status);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toStoredSubmission);
    },

    async getProgress(id) {
      const rows = await db
        .selectFrom('submission_progress as p')
        .innerJoin('submissions as s', (j) => j.onRef('s.id', '=', 'p.submission_id').onRef('s.attempts', '=', 'p.attempt'))
        .select(['p.test_index', 'p.test_json'])
        .where('p.submission_id', '=', id)
        .orderBy('p.test_index')
        .execute();
      return rows.map((r) => fromRequiredJsonColumn<TestResult>(r.test_json, 'submission_progress.test_json', `submission ${id} test ${r.test_index}`));
    },
  };
}
