import { sql, Migrator } from 'kysely';
import type { Kysely, Migration, MigrationResultSet } from 'kysely';

/* Migrations are frozen once released: never edit one, add the next. They use Kysely<any> on purpose
   (the typed schema describes the latest state, not the state at each step). */

/* eslint-disable @typescript-eslint/no-explicit-any */
const initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('assignments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('current_version', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('assignment_versions')
      .addColumn('assignment_id', 'text', (c) => c.notNull().references('assignments.id'))
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('definition_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('activated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('assignment_versions_pk', ['assignment_id', 'version'])
      .execute();
    await db.schema
      .createTable('submissions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('assignment_id', 'text', (c) => c.notNull())
      .addColumn('assignment_version', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('code_json', 'text', (c) => c.notNull())
      .addColumn('submitter_id', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'running', 'done', 'error')`))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_owner', 'text')
      .addColumn('lease_token', 'text')
      .addColumn('lease_expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('error', 'text')
      .addForeignKeyConstraint('submissions_assignment_version_fk', ['assignment_id', 'assignment_version'], 'assignment_versions', [
        'assignment_id',
        'version',
      ])
      .execute();
    await db.schema.createIndex('submissions_queue_idx').on('submissions').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('submissions_lease_idx').on('submissions').columns(['status', 'lease_expires_at']).execute();
    await db.schema.createIndex('submissions_submitter_idx').on('submissions').columns(['submitter_id', 'created_at']).execute();
    await db.schema
      .createIndex('submissions_idempotency_idx')
      .on('submissions')
      .columns(['submitter_id', 'idempotency_key'])
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    await db.schema
      .createTable('results')
      .addColumn('submission_id', 'text', (c) => c.primaryKey().references('submissions.id'))
      .addColumn('verdict', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('max_score', 'double precision', (c) => c.notNull())
      .addColumn('duration_ms', 'double precision', (c) => c.notNull())
      .addColumn('result_json', 'text', (c) => c.notNull())
      .addColumn('tests_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};

const feedbackAndProgress: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('results').addColumn('feedback_json', 'text').execute();
    await db.schema.alterTable('results').addColumn('feedback_at', 'bigint').execute();
    await db.schema
      .createTable('submission_progress')
      .addColumn('submission_id', 'text', (c) => c.notNull().references('submissions.id'))
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('test_index', 'integer', (c) => c.notNull())
      .addColumn('test_json', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('submission_progress_pk', ['submission_id', 'attempt', 'test_index'])
      .execute();
  },
};

/** Every migration, by name; names sort in the order they run. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '001_initial': initial,
  '002_feedback_and_progress': feedbackAndProgress,
});

/** A kysely Migrator over {@link migrations}; `schema` keeps the bookkeeping tables beside the data (PostgreSQL). */
export function createMigrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/** Runs every pending migration; returns kysely's result set (which never throws). */
export function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationResultSet> {
  return createMigrator(db, schema).migrateToLatest();
}
