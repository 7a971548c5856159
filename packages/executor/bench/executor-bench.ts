/**
 * Executor benchmark (issue #3): per-test cost of grading a 20-test Python and a 20-test Java submission with
 *   (a) the original design: one `docker run --rm --network none -m ...` per test (Java: one to compile, then
 *       one per test);
 *   (b) EdgeLab's Docker backend: one container per submission, the runner starting each test inside it (Java: in
 *       a warm JVM worker, which also compiles; 10 public then 10 hidden tests, as the judge runs an assignment whose
 *       second half is hidden);
 *   (c) EdgeLab's bubblewrap backend, same runner;
 *   (d) the bare floor: the same interpreter/JVM from the same root file system, chrooted, one process per test
 *       (the language's reference command: `java Main` for Java), spawned from Node, no sandbox.
 * All four in one run, so the ratios compare like with like on this machine at this moment.
 *
 * Run: `pnpm --filter @edgelab/executor bench` (root: `pnpm bench`). Needs root (chroot), Docker with the EdgeLab
 * images and the root file systems (`pnpm edgelab images build --offline`). `EDGELAB_BENCH_REPS` overrides the
 * repetitions (default 5); `EDGELAB_BENCH_SETTLE_MS` the pause between variants (default 1000).
 * `--json` prints the results as JSON too.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageId, Limits } from '@edgelab/core';
import { createDockerSandbox } from '../src/docker/docker-sandbox.js';
import { defaultRootfsDir, runtimeImageName } from '../src/images/runtime-images.js';
import { java } from '../src/languages/java.js';
import type { LanguageDefinition } from '../src/languages/language-definition.js';
import { python } from '../src/languages/python.js';
import type { RunRequest, Sandbox } from '../src/sandbox.js';

const TESTS = 20;
/** Repetitions per language (Python runs are cheap, so more of them); `EDGELAB_BENCH_REPS` overrides both. */
const REPS_OVERRIDE = process.env.EDGELAB_BENCH_REPS ? Number(process.env.EDGELAB_BENCH_REPS) : undefined;
const LIMITS: Limits = { timeMs: 2000, memoryMb: 256, outputKb: 64 };

// ---- the submission: two sum, 20 io tests ------------------------------------------------------------------

const PYTHON_SOLUTION = `import sys
data = sys.stdin.read().split()
n, target = int(data[0]), int(data[1])
seen = {}
for i, x in enumerate(map(int, data[2:2 + n])):
    if target - x in seen:
        print(seen[target - x], i)
        break
    seen[x] = i
`;

const JAVA_SOLUTION = `import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        StreamTokenizer in = new StreamTokenizer(new BufferedReader(new InputStreamReader(System.in)));
        in.nextToken(); int n = (int) in.nval;
        in.nextToken(); long target = (long) in.nval;
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            in.nextToken(); long x = (long) in.nval;
            Integer j = seen.get(target - x);
            if (j != null) { System.out.println(j + " " + i); return; }
            seen.put(x, i);
        }
    }
}
`;

interface IoTest {
  input: string;
  expected: string;
}

function makeTests(): IoTest[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: TESTS }, (_, t) => {
    const n = 10 + t * 50;
    const nums = Array.from({ length: n }, () => Math.floor(rand() * 1e6) * 2 + 1); // odd: no pair sums to even target by accident
    const [i, j] = [Math.floor(n / 3), n - 1 - (t % 3)];
    nums[i] = 2 * (t + 1);
    nums[j] = 4 * (t + 1);
    return { input: `${n} ${6 * (t + 1)}\n${nums.join(' ')}\n`, expected: `${i} ${j}\n` };
  });
}

// ---- helpers -------------------------------------------------------------------------------------------------

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: readonly string[], stdin = ''): Promise<Spawned> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
    child.stdin.on('error', () => {}); // a program that exits without reading its stdin is fine
    child.stdin.end(stdin);
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function check(what: string, actual: string, expected: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

interface Case {
  language: LanguageId;
  reps: number;
  definition: LanguageDefinition;
  files: Record<string, string>;
  tests: IoTest[];
}

/** Per-test ms of each variant, by language. */
type Results = Record<string, Record<string, number | null>>;

/**
 * Pause after every variant, so work a backend defers past its grade (the warm pool's refill, Docker's container
 * removal: up to a few hundred ms of CPU) finishes between submissions, as on a grading server, instead of being
 * charged to whichever variant runs next. Applied after every variant alike; `EDGELAB_BENCH_SETTLE_MS` overrides.
 */
const SETTLE_MS = process.env.EDGELAB_BENCH_SETTLE_MS ? Number(process.env.EDGELAB_BENCH_SETTLE_MS) : 1000;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

// ---- (a) the original design ---------------------------------------------------------------------------------

/** The original design's per-test `docker run`s, over a directory mounted into every container. */
class OriginalDesign {
  readonly dir = mkdtempSync(join(tmpdir(), 'edgelab-bench-orig-'));
  readonly times: number[] = [];
  compileMs = 0;

  constructor(private readonly c: Case) {
    chmodSync(this.dir, 0o777); // the image runs as a non-root user: it must read (and for javac write) the mount
    for (const [name, content] of Object.entries(c.files)) writeFileSync(join(this.dir, name), content, { mode: 0o644 });
  }

  private docker(write: boolean, argv: string[]): string[] {
    return [
      'run', '--rm', '-i', '--network', 'none', '-m', '256m', '--memory-swap', '256m', '--cpus', '1', '--pids-limit', '64',
      '-v', `${this.dir}:/code:${write ? 'rw' : 'ro'}`, '-w', '/code', runtimeImageName(this.c.language), ...argv,
    ];
  }

  /** Java: one `docker run` to compile, paid once per submission. */
  async compile(): Promise<void> {
    if (this.c.language !== 'java') return;
    const compiled = await run('docker', this.docker(true, ['javac', 'Main.java']));
    if (compiled.code !== 0) throw new Error(`original javac failed: ${compiled.stderr}`);
    this.compileMs = compiled.ms;
  }

  /** Runs tests `from` to `to` (exclusive), one `docker run` each. */
  async runTests(from: number, to: number): Promise<void> {
    const argv = this.c.language === 'java' ? ['java', '-cp', '/code', 'Main'] : ['python3', 'solution.py'];
    for (let k = from; k < to; k++) {
      const test = this.c.tests[k]!;
      const r = await run('docker', this.docker(false, argv), test.input);
      check(`original ${this.c.language} test ${k}`, r.stdout, test.expected);
      this.times.push(r.ms);
    }
  }

  /** Per-test ms: the median `docker run` plus the compile spread over the tests like every other variant. */
  perTestMs(): number {
    return median(this.times) + this.compileMs / this.c.tests.length;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- (b), (c) EdgeLab backends -------------------------------------------------------------------------------

async function gradeWith(sandbox: Sandbox, c: Case): Promise<number> {
  const started = performance.now();
  const session = await sandbox.openSession({
    language: c.language,
    files: c.files,
    maxMemoryMb: LIMITS.memoryMb + c.definition.sessionOverheadMb,
  });
  try {
    const names = Object.keys(c.files);
    if (c.definition.compile) {
      const compileWorker = c.definition.compile.worker?.(LIMITS, names);
      const compiled = await session.run({
        command: c.definition.compile.command(LIMITS, names),
        limits: c.definition.compile.limits(LIMITS),
        keepOutputs: true,
        ...(compileWorker ? { worker: compileWorker } : {}),
      });
      if (compiled.exitCode !== 0) throw new Error(`compile failed: ${compiled.stderr}`);
      if (compileWorker && !compiled.worker?.warm) throw new Error(`${sandbox.backend} ${c.language} compile did not run warm: ${compiled.worker?.note}`);
    }
    const worker = c.definition.run.worker?.(LIMITS, names);
    for (const [k, test] of c.tests.entries()) {
      const request: RunRequest = {
        command: c.definition.run.command(LIMITS, names),
        limits: c.definition.run.limits(LIMITS),
        stdin: test.input,
        // As the judge does for an assignment whose second half is hidden (public tests first).
        ...(worker ? { worker: { ...worker, confidential: k >= c.tests.length / 2 } } : {}),
      };
      const outcome = await session.run(request);
      check(`${sandbox.backend} ${c.language} test ${k}`, outcome.stdout, test.expected);
      // The figure is the warm worker's: a test that went cold would make it a mix of both.
      if (worker && !outcome.worker?.warm) throw new Error(`${sandbox.backend} ${c.language} test ${k} did not run warm: ${outcome.worker?.note}`);
    }
  } finally {
    await session.dispose();
  }
  return (performance.now() - started) / c.tests.length;
}

// ---- (d) the bare floor --------------------------------------------------------------------------------------

/**
 * A private hard-linked copy of the language's root file system (no extra space, the real one untouched) with
 * /proc and /dev mounted, so the same binaries run chrooted without any sandbox.
 */
async function withBareRoot<T>(language: LanguageId, fn: (root: string) => Promise<T>): Promise<T> {
  const source = join(defaultRootfsDir(), language);
  const root = mkdtempSync(join('/var/tmp', `edgelab-bench-bare-${language}-`));
  const mounted: string[] = [];
  try {
    const copy = await run('cp', ['-al', `${source}/.`, root]);
    if (copy.code !== 0) throw new Error(`cp -al ${source} failed: ${copy.stderr}`);
    for (const [args, target] of [
      [['-t', 'proc', 'proc', join(root, 'proc')], join(root, 'proc')],
      [['--bind', '/dev', join(root, 'dev')], join(root, 'dev')],
    ] as const) {
      const r = await run('mount', args);
      if (r.code !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
      mounted.push(target);
    }
    return await fn(root);
  } finally {
    for (const target of mounted.reverse()) await run('umount', ['-l', target]);
    rmSync(root, { recursive: true, force: true });
  }
}

async function bareOnce(root: string, c: Case): Promise<number> {
  const work = join(root, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  for (const [name, content] of Object.entries(c.files)) writeFileSync(join(work, name), content);
  const inWork = (argv: string[]) => ['chroot', [root, '/bin/sh', '-c', 'cd /work && exec "$@"', 'sh', ...argv]] as const;
  const names = Object.keys(c.files);
  const started = performance.now();
  if (c.definition.compile) {
    const [cmd, args] = inWork(c.definition.compile.command(LIMITS, names));
    const compiled = await run(cmd, args);
    if (compiled.code !== 0) throw new Error(`bare compile failed: ${compiled.stderr}`);
  }
  for (const [k, test] of c.tests.entries()) {
    const [cmd, args] = inWork(c.definition.run.command(LIMITS, names));
    const r = await run(cmd, args, test.input);
    check(`bare ${c.language} test ${k}`, r.stdout, test.expected);
  }
  return (performance.now() - started) / c.tests.length;
}

// ---- main ----------------------------------------------------------------------------------------------------

async function sessionOpenTimes(): Promise<{ coldMs: number; warmMs: number }> {
  const spec = { language: 'python' as const, files: { 'solution.py': 'pass' }, maxMemoryMb: 256 };
  const cold = await createDockerSandbox({ poolSize: 0, reapOnStart: false });
  const warm = await createDockerSandbox({ poolSize: 1, reapOnStart: false });
  const coldTimes: number[] = [];
  const warmTimes: number[] = [];
  try {
    await (await warm.openSession(spec)).dispose(); // fills the pool
    for (let rep = 0; rep < 3; rep++) {
      let t = performance.now();
      const a = await cold.openSession(spec);
      coldTimes.push(performance.now() - t);
      await a.dispose();
      await new Promise((resolve) => setTimeout(resolve, 1500)); // let the pool refill, as between submissions
      t = performance.now();
      const b = await warm.openSession(spec);
      warmTimes.push(performance.now() - t);
      await b.dispose();
    }
  } finally {
    await cold.close();
    await warm.close();
  }
  return { coldMs: median(coldTimes), warmMs: median(warmTimes) };
}

const fmt = (ms: number | null | undefined) => (ms == null ? 'n/a' : ms.toFixed(1));
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null ? 'n/a' : `${(a / b).toFixed(2)}x`);

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the bench needs root (chroot for the bare floor, Docker)');
  for (const language of ['python', 'java'] as const) {
    if (!existsSync(join(defaultRootfsDir(), language, 'usr'))) {
      throw new Error(`no ${language} root file system in ${defaultRootfsDir()}: run pnpm edgelab images build --offline`);
    }
  }
  const tests = makeTests();
  const cases: Case[] = [
    { language: 'python', reps: REPS_OVERRIDE ?? 5, definition: python, files: { 'solution.py': PYTHON_SOLUTION }, tests },
    { language: 'java', reps: REPS_OVERRIDE ?? 5, definition: java, files: { 'Main.java': JAVA_SOLUTION }, tests },
  ];
  const started = performance.now();
  const results: Results = {};
  const docker = await createDockerSandbox({ poolSize: 1 });
  let bwrap: Sandbox | undefined;
  try {
    const { createBwrapSandbox, probeBwrap } = await import('../src/bwrap/bwrap-sandbox.js');
    const probe = probeBwrap();
    if (probe.ok) bwrap = createBwrapSandbox();
    else progress(`bwrap unavailable: ${probe.reason}`);
  } catch (error) {
    progress(`bwrap backend not loadable: ${(error as Error).message}`);
  }
  try {
    for (const c of cases) {
      // The machine is shared: the variants take turns within every repetition, so load swings hit all of them.
      const perTest: Record<'bare' | 'docker' | 'bwrap', number[]> = { bare: [], docker: [], bwrap: [] };
      const orig = new OriginalDesign(c);
      try {
        await withBareRoot(c.language, async (root) => {
          progress(`${c.language}: warm-up`);
          await bareOnce(root, c);
          await gradeWith(docker, c);
          if (bwrap) await gradeWith(bwrap, c);
          await settle();
          await orig.compile();
          const reps = c.reps;
          for (let rep = 0; rep < reps; rep++) {
            progress(`${c.language}: repetition ${rep + 1}/${reps}`);
            perTest.bare.push(await bareOnce(root, c));
            await settle();
            perTest.docker.push(await gradeWith(docker, c));
            await settle();
            if (bwrap) perTest.bwrap.push(await gradeWith(bwrap, c));
            await settle();
            await orig.runTests(Math.floor((rep * TESTS) / reps), Math.floor(((rep + 1) * TESTS) / reps));
          }
        });
        results[c.language] = {
          original: orig.perTestMs(),
          docker: median(perTest.docker),
          bwrap: bwrap ? median(perTest.bwrap) : null,
          bare: median(perTest.bare),
        };
      } finally {
        orig.dispose();
      }
    }
  } finally {
    await docker.close();
    await bwrap?.close();
  }
  progress('docker session open, cold vs warm pool');
  const open = await sessionOpenTimes();

  const lines = [
    `EdgeLab executor bench: ${TESTS} io tests per submission, per-test ms (whole submission incl. session and compile / ${TESTS}), median of interleaved reps (python ${cases[0]!.reps}, java ${cases[1]!.reps}) (original: median of its ${TESTS} docker runs + compile/${TESTS})`,
    '',
    '| language | original docker run | EdgeLab docker | EdgeLab bwrap | bare | original/docker | docker/bare | bwrap/bare |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(results).map(
      ([language, r]) =>
        `| ${language} | ${fmt(r.original)} | ${fmt(r.docker)} | ${fmt(r.bwrap)} | ${fmt(r.bare)} | ${ratio(r.original, r.docker)} | ${ratio(r.docker, r.bare)} | ${ratio(r.bwrap, r.bare)} |`,
    ),
    '',
    `Docker session open (python): cold ${fmt(open.coldMs)} ms, from the warm pool ${fmt(open.warmMs)} ms`,
    `Each variant starts ${SETTLE_MS} ms after the previous one (background pool refills settle, as between submissions).`,
    `Targets: original/docker >= 10x; docker/bare <= 1.5x (python); bwrap/bare <= 1.15x (python). Total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--json')) console.log(JSON.stringify({ tests: TESTS, reps: Object.fromEntries(cases.map((c) => [c.language, c.reps])), perTestMs: results, sessionOpen: open }, null, 2));
}

await main();
