import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment } from '@edgelab/core';
import { probeSandbox, requireService } from '../../../test-support/services.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const page = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
const problemSource = readFileSync(join(repo, 'packages/web-components/src/edgelab-problem.ts'), 'utf8');

/** Names documented in the element's TSDoc with `@csspart x` / `@cssprop --x` / `@fires x`. */
function documented(tag: 'csspart' | 'cssprop' | 'fires'): Set<string> {
  return new Set([...problemSource.matchAll(new RegExp(`@${tag}\\s+(\\S+)`, 'g'))].map((m) => m[1]!));
}

describe('examples/embed page', () => {
  it('loads the elements as a module from the EdgeLab server it points the element at', () => {
    const script = /<script type="module" src="(https?:\/\/[^"]+)\/edgelab\.js"><\/script>/.exec(page);
    expect(script).not.toBeNull();
    const element = /<edgelab-problem[^>]*\sserver="([^"]+)"/.exec(page);
    expect(element?.[1]).toBe(script![1]);
  });

  it('embeds an assignment that exists in assignments/ and is valid', () => {
    const id = /<edgelab-problem[^>]*\sassignment="([^"]+)"/.exec(page)?.[1];
    expect(id).toBeDefined();
    const file = join(repo, 'assignments', `${id}.json`);
    expect(existsSync(file)).toBe(true);
    expect(parseAssignment(JSON.parse(readFileSync(file, 'utf8')), `${id}.json`).id).toBe(id);
  });

  it('themes only with CSS custom properties and parts the element documents', () => {
    const props = documented('cssprop');
    const used = [...page.matchAll(/(--edgelab-[a-z-]+)\s*:/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(3);
    for (const prop of used) expect(props, `${prop} is not a documented @cssprop`).toContain(prop);
    const parts = documented('csspart');
    const usedParts = [...page.matchAll(/::part\(([a-z-]+)\)/g)].map((m) => m[1]!);
    expect(usedParts.length).toBeGreaterThan(0);
    for (const part of usedParts) expect(parts, `::part(${part}) is not a documented @csspart`).toContain(part);
  });

  it('records grades from the documented edgelab-graded event', () => {
    expect(documented('fires')).toContain('edgelab-graded');
    expect(page).toMatch(/addEventListener\('edgelab-graded'/);
    for (const field of ['score', 'maxScore', 'verdict', 'status']) expect(page).toContain(field);
  });
});

// End to end: the real server (built CLI) + a real sandbox + chromium loading this page from another origin.
const serverCli = join(repo, 'packages/server/dist/cli.js');
const bundle = join(repo, 'packages/web-components/dist/edgelab.js');
const e2e =
  (await requireService('chromium', async () =>
    existsSync('/usr/bin/chromium') ? { ok: true } : { ok: false, reason: '/usr/bin/chromium not found' })) &&
  (await requireService('built server and elements (pnpm build)', async () =>
    existsSync(serverCli) && existsSync(bundle) ? { ok: true } : { ok: false, reason: `${serverCli} or ${bundle} missing` })) &&
  (await requireService('a sandbox backend (Docker or bubblewrap)', probeSandbox));

describe.skipIf(!e2e)('examples/embed page in chromium against a real server', () => {
  let edgelab: ChildProcess | undefined;
  let pageServer: Server | undefined;
  let dataDir = '';
  let pageUrl = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'edgelab-embed-'));
    pageServer = createServer();
    await new Promise<void>((resolve) => pageServer!.listen(0, '127.0.0.1', resolve));
    const pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    const apiPort = 20_000 + Math.floor(Math.random() * 20_000);
    const apiOrigin = `http://127.0.0.1:${apiPort}`;
    const html = page.replaceAll('http://localhost:3000', apiOrigin);
    pageServer.on('request', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    pageUrl = `${pageOrigin}/`;
    edgelab = spawn(process.execPath, [serverCli, 'serve', '--port', String(apiPort), '--db', join(dataDir, 'db.sqlite'), '--workers', '1', '--assignments', join(repo, 'assignments')], {
      env: { ...process.env, EDGELAB_CORS_ORIGINS: pageOrigin, EDGELAB_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`${apiOrigin}/health`).then((r) => r.ok, () => false);
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the EdgeLab server did not answer /health within 30 s');
  });

  afterAll(async () => {
    edgelab?.kill('SIGTERM');
    await new Promise((resolve) => pageServer?.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the problem, submits the starter code and records the grade', async () => {
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'edgelab-embed-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await context.newPage();
      const pageErrors: string[] = [];
      tab.on('pageerror', (error) => pageErrors.push(error.message));
      tab.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      await tab.goto(pageUrl);
      const problem = tab.locator('edgelab-problem');
      // Playwright's locators pierce open shadow roots: the statement rendered inside the element
      await problem.getByText('Two Sum').first().waitFor({ timeout: 30_000 }).catch((error: unknown) => {
        throw new Error(`the problem did not render: ${String(error)}; page errors: ${pageErrors.join(' | ') || 'none'}`);
      });
      // the theme reached inside the shadow DOM
      const accent = await problem.evaluate((el) => getComputedStyle(el).getPropertyValue('--edgelab-accent').trim());
      expect(accent).toBe('#7a2e8c');
      await problem.getByRole('button', { name: /^submit/i }).click();
      await tab.waitForFunction(() => (window as unknown as { edgelabGrades: unknown[] }).edgelabGrades.length > 0, undefined, { timeout: 60_000 });
      const grades = await tab.evaluate(() => (window as unknown as { edgelabGrades: { verdict: string; score: number; maxScore: number }[] }).edgelabGrades);
      // the starter prints "0 1": right for the first example only
      expect(grades[0]!.verdict).toBe('wrong_answer');
      expect(grades[0]!.score).toBeLessThan(grades[0]!.maxScore);
      await expect.poll(() => tab.locator('#gradebook tbody tr').count()).toBe(1);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
