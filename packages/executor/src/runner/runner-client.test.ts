import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isEdgeLabError } from '@edgelab/core';
import { RunnerClient } from './runner-client.js';
import { runnerCommand } from './runner-source.js';

// The runner outside any sandbox, in its own private scratch directory, running only trusted test programs:
// this checks the protocol and the runner's bookkeeping; isolation is the sandbox suites' job.
const started: ChildProcessWithoutNullStreams[] = [];
const scratchDirs: string[] = [];
function startRunner(): { client: RunnerClient; child: ChildProcessWithoutNullStreams } {
  const scratchDir = mkdtempSync(join(tmpdir(), 'edgelab-runner-test-'));
  scratchDirs.push(scratchDir);
  const [cmd, ...args] = runnerCommand({ scratchDir });
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  started.push(child);
  return { client: new RunnerClient({ input: child.stdin, output: child.stdout, label: 'test runner' }), child };
}
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const limits = { timeMs: 2000, memoryMb: 256, outputKb: 64 };
const py = (code: string) => ['python3', '-c', code];

describe('RunnerClient with edgelab_runner.py', () => {
  it('runs a program with stdin, files and env, and reports exit code and usage', async () => {
    const { client } = startRunner();
    await client.init({ 'data.txt': 'session file\n' });
    const out = await client.run({
      command: py('import os,sys; print(open("data.txt").read().strip(), sys.stdin.read(), os.environ["X"], open("extra.txt").read()); sys.exit(3)'),
      stdin: 'from stdin',
      files: { 'extra.txt': 'per-run' },
      env: { X: 'env-value' },
      limits,
    });
    expect(out.stdout).toBe('session file from stdin env-value per-run\n');
    expect(out.exitCode).toBe(3);
    expect(out.signal).toBeNull();
    expect(out.limitHit).toBeNull();
    expect(out.usage.memoryKb).toBeGreaterThan(1000);
    expect(out.usage.wallMs).toBeGreaterThan(0);
    await client.close();
  });

  it('streams stdin and output larger than pipe buffers without deadlock', async () => {
    const { client } = startRunner();
    await client.init({});
    const input = 'x'.repeat(3_000_000);
    const out = await client.run({
      command: py('import sys; d=sys.stdin.read(); sys.stdout.write(str(len(d))); sys.stderr.write("e"*200000)'),
      stdin: input,
      limits: { ...limits, outputKb: 1024 },
    });
    expect(out.stdout).toBe('3000000');
    expect(out.stderr.length).toBe(200_000);
    expect(out.truncated).toBe(false);
  });

  it('stops at the combined output cap and keeps exactly the cap', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: py('while True: print("y"*1000)'), limits: { ...limits, outputKb: 8 } });
    expect(out.limitHit).toBe('output');
    expect(out.truncated).toBe(true);
    expect(out.stdout.length + out.stderr.length).toBe(8 * 1024);
  });

  it('kills a CPU hog at the time limit and names the signal', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: py('while True: pass'), limits: { ...limits, timeMs: 300 } });
    expect(out.limitHit).toBe('time');
    expect(out.signal).toBe('SIGKILL');
    expect(out.usage.cpuMs).toBeGreaterThanOrEqual(300);
  });

  it('kills a sleeper at the wall limit', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: ['sleep', '30'], limits: { ...limits, timeMs: 100, wallMs: 300 } });
    expect(out.limitHit).toBe('time');
    expect(out.usage.wallMs).toBeLessThan(5000);
  });

  it('reports a crash by signal', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: py('import os,signal; os.kill(os.getpid(), signal.SIGSEGV)'), limits });
    expect(out.signal).toBe('SIGSEGV');
    expect(out.exitCode).toBeNull();
    expect(out.limitHit).toBeNull();
  });

  it('reports a program that cannot be started as exit 127', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: ['no-such-program-edgelab'], limits });
    expect(out.exitCode).toBe(127);
    expect(out.stderr).toContain('no-such-program-edgelab');
    expect(out.execError).toContain('no-such-program-edgelab');
    const faked = await client.run({ command: py('import sys; sys.stderr.write("cannot run"); sys.exit(127)'), limits });
    expect(faked.exitCode).toBe(127);
    expect(faked.execError).toBeUndefined();
  });

  it('keeps outputs of a keepOutputs run for later runs and nothing from ordinary runs', async () => {
    const { client } = startRunner();
    await client.init({ 'a.txt': 'A' });
    await client.run({ command: py('open("built.txt","w").write("B")'), limits, keepOutputs: true });
    const first = await client.run({ command: py('import os; open(os.environ["TMPDIR"]+"/t","w").write("1"); print(open("built.txt").read())'), limits });
    expect(first.stdout).toBe('B\n');
    // Read-only files stop an unprivileged program; root (this test may run as root) is stopped by the fresh copy.
    await client.run({ command: py('import os\ntry:\n  os.chmod("a.txt", 0o644); open("a.txt","w").write("changed")\nexcept OSError: pass'), limits });
    const second = await client.run({ command: py('import os; print(open("a.txt").read(), os.listdir(os.environ["TMPDIR"]))'), limits });
    expect(second.stdout).toBe('A []\n');
  });

  it('turns a dead runner into SANDBOX_FAILED for the pending run', async () => {
    const { client, child } = startRunner();
    await client.init({});
    const running = client.run({ command: ['sleep', '5'], limits });
    setTimeout(() => child.kill('SIGKILL'), 100);
    const error = await running.catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_FAILED')).toBe(true);
    expect(client.broken).toBe(true);
  });

  it('rejects a session file path that leaves the working directory', async () => {
    const { client } = startRunner();
    const error = await client.init({ '../evil': 'x' }).catch((e: unknown) => e);
    expect(isEdgeLabError(error, 'SANDBOX_FAILED')).toBe(true);
  });
});

// A warm worker written for the test, speaking the worker protocol (runner/PROTOCOL.md, "Warm workers"): it says
// something on stderr while booting, then runs one "program" per request. The Java worker is tested in the sandbox
// suites; this checks what the runner does with any worker.
const FAKE_WORKER = `
import os, subprocess, sys, time
req = os.fdopen(3, "rb", buffering=0)
rep = os.fdopen(4, "wb", buffering=0)
sys.stderr.write("booting\\n"); sys.stderr.flush()
rep.write(b"ready\\n")
for line in iter(req.readline, b""):
    what, *args = line.decode().rstrip("\\n").split("\\t")[1:]
    os.lseek(0, 0, os.SEEK_SET)
    data = os.read(0, 1 << 20)
    if what == "echo":
        os.write(1, b"pid=%d stdin=%s cwd=%s" % (os.getpid(), data, sorted(os.listdir(".")).__repr__().encode()))
        os.write(2, b"to stderr")
        rep.write(b"done\\t0\\t\\n")
    elif what == "status":
        rep.write(("done\\t%s\\t%s\\n" % (args[0], args[1] if len(args) > 1 else "")).encode())
    elif what == "die":
        os.write(1, b"dying")
        os._exit(int(args[0]))
    elif what == "spin":
        while True:
            pass
    elif what == "flood":
        while True:
            os.write(1, b"x" * 65536)
    elif what == "garbage":
        rep.write(b"nonsense\\n")
    elif what == "stuff":
        w = os.open("/proc/self/fd/3", os.O_WRONLY | os.O_NONBLOCK)
        try:
            while True:
                os.write(w, b"x" * 4096)
        except BlockingIOError:
            pass
        rep.write(b"done\\t0\\t\\n")  # a forged "done": the program goes on and never reads a request again
        time.sleep(600)
    elif what == "children":
        for _ in range(int(args[0])):
            subprocess.run([sys.executable, "-c", "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.25: pass"])
        rep.write(b"done\\t0\\t\\n")
    elif what == "shell":
        # A shell that outlives the test holds the CPU time of the children it ran and reaped.
        busy = "import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.25: pass"
        script = "for i in 1 2 3 4; do %s -c '%s'; done; echo ran; exec sleep 600" % (sys.executable, busy)
        shell = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE)
        os.write(1, shell.stdout.readline())
        rep.write(b"done\\t0\\t\\n")
    elif what == "squat":
        for i in range(1, 51):
            os.makedirs("../run-%d" % i, exist_ok=True)
        rep.write(b"done\\t0\\tcold,shutdown-hooks\\n")
    elif what == "make":
        with open("made.txt", "w") as f:
            f.write("made by pid %d" % os.getpid())
        rep.write(b"done\\t0\\t\\n")
`;

describe('RunnerClient with a warm worker', () => {
  const worker = (...args: string[]) => ({ command: ['python3', '-c', FAKE_WORKER], args: [...args] });
  const cold = py('import os, sys; print("cold", sys.stdin.read(), end="")');
  const echo = async (client: RunnerClient, stdin: string) =>
    client.run({ command: cold, stdin, limits, worker: worker('echo') });

  it('runs test after test in one worker, each with its own stdin and files, and none of its start-up output', async () => {
    const { client } = startRunner();
    await client.init({ 'data.txt': 'x' });
    const first = await echo(client, 'first');
    const second = await client.run({ command: cold, stdin: 'second', files: { 'extra.txt': 'y' }, limits, worker: worker('echo') });
    const third = await echo(client, '3');
    const pid = /^pid=(\d+) /.exec(first.stdout)?.[1];
    expect(pid).toBeDefined();
    expect(first).toMatchObject({ stdout: `pid=${pid} stdin=first cwd=['.tmp', 'data.txt']`, stderr: 'to stderr', exitCode: 0, worker: { warm: true, note: null } });
    expect(second.stdout).toBe(`pid=${pid} stdin=second cwd=['.tmp', 'data.txt', 'extra.txt']`);
    expect(third.stdout).toBe(`pid=${pid} stdin=3 cwd=['.tmp', 'data.txt']`); // a shorter input than the last: no leftover bytes
    expect(first.usage.memoryKb).toBeGreaterThan(0);
  });

  it('stops a worker test at the CPU limit and starts a fresh worker for the next test', async () => {
    const { client } = startRunner();
    await client.init({});
    const before = await echo(client, 'a');
    const spin = await client.run({ command: cold, limits: { ...limits, timeMs: 300, wallMs: 5000 }, worker: worker('spin') });
    expect(spin).toMatchObject({ limitHit: 'time', signal: 'SIGKILL', exitCode: null });
    expect(spin.usage.cpuMs).toBeGreaterThanOrEqual(300);
    const after = await echo(client, 'b');
    expect(after.stdout).toMatch(/^pid=\d+ stdin=b/);
    expect(after.stdout.split(' ')[0]).not.toBe(before.stdout.split(' ')[0]);
  });

  it('cuts a flood at the output cap', async () => {
    const { client } = startRunner();
    await client.init({});
    const flood = await client.run({ command: cold, limits: { ...limits, outputKb: 16 }, worker: worker('flood') });
    expect(flood).toMatchObject({ limitHit: 'output', truncated: true });
    expect(flood.stdout.length).toBe(16 * 1024);
    expect((await echo(client, 'next')).stdout).toMatch(/^pid=\d+ stdin=next/);
  });

  it('reports the exit status of a worker that ends during a test, with what it printed', async () => {
    const { client } = startRunner();
    await client.init({});
    const died = await client.run({ command: cold, limits, worker: worker('die', '7') });
    expect(died).toMatchObject({ exitCode: 7, signal: null, limitHit: null, stdout: 'dying', worker: { warm: true, note: 'recycled: the worker ended with the test' } });
    expect((await echo(client, 'again')).exitCode).toBe(0);
  });

  it('reports the status the worker gives, replaces a worker that flags itself, and runs a test cold when told', async () => {
    const { client } = startRunner();
    await client.init({});
    expect(await client.run({ command: cold, limits, worker: worker('status', '3') })).toMatchObject({ exitCode: 3, worker: { warm: true, note: null } });
    const pid = (await echo(client, '')).stdout.split(' ')[0];
    const flagged = await client.run({ command: cold, limits, worker: worker('status', '0', 'threads') });
    expect(flagged.worker).toEqual({ warm: true, note: 'recycled: threads' });
    expect((await echo(client, '')).stdout.split(' ')[0]).not.toBe(pid);
    const rerun = await client.run({ command: cold, stdin: 'in', limits, worker: worker('status', '0', 'cold') });
    expect(rerun).toMatchObject({ stdout: 'cold in', exitCode: 0, worker: { warm: false } });
    expect(rerun.worker?.note).toMatch(/^cold: /);
  });

  it('keeps what a keepOutputs run in the worker writes (a compile), for the tests after it', async () => {
    const { client } = startRunner();
    await client.init({});
    const made = await client.run({ command: cold, limits, keepOutputs: true, worker: worker('make') });
    expect(made).toMatchObject({ exitCode: 0, worker: { warm: true, note: null } });
    const pid = /^pid=(\d+) /.exec((await echo(client, '')).stdout)?.[1];
    expect(pid).toBeDefined();
    const seen = await client.run({ command: py('print(open("made.txt").read())'), limits });
    expect(seen.stdout).toBe(`made by pid ${pid}\n`);
  });

  it('counts the CPU time of child processes the worker started and reaped', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: cold, limits: { ...limits, timeMs: 500, wallMs: 10_000 }, worker: worker('children', '4') });
    expect(out.limitHit).toBe('time');
    expect(out.usage.cpuMs).toBeGreaterThan(500);
  });

  it('counts the CPU time a process still running at the end holds for children it reaped (a shell)', async () => {
    const { client } = startRunner();
    await client.init({});
    const out = await client.run({ command: cold, limits: { ...limits, timeMs: 500, wallMs: 10_000 }, worker: worker('shell') });
    expect(out.limitHit).toBe('time'); // each child alone is under the limit; together they are over it
  });

  it('runs a run cold from a wiped scratch when the worker asks, whatever the warm attempt left there', async () => {
    const { client } = startRunner();
    await client.init({});
    const rerun = await client.run({ command: cold, stdin: 's', limits, worker: worker('squat') });
    expect(rerun).toMatchObject({ stdout: 'cold s', exitCode: 0, worker: { warm: false } });
  });

  it('runs the test cold, and does not hang, when the program filled the request pipe', async () => {
    const { client } = startRunner();
    await client.init({});
    expect((await client.run({ command: cold, limits, worker: worker('stuff') })).exitCode).toBe(0);
    const next = await client.run({ command: cold, stdin: 'x', limits, worker: worker('echo') });
    expect(next).toMatchObject({ stdout: 'cold x', worker: { warm: false } });
    expect(next.worker?.note).toMatch(/^cold: the warm worker failed \(the worker did not take the request/);
    expect((await echo(client, 'y')).stdout).toMatch(/^pid=\d+ stdin=y/); // and a fresh worker after that
  });

  it('kills a worker that answers a status that is not a small integer', async () => {
    const { client } = startRunner();
    await client.init({});
    for (const status of ['\u00b2', '99999999999', '-']) {
      const odd = await client.run({ command: cold, limits, worker: worker('status', status) });
      expect(odd, status).toMatchObject({ exitCode: null, signal: 'SIGKILL', limitHit: null, worker: { warm: true } });
    }
    expect((await echo(client, 'ok')).stdout).toMatch(/stdin=ok/);
  });

  it('never runs a non-confidential run in a worker that has run a confidential one', async () => {
    const { client } = startRunner();
    await client.init({});
    const pidOf = async (confidential: boolean) => {
      const out = await client.run({ command: cold, limits, worker: { ...worker('echo'), confidential } });
      expect(out.worker?.warm).toBe(true);
      return /^pid=(\d+) /.exec(out.stdout)?.[1];
    };
    const first = await pidOf(false);
    expect(await pidOf(false)).toBe(first);
    expect(await pidOf(true)).toBe(first); // public, then hidden: the same worker
    const fresh = await pidOf(false); // hidden, then public: never the worker that held the hidden input
    expect(fresh).not.toBe(first);
    expect(await pidOf(true)).toBe(fresh);
  });

  it('kills a worker that answers garbage', async () => {
    const { client } = startRunner();
    await client.init({});
    const garbage = await client.run({ command: cold, limits, worker: worker('garbage') });
    expect(garbage).toMatchObject({ exitCode: null, signal: 'SIGKILL', limitHit: null });
    expect((await echo(client, 'ok')).stdout).toMatch(/stdin=ok/);
  });

  it('runs every test of the session with its command, and says why, when the worker cannot start', async () => {
    const { client } = startRunner();
    await client.init({});
    const missing = await client.run({ command: cold, stdin: 'a', limits, worker: { command: ['/nonexistent/worker'], args: [] } });
    expect(missing).toMatchObject({ stdout: 'cold a', exitCode: 0, worker: { warm: false } });
    expect(missing.worker?.note).toMatch(/^cold: the warm worker did not start \(cannot run .*nonexistent/);
    const quitter = startRunner().client;
    await quitter.init({});
    const quit = await quitter.run({ command: cold, stdin: 'b', limits, worker: { command: py('import sys; sys.stderr.write("no harness here"); sys.exit(1)'), args: [] } });
    expect(quit).toMatchObject({ stdout: 'cold b', worker: { warm: false, note: 'cold: the warm worker ended before it was ready (no harness here)' } });
    expect((await quitter.run({ command: cold, stdin: 'c', limits, worker: worker('echo') })).worker?.warm).toBe(false); // off for the session
  });
});
