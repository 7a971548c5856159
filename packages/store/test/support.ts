import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AssignmentInput } from '@edgelab/core';
import { requireService } from '../../../test-support/services.js';
import type { StoreOptions } from '../src/index.js';

/** The PostgreSQL the tests use; `scripts/start-postgres.sh` prints it. */
export const POSTGRES_URL = process.env.EDGELAB_TEST_POSTGRES_URL ?? 'postgres://edgelab:edgelab@127.0.0.1:5432/edgelab';

/** True when PostgreSQL answers; locally false (tests skip), in CI a missing server throws. */
export function postgresAvailable(): Promise<boolean> {
  return requireService('PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')}: ${error instanceof Error ? error.message : String(error)} (run scripts/start-postgres.sh)` };
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

/** Where a test's fresh, empty databases live; `cleanup` removes every one it made. */
export interface DatabaseFactory {
  readonly dialect: 'sqlite' | 'postgres';
  /** Options for `createStore` pointing at a new, empty database. */
  fresh(): Promise<StoreOptions & { url: string }>;
  /** Runs raw SQL on a database made by `fresh` (to corrupt rows, or count them). */
  query<R = Record<string, unknown>>(options: StoreOptions & { url: string }, text: string): Promise<R[]>;
  cleanup(): Promise<void>;
}

/** Fresh SQLite files in a temporary directory. */
export function sqliteFactory(): DatabaseFactory {
  const dir = mkdtempSync(join(tmpdir(), 'edgelab-store-'));
  let n = 0;
  return {
    dialect: 'sqlite',
    fresh: async () => ({ url: `sqlite:${join(dir, `db-${++n}`, 'edgelab.db')}` }),
    query: async (options, text) => {
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(options.url.replace(/^sqlite:/, ''));
      try {
        const statement = db.prepare(text);
        return (statement.reader ? statement.all() : (statement.run(), [])) as never[];
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Fresh PostgreSQL schemas (one per call) in the test database, all dropped by `cleanup`. */
export function postgresFactory(): DatabaseFactory {
  const schemas: string[] = [];
  const withClient = async <T>(schema: string | undefined, fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    dialect: 'postgres',
    fresh: async () => {
      const schema = `edgelab_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return { url: POSTGRES_URL, schema };
    },
    query: (options, text) => withClient(options.schema, async (client) => (await client.query(text)).rows),
    cleanup: async () => {
      if (schemas.length === 0) return;
      await withClient(undefined, async (client) => {
        for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
      });
    },
  };
}

/** A small valid assignment; `overrides` replace top-level fields. */
export function sampleAssignment(overrides: Partial<AssignmentInput> = {}): AssignmentInput {
  return {
    id: 'py_sum',
    title: 'Sum two numbers',
    statement: 'Read two integers and print their sum.',
    languages: { python: { starter: 'a, b = map(int, input().split())\n' } },
    tests: [
      { kind: 'io', name: 'small', input: '1 2\n', expected: '3\n' },
      { kind: 'io', visibility: 'hidden', input: '40 2\n', expected: '42\n' },
    ],
    ...overrides,
  };
}

/** A fake clock for leases: starts at a fixed time, moves only when told. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}
