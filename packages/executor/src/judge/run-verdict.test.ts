import { describe, expect, it } from 'vitest';
import { java } from '../languages/java.js';
import { python } from '../languages/python.js';
import type { RunOutcome } from '../sandbox.js';
import { errorSummary, runVerdict } from './run-verdict.js';

const limits = { timeMs: 1000, memoryMb: 128, outputKb: 64 };
const runLimits = { ...limits, wallMs: 3000 };
const ok: RunOutcome = { stdout: '', stderr: '', exitCode: 0, signal: null, usage: { wallMs: 10, cpuMs: 10, memoryKb: 1000 }, limitHit: null, truncated: false };

describe('runVerdict', () => {
  it('leaves a clean exit to the output comparison', () => {
    expect(runVerdict(ok, python, limits, runLimits)).toBeUndefined();
  });

  it('maps the limit the sandbox hit, before anything else', () => {
    expect(runVerdict({ ...ok, limitHit: 'time', signal: 'SIGKILL', exitCode: null, usage: { wallMs: 1100, cpuMs: 1050, memoryKb: 0 } }, python, limits, runLimits)?.message).toBe(
      'time limit exceeded: the program used more than 1000 ms of CPU time',
    );
    expect(runVerdict({ ...ok, limitHit: 'time', usage: { wallMs: 3100, cpuMs: 5, memoryKb: 0 } }, python, limits, runLimits)?.message).toMatch(/longer than 3000 ms of real time/);
    expect(runVerdict({ ...ok, limitHit: 'memory', signal: 'SIGKILL' }, python, limits, runLimits)).toEqual({ verdict: 'memory_limit', message: 'memory limit exceeded: the program needed more than 128 MB' });
    expect(runVerdict({ ...ok, limitHit: 'output', stderr: 'MemoryError' }, python, limits, runLimits)?.verdict).toBe('output_limit');
  });

  it('reads out-of-memory from the runtime’s own error', () => {
    const py = runVerdict({ ...ok, exitCode: 1, stderr: 'Traceback (most recent call last):\n  File "x"\nMemoryError\n' }, python, limits, runLimits);
    expect(py?.verdict).toBe('memory_limit');
    const jv = runVerdict({ ...ok, exitCode: 1, stderr: 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat Main.main(Main.java:3)\n' }, java, limits, runLimits);
    expect(jv).toEqual({ verdict: 'memory_limit', message: 'memory limit exceeded: Exception in thread "main" java.lang.OutOfMemoryError: Java heap space (limit 128 MB)' });
  });

  it('names signals and exit codes with the error line', () => {
    expect(runVerdict({ ...ok, exitCode: null, signal: 'SIGSEGV' }, python, limits, runLimits)?.message).toMatch(/killed by SIGSEGV: .*stack overflow/);
    expect(runVerdict({ ...ok, exitCode: 1, stderr: 'Traceback\n  File "solution.py", line 1\nZeroDivisionError: division by zero\n' }, python, limits, runLimits)).toEqual({
      verdict: 'runtime_error',
      message: 'the program exited with code 1: ZeroDivisionError: division by zero',
    });
    expect(runVerdict({ ...ok, exitCode: 2 }, python, limits, runLimits)?.message).toBe('the program exited with code 2');
  });

  it('does not call a MemoryError printed by a program that exited 0 a memory verdict', () => {
    expect(runVerdict({ ...ok, stderr: 'MemoryError' }, python, limits, runLimits)).toBeUndefined();
  });
});

describe('errorSummary', () => {
  it('prefers the Java exception line over the stack trace', () => {
    expect(errorSummary('Exception in thread "main" java.lang.ArithmeticException: / by zero\n\tat Main.main(Main.java:5)\n')).toBe(
      'Exception in thread "main" java.lang.ArithmeticException: / by zero',
    );
  });
});
