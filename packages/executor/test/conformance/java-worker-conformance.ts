/**
 * The warm Java worker on a real backend (issue #3: Java tests without a JVM start each): every program must behave
 * exactly as under `java Main` (the language's reference command), hostile programs must get the same verdicts, and
 * nothing a test does may reach the next one. Run by `test/bwrap-sandbox.test.ts` and `test/docker-sandbox.test.ts`:
 *
 * ```ts
 * describeJavaWorkerConformance('bwrap', () => createBwrapSandbox(), available);
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Limits } from '@edgelab/core';
import { java } from '../../src/languages/java.js';
import type { RunOutcome, Sandbox, SandboxSession } from '../../src/sandbox.js';

const LIMITS: Limits = { timeMs: 2000, memoryMb: 128, outputKb: 64 };

/** A session with one compiled Java program, running tests warm (the worker) or cold (`java Main`). */
interface JavaProgram {
  warm(stdin?: string, limits?: Partial<Limits>): Promise<RunOutcome>;
  cold(stdin?: string, limits?: Partial<Limits>): Promise<RunOutcome>;
  dispose(): Promise<void>;
}

/** The compile as the judge runs it: in the tests' warm worker (`warm`, the default) or as the `javac` command. */
async function javac(session: SandboxSession, names: string[], warm: boolean, limits: Limits = LIMITS): Promise<RunOutcome> {
  return session.run({
    command: java.compile!.command(limits, names),
    limits: java.compile!.limits(limits),
    keepOutputs: true,
    ...(warm ? { worker: java.compile!.worker!(limits, names) } : {}),
  });
}

async function openJava(sandbox: Sandbox, files: Record<string, string>): Promise<SandboxSession> {
  return sandbox.openSession({ language: 'java', files, maxMemoryMb: java.compile!.limits(LIMITS).memoryMb + java.sessionOverheadMb });
}

async function compile(sandbox: Sandbox, source: string, files: Record<string, string> = {}): Promise<JavaProgram> {
  const session = await openJava(sandbox, { 'Main.java': source, ...files });
  const names = ['Main.java', ...Object.keys(files)];
  const compiled = await javac(session, names, true);
  if (compiled.exitCode !== 0) throw new Error(`javac failed: ${compiled.stderr}`);
  if (!compiled.worker?.warm) throw new Error(`javac did not run in the worker: ${compiled.worker?.note}`);
  const request = (stdin: string, extra: Partial<Limits>) => {
    const limits = { ...LIMITS, ...extra };
    return { command: java.run.command(limits, names), limits: java.run.limits(limits), stdin };
  };
  return {
    warm: (stdin = '', extra = {}) => session.run({ ...request(stdin, extra), worker: java.run.worker!({ ...LIMITS, ...extra }, names) }),
    cold: (stdin = '', extra = {}) => session.run(request(stdin, extra)),
    dispose: () => session.dispose(),
  };
}

/** Compiles `source` in a session of its own, hands the program to `use`, and always disposes of the session. */
async function withProgram(sandbox: Sandbox, source: string, use: (program: JavaProgram) => Promise<void>): Promise<void> {
  const program = await compile(sandbox, source);
  try {
    await use(program);
  } finally {
    await program.dispose();
  }
}

/** What a program's grade depends on. Working directories are named per run (`run-<n>`, `work`), cold or warm. */
const observable = (r: RunOutcome) => {
  const dirs = (text: string) => text.replace(/\/(run-\d+|work)\//g, '/<run>/');
  return { stdout: dirs(r.stdout), stderr: dirs(r.stderr), exitCode: r.exitCode, signal: r.signal, limitHit: r.limitHit };
};

/** Programs that must print, fail and exit exactly as under `java Main`, run twice warm (statics start fresh). */
const SAME_AS_JAVA_MAIN: Record<string, { source: string; stdin?: string }> = {
  'fresh statics and Scanner on stdin': {
    source: 'import java.util.*; public class Main { static int runs; public static void main(String[] a) { runs++; Scanner s = new Scanner(System.in); long t = 0; while (s.hasNextLong()) t += s.nextLong(); System.out.println(t + " runs=" + runs); } }',
    stdin: '1 2 3\n4\n',
  },
  'reads fd 0 directly (FileDescriptor.in), then closes its streams': {
    source: 'import java.io.*; public class Main { public static void main(String[] a) throws IOException { DataInputStream in = new DataInputStream(new FileInputStream(FileDescriptor.in)); byte[] b = in.readAllBytes(); PrintWriter out = new PrintWriter(System.out); out.println(b.length + ":" + new String(b).trim()); out.close(); System.in.close(); System.out.println("after close"); } }',
    stdin: 'forty two\n',
  },
  'System.exit(3) after output without a newline, later output dropped': {
    source: 'public class Main { public static void main(String[] a) { System.out.print("partial"); System.err.print("e"); try { System.exit(3); } catch (SecurityException e) { System.out.println("caught"); } System.out.println("after"); } }',
  },
  'System.exit from another thread while main waits': {
    source: 'public class Main { public static void main(String[] a) throws Exception { Thread t = new Thread(() -> { System.out.println("worker"); System.exit(4); }); t.start(); t.join(); Thread.sleep(5000); System.out.println("never"); } }',
  },
  'an uncaught exception: the launcher\'s stack trace and exit 1': {
    source: 'public class Main {\n  static int depth(int n) { if (n == 0) throw new IllegalStateException("deep"); return depth(n - 1); }\n  public static void main(String[] a) { System.out.println("before"); depth(3); }\n}',
  },
  'an exception in another thread does not change the exit code': {
    source: 'public class Main { public static void main(String[] a) throws Exception { Thread t = new Thread(() -> { throw new RuntimeException("in thread"); }, "helper"); t.start(); t.join(); System.out.println("main done"); } }',
  },
  'a non-public Main with helper classes': {
    source: 'import java.util.*; class Helper { static String twice(String s) { return s + s; } } class Main { public static void main(String[] a) { System.out.println(Helper.twice(new Scanner(System.in).next())); } }',
    stdin: 'ab',
  },
  'no main method': { source: 'public class Main { public static void mian(String[] a) {} }' },
  'deep recursion on the 64 MB stack': {
    source: 'public class Main { static int f(int n) { return n == 0 ? 0 : 1 + f(n - 1); } public static void main(String[] a) { System.out.println(f(200_000)); } }',
  },
  'properties, locale and time zone changed: seen by this test only': {
    source: 'import java.util.*; public class Main { public static void main(String[] a) { System.out.println(System.getProperty("edgelab.seen") + " " + Locale.getDefault() + " " + TimeZone.getDefault().getID() + " " + String.format("%.1f", 1.5)); System.setProperty("edgelab.seen", "yes"); Locale.setDefault(Locale.GERMANY); TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo")); } }',
  },
  'a stack overflow': { source: 'public class Main { static int f(int n) { return f(n + 1) + 1; } public static void main(String[] a) { f(0); } }' },
  'a static initializer that throws (ExceptionInInitializerError, exit 1)': {
    source: 'import java.util.*; public class Main { static Scanner in = new Scanner(System.in); static int n = in.nextInt(); static { System.out.println(n * 2); } static int m = in.nextInt(); public static void main(String[] a) { System.out.println(m); } }',
    stdin: '21',
  },
  'a static initializer out of memory': { source: 'public class Main { static long[] big = new long[Integer.MAX_VALUE - 16]; public static void main(String[] a) { System.out.println(big.length); } }' },
  'System.exit in a static initializer': { source: 'public class Main { static { System.out.print("init "); System.exit(6); } public static void main(String[] a) { System.out.println("main"); } }' },
  'bytes left in System.out\'s buffer at the end are lost, as under java Main': {
    source: 'public class Main { public static void main(String[] a) { System.out.println("line"); System.out.write(\'A\'); } }',
  },
  'a non-daemon thread in another thread group is waited for': {
    source: 'public class Main { public static void main(String[] a) { new Thread(Thread.currentThread().getThreadGroup().getParent(), () -> { try { Thread.sleep(200); } catch (InterruptedException e) { } System.out.println("late"); }).start(); System.out.println("main done"); } }',
  },
  'its own security manager (the test runs in a JVM of its own)': {
    source: 'public class Main { public static void main(String[] a) { System.setSecurityManager(new SecurityManager()); System.out.println("set"); } }',
  },
};

/** Programs whose result comes from a JVM of their own (the worker asks for it): the same as java Main, by construction. */
const COLD_BY_DESIGN = new Set(['its own security manager (the test runs in a JVM of its own)']);

/** Declares the warm-worker suite for one backend. */
export function describeJavaWorkerConformance(name: string, makeSandbox: () => Promise<Sandbox> | Sandbox, available: boolean): void {
  describe.skipIf(!available)(`warm Java worker: ${name}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await makeSandbox();
    });
    afterAll(async () => {
      await sandbox?.close();
    });

    it('maps the class-data-sharing archives of javac and of the worker (built by images/java/post-install.sh)', async () => {
      const session = await sandbox.openSession({ language: 'java', files: {}, maxMemoryMb: 512 });
      try {
        for (const [archive, classPath] of [['javac', []], ['worker', ['-cp', '/usr/lib/edgelab/java/edgelab-worker.jar']]] as const) {
          // -Xshare:on fails when the archive cannot be mapped; the runtime's -Xshare:auto would only start slower.
          const out = await session.run({
            command: ['java', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-XX:ActiveProcessorCount=1', `-XX:SharedArchiveFile=/usr/lib/edgelab/java/${archive}.jsa`, '-Xshare:on', ...classPath, '-version'],
            limits: { timeMs: 5000, memoryMb: 256, outputKb: 64, pids: 128 },
          });
          expect(out.exitCode, `${archive}: ${out.stderr}`).toBe(0);
        }
      } finally {
        await session.dispose();
      }
    });

    describe('behaves exactly as java Main', () => {
      for (const [what, program] of Object.entries(SAME_AS_JAVA_MAIN)) {
        it(what, async () => {
          await withProgram(sandbox, program.source, async (p) => {
            const cold = await p.cold(program.stdin);
            const first = await p.warm(program.stdin);
            const second = await p.warm(program.stdin);
            const warm = !COLD_BY_DESIGN.has(what);
            expect(first.worker?.warm, first.worker?.note ?? '').toBe(warm);
            expect(second.worker?.warm).toBe(warm);
            expect(observable(first)).toEqual(observable(cold));
            expect(observable(second)).toEqual(observable(cold));
          });
        }, 60_000);
      }
    });

    describe('javac in the worker prints and exits as the javac command', () => {
      const programs: Record<string, string> = {
        'a syntax error': 'public class Main {\n  public static void main(String[] a) {\n    System.out.println("x")\n  }\n}\n',
        'type errors on several lines': 'public class Main {\n  public static void main(String[] a) {\n    int x = "s";\n    String y = 3;\n    undefined();\n  }\n}\n',
        'a note about unchecked operations': 'import java.util.*;\npublic class Main {\n  public static void main(String[] a) {\n    List l = new ArrayList();\n    l.add(1);\n    System.out.println(l);\n  }\n}\n',
        'a clean compile': 'public class Main { public static void main(String[] a) { System.out.println(1); } }',
      };
      for (const [what, source] of Object.entries(programs)) {
        it(what, async () => {
          const session = await openJava(sandbox, { 'Main.java': source });
          try {
            const warm = await javac(session, ['Main.java'], true);
            const cold = await javac(session, ['Main.java'], false);
            expect(warm.worker?.warm).toBe(true);
            expect(observable(warm)).toEqual(observable(cold));
          } finally {
            await session.dispose();
          }
        }, 60_000);
      }

      it("an expression too deep for javac's stack fails as with the javac command (the trace cut at the cap)", async () => {
        const session = await openJava(sandbox, { 'Main.java': `public class Main { public static void main(String[] a) { int x = 0${'+1'.repeat(3000)}; System.out.println(x); } }` });
        try {
          const warm = await javac(session, ['Main.java'], true);
          const cold = await javac(session, ['Main.java'], false);
          // Where a stack overflows differs by a frame or two between two threads: the outcome must not.
          const outcome = (r: RunOutcome) => ({ ...observable(r), stderr: r.stderr.split('\n').slice(0, 4).join('\n') });
          expect(outcome(warm)).toEqual(outcome(cold));
          expect(warm.stderr).toContain('java.lang.StackOverflowError');
        } finally {
          await session.dispose();
        }
      }, 60_000);

      it('finds a support file it was not given through the class path, as the javac command does', async () => {
        const session = await openJava(sandbox, {
          'Main.java': 'public class Main { public static void main(String[] a) { System.out.println(Util.answer()); } }',
          'Util.java': 'public class Util { static int answer() { return 42; } }',
        });
        try {
          const warm = await javac(session, ['Main.java'], true);
          expect(warm).toMatchObject({ exitCode: 0, worker: { warm: true } });
          expect(observable(warm)).toEqual(observable(await javac(session, ['Main.java'], false)));
        } finally {
          await session.dispose();
        }
      }, 60_000);

      it('javac out of memory in a heap sized for the tests: the javac command compiles instead', async () => {
        const methods = Array.from({ length: 4000 }, (_, i) => `  static long m${i}(long x) { return x * ${i} + m${Math.max(0, i - 1)}(x - 1) % 7; }`).join('\n');
        const source = `public class Main {\n${methods}\n  public static void main(String[] a) { System.out.println("big"); }\n}\n`;
        const session = await openJava(sandbox, { 'Main.java': source });
        try {
          const small = { ...LIMITS, memoryMb: 8 };
          const warm = await javac(session, ['Main.java'], true, small);
          expect(warm).toMatchObject({ exitCode: 0, worker: { warm: false } });
          expect(warm.worker?.note).toMatch(/^cold: /);
          const ran = await session.run({ command: java.run.command(LIMITS, ['Main.java']), limits: java.run.limits(LIMITS) });
          expect(ran.stdout).toBe('big\n');
        } finally {
          await session.dispose();
        }
      }, 120_000);
    });

    it('runs test after test in one JVM, compile once', async () => {
      await withProgram(sandbox, 'public class Main { public static void main(String[] a) { System.out.println(ProcessHandle.current().pid()); } }', async (p) => {
        const pids = new Set<string>();
        for (let i = 0; i < 5; i++) {
          const r = await p.warm();
          expect(r.worker).toEqual({ warm: true, note: null });
          pids.add(r.stdout);
        }
        expect(pids.size).toBe(1);
      });
    });

    describe('hostile programs get their verdict, and the next test a clean JVM', () => {
      const next = async (p: JavaProgram) => {
        // Every hostile program below reads one line and echoes it when its input is "ok": the next test must pass.
        const r = await p.warm('ok\n');
        expect(observable(r)).toEqual({ stdout: 'ok\n', stderr: '', exitCode: 0, signal: null, limitHit: null });
        return r;
      };
      const hostile = (body: string) =>
        `import java.util.*; import java.io.*; public class Main { public static void main(String[] a) throws Exception { String line = new BufferedReader(new InputStreamReader(System.in)).readLine(); if ("ok".equals(line)) { System.out.println("ok"); return; } ${body} } }`;

      it('an infinite loop: time limit, then a fresh JVM', async () => {
        await withProgram(sandbox, hostile('long i = 0; while (true) i++;'), async (p) => {
          const r = await p.warm('go\n', { timeMs: 500 });
          expect(r).toMatchObject({ limitHit: 'time', signal: 'SIGKILL' });
          await next(p);
        });
      }, 60_000);

      it('a memory bomb: OutOfMemoryError (memory_limit), and the next test has its whole heap', async () => {
        await withProgram(sandbox, hostile('List<long[]> l = new ArrayList<>(); while (true) l.add(new long[1 << 20]);'), async (p) => {
          const r = await p.warm('go\n');
          expect(r.exitCode).toBe(1);
          expect(java.memoryPatterns.some((pattern) => pattern.test(r.stderr))).toBe(true);
          await next(p);
          const again = await p.warm('go\n'); // the heap the first bomb filled is free again: the same error, not an earlier one
          expect(again.stderr).toBe(r.stderr);
        });
      }, 60_000);

      it('a daemon thread that keeps printing after main: its output never reaches the next test', async () => {
        await withProgram(sandbox, hostile('Thread t = new Thread(() -> { while (true) { System.out.println("leak"); try { Thread.sleep(1); } catch (InterruptedException e) { } } }); t.setDaemon(true); t.start(); Thread.sleep(50); System.out.println("main done");'), async (p) => {
          const r = await p.warm('go\n');
          expect(r.exitCode).toBe(0);
          expect(r.worker?.note).toBe('recycled: threads');
          await next(p);
        });
      }, 60_000);

      it('a child process left running is killed with the JVM', async () => {
        await withProgram(sandbox, hostile('new ProcessBuilder("sleep", "600").start(); System.out.println("spawned");'), async (p) => {
          const r = await p.warm('go\n');
          expect(r.stdout).toBe('spawned\n');
          expect(r.worker?.note).toMatch(/^recycled: /);
          const ps = await p.cold('ok\n');
          expect(ps.stdout).toBe('ok\n');
          await next(p);
        });
      }, 60_000);

      it('closing fd 1 for good: the next test gets a fresh JVM with working output', async () => {
        await withProgram(sandbox, hostile('new FileOutputStream(FileDescriptor.out).close(); System.err.println("closed");'), async (p) => {
          const r = await p.warm('go\n');
          expect(r).toMatchObject({ exitCode: 0, worker: { warm: true, note: 'recycled: descriptors' } });
          await next(p);
        });
      }, 60_000);

      it('objects with finalizers: they never run (and print) during a later test', async () => {
        await withProgram(sandbox, hostile('for (int i = 0; i < 1000; i++) new Object() { @Override protected void finalize() { System.out.println("finalized"); } }; System.gc(); System.out.println("made");'), async (p) => {
          const r = await p.warm('go\n'); // its own finalizers may print into it, as under java Main
          expect(r.stdout).toContain('made\n');
          expect(r.worker?.note).toMatch(/^recycled: .*finalizers/);
          for (let i = 0; i < 3; i++) await next(p);
        });
      }, 60_000);

      it('an inherited finalizer (from a JDK class) never runs during a later test either', async () => {
        await withProgram(sandbox, 'public class Main { static class Job extends java.awt.PrintJob { public java.awt.Graphics getGraphics() { return null; } public java.awt.Dimension getPageDimension() { return null; } public int getPageResolution() { return 0; } public boolean lastPageFirst() { return false; } public void end() { System.out.println("FINALIZED"); } } public static void main(String[] a) throws Exception { if (new java.util.Scanner(System.in).next().equals("make")) { for (int i = 0; i < 1000; i++) new Job(); System.out.println("made"); } else { System.gc(); Thread.sleep(300); System.out.println("clean"); } } }', async (p) => {
          const made = await p.warm('make');
          expect(made.worker?.note).toMatch(/^recycled: .*finalizers/);
          const later = await p.warm('gc');
          expect(later.stdout).toBe('clean\n');
        });
      }, 60_000);

      it('CPU that a shell still running at the end holds for the children it reaped counts', async () => {
        const busy = "python3 -c 'import time; t = time.process_time(); any(time.process_time() - t > 0.4 for _ in iter(int, 1))'";
        const script = `for i in 1 2 3 4 5 6; do ${busy}; done; echo ran; exec sleep 600`;
        await withProgram(sandbox, hostile(`Process sh = new ProcessBuilder("sh", "-c", ${JSON.stringify(script)}).start(); System.out.println(new BufferedReader(new InputStreamReader(sh.getInputStream())).readLine());`), async (p) => {
          expect((await p.warm('go\n', { timeMs: 1000 })).limitHit).toBe('time');
          expect((await p.cold('go\n', { timeMs: 1000 })).limitHit).toBe('time');
          await next(p);
        });
      }, 60_000);

      it('CPU spent in child processes it waited for counts (time limit, as under java Main)', async () => {
        const spin = 'for (int i = 0; i < 5; i++) new ProcessBuilder("python3", "-c", "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.6: pass").start().waitFor(); System.out.println("done");';
        await withProgram(sandbox, hostile(spin), async (p) => {
          const warm = await p.warm('go\n', { timeMs: 1000 });
          expect(warm.limitHit).toBe('time');
          expect((await p.cold('go\n', { timeMs: 1000 })).limitHit).toBe('time');
          await next(p);
        });
      }, 60_000);

      it('an output flood: cut at the cap', async () => {
        await withProgram(sandbox, hostile('char[] c = new char[8192]; Arrays.fill(c, \'x\'); String s = new String(c); while (true) System.out.print(s);'), async (p) => {
          const r = await p.warm('go\n', { outputKb: 32 });
          expect(r).toMatchObject({ limitHit: 'output', truncated: true });
          expect(r.stdout.length).toBe(32 * 1024);
          await next(p);
        });
      }, 60_000);

      it('shutdown hooks: the test runs in a JVM of its own, so the hook output is part of it', async () => {
        await withProgram(sandbox, hostile('Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook"))); System.out.println("main");'), async (p) => {
          const r = await p.warm('go\n');
          expect(observable(r)).toEqual(observable(await p.cold('go\n')));
          expect(r.stdout).toBe('main\nhook\n');
          expect(r.worker?.warm).toBe(false);
          await next(p);
        });
      }, 60_000);

      it('removing the security manager runs the test in a JVM of its own (System.exit must keep ending only the test)', async () => {
        await withProgram(sandbox, hostile('System.setSecurityManager(null); System.out.println("removed"); System.exit(5);'), async (p) => {
          const r = await p.warm('go\n');
          expect(r).toMatchObject({ stdout: 'removed\n', exitCode: 5, worker: { warm: false } });
          await next(p);
        });
      }, 60_000);

      it("a test's input is gone from fd 0 and the files when the next test starts", async () => {
        await withProgram(sandbox, 'import java.io.*; import java.nio.file.*; public class Main { public static void main(String[] a) throws Exception { byte[] in = System.in.readAllBytes(); FileInputStream fd0 = new FileInputStream(FileDescriptor.in); fd0.getChannel().position(0); System.out.println(new String(in).trim() + " fd0=" + fd0.getChannel().size() + " files=" + Files.list(Path.of(".")).map(f -> f.getFileName().toString()).sorted().toList()); } }', async (p) => {
          expect((await p.warm('HIDDEN-INPUT-1234\n')).stdout).toBe("HIDDEN-INPUT-1234 fd0=18 files=[.tmp, Main.class, Main.java]\n");
          expect((await p.warm('x\n')).stdout).toBe('x fd0=2 files=[.tmp, Main.class, Main.java]\n');
        });
      }, 60_000);
    });
  });
}
