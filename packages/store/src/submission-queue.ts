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
        error: sql<string>`${`the lease expired on the last of ${ctx.maxAttempts} attempts (the worker died or hung)`} || coalesce(${'; earlier: '} || error, '')`,
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

  /**
   * Takes one submission chosen by `pick` (a one-row subquery) and sets a fresh lease on it, in one statement.
   * PostgreSQL: the subquery locks with SKIP LOCKED so concurrent claimers never wait on each other.
   */
  async function take(trx: Kysely<Database>, status: 'pending' | 'running', workerId: string, leaseMs: number, now: number) {
    let pick = trx.selectFrom('submissions').select('id').where('status', '=', status);
    pick =
      status === 'pending'
        ? pick.orderBy('created_at')
        : pick.where('lease_expires_at', '<', now).where('attempts', '<', ctx.maxAttempts).orderBy('lease_expires_at');
    pick = pick.limit(1);
    if (postgres) pick = pick.forUpdate().skipLocked();
    return trx
      .updateTable('submissions')
      .set({
        status: 'running',
        attempts: sql<number>`attempts + 1`,
        lease_owner: workerId,
        lease_token: newId(),
        lease_expires_at: now + leaseMs,
        started_at: now,
      })
      .where('id', '=', pick)
      .where('status', '=', status)
      .$if(status === 'running', (q) => q.where('lease_expires_at', '<', now))
      .returningAll()
      .executeTakeFirst();
  }

  /** PostgreSQL runs each claim step as one atomic statement; SQLite serialises the whole claim under BEGIN IMMEDIATE. */
  const atomically = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => (postgres ? fn(db) : ctx.database.writeTransaction(fn));

  return {
    async claim(workerId, leaseMs) {
      if (typeof workerId !== 'string' || workerId === '') throw new EdgeLabError({ code: 'BAD_REQUEST', message: 'queue.claim needs a non-empty workerId' });
      if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new EdgeLabError({ code: 'BAD_REQUEST', message: `queue.claim leaseMs must be a positive number of ms, got ${leaseMs}` });
      const ms = Math.ceil(leaseMs);
      const row = await atomically(async (trx) => {
        const now = ctx.now();
        // Expired leases first: they are older than anything pending. Ending the exhausted ones only when some
        // lease expired keeps the common path (a pending submission) at one statement.
        const expired = await trx.selectFrom('submissions').select('id').where('status', '=', 'running').where('lease_expires_at', '<', now).limit(1).executeTakeFirst();
        if (expired) {
          await endExhausted(trx, now);
          const retaken = await take(trx, 'running', workerId, ms, now);
          if (retaken) return retaken;
        }
        return take(trx, 'pending', workerId, ms, now);
      });
      if (!row) return null;
      const version = await db
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
        token: row.lease_token ?? '',
        workerId,
        attempt: Number(row.attempts),
        expiresAt: new Date(Number(row.lease_expires_at)),
        leaseMs: ms,
        submission: toStoredSubmission(row),
        assignment: fromRequiredJsonColumn<Assignment>(version.definition_json, 'assignment_versions.definition_json', where),
      };
      return lease;
    },

    async heartbeat(lease, leaseMs = lease.leaseMs) {
      const now = ctx.now();
      const ms = Math.ceil(leaseMs);
      const updated = await db
        .updateTable('submissions')
        .set({ lease_expires_at: now + ms })
        .where('id', '=', lease.submissionId)
        .where('status', '=', 'running')
        .where('lease_token', '=', lease.token)
        .where('lease_expires_at', '>=', now)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw await lostLease(db, lease, 'extend the lease of');
      return { ...lease, expiresAt: new Date(now + ms), leaseMs: ms };
    },

    async progress(lease, test: TestResult) {
      const now = ctx.now();
      const testJson = JSON.stringify(test);
      // One statement: the row is written only if the lease still holds, so a zombie worker writes nothing.
      const inserted = await db
        .insertInto('submission_progress')
        .columns(['submission_id', 'attempt', 'test_index', 'test_json', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('submissions')
            .select([
              'id',
              // Casts: PostgreSQL would type bare parameters in a select list as text.
              eb.cast<number>(eb.val(lease.attempt), 'integer').as('attempt'),
              eb.cast<number>(eb.val(test.index), 'integer').as('test_index'),
              eb.cast<string>(eb.val(testJson), 'text').as('test_json'),
              eb.cast<number>(eb.val(now), 'bigint').as('created_at'),
            ])
            .where('id', '=', lease.submissionId)
            .where('status', '=', 'running')
            .where('lease_token', '=', lease.token)
            .where('lease_expires_at', '>=', now),
        )
        .onConflict((oc) => oc.columns(['submission_id', 'attempt', 'test_index']).doUpdateSet({ test_json: testJson, created_at: now }))
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw await lostLease(db, lease, 'report progress on');
    },

    async complete(lease, result: GradeResult) {
      const { tests, feedback: _feedback, ...summary } = result;
      const testsJson = JSON.stringify(tests ?? []);
      const resultJson = JSON.stringify(summary);
      const lost = await ctx.database.writeTransaction(async (trx) => {
        const now = ctx.now();
        const updated = await trx
          .updateTable('submissions')
          .set({ status: 'done', finished_at: now, lease_owner: null, lease_token: null, lease_expires_at: null, error: null })
          .where('id', '=', lease.submissionId)
          .where('status', '=', 'running')
          .where('lease_token', '=', lease.token)
          .where('lease_expires_at', '>=', now)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return true;
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
        // The result now holds every test; the streaming copies would only double the storage.
        await trx.deleteFrom('submission_progress').where('submission_id', '=', lease.submissionId).execute();
        return false;
      });
      if (lost) throw await lostLease(db, lease, 'complete');
    },

    async fail(lease, reason, options): Promise<FailOutcome> {
      const text = String(reason).slice(0, MAX_REASON_LENGTH);
      const now = ctx.now();
      const exhausted = !options.retryable || lease.attempt >= ctx.maxAttempts;
      const cleared = { lease_owner: null, lease_token: null, lease_expires_at: null };
      const changes = exhausted
        ? { ...cleared, status: 'error', finished_at: now, error: options.retryable ? `gave up after ${lease.attempt} attempts: ${text}` : text }
        : { ...cleared, status: 'pending', error: text };
      // The token changes on every claim, so a matching token means the row's attempts equal lease.attempt.
      const updated = await db
        .updateTable('submissions')
        .set(changes)
        .where('id', '=', lease.submissionId)
        .where('status', '=', 'running')
        .where('lease_token', '=', lease.token)
        .where('lease_expires_at', '>=', now)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw await lostLease(db, lease, 'fail');
      return { status: exhausted ? 'error' : 'pending', attempts: lease.attempt };
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
