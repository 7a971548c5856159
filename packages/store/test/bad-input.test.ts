import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isEdgeLabError } from '@edgelab/core';
import { createStore } from '../src/index.js';
import pg from 'pg';
import { postgresAvailable, postgresFactory, POSTGRES_URL, sampleAssignment } from './support.js';

const postgres = await postgresAvailable();
const dir = mkdtempSync(join(tmpdir(), 'edgelab-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openError(options: Parameters<typeof createStore>[0]): Promise<Error & { code?: string }> {
  try {
    const store = await createStore(options);
    await store.close();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error(`createStore(${JSON.stringify(options)}) should have failed`);
}

describe('bad input to the SQLite store', () => {
  it('a path whose directory cannot be created is STORE_UNAVAILABLE naming the path', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const url = join(file, 'sub', 'edgelab.db');
    const error = await openError({ url });
    expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toContain(url);
    expect(error.message).toContain('cannot create directory');
  });

  it('a directory given as the database file is STORE_UNAVAILABLE', async () => {
    const error = await openError({ url: `sqlite:${dir}` });
    expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toContain(dir);
  });

  it('a file that is not a SQLite database is STORE_UNAVAILABLE, and is left untouched', async () => {
    const file = join(dir, 'notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const error = await openError({ url: file });
    expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toMatch(/not a writable SQLite database.*(not a database|SQLITE_NOTADB)/);
  });

  it('an unsupported url scheme is CONFIG_INVALID before anything is opened', async () => {
    const error = await openError({ url: 'mysql://root:secret@localhost/edgelab' });
    expect(isEdgeLabError(error, 'CONFIG_INVALID')).toBe(true);
    expect(error.message).not.toContain('secret');
  });

  it('a write lock held past busyTimeoutMs is STORE_UNAVAILABLE naming the operation, not a hang', async () => {
    const file = join(dir, 'locked.db');
    const store = await createStore({ url: file, busyTimeoutMs: 100 });
    await store.assignments.upsert(sampleAssignment());
    const other = new Database(file);
    try {
      other.exec('BEGIN EXCLUSIVE');
      const error = await store.queue.claim('w1', 1000).catch((e: unknown) => e as Error);
      expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/queue\.claim on SQLite database .*locked\.db failed: .*(busy|locked)/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });

  it('maxAttempts below 1 is CONFIG_INVALID', async () => {
    expect(isEdgeLabError(await openError({ url: ':memory:', maxAttempts: 0 }), 'CONFIG_INVALID')).toBe(true);
  });
});

describe('bad input to the PostgreSQL store', () => {
  it('connection refused is STORE_UNAVAILABLE naming host, port and database, without the password', async () => {
    const error = await openError({ url: 'postgres://edgelab:hunter2@127.0.0.1:1/edgelab', connectTimeoutMs: 2000 });
    expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toContain('127.0.0.1:1/edgelab');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain('hunter2');
  });

  it('a server that accepts but never answers is STORE_UNAVAILABLE after connectTimeoutMs, not a hang', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const error = await openError({ url: `postgres://edgelab:edgelab@127.0.0.1:${port}/edgelab`, connectTimeoutMs: 300 });
      expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error.message).toContain(`127.0.0.1:${port}/edgelab`);
      expect(error.message).toMatch(/timeout/i);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.skipIf(!postgres)('a wrong password is STORE_UNAVAILABLE saying authentication failed', async () => {
    const url = new URL(POSTGRES_URL);
    url.password = 'definitely-wrong';
    const error = await openError({ url: url.toString() });
    expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect(error.message).toMatch(/password authentication failed/);
    expect(error.message).not.toContain('definitely-wrong');
  });

  it.skipIf(!postgres)('a query blocked past queryTimeoutMs is STORE_UNAVAILABLE naming the operation, not a hang', async () => {
    const factory = postgresFactory();
    const options = await factory.fresh();
    const store = await createStore({ ...options, queryTimeoutMs: 300 });
    const blocker = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${options.schema}` });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table submissions in access exclusive mode');
      const error = await store.queue.depth().catch((e: unknown) => e as Error);
      expect(isEdgeLabError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/queue\.depth on PostgreSQL .*failed: .*timeout/i);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
      await store.close();
      await factory.cleanup();
    }
  });
});
