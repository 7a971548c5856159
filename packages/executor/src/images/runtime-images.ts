import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeLabError, type LanguageId } from '@edgelab/core';

/** Languages that have a runtime image / root file system, in build order. */
export const RUNTIME_LANGUAGES = ['python', 'java', 'sql'] as const satisfies readonly LanguageId[];

/** The Debian release every runtime is built from. */
export const DEBIAN_SUITE = 'bookworm';
/** Default Debian mirror for the offline build (`EDGELAB_DEBIAN_MIRROR` overrides it). */
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';
/** The tag of every EdgeLab runtime image. */
export const RUNTIME_IMAGE_TAG = DEBIAN_SUITE;
/** The Docker image the offline build imports from the debootstrapped base. */
export const BASE_IMAGE = `edgelab/base:${RUNTIME_IMAGE_TAG}`;
/** Label on every EdgeLab runtime image holding the recipe stamp it was built from. */
export const IMAGE_STAMP_LABEL = 'edgelab.runtime.stamp';
/** Fixed uid/gid of the unprivileged `runner` user inside every runtime. */
export const RUNNER_UID = 10001;

/** The Docker image of a language's runtime, e.g. `edgelab/python:bookworm`. */
export function runtimeImageName(language: LanguageId, tag: string = RUNTIME_IMAGE_TAG): string {
  return `edgelab/${language}:${tag}`;
}

/** Where root file systems live: `$EDGELAB_ROOTFS_DIR`, default `/var/lib/edgelab/rootfs`. */
export function defaultRootfsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.EDGELAB_ROOTFS_DIR ?? '/var/lib/edgelab/rootfs');
}

/** The root file system of a language (what the bubblewrap backend binds read-only). */
export function runtimeRootfs(language: LanguageId, rootfsDir: string = defaultRootfsDir()): string {
  return join(rootfsDir, language);
}

/**
 * Finds the `images/` directory holding the Dockerfiles: `$EDGELAB_IMAGES_DIR`, else the repository checkout's
 * `images/`, else the copy shipped in the package (`dist/images`).
 */
export function findImagesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EDGELAB_IMAGES_DIR) return resolve(env.EDGELAB_IMAGES_DIR);
  // The outermost match wins: in a checkout that is the repository's images/ (the source of truth), not the
  // copy the build puts in dist/images for the published package.
  let found: string | undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'images', 'base', 'install-runtime.sh'))) found = join(dir, 'images');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (found) return found;
  throw new EdgeLabError({
    code: 'CONFIG_INVALID',
    message:
      'cannot find the EdgeLab images/ directory (Dockerfiles and base/install-runtime.sh) above ' +
      `${fileURLToPath(import.meta.url)}; set EDGELAB_IMAGES_DIR to the images/ directory of an EdgeLab checkout`,
  });
}

/** What a language runtime is made of, read from its Dockerfile: the single source of truth for packages. */
export interface RuntimeRecipe {
  language: LanguageId;
  /** Debian packages, from the Dockerfile's `ARG PACKAGES="..."`. */
  packages: readonly string[];
  dockerfilePath: string;
  installScriptPath: string;
  /**
   * `images/<language>/post-install.sh`, when the language has one: run after the packages are installed, from a
   * copy of `images/<language>/` at `/edgelab/<language>/` in the image (Java: the warm worker and its archives).
   */
  postInstallPath?: string;
  /** Content hash of the Dockerfile, the install script and the base: changes when the runtime must be rebuilt. */
  stamp: string;
}

/** The stamp of the debootstrapped base: changes when the suite, variant or install script changes. */
export function baseStamp(imagesDir: string): string {
  const script = readFileSync(join(imagesDir, 'base', 'install-runtime.sh'));
  return createHash('sha256').update(`debootstrap minbase ${DEBIAN_SUITE}\n`).update(script).digest('hex').slice(0, 16);
}

/** Reads a language's recipe from `images/<language>/Dockerfile`; throws `CONFIG_INVALID` naming the file. */
export function readRuntimeRecipe(language: LanguageId, imagesDir: string = findImagesDir()): RuntimeRecipe {
  const dockerfilePath = join(imagesDir, language, 'Dockerfile');
  const installScriptPath = join(imagesDir, 'base', 'install-runtime.sh');
  let dockerfile: string;
  try {
    dockerfile = readFileSync(dockerfilePath, 'utf8');
  } catch (cause) {
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message: `${dockerfilePath}: cannot read the ${language} runtime's Dockerfile; restore it from the EdgeLab repository`,
      cause,
    });
  }
  const match = /^ARG\s+PACKAGES\s*=\s*"([^"]+)"\s*$/m.exec(dockerfile);
  const packages = match?.[1]?.trim().split(/\s+/) ?? [];
  if (packages.length === 0 || packages.some((p) => !/^[a-z0-9][a-z0-9+.-]*$/.test(p))) {
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message: `${dockerfilePath}: expected one line ARG PACKAGES="<debian packages>" naming the runtime's packages`,
    });
  }
  const hash = createHash('sha256').update(baseStamp(imagesDir)).update(dockerfile).update(readFileSync(installScriptPath));
  // Everything else in images/<language>/ goes into the image too (post-install.sh and what it builds from).
  for (const file of filesUnder(join(imagesDir, language))) hash.update(`\0${file.name}\0`).update(readFileSync(file.path));
  const postInstallPath = join(imagesDir, language, 'post-install.sh');
  return {
    language,
    packages,
    dockerfilePath,
    installScriptPath,
    ...(existsSync(postInstallPath) ? { postInstallPath } : {}),
    stamp: hash.digest('hex').slice(0, 16),
  };
}

/** Regular files under `dir` (relative name, path), in a stable order. */
function filesUnder(dir: string, prefix = ''): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const name = prefix + entry.name;
    if (entry.isDirectory()) found.push(...filesUnder(join(dir, entry.name), `${name}/`));
    else if (entry.isFile() && name !== 'Dockerfile') found.push({ name, path: join(dir, entry.name) });
  }
  return found;
}
