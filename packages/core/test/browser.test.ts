import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { assignmentVersion } from '../src/assignment-version.js';
import { parseAssignment } from '../src/parse-assignment.js';
import { pythonAssignment } from './fixtures.js';

const CHROMIUM_PATH = process.env.EDGELAB_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = await requireService('chromium', async () =>
  existsSync(CHROMIUM_PATH) ? { ok: true } : { ok: false, reason: `${CHROMIUM_PATH} not found (apt-get install chromium)` },
);

describe.skipIf(!hasChromium)('@edgelab/core in a real browser (chromium)', () => {
  let context: BrowserContext;
  let profile: string;
  let bundle: string;

  beforeAll(async () => {
    // platform 'browser' makes esbuild fail on any Node built-in the core might import.
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      globalName: 'EdgeLabCore',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    profile = await mkdtemp(join(tmpdir(), 'edgelab-core-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('parses, compares, scores, hashes and builds public views exactly as in Node', async () => {
    const page = await context.newPage();
    await page.addScriptTag({ content: bundle });
    const input = pythonAssignment();
    const inBrowser = await page.evaluate((raw) => {
      const core = (globalThis as unknown as { EdgeLabCore: typeof import('../src/index.js') }).EdgeLabCore;
      const a = core.parseAssignment(raw, 'browser.json');
      let invalid: string[] = [];
      try {
        core.parseAssignment({ ...raw, id: 'Bad' }, 'browser.json');
      } catch (error) {
        invalid = [...(error as { details: string[] }).details];
      }
      return {
        version: core.assignmentVersion(a),
        lines: core.compareOutput({ kind: 'lines' }, 'caf\u00e9\r\n', 'cafe\u0301  \n'),
        float: core.compareOutput({ kind: 'float' }, '1.0 nan', '1.0000001 nan'),
        score: core.scoreTests(a, a.tests.map(() => ({ verdict: 'accepted' as const }))).percent,
        hidden: JSON.stringify(core.toPublicAssignment(a)).includes('1000001'),
        invalid,
      };
    }, input);
    expect(inBrowser).toEqual({
      version: assignmentVersion(parseAssignment(input, 'node.json')),
      lines: { passed: true },
      float: { passed: false, reason: 'token 2 (line 1): expected "nan", got "nan" (NaN is never equal)' },
      score: 100,
      hidden: false,
      invalid: [expect.stringMatching(/^browser\.json: id: must be a slug/)],
    });
    await page.close();
  });
});
