/**
 * The shared conformance and hostile-code suite every sandbox backend must pass (GitHub issues #3 and #4).
 * Run by `test/bwrap-sandbox.test.ts` and `test/docker-sandbox.test.ts`:
 *
 * ```ts
 * describeSandboxConformance('bwrap', () => createBwrapSandbox(), { available, leftovers: async () => [...] });
 * ```
 *
 * Every check applies to every backend unless the backend passes a reason in `notApplicable`; the reason is then
 * printed as the test's name, so a gap is visible in the report rather than a silent skip.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageId } from '@edgelab/core';
import type { RunLimits, RunOutcome, Sandbox, SandboxSession } from '../../src/sandbox.js';

/** Checks a backend may declare not applicable, with a reason. */
export type ConformanceCheck =
  | 'nonRoot'
  | 'cgroupMemoryKill'
  | 'java'
  | 'processIsolation';

/** Options for {@link describeSandboxConformance}. */
export interface SandboxConformanceOptions {
  /** Whether the backend can run here (from `requireService`, awaited at the top of the test file); when false the suite is skipped locally. */
  available: boolean;
  /** What the backend left behind after every session was disposed and the sandbox closed (containers, cgroups, processes, temp files). Must be empty. */
  leftovers: () => Promise<string[]>;
  /** Checks that cannot apply to this backend, with the reason (shown in the report). */
  notApplicable?: Partial<Record<ConformanceCheck, string>>;
}

const LIMITS: RunLimits = { timeMs: 1000, wallMs: 3000, memoryMb: 128, outputKb: 64 };
const SLACK_MS = 4000;

function py(code: string): string[] {
  return ['python3', '-B', '-E', '-s', '-c', code];
}

const LIST_PROCS = 'import os; print(sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))';

/**
 * Declares the conformance suite for one backend. `makeSandbox` is called once per `describe` block; sessions are
 * reused across hostile runs on purpose: the session must survive everything the student does.
 */
export function describeSandboxConformance(
  name: string,
  makeSandbox: () => Promise<Sandbox> | Sandbox,
  options: SandboxConformanceOptions,
): void {
  const na = options.notApplicable ?? {};

  describe(`Sandbox conformance: ${name}`, () => {
    const available = options.available;
    let sandbox: Sandbox;
    let session: SandboxSession;
    let server: Server;
    let port = 0;
    let connections = 0;
    const open = async (language: LanguageId, files: Record<string, string>, maxMemoryMb = 128) =>
      sandbox.openSession({ language, files, maxMemoryMb, scratchMb: 32 });
    const run = (code: string, extra: Partial<RunLimits> = {}, stdin?: string, s: SandboxSession = session): Promise<RunOutcome> =>
      s.run({ command: py(code), limits: { ...LIMITS, ...extra }, ...(stdin === undefined ? {} : { stdin }) });

    beforeAll(async () => {
      if (!available) return;
      server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      sandbox = await makeSandbox();
      session = await open('python', { 'solution.py': 'print("original")\n', 'data.txt': 'session data\n' });
    });

    afterAll(async () => {
      if (!available) return;
      await session?.dispose();
      await session?.dispose(); // twice is safe
      await sandbox?.close();
      server?.close();
    });

    describe.skipIf(!available)('normal runs', () => {
      it('reports stdout, stderr, exit code and usage', async () => {
        const out = await run('import sys; print("out"); sys.stderr.write("err\\n"); sys.exit(3)');
        expect(out).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null, limitHit: null, truncated: false });
        expect(out.usage.wallMs).toBeGreaterThan(0);
        expect(out.usage.memoryKb).toBeGreaterThan(1000);
      });

      it('runs the session files in a working directory and passes stdin through', async () => {
        const out = await session.run({ command: ['python3', '-B', 'solution.py'], limits: LIMITS });
        expect(out.stdout).toBe('original\n');
        const echo = await run('import sys; d = sys.stdin.read(); print(len(d), open("data.txt").read().strip())', {}, 'x'.repeat(1_000_000));
        expect(echo.stdout).toBe('1000000 session data\n');
      });

      it('gives per-run files to that run only', async () => {
        const first = await session.run({ command: py('print(open("extra.txt").read())'), files: { 'extra.txt': 'per run' }, limits: LIMITS });
        expect(first.stdout).toBe('per run\n');
        const second = await run('import os; print(os.path.exists("extra.txt"))');
        expect(second.stdout).toBe('False\n');
      });

      it('names the signal that killed a program', async () => {
        const out = await run('import os, signal; os.kill(os.getpid(), signal.SIGSEGV)');
        expect(out).toMatchObject({ exitCode: null, signal: 'SIGSEGV', limitHit: null });
      });

      it.runIf(na.nonRoot === undefined)('runs the program as a non-root user', async () => {
        const out = await run('import os; print(os.geteuid())');
        expect(out.stdout.trim()).not.toBe('0');
      });
      if (na.nonRoot !== undefined) it.todo(`non-root check not applicable: ${na.nonRoot}`);
    });

    describe.skipIf(!available)('hostile code', () => {
      it('stops an infinite loop at the CPU limit', async () => {
        const out = await run('while True: pass', { timeMs: 500, wallMs: 5000 });
        expect(out.limitHit).toBe('time');
        expect(out.usage.cpuMs).toBeGreaterThanOrEqual(500);
        expect(out.usage.wallMs).toBeLessThan(5000 + SLACK_MS);
      });

      it('stops a sleeper at the wall-clock limit', async () => {
        const out = await run('import time; time.sleep(60)', { timeMs: 300, wallMs: 800 });
        expect(out.limitHit).toBe('time');
        expect(out.usage.wallMs).toBeLessThan(800 + SLACK_MS);
      });

      it('stops busy threads at the CPU limit', async () => {
        const out = await run(
          'import threading\ndef spin():\n    while True: pass\nfor _ in range(4): threading.Thread(target=spin, daemon=True).start()\nspin()',
          { timeMs: 500, wallMs: 5000 },
        );
        expect(out.limitHit).toBe('time');
      });

      it('contains a fork bomb and leaves no process behind', async () => {
        const out = await run('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass', { timeMs: 500, wallMs: 2000, pids: 32 });
        expect(out.exitCode === 0 && out.limitHit === null).toBe(false);
        const procs = await run(LIST_PROCS);
        expect(JSON.parse(procs.stdout)).toHaveLength(2); // the runner (PID 1) and this program
      });

      it.runIf(na.cgroupMemoryKill === undefined)('turns a memory bomb without an address-space cap into a memory verdict', async () => {
        const bomb = await open('python', {}, 128);
        try {
          const out = await run('chunks = []\nwhile True:\n    chunks.append(bytearray(8 * 1024 * 1024))', { timeMs: 5000, wallMs: 10000, memoryMb: 128 }, undefined, bomb);
          expect(out.limitHit).toBe('memory');
          const after = await run('print("alive")', {}, undefined, bomb);
          expect(after.stdout).toBe('alive\n');
        } finally {
          await bomb.dispose();
        }
      });
      if (na.cgroupMemoryKill !== undefined) it.todo(`cgroup memory kill not applicable: ${na.cgroupMemoryKill}`);

      it('gives a clean MemoryError under an address-space cap', async () => {
        const out = await run('x = bytearray(512 * 1024 * 1024)', { memoryMb: 128, addressSpaceMb: 192 });
        expect(out.exitCode).toBe(1);
        expect(out.stderr).toContain('MemoryError');
      });

      it('cuts a 100 MB stdout flood at the output cap', async () => {
        const out = await run('import sys\nblock = "x" * 65536\nfor _ in range(1600): sys.stdout.write(block)', { outputKb: 64 });
        expect(out.limitHit).toBe('output');
        expect(out.truncated).toBe(true);
        expect(out.stdout.length).toBe(64 * 1024);
      });

      it('cuts a stderr flood at the output cap', async () => {
        const out = await run('import sys\nwhile True: sys.stderr.write("e" * 4096)', { outputKb: 16 });
        expect(out.limitHit).toBe('output');
        expect(out.stderr.length).toBe(16 * 1024);
      });

      it('survives a full scratch file system and frees it for the next run', async () => {
        const fill = await run(
          'import os\nf = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "fill"), "wb")\ntry:\n    while True: f.write(b"\\0" * 1048576); f.flush()\nexcept OSError as e:\n    print("stopped", e.errno)',
          { timeMs: 5000, wallMs: 10000 },
        );
        expect(fill.stdout).toMatch(/stopped (28|27)/); // ENOSPC (tmpfs full) or EFBIG (file-size limit)
        const next = await run('import os\np = os.path.join(os.environ.get("TMPDIR", "/tmp"), "f")\nopen(p, "wb").write(b"\\0" * 8 * 1048576)\nprint(os.path.getsize(p))');
        expect(next.stdout).toBe(`${8 * 1048576}\n`);
      });

      it('survives a directory tree too deep for recursion or paths, and wipes it', async () => {
        const deep = await run(
          [
            'import os',
            'os.chdir(os.environ.get("TMPDIR", "/tmp"))',
            'for i in range(3000):',
            '    os.mkdir("d"); os.chdir("d")',
            '    if i % 500 == 0:',
            '        open("f", "w").write("x"); os.symlink("/", "root"); os.mkdir("locked"); os.chmod("locked", 0)',
            'os.chmod(".", 0)',
            'print("deep")',
          ].join('\n'),
          { timeMs: 5000, wallMs: 10000 },
        );
        expect(deep.stdout).toBe('deep\n');
        // Nothing of it is left anywhere under the scratch root: only this run's own fresh directory.
        const next = await run('import os\nfound = [d for d, _, _ in os.walk(os.path.dirname(os.getcwd())) if "/d/d" in d]\nprint(len(found), os.listdir(os.environ.get("TMPDIR", "/tmp")))');
        expect(next.stdout).toBe('0 []\n');
      });

      it('cannot write outside the scratch space', async () => {
        const out = await run(
          [
            'import os',
            'ok = []',
            'for p in ["/x", "/usr/x", "/etc/x", "/bin/x", "/root/x", "/home/x", "/var/x", "/dev/x", "/proc/x", "solution.py", "/etc/passwd"]:',
            '    try:',
            '        open(p, "a").write("x"); ok.append(p)',
            '    except OSError:',
            '        pass',
            'print(ok)',
          ].join('\n'),
        );
        expect(out.stdout).toBe('[]\n');
      });

      it('has no network: loopback of the host, a public address and DNS all fail', async () => {
        const out = await run(
          [
            'import socket',
            'res = []',
            `for host, port in [("127.0.0.1", ${port}), ("1.1.1.1", 53), ("8.8.8.8", 443)]:`,
            '    s = socket.socket(); s.settimeout(2)',
            '    try:',
            '        s.connect((host, port)); res.append("connected " + host)',
            '    except OSError:',
            '        res.append("blocked")',
            'try:',
            '    socket.getaddrinfo("example.com", 80); res.append("resolved")',
            'except OSError:',
            '    res.append("no dns")',
            'print(res)',
          ].join('\n'),
          { timeMs: 3000, wallMs: 10000 },
        );
        expect(out.stdout).toBe("['blocked', 'blocked', 'blocked', 'no dns']\n");
        expect(connections).toBe(0);
      });

      it("cannot read another test's input: stdin and per-run files are gone, expected output never entered", async () => {
        const secret = `SECRET-INPUT-${Date.now()}`;
        await session.run({ command: py('import sys; sys.stdin.read()'), stdin: secret, files: { 'input.txt': secret }, limits: LIMITS });
        const scan = await run(
          [
            'import os, sys',
            `needle = ${JSON.stringify(secret)}.encode()`,
            'found = []',
            'roots = [os.getcwd(), os.path.dirname(os.getcwd()), "/tmp", "/dev/shm", "/var/tmp", "/home", "/root", os.environ.get("HOME", "/tmp")]',
            'for root in roots:',
            '    for d, _, files in os.walk(root):',
            '        for f in files:',
            '            p = os.path.join(d, f)',
            '            try:',
            '                if needle in open(p, "rb").read(): found.append(p)',
            '            except OSError:',
            '                pass',
            'print(found, os.path.exists("input.txt"), sorted(os.listdir(".")))',
          ].join('\n'),
        );
        expect(scan.stdout).toBe("[] False ['.tmp', 'data.txt', 'solution.py']\n");
      });

      it("cannot pass a test's input to the next run through System V IPC or POSIX message queues", async () => {
        // These objects outlive the processes that made them: a hidden test could store its input and a later
        // public test print it (its output is shown to the student).
        const secret = `IPC-SECRET-${Date.now()}`;
        const store = await run(
          [
            'import ctypes, os, sys',
            'libc = ctypes.CDLL(None, use_errno=True)',
            'libc.shmat.restype = ctypes.c_void_p',
            'data = sys.stdin.buffer.read()',
            'shm = libc.shmget(0x5eed, 4096, 0o1600)',
            'ctypes.memmove(libc.shmat(shm, None, 0), data, len(data))',
            'msq = libc.msgget(0x5eed, 0o1600)',
            'class Msg(ctypes.Structure): _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 64)]',
            'sent = libc.msgsnd(msq, ctypes.byref(Msg(1, data)), 64, 0)',
            'sem = libc.semget(0x5eed, 1, 0o1600)',
            'mq = libc.mq_open(b"/edgelab-leak", os.O_CREAT | os.O_RDWR, 0o600, None)',
            'queued = libc.mq_send(mq, data, len(data), 0) if mq >= 0 else -1',
            'print(shm >= 0, sent, sem >= 0, queued)',
          ].join('\n'),
          {},
          secret,
        );
        expect(store.stdout).toBe('True 0 True 0\n');
        const read = await run(
          [
            'import ctypes, os',
            'libc = ctypes.CDLL(None, use_errno=True)',
            'libc.shmat.restype = ctypes.c_void_p',
            'found = []',
            'shm = libc.shmget(0x5eed, 0, 0)',
            'if shm >= 0: found.append(ctypes.string_at(libc.shmat(shm, None, 0), 40))',
            'class Msg(ctypes.Structure): _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 64)]',
            'msg = Msg()',
            'msq = libc.msgget(0x5eed, 0)',
            'if msq >= 0 and libc.msgrcv(msq, ctypes.byref(msg), 64, 0, 0o4000) >= 0: found.append(msg.text)',
            'if libc.semget(0x5eed, 0, 0) >= 0: found.append("semaphore")',
            'mq = libc.mq_open(b"/edgelab-leak", os.O_RDONLY | os.O_NONBLOCK)',
            'if mq >= 0:',
            '    buf = ctypes.create_string_buffer(9000)',
            '    found.append(buf.raw[: max(libc.mq_receive(mq, buf, 9000, None), 0)])',
            'print(found, [l.split()[1] for l in open("/proc/sysvipc/shm").read().splitlines()[1:]])',
          ].join('\n'),
        );
        expect(read.stdout).not.toContain(secret);
        expect(read.stdout).toBe('[] []\n');
      });

      it('kills background and double-forked daemons before the next run', async () => {
        const daemon = await run(
          [
            'import os, time',
            'beat = os.path.join(os.path.dirname(os.getcwd()), "heartbeat")  # the scratch root, outside the run directory',
            'if os.fork() == 0:',
            '    os.setsid()',
            '    if os.fork() == 0:',
            '        while True:',
            '            try:',
            '                open(beat, "a").write("x")',
            '            except OSError:',
            '                pass',
            '            time.sleep(0.01)',
            '    os._exit(0)',
            'print("parent done")',
          ].join('\n'),
        );
        expect(daemon.stdout).toBe('parent done\n');
        const next = await run(`import os, time; time.sleep(0.1); ${LIST_PROCS.replace('import os; ', '')}; print(os.path.exists(os.path.join(os.path.dirname(os.getcwd()), "heartbeat")))`);
        const [procs, heartbeat] = next.stdout.trim().split('\n');
        expect(JSON.parse(procs!)).toHaveLength(2);
        expect(heartbeat).toBe('False');
      });

      it('cannot change the files the next run sees', async () => {
        await run(
          [
            'import os',
            'for f in ["solution.py", "data.txt"]:',
            '    try:',
            '        os.chmod(f, 0o644); open(f, "w").write("hacked")',
            '    except OSError:',
            '        pass',
            '    try:',
            '        os.unlink(f)',
            '    except OSError:',
            '        pass',
            'try:',
            '    os.chmod(".", 0o755); open("new.py", "w").write("x")',
            'except OSError:',
            '    pass',
          ].join('\n'),
        );
        const next = await run('import os; print(open("solution.py").read().strip(), open("data.txt").read().strip(), os.path.exists("new.py"))');
        expect(next.stdout).toBe('print("original") session data False\n');
      });

      it('cannot create namespaces (no nested user namespace, no unshare)', async () => {
        const out = await run(
          [
            'import ctypes, os',
            'libc = ctypes.CDLL(None, use_errno=True)',
            'res = []',
            'for flag in (0x10000000, 0x20000000, 0x40000000):  # CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET',
            '    res.append(libc.unshare(flag))',
            'print(res)',
          ].join('\n'),
        );
        expect(out.stdout).toBe('[-1, -1, -1]\n');
      });

      it('is refused the kernel interfaces graded code never needs (keyrings, eBPF, userfaultfd)', async () => {
        const out = await run(
          [
            'import ctypes, platform',
            'libc = ctypes.CDLL(None, use_errno=True)',
            'libc.syscall.restype = ctypes.c_long',
            'if platform.machine() != "x86_64":',
            '    print("skip")',
            'else:',
            '    add_key = libc.syscall(248, b"user", b"edgelab", b"x", 1, ctypes.c_int(-2))',
            '    keyctl = libc.syscall(250, 0, ctypes.c_int(-2), 0)  # KEYCTL_GET_KEYRING_ID of the process keyring',
            '    bpf = libc.syscall(321, 0, None, 0)',
            '    uffd = libc.syscall(323, 1)  # UFFD_USER_MODE_ONLY',
            '    print([add_key, keyctl, bpf, uffd])',
          ].join('\n'),
        );
        expect(['[-1, -1, -1, -1]\n', 'skip\n']).toContain(out.stdout);
      });

      it("cannot read the runner's memory, environment or descriptors (the protocol pipes carry the next tests)", async () => {
        const out = await run(
          [
            'import os',
            'res = []',
            'for p in ("/proc/1/mem", "/proc/1/environ", "/proc/1/maps", "/proc/1/fd/0", "/proc/1/fd/1", "/proc/1/fd/3", "/proc/1/fd/4"):',
            '    try:',
            '        with open(p, "rb") as f:',
            '            f.read(1)',
            '        res.append("read " + p)',
            '    except OSError:',
            '        pass',
            'try:',
            '    os.listdir("/proc/1/fd")',
            '    res.append("listed /proc/1/fd")',
            'except OSError:',
            '    pass',
            'print(res)',
          ].join('\n'),
        );
        expect(out.stdout).toBe('[]\n');
      });

      it('cannot kill or signal the runner', async () => {
        const out = await run('import os, signal\nfor s in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSTOP):\n    try:\n        os.kill(1, s)\n    except OSError:\n        pass\nprint("tried")');
        expect(out.stdout).toBe('tried\n');
        const next = await run('print("still here")');
        expect(next.stdout).toBe('still here\n');
      });
    });

    describe.skipIf(!available)('compile-time abuse (java)', () => {
      if (na.java !== undefined) {
        it.todo(`java checks not applicable: ${na.java}`);
        return;
      }
      it('stops a compile that exceeds its limit', async () => {
        const java = await open('java', { 'Main.java': 'public class Main { public static void main(String[] a) { System.out.println("hi"); } }' }, 512);
        try {
          const out = await java.run({ command: ['javac', '-d', '.', 'Main.java'], limits: { timeMs: 100, wallMs: 300, memoryMb: 512, outputKb: 64, pids: 128 }, keepOutputs: true });
          expect(out.limitHit).toBe('time');
          const normal = await java.run({ command: ['javac', '-J-XX:TieredStopAtLevel=1', '-d', '.', 'Main.java'], limits: { timeMs: 10000, memoryMb: 512, outputKb: 64, pids: 128 }, keepOutputs: true });
          expect(normal.exitCode).toBe(0);
          const ran = await java.run({ command: ['java', '-Xmx64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', '.', 'Main'], limits: { timeMs: 3000, memoryMb: 256, outputKb: 64, pids: 128 } });
          expect(ran.stdout).toBe('hi\n');
        } finally {
          await java.dispose();
        }
      });

      it('cuts a compile that floods its output', async () => {
        const errors = Array.from({ length: 3000 }, (_, i) => `  int x${i} = "not an int ${i}";`).join('\n');
        const java = await open('java', { 'Main.java': `public class Main {\n${errors}\n}` }, 512);
        try {
          const out = await java.run({ command: ['javac', '-Xmaxerrs', '100000', '-d', '.', 'Main.java'], limits: { timeMs: 20000, memoryMb: 512, outputKb: 16, pids: 128 }, keepOutputs: true });
          expect(out.exitCode === 0).toBe(false);
          expect(out.stdout.length + out.stderr.length).toBeLessThanOrEqual(16 * 1024);
        } finally {
          await java.dispose();
        }
      });
    });

    describe.skipIf(!available)('cleanup', () => {
      it('leaves no container, process, cgroup or temp file after dispose and close', async () => {
        const extra = await open('python', { 'solution.py': 'print(1)' });
        await run('import os\nif os.fork() == 0:\n    os.setsid()\n    import time; time.sleep(600)\nprint("left a child")', {}, undefined, extra);
        await extra.dispose();
        const other = await makeSandbox();
        const s = await other.openSession({ language: 'python', files: {}, maxMemoryMb: 64 });
        await s.run({ command: py('import os, time\nif os.fork() == 0:\n    time.sleep(600)\ntime.sleep(600)'), limits: { ...LIMITS, timeMs: 200, wallMs: 400 } });
        await s.dispose();
        await other.close();
        await session.dispose();
        await sandbox.close();
        expect(await options.leftovers()).toEqual([]);
      });
    });
  });
}
