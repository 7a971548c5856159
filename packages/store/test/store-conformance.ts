import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isEdgeLabError } from '@edgelab/core';
import type { EdgeLabErrorCode, GradeResult, TestResult } from '@edgelab/core';
import { sql } from 'kysely';
import { createStore } from '../src/index.js';
import type { Lease, Store, StoreOptions } from '../src/index.js';
import { createMigrator } from '../src/migrations.js';
import { openDatabase } from '../src/open-database.js';
import { parseStoreUrl } from '../src/store-url.js';
import { fakeClock, sampleAssignment } from './support.js';
import type { DatabaseFactory } from './support.js';

/** Resolves to the EdgeLabError code `promise` rejects with (fails the test if it resolves). */
export async function rejectionCode(promise: Promise<unknown>): Promise<EdgeLabErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (isEdgeLabError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the promise to reject with an EdgeLabError');
}

function testResult(index: number, verdict: TestResult['verdict'] = 'accepted'): TestResult {
  return {
    index,
    name: `test ${index + 1}`,
    kind: 'io',
    visibility: index === 0 ? 'public' : 'hidden',
    verdict,
    points: verdict === 'accepted' ? 1 : 0,
    maxPoints: 1,
    usage: { wallMs: 12, cpuMs: 10, memoryKb: 2048 },
    input: '40 2\n',
    expected: '42\n',
    actual: verdict === 'accepted' ? '42\n' : '41\n',
  };
}

/** A deterministic grade result for a lease (what a worker would write). */
export function gradeResultFor(lease: Lease, score = 2): GradeResult {
  const tests = [testResult(0, score >= 1 ? 'accepted' : 'wrong_answer'), testResult(1, score >= 2 ? 'accepted' : 'wrong_answer')];
  return {
    assignmentId: lease.submission.assignmentId,
    assignmentVersion: lease.submission.assignmentVersion,
    language: lease.submission.language,
    verdict: score === 2 ? 'accepted' : 'wrong_answer',
    score,
    maxScore: 2,
    percent: score * 50,
    tests,
    durationMs: 34.5,
    sandbox: 'fake',
  };
}

/**
 * The store conformance suite: every dialect must pass it unchanged.
 * `factory` hands out fresh empty databases; `skip` is true when the dialect's server is missing (locally only).
 */
export function describeStore(dialectName: string, factory: DatabaseFactory, skip = false): void {
  describe.skipIf(skip)(`store conformance: ${dialectName}`, () => {
    const opened: Store[] = [];
    afterAll(async () => {
      await Promise.all(opened.map((s) => s.close()));
      await factory.cleanup();
    });
    async function open(extra: Partial<StoreOptions> = {}): Promise<{ store: Store; options: StoreOptions & { url: string } }> {
      const options = { ...(await factory.fresh()), ...extra };
      const store = await createStore(options);
      opened.push(store);
      return { store, options };
    }

    it('opens on the expected dialect and migrates an empty database', async () => {
      const { store } = await open();
      expect(store.dialect).toBe(factory.dialect);
      expect(await store.assignments.list()).toEqual([]);
      expect(await store.queue.depth()).toBe(0);
    });

    it('reopening a migrated database keeps its data (migrations run once)', async () => {
      const { store, options } = await open();
      await store.assignments.upsert(sampleAssignment());
      await store.close();
      const again = await createStore(options);
      opened.push(again);
      expect((await again.assignments.get('py_sum'))?.definition.title).toBe('Sum two numbers');
    });

    describe('assignments', () => {
      it('keeps every version: an edit adds a version and moves the current pointer, history stays', async () => {
        const { store } = await open();
        const first = await store.assignments.upsert(sampleAssignment());
        expect(first.change).toBe('created');
        expect(first.version).toMatch(/^[0-9a-f]{64}$/);
        expect((await store.assignments.upsert(sampleAssignment())).change).toBe('unchanged');
        const edited = await store.assignments.upsert(sampleAssignment({ title: 'Sum, edited' }));
        expect(edited.change).toBe('created');
        expect(edited.version).not.toBe(first.version);
        expect((await store.assignments.get('py_sum'))?.version).toBe(edited.version);
        const old = await store.assignments.getVersion('py_sum', first.version);
        expect(old?.definition.title).toBe('Sum two numbers');
        expect(old?.current).toBe(false);
        expect((await store.assignments.listVersions('py_sum')).map((v) => v.version)).toEqual([first.version, edited.version]);
        const restored = await store.assignments.upsert(sampleAssignment());
        expect(restored).toEqual({ id: 'py_sum', version: first.version, change: 'restored' });
        expect((await store.assignments.get('py_sum'))?.current).toBe(true);
      });

      it('stores the definition with defaults applied, hidden tests included', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment());
        const stored = await store.assignments.get('py_sum');
        expect(stored?.definition.tests[1]).toMatchObject({ visibility: 'hidden', expected: '42\n', points: 1 });
        expect(stored?.definition.tags).toEqual([]);
      });

      it('lists current versions ordered by id and returns undefined for unknown ids', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment({ id: 'zeta' }));
        await store.assignments.upsert(sampleAssignment({ id: 'alpha' }));
        expect((await store.assignments.list()).map((a) => a.id)).toEqual(['alpha', 'zeta']);
        expect(await store.assignments.get('nope')).toBeUndefined();
        expect(await store.assignments.getVersion('alpha', 'f'.repeat(64))).toBeUndefined();
      });

      it('rejects an invalid assignment with every problem and stores nothing', async () => {
        const { store } = await open();
        const error = await store.assignments.upsert({ id: 'Bad Id', title: '', languages: {} }, 'inline.json').catch((e: unknown) => e);
        expect(isEdgeLabError(error, 'ASSIGNMENT_INVALID')).toBe(true);
        const details = (error as { details: string[] }).details;
        expect(details.length).toBeGreaterThanOrEqual(3);
        expect(details.every((d) => d.startsWith('inline.json: '))).toBe(true);
        expect(details.some((d) => d.startsWith('inline.json: id: '))).toBe(true);
        expect(await store.assignments.list()).toEqual([]);
      });

      it('loadDirectory loads the valid files and reports every problem of every invalid one', async () => {
        const { store } = await open();
        const dir = mkdtempSync(join(tmpdir(), 'edgelab-assignments-'));
        try {
          writeFileSync(join(dir, 'a.json'), JSON.stringify(sampleAssignment({ id: 'a_one' })));
          writeFileSync(join(dir, 'b.json'), JSON.stringify(sampleAssignment({ id: 'b_two' })));
          writeFileSync(join(dir, 'c-syntax.json'), '{ "id": "c", ');
          writeFileSync(join(dir, 'd-schema.json'), JSON.stringify({ ...sampleAssignment({ id: 'd_four' }), title: '', tests: [] }));
          writeFileSync(join(dir, 'e-dup.json'), JSON.stringify(sampleAssignment({ id: 'a_one', title: 'dup' })));
          writeFileSync(join(dir, 'notes.txt'), 'not an assignment');
          const first = await store.assignments.loadDirectory(dir);
          expect(first.loaded.map((r) => r.id)).toEqual(['a_one', 'b_two']);
          expect(first.unchanged).toEqual([]);
          expect(first.errors.filter((e) => e.startsWith(join(dir, 'c-syntax.json')))).toHaveLength(1);
          const schemaErrors = first.errors.filter((e) => e.startsWith(`${join(dir, 'd-schema.json')}: `));
          expect(schemaErrors.some((e) => e.includes('title'))).toBe(true);
          expect(schemaErrors.some((e) => e.includes('tests'))).toBe(true);
          expect(first.errors.some((e) => e.startsWith(join(dir, 'e-dup.json')) && e.includes('a.json'))).toBe(true);
          expect((await store.assignments.get('a_one'))?.definition.title).toBe('Sum two numbers');
          const second = await store.assignments.loadDirectory(dir);
          expect(second.loaded).toEqual([]);
          expect(second.unchanged.map((r) => r.id)).toEqual(['a_one', 'b_two']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('loadDirectory on a missing directory is a clear CONFIG_INVALID', async () => {
        const { store } = await open();
        const error = await store.assignments.loadDirectory('/nonexistent/edgelab-assignments').catch((e: unknown) => e);
        expect(isEdgeLabError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as Error).message).toContain('/nonexistent/edgelab-assignments');
      });
    });

    describe('submissions', () => {
      it('create stores and enqueues against the current version with an unguessable id', async () => {
        const { store } = await open();
        const { version } = await store.assignments.upsert(sampleAssignment());
        const created = await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: 'print(3)', submitterId: 'ada' });
        expect(created).toMatchObject({ created: true, status: 'pending', attempts: 0, assignmentVersion: version, submitterId: 'ada', code: 'print(3)' });
        expect(created.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(await store.queue.depth()).toBe(1);
        const { created: _created, ...stored } = created;
        expect(await store.submissions.get(created.id)).toEqual(stored);
        expect(await store.submissions.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
      });

      it('keeps multi-file code as a map', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment());
        const code = { 'main.py': 'import helper\n', 'helper.py': 'X = 1\n' };
        const created = await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code });
        expect((await store.submissions.get(created.id))?.code).toEqual(code);
      });

      it('rejects unknown assignments and languages the assignment does not offer', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment());
        expect(await rejectionCode(store.submissions.create({ assignmentId: 'nope', language: 'python', code: 'x' }))).toBe('ASSIGNMENT_NOT_FOUND');
        expect(await rejectionCode(store.submissions.create({ assignmentId: 'py_sum', language: 'java', code: 'x' }))).toBe('LANGUAGE_UNSUPPORTED');
        expect(await store.queue.depth()).toBe(0);
      });

      it('an Idempotency-Key replay returns the first submission; a different body with it is CONFLICT', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment());
        const input = { assignmentId: 'py_sum', language: 'python', code: 'print(3)', submitterId: 'ada', idempotencyKey: 'k1' } as const;
        const first = await store.submissions.create(input);
        const replay = await store.submissions.create(input);
        expect(replay.id).toBe(first.id);
        expect(replay.created).toBe(false);
        expect(await rejectionCode(store.submissions.create({ ...input, code: 'print(4)' }))).toBe('CONFLICT');
        const other = await store.submissions.create({ ...input, submitterId: 'bob' });
        expect(other.id).not.toBe(first.id);
        expect(await store.queue.depth()).toBe(2);
      });

      it('concurrent creates with one Idempotency-Key make exactly one submission', async () => {
        const { store } = await open();
        await store.assignments.upsert(sampleAssignment());
        const input = { assignmentId: 'py_sum', language: 'python', code: 'print(3)', submitterId: 'ada', idempotencyKey: 'race' } as const;
        const all = await Promise.all(Array.from({ length: 12 }, () => store.submissions.create(input)));
        expect(new Set(all.map((s) => s.id)).size).toBe(1);
        expect(all.filter((s) => s.created)).toHaveLength(1);
        expect(await store.queue.depth()).toBe(1);
      });

      it('list filters by submitter, assignment and status, newest first', async () => {
        const clock = fakeClock();
        const { store } = await open({ now: clock.now });
        await store.assignments.upsert(sampleAssignment());
        const ids: string[] = [];
        for (const submitterId of ['ada', 'bob', 'ada']) {
          clock.advance(10);
          ids.push((await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: 'x', submitterId })).id);
        }
        expect((await store.submissions.list({ submitterId: 'ada' })).map((s) => s.id)).toEqual([ids[2], ids[0]]);
        expect(await store.submissions.list({ assignmentId: 'other' })).toEqual([]);
        expect(await store.submissions.list({ status: 'pending', limit: 1 })).toHaveLength(1);
      });
    });

    describe('queue', () => {
      async function withSubmissions(count: number, extra: Partial<StoreOptions> = {}) {
        const clock = fakeClock();
        const opened = await open({ now: clock.now, ...extra });
        await opened.store.assignments.upsert(sampleAssignment());
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          clock.advance(1);
          ids.push((await opened.store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: `print(${i})` })).id);
        }
        return { ...opened, clock, ids };
      }

      it('claims the oldest pending submission with its recorded assignment version, then nothing', async () => {
        const { store, ids } = await withSubmissions(2);
        const lease = await store.queue.claim('w1', 1000);
        expect(lease).toMatchObject({ submissionId: ids[0], workerId: 'w1', attempt: 1, leaseMs: 1000 });
        expect(lease?.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(lease?.submission.status).toBe('running');
        expect(lease?.assignment.tests[1]?.visibility).toBe('hidden');
        expect((await store.queue.claim('w1', 1000))?.submissionId).toBe(ids[1]);
        expect(await store.queue.claim('w1', 1000)).toBeNull();
        expect(await store.queue.stats()).toEqual({ pending: 0, running: 2, done: 0, error: 0 });
      });

      it('grades against the version recorded at submission even after the assignment is edited', async () => {
        const { store } = await withSubmissions(1);
        const original = await store.assignments.get('py_sum');
        await store.assignments.upsert(sampleAssignment({ title: 'Edited later' }));
        const lease = await store.queue.claim('w1', 1000);
        expect(lease?.submission.assignmentVersion).toBe(original?.version);
        expect(lease?.assignment.title).toBe('Sum two numbers');
      });

      it('complete writes the result and status done exactly once; a second complete is CONFLICT', async () => {
        const { store, ids } = await withSubmissions(1);
        const lease = (await store.queue.claim('w1', 1000))!;
        await store.queue.complete(lease, gradeResultFor(lease));
        const submission = await store.submissions.get(ids[0]!);
        expect(submission?.status).toBe('done');
        expect(submission?.finishedAt).toBeInstanceOf(Date);
        const stored = await store.results.get(ids[0]!);
        expect(stored?.result).toEqual(gradeResultFor(lease));
        expect(stored?.feedback).toBeNull();
        expect(await rejectionCode(store.queue.complete(lease, gradeResultFor(lease, 0)))).toBe('CONFLICT');
        expect((await store.results.get(ids[0]!))?.result.score).toBe(2);
      });

      it('an expired lease is reclaimed by another worker; the old holder cannot complete, progress or fail', async () => {
        const { store, clock, ids } = await withSubmissions(1);
        const stale = (await store.queue.claim('w1', 1000))!;
        clock.advance(999);
        expect(await store.queue.claim('w2', 1000)).toBeNull();
        clock.advance(2);
        const fresh = (await store.queue.claim('w2', 1000))!;
        expect(fresh).toMatchObject({ submissionId: ids[0], attempt: 2, workerId: 'w2' });
        for (const attempt of [
          () => store.queue.complete(stale, gradeResultFor(stale, 0)),
          () => store.queue.progress(stale, testResult(0)),
          () => store.queue.fail(stale, 'boom', { retryable: true }),
          () => store.queue.heartbeat(stale),
        ]) {
          expect(await rejectionCode(attempt())).toBe('CONFLICT');
        }
        expect(await store.results.get(ids[0]!)).toBeUndefined();
        await store.queue.complete(fresh, gradeResultFor(fresh));
        expect((await store.results.get(ids[0]!))?.result.score).toBe(2);
      });

      it('an expired lease nobody reclaimed yet still cannot complete (CONFLICT names why)', async () => {
        const { store, clock } = await withSubmissions(1);
        const lease = (await store.queue.claim('w1', 1000))!;
        clock.advance(1001);
        const error = await store.queue.complete(lease, gradeResultFor(lease)).catch((e: unknown) => e);
        expect(isEdgeLabError(error, 'CONFLICT')).toBe(true);
        expect((error as Error).message).toMatch(/expired/);
        expect(await store.results.get(lease.submissionId)).toBeUndefined();
      });

      it('a forged token is CONFLICT', async () => {
        const { store } = await withSubmissions(1);
        const lease = (await store.queue.claim('w1', 1000))!;
        expect(await rejectionCode(store.queue.complete({ ...lease, token: 'x'.repeat(22) }, gradeResultFor(lease)))).toBe('CONFLICT');
      });

      it('heartbeat extends a lease so nobody else can claim it', async () => {
        const { store, clock } = await withSubmissions(1);
        const lease = (await store.queue.claim('w1', 1000))!;
        clock.advance(900);
        const extended = await store.queue.heartbeat(lease);
        expect(extended.expiresAt.getTime()).toBe(lease.expiresAt.getTime() + 900);
        clock.advance(900);
        expect(await store.queue.claim('w2', 1000)).toBeNull();
        await store.queue.complete(extended, gradeResultFor(extended));
      });

      it('progress is readable per test by anyone, for the current attempt only', async () => {
        const { store, clock, ids } = await withSubmissions(1);
        const first = (await store.queue.claim('w1', 1000))!;
        await store.queue.progress(first, testResult(0, 'wrong_answer'));
        expect(await store.submissions.getProgress(ids[0]!)).toEqual([testResult(0, 'wrong_answer')]);
        clock.advance(1001);
        const second = (await store.queue.claim('w2', 1000))!;
        expect(await store.submissions.getProgress(ids[0]!)).toEqual([]);
        await store.queue.progress(second, testResult(1));
        await store.queue.progress(second, testResult(0));
        expect((await store.submissions.getProgress(ids[0]!)).map((t) => t.index)).toEqual([0, 1]);
        await store.queue.complete(second, gradeResultFor(second));
        expect(await store.submissions.getProgress(ids[0]!)).toEqual([]);
        expect((await store.results.get(ids[0]!))?.result.tests).toHaveLength(2);
      });

      it('a retryable failure requeues until maxAttempts, then ends in error with the reason', async () => {
        const { store, ids } = await withSubmissions(1);
        for (const expected of [1, 2]) {
          const lease = (await store.queue.claim('w1', 1000))!;
          expect(await store.queue.fail(lease, `sandbox died ${expected}`, { retryable: true })).toEqual({ status: 'pending', attempts: expected });
          expect(await store.queue.depth()).toBe(1);
        }
        const last = (await store.queue.claim('w1', 1000))!;
        expect(last.attempt).toBe(3);
        expect(await store.queue.fail(last, 'sandbox died 3', { retryable: true })).toEqual({ status: 'error', attempts: 3 });
        const submission = await store.submissions.get(ids[0]!);
        expect(submission).toMatchObject({ status: 'error', attempts: 3 });
        expect(submission?.error).toContain('sandbox died 3');
        expect(await store.queue.claim('w1', 1000)).toBeNull();
      });

      it('a non-retryable failure ends in error at once', async () => {
        const { store, ids } = await withSubmissions(1, { maxAttempts: 5 });
        const lease = (await store.queue.claim('w1', 1000))!;
        expect(await store.queue.fail(lease, 'assignment cannot be graded', { retryable: false })).toEqual({ status: 'error', attempts: 1 });
        expect((await store.submissions.get(ids[0]!))?.error).toBe('assignment cannot be graded');
      });

      it('a submission whose last attempt expires after earlier failures keeps both reasons', async () => {
        const { store, clock, ids } = await withSubmissions(1, { maxAttempts: 2 });
        const first = (await store.queue.claim('w1', 1000))!;
        await store.queue.fail(first, 'sandbox died', { retryable: true });
        await store.queue.claim('w2', 1000);
        clock.advance(1001);
        expect(await store.queue.reclaimExpired()).toBe(1);
        const ended = await store.submissions.get(ids[0]!);
        expect(ended?.status).toBe('error');
        expect(ended?.error).toBe('the lease expired on the last of 2 attempts (the worker died or hung); earlier: sandbox died');
      });

      it('reclaimExpired returns expired leases to pending, and ends the ones out of attempts', async () => {
        const { store, clock, ids } = await withSubmissions(2, { maxAttempts: 1 });
        await store.queue.claim('w1', 1000);
        expect(await store.queue.reclaimExpired()).toBe(0);
        clock.advance(1001);
        expect(await store.queue.reclaimExpired()).toBe(1);
        expect((await store.submissions.get(ids[0]!))?.status).toBe('error');
        const { store: s2, clock: c2, ids: ids2 } = await withSubmissions(1);
        await s2.queue.claim('w1', 1000);
        c2.advance(1001);
        expect(await s2.queue.reclaimExpired()).toBe(1);
        expect(await s2.submissions.get(ids2[0]!)).toMatchObject({ status: 'pending', attempts: 1 });
        expect((await s2.queue.claim('w2', 1000))?.attempt).toBe(2);
      });

      it('a lease that expires on the last attempt ends in error on the next claim, never loops forever', async () => {
        const { store, clock, ids } = await withSubmissions(1, { maxAttempts: 2 });
        await store.queue.claim('w1', 1000);
        clock.advance(1001);
        expect((await store.queue.claim('w2', 1000))?.attempt).toBe(2);
        clock.advance(1001);
        expect(await store.queue.claim('w3', 1000)).toBeNull();
        const ended = await store.submissions.get(ids[0]!);
        expect(ended?.status).toBe('error');
        expect(ended?.error).toMatch(/lease expired on the last of 2 attempts/);
      });

      it('rejects a bad workerId or lease length', async () => {
        const { store } = await withSubmissions(0);
        expect(await rejectionCode(store.queue.claim('', 1000))).toBe('BAD_REQUEST');
        expect(await rejectionCode(store.queue.claim('w', 0))).toBe('BAD_REQUEST');
      });
    });

    describe('results', () => {
      it('feedback is added after the result, never before', async () => {
        const clock = fakeClock();
        const { store } = await open({ now: clock.now });
        await store.assignments.upsert(sampleAssignment());
        const { id } = await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: 'x' });
        const feedback = { source: 'rules', text: 'Check the second test.' } as const;
        expect(await rejectionCode(store.results.setFeedback(id, feedback))).toBe('SUBMISSION_NOT_FOUND');
        const lease = (await store.queue.claim('w1', 1000))!;
        await store.queue.complete(lease, gradeResultFor(lease, 1));
        clock.advance(5000);
        await store.results.setFeedback(id, feedback);
        const stored = await store.results.get(id);
        expect(stored?.feedback).toEqual(feedback);
        expect(stored?.result.feedback).toEqual(feedback);
        expect(stored?.feedbackAt?.getTime()).toBe(clock.now());
        expect(stored?.result.score).toBe(1);
      });

      it('a corrupt JSON column is STORE_CORRUPT naming the column and the submission', async () => {
        const { store, options } = await open();
        await store.assignments.upsert(sampleAssignment());
        const { id } = await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: 'x' });
        const lease = (await store.queue.claim('w1', 60_000))!;
        await store.queue.complete(lease, gradeResultFor(lease));
        await factory.query(options, `update results set tests_json = '[{"index": 0,' where submission_id = '${id}'`);
        const error = await store.results.get(id).catch((e: unknown) => e);
        expect(isEdgeLabError(error, 'STORE_CORRUPT')).toBe(true);
        expect((error as Error).message).toContain('results.tests_json');
        expect((error as Error).message).toContain(id);
      });

      it('a corrupt submission row is STORE_CORRUPT too', async () => {
        const { store, options } = await open();
        await store.assignments.upsert(sampleAssignment());
        const { id } = await store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: 'x' });
        await factory.query(options, `update submissions set code_json = 'not json' where id = '${id}'`);
        const error = await store.submissions.get(id).catch((e: unknown) => e);
        expect(isEdgeLabError(error, 'STORE_CORRUPT')).toBe(true);
        expect((error as Error).message).toContain('submissions.code_json');
      });
    });

    describe('migrations', () => {
      it('upgrades a database at every earlier migration, keeping its rows', async () => {
        const names = Object.keys((await import('../src/migrations.js')).migrations);
        for (const earlier of names.slice(0, -1)) {
          const options = await factory.fresh();
          const database = await openDatabase(parseStoreUrl(options.url), { connectTimeoutMs: 5000, busyTimeoutMs: 5000, poolSize: 2, schema: options.schema });
          try {
            const migrated = await createMigrator(database.db, database.schema).migrateTo(earlier);
            expect(migrated.error).toBeUndefined();
            const db = database.db;
            await sql`insert into assignments (id, current_version, created_at, updated_at) values ('old', 'v1', 1, 1)`.execute(db);
            await sql`insert into assignment_versions (assignment_id, version, definition_json, created_at, activated_at)
                      values ('old', 'v1', ${JSON.stringify(sampleAssignment({ id: 'old' }))}, 1, 1)`.execute(db);
            await sql`insert into submissions (id, assignment_id, assignment_version, language, code_json, submitter_id, status, attempts, created_at, finished_at)
                      values ('s1', 'old', 'v1', 'python', '"print(1)"', 'ada', 'done', 1, 1, 2)`.execute(db);
            await sql`insert into results (submission_id, verdict, score, max_score, duration_ms, result_json, tests_json, created_at)
                      values ('s1', 'accepted', 2, 2, 5, ${JSON.stringify({ assignmentId: 'old', language: 'python', verdict: 'accepted', score: 2, maxScore: 2, percent: 100, durationMs: 5 })}, '[]', 2)`.execute(db);
          } finally {
            await database.close();
          }
          const store = await createStore(options);
          opened.push(store);
          expect((await store.assignments.get('old'))?.version).toBe('v1');
          expect((await store.submissions.get('s1'))?.status).toBe('done');
          const result = await store.results.get('s1');
          expect(result?.result.score).toBe(2);
          expect(result?.feedback).toBeNull();
          await store.results.setFeedback('s1', { source: 'rules', text: 'ok' });
          expect(await store.submissions.getProgress('s1')).toEqual([]);
        }
      });
    });
  });
}
