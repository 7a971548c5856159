import type { Readable, Writable } from 'node:stream';
import { EdgeLabError } from '@edgelab/core';
import type { RunOutcome, RunRequest, SandboxFiles } from '../sandbox.js';
import {
  decodeResult,
  encodeFiles,
  encodeRun,
  RUNNER_PROTOCOL_VERSION,
  WORKER_START_MS,
  type RunnerMessage,
} from './runner-protocol.js';

/** Options for {@link RunnerClient}. */
export interface RunnerClientOptions {
  /** The runner's stdin. */
  input: Writable;
  /** The runner's stdout. */
  output: Readable;
  /** Names the sandbox in error messages, e.g. `bwrap session 3`. */
  label?: string;
  /** How long the runner may take to answer `init` (container start included); default 30 s. */
  readyTimeoutMs?: number;
  /** Slack past a run's wall limit before the runner counts as hung; default 15 s. */
  graceMs?: number;
  /** Extra detail for error messages when the runner dies (e.g. the sandbox's stderr so far). */
  diagnostics?: () => string;
}

interface Waiter {
  accept: (message: RunnerMessage) => boolean;
  resolve: (message: RunnerMessage) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Speaks the runner protocol (runner/PROTOCOL.md) over any pair of streams, so every backend that can start
 * `python3 -c <runnerSource()>` with piped stdio shares the same runner. Runs are serialised. Any runner fault
 * (death, garbage, hang) rejects with `EdgeLabError('SANDBOX_FAILED')`: never the student's fault.
 *
 * ### Examples
 * ```ts
 * const child = spawn('python3', runnerCommand().slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
 * const runner = new RunnerClient({ input: child.stdin, output: child.stdout });
 * await runner.init({ 'solution.py': 'print(input())' });
 * const outcome = await runner.run({ command: ['python3', 'solution.py'], stdin: '42\n', limits });
 * ```
 */
export class RunnerClient {
  private readonly options: RunnerClientOptions;
  private readonly waiters: Waiter[] = [];
  private pending: Buffer[] = [];
  private failure: EdgeLabError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(options: RunnerClientOptions) {
    this.options = options;
    options.output.on('data', (chunk: Buffer) => this.onData(chunk));
    options.output.on('end', () => this.fail('the runner closed its output (it exited or was killed)'));
    options.output.on('error', (error) => this.fail(`reading from the runner failed: ${error.message}`, error));
    options.input.on('error', (error) => this.fail(`writing to the runner failed: ${error.message}`, error));
  }

  /** True once the runner died or misbehaved; the session is unusable. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Sends the session's files and waits until the runner is ready. */
  init(files: SandboxFiles): Promise<void> {
    return this.serial(async () => {
      const ready = this.expect((m) => m.type === 'ready' || m.type === 'error', this.options.readyTimeoutMs ?? 30_000);
      this.send({ type: 'init', files: encodeFiles(files) });
      const message = await ready;
      if (message.type === 'error') throw this.fault(`the runner rejected the session files: ${message.message}`);
      if (message.type === 'ready' && message.version !== RUNNER_PROTOCOL_VERSION) {
        throw this.fault(`runner protocol version ${message.version}, expected ${RUNNER_PROTOCOL_VERSION}`);
      }
    });
  }

  /** Runs one command; resolves with what the program did (a crash is an outcome, not an error). */
  run(request: RunRequest): Promise<RunOutcome> {
    return this.serial(async () => {
      const id = this.nextId++;
      const message = encodeRun(id, request);
      // A warm worker may first have to start (up to 10 s) and the run may then be run again cold: twice the wall.
      const runnerMs = message.worker === undefined ? message.wallMs : 2 * message.wallMs + WORKER_START_MS;
      const reply = this.expect((m) => (m.type === 'result' || m.type === 'error') && m.id === id, runnerMs + (this.options.graceMs ?? 15_000));
      this.send(message);
      const answer = await reply;
      if (answer.type === 'error') throw this.fault(`the runner failed to run ${JSON.stringify(request.command)}: ${answer.message}`);
      if (answer.type !== 'result') throw this.fault(`unexpected runner message ${answer.type}`);
      return decodeResult(answer);
    });
  }

  /**
   * Asks the runner to clean up and exit; waits briefly for it. Safe to call twice and on a broken runner.
   * Resolves true when the runner said goodbye, i.e. it killed every process left and wiped the writable places.
   */
  async close(timeoutMs = 2000): Promise<boolean> {
    if (this.closed) return false;
    this.closed = true;
    if (this.failure !== undefined) return false;
    if (this.waiters.length > 0) {
      // A run is in flight: closing means stopping it, so the backend can kill the sandbox right away.
      this.fail('the session was closed while a run was in progress');
      return false;
    }
    try {
      const bye = this.expect((m) => m.type === 'bye', timeoutMs);
      this.send({ type: 'exit' });
      await bye;
      return true;
    } catch {
      // The backend kills the sandbox anyway; a runner that does not say goodbye changes nothing.
      return false;
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(message: object): void {
    if (this.failure !== undefined) throw this.failure;
    this.options.input.write(`${JSON.stringify(message)}\n`);
  }

  private expect(accept: (m: RunnerMessage) => boolean, timeoutMs: number): Promise<RunnerMessage> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<RunnerMessage>((resolve, reject) => {
      const waiter: Waiter = { accept, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.fail(`the runner did not answer within ${timeoutMs} ms`);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      this.pending.push(chunk.subarray(start, newline));
      const line = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      this.onLine(line);
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let message: RunnerMessage;
    try {
      message = JSON.parse(line) as RunnerMessage;
    } catch {
      this.fail(`the runner sent a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (message.type === 'error' && message.id === undefined && this.waiters.length === 0) {
      this.fail(`runner error: ${message.message}`);
      return;
    }
    const index = this.waiters.findIndex((w) => w.accept(message));
    if (index === -1) return; // `hello` and other unsolicited notices
    const [waiter] = this.waiters.splice(index, 1);
    if (waiter === undefined) return;
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }

  private fault(reason: string, cause?: unknown): EdgeLabError {
    const extra = this.options.diagnostics?.().trim();
    const where = this.options.label ?? 'sandbox runner';
    return new EdgeLabError({
      code: 'SANDBOX_FAILED',
      message: `${where}: ${reason}${extra ? ` (${extra.slice(-2000)})` : ''}`,
      cause,
    });
  }

  private fail(reason: string, cause?: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = this.fault(reason, cause);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
    }
  }
}
