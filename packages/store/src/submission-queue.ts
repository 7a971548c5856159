import { EdgeLabError } from '@edgelab/core';
import type { Assignment, GradeResult, TestResult } from '@edgelab/core';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import { newId } from './ids.js';
import { fromRequiredJsonColumn } from './json-column.js';
import type { FailOutcome, Lease, QueueStats, SubmissionQueue } from './store.js';
import type { StoreContext } from './store-context.js';
import { toStoredSubmission } from './submission-repository.js';

const MAX_REASON_LENGTH = 2000;

/**
 * The submission queue on the submissions table itself, so enqueueing is part of the insert. A claim sets a
 * fresh random lease token; every later write checks it, which is what makes a result exactly-once even when a
 * worker that lost its lease (stalled, partitioned, presumed dead) comes back.
 */
export function createSubmissionQueue(ctx: StoreContext): SubmissionQueue {
  const { db, dialect } = ctx.database;
  const postgres = dialect === 'postgres';

  /** Ends submissions whose lease expired on their last allowed attempt; the rest of the expired are claimable. */
  async function endExhausted(trx: Kysely<Database>, now: number): Promise<number> {
    let ids = trx
      .selectFrom('submissions')
      .select('id')
      .where('status', '=', 'running')
      .where('lease_expires_at', '<', now)
      .where('attempts', '>=', ctx.maxAttempts);
    if (postgres) ids = ids.forUpdate().skipLocked();
    const result = await trx
      .updateTable('submissions')
      .set({
        status: 'error',
        finished_at: now,
        lease_owner: null,
        lease_token: null,
        lease_expires_at: null,
        error: sql<string>`coalesce(error, ${`the worker's lease expired on each of ${ctx.maxAttempts} attempts (the worker died or hung)`})`,
      })
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Why a lease no longer works, for the CONFLICT message. */
  async function lostLease(trx: Kysely<Database>, lease: Lease, action: string): Promise<EdgeLabError> {
    const row = await trx
      .selectFrom('submissions')
      .select(['status', 'lease_token', 'lease_owner', 'lease_expires_at', 'attempts'])
      .where('id', '=', lease.submissionId)
      .executeTakeFirst();
    let why: string;
    if (!row) why = 'the submission does not exist';
    else if (row.lease_token !== lease.token) {
      why = row.status === 'running' ? `it was claimed again by ${row.lease_owner ?? 'another worker'} (attempt ${row.attempts})` : `it is now ${row.status}`;
    } else why = `the lease expired at ${new Date(Number(row.lease_expires_at)).toISOString()}`;
    return new EdgeLabError({
      code: 'CONFLICT',
      message: `cannot ${action} submission ${lease.submissionId}: worker ${lease.workerId} no longer holds its lease (attempt ${lease.attempt}): ${why}; drop this work, nothing was written`,
    });
  }

  /** Locks the submission row if `lease` still holds it; throws CONFLICT otherwise. */
  async function holdLease(trx: Kysely<Database>, lease: Lease, action: string, now: number): Promise<void> {
    let query = trx
      .selectFrom('submissions')
      .select('id')
      .where('id', '=', lease.submissionId)
      .where('status', '=', 'running')
      .where('lease_token', '=', lease.token)
      .where('lease_expires_at', '>=', now);
    if (postgres) query = query.forUpdate();
    if (!(await query.executeTakeFirst())) throw await lostLease(trx, lease, action);
  }

  return {
    async claim(workerId, leaseMs) {
      if (typeof workerId !== 'string' || workerId === '') throw new EdgeLabError({ code: 'BAD_REQUEST', message: 'queue.claim needs a non-empty workerId' });
      if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new EdgeLabError({ code: 'BAD_REQUEST', message: `queue.claim leaseMs must be a positive number of ms, got ${leaseMs}` });
      return ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        await endExhausted(trx, now);
        let next = trx
          .selectFrom('submissions')
          .select('id')
          .where((eb) =>
            eb.or([
              eb('status', '=', 'pending'),
              eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now), eb('attempts', '<', ctx.maxAttempts)]),
            ]),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(1);
        if (postgres) next = next.forUpdate().skipLocked();
        const picked = await next.executeTakeFirst();
        if (!picked) return null;
        const token = newId();
        const expiresAt = now + Math.ceil(leaseMs);
        const row = await trx
          .updateTable('submissions')
          .set({
            status: 'running',
            attempts: sql<number>`attempts + 1`,
            lease_owner: workerId,
            lease_token: token,
            lease_expires_at: expiresAt,
            started_at: now,
          })
          .where('id', '=', picked.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const version = await trx
          .selectFrom('assignment_versions')
          .select('definition_json')
          .where('assignment_id', '=', row.assignment_id)
          .where('version', '=', row.assignment_version)
          .executeTakeFirst();
        const where = `assignment ${row.assignment_id} version ${row.assignment_version}`;
        if (!version) {
          throw new EdgeLabError({ code: 'STORE_CORRUPT', message: `submission ${row.id} refers to ${where}, which is not stored; the row is corrupt` });
        }
        const lease: Lease = {
          submissionId: row.id,
          token,
          workerId,
          attempt: Number(row.attempts),
          expiresAt: new Date(expiresAt),
          leaseMs: Math.ceil(leaseMs),
          submission: toStoredSubmission(row),
          assignment: fromRequiredJsonColumn<Assignment>(version.definition_json, 'assignment_versions.definition_json', where),
        };
        return lease;
      });
    },

    async heartbeat(lease, leaseMs = lease.leaseMs) {
      return ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        await holdLease(trx, lease, 'extend the lease of', now);
        const expiresAt = now + Math.ceil(leaseMs);
        await trx.updateTable('submissions').set({ lease_expires_at: expiresAt }).where('id', '=', lease.submissionId).execute();
        return { ...lease, expiresAt: new Date(expiresAt), leaseMs: Math.ceil(leaseMs) };
      });
    },

    async progress(lease, test: TestResult) {
      await ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        await holdLease(trx, lease, 'report progress on', now);
        const testJson = JSON.stringify(test);
        await trx
          .insertInto('submission_progress')
          .values({ submission_id: lease.submissionId, attempt: lease.attempt, test_index: test.index, test_json: testJson, created_at: now })
          .onConflict((oc) => oc.columns(['submission_id', 'attempt', 'test_index']).doUpdateSet({ test_json: testJson, created_at: now }))
          .execute();
      });
    },

    async complete(lease, result: GradeResult) {
      const { tests, feedback: _feedback, ...summary } = result;
      const testsJson = JSON.stringify(tests ?? []);
      const resultJson = JSON.stringify(summary);
      await ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        await holdLease(trx, lease, 'complete', now);
        await trx
          .updateTable('submissions')
          .set({ status: 'done', finished_at: now, lease_owner: null, lease_token: null, lease_expires_at: null, error: null })
          .where('id', '=', lease.submissionId)
          .execute();
        await trx
          .insertInto('results')
          .values({
            submission_id: lease.submissionId,
            verdict: result.verdict,
            score: result.score,
            max_score: result.maxScore,
            duration_ms: result.durationMs,
            result_json: resultJson,
            tests_json: testsJson,
            created_at: now,
            feedback_json: null,
            feedback_at: null,
          })
          .execute();
      });
    },

    async fail(lease, reason, options): Promise<FailOutcome> {
      const text = String(reason).slice(0, MAX_REASON_LENGTH);
      return ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        await holdLease(trx, lease, 'fail', now);
        const exhausted = !options.retryable || lease.attempt >= ctx.maxAttempts;
        const cleared = { lease_owner: null, lease_token: null, lease_expires_at: null };
        if (exhausted) {
          const error = options.retryable ? `gave up after ${lease.attempt} attempts: ${text}` : text;
          await trx.updateTable('submissions').set({ ...cleared, status: 'error', finished_at: now, error }).where('id', '=', lease.submissionId).execute();
          return { status: 'error', attempts: lease.attempt };
        }
        await trx.updateTable('submissions').set({ ...cleared, status: 'pending', error: text }).where('id', '=', lease.submissionId).execute();
        return { status: 'pending', attempts: lease.attempt };
      });
    },

    async reclaimExpired() {
      return ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        const ended = await endExhausted(trx, now);
        let ids = trx.selectFrom('submissions').select('id').where('status', '=', 'running').where('lease_expires_at', '<', now);
        if (postgres) ids = ids.forUpdate().skipLocked();
        const returned = await trx
          .updateTable('submissions')
          .set({ status: 'pending', lease_owner: null, lease_token: null, lease_expires_at: null })
          .where('id', 'in', ids)
          .executeTakeFirst();
        return ended + Number(returned.numUpdatedRows);
      });
    },

    async depth() {
      const row = await db.selectFrom('submissions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async stats(): Promise<QueueStats> {
      const rows = await db.selectFrom('submissions').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      const stats: QueueStats = { pending: 0, running: 0, done: 0, error: 0 };
      for (const row of rows) if (row.status in stats) stats[row.status as keyof QueueStats] = Number(row.n);
      return stats;
    },
  };
}
