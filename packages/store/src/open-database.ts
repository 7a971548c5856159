import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgeLabError, isEdgeLabError } from '@edgelab/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely';
import type { DialectAdapter } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import type { StoreDialectName } from './store.js';
import type { StoreLocation } from './store-url.js';

/** An open database plus the one thing that differs between dialects: how a write transaction starts. */
export interface StoreDatabase {
  readonly dialect: StoreDialectName;
  readonly db: Kysely<Database>;
  /** Where the data is, for error messages: `SQLite database ./data/edgelab.db`. Never holds a password. */
  readonly where: string;
  /** PostgreSQL: the schema holding the tables (also the migration bookkeeping). */
  readonly schema: string | undefined;
  /**
   * Runs `fn` in a transaction that may write. SQLite takes the write lock up front (`BEGIN IMMEDIATE`) so two
   * processes never deadlock upgrading a read lock; PostgreSQL uses READ COMMITTED plus row locks.
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  connectTimeoutMs: number;
  /** PostgreSQL: a query running longer fails instead of hanging (e.g. the server vanished mid-query). */
  queryTimeoutMs?: number;
  busyTimeoutMs: number;
  poolSize: number;
  schema: string | undefined;
}

/** Opens (and checks) the database a store url points at. Throws `STORE_UNAVAILABLE` saying what and where. */
export async function openDatabase(location: StoreLocation, options: OpenDatabaseOptions): Promise<StoreDatabase> {
  return location.dialect === 'sqlite' ? openSqlite(location.path, options) : openPostgres(location, options);
}

function openSqlite(path: string, options: OpenDatabaseOptions): StoreDatabase {
  const memory = path === ':memory:';
  const where = memory ? 'SQLite in-memory database' : `SQLite database ${path}`;
  const unavailable = (what: string, error: unknown) =>
    new EdgeLabError({
      code: 'STORE_UNAVAILABLE',
      message: `cannot open ${where}: ${what}: ${errorMessage(error)}; check that the path is right and its directory is writable`,
      cause: error,
    });
  if (!memory) {
    try {
      mkdirSync(dirname(resolve(path)), { recursive: true });
    } catch (error) {
      throw unavailable(`cannot create directory ${dirname(resolve(path))}`, error);
    }
  }
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path, { timeout: options.busyTimeoutMs });
  } catch (error) {
    throw unavailable('open failed', error);
  }
  try {
    if (!memory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    // A file that opened but cannot be written (read-only mount, not a database) fails here, not on first submit.
    sqlite.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (error) {
    sqlite.close();
    throw unavailable('it is not a writable SQLite database', error);
  }
  const db = new Kysely<Database>({ dialect: new TransactionalDdlSqliteDialect({ database: sqlite }) });
  let closed = false;
  return {
    dialect: 'sqlite',
    db,
    where,
    schema: undefined,
    writeTransaction: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const value = await fn(conn);
          await sql`commit`.execute(conn);
          return value;
        } catch (error) {
          // better-sqlite3 may already have rolled back (e.g. after SQLITE_FULL); a second rollback then fails.
          if (sqlite.inTransaction) await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/**
 * SQLite's DDL is transactional, but kysely's adapter says otherwise, so its Migrator would run migrations one
 * statement at a time: a crash mid-migration would leave half a schema, and two processes opening a new file
 * could both apply the same migration. Saying so makes every migration run atomically in one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

const INT8_OID = 20;

async function openPostgres(location: Extract<StoreLocation, { dialect: 'postgres' }>, options: OpenDatabaseOptions): Promise<StoreDatabase> {
  const schema = options.schema ?? location.schema;
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `PostgreSQL schema "${schema}" must be letters, digits and "_", starting with a letter or "_"` });
  }
  const where = `PostgreSQL ${location.display}${schema === undefined ? '' : ` (schema ${schema})`}`;
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? 30_000,
    keepAlive: true,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // Times are BIGINT epoch ms: read them as numbers (safe up to year 287396), not strings.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  // An idle client losing its connection must not crash the process; the next query reports the fault.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let currentSchema: string;
  try {
    if (schema !== undefined) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const row = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    currentSchema = row.rows[0]?.schema ?? 'public';
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new EdgeLabError({
      code: 'STORE_UNAVAILABLE',
      message: `cannot reach ${where}: ${errorMessage(error)}; start it (scripts/start-postgres.sh) or fix the url`,
      cause: error,
    });
  }
  let closed = false;
  return {
    dialect: 'postgres',
    db,
    where,
    schema: currentSchema,
    writeTransaction: (fn) => db.transaction().execute(fn),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** The message of an error, with the code of a driver error (`ECONNREFUSED`, `SQLITE_BUSY`) when it has one. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message || (error instanceof AggregateError ? error.errors.map(errorMessage).join('; ') : error.name);
  return typeof code === 'string' && !message.includes(code) && !isEdgeLabError(error) ? `${code}: ${message}` : message;
}
