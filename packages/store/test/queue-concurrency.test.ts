import { afterAll, describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStore } from '../src/index.js';
import { postgresAvailable, postgresFactory, sampleAssignment, sqliteFactory } from './support.js';
import type { DatabaseFactory } from './support.js';

const CLAIMER = fileURLToPath(new URL('./fixtures/claimer.ts', import.meta.url));
const OPENER = fileURLToPath(new URL('./fixtures/opener.ts', import.meta.url));
const ROOT_TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const JOBS = 1000;
// Generous per-test timeouts: these fork real processes and CI runs every package's tests at once on 2 cores.
const LEASE_MS = 2000;

interface Claimer {
  child: ChildProcess;
  claimed: string[];
  completed: string[];
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterAll(() => {
  // A failed assertion must not leave worker processes behind.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startClaimer(options: { url: string; schema?: string }, workerId: string, delayMs: number): Claimer {
  const child = fork(CLAIMER, [JSON.stringify({ ...options, workerId, leaseMs: LEASE_MS, delayMs })], {
    execArgv: ['--import', 'tsx'],
    // tsx reads the workspace paths from the root tsconfig, so the child runs the store from source like vitest does.
    env: { ...process.env, TSX_TSCONFIG_PATH: ROOT_TSCONFIG },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  started.push(child);
  const claimer: Claimer = {
    child,
    claimed: [],
    completed: [],
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.on('message', (message: { type: string; id?: string }) => {
    if (message.type === 'claimed' && message.id) claimer.claimed.push(message.id);
    if (message.type === 'completed' && message.id) claimer.completed.push(message.id);
  });
  return claimer;
}

function describeConcurrency(factory: DatabaseFactory, skip = false): void {
  describe.skipIf(skip)(`queue under concurrent worker processes: ${factory.dialect}`, () => {
    afterAll(() => factory.cleanup());

    it('several processes opening one new database at once all migrate it, and it is migrated once', async () => {
      const options = await factory.fresh();
      const children = Array.from({ length: 4 }, () =>
        fork(OPENER, [JSON.stringify(options)], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, TSX_TSCONFIG_PATH: ROOT_TSCONFIG },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      started.push(...children);
      const codes = await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', (code) => resolve(code)))));
      expect(codes).toEqual([0, 0, 0, 0]);
      const migrations = await factory.query<{ name: string }>(options, 'select name from kysely_migration order by name');
      expect(migrations.map((m) => m.name)).toEqual(['001_initial', '002_feedback_and_progress']);
      const versions = await factory.query<{ n: number | string }>(options, "select count(*) as n from assignment_versions where assignment_id = 'raced'");
      expect(Number(versions[0]?.n)).toBe(1);
    }, 180_000);

    it(`${JOBS} jobs graded exactly once by 4 processes, one of them killed with SIGKILL while holding a lease`, async () => {
      const options = await factory.fresh();
      const store = await createStore(options);
      const codes = new Map<string, number>();
      try {
        await store.assignments.upsert(sampleAssignment());
        for (let start = 0; start < JOBS; start += 50) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(50, JOBS - start) }, (_, k) =>
              store.submissions.create({ assignmentId: 'py_sum', language: 'python', code: `print(${start + k})`, submitterId: `s${(start + k) % 7}` }),
            ),
          );
          batch.forEach((s, k) => codes.set(s.id, start + k));
        }
        expect(await store.queue.depth()).toBe(JOBS);
      } finally {
        await store.close();
      }

      // The victim starts first and holds each lease 1 s before completing; it is killed right after reporting
      // its third claim, so it dies holding that lease while the survivors are working.
      const victim = startClaimer(options, 'victim', 1000);
      const victimClaims = (count: number) =>
        new Promise<string | undefined>((resolve) => {
          const onMessage = () => {
            if (victim.claimed.length >= count) resolve(victim.claimed[count - 1]);
          };
          victim.child.on('message', onMessage);
          victim.child.on('exit', () => resolve(undefined));
          onMessage();
        });
      await victimClaims(1);
      const survivors = ['w1', 'w2', 'w3'].map((id) => startClaimer(options, id, 0));
      const killedHolding = await victimClaims(3);
      victim.child.kill('SIGKILL');
      expect(killedHolding).toBeDefined();
      expect(await victim.exited).toBeNull();
      const codesOut = await Promise.all(survivors.map((s) => s.exited));
      expect(codesOut).toEqual([0, 0, 0]);

      const rows = await factory.query<{ id: string; status: string; attempts: number | string; score: number | null; code_json: string }>(
        options,
        `select s.id, s.status, s.attempts, s.code_json, r.score from submissions s left join results r on r.submission_id = s.id`,
      );
      expect(rows).toHaveLength(JOBS);
      const notDone = rows.filter((r) => r.status !== 'done' || r.score === null);
      expect(notDone).toEqual([]);
      for (const row of rows) {
        const n = codes.get(row.id);
        expect(row.code_json).toBe(JSON.stringify(`print(${n})`));
        expect(Number(row.score)).toBe((n ?? -1) % 3);
      }
      const [{ results, distinct }] = (await factory.query<{ results: number | string; distinct: number | string }>(
        options,
        'select count(*) as results, count(distinct submission_id) as "distinct" from results',
      )) as [{ results: number | string; distinct: number | string }];
      expect(Number(results)).toBe(JOBS);
      expect(Number(distinct)).toBe(JOBS);

      // Every job was completed by exactly one successful complete() call across all processes.
      const completions = [...victim.completed, ...survivors.flatMap((s) => s.completed)];
      expect(completions).toHaveLength(JOBS);
      expect(new Set(completions).size).toBe(JOBS);
      // The lease the victim died holding expired and another worker re-graded it on a second attempt.
      expect(victim.completed).not.toContain(killedHolding!);
      const reclaimed = rows.find((r) => r.id === killedHolding);
      expect(Number(reclaimed?.attempts)).toBe(2);
      expect(survivors.every((s) => s.completed.length > 0)).toBe(true);
    }, 300_000);
  });
}

describeConcurrency(sqliteFactory());
const postgres = await postgresAvailable();
describeConcurrency(postgresFactory(), !postgres);
