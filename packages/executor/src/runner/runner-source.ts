import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Files shipped in the package's `runner/` folder: the runner and the harnesses it runs. */
export type RunnerAsset = 'edgelab_runner.py' | 'edgelab_sql.py' | 'edgelab_unit.py';

const cache = new Map<RunnerAsset, string>();

/** Absolute path of a file in the package's `runner/` folder (works from `src/` and from the built `dist/`). */
export function runnerAssetPath(name: RunnerAsset): string {
  for (const rel of [`../../runner/${name}`, `../runner/${name}`]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`@edgelab/executor: runner/${name} is missing from the package; reinstall @edgelab/executor`);
}

/** The text of a file in the package's `runner/` folder. */
export function runnerAsset(name: RunnerAsset): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(runnerAssetPath(name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** The runner script's source, to start as `python3 -I -S -c <source>` so runtimes never need rebuilding. */
export function runnerSource(): string {
  return runnerAsset('edgelab_runner.py');
}

/**
 * The argv that starts the runner inside a sandbox: `python3 -I -S -c <source> [scratchDir]`. The scratch
 * directory (default `/tmp` when the runner is PID 1) must be the sandbox's writable tmpfs: it is wiped after
 * every run.
 */
export function runnerCommand(options: { python?: string; scratchDir?: string } = {}): string[] {
  const argv = [options.python ?? 'python3', '-I', '-S', '-c', runnerSource()];
  if (options.scratchDir !== undefined) argv.push(options.scratchDir);
  return argv;
}
