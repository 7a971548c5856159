import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './support/cli-process.js';
import { httpClient } from './support/http-client.js';
import { markerAssignments } from './support/marker-assignments.js';
import { sandboxAvailable } from './support/sandbox-service.js';
import { tempDir } from './support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => dir?.cleanup());

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = spawnCli(args, env);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

describe('edgelab CLI errors', () => {
  it('reports configuration errors as one clear line with exit code 2, no stack trace', async () => {
    for (const [args, env, pattern] of [
      [['serve', '--port', 'eighty'], {}, /port .*"eighty"/],
      [['serve', '--workers', '2'], { EDGELAB_AUTH: 'token' }, /EDGELAB_AUTH=token needs/],
      [['serve', '--sandbox', 'vm'], {}, /vm/],
      [['frobnicate'], {}, /unknown command/],
    ] as const) {
      const { code, stderr } = await run([...args], env);
      expect(code, stderr).toBe(2);
      expect(stderr).toMatch(pattern);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    }
  });

  it('serve without any usable sandbox: refuses to start with workers, runs API-only with --workers 0', async () => {
    // No bubblewrap on PATH (the CLI itself is started by absolute path).
    const env = { PATH: '/nonexistent', EDGELAB_FEEDBACK: 'off' };
    const { mkdir } = await import('node:fs/promises');
    const folder = join(dir.path, 'nosandbox');
    await mkdir(folder);
    await writeFile(join(folder, 'shout.json'), JSON.stringify(markerAssignments().assignments[0]));
    const args = ['--db', join(folder, 'edgelab.db'), '--assignments', folder, '--sandbox', 'bwrap', '--port', '0'];
    const refused = await run(['serve', '--workers', '1', ...args], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^edgelab: .*bwrap/m);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const apiOnly = spawnCli(['serve', '--workers', '0', '--host', '0.0.0.0', ...args], env);
    try {
      const client = httpClient(await apiOnly.url);
      // Bound to every interface: the URL shown is one to open here, and the line says the rest.
      expect(apiOnly.stdout()).toMatch(/^EdgeLab listening on http:\/\/127\.0\.0\.1:\d+ \(0 workers; bound to every interface, --host 0\.0\.0\.0\)$/m);
      expect((await client.get('/health')).status).toBe(200);
      const res = await client.post('/run', { assignmentId: 'fixture_shout', language: 'python', code: 'print(1)' });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('SANDBOX_UNAVAILABLE');
      expect((await client.post('/submit', { assignmentId: 'fixture_shout', language: 'python', code: 'print(1)' })).status).toBe(202);
    } finally {
      apiOnly.child.kill('SIGTERM');
    }
    expect((await apiOnly.exited).code).toBe(0);
  });

  it('grade: a missing assignment is a clear error', async () => {
    const { code, stderr } = await run(['grade', 'no_such_assignment', 'x.py', '--assignments', dir.path]);
    expect(code).toBe(1);
    expect(stderr).toContain('"no_such_assignment" is neither an assignment file nor the id');
  });

  it('check: an invalid assignment file makes the run fail with every problem listed', async () => {
    const bad = join(dir.path, 'invalid');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(bad);
    await writeFile(join(bad, 'broken.json'), JSON.stringify({ id: 'Broken ID', title: '', tests: [] }));
    const { code, stdout, stderr } = await run(['check', bad, '--sandbox', 'auto']);
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`).toContain('broken.json');
    expect(stdout).toMatch(/FAIL/);
  });
});

const available = await sandboxAvailable();

describe.skipIf(!available)('edgelab grade and check with the real sandbox', () => {
  it('grade: per-test table, exit 0 only when every test passes; --json prints the public result', async () => {
    const fixtures = markerAssignments();
    const shout = fixtures.assignments[0]!;
    const file = join(dir.path, 'shout.json');
    await writeFile(file, JSON.stringify(shout));
    await writeFile(join(dir.path, 'good.py'), 'print(input().upper())\n');
    await writeFile(join(dir.path, 'bad.py'), 'print(input())\n');
    const good = await run(['grade', file, join(dir.path, 'good.py')]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/verdict accepted, score 4\/4/);
    expect(good.stdout).toContain('public hello');
    const bad = await run(['grade', file, join(dir.path, 'bad.py'), '--json']);
    expect(bad.code).toBe(1);
    const json = JSON.parse(bad.stdout);
    expect(json.verdict).toBe('wrong_answer');
    for (const m of fixtures.markers) expect(bad.stdout.toLowerCase()).not.toContain(m);
  });

  it('check: reference solutions pass, known-wrong ones fail as expected; summary table and exit code', async () => {
    const fixtures = markerAssignments();
    const ok = join(dir.path, 'check-ok');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(ok);
    await writeFile(join(ok, 'shout.json'), JSON.stringify(fixtures.assignments[0]));
    const passing = await run(['check', ok]);
    expect(passing.code, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).toContain('all 2 checks passed');
    expect(passing.stderr).toContain('fixture_shout python reference');

    const broken = { ...fixtures.assignments[0]!, id: 'fixture_broken' } as Record<string, any>;
    broken.languages = { python: { solution: 'print(input())\n', wrongSolutions: [{ name: 'actually right', code: 'print(input().upper())\n' }] } };
    await writeFile(join(ok, 'broken.json'), JSON.stringify(broken));
    const failing = await run(['check', ok]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FAIL\s+fixture_broken\s+python\s+reference/);
    expect(failing.stdout).toMatch(/FAIL\s+fixture_broken\s+python\s+wrong: actually right/);
    expect(failing.stdout).toContain('2 of 4 checks FAILED');
  });

  it('serve: reports invalid assignment files clearly and keeps serving the valid ones; SIGTERM exits 0', async () => {
    const { mkdir } = await import('node:fs/promises');
    const folder = join(dir.path, 'serve-mixed');
    await mkdir(folder);
    await writeFile(join(folder, 'shout.json'), JSON.stringify(markerAssignments().assignments[0]));
    await writeFile(join(folder, 'broken.json'), '{ "id": "broken", "title": "x", ');
    const server = spawnCli(['serve', '--port', '0', '--assignments', folder, '--db', join(folder, 'edgelab.db'), '--workers', '1'], { EDGELAB_FEEDBACK: 'off' });
    try {
      const client = httpClient(await server.url);
      expect(server.stderr()).toMatch(/skipped invalid assignment: \S*broken\.json:1:\d+: invalid JSON/);
      expect((await client.get('/assignments')).json.map((a: { id: string }) => a.id)).toEqual(['fixture_shout']);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  });

  it('serve: a port in use is a one-line configuration error, exit 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as import('node:net').AddressInfo;
    try {
      const { code, stderr } = await run(['serve', '--port', String(port), '--db', join(dir.path, 'busy.db'), '--assignments', dir.path, '--workers', '0'], { EDGELAB_FEEDBACK: 'off' });
      expect(code, stderr).toBe(2);
      expect(stderr).toContain(`listening on 127.0.0.1:${port} is in use`);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
