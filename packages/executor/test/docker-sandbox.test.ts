import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgeLabError } from '@edgelab/core';
import { requireService } from '../../../test-support/services.js';
import {
  SANDBOX_LABELS,
  createDockerSandbox,
  reapStaleContainers,
  type DockerSandbox,
} from '../src/docker/index.js';
import { IMAGE_STAMP_LABEL, runtimeImageName } from '../src/images/runtime-images.js';
import type { RunLimits } from '../src/sandbox.js';
import { describeSandboxConformance } from './conformance/sandbox-conformance.js';

const exec = promisify(execFile);
const docker = async (...args: string[]) => (await exec('docker', args, { timeout: 30_000 })).stdout.trim();
const exists = async (id: string) =>
  docker('inspect', '--format', '{{.Id}}', id).then(
    () => true,
    () => false,
  );

const available = await requireService('Docker engine with EdgeLab images', async () => {
  try {
    await docker('image', 'inspect', '--format', '{{.Id}}', runtimeImageName('python'), runtimeImageName('java'));
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      reason: `${(error as Error).message.split('\n')[0]}; start Docker (scripts/start-docker.sh) and build the images (pnpm edgelab images build --offline)`,
    };
  }
});

/** Sandbox containers this test process created that still exist. */
async function leftovers(): Promise<string[]> {
  const ids = await docker('ps', '-aq', '--filter', `label=${SANDBOX_LABELS.owner}=${hostname()}:${process.pid}`);
  return ids ? ids.split('\n').map((id) => `container ${id}`) : [];
}

describeSandboxConformance('docker', () => createDockerSandbox(), { available, leftovers });

const limits: RunLimits = { timeMs: 2000, memoryMb: 128, outputKb: 64 };
const python = (code: string, maxMemoryMb = 128) => ({ language: 'python' as const, files: { 'solution.py': code }, maxMemoryMb });

describe.skipIf(!available)('DockerSandbox (Docker-specific behaviour)', () => {
  let sandbox: DockerSandbox;
  const scratch = mkdtempSync(join(tmpdir(), 'edgelab-docker-test-'));

  beforeAll(async () => {
    sandbox = await createDockerSandbox({ poolSize: 0 });
  });
  /** Opens a session and returns it with its container's id (earlier containers may still be being removed). */
  const openTracked = async (spec: Parameters<DockerSandbox['openSession']>[0]) => {
    const before = new Set(sandbox.liveContainerIds);
    const session = await sandbox.openSession(spec);
    const id = sandbox.liveContainerIds.find((c) => !before.has(c));
    if (!id) throw new Error('no new container');
    return { session, id };
  };
  afterAll(async () => {
    await sandbox?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs a program through the runner as PID 1 of a container, as a non-root uid', async () => {
    const session = await sandbox.openSession(python('import os\nprint(input()[::-1], os.getuid() != 0, os.getpid() != 1)'));
    try {
      const outcome = await session.run({ command: ['python3', 'solution.py'], stdin: 'olleh\n', limits });
      expect(outcome).toMatchObject({ stdout: 'hello True True\n', exitCode: 0, signal: null, limitHit: null });
    } finally {
      await session.dispose();
    }
  });

  it('creates every container with the isolation options and limits, as Docker reports them', async () => {
    const { session, id } = await openTracked({ ...python('pass', 200), scratchMb: 32 });
    try {
      const info = JSON.parse(await docker('inspect', id))[0];
      const host = info.HostConfig;
      expect(host.NetworkMode).toBe('none');
      expect(host.ReadonlyRootfs).toBe(true);
      expect(host.Tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=32m,mode=1777' });
      expect(host.CapDrop).toEqual(['ALL']);
      expect(host.CapAdd ?? null).toBeNull();
      expect(host.Privileged).toBe(false);
      expect(host.SecurityOpt).toEqual(['no-new-privileges']);
      expect(host.PidsLimit).toBe(256);
      expect(host.Memory).toBe((200 + 48) * 1024 * 1024);
      expect(host.MemorySwap).toBe(host.Memory);
      expect(host.NanoCpus).toBe(1e9);
      expect(host.AutoRemove).toBe(false);
      expect(host.Binds ?? []).toEqual([]);
      expect(info.Mounts).toEqual([]);
      expect(host.Ulimits).toEqual(
        expect.arrayContaining([
          { Name: 'core', Soft: 0, Hard: 0 },
          { Name: 'fsize', Soft: 32 * 1024 * 1024, Hard: 32 * 1024 * 1024 },
          { Name: 'nofile', Soft: 1024, Hard: 1024 },
        ]),
      );
      expect(host.LogConfig.Type).toBe('none');
      expect(info.Config.User).toMatch(/^[1-9]\d{3,}:[1-9]\d{3,}$/);
      expect(info.Config.Labels).toMatchObject({
        [SANDBOX_LABELS.sandbox]: '1',
        [SANDBOX_LABELS.owner]: `${hostname()}:${process.pid}`,
        [SANDBOX_LABELS.language]: 'python',
      });
      expect(Date.now() - Date.parse(info.Config.Labels[SANDBOX_LABELS.createdAt])).toBeLessThan(10 * 60_000);
      expect(info.Config.Cmd.slice(0, 4)).toEqual(['python3', '-I', '-S', '-c']);
    } finally {
      await session.dispose();
    }
  });

  it('gives the program no network, a read-only root and a noexec scratch', async () => {
    const code = [
      'import os, socket, subprocess',
      'def attempt(f):',
      '    try:',
      '        f(); return "allowed"',
      '    except Exception as e:',
      '        return type(e).__name__',
      'print("net", attempt(lambda: socket.create_connection(("1.1.1.1", 53), timeout=2)))',
      'print("rootfs", attempt(lambda: open("/etc/edgelab-probe", "w")))',
      'open("/tmp/x.sh", "w").write("#!/bin/sh\\necho ran\\n"); os.chmod("/tmp/x.sh", 0o755)',
      'print("exec", attempt(lambda: subprocess.run(["/tmp/x.sh"], check=True)))',
      'print("ifaces", sorted(n for _, n in socket.if_nameindex()))',
    ].join('\n');
    const session = await sandbox.openSession(python(code));
    try {
      const outcome = await session.run({ command: ['python3', 'solution.py'], limits });
      expect(outcome.stdout).toBe("net OSError\nrootfs OSError\nexec PermissionError\nifaces ['lo']\n");
    } finally {
      await session.dispose();
    }
  });

  it('removes the container after dispose (in the background), and dispose twice is safe', async () => {
    const { session, id } = await openTracked(python('print(1)'));
    expect(await exists(id)).toBe(true);
    await session.dispose();
    await session.dispose();
    await expect.poll(() => exists(id), { timeout: 30_000 }).toBe(false);
    expect(sandbox.liveContainerIds).not.toContain(id);
    await expect(session.run({ command: ['true'], limits })).rejects.toThrow(/after dispose/);
  });

  it('reports a memory_limit when the program outgrows the container (cgroup OOM, no swap)', async () => {
    const session = await sandbox.openSession(python('x = bytearray(512 * 1024 * 1024)\nprint(len(x))', 64));
    try {
      const outcome = await session.run({ command: ['python3', 'solution.py'], limits: { ...limits, memoryMb: 64 } });
      expect(outcome.limitHit).toBe('memory');
      expect(outcome.stdout).toBe('');
      // The runner survived the OOM kill of its child: the session still works.
      const after = await session.run({ command: ['python3', '-c', 'print("alive")'], limits });
      expect(after.stdout).toBe('alive\n');
    } finally {
      await session.dispose();
    }
  });

  it('fails with SANDBOX_FAILED (never a verdict) when the container dies mid-run', async () => {
    const { session, id } = await openTracked(python('import time\ntime.sleep(20)'));
    try {
      const run = session.run({ command: ['python3', 'solution.py'], limits: { ...limits, timeMs: 20_000 } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await docker('kill', id);
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeLabError(error, 'SANDBOX_FAILED')).toBe(true);
      expect((error as Error).message).toContain(id.slice(0, 12));
    } finally {
      await session.dispose();
    }
    await expect.poll(() => exists(id), { timeout: 30_000 }).toBe(false);
  });

  it('compiles and runs Java in the noexec scratch, handing class files on with keepOutputs', async () => {
    const session = await sandbox.openSession({
      language: 'java',
      files: { 'Main.java': 'public class Main { public static void main(String[] a) { System.out.println("java " + a.length); } }' },
      maxMemoryMb: 256,
    });
    try {
      const javaLimits = { timeMs: 20_000, memoryMb: 256, outputKb: 64, pids: 128 };
      const compiled = await session.run({ command: ['javac', '-J-Xmx192m', 'Main.java'], limits: javaLimits, keepOutputs: true });
      expect(compiled).toMatchObject({ exitCode: 0, stderr: '' });
      const ran = await session.run({ command: ['java', '-Xmx128m', '-XX:-UsePerfData', 'Main'], limits: javaLimits });
      expect(ran).toMatchObject({ stdout: 'java 0\n', exitCode: 0 });
    } finally {
      await session.dispose();
    }
  });

  it('keeps warm containers in a pool and removes them on close', async () => {
    const pooled = await createDockerSandbox({ poolSize: 1, reapOnStart: false });
    const session = await pooled.openSession(python('print(2)'));
    const [firstId] = pooled.liveContainerIds;
    await session.dispose();
    await expect
      .poll(() => pooled.liveContainerIds.length === 1 && !pooled.liveContainerIds.includes(firstId!), { timeout: 20_000 })
      .toBe(true);
    const [warmId] = pooled.liveContainerIds;
    const reused = await pooled.openSession(python('print(input())'));
    expect(pooled.liveContainerIds).toContain(warmId);
    expect((await reused.run({ command: ['python3', 'solution.py'], stdin: 'warm\n', limits })).stdout).toBe('warm\n');
    await reused.dispose();
    await expect.poll(() => exists(warmId!), { timeout: 30_000 }).toBe(false);
    await pooled.close();
    expect(pooled.liveContainerIds).toEqual([]);
  });

  it('leaves no container behind when the grading process is SIGKILLed: the next start reaps it', async () => {
    const script = join(scratch, 'crash-child.mts');
    const entry = fileURLToPath(new URL('../src/docker/index.ts', import.meta.url));
    writeFileSync(
      script,
      `import { createDockerSandbox } from ${JSON.stringify(entry)};\n` +
        'const sandbox = await createDockerSandbox({ poolSize: 0, reapOnStart: false });\n' +
        "await sandbox.openSession({ language: 'python', files: { 'solution.py': 'pass' }, maxMemoryMb: 64 });\n" +
        'console.log(sandbox.liveContainerIds[0]);\n' +
        'setInterval(() => {}, 1000);\n',
    );
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    // One plain node process (tsx as a loader, not its CLI wrapper) so that SIGKILL hits the owner itself.
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') },
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const id = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
    });
    expect(await docker('inspect', '--format', `{{index .Config.Labels "${SANDBOX_LABELS.owner}"}}`, id)).toBe(
      `${hostname()}:${child.pid}`,
    );
    child.kill('SIGKILL');
    await exited;
    expect(await exists(id)).toBe(true);
    const restarted = await createDockerSandbox({ poolSize: 0 });
    await restarted.close();
    expect(await exists(id)).toBe(false);
  });

  it('reaps containers of dead owners and old ones, and keeps live young ones of other hosts', async () => {
    const make = async (owner: string, createdAt: string) =>
      docker(
        'create',
        '--network', 'none',
        '--label', `${SANDBOX_LABELS.sandbox}=1`,
        '--label', `${SANDBOX_LABELS.owner}=${owner}`,
        '--label', `${SANDBOX_LABELS.createdAt}=${createdAt}`,
        runtimeImageName('python'),
        'true',
      );
    const deadOwner = await make(`${hostname()}:2147483646`, new Date().toISOString());
    const old = await make('elsewhere:1', new Date(Date.now() - 3 * 60 * 60_000).toISOString());
    const young = await make('elsewhere:1', new Date().toISOString());
    try {
      const result = await reapStaleContainers();
      // Other test files start sandboxes (which reap at start-up) in parallel, so one of them may remove a stale
      // container first: what must hold is that both are gone and the young one was never removed.
      expect(result.removed).not.toContain(young);
      expect(await exists(deadOwner)).toBe(false);
      expect(await exists(old)).toBe(false);
      expect(await exists(young)).toBe(true);
    } finally {
      await docker('rm', '-f', young).catch(() => undefined);
    }
  });

  it('refuses an image built from an older Dockerfile, naming the rebuild command', async () => {
    const tag = `edgelab-test/python:outdated-${process.pid}`;
    const context = mkdtempSync(join(scratch, 'outdated-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${runtimeImageName('python')}\nLABEL ${IMAGE_STAMP_LABEL}=0000000000000000\n`);
    await docker('build', '-q', '-t', tag, context);
    try {
      const stale = await createDockerSandbox({ images: { python: tag }, reapOnStart: false, poolSize: 0 });
      const error = await stale.ensureReady('python').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeLabError(error, 'SANDBOX_IMAGE_MISSING'), String(error)).toBe(true);
      expect((error as Error).message).toContain(`${tag} on`);
      expect((error as Error).message).toContain('outdated');
      expect((error as Error).message).toContain('pnpm edgelab images build --offline');
      await stale.close();
      // The images built from the current Dockerfiles pass the same check.
      await expect(sandbox.ensureReady('python')).resolves.toBeUndefined();
      await expect(sandbox.ensureReady('java')).resolves.toBeUndefined();
    } finally {
      await docker('rmi', tag).catch(() => undefined);
    }
  });

  it('names the image and the build command when a runtime image is missing', async () => {
    const missing = await createDockerSandbox({ images: { python: 'edgelab/python:missing-test' }, reapOnStart: false, poolSize: 0 });
    for (const attempt of [() => missing.ensureReady('python'), () => missing.openSession(python('pass'))]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeLabError(error, 'SANDBOX_IMAGE_MISSING')).toBe(true);
      expect((error as Error).message).toContain('edgelab/python:missing-test');
      expect((error as Error).message).toContain('pnpm edgelab images build --offline');
    }
    expect(missing.liveContainerIds).toEqual([]);
    await missing.close();
  });
});

describe('DockerSandbox without a reachable engine', () => {
  it('never hangs on an engine that accepts connections but does not answer: every call has a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgelab-hung-'));
    const socketPath = join(dir, 'docker.sock');
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket)); // reads requests, never answers
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const sandbox = await createDockerSandbox({ dockerHost: `unix://${socketPath}`, callTimeoutMs: 300 });
      const ready = await sandbox.ensureReady('python').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeLabError(ready, 'SANDBOX_UNAVAILABLE'), String(ready)).toBe(true);
      expect((ready as Error).message).toContain(socketPath);
      const open = await sandbox.openSession(python('pass')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isEdgeLabError(open, 'SANDBOX_FAILED'), String(open)).toBe(true);
      expect((open as Error).message).toMatch(/did not answer within 300 ms/);
      await sandbox.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which socket or host it tried and how to start Docker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgelab-nodocker-'));
    try {
      for (const dockerHost of [`unix://${join(dir, 'docker.sock')}`, 'tcp://127.0.0.1:1']) {
        const sandbox = await createDockerSandbox({ dockerHost, callTimeoutMs: 5_000 });
        for (const attempt of [() => sandbox.ensureReady('python'), () => sandbox.openSession(python('pass'))]) {
          const error = await attempt().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isEdgeLabError(error, 'SANDBOX_UNAVAILABLE'), String(error)).toBe(true);
          expect((error as Error).message).toContain(dockerHost);
          expect((error as Error).message).toContain('scripts/start-docker.sh');
          expect((error as Error).message).toContain('DOCKER_HOST');
        }
        await sandbox.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
