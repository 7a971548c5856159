import { EdgeLabError } from '@edgelab/core';
import type { Feedback, GradeResult, TestResult } from '@edgelab/core';
import { fromJsonColumn, fromRequiredJsonColumn } from './json-column.js';
import type { ResultRepository } from './store.js';
import type { StoreContext } from './store-context.js';

/** Grade results on the store's database. */
export function createResultRepository(ctx: StoreContext): ResultRepository {
  const { db } = ctx.database;
  return {
    async get(submissionId) {
      const row = await db.selectFrom('results').selectAll().where('submission_id', '=', submissionId).executeTakeFirst();
      if (!row) return undefined;
      const where = `the result of submission ${submissionId}`;
      const summary = fromRequiredJsonColumn<Omit<GradeResult, 'tests'>>(row.result_json, 'results.result_json', where);
      const tests = fromRequiredJsonColumn<TestResult[]>(row.tests_json, 'results.tests_json', where);
      const feedback = fromJsonColumn<Feedback>(row.feedback_json, 'results.feedback_json', where);
      const result: GradeResult = { ...summary, tests, ...(feedback === null ? {} : { feedback }) };
      return {
        submissionId,
        result,
        feedback,
        feedbackAt: row.feedback_at === null ? null : new Date(Number(row.feedback_at)),
        createdAt: new Date(Number(row.created_at)),
      };
    },

    async setFeedback(submissionId, feedback) {
      const updated = await db
        .updateTable('results')
        .set({ feedback_json: JSON.stringify(feedback), feedback_at: ctx.now() })
        .where('submission_id', '=', submissionId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        throw new EdgeLabError({
          code: 'SUBMISSION_NOT_FOUND',
          message: `no result for submission ${submissionId} (unknown, or not graded yet); feedback is added after the result`,
        });
      }
    },
  };
}
