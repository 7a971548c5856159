import { PassThrough, type Writable } from 'node:stream';
import { EdgeLabError, type LanguageId } from '@edgelab/core';
import { IMAGE_STAMP_LABEL, readRuntimeRecipe, runtimeImageName } from '../images/runtime-images.js';
import { RunnerClient } from '../runner/runner-client.js';
import { runnerCommand } from '../runner/runner-source.js';
import type { RunOutcome, RunRequest, Sandbox, SandboxSession, SessionSpec } from '../sandbox.js';
import {
  createDockerClient,
  describeDockerEndpoint,
  type DockerClient,
  type DockerConnectionOptions,
  type DockerContainer,
  type DockerImageInspect,
} from './docker-client.js';
import { dockerStatus, dockerUnavailable, imageMissing, toSandboxError } from './docker-errors.js';
import { SCRATCH_DIR, currentOwner, sandboxContainerOptions } from './container-options.js';
import { reapStaleContainers } from './reap-stale-containers.js';
import { withTimeout } from './with-timeout.js';

/** Options of {@link createDockerSandbox}. */
export interface DockerSandboxOptions extends DockerConnectionOptions {
  /** Image per language; default `edgelab/<language>:bookworm` (what `pnpm edgelab images build` makes). */
  images?: Partial<Record<LanguageId, string>>;
  /**
   * Started, idle containers kept ready per (language, memory, scratch size), hiding the container start
   * (~0.3–0.8 s) from the next submission; refilled when a session ends. Default 1; 0 disables the pool.
   */
  poolSize?: number;
  /** CPUs per container; default 1. */
  cpus?: number;
  /** cgroup pids limit per container (processes + threads); default 256. */
  pidsLimit?: number;
  /** Memory the runner and the scratch tmpfs need beyond a session's `maxMemoryMb`, in MiB; default 48. */
  overheadMb?: number;
  /** Timeout of each Docker API call; default 30 s. */
  callTimeoutMs?: number;
  /** Remove leftovers of dead grading processes when the sandbox is created; default true. */
  reapOnStart?: boolean;
  /**
   * Non-root uids to run containers as (inclusive range); default 20000–59999, one per container, so that the
   * runner's per-run RLIMIT_NPROC counts only that container's processes.
   */
  uidRange?: readonly [number, number];
}

interface WarmContainer {
  container: DockerContainer;
  client: RunnerClient;
  stderrTail: () => string;
}

const stamps = new Map<LanguageId, string | undefined>();

/** The stamp the language's Dockerfile gives now, or undefined when the Dockerfiles cannot be found. */
function currentStamp(language: LanguageId): string | undefined {
  if (!stamps.has(language)) {
    try {
      stamps.set(language, readRuntimeRecipe(language).stamp);
    } catch {
      stamps.set(language, undefined);
    }
  }
  return stamps.get(language);
}

let uidCounter = Math.floor(Math.random() * 40_000);

/**
 * The Docker backend: one container per submission session, the EdgeLab runner as its PID 1 speaking JSON lines
 * over the attached stdin/stdout, every test run inside that container by the runner.
 */
export class DockerSandbox implements Sandbox {
  readonly backend = 'docker' as const;
  private readonly docker: DockerClient;
  private readonly options: DockerSandboxOptions;
  private readonly endpoint: string;
  private readonly pools = new Map<string, Array<Promise<WarmContainer>>>();
  private readonly live = new Set<DockerContainer>();
  private readonly removals = new Set<Promise<void>>();
  private closed = false;

  constructor(docker: DockerClient, options: DockerSandboxOptions) {
    this.docker = docker;
    this.options = options;
    this.endpoint = describeDockerEndpoint(options);
  }

  /** The image a language runs in. */
  imageFor(language: LanguageId): string {
    return this.options.images?.[language] ?? runtimeImageName(language);
  }

  async ensureReady(language: LanguageId): Promise<void> {
    try {
      await withTimeout(this.docker.ping(), this.callTimeout(5_000), `docker ping on ${this.endpoint}`, 'SANDBOX_UNAVAILABLE');
    } catch (error) {
      throw error instanceof EdgeLabError ? dockerUnavailable(this.endpoint, error) : toSandboxError(error, 'ping', this.context());
    }
    const image = this.imageFor(language);
    let info: DockerImageInspect;
    try {
      info = await withTimeout(this.docker.getImage(image).inspect(), this.callTimeout(), `docker image inspect ${image}`);
    } catch (error) {
      if (dockerStatus(error) === 404) throw imageMissing(image, this.endpoint, error);
      throw toSandboxError(error, `inspecting image ${image}`, this.context(image));
    }
    // An image built by `buildImages` carries the stamp of the Dockerfile it came from: refuse a stale one with a
    // clear message rather than failing mid-grade (e.g. a runtime lacking what the current runner needs).
    const built = info.Config?.Labels?.[IMAGE_STAMP_LABEL];
    const wanted = built === undefined ? undefined : currentStamp(language);
    if (built !== undefined && wanted !== undefined && built !== wanted) {
      throw new EdgeLabError({
        code: 'SANDBOX_IMAGE_MISSING',
        message:
          `the runtime image ${image} on ${this.endpoint} is outdated (built from recipe ${built}, the Dockerfile ` +
          `now gives ${wanted}): rebuild it with \`pnpm edgelab images build --offline\``,
      });
    }
  }

  async openSession(spec: SessionSpec): Promise<SandboxSession> {
    if (this.closed) throw new Error('DockerSandbox.openSession after close()');
    const key = `${spec.language}/${spec.maxMemoryMb}/${spec.scratchMb ?? 64}`;
    const pooled = await this.takeWarm(key);
    // Refill when the session ends, not now: starting a container costs a few hundred ms of CPU (dockerd, runc)
    // that would otherwise compete with this submission's tests.
    // The forced removal (~100 ms of Docker work) runs in the background so the grade is not held up by it: the
    // runner already killed every student process after the last run, close() waits for pending removals, and
    // the reaper covers a crash in between.
    const release = (container: DockerContainer) => async () => {
      if ((this.options.poolSize ?? 1) > 0) this.refill(key, spec);
      const removal = this.remove(container).finally(() => this.removals.delete(removal));
      this.removals.add(removal);
    };
    if (pooled) {
      try {
        await pooled.client.init(spec.files);
        return new DockerSession(pooled, release(pooled.container));
      } catch {
        // A pooled container that died while idle (daemon restart, reaped): start a fresh one instead.
        await this.remove(pooled.container);
      }
    }
    const fresh = await this.startContainer(spec);
    try {
      await fresh.client.init(spec.files);
    } catch (error) {
      await this.remove(fresh.container);
      throw error;
    }
    return new DockerSession(fresh, release(fresh.container));
  }

  async close(): Promise<void> {
    this.closed = true;
    const pooled = [...this.pools.values()].flat();
    this.pools.clear();
    await Promise.all(pooled.map((p) => p.then((w) => this.remove(w.container)).catch(() => undefined)));
    await Promise.all([...this.removals]);
    await Promise.all([...this.live].map((c) => this.remove(c)));
  }

  /** Containers this sandbox created and has not removed yet (pooled ones and ones being removed included). */
  get liveContainerIds(): string[] {
    return [...this.live].map((c) => c.id);
  }

  private callTimeout(fallback = 30_000): number {
    return this.options.callTimeoutMs ?? fallback;
  }

  private context(image?: string) {
    return { endpoint: this.endpoint, ...(image === undefined ? {} : { image }) };
  }

  private async takeWarm(key: string): Promise<WarmContainer | undefined> {
    const pool = this.pools.get(key);
    while (pool && pool.length > 0) {
      const candidate = await pool.shift()!.catch(() => undefined);
      if (candidate && !candidate.client.broken) return candidate;
      if (candidate) await this.remove(candidate.container);
    }
    return undefined;
  }

  private refill(key: string, spec: SessionSpec): void {
    const pool = this.pools.get(key) ?? [];
    this.pools.set(key, pool);
    while (pool.length < (this.options.poolSize ?? 1) && !this.closed) {
      const warm = this.startContainer(spec);
      warm.catch(() => undefined); // a failed warm container is dropped when taken; the session then starts its own
      pool.push(warm);
    }
  }

  private nextUid(): number {
    const [low, high] = this.options.uidRange ?? [20_000, 59_999];
    uidCounter = (uidCounter + 1) % (high - low + 1);
    return low + uidCounter;
  }

  /** Creates, attaches and starts one container with the runner as PID 1. */
  private async startContainer(spec: SessionSpec): Promise<WarmContainer> {
    const image = this.imageFor(spec.language);
    const scratchMb = spec.scratchMb ?? 64;
    const options = sandboxContainerOptions({
      image,
      language: spec.language,
      command: runnerCommand({ scratchDir: SCRATCH_DIR }),
      memoryMb: spec.maxMemoryMb + (this.options.overheadMb ?? 48),
      scratchMb,
      pidsLimit: this.options.pidsLimit ?? 256,
      cpus: this.options.cpus ?? 1,
      uid: this.nextUid(),
      owner: currentOwner(),
    });
    let container: DockerContainer;
    try {
      container = await withTimeout(this.docker.createContainer(options), this.callTimeout(), `docker create ${image}`);
    } catch (error) {
      throw toSandboxError(error, `creating a ${spec.language} container`, this.context(image));
    }
    this.live.add(container);
    try {
      const stream = await withTimeout(
        container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true }),
        this.callTimeout(),
        `docker attach ${container.id}`,
      );
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let stderrText = '';
      stderr.on('data', (chunk: Buffer) => (stderrText = (stderrText + chunk.toString('utf8')).slice(-4000)));
      this.docker.modem.demuxStream(stream, stdout, stderr);
      const end = () => {
        stdout.end();
        stderr.end();
      };
      stream.on('end', end);
      stream.on('close', end);
      stream.on('error', (error: Error) => stdout.destroy(error));
      const client = new RunnerClient({
        input: stream as unknown as Writable,
        output: stdout,
        label: `docker container ${container.id.slice(0, 12)} (${image})`,
        diagnostics: () => stderrText,
      });
      await withTimeout(container.start(), this.callTimeout(), `docker start ${container.id}`);
      return { container, client, stderrTail: () => stderrText };
    } catch (error) {
      await this.remove(container);
      throw toSandboxError(error, `starting container ${container.id}`, this.context(image));
    }
  }

  /** Force-removes a container; a container already gone is fine. Never throws (it is cleanup). */
  private async remove(container: DockerContainer): Promise<void> {
    try {
      await withTimeout(container.remove({ force: true, v: true }), this.callTimeout(), `docker rm -f ${container.id}`);
      this.live.delete(container);
    } catch (error) {
      if (dockerStatus(error) === 404) this.live.delete(container);
      // Otherwise leave it in `live`; close() retries and reapStaleContainers() removes it after a crash.
    }
  }
}

class DockerSession implements SandboxSession {
  private disposed: Promise<void> | undefined;

  constructor(
    private readonly warm: WarmContainer,
    private readonly removeContainer: () => Promise<void>,
  ) {}

  /** The container's id (for diagnostics and tests). */
  get containerId(): string {
    return this.warm.container.id;
  }

  run(request: RunRequest): Promise<RunOutcome> {
    if (this.disposed) return Promise.reject(new Error('SandboxSession.run after dispose()'));
    return this.warm.client.run(request);
  }

  dispose(): Promise<void> {
    this.disposed ??= this.removeContainer();
    return this.disposed;
  }
}

/**
 * Creates the Docker sandbox backend, connected to the local socket or `DOCKER_HOST`. Reaps containers left by
 * dead grading processes first (unless `reapOnStart: false`). Does not require the engine to be up: call
 * `ensureReady(language)` for a clear error.
 *
 * ### Examples
 * ```ts
 * const sandbox = await createDockerSandbox({ poolSize: 1 });
 * await sandbox.ensureReady('python');
 * const session = await sandbox.openSession({ language: 'python', files: { 'solution.py': code }, maxMemoryMb: 256 });
 * ```
 */
export async function createDockerSandbox(options: DockerSandboxOptions = {}): Promise<DockerSandbox> {
  const docker = await createDockerClient(options);
  if (options.reapOnStart ?? true) {
    try {
      await reapStaleContainers({ ...options, docker, callTimeoutMs: options.callTimeoutMs ?? 15_000 });
    } catch {
      // An unreachable engine is reported by ensureReady()/openSession() with the full explanation.
    }
  }
  return new DockerSandbox(docker, options);
}
