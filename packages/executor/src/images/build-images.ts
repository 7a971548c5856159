import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EdgeLabError, type LanguageId } from '@edgelab/core';
import { createDockerClient, describeDockerEndpoint, type DockerClient, type DockerConnectionOptions } from '../docker/docker-client.js';
import { withTimeout } from '../docker/with-timeout.js';
import { runCommand } from './run-command.js';
import {
  BASE_IMAGE,
  DEBIAN_SUITE,
  DEFAULT_DEBIAN_MIRROR,
  IMAGE_STAMP_LABEL,
  RUNTIME_LANGUAGES,
  baseStamp,
  defaultRootfsDir,
  findImagesDir,
  readRuntimeRecipe,
  runtimeImageName,
  type RuntimeRecipe,
} from './runtime-images.js';

/** One step of an image build, reported as it happens. */
export interface BuildProgress {
  /** `base`, a language id, or `docker:<image>`. */
  target: string;
  status: 'start' | 'done' | 'skip' | 'log';
  message: string;
}

/** Options of {@link buildImages}. */
export interface BuildImagesOptions {
  /**
   * `true`: no container registry needed. Debootstraps Debian into `<rootfsDir>/base`, installs each runtime in a
   * chroot copy of it, then (when Docker is reachable) imports those root file systems as images.
   * `false`: `docker build` each `images/<language>/Dockerfile` from `debian:bookworm-slim` (needs a registry),
   * then exports each image as the language's root file system.
   */
  offline: boolean;
  /** Languages to build; default all. */
  languages?: readonly LanguageId[];
  /** Where root file systems go; default `$EDGELAB_ROOTFS_DIR` or `/var/lib/edgelab/rootfs`. */
  rootfsDir?: string;
  /** The `images/` directory with the Dockerfiles; default found from `$EDGELAB_IMAGES_DIR` or the checkout. */
  imagesDir?: string;
  /** Debian mirror; default `$EDGELAB_DEBIAN_MIRROR` or deb.debian.org. */
  mirror?: string;
  /** How to reach Docker; `false` builds root file systems only (the bubblewrap backend needs nothing else). */
  docker?: DockerConnectionOptions | false;
  /** Rebuild even what is current. */
  force?: boolean;
  onProgress?: (event: BuildProgress) => void;
}

/** What {@link buildImages} produced. */
export interface BuildImagesResult {
  rootfsDir: string;
  /** Root file system per language built or found current. */
  rootfs: Partial<Record<LanguageId, string>>;
  /** Docker image per language, when Docker was reachable. */
  images: Partial<Record<LanguageId, string>>;
  /** Why no Docker images were made, when they were not. */
  dockerSkipped?: string;
  /** Targets (re)built in this call; the rest were current. */
  built: string[];
}

interface Stamp {
  stamp: string;
  packages?: readonly string[];
  builtAt: string;
}

const STAMP_FILE = (dir: string, target: string) => join(dir, `${target}.stamp.json`);

async function readStamp(dir: string, target: string): Promise<Stamp | undefined> {
  try {
    return JSON.parse(await readFile(STAMP_FILE(dir, target), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function fail(message: string, cause?: unknown): never {
  throw new EdgeLabError({ code: 'SANDBOX_IMAGE_MISSING', message, ...(cause === undefined ? {} : { cause }) });
}

/** Finds an executable on PATH or in the sbin directories a non-login root shell may lack. */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

async function checkMirror(mirror: string): Promise<void> {
  const url = `${mirror.replace(/\/$/, '')}/dists/${DEBIAN_SUITE}/Release`;
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (cause) {
    fail(
      `cannot reach the Debian mirror ${url} (${cause instanceof Error ? cause.message : String(cause)}); the offline ` +
        'build needs Debian packages (not a container registry): allow HTTP to the mirror or set EDGELAB_DEBIAN_MIRROR ' +
        'to a reachable mirror or apt proxy',
      cause,
    );
  }
}

/** Environment for apt/debootstrap: a sane PATH inside the chroot, no prompts. */
const CHROOT_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  DEBIAN_FRONTEND: 'noninteractive',
  LANG: 'C.UTF-8',
  HOME: '/root',
};

/**
 * Runs `fn` with /proc and /dev mounted inside `root` (the JDK's post-install scripts need both), unmounting them
 * afterwards even when `fn` throws, so that a failed build never leaves mounts behind.
 */
async function withChrootMounts<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const mounted: string[] = [];
  try {
    for (const [args, target] of [
      [['-t', 'proc', 'proc', join(root, 'proc')], join(root, 'proc')],
      [['--bind', '/dev', join(root, 'dev')], join(root, 'dev')],
    ] as const) {
      const r = await runCommand(which('mount') ?? 'mount', args);
      if (r.code !== 0) fail(`mount ${args.join(' ')} failed: ${r.outputTail.trim()}`);
      mounted.push(target);
    }
    return await fn();
  } finally {
    for (const target of mounted.reverse()) {
      const r = await runCommand(which('umount') ?? 'umount', [target]);
      if (r.code !== 0) await runCommand(which('umount') ?? 'umount', ['-l', target]);
    }
  }
}

/**
 * Runs `images/<language>/post-install.sh` in the chroot from a copy of `images/<language>/` at `/edgelab/<language>`
 * (where the Dockerfile's `COPY` puts it too), then removes the copy.
 */
async function postInstall(chroot: string, root: string, recipe: RuntimeRecipe, progress: (event: BuildProgress) => void): Promise<void> {
  const inside = `/edgelab/${recipe.language}`;
  await rm(join(root, 'edgelab'), { recursive: true, force: true });
  await mkdir(join(root, 'edgelab'), { recursive: true });
  await cp(dirname(recipe.postInstallPath!), join(root, inside), { recursive: true });
  try {
    progress({ target: recipe.language, status: 'log', message: `running ${recipe.postInstallPath}` });
    const r = await runCommand(chroot, [root, '/bin/sh', `${inside}/post-install.sh`], {
      env: CHROOT_ENV,
      onLine: (line) => progress({ target: recipe.language, status: 'log', message: line }),
    });
    if (r.code !== 0) fail(`${recipe.postInstallPath} failed in ${root} (exit ${r.code}): ${r.outputTail.trim().slice(-1500)}`);
  } finally {
    await rm(join(root, 'edgelab'), { recursive: true, force: true });
  }
}

/** Atomically replaces `final` with the finished `tmp` tree. */
async function swapInto(tmp: string, final: string): Promise<void> {
  const old = `${final}.old`;
  await rm(old, { recursive: true, force: true });
  if (existsSync(final)) await rename(final, old);
  await rename(tmp, final);
  await rm(old, { recursive: true, force: true });
}

/** Puts a finished language root file system in place, stamps it as current and reports it. */
async function installRootfs(
  tmp: string,
  final: string,
  recipe: RuntimeRecipe,
  rootfsDir: string,
  result: BuildImagesResult,
  progress: (event: BuildProgress) => void,
): Promise<void> {
  await swapInto(tmp, final);
  await writeFile(
    STAMP_FILE(rootfsDir, recipe.language),
    JSON.stringify({ stamp: recipe.stamp, packages: recipe.packages, builtAt: new Date().toISOString() } satisfies Stamp),
  );
  result.rootfs[recipe.language] = final;
  result.built.push(recipe.language);
  progress({ target: recipe.language, status: 'done', message: `root file system ready at ${final}` });
}

/**
 * Builds the language runtimes: root file systems for the bubblewrap backend and Docker images for the Docker
 * backend, from the same Dockerfiles. Idempotent and incremental: a target whose stamp (a hash of its Dockerfile,
 * the install script and the base) is current is skipped.
 *
 * ### Examples
 * ```ts
 * await buildImages({ offline: true, onProgress: (e) => console.log(`[${e.target}] ${e.message}`) });
 * ```
 */
export async function buildImages(options: BuildImagesOptions): Promise<BuildImagesResult> {
  const rootfsDir = options.rootfsDir ?? defaultRootfsDir();
  if (options.offline && process.getuid?.() !== 0) {
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message:
        'building runtime root file systems needs root (debootstrap, chroot, mount): run ' +
        '`sudo pnpm edgelab images build --offline` (or as root)',
    });
  }
  await mkdir(rootfsDir, { recursive: true });
  const release = await acquireBuildLock(rootfsDir);
  try {
    return await buildImagesLocked(options, rootfsDir);
  } finally {
    await release();
  }
}

/** One build at a time per root file system directory: two would trample each other's `.tmp` trees. */
async function acquireBuildLock(rootfsDir: string): Promise<() => Promise<void>> {
  const lock = join(rootfsDir, '.build.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (alive) {
        throw new EdgeLabError({
          code: 'CONFLICT',
          message: `another runtime build (pid ${pid}) is running in ${rootfsDir}; wait for it to finish, or delete ${lock} if pid ${pid} is not a build`,
        });
      }
      await rm(lock, { force: true }); // left by a build that died
    }
  }
}

async function buildImagesLocked(options: BuildImagesOptions, rootfsDir: string): Promise<BuildImagesResult> {
  const imagesDir = options.imagesDir ?? findImagesDir();
  const mirror = options.mirror ?? process.env.EDGELAB_DEBIAN_MIRROR ?? DEFAULT_DEBIAN_MIRROR;
  const languages = options.languages ?? RUNTIME_LANGUAGES;
  const progress = options.onProgress ?? (() => {});
  const recipes = languages.map((language) => readRuntimeRecipe(language, imagesDir));
  const result: BuildImagesResult = { rootfsDir, rootfs: {}, images: {}, built: [] };

  if (!options.offline) return buildFromRegistry(options, recipes, imagesDir, rootfsDir, result, progress);

  const debootstrap = which('debootstrap');
  const chroot = which('chroot') ?? 'chroot';
  await mkdir(rootfsDir, { recursive: true });

  const base = join(rootfsDir, 'base');
  const wantedBase = baseStamp(imagesDir);
  const baseCurrent = !options.force && existsSync(join(base, 'usr')) && (await readStamp(rootfsDir, 'base'))?.stamp === wantedBase;
  const languagesToBuild: RuntimeRecipe[] = [];
  for (const recipe of recipes) {
    const current =
      baseCurrent &&
      existsSync(join(rootfsDir, recipe.language, 'usr')) &&
      (await readStamp(rootfsDir, recipe.language))?.stamp === recipe.stamp;
    if (current) {
      result.rootfs[recipe.language] = join(rootfsDir, recipe.language);
    } else {
      languagesToBuild.push(recipe);
    }
  }

  if (baseCurrent) {
    progress({ target: 'base', status: 'skip', message: `Debian ${DEBIAN_SUITE} base current (${wantedBase})` });
  } else if (languagesToBuild.length > 0 || !existsSync(join(base, 'usr'))) {
    if (!debootstrap) {
      fail('debootstrap is not installed: run `apt-get install debootstrap` (scripts/setup.sh does), then build again');
    }
    await checkMirror(mirror);
    progress({ target: 'base', status: 'start', message: `debootstrap --variant=minbase ${DEBIAN_SUITE} from ${mirror}` });
    const tmp = `${base}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    const r = await runCommand(debootstrap, ['--variant=minbase', DEBIAN_SUITE, tmp, mirror], {
      env: { ...process.env, ...CHROOT_ENV },
      onLine: (line) => progress({ target: 'base', status: 'log', message: line }),
    });
    if (r.code !== 0) {
      await rm(tmp, { recursive: true, force: true });
      fail(`debootstrap of Debian ${DEBIAN_SUITE} into ${tmp} failed (exit ${r.code}): ${r.outputTail.trim().slice(-1500)}`);
    }
    await writeFile(join(tmp, 'etc', 'apt', 'sources.list'), `deb ${mirror} ${DEBIAN_SUITE} main\n`);
    await swapInto(tmp, base);
    await writeFile(STAMP_FILE(rootfsDir, 'base'), JSON.stringify({ stamp: wantedBase, builtAt: new Date().toISOString() }));
    result.built.push('base');
    progress({ target: 'base', status: 'done', message: `Debian ${DEBIAN_SUITE} base ready at ${base}` });
  }

  for (const recipe of recipes) {
    if (!languagesToBuild.includes(recipe)) {
      progress({ target: recipe.language, status: 'skip', message: `root file system current (${recipe.stamp})` });
    }
  }
  for (const recipe of languagesToBuild) {
    const final = join(rootfsDir, recipe.language);
    const tmp = `${final}.tmp`;
    progress({ target: recipe.language, status: 'start', message: `installing ${recipe.packages.join(' ')} in a chroot` });
    await rm(tmp, { recursive: true, force: true });
    const copy = await runCommand('cp', ['-a', '--reflink=auto', base, tmp]);
    if (copy.code !== 0) fail(`copying ${base} to ${tmp} failed: ${copy.outputTail.trim()}`);
    await copyFile('/etc/resolv.conf', join(tmp, 'etc', 'resolv.conf')).catch(() => {});
    await copyFile(recipe.installScriptPath, join(tmp, 'install-runtime.sh'));
    try {
      await withChrootMounts(tmp, async () => {
        const r = await runCommand(chroot, [tmp, '/bin/sh', '/install-runtime.sh', ...recipe.packages], {
          env: CHROOT_ENV,
          onLine: (line) => progress({ target: recipe.language, status: 'log', message: line }),
        });
        if (r.code !== 0) {
          fail(
            `installing ${recipe.packages.join(' ')} (from ${recipe.dockerfilePath}) in ${tmp} failed (exit ${r.code}); ` +
              `check that ${mirror} is reachable: ${r.outputTail.trim().slice(-1500)}`,
          );
        }
        if (recipe.postInstallPath !== undefined) await postInstall(chroot, tmp, recipe, progress);
      });
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      throw error;
    }
    await rm(join(tmp, 'install-runtime.sh'), { force: true });
    await writeFile(join(tmp, 'etc', 'resolv.conf'), '');
    await installRootfs(tmp, final, recipe, rootfsDir, result, progress);
  }

  if (options.docker === false) {
    result.dockerSkipped = 'Docker images not requested';
    return result;
  }
  const docker = await reachableDocker(options.docker ?? {});
  if (typeof docker === 'string') {
    result.dockerSkipped = docker;
    progress({ target: 'docker', status: 'skip', message: `no Docker images: ${docker}` });
    return result;
  }
  await importRootfs(docker, base, BASE_IMAGE, wantedBase, [], options.force ?? false, progress, result);
  for (const recipe of recipes) {
    const image = runtimeImageName(recipe.language);
    await importRootfs(
      docker,
      join(rootfsDir, recipe.language),
      image,
      recipe.stamp,
      await dockerfileChanges(recipe),
      options.force ?? false,
      progress,
      result,
    );
    result.images[recipe.language] = image;
  }
  return result;
}

async function reachableDocker(connection: DockerConnectionOptions): Promise<DockerClient | string> {
  try {
    const docker = await createDockerClient(connection);
    await withTimeout(docker.ping(), 5_000, 'docker ping');
    return docker;
  } catch (error) {
    return `Docker is not reachable at ${describeDockerEndpoint(connection)} (${error instanceof Error ? error.message : String(error)}); run scripts/start-docker.sh and build again to make images`;
  }
}

/**
 * The image settings a Dockerfile declares after its install step (USER, WORKDIR), as `docker import --change`
 * instructions, so an imported root file system is configured like a `docker build` of the same Dockerfile.
 */
async function dockerfileChanges(recipe: RuntimeRecipe): Promise<string[]> {
  const text = await readFile(recipe.dockerfilePath, 'utf8');
  const changes = [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV LANG=C.UTF-8',
  ];
  for (const line of text.split('\n')) {
    if (/^(USER|WORKDIR)\s+\S/.test(line)) changes.push(line.trim());
  }
  return changes;
}

async function imageStamp(docker: DockerClient, image: string): Promise<string | undefined> {
  try {
    const info = await withTimeout(docker.getImage(image).inspect(), 15_000, `docker image inspect ${image}`);
    return info.Config?.Labels?.[IMAGE_STAMP_LABEL];
  } catch {
    return undefined;
  }
}

async function importRootfs(
  docker: DockerClient,
  dir: string,
  image: string,
  stamp: string,
  changes: string[],
  force: boolean,
  progress: (event: BuildProgress) => void,
  result: BuildImagesResult,
): Promise<void> {
  const target = `docker:${image}`;
  if (!force && (await imageStamp(docker, image)) === stamp) {
    progress({ target, status: 'skip', message: `image current (${stamp})` });
    return;
  }
  progress({ target, status: 'start', message: `docker import ${dir}` });
  const previous = await withTimeout(docker.getImage(image).inspect(), 15_000, `docker image inspect ${image}`).catch(() => undefined);
  const [repo, tag] = image.split(':') as [string, string];
  const tar = spawn('tar', ['--numeric-owner', '-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tar.stderr.on('data', (chunk: Buffer) => (tarError = (tarError + chunk.toString()).slice(-2000)));
  const tarDone = new Promise<number | null>((resolve) => tar.on('close', resolve));
  try {
    const stream = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: [...changes, `LABEL ${IMAGE_STAMP_LABEL}=${stamp}`],
    });
    const output = await new Promise<unknown[]>((resolve, reject) =>
      docker.modem.followProgress(stream, (error, out) => (error ? reject(error) : resolve(out))),
    );
    const failure = output.find((o): o is { error: string } => typeof (o as { error?: unknown })?.error === 'string');
    if (failure) throw new Error(failure.error);
  } catch (cause) {
    tar.kill('SIGKILL');
    fail(`docker import of ${dir} as ${image} failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const code = await tarDone;
  if (code !== 0) fail(`tar of ${dir} failed while importing ${image}: ${tarError.trim()}`);
  if ((await imageStamp(docker, image)) !== stamp) fail(`docker import of ${dir} finished but ${image} is not labelled ${stamp}`);
  if (previous) {
    // The replaced image is now untagged: drop it unless a container still uses it (then Docker refuses; fine).
    await withTimeout(docker.getImage(previous.Id).remove(), 30_000, `docker rmi ${previous.Id}`).catch(() => undefined);
  }
  result.built.push(target);
  progress({ target, status: 'done', message: `${image} ready` });
}

/** Online build: `docker build` each Dockerfile from the registry's debian:bookworm-slim, then export the rootfs. */
async function buildFromRegistry(
  options: BuildImagesOptions,
  recipes: RuntimeRecipe[],
  imagesDir: string,
  rootfsDir: string,
  result: BuildImagesResult,
  progress: (event: BuildProgress) => void,
): Promise<BuildImagesResult> {
  const docker = await reachableDocker(options.docker === false ? {} : (options.docker ?? {}));
  if (typeof docker === 'string') fail(`${docker}; or build without a registry: pnpm edgelab images build --offline`);
  await mkdir(rootfsDir, { recursive: true });
  for (const recipe of recipes) {
    const image = runtimeImageName(recipe.language);
    const target = `docker:${image}`;
    if (!options.force && (await imageStamp(docker, image)) === recipe.stamp) {
      progress({ target, status: 'skip', message: `image current (${recipe.stamp})` });
    } else {
      progress({ target, status: 'start', message: `docker build -f ${recipe.dockerfilePath}` });
      const r = await runCommand(
        'docker',
        ['build', '-f', recipe.dockerfilePath, '--label', `${IMAGE_STAMP_LABEL}=${recipe.stamp}`, '-t', image, imagesDir],
        { onLine: (line) => progress({ target, status: 'log', message: line }) },
      );
      if (r.code !== 0) {
        fail(
          `docker build of ${image} failed (exit ${r.code}); without a reachable registry use ` +
            `\`pnpm edgelab images build --offline\`: ${r.outputTail.trim().slice(-1500)}`,
        );
      }
      result.built.push(target);
      progress({ target, status: 'done', message: `${image} ready` });
    }
    result.images[recipe.language] = image;
    const final = join(rootfsDir, recipe.language);
    if (!options.force && existsSync(join(final, 'usr')) && (await readStamp(rootfsDir, recipe.language))?.stamp === recipe.stamp) {
      result.rootfs[recipe.language] = final;
      continue;
    }
    const tmp = `${final}.tmp`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    progress({ target: recipe.language, status: 'start', message: `exporting ${image} to ${final}` });
    const r = await runCommand('sh', [
      '-c',
      'set -e; id=$(docker create "$1"); trap "docker rm -f $id >/dev/null" EXIT; docker export "$id" | tar -C "$2" -xf -',
      'export',
      image,
      tmp,
    ]);
    if (r.code !== 0) fail(`exporting ${image} to ${tmp} failed: ${r.outputTail.trim()}`);
    await installRootfs(tmp, final, recipe, rootfsDir, result, progress);
  }
  return result;
}
