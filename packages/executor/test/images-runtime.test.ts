import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEdgeLabError } from '@edgelab/core';
import { requireService } from '../../../test-support/services.js';
import {
  IMAGE_STAMP_LABEL,
  buildImages,
  RUNTIME_LANGUAGES,
  defaultRootfsDir,
  findImagesDir,
  readRuntimeRecipe,
  runtimeImageName,
} from '../src/images/index.js';

const imagesDir = findImagesDir();
const scratch = mkdtempSync(join(tmpdir(), 'edgelab-images-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runtime recipes (Dockerfiles are the source of truth)', () => {
  it('reads the Debian packages of every runtime from its Dockerfile', () => {
    expect(readRuntimeRecipe('python', imagesDir).packages).toEqual(['python3']);
    expect(readRuntimeRecipe('java', imagesDir).packages).toEqual(['openjdk-17-jdk-headless', 'python3']);
    expect(readRuntimeRecipe('sql', imagesDir).packages).toEqual(['python3', 'sqlite3']);
  });

  it('builds every Dockerfile from an overridable BASE as the non-root runner user', () => {
    for (const language of RUNTIME_LANGUAGES) {
      const text = readFileSync(join(imagesDir, language, 'Dockerfile'), 'utf8');
      expect(text).toMatch(/^ARG BASE=debian:bookworm-slim$/m);
      expect(text).toMatch(/^FROM \$\{BASE\}$/m);
      expect(text).toMatch(/^USER 10001:10001$/m);
    }
  });

  it('changes the stamp when a Dockerfile changes, so the next build rebuilds that runtime only', () => {
    const copy = join(scratch, 'images');
    cpSync(imagesDir, copy, { recursive: true });
    const before = RUNTIME_LANGUAGES.map((l) => readRuntimeRecipe(l, copy).stamp);
    const file = join(copy, 'sql', 'Dockerfile');
    writeFileSync(file, readFileSync(file, 'utf8').replace('python3 sqlite3', 'python3 sqlite3 less'));
    const after = RUNTIME_LANGUAGES.map((l) => readRuntimeRecipe(l, copy).stamp);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(readRuntimeRecipe('sql', copy).packages).toEqual(['python3', 'sqlite3', 'less']);
  });

  it("changes only Java's stamp when its warm worker's source changes (everything in images/<language>/ goes into the image)", () => {
    const copy = join(scratch, 'worker-change');
    cpSync(imagesDir, copy, { recursive: true });
    const before = RUNTIME_LANGUAGES.map((l) => readRuntimeRecipe(l, copy).stamp);
    const file = join(copy, 'java', 'worker', 'edgelab', 'JavaWorker.java');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// changed\n`);
    const after = RUNTIME_LANGUAGES.map((l) => readRuntimeRecipe(l, copy).stamp);
    expect([after[0], after[2]]).toEqual([before[0], before[2]]);
    expect(after[1]).not.toBe(before[1]);
    expect(readRuntimeRecipe('java', copy).postInstallPath).toBe(join(copy, 'java', 'post-install.sh'));
    expect(readRuntimeRecipe('python', copy).postInstallPath).toBeUndefined();
  });

  it('names the file and the expected line when a Dockerfile has no package list', () => {
    const copy = join(scratch, 'broken');
    cpSync(imagesDir, copy, { recursive: true });
    writeFileSync(join(copy, 'python', 'Dockerfile'), 'FROM debian:bookworm-slim\n');
    try {
      readRuntimeRecipe('python', copy);
      expect.unreachable();
    } catch (error) {
      expect(isEdgeLabError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toContain(join(copy, 'python', 'Dockerfile'));
      expect((error as Error).message).toContain('ARG PACKAGES=');
    }
  });
});

describe('buildImages errors', () => {
  it('explains how to fix an unreachable Debian mirror (or a missing root) before doing anything', async () => {
    const dir = join(scratch, 'no-mirror');
    const error = await buildImages({ offline: true, rootfsDir: dir, mirror: 'http://127.0.0.1:1/debian', docker: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (process.getuid?.() === 0) {
      expect(isEdgeLabError(error, 'SANDBOX_IMAGE_MISSING'), String(error)).toBe(true);
      expect((error as Error).message).toContain('http://127.0.0.1:1/debian/dists/bookworm/Release');
      expect((error as Error).message).toContain('EDGELAB_DEBIAN_MIRROR');
      expect(existsSync(join(dir, 'base'))).toBe(false);
      expect(existsSync(join(dir, '.build.lock'))).toBe(false);
    } else {
      expect(isEdgeLabError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
      expect((error as Error).message).toContain('sudo pnpm edgelab images build --offline');
    }
  });

  it('refuses to run while another build holds the lock, naming its pid', async () => {
    const dir = join(scratch, 'locked');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.build.lock'), String(process.ppid)); // a live process
    const error = await buildImages({ offline: false, rootfsDir: dir, docker: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isEdgeLabError(error, 'CONFLICT'), String(error)).toBe(true);
    expect((error as Error).message).toContain(`pid ${process.ppid}`);
  });
});

const rootfsDir = defaultRootfsDir();
const rootfsBuilt = await requireService('runtime root file systems', async () =>
  RUNTIME_LANGUAGES.every((l) => existsSync(join(rootfsDir, `${l}.stamp.json`)))
    ? { ok: true }
    : { ok: false, reason: `no stamps in ${rootfsDir}; run pnpm edgelab images build --offline` },
);

describe.skipIf(!rootfsBuilt)('built runtimes', () => {
  it('holds current stamps: the build is idempotent and up to date with the Dockerfiles', () => {
    for (const language of RUNTIME_LANGUAGES) {
      const stamp = JSON.parse(readFileSync(join(rootfsDir, `${language}.stamp.json`), 'utf8')) as { stamp: string };
      expect(stamp.stamp, `${language}: rebuild with pnpm edgelab images build --offline`).toBe(
        readRuntimeRecipe(language, imagesDir).stamp,
      );
    }
  });

  it('ships the promised interpreters and a fixed non-root runner user in each root file system', () => {
    const passwd = (l: string) => readFileSync(join(rootfsDir, l, 'etc', 'passwd'), 'utf8');
    for (const language of RUNTIME_LANGUAGES) {
      expect(passwd(language)).toMatch(/^runner:x:10001:10001:/m);
      expect(existsSync(join(rootfsDir, language, 'usr', 'bin', 'python3.11'))).toBe(true);
      expect(existsSync(join(rootfsDir, language, 'var', 'lib', 'apt', 'lists', 'deb.debian.org_debian_dists_bookworm_InRelease'))).toBe(false);
    }
    expect(existsSync(join(rootfsDir, 'java', 'usr', 'lib', 'jvm', 'java-17-openjdk-amd64', 'bin', 'javac'))).toBe(true);
    expect(existsSync(join(rootfsDir, 'sql', 'usr', 'bin', 'sqlite3'))).toBe(true);
    expect(existsSync(join(rootfsDir, 'python', 'usr', 'lib', 'jvm'))).toBe(false);
  });

  it("holds Java's warm worker and class-data-sharing archives (post-install.sh ran)", () => {
    const support = join(rootfsDir, 'java', 'usr', 'lib', 'edgelab', 'java');
    for (const name of ['edgelab-worker.jar', 'javac.jsa', 'worker.jsa']) expect(existsSync(join(support, name)), name).toBe(true);
    expect(existsSync(join(rootfsDir, 'java', 'edgelab'))).toBe(false); // the build's copy of images/java is gone
    // That the JVMs map the archives is checked in a real session (test/conformance: warm Java worker).
  });
});

const imagesBuilt = await requireService('Docker runtime images', async () => {
  try {
    execFileSync('docker', ['image', 'inspect', runtimeImageName('python')], { stdio: 'ignore', timeout: 10_000 });
    return { ok: true };
  } catch {
    return { ok: false, reason: 'docker or edgelab/python image missing; run scripts/start-docker.sh and pnpm edgelab images build --offline' };
  }
});

describe.skipIf(!imagesBuilt)('Docker runtime images', () => {
  it('labels each image with the stamp of the root file system it was imported from (identical runtimes)', () => {
    for (const language of RUNTIME_LANGUAGES) {
      const out = execFileSync(
        'docker',
        ['image', 'inspect', '--format', `{{index .Config.Labels "${IMAGE_STAMP_LABEL}"}} {{.Config.User}} {{.Config.WorkingDir}}`, runtimeImageName(language)],
        { encoding: 'utf8', timeout: 10_000 },
      ).trim();
      expect(out).toBe(`${readRuntimeRecipe(language, imagesDir).stamp} 10001:10001 /tmp/edgelab`);
    }
  });
});
