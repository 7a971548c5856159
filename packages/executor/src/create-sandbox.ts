import { EdgeLabError, type LanguageId } from '@edgelab/core';
import { BwrapSandbox, probeBwrap, type BwrapSandboxOptions } from './bwrap/bwrap-sandbox.js';
import type { DockerSandboxOptions } from './docker/docker-sandbox.js';
import type { Sandbox, SandboxChoice } from './sandbox.js';

/** Options for {@link createSandbox}. Nothing is read from the environment: the caller maps its own config. */
export interface CreateSandboxOptions {
  /** `auto` (default): Docker when the daemon is reachable and the images exist, else bubblewrap when usable. */
  backend?: SandboxChoice;
  docker?: DockerSandboxOptions;
  bwrap?: BwrapSandboxOptions;
  /** Languages `auto` checks a backend is ready for (runtime image / root file system present); default all three. */
  languages?: readonly LanguageId[];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function tryDocker(options: CreateSandboxOptions, languages: readonly LanguageId[]): Promise<Sandbox> {
  const { createDockerSandbox } = await import('./docker/docker-sandbox.js');
  const sandbox = await createDockerSandbox(options.docker);
  try {
    for (const language of languages) await sandbox.ensureReady(language);
  } catch (error) {
    await sandbox.close().catch(() => undefined);
    throw error;
  }
  return sandbox;
}

async function tryBwrap(options: CreateSandboxOptions, languages: readonly LanguageId[]): Promise<Sandbox> {
  const probe = probeBwrap(options.bwrap);
  if (!probe.ok) throw new EdgeLabError({ code: 'SANDBOX_UNAVAILABLE', message: `bwrap: ${probe.reason}` });
  const sandbox = new BwrapSandbox(options.bwrap);
  for (const language of languages) await sandbox.ensureReady(language);
  return sandbox;
}

/**
 * Creates the sandbox backend that runs student code. With `auto` it picks Docker when the daemon is reachable and
 * the runtime images exist, else bubblewrap when namespaces and the root file systems are available, else throws
 * one `SANDBOX_UNAVAILABLE` error listing both ways to fix it. Student code never runs unsandboxed.
 *
 * ### Examples
 * ```ts
 * const sandbox = await createSandbox({ backend: process.env.EDGELAB_SANDBOX as SandboxChoice ?? 'auto' });
 * ```
 */
export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const backend = options.backend ?? 'auto';
  const languages = options.languages ?? (['python', 'java', 'sql'] as const);
  if (backend === 'docker') {
    const { createDockerSandbox } = await import('./docker/docker-sandbox.js');
    return createDockerSandbox(options.docker);
  }
  if (backend === 'bwrap') {
    const probe = probeBwrap(options.bwrap);
    if (!probe.ok) throw new EdgeLabError({ code: 'SANDBOX_UNAVAILABLE', message: `bwrap sandbox unavailable: ${probe.reason}` });
    return new BwrapSandbox(options.bwrap);
  }
  const problems: string[] = [];
  try {
    return await tryDocker(options, languages);
  } catch (error) {
    problems.push(`Docker: ${reason(error)}`);
  }
  try {
    return await tryBwrap(options, languages);
  } catch (error) {
    problems.push(`bubblewrap: ${reason(error)}`);
  }
  throw new EdgeLabError({
    code: 'SANDBOX_UNAVAILABLE',
    message:
      'no sandbox backend can run student code here. Fix one of: (1) Docker: start the Docker daemon and build the ' +
      'runtime images with `pnpm edgelab images build`; (2) bubblewrap: install it (apt-get install bubblewrap), allow ' +
      'unprivileged user namespaces and build the root file systems with `pnpm edgelab images build --offline`. ' +
      `What was found: ${problems.join('; ')}`,
    details: problems,
  });
}
