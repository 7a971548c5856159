import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EdgeLabError, type LanguageId } from '@edgelab/core';
import { defaultRootfsDir } from '../images/runtime-images.js';
import { findLanguage, LANGUAGES, type LanguageRegistry } from '../languages/language-registry.js';
import { RunnerClient } from '../runner/runner-client.js';
import { runnerSource } from '../runner/runner-source.js';
import type { RunOutcome, RunRequest, Sandbox, SandboxSession, SessionSpec } from '../sandbox.js';
import { seccompFilter } from './seccomp-filter.js';
import { detectCgroupMode, SessionCgroup, type CgroupMode } from './session-cgroup.js';

/** Where the runtime root file systems live when neither the options nor `$EDGELAB_ROOTFS_DIR` say otherwise. */
export const DEFAULT_ROOTFS_DIR = '/var/lib/edgelab/rootfs';
/** The unprivileged user sandboxed code runs as when EdgeLab itself runs as root (`nobody`). */
export const SANDBOX_UID = 65534;
const RUNNER_OVERHEAD_MB = 48;
const SESSION_PIDS = 256;

/** Options for {@link createBwrapSandbox}. */
export interface BwrapSandboxOptions {
  /**
   * Directory holding one root file system per language (`<dir>/python`, ...); default `$EDGELAB_ROOTFS_DIR`, else
   * {@link DEFAULT_ROOTFS_DIR} (the same place `edgelab images build` writes to: `defaultRootfsDir()`).
   */
  rootfsDir?: string;
  /**
   * Development only: use the host's own `/usr` (read-only) instead of the pinned root file systems. Results can
   * differ from the Docker backend's; never the default.
   */
  hostRuntime?: boolean;
  /** The bubblewrap binary; default `bwrap` on PATH. */
  bwrapPath?: string;
  /** `auto` (default) uses cgroups when EdgeLab runs as root and the host allows it; `off` relies on rlimits only. */
  cgroups?: 'auto' | 'off';
  /** Language definitions (runtime names); default the built-in ones. */
  languages?: LanguageRegistry;
  /** Load the seccomp deny-list (`seccomp-filter.ts`); default true where one exists (x86-64). */
  seccomp?: boolean;
  /**
   * Started, idle sandboxes kept ready per language (runner up, no files yet), hiding the namespace and runner
   * start-up from the next submission. Refilled in the background when a session ends, so the start-up never
   * competes with a submission's tests. Default 1; 0 disables the pool. Only sessions with the default scratch
   * size are pooled.
   */
  poolSize?: number;
}

/** Size of the writable scratch tmpfs when the session spec names none, in MiB. */
export const DEFAULT_SCRATCH_MB = 64;
/** Memory a pooled session's cgroup starts with, until a session spec sets the real limit. */
const POOL_PROVISIONAL_MB = 256;

function bwrapBinary(options: BwrapSandboxOptions): string {
  return options.bwrapPath ?? 'bwrap';
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The argv prefix that drops root before bubblewrap runs: sandboxed code must never be host root. */
function dropPrivileges(): string[] {
  if (!isRoot()) return [];
  return [
    'setpriv',
    `--reuid=${SANDBOX_UID}`,
    `--regid=${SANDBOX_UID}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--no-new-privs',
  ];
}

/**
 * Checks that bubblewrap can create the namespaces a session needs (user, pid, net, ...), as the unprivileged
 * user sandboxed code runs as. Resolves `{ ok: false, reason }` with a fix when it cannot.
 */
export function probeBwrap(options: BwrapSandboxOptions = {}): { ok: true } | { ok: false; reason: string } {
  const argv = [
    ...dropPrivileges(),
    bwrapBinary(options),
    '--unshare-all',
    '--die-with-parent',
    '--as-pid-1',
    '--ro-bind',
    '/usr',
    '/usr',
    '--symlink',
    'usr/bin',
    '/bin',
    '--symlink',
    'usr/lib',
    '/lib',
    '--symlink',
    'usr/lib64',
    '/lib64',
    '/usr/bin/true',
  ];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    return { ok: false, reason: `cannot start ${argv[0]}: ${result.error.message} (install bubblewrap: apt-get install bubblewrap)` };
  }
  if (result.status !== 0) {
    return {
      ok: false,
      reason: `bubblewrap cannot create namespaces here (${(result.stderr || `exit ${result.status}`).trim()}); enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0) or run EdgeLab in a VM`,
    };
  }
  return { ok: true };
}

/** True when a root file system has the parts of the Python standard library the runner needs. */
export function rootfsHasRunnerStdlib(root: string): boolean {
  return ['json/__init__.py', 'base64.py', 'shutil.py'].every((f) => existsSync(join(root, 'usr', 'lib', 'python3.11', f)));
}

let sandboxCounter = 0;

/**
 * The daemonless sandbox backend: one bubblewrap namespace set per submission (user, pid, net, ipc, uts, mount),
 * a read-only runtime root file system, a size-limited private tmpfs as the only writable place, the runner as
 * PID 1, sandboxed code as an unprivileged user, and a cgroup per session (memory without swap, pids, one CPU)
 * when the host allows it.
 */
export class BwrapSandbox implements Sandbox {
  readonly backend = 'bwrap' as const;
  /** Prefix of every cgroup this instance creates (leftover checks). */
  readonly id: string;
  readonly cgroupMode: CgroupMode;
  /** Where the root file systems are read from (the option, else `$EDGELAB_ROOTFS_DIR`, else the default). */
  readonly rootfsDir: string;
  private readonly options: BwrapSandboxOptions;
  private readonly languages: LanguageRegistry;
  /** Every live session: handed out or waiting in the pool. */
  private readonly sessions = new Set<BwrapSession>();
  /** Disposed sessions whose namespaces are still being torn down and cgroups removed; `close()` waits for them. */
  private readonly teardowns = new Set<Promise<void>>();
  private readonly pool = new Map<LanguageId, BwrapSession[]>();
  private closed = false;
  private probed: { ok: true } | { ok: false; reason: string } | undefined;
  private counter = 0;

  constructor(options: BwrapSandboxOptions = {}) {
    this.options = options;
    this.languages = options.languages ?? LANGUAGES;
    this.id = `s${process.pid}-${++sandboxCounter}-`;
    this.cgroupMode = options.cgroups === 'off' ? 'none' : detectCgroupMode();
    this.rootfsDir = options.rootfsDir ?? defaultRootfsDir();
  }

  /** The root directory a language's runtime is bound from, or null with the host runtime. */
  runtimeRoot(language: LanguageId): string | null {
    if (this.options.hostRuntime === true) return null;
    const definition = findLanguage(language, this.languages);
    return join(this.rootfsDir, definition?.rootfs ?? language);
  }

  async ensureReady(language: LanguageId): Promise<void> {
    if (findLanguage(language, this.languages) === undefined) {
      throw new EdgeLabError({ code: 'LANGUAGE_UNSUPPORTED', message: `bwrap sandbox: no runtime for language "${language}"` });
    }
    this.probed ??= probeBwrap(this.options);
    if (!this.probed.ok) throw new EdgeLabError({ code: 'SANDBOX_UNAVAILABLE', message: `bwrap sandbox: ${this.probed.reason}` });
    const root = this.runtimeRoot(language);
    if (root !== null && !existsSync(join(root, 'usr', 'bin', 'python3'))) {
      throw new EdgeLabError({
        code: 'SANDBOX_IMAGE_MISSING',
        message: `bwrap sandbox: the ${language} root file system is missing at ${root}; build it with \`pnpm edgelab images build --offline\` (or set EDGELAB_ROOTFS_DIR to where it was built)`,
      });
    }
    if (root !== null && !rootfsHasRunnerStdlib(root)) {
      throw new EdgeLabError({
        code: 'SANDBOX_IMAGE_MISSING',
        message: `bwrap sandbox: the ${language} root file system at ${root} has no full Python standard library (the runner needs json, select, resource: install "python3", not only "python3-minimal"); rebuild it with \`pnpm edgelab images build --offline\``,
      });
    }
  }

  async openSession(spec: SessionSpec): Promise<SandboxSession> {
    await this.ensureReady(spec.language);
    const scratchMb = spec.scratchMb ?? DEFAULT_SCRATCH_MB;
    const memoryMb = spec.maxMemoryMb + scratchMb + RUNNER_OVERHEAD_MB;
    const warm = scratchMb === DEFAULT_SCRATCH_MB ? this.pool.get(spec.language)?.shift() : undefined;
    if (warm !== undefined) {
      try {
        warm.setMemoryLimit(memoryMb);
        await warm.init(spec.files);
        return warm;
      } catch {
        // The idle sandbox died or the host refused the new limit: start a fresh one instead.
        await warm.dispose();
      }
    }
    // The pool is refilled when a session ends (see `released`), not here: starting a sandbox costs tens of ms of
    // CPU that would compete with this submission's tests.
    const session = this.spawnSession(spec.language, scratchMb, memoryMb);
    try {
      await session.init(spec.files);
    } catch (error) {
      await session.dispose();
      throw error;
    }
    return session;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.clear();
    await Promise.all([...this.sessions].map((s) => s.dispose()));
    while (this.teardowns.size > 0) await Promise.all([...this.teardowns]);
  }

  /** Sessions handed out and not yet disposed (idle pooled sandboxes are not counted). */
  get openSessions(): number {
    let pooled = 0;
    for (const list of this.pool.values()) pooled += list.length;
    return this.sessions.size - pooled;
  }

  /** Tops the language's pool up to `poolSize` idle sandboxes, started now in the background. */
  private refill(language: LanguageId): void {
    const size = this.options.poolSize ?? 1;
    if (this.closed || size <= 0) return;
    const list = this.pool.get(language) ?? [];
    this.pool.set(language, list);
    while (list.length < size) {
      let session: BwrapSession;
      try {
        session = this.spawnSession(language, DEFAULT_SCRATCH_MB, POOL_PROVISIONAL_MB + DEFAULT_SCRATCH_MB + RUNNER_OVERHEAD_MB);
      } catch {
        return; // the next openSession starts one itself and reports the problem
      }
      list.push(session);
      session.onceDead(() => {
        const i = list.indexOf(session);
        if (i !== -1) list.splice(i, 1);
      });
    }
  }

  /**
   * A session was disposed: it no longer counts as open; its teardown (`gone`) is tracked for `close()`; and a
   * pooled language's pool is topped up once the caller has its result (the next macrotask), off the grade's
   * critical path.
   */
  private released(session: BwrapSession, gone: Promise<void>, language: LanguageId, poolable: boolean): void {
    this.sessions.delete(session);
    const tracked = gone.finally(() => this.teardowns.delete(tracked));
    this.teardowns.add(tracked);
    if (poolable && !this.closed) setImmediate(() => this.refill(language));
  }

  private spawnSession(language: LanguageId, scratchMb: number, memoryMb: number): BwrapSession {
    const name = `${this.id}${++this.counter}`;
    let cgroup: SessionCgroup | undefined;
    if (this.cgroupMode !== 'none') {
      try {
        cgroup = SessionCgroup.create(this.cgroupMode, name, { memoryMb, pids: SESSION_PIDS });
      } catch (error) {
        throw new EdgeLabError({
          code: 'SANDBOX_FAILED',
          message: `bwrap sandbox: cannot create cgroup ${name}: ${(error as Error).message}`,
          cause: error,
        });
      }
    }
    const seccomp = this.options.seccomp === false ? null : seccompFilter();
    const session = new BwrapSession(name, this.bwrapArgv(language, scratchMb, seccomp !== null), seccomp, cgroup, (gone) =>
      this.released(session, gone, language, scratchMb === DEFAULT_SCRATCH_MB),
    );
    this.sessions.add(session);
    session.spawn();
    return session;
  }

  private bwrapArgv(language: LanguageId, scratchMb: number, seccomp: boolean): string[] {
    const root = this.runtimeRoot(language);
    const fs: string[] = [];
    if (root === null) {
      fs.push('--ro-bind', '/usr', '/usr');
      for (const dir of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
        if (existsSync(`/usr/${dir}`)) fs.push('--symlink', `usr/${dir}`, `/${dir}`);
      }
      for (const dir of ['/etc/alternatives', '/etc/java-17-openjdk', '/etc/ssl/certs']) {
        if (existsSync(dir)) fs.push('--ro-bind', dir, dir);
      }
    } else {
      fs.push('--ro-bind', root, '/');
    }
    return [
      ...dropPrivileges(),
      bwrapBinary(this.options),
      '--unshare-all',
      '--unshare-user',
      // No nested user namespaces: the kernel code they expose is a classic privilege-escalation surface.
      '--disable-userns',
      '--die-with-parent',
      '--new-session',
      '--as-pid-1',
      '--hostname',
      'edgelab',
      ...fs,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      // The IPC namespace's POSIX message queues, visible so the runner can remove them after every run.
      '--mqueue',
      '/dev/mqueue',
      '--remount-ro',
      '/dev',
      '--size',
      String(scratchMb * 1024 * 1024),
      '--tmpfs',
      '/tmp',
      ...(root === null ? ['--remount-ro', '/'] : []),
      ...(seccomp ? ['--seccomp', String(SECCOMP_FD)] : []),
      '--chdir',
      '/tmp',
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/local/bin:/usr/bin:/bin',
      '--setenv',
      'LANG',
      'C.UTF-8',
      '/usr/bin/python3',
      '-I',
      '-S',
      '-c',
      runnerSource(),
      '/tmp',
    ];
  }
}

/** The descriptor bwrap reads the seccomp program from (the fourth stdio entry of the spawned process). */
const SECCOMP_FD = 3;
const JOIN_CGROUP = 'for f in $EDGELAB_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; exec "$@"';

class BwrapSession implements SandboxSession {
  private child: ChildProcess | undefined;
  private client: RunnerClient | undefined;
  private stderr = '';
  private exited: Promise<void> = Promise.resolve();
  private disposed = false;
  private disposing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly argv: string[],
    private readonly seccomp: Buffer | null,
    private readonly cgroup: SessionCgroup | undefined,
    /** Called once the sandbox is killed, with the rest of its teardown (exit, cgroup removal) still running. */
    private readonly onDispose: (gone: Promise<void>) => void,
  ) {}

  /** Starts bwrap and the runner; `init` then sends the files. Split so the pool can start sandboxes ahead. */
  spawn(): void {
    const child = spawn('/bin/sh', ['-c', JOIN_CGROUP, 'edgelab-bwrap', ...this.argv], {
      stdio: this.seccomp === null ? ['pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', EDGELAB_CGROUP_PROCS: this.cgroup?.procsFiles.join(' ') ?? '' },
    });
    this.child = child;
    if (this.seccomp !== null) {
      const fd = child.stdio[SECCOMP_FD] as Writable;
      fd.on('error', () => undefined); // bwrap failing early is reported through the runner's absence
      fd.end(this.seccomp);
    }
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += chunk.toString('utf8');
    });
    child.once('exit', (code) => {
      if (code === 97) this.stderr += `could not join cgroup ${this.name}`;
    });
    child.once('error', (error) => {
      this.stderr += `cannot start the sandbox: ${error.message}`;
    });
    this.client = new RunnerClient({
      input: child.stdin as Writable,
      output: child.stdout as Readable,
      label: `bwrap session ${this.name}`,
      diagnostics: () => this.stderr,
    });
  }

  /** Sends the session's files; resolves when the runner is ready. */
  async init(files: SessionSpec['files']): Promise<void> {
    if (this.client === undefined || this.disposed) {
      throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: `bwrap session ${this.name}: not started` });
    }
    await this.client.init(files);
  }

  /** Sets the session's cgroup memory limit (pooled sandboxes start with a provisional one). */
  setMemoryLimit(memoryMb: number): void {
    this.cgroup?.setMemoryLimit(memoryMb);
  }

  /** Calls `listener` when the sandbox process exits (an idle pooled sandbox that died leaves the pool). */
  onceDead(listener: () => void): void {
    this.exited.then(listener, listener);
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    if (this.disposed || this.client === undefined) {
      throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: `bwrap session ${this.name}: run after dispose` });
    }
    const oomBefore = this.cgroup?.oomKills() ?? 0;
    const outcome = await this.client.run(request);
    if (outcome.limitHit === null && this.cgroup !== undefined && this.cgroup.oomKills() > oomBefore) {
      // The session's cgroup ran out of memory and the kernel killed the test: a memory verdict.
      return { ...outcome, limitHit: 'memory' };
    }
    return outcome;
  }

  /**
   * Safe to call twice. When the runner says goodbye it has killed every process left in the sandbox and wiped
   * the scratch space, so nothing the student started runs any more: the sandbox is killed and `dispose`
   * resolves, while the kernel's namespace teardown (10-50 ms here) and the cgroup removal finish in the
   * background (`BwrapSandbox.close()` waits for them), as the Docker backend removes its container. When the
   * runner does not say goodbye (broken, busy, timed out), `dispose` waits for the whole teardown.
   */
  dispose(): Promise<void> {
    this.disposing ??= this.stop();
    return this.disposing;
  }

  private async stop(): Promise<void> {
    this.disposed = true;
    let clean = false;
    let gone: Promise<void> = Promise.resolve();
    try {
      clean = (await this.client?.close(1000)) ?? false;
    } finally {
      this.child?.kill('SIGKILL');
      gone = this.teardown();
      this.onDispose(gone);
    }
    if (!clean) await gone;
  }

  /** Waits for the sandbox to exit, then kills whatever is left in its cgroup and removes it. Never rejects. */
  private async teardown(): Promise<void> {
    try {
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
      await this.cgroup?.destroy();
    } catch {
      // cleanup: a cgroup the host refuses to remove is reported by the leftover checks
    }
  }
}

/** Creates the bubblewrap backend. See {@link BwrapSandbox}. */
export function createBwrapSandbox(options: BwrapSandboxOptions = {}): BwrapSandbox {
  return new BwrapSandbox(options);
}
