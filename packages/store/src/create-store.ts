import { EdgeLabError, isEdgeLabError } from '@edgelab/core';
import { createAssignmentRepository } from './assignment-repository.js';
import { migrateToLatest, createMigrator } from './migrations.js';
import { errorMessage, openDatabase } from './open-database.js';
import type { StoreDatabase } from './open-database.js';
import { createResultRepository } from './result-repository.js';
import type { Store, StoreOptions } from './store.js';
import type { StoreContext } from './store-context.js';
import { DEFAULT_STORE_URL, parseStoreUrl } from './store-url.js';
import { createSubmissionQueue } from './submission-queue.js';
import { createSubmissionRepository } from './submission-repository.js';

/**
 * Opens a store and brings its schema up to date (forward migrations run on every open).
 *
 * ### Examples
 * ```ts
 * const store = await createStore({ url: process.env.EDGELAB_DATABASE_URL }); // default ./data/edgelab.db
 * await store.assignments.loadDirectory('assignments');
 * const submission = await store.submissions.create({ assignmentId: 'python_two_sum', language: 'python', code });
 * ```
 */
export async function createStore(options: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(options.url ?? DEFAULT_STORE_URL);
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `store maxAttempts must be a whole number >= 1, got ${maxAttempts}` });
  }
  const database = await openDatabase(location, {
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    queryTimeoutMs: options.queryTimeoutMs ?? 30_000,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    poolSize: options.poolSize ?? 10,
    schema: options.schema,
  });
  try {
    await migrate(database);
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  const ctx: StoreContext = { database, maxAttempts, now: options.now ?? (() => Date.now()) };
  return {
    dialect: database.dialect,
    assignments: guard(createAssignmentRepository(ctx), 'assignments', database.where),
    submissions: guard(createSubmissionRepository(ctx), 'submissions', database.where),
    results: guard(createResultRepository(ctx), 'results', database.where),
    queue: guard(createSubmissionQueue(ctx), 'queue', database.where),
    close: () => database.close(),
  };
}

const MIGRATION_TRIES = 6;

/**
 * Brings the schema up to date. Several processes may open one new database at once (a server and its workers):
 * the loser of that race sees a busy SQLite file or PostgreSQL's non-atomic `create table if not exists`, so a
 * failed attempt is retried after re-reading the state, and succeeds as soon as the winner has finished.
 */
async function migrate(database: StoreDatabase): Promise<void> {
  const migrator = createMigrator(database.db, database.schema);
  let lastError: unknown;
  let failedAt: string | undefined;
  for (let attempt = 1; attempt <= MIGRATION_TRIES; attempt++) {
    try {
      // Nothing pending: skip the migration lock, so many processes opening one SQLite file do not queue up.
      const known = await migrator.getMigrations();
      if (known.every((m) => m.executedAt !== undefined)) return;
    } catch (error) {
      lastError = error;
      failedAt = undefined;
      await sleep(attempt);
      continue;
    }
    const { error, results } = await migrateToLatest(database.db, database.schema);
    if (error === undefined) return;
    lastError = error;
    failedAt = results?.find((r) => r.status === 'Error')?.migrationName;
    await sleep(attempt);
  }
  throw new EdgeLabError({
    code: 'STORE_UNAVAILABLE',
    message: `migrating ${database.where} failed${failedAt === undefined ? '' : ` at ${failedAt}`} (${MIGRATION_TRIES} tries): ${errorMessage(lastError)}; the database was left at the last good migration`,
    cause: lastError,
  });
}

/** Randomised, growing back-off so racing processes do not retry in lock-step. */
function sleep(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, attempt * 40 + Math.random() * 60));
}

/**
 * Wraps every method so a driver fault (lost connection, disk full, lock timeout) surfaces as `STORE_UNAVAILABLE`
 * naming the operation and the database; EdgeLab errors pass through unchanged.
 */
function guard<T extends object>(target: T, name: string, where: string): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(target)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    wrapped[key] = async (...args: unknown[]) => {
      try {
        return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      } catch (error) {
        if (isEdgeLabError(error)) throw error;
        throw new EdgeLabError({ code: 'STORE_UNAVAILABLE', message: `${name}.${key} on ${where} failed: ${errorMessage(error)}`, cause: error });
      }
    };
  }
  return wrapped as T;
}
