import { spawn } from 'node:child_process';

/** What a finished command did: its exit code and the tail of its combined output (for error messages). */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  outputTail: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with every output line (progress). */
  onLine?: (line: string) => void;
  /** Killed (SIGKILL) after this many ms; default 20 minutes. */
  timeoutMs?: number;
}

const TAIL_CHARS = 4000;

/** Runs a command to completion without a shell, keeping the tail of its output. Never throws for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-TAIL_CHARS);
      if (!options.onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20 * 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial.trim()) options.onLine?.(partial);
      resolve({ code, signal, outputTail: tail });
    });
  });
}
