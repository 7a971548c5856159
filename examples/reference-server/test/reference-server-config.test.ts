import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { probeSandbox, requireService } from '../../../test-support/services.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(path, 'utf8');

/** KEY=value lines of an env file. */
function envFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of read(path).split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Every EDGELAB_* / OLLAMA_* variable the packages' source reads. */
function variablesReadByCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
      } else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        for (const m of read(path).matchAll(/\b((?:EDGELAB|OLLAMA)_[A-Z0-9_]+)\b/g)) names.add(m[1]!);
      }
    }
  };
  for (const pkg of readdirSync(join(repo, 'packages'))) {
    if (existsSync(join(repo, 'packages', pkg, 'src'))) walk(join(repo, 'packages', pkg, 'src'));
  }
  return names;
}

type Compose = { services: Record<string, { profiles?: string[]; command?: string[]; volumes?: string[]; environment?: Record<string, string>; build?: { args?: Record<string, string> } }> };
const compose = parseYaml(read(join(repo, 'docker-compose.yml')), { merge: true }) as Compose;

describe('deployment configuration', () => {
  it('docker compose: a SQLite server by default, PostgreSQL and two workers behind the postgres profile', () => {
    const { server, postgres } = compose.services;
    expect(server?.profiles).toBeUndefined();
    expect(server?.command).toEqual(['serve']);
    expect(server?.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(server?.volumes).toContain('edgelab-data:/data');
    expect(server?.build?.args?.NODE_IMAGE).toMatch(/node:20-bookworm-slim/);
    expect(postgres?.profiles).toEqual(['postgres']);
    const workers = Object.entries(compose.services).filter(([, s]) => s.command?.[0] === 'worker');
    expect(workers.map(([name]) => name)).toEqual(['worker-1', 'worker-2']);
    for (const [, w] of workers) expect(w.profiles).toEqual(['postgres']);
  });

  it('names only environment variables the code reads (a typo would be silently ignored)', () => {
    const known = variablesReadByCode();
    expect(known.has('EDGELAB_DATABASE_URL')).toBe(true);
    const composeOnly = new Set(['EDGELAB_NODE_IMAGE', 'EDGELAB_SERVER_IMAGE', 'EDGELAB_PUBLISH', 'EDGELAB_SERVER_WORKERS', 'EDGELAB_WORKER_CONCURRENCY', 'EDGELAB_POSTGRES_IMAGE', 'EDGELAB_POSTGRES_PASSWORD']);
    const used = new Set<string>();
    for (const file of ['sqlite.env', 'postgres.env', 'compose-postgres.env']) for (const key of Object.keys(envFile(join(here, file)))) used.add(key);
    for (const service of Object.values(compose.services)) for (const key of Object.keys(service.environment ?? {})) used.add(key);
    for (const m of read(join(repo, 'docker-compose.yml')).matchAll(/\$\{([A-Z0-9_]+)/g)) used.add(m[1]!);
    for (const name of used) {
      if (!/^(EDGELAB|OLLAMA)_/.test(name) || composeOnly.has(name)) continue;
      expect(known, `${name} is not read anywhere in packages/*/src`).toContain(name);
    }
  });

  it('the Dockerfile copies every workspace manifest, so `pnpm install --frozen-lockfile` sees the whole workspace', () => {
    const dockerfile = read(join(repo, 'Dockerfile'));
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    for (const group of ['packages', 'examples']) {
      for (const dir of readdirSync(join(repo, group))) {
        if (!existsSync(join(repo, group, dir, 'package.json'))) continue;
        expect(dockerfile, `${group}/${dir}/package.json is not copied`).toContain(`COPY ${group}/${dir}/package.json ${group}/${dir}/`);
      }
    }
  });

  it('the Procfile and the script run one API-only server and two workers', () => {
    const procfile = read(join(here, 'Procfile'));
    expect(procfile).toMatch(/^api: .*serve --workers 0$/m);
    expect(procfile.match(/^worker\d: .* worker /gm)).toHaveLength(2);
    const script = read(join(here, 'run-postgres-workers.sh'));
    expect(script.match(/cli\.js worker /g)).toHaveLength(2);
    expect(envFile(join(here, 'postgres.env')).EDGELAB_DATABASE_URL).toMatch(/^postgres:\/\//);
  });
});

describe('docs stay in step with the code', () => {
  it('docs/configuration.md documents every EDGELAB_* and OLLAMA_* variable the packages read', () => {
    const doc = read(join(repo, 'docs/configuration.md'));
    for (const name of variablesReadByCode()) expect(doc, `${name} is missing from docs/configuration.md`).toContain(`\`${name}\``);
  });

  it('docs/api.md documents every path of the OpenAPI document', async () => {
    const { buildOpenApiDocument } = await import('@edgelab/server');
    const paths = Object.keys((buildOpenApiDocument('test') as { paths: Record<string, unknown> }).paths);
    expect(paths.length).toBeGreaterThan(5);
    const doc = read(join(repo, 'docs/api.md'));
    for (const path of paths) expect(doc, `${path} is missing from docs/api.md`).toContain(path);
  });
});

const serverCli = join(repo, 'packages/server/dist/cli.js');
const built =
  (await requireService('built server (pnpm build)', async () =>
    existsSync(serverCli) ? { ok: true } : { ok: false, reason: `${serverCli} is missing` })) &&
  // `serve` opens the sandbox at start-up
  (await requireService('a sandbox backend (Docker or bubblewrap)', probeSandbox));

describe.skipIf(!built)('the server started with examples/reference-server/sqlite.env', () => {
  let server: ChildProcess | undefined;
  let dataDir = '';
  let base = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'edgelab-reference-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ...envFile(join(here, 'sqlite.env')), EDGELAB_PORT: String(port), EDGELAB_DATABASE_URL: join(dataDir, 'edgelab.db'), EDGELAB_WORKERS: '0', EDGELAB_LOG_LEVEL: 'warn' };
    server = spawn(process.execPath, [serverCli, 'serve'], { cwd: repo, env, stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; i < 300; i++) {
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return;
      if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the server did not answer /health within 30 s');
  });

  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every assignment of the library', async () => {
    const res = await fetch(`${base}/assignments`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as unknown;
    const list = (Array.isArray(body) ? body : (body as { assignments: unknown[] }).assignments) as { id: string }[];
    const files = readdirSync(join(repo, 'assignments')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(list.map((a) => a.id).sort()).toEqual(files.sort());
  });
});
