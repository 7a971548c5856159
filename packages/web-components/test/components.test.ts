import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireService } from '../../../test-support/services.js';
import { assignmentList, compileErrorResult, twoSum, wrongResult, wrongTests } from './fixtures/api-responses.js';
import { launchBrowser, probeChromium, type TestBrowser } from './support/browser.js';
import { sendJson, startFixtureServer, startSse, type FixtureServer } from './support/fixture-server.js';

// Component behaviour in real chromium against a real loopback HTTP server that replays recorded API answers.
const hasChromium = await requireService('chromium', probeChromium);

describe.skipIf(!hasChromium)('web components in chromium (recorded API)', () => {
  let browser: TestBrowser;
  let server: FixtureServer;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    server = await startFixtureServer();
    server.route('GET', /^\/assignments$/, (_req, res) => sendJson(res, 200, assignmentList));
    server.route('GET', /^\/assignments\/python_two_sum$/, (_req, res) => sendJson(res, 200, twoSum));
    page = await browser.context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
  });
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  async function open(body: string): Promise<void> {
    server.page = body;
    await page.goto(server.url);
    await page.waitForFunction(() => customElements.get('edgelab-problem') !== undefined);
  }

  /** Records the bubbling, composed events the host page receives. */
  async function recordEvents(): Promise<void> {
    await page.evaluate(() => {
      const w = window as unknown as { events: Array<{ type: string; detail: unknown }> };
      w.events = [];
      for (const type of ['edgelab-submitted', 'edgelab-graded', 'edgelab-select']) {
        document.addEventListener(type, (e) => w.events.push({ type, detail: (e as CustomEvent).detail }));
      }
    });
  }
  const events = () => page.evaluate(() => (window as unknown as { events: Array<{ type: string; detail: unknown }> }).events);

  it('lists assignments, filters them by language and tag, and fires edgelab-select', async () => {
    await open(`<edgelab-problem-list server="${'SERVER'}"></edgelab-problem-list>`.replace('SERVER', ''));
    await recordEvents();
    await expect.poll(() => page.locator('edgelab-problem-list .item').count()).toBe(3);
    await page.selectOption('edgelab-problem-list select >> nth=0', 'sql');
    await expect.poll(() => page.locator('edgelab-problem-list .item').allInnerTexts()).toEqual([expect.stringContaining('Top customers')]);
    await page.selectOption('edgelab-problem-list select >> nth=0', '');
    await page.selectOption('edgelab-problem-list select >> nth=1', 'loops');
    await expect.poll(() => page.locator('edgelab-problem-list .item').allInnerTexts()).toEqual([expect.stringContaining('FizzBuzz')]);
    await page.locator('edgelab-problem-list .item').first().click();
    expect(await events()).toEqual([{ type: 'edgelab-select', detail: { assignmentId: 'java_fizzbuzz' } }]);
  });

  it('renders the statement sanitised, with a CodeMirror editor holding the starter code', async () => {
    await open(`<edgelab-problem assignment="python_two_sum"></edgelab-problem>`);
    await page.locator('edgelab-problem h2', { hasText: 'Two Sum' }).waitFor();
    const statement = page.locator('edgelab-problem .statement');
    expect(await statement.innerText()).toContain('indices');
    expect(await statement.locator('script, img[onerror], a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // A real CodeMirror: line numbers, syntax highlighting, the starter code.
    expect(await page.locator('edgelab-problem .cm-lineNumbers').count()).toBe(1);
    expect(await page.locator('edgelab-problem .cm-content').innerText()).toContain('def two_sum(nums, target):');
    const highlighted = await page.locator('edgelab-problem .cm-content span').evaluateAll((spans) =>
      spans.filter((s) => s.textContent === 'def').map((s) => getComputedStyle(s).color),
    );
    expect(highlighted.length).toBeGreaterThan(0);
    expect(highlighted[0]).not.toBe(await page.locator('edgelab-problem .cm-content').evaluate((el) => getComputedStyle(el).color));
    // Hidden tests are announced only by count and points.
    expect(await page.locator('edgelab-problem .examples').innerText()).toContain('2 hidden (4 points)');
    // Switching language loads that language's starter.
    await page.selectOption('edgelab-problem select#language', 'java');
    await expect.poll(() => page.locator('edgelab-problem .cm-content').innerText()).toContain('public class Main');
  });

  it('keeps a draft per assignment and language across reloads', async () => {
    await open(`<edgelab-problem assignment="python_two_sum"></edgelab-problem>`);
    await page.locator('edgelab-problem .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('print("draft kept")');
    await expect.poll(() => page.locator('edgelab-problem .draft-note').count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.locator('edgelab-problem .cm-content').innerText()).toContain('print("draft kept")');
    await page.selectOption('edgelab-problem select#language', 'java');
    await expect.poll(() => page.locator('edgelab-problem .cm-content').innerText()).not.toContain('draft kept');
  });

  it('submits with the bearer token, shows tests live over SSE, and fires submitted and graded events', async () => {
    let releaseRest: () => void = () => undefined;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    server.route('POST', /^\/submit$/, (_req, res) => sendJson(res, 202, { id: 'sub-wrong', status: 'pending' }));
    server.route('GET', /^\/results\/sub-wrong$/, (_req, res) =>
      sendJson(res, 200, { id: 'sub-wrong', status: 'running', tests: [], feedback: null }),
    );
    server.route('GET', /^\/results\/sub-wrong\/events$/, async (_req, res) => {
      const send = startSse(res);
      send('test', wrongTests[0]);
      await rest;
      for (const t of wrongTests.slice(1)) send('test', t);
      send('result', wrongResult);
      send('feedback', { source: 'rules', text: 'Check the **order** of the indices.' });
      res.end();
    });
    await open(`<edgelab-problem assignment="python_two_sum" token="s3cret"></edgelab-problem>`);
    await recordEvents();
    await page.locator('edgelab-problem button', { hasText: 'Submit' }).click();
    // The first test shows while the others are still running.
    await page.locator('edgelab-result li.test.pass', { hasText: 'example 1' }).waitFor();
    expect(await page.locator('edgelab-result .verdict').innerText()).toContain('Running');
    expect(await page.locator('edgelab-result li.test', { hasText: 'waiting' }).count()).toBe(3);
    releaseRest();
    await page.locator('edgelab-result .score', { hasText: '3 / 6 points' }).waitFor();
    const text = await page.locator('edgelab-result .result').innerText();
    expect(text).toContain('Wrong answer');
    expect(text).toContain('Hidden test 1: passed');
    expect(text).toContain('Hidden test 2: failed');
    // The failing public test shows expected, actual and the diff.
    const diff = page.locator('edgelab-result .diff');
    expect(await diff.locator('.line.expected').innerText()).toContain('1 2');
    expect(await diff.locator('.line.actual').innerText()).toContain('0 2');
    await page.locator('edgelab-result .feedback', { hasText: 'order' }).waitFor();
    const submit = server.requests.find((r) => r.method === 'POST' && r.path === '/submit')!;
    expect(submit.headers.authorization).toBe('Bearer s3cret');
    // EventSource cannot send headers, so with a token the stream is read over fetch.
    expect(server.requests.find((r) => r.path === '/results/sub-wrong/events')?.headers.authorization).toBe('Bearer s3cret');
    expect(JSON.parse(submit.body)).toMatchObject({ assignmentId: 'python_two_sum', language: 'python', code: expect.stringContaining('def two_sum') });
    expect(await events()).toEqual([
      { type: 'edgelab-submitted', detail: { id: 'sub-wrong', assignmentId: 'python_two_sum', language: 'python', mode: 'submit' } },
      { type: 'edgelab-graded', detail: { id: 'sub-wrong', score: 3, maxScore: 6, verdict: 'wrong_answer', status: 'done' } },
    ]);
    // The live region announces the outcome to screen readers.
    expect(await page.locator('edgelab-result [role="status"]').first().innerText()).toContain('Wrong answer: 3 of 6 points');
  });

  it('falls back to polling when the event stream fails', async () => {
    let polls = 0;
    server.route('POST', /^\/run$/, (_req, res) => sendJson(res, 202, { id: 'sub-wrong', status: 'pending' }));
    server.route('GET', /^\/results\/sub-wrong\/events$/, (_req, res) => sendJson(res, 500, { error: { code: 'INTERNAL', message: 'no streams' } }));
    server.route('GET', /^\/results\/sub-wrong$/, (_req, res) => {
      polls++;
      sendJson(res, 200, polls < 3 ? { id: 'sub-wrong', status: 'running', tests: wrongTests.slice(0, 1) } : wrongResult);
    });
    await open(`<edgelab-problem assignment="python_two_sum"></edgelab-problem>`);
    await page.locator('edgelab-problem button', { hasText: 'Run public tests' }).click();
    await page.locator('edgelab-result .score', { hasText: '3 / 6 points' }).waitFor();
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(server.requests.some((r) => r.path === '/results/sub-wrong/events')).toBe(true);
  });

  it('shows the retry time when rate limited and disables sending until then', async () => {
    server.route('POST', /^\/submit$/, (_req, res) =>
      sendJson(res, 429, { error: { code: 'RATE_LIMITED', message: 'too many submissions' } }, { 'retry-after': '30' }),
    );
    await open(`<edgelab-problem assignment="python_two_sum"></edgelab-problem>`);
    await page.locator('edgelab-problem button', { hasText: 'Submit' }).click();
    const notice = page.locator('edgelab-problem .notice.warning');
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/Too many submissions[\s\S]*try again in (29|30) s/);
    expect(await page.locator('edgelab-problem button', { hasText: 'Submit' }).isDisabled()).toBe(true);
    expect(await page.locator('edgelab-problem button', { hasText: 'Run public tests' }).isDisabled()).toBe(true);
  });

  it('says the server is unreachable when nothing listens', async () => {
    const closed = await startFixtureServer();
    const deadUrl = closed.url;
    await closed.close();
    await open(`<edgelab-problem assignment="python_two_sum" server="${deadUrl}"></edgelab-problem>`);
    const alert = page.locator('edgelab-problem [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Server unreachable');
    expect(await alert.innerText()).toContain(deadUrl);
  });

  it('lists compile errors by line and moves the editor cursor there', async () => {
    server.route('POST', /^\/submit$/, (_req, res) => sendJson(res, 202, { id: 'sub-compile', status: 'pending' }));
    server.route('GET', /^\/results\/sub-compile$/, (_req, res) => sendJson(res, 200, compileErrorResult));
    await open(`<edgelab-problem assignment="python_two_sum" language="java"></edgelab-problem>`);
    await page.locator('edgelab-problem button', { hasText: 'Submit' }).click();
    const compile = page.locator('edgelab-result .compile');
    await compile.waitFor();
    expect(await compile.innerText()).toContain("Line 3 (Main.java): ';' expected");
    // The line is marked in the editor too: underlined, with a gutter marker.
    await page.locator('edgelab-problem .cm-lint-marker-error').waitFor();
    // Line 3 of the Java starter is the closing brace of main.
    expect((await page.locator('edgelab-problem .cm-lintRange-error').innerText()).trim()).toBe('}');
    await compile.locator('button.line-link').click();
    const activeLine = await page.locator('edgelab-problem .cm-lineNumbers .cm-activeLineGutter').innerText();
    expect(activeLine.trim()).toBe('3');
    expect(await page.locator('edgelab-result .feedback').innerText()).toContain('compile error');
  });

  it('shows an unknown submission as not found', async () => {
    server.route('GET', /^\/results\/nope$/, (_req: IncomingMessage, res: ServerResponse) =>
      sendJson(res, 404, { error: { code: 'SUBMISSION_NOT_FOUND', message: 'no submission "nope"' } }),
    );
    await open(`<edgelab-result submission="nope"></edgelab-result>`);
    const alert = page.locator('edgelab-result [role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Submission not found');
  });

  it('is keyboard operable: Tab reaches every control, leaves the editor, and Ctrl+Enter runs the tests', async () => {
    server.route('POST', /^\/run$/, (_req, res) => sendJson(res, 200, { ...wrongResult, id: undefined, status: undefined }));
    await open(`<edgelab-problem assignment="python_two_sum"></edgelab-problem>`);
    await page.locator('edgelab-problem .cm-content').waitFor();
    const focused = () =>
      page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}:${(el.textContent ?? '').trim().slice(0, 20)}` : '';
      });
    const order: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    const index = (prefix: string) => order.findIndex((f) => f.startsWith(prefix));
    expect(index('select#language')).toBeGreaterThanOrEqual(0);
    expect(index('div.cm-content')).toBeGreaterThan(index('select#language'));
    // Tab is not trapped by the editor: the next stop is the Run button, then Submit.
    expect(order[index('div.cm-content') + 1]).toContain('Run public tests');
    expect(order[index('div.cm-content') + 2]).toContain('Submit');
    await page.locator('edgelab-problem .cm-content').focus();
    await page.keyboard.press('Control+Enter');
    await page.locator('edgelab-result .score', { hasText: '3 / 6 points' }).waitFor();
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/run')).toHaveLength(1);
  });

  it('themes through custom properties while page styles and element styles stay apart', async () => {
    await open(`<style>button { background: rgb(255, 0, 0) !important; } .notice { color: rgb(0, 128, 0); }</style>
      <edgelab-problem assignment="python_two_sum" style="--edgelab-accent: rgb(1, 2, 3)"></edgelab-problem>
      <button id="outside">outside</button><p class="statement">page text</p>`);
    await page.locator('edgelab-problem h2').waitFor();
    const submitBg = await page.locator('edgelab-problem button.primary').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(submitBg).toBe('rgb(1, 2, 3)');
    // The element's `button` and `.statement` rules do not reach the page.
    expect(await page.locator('#outside').evaluate((b) => getComputedStyle(b).borderRadius)).not.toBe('8px');
    expect(await page.locator('p.statement').evaluate((p) => getComputedStyle(p).overflowWrap)).not.toBe('anywhere');
  });
});
