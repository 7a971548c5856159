import type { LimitHit, RunOutcome, RunRequest, SandboxFiles, WorkerReport } from '../sandbox.js';

/** Version of the JSON-lines protocol between the host and `edgelab_runner.py` (see runner/PROTOCOL.md). */
export const RUNNER_PROTOCOL_VERSION = 1;

/** How long the runner lets a warm worker take to start (`WORKER_BOOT_S` in edgelab_runner.py). */
export const WORKER_START_MS = 10_000;

/** Default process/thread cap of a run when the request gives none. */
export const DEFAULT_PIDS = 64;

/** host → runner: the session's files, sent once. */
export interface InitMessage {
  type: 'init';
  files: Record<string, string>;
}

/** host → runner: one run. Binary fields are base64. */
export interface RunMessage {
  type: 'run';
  id: number;
  argv: string[];
  stdin: string;
  files: Record<string, string>;
  env: Record<string, string>;
  timeMs: number;
  wallMs: number;
  memoryMb: number;
  outputKb: number;
  pids: number;
  addressSpaceMb?: number;
  fileMb?: number;
  keepOutputs: boolean;
  /** A warm worker to run this test in, when possible (`argv` starts it, `args` name the test's program). */
  worker?: { argv: string[]; args: string[]; confidential?: boolean };
}

/** runner → host: the outcome of one run. */
export interface ResultMessage {
  type: 'result';
  id?: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  wallMs: number;
  cpuMs: number;
  memoryKb: number;
  limitHit: LimitHit;
  truncated: boolean;
  /** Why the program could not be started (exec failed: runtime missing), or null. */
  execError?: string | null;
  /** Sent when the run asked for a worker. */
  worker?: WorkerReport;
}

/** Any message the runner sends. */
export type RunnerMessage =
  | { type: 'hello' | 'ready'; version: number; pid: number; init: boolean }
  | ResultMessage
  | { type: 'error'; id?: number; message: string }
  | { type: 'bye' };

/** Base64 of a string (UTF-8) or bytes. */
export function toBase64(data: string | Uint8Array): string {
  return Buffer.from(data as Uint8Array).toString('base64');
}

/** Encodes sandbox files for the wire. */
export function encodeFiles(files: SandboxFiles | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, content] of Object.entries(files ?? {})) out[name] = toBase64(content);
  return out;
}

/** The wall-clock limit a run gets when the request names none: twice the CPU limit plus a second. */
export function defaultWallMs(timeMs: number): number {
  return 2 * timeMs + 1000;
}

/** Builds the `run` message for a request. */
export function encodeRun(id: number, request: RunRequest): RunMessage {
  const { limits } = request;
  const message: RunMessage = {
    type: 'run',
    id,
    argv: [...request.command],
    stdin: toBase64(request.stdin ?? ''),
    files: encodeFiles(request.files),
    env: { ...request.env },
    timeMs: limits.timeMs,
    wallMs: limits.wallMs ?? defaultWallMs(limits.timeMs),
    memoryMb: limits.memoryMb,
    outputKb: limits.outputKb,
    pids: limits.pids ?? DEFAULT_PIDS,
    keepOutputs: request.keepOutputs ?? false,
  };
  if (limits.addressSpaceMb !== undefined) message.addressSpaceMb = limits.addressSpaceMb;
  if (limits.fileMb !== undefined) message.fileMb = limits.fileMb;
  if (request.worker !== undefined) {
    const { command, args, confidential } = request.worker;
    message.worker = { argv: [...command], args: [...args], ...(confidential === true ? { confidential } : {}) };
  }
  return message;
}

/** Turns a `result` message into a {@link RunOutcome}; invalid UTF-8 in the output becomes U+FFFD. */
export function decodeResult(message: ResultMessage): RunOutcome {
  return {
    stdout: Buffer.from(message.stdout, 'base64').toString('utf8'),
    stderr: Buffer.from(message.stderr, 'base64').toString('utf8'),
    exitCode: message.exitCode,
    signal: message.signal,
    usage: { wallMs: message.wallMs, cpuMs: message.cpuMs, memoryKb: message.memoryKb },
    limitHit: message.limitHit,
    truncated: message.truncated,
    ...(message.execError ? { execError: message.execError } : {}),
    ...(message.worker ? { worker: { warm: message.worker.warm, note: message.worker.note ?? null } } : {}),
  };
}
