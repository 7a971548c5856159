import type { LanguageId, Limits } from '@edgelab/core';
import type { RunLimits, WorkerRequest } from '../sandbox.js';

/** What the judge needs to know about one step (compile or run) of a language. */
export interface LanguageStep {
  /** argv for the step, given the test's limits and the submission's file names. */
  command(limits: Limits, files: readonly string[]): string[];
  /** The runner limits for the step: where a language adds time for startup or maps memory onto flags. */
  limits(limits: Limits): RunLimits;
  /**
   * A warm worker that runs the step faster than `command` and exactly like it (the runner falls back to
   * `command` whenever the worker cannot be used); absent when every run is its own process. For `compile`,
   * `limits` are the first test's, so that the compile and the tests can share one worker.
   */
  worker?(limits: Limits, files: readonly string[]): WorkerRequest;
}

/**
 * One language as data: where its runtime comes from, which file is the student's, how to compile and run it,
 * and which stderr patterns mean "out of memory". The judge is written once against this shape.
 */
export interface LanguageDefinition {
  id: LanguageId;
  /** Shown to people, e.g. `Python 3.11`. */
  displayName: string;
  /** Docker image with the runtime, e.g. `edgelab/python:bookworm` (see images/runtime-images.ts). */
  image: string;
  /** Root file system directory name under `$EDGELAB_ROOTFS_DIR` for the bubblewrap backend. */
  rootfs: string;
  /** The file a one-string submission is saved as. */
  mainFile: string;
  /** File names a multi-file submission may use (checked by `validateSubmission`). */
  filePattern: RegExp;
  /** Compiled once per submission with `keepOutputs`; absent for interpreted languages. */
  compile?: LanguageStep;
  /** How an `io` test runs the program. */
  run: LanguageStep;
  /** stderr patterns meaning the program ran out of memory (→ `memory_limit`). */
  memoryPatterns: readonly RegExp[];
  /** Memory the sandbox needs beyond the test's limit (runtime overhead outside the limit, the runner), in MiB. */
  sessionOverheadMb: number;
}

/** CPU time limit plus a fixed startup allowance; wall limit derived from both. */
export function withStartup(limits: Limits, extraTimeMs: number): Pick<RunLimits, 'timeMs' | 'wallMs'> {
  const timeMs = limits.timeMs + extraTimeMs;
  return { timeMs, wallMs: 2 * timeMs + 1000 };
}
