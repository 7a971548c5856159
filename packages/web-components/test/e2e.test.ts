import { createHmac } from 'node:crypto';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Assignment } from '@edgelab/core';
import { createSandbox, type Sandbox } from '@edgelab/executor';
import { defaultFeedbackProvider, loadServerConfig, startServer, type RunningServer } from '@edgelab/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { assignmentList, twoSum as recordedTwoSum, wrongResult as recordedResult } from './fixtures/api-responses.js';
import { AXE_PATH, elementsBundle, launchBrowser, probeChromium, type TestBrowser } from './support/browser.js';
import { screenshot } from './support/screenshots.js';

// The reference UI (dist/index.html + the elements bundle) served by the REAL EdgeLab server: real HTTP, real
// SQLite, real workers and the real sandbox grading real code, driven in real chromium.
const ASSIGNMENTS = fileURLToPath(new URL('../../../assignments/', import.meta.url));
const INDEX_HTML = fileURLToPath(new URL('../src/index.html', import.meta.url));

const hasChromium = await requireService('chromium', probeChromium);
const hasSandbox = await requireService('sandbox (docker or bubblewrap)', async () => {
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await createSandbox({ backend: 'auto' });
    await sandbox.ensureReady('python');
    await sandbox.ensureReady('java');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await sandbox?.close();
  }
});

async function loadAssignment(id: string): Promise<Assignment> {
  return JSON.parse(await readFile(join(ASSIGNMENTS, `${id}.json`), 'utf8')) as Assignment;
}

describe.skipIf(!hasChromium || !hasSandbox)('reference UI end to end (real EdgeLab server, real sandbox, chromium)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let twoSum: Assignment;

  async function start(name: string, env: Record<string, string>): Promise<RunningServer> {
    const config = loadServerConfig({
      EDGELAB_PORT: '0',
      EDGELAB_HOST: '127.0.0.1',
      EDGELAB_ASSIGNMENTS_DIR: ASSIGNMENTS,
      EDGELAB_DATABASE_URL: join(dir, `${name}.db`),
      EDGELAB_WORKERS: '2',
      EDGELAB_LOG_LEVEL: process.env.EDGELAB_TEST_LOG ?? 'silent',
      ...env,
    });
    const feedback = defaultFeedbackProvider({});
    return startServer({
      config,
      sandbox,
      ...(feedback ? { feedback } : {}),
      app: { uiDir: join(dir, 'ui'), eventPollMs: 100, feedbackWaitMs: 5000 },
      workerPollMs: 100,
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edgelab-web-e2e-'));
    // The UI the server serves: the page as shipped and the elements bundled from source (what dist/ holds).
    await (await import('node:fs/promises')).mkdir(join(dir, 'ui'));
    await copyFile(INDEX_HTML, join(dir, 'ui', 'index.html'));
    await writeFile(join(dir, 'ui', 'edgelab.js'), await elementsBundle());
    sandbox = await createSandbox({ backend: 'auto' });
    server = await start('main', { EDGELAB_RATE_LIMIT_BURST: '1000', EDGELAB_RATE_LIMIT_PER_MINUTE: '100000' });
    twoSum = await loadAssignment('python_two_sum');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
    await page.addInitScript(() => {
      const w = window as unknown as { edgelabEvents: Array<{ type: string; detail: unknown }> };
      w.edgelabEvents = [];
      for (const type of ['edgelab-submitted', 'edgelab-graded']) {
        document.addEventListener(type, (e) => w.edgelabEvents.push({ type, detail: (e as CustomEvent).detail }));
      }
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close({ graceMs: 5000 });
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens an assignment in a fresh document (a hash-only change would keep the previous result on screen). */
  async function openSolve(id: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/solve/${id}`);
    await page.locator('edgelab-problem .cm-content').waitFor();
  }

  /** Replaces the editor's content the way typing does: through CodeMirror, so the element hears the change. */
  async function setCode(code: string): Promise<void> {
    await page.locator('edgelab-problem .cm-content').waitFor();
    await page.evaluate((text) => {
      const app = document.querySelector('edgelab-app')!;
      const problem = app.shadowRoot!.querySelector('edgelab-problem')!;
      const view = problem.shadowRoot!.querySelector('edgelab-code-editor')!.editorView!;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    }, code);
  }

  /** Every text and attribute in the page, through all shadow roots. */
  async function deepHtml(): Promise<string> {
    return page.evaluate(() => {
      const parts: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        parts.push(root instanceof Document ? root.documentElement.outerHTML : root.innerHTML);
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      return parts.join('\n');
    });
  }

  async function seriousAxeViolations(): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
    // Evaluated through the devtools protocol: the page's CSP (script-src 'self') stays in force for the UI itself.
    await page.evaluate(await readFile(AXE_PATH, 'utf8'));
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const { violations } = await axe.run(document, { resultTypes: ['violations'] });
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
    });
  }

  it('answers in the shapes the component tests replay (the recorded fixtures have not drifted)', async () => {
    /** Every key of `recorded` exists in `real` with the same JSON type, recursively through the first array item. */
    const sameShape = (recorded: unknown, real: unknown, path: string): string[] => {
      const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      if (recorded === null || real === null) return [];
      if (kind(recorded) !== kind(real)) return [`${path}: ${kind(recorded)} recorded, ${kind(real)} served`];
      if (Array.isArray(recorded)) return recorded.length > 0 && (real as unknown[]).length > 0 ? sameShape(recorded[0], (real as unknown[])[0], `${path}[0]`) : [];
      if (kind(recorded) !== 'object') return [];
      return Object.entries(recorded as Record<string, unknown>).flatMap(([key, value]) =>
        key in (real as Record<string, unknown>) ? sameShape(value, (real as Record<string, unknown>)[key], `${path}.${key}`) : value === undefined ? [] : [`${path}.${key}: not served`],
      );
    };
    const get = async (path: string) => (await fetch(`${server.url}${path}`)).json() as Promise<unknown>;
    expect(sameShape(assignmentList, await get('/assignments'), 'assignments')).toEqual([]);
    // The recorded assignment also offers Java; the real one only Python: compare the Python entry's shape.
    const { tests: recordedTests, languages: recordedLanguages, ...recordedAssignment } = recordedTwoSum;
    const realAssignment = (await get('/assignments/python_two_sum')) as { tests: unknown[]; languages: Record<string, unknown> };
    expect(sameShape(recordedAssignment, realAssignment, 'assignment')).toEqual([]);
    expect(sameShape(recordedLanguages.python, realAssignment.languages.python, 'assignment.languages.python')).toEqual([]);
    expect(sameShape(recordedTests[0], realAssignment.tests[0], 'assignment.tests[public]')).toEqual([]);
    expect(sameShape(recordedTests[3], realAssignment.tests.at(-1), 'assignment.tests[hidden]')).toEqual([]);

    const wrong = twoSum.languages.python!.wrongSolutions!.find((w) => w.name.startsWith('reuses a position'))!;
    const submitted = (await (
      await fetch(`${server.url}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ assignmentId: 'python_two_sum', language: 'python', code: wrong.code }) })
    ).json()) as { id: string };
    let real: { status: string; tests: Array<{ visibility: string; verdict: string }> } | undefined;
    for (let i = 0; i < 600 && real?.status !== 'done'; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      real = (await get(`/results/${submitted.id}`)) as typeof real;
    }
    const { tests: resultTests, feedback: _feedback, ...recordedTop } = recordedResult;
    expect(sameShape(recordedTop, real, 'result')).toEqual([]);
    const realFailing = real!.tests.find((t) => t.visibility === 'public' && t.verdict === 'wrong_answer');
    expect(sameShape(resultTests[1], realFailing, 'result.tests[failing public]')).toEqual([]);
    expect(sameShape(resultTests[3], real!.tests.find((t) => t.visibility === 'hidden'), 'result.tests[hidden]')).toEqual([]);
  });

  it('lists the server\'s assignments and opens one', async () => {
    const files = (await readdir(ASSIGNMENTS)).filter((f) => f.endsWith('.json'));
    await page.goto(server.url);
    await expect.poll(() => page.locator('edgelab-problem-list .item').count(), { timeout: 20_000 }).toBe(files.length);
    expect(await page.locator('edgelab-problem-list .item[data-id="python_two_sum"]').innerText()).toContain(twoSum.title);
    await screenshot(page, '01-list');
    expect(await seriousAxeViolations()).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, '11-phone-list', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('edgelab-problem-list .item[data-id="python_two_sum"]').click();
    await page.locator('edgelab-problem h2', { hasText: twoSum.title }).waitFor();
    expect(page.url()).toContain('#/solve/python_two_sum');
    await page.locator('edgelab-problem .cm-content').waitFor();
    await screenshot(page, '02-problem');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('grades a correct python_two_sum with full marks, live', async () => {
    await openSolve('python_two_sum');
    await setCode(twoSum.languages.python!.solution as string);
    await page.locator('edgelab-problem button.primary', { hasText: 'Submit' }).click();
    // Tests appear as they finish; catch the grading in progress for the screenshot when it is slow enough.
    await page.locator('edgelab-result .verdict').waitFor();
    await screenshot(page, '03-running');
    const score = page.locator('edgelab-result .score');
    await score.waitFor({ timeout: 120_000 });
    const max = (await page.evaluate(() => (window as unknown as { edgelabEvents: Array<{ type: string; detail: { maxScore: number } }> }).edgelabEvents))
      .find((e) => e.type === 'edgelab-graded')!.detail.maxScore;
    expect(max).toBeGreaterThan(0);
    expect(await score.innerText()).toBe(`${max} / ${max} points (100%)`);
    expect(await page.locator('edgelab-result .verdict').innerText()).toContain('Accepted');
    expect(await page.locator('edgelab-result li.test.pass').count()).toBe(twoSum.tests.length);
    const events = await page.evaluate(() => (window as unknown as { edgelabEvents: unknown[] }).edgelabEvents);
    expect(events).toEqual([
      { type: 'edgelab-submitted', detail: { id: expect.any(String), assignmentId: 'python_two_sum', language: 'python', mode: 'submit' } },
      { type: 'edgelab-graded', detail: { id: expect.any(String), score: max, maxScore: max, verdict: 'accepted', status: 'done' } },
    ]);
    await page.locator('edgelab-result .feedback').waitFor({ timeout: 15_000 });
    await screenshot(page, '04-accepted');

    // The same submission on its own page (<edgelab-result>), as a link from an LMS would open it.
    const id = (events[0] as { detail: { id: string } }).detail.id;
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/result/${id}`);
    await page.locator('edgelab-result .score', { hasText: `${max} / ${max} points` }).waitFor({ timeout: 15_000 });
    expect(await page.locator('edgelab-result li.test.pass').count()).toBe(twoSum.tests.length);
  });

  it('shows a wrong answer\'s failing public test with a diff, and hidden tests without their data', async () => {
    await openSolve('python_two_sum');
    const wrong = twoSum.languages.python!.wrongSolutions!.find((w) => w.name.startsWith('reuses a position'))!;
    await setCode(wrong.code as string);
    await page.locator('edgelab-problem button.primary', { hasText: 'Submit' }).click();
    await page.locator('edgelab-result .score').waitFor({ timeout: 120_000 });
    const result = page.locator('edgelab-result .result');
    const text = await result.innerText();
    expect(text).toContain('Wrong answer');
    const failing = page.locator('edgelab-result li.test.fail', { hasText: 'example 2' });
    expect(await failing.locator('.diff .line.expected').innerText()).toContain('1 2');
    expect(await failing.locator('.diff .line.actual').count()).toBeGreaterThan(0);
    const hidden = twoSum.tests.filter((t) => t.visibility === 'hidden');
    for (let n = 1; n <= hidden.length; n++) expect(text).toMatch(new RegExp(`Hidden test ${n}: (passed|failed)`));
    // No hidden test's data anywhere in the page, its shadow roots or attributes.
    const everything = await deepHtml();
    for (const t of hidden) {
      if (t.kind !== 'io') continue;
      const firstLine = t.input.split('\n')[0]!.trim();
      if (firstLine.length >= 7) expect(everything).not.toContain(firstLine.slice(0, 40));
      if (t.expected.trim().length >= 5) expect(everything).not.toContain(t.expected.trim());
      if (t.name) expect(everything).not.toContain(t.name);
    }
    await page.locator('edgelab-result .feedback').waitFor({ timeout: 15_000 });
    await screenshot(page, '05-wrong-answer');
    expect(await seriousAxeViolations()).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.locator('edgelab-result .summary').scrollIntoViewIfNeeded();
    await screenshot(page, '09-phone', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a Java compile error with its line', async () => {
    const palindrome = await loadAssignment('java_palindrome');
    const starter = palindrome.languages.java!.starter as string;
    const lines = starter.split('\n');
    const broken = lines.findIndex((l) => l.includes('return false;'));
    lines[broken] = lines[broken]!.replace('return false;', 'return false');
    await openSolve('java_palindrome');
    await setCode(lines.join('\n'));
    await page.locator('edgelab-problem button.primary', { hasText: 'Submit' }).click();
    const compile = page.locator('edgelab-result .compile');
    await compile.waitFor({ timeout: 120_000 });
    expect(await compile.innerText()).toContain(`Line ${broken + 1}`);
    expect(await page.locator('edgelab-result .verdict').innerText()).toContain('Compile error');
    await page.locator('edgelab-result .feedback').waitFor({ timeout: 15_000 }).catch(() => undefined);
    await screenshot(page, '06-compile-error');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('shows an SQL query\'s wrong rows as a diff of result tables', async () => {
    const salaries = await loadAssignment('sql_top_salaries');
    await openSolve('sql_top_salaries');
    // The starter returns every employee, not the top three per department.
    await setCode(salaries.languages.sql!.starter as string);
    await page.locator('edgelab-problem button.primary', { hasText: 'Submit' }).click();
    await page.locator('edgelab-result .score').waitFor({ timeout: 120_000 });
    expect(await page.locator('edgelab-result .verdict').innerText()).toContain('Wrong answer');
    const failing = page.locator('edgelab-result li.test.fail').first();
    expect(await failing.locator('.diff .line.actual').count()).toBeGreaterThan(0);
    // Public examples show expected rows as a table, not "[object Object]".
    const examples = await page.locator('edgelab-problem .examples').innerText();
    expect(examples).toContain('department');
    expect(examples).not.toContain('[object Object]');
    await page.locator('edgelab-result .feedback').waitFor({ timeout: 15_000 }).catch(() => undefined);
    await screenshot(page, '10-sql-wrong-answer');
  });

  it('runs only the public tests with "Run public tests"', async () => {
    await openSolve('python_two_sum');
    await setCode(twoSum.languages.python!.solution as string);
    await page.locator('edgelab-problem button', { hasText: 'Run public tests' }).click();
    await page.locator('edgelab-result .score').waitFor({ timeout: 120_000 });
    const publicCount = twoSum.tests.filter((t) => t.visibility !== 'hidden').length;
    expect(await page.locator('edgelab-result li.test.pass').count()).toBe(publicCount);
    expect(await page.locator('edgelab-result .result').innerText()).not.toContain('Hidden test');
  });

  it('sends the page\'s token as a bearer token, including on the live result stream', async () => {
    const secret = 'edgelab-web-components-e2e-secret-0123456789';
    const authed = await start('authed', { EDGELAB_AUTH: 'token', EDGELAB_JWT_SECRET: secret, EDGELAB_WORKERS: '1' });
    const b64 = (value: object | Buffer) => Buffer.from(value instanceof Buffer ? value : JSON.stringify(value)).toString('base64url');
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'student-42', exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const jwt = `${unsigned}.${b64(createHmac('sha256', secret).update(unsigned).digest())}`;
    const other = await browser.context.newPage();
    try {
      await other.goto(`${authed.url}/`);
      const alert = other.locator('edgelab-problem-list [role="alert"]');
      await alert.waitFor();
      expect(await alert.innerText()).toContain('Not signed in');

      await other.goto(`${authed.url}/?token=${jwt}#/solve/python_two_sum`);
      await other.locator('edgelab-problem .cm-content').waitFor();
      await other.evaluate((text) => {
        const problem = document.querySelector('edgelab-app')!.shadowRoot!.querySelector('edgelab-problem')!;
        const view = problem.shadowRoot!.querySelector('edgelab-code-editor')!.editorView!;
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      }, twoSum.languages.python!.solution as string);
      await other.locator('edgelab-problem button.primary', { hasText: 'Submit' }).click();
      await other.locator('edgelab-result .verdict', { hasText: 'Accepted' }).waitFor({ timeout: 120_000 });
      // EventSource cannot send headers, so the live stream went over fetch with the token.
      expect(await other.locator('edgelab-result').getAttribute('data-transport')).toBe('events');
      const stored = await authed.store.submissions.list();
      expect(stored.map((s) => s.submitterId)).toEqual(['user:student-42']);
    } finally {
      await other.close();
      await authed.close({ graceMs: 1000 });
    }
  });

  it('shows the rate limit with its retry time, then "unreachable" once the server is gone', async () => {
    const limited = await start('limited', { EDGELAB_RATE_LIMIT_BURST: '1', EDGELAB_RATE_LIMIT_PER_MINUTE: '1', EDGELAB_WORKERS: '0' });
    try {
      await page.goto(`${limited.url}/#/solve/python_two_sum`);
      await setCode(twoSum.languages.python!.solution as string);
      const submit = page.locator('edgelab-problem button.primary', { hasText: 'Submit' });
      await submit.click();
      await page.locator('edgelab-result').waitFor();
      await expect.poll(() => submit.isEnabled()).toBe(true);
      await submit.click();
      const notice = page.locator('edgelab-problem .notice.warning');
      await notice.waitFor();
      expect(await notice.innerText()).toMatch(/Too many submissions[\s\S]*try again in \d+ s/);
      expect(await submit.isDisabled()).toBe(true);
      await screenshot(page, '08-rate-limited');
      expect(await seriousAxeViolations()).toEqual([]);

      const second = await browser.context.newPage();
      await second.goto(`${limited.url}/#/solve/python_two_sum`);
      await second.locator('edgelab-problem .cm-content').waitFor();
      await limited.close({ graceMs: 1000 });
      await second.locator('edgelab-problem button', { hasText: 'Run public tests' }).click();
      const error = second.locator('edgelab-problem .notice.error');
      await error.waitFor();
      expect(await error.innerText()).toContain('Server unreachable');
      await screenshot(second, '07-unreachable');
      await second.close();
    } finally {
      await limited.close({ graceMs: 1000 });
    }
  });
});
