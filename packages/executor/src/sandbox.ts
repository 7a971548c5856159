import type { LanguageId, RunUsage } from '@edgelab/core';

/** Which sandbox backend runs code. `auto` picks Docker when usable, else bubblewrap, else fails. */
export type SandboxBackendName = 'docker' | 'bwrap';
/** A backend name, or `auto`. */
export type SandboxChoice = SandboxBackendName | 'auto';

/** Files to place in the sandbox: relative path → content. */
export type SandboxFiles = Record<string, string | Uint8Array>;

/** Limits of one run inside a sandbox session. */
export interface RunLimits {
  /** CPU-time limit in ms; the wall-clock limit is derived from it (see `wallMs`). */
  timeMs: number;
  /** Wall-clock limit in ms; default `2 * timeMs + 1000`. */
  wallMs?: number;
  /** Memory limit in MiB. */
  memoryMb: number;
  /** Cap on stdout + stderr together, in KiB; output past it is discarded and the run is stopped. */
  outputKb: number;
  /** Max processes/threads; default 64. */
  pids?: number;
  /**
   * Address-space cap (RLIMIT_AS) in MiB for the program, when the language's memory strategy uses one
   * (Python: a clean `MemoryError` instead of an OOM kill). Unset for runtimes that reserve large virtual
   * ranges (the JVM); the container/cgroup limit is the backstop.
   */
  addressSpaceMb?: number;
  /** Largest file the program may write, in MiB (RLIMIT_FSIZE); default 64. */
  fileMb?: number;
}

/** Which limit stopped a run, if any. */
export type LimitHit = 'time' | 'memory' | 'output' | null;

/**
 * A warm worker for a run: one long-lived process per session that runs each test itself, so tests skip the
 * runtime's start-up (Java: one JVM, a fresh class loader per test). The run's `command` stays the reference: the
 * runner falls back to it, in a process of its own, whenever the worker cannot start or cannot run the test
 * faithfully (see runner/PROTOCOL.md, "Warm workers").
 */
export interface WorkerRequest {
  /** argv that starts the worker; a worker is reused while this (and the run's env and limits) stay the same. */
  command: readonly string[];
  /** What the worker runs for this test (Java: the main class, then the program's arguments). */
  args: readonly string[];
  /**
   * The run's input is confidential (a hidden test's): once a worker has run a confidential run, it never runs a
   * run that is not (a public test, whose output is shown); that run gets a fresh worker. The judge runs public
   * tests first, so in the usual order one worker serves them all.
   */
  confidential?: boolean;
}

/** Whether a run went through a warm worker, and why not or what followed. */
export interface WorkerReport {
  /** True when the run's result came from the warm worker. */
  warm: boolean;
  /** Why the run went cold, or why the worker was replaced after it; null when neither happened. */
  note: string | null;
}

/** One command to run in a session. */
export interface RunRequest {
  /** argv; resolved with the runtime's PATH. */
  command: readonly string[];
  /** Data for the program's stdin. */
  stdin?: string;
  /** Extra files for this run only, written into the run's working directory beside the session files. */
  files?: SandboxFiles;
  limits: RunLimits;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /**
   * When true, files the run creates in its working directory are kept and copied into every later run of
   * the session (how a compile step hands its output, e.g. `.class` files, to the tests). Default false:
   * every run starts from the pristine session files and leaves nothing behind.
   */
  keepOutputs?: boolean;
  /** Run in the session's warm worker when possible (with `keepOutputs`, what the worker writes is kept too). */
  worker?: WorkerRequest;
}

/** What one run did. Never throws for anything the program does: a crash is an outcome. */
export interface RunOutcome {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** Signal name (e.g. `SIGKILL`, `SIGSEGV`) when the process was killed by one. */
  signal: string | null;
  usage: RunUsage;
  /** The limit that stopped the run, if one did. */
  limitHit: LimitHit;
  /** True when stdout/stderr were cut at the output cap. */
  truncated: boolean;
  /**
   * Set when the command could not be started at all (exec failed: the runtime lacks the program). That is an
   * infrastructure fault, unlike a program that exits 127 by itself; the judge treats it as `SANDBOX_FAILED`.
   */
  execError?: string;
  /** Present when the request asked for a warm worker: whether it was used. */
  worker?: WorkerReport;
}

/** What a session needs: which runtime and the submission's files. */
export interface SessionSpec {
  language: LanguageId;
  /** Files every run sees read-only in its working directory (the student's code, support files). */
  files: SandboxFiles;
  /** The largest memory limit any run in this session will use, in MiB (sizes the container). */
  maxMemoryMb: number;
  /** Size of the writable scratch tmpfs in MiB; default 64. */
  scratchMb?: number;
}

/**
 * One isolated environment for one submission: created once, then each test runs in it, each run in a fresh
 * working directory with every leftover process killed between runs.
 */
export interface SandboxSession {
  run(request: RunRequest): Promise<RunOutcome>;
  /** Removes the environment and everything in it. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * A sandbox backend: Docker, bubblewrap, or a fake for tests of the layers above. The judging pipeline is
 * written once against this interface.
 *
 * Infrastructure faults (daemon gone, image missing, runner died) throw `EdgeLabError` with code
 * `SANDBOX_FAILED`, `SANDBOX_UNAVAILABLE` or `SANDBOX_IMAGE_MISSING`: they are never the student's fault.
 */
export interface Sandbox {
  readonly backend: SandboxBackendName | 'fake';
  /** Checks the backend can run the language now (daemon reachable, image present); throws a clear error if not. */
  ensureReady(language: LanguageId): Promise<void>;
  openSession(spec: SessionSpec): Promise<SandboxSession>;
  /** Releases resources (pools, connections). */
  close(): Promise<void>;
}
