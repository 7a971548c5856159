import type { Limits, Verdict } from '@edgelab/core';
import type { LanguageDefinition } from '../languages/language-definition.js';
import type { RunLimits, RunOutcome } from '../sandbox.js';

/** A verdict with the reason shown to the student. */
export interface VerdictWithReason {
  verdict: Verdict;
  message: string;
}

const SIGNAL_HINTS: Record<string, string> = {
  SIGSEGV: 'invalid memory access or a stack overflow (too deep recursion?)',
  SIGABRT: 'the program aborted',
  SIGFPE: 'arithmetic error such as division by zero',
  SIGXFSZ: 'wrote a file larger than allowed',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
};

/** The last non-empty line of a text, cut to a readable length: usually the exception. */
export function lastLine(text: string, max = 300): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const line = lines[lines.length - 1] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The line of stderr that names the error: Java's `Exception in thread ...`, else the last line (Python's). */
export function errorSummary(stderr: string): string {
  const java = stderr.split(/\r?\n/).find((l) => l.startsWith('Exception in thread') || /^Caused by: /.test(l));
  return java !== undefined ? lastLine(java) : lastLine(stderr);
}

/**
 * The verdict of a run that did not finish normally, or undefined when it exited 0 within its limits (then the
 * output decides). Order: a limit the sandbox enforced, an out-of-memory pattern on stderr, a signal, an exit code.
 * `limits` are the test's own limits (for messages); `runLimits` what the sandbox enforced.
 */
export function runVerdict(
  outcome: RunOutcome,
  language: Pick<LanguageDefinition, 'memoryPatterns'>,
  limits: Limits,
  runLimits: RunLimits,
): VerdictWithReason | undefined {
  switch (outcome.limitHit) {
    case 'time': {
      const wallMs = runLimits.wallMs ?? 2 * runLimits.timeMs + 1000;
      if (outcome.usage.cpuMs >= runLimits.timeMs || outcome.usage.wallMs < wallMs) {
        return { verdict: 'time_limit', message: `time limit exceeded: the program used more than ${limits.timeMs} ms of CPU time` };
      }
      return {
        verdict: 'time_limit',
        message: `time limit exceeded: the program ran longer than ${wallMs} ms of real time (waiting for input that never comes, or sleeping?)`,
      };
    }
    case 'memory':
      return { verdict: 'memory_limit', message: `memory limit exceeded: the program needed more than ${limits.memoryMb} MB` };
    case 'output':
      return { verdict: 'output_limit', message: `output limit exceeded: the program printed more than ${limits.outputKb} KB` };
    default:
      break;
  }
  if (outcome.exitCode !== 0 && language.memoryPatterns.some((p) => p.test(outcome.stderr))) {
    return { verdict: 'memory_limit', message: `memory limit exceeded: ${errorSummary(outcome.stderr) || 'out of memory'} (limit ${limits.memoryMb} MB)` };
  }
  if (outcome.signal !== null) {
    const hint = SIGNAL_HINTS[outcome.signal];
    return { verdict: 'runtime_error', message: `the program was killed by ${outcome.signal}${hint === undefined ? '' : `: ${hint}`}` };
  }
  if (outcome.exitCode !== 0) {
    const detail = errorSummary(outcome.stderr);
    return { verdict: 'runtime_error', message: `the program exited with code ${outcome.exitCode}${detail === '' ? '' : `: ${detail}`}` };
  }
  return undefined;
}
