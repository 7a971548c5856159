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
