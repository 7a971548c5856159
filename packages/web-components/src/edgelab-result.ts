import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { createEdgeLabClient, type EdgeLabApiError, type EdgeLabClient, type ResultWatch } from './api-client.js';
import type { PublicTestResultView, PublicTestView, ResultView } from './api-types.js';
import { isTerminal } from './api-types.js';
import { parseCompileOutput } from './compile-diagnostics.js';
import { edgelabEvent, type GotoLineDetail, type GradedDetail } from './events.js';
import { diffLines } from './line-diff.js';
import { renderMarkdown } from './markdown.js';
import { formatResultSets, parseResultSet } from './result-set-format.js';
import { VERDICT_LABELS, tokens } from './styles.js';

/**
 * Shows one submission's result, live: tests appear as they finish (server-sent events, or polling when those
 * fail), then the score, then feedback. Failing public tests show expected, actual and a line diff; hidden tests
 * show only "Hidden test N: passed/failed"; compile errors list their line numbers.
 *
 * @fires edgelab-graded - The submission finished or failed on the server; detail `{ id, score, maxScore, verdict, status }`.
 * @fires edgelab-goto-line - The user clicked a compile error's line; detail `{ line, column? }`.
 * @csspart result - The whole result box.
 * @csspart summary - Verdict, score and progress bar.
 * @csspart score - The score text.
 * @csspart tests - The list of tests.
 * @csspart test - One test row.
 * @csspart diff - The line diff of a failing public test.
 * @csspart compile - The compile-error box.
 * @csspart feedback - The feedback box.
 * @cssprop --edgelab-accent - Accent colour (buttons, progress, focus).
 * @cssprop --edgelab-success-color - Colour of passed tests.
 * @cssprop --edgelab-danger-color - Colour of failed tests.
 * @cssprop --edgelab-radius - Corner radius.
 * @cssprop --edgelab-font-family - Text font.
 * @cssprop --edgelab-mono-font-family - Code font.
 */
@customElement('edgelab-result')
export class EdgeLabResult extends LitElement {
  static override styles = [
    tokens,
    css`
      .result {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.9rem;
        padding: 1rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_bg);
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
      }
      .verdict {
        font-size: 1.25rem;
        font-weight: 700;
        margin: 0;
      }
      .verdict.accepted {
        color: var(--_success);
      }
      .verdict.failed {
        color: var(--_danger);
      }
      .score {
        font-variant-numeric: tabular-nums;
        color: var(--_fg);
        font-weight: 600;
      }
      .bar {
        flex: 1 1 100%;
        height: 0.5rem;
        border-radius: 999px;
        background: var(--_surface);
        border: 1px solid var(--_border);
        overflow: hidden;
      }
      .bar > span {
        display: block;
        height: 100%;
        background: var(--_accent);
        transition: width 0.3s;
      }
      .bar.accepted > span {
        background: var(--_success);
      }
      ol.tests {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.5rem;
      }
      li.test {
        border: 1px solid var(--_border);
        border-left: 4px solid var(--_border);
        border-radius: calc(var(--_radius) / 2);
        padding: 0.5rem 0.75rem;
      }
      li.test.pass {
        border-left-color: var(--_success);
      }
      li.test.fail {
        border-left-color: var(--_danger);
      }
      .test-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: baseline;
        justify-content: space-between;
      }
      .test-name {
        font-weight: 600;
      }
      .test-status.pass {
        color: var(--_success);
      }
      .test-status.fail {
        color: var(--_danger);
      }
      .test-status.pending {
        color: var(--_muted);
      }
      .points {
        color: var(--_muted);
        font-size: 0.875rem;
        font-variant-numeric: tabular-nums;
      }
      .message {
        margin: 0.4rem 0 0;
      }
      .io {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr));
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .io > div {
        min-width: 0;
      }
      .io h4,
      .diff-title {
        margin: 0 0 0.2rem;
        font-size: 0.8rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--_muted);
      }
      .diff {
        margin-top: 0.5rem;
      }
      .diff pre {
        padding: 0.4rem 0;
      }
      .diff .line {
        display: block;
        padding: 0 0.8rem;
      }
      .diff .line.expected {
        background: color-mix(in srgb, var(--_success) 14%, transparent);
      }
      .diff .line.actual {
        background: color-mix(in srgb, var(--_danger) 14%, transparent);
      }
      .diff .sign {
        display: inline-block;
        width: 1.5em;
        color: var(--_muted);
        user-select: none;
      }
      .compile ul {
        margin: 0.4rem 0;
        padding-left: 1.2rem;
      }
      .compile button.line-link {
        min-height: auto;
        padding: 0 0.3rem;
        font-weight: 600;
      }
      .feedback {
        padding: 0.75rem 1rem;
        border-radius: var(--_radius);
        background: var(--_surface);
        border: 1px solid var(--_border);
      }
      .feedback h3 {
        margin: 0 0 0.3rem;
        font-size: 1rem;
      }
      .feedback > div > :first-child {
        margin-top: 0;
      }
      .feedback > div > :last-child {
        margin-bottom: 0;
      }
      .muted {
        color: var(--_muted);
      }
      .transport-note {
        margin: 0;
        font-size: 0.8rem;
      }
      h3.section {
        margin: 0;
        font-size: 1rem;
      }
    `,
  ];

  /** The submission id to show. Changing it starts following that submission. */
  @property({ reflect: true }) submission = '';

  /** Base URL of the EdgeLab server; default the page's origin. */
  @property() server = '';

  /** Bearer token sent with every request (not reflected, so it stays out of the DOM). */
  @property({ attribute: 'token' }) token = '';

  /** The result being shown; set it directly to render a result without fetching. */
  @property({ attribute: false }) result: ResultView | undefined;

  /** The assignment's tests, when known, to list tests that have not finished yet. */
  @property({ attribute: false }) assignmentTests: PublicTestView[] | undefined;

  /** Only public tests are graded (a "run"): hidden tests are not listed as pending. */
  @property({ type: Boolean, attribute: 'public-only' }) publicOnly = false;

  /** A shared client; by default one is made from `server` and `token`. */
  @property({ attribute: false }) client: EdgeLabClient | undefined;

  @state() private error: EdgeLabApiError | undefined;
  @state() private transport: 'events' | 'polling' | undefined;

  private watch: ResultWatch | undefined;
  private gradedFor: string | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('submission') || changed.has('server') || changed.has('token') || changed.has('client')) {
      this.follow();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('result')) this.maybeFireGraded();
    // How results arrive (`events` or `polling`), for hosts and tests that need to know.
    if ((changed as PropertyValues).has('transport')) {
      if (this.transport) this.dataset.transport = this.transport;
      else delete this.dataset.transport;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && !this.watch) this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.watch?.close();
    this.watch = undefined;
  }

  private follow(): void {
    this.watch?.close();
    this.watch = undefined;
    this.error = undefined;
    if (!this.submission) return;
    if (this.result?.id !== this.submission) this.result = undefined;
    const client = this.client ?? createEdgeLabClient({ server: this.server, ...(this.token ? { token: this.token } : {}) });
    const id = this.submission;
    this.watch = client.watchResult(id, {
      onResult: (result) => {
        if (this.submission === id) this.result = result;
      },
      onError: (error) => {
        if (this.submission === id) this.error = error;
      },
      onTransport: (transport) => {
        this.transport = transport;
      },
    });
  }

  private maybeFireGraded(): void {
    const r = this.result;
    if (!r || !isTerminal(r.status) || this.gradedFor === r.id) return;
    this.gradedFor = r.id;
    this.dispatchEvent(
      edgelabEvent<GradedDetail>('edgelab-graded', {
        id: r.id,
        score: r.score ?? 0,
        maxScore: r.maxScore ?? 0,
        verdict: r.verdict ?? undefined,
        status: r.status,
      }),
    );
  }

  /** A one-line summary for screen readers and the visible heading. */
  private summaryText(r: ResultView | undefined): string {
    if (this.error) return `Could not load the result: ${this.error.message}`;
    if (!r) return this.submission ? 'Loading result…' : '';
    if (r.status === 'pending') return 'Queued: waiting for a grader…';
    if (r.status === 'running') {
      const total = this.rows().length;
      return `Running tests: ${r.tests.length}${total > r.tests.length ? ` of ${total}` : ''} finished`;
    }
    if (r.status === 'error') return `Grading failed${r.error ? `: ${r.error}` : ''}. This is not your fault; please try again.`;
    const verdict = VERDICT_LABELS[r.verdict ?? ''] ?? r.verdict ?? 'Done';
    return `${verdict}: ${formatPoints(r.score ?? 0)} of ${formatPoints(r.maxScore ?? 0)} points`;
  }

  /** Finished tests, plus the assignment's unfinished ones as pending. */
  private rows(): Array<{ index: number; view?: PublicTestView; result?: PublicTestResultView }> {
    const results = this.result?.tests ?? [];
    const byIndex = new Map(results.map((t) => [t.index, t]));
    const known = (this.assignmentTests ?? []).filter((t) => !this.publicOnly || t.visibility === 'public');
    type Row = { index: number; view?: PublicTestView; result?: PublicTestResultView };
    const rows: Row[] = known.map((view) => {
      const result = byIndex.get(view.index);
      return result ? { index: view.index, view, result } : { index: view.index, view };
    });
    for (const result of results) if (!known.some((t) => t.index === result.index)) rows.push({ index: result.index, result });
    rows.sort((a, b) => a.index - b.index);
    // A run of the public tests only reports hidden ones as skipped: do not list them.
    return rows.filter((row) => !(this.publicOnly && row.result?.visibility === 'hidden' && row.result.verdict === 'skipped'));
  }

  protected override render() {
    const r = this.result;
    if (!this.submission && !r) return nothing;
    const summary = this.summaryText(r);
    return html`
      <section class="result" part="result" aria-label="Result" aria-busy=${r && isTerminal(r.status) ? 'false' : 'true'}>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${summary}</div>
        ${this.error ? this.renderError(this.error) : r ? this.renderResult(r, summary) : html`<p><span class="spinner" aria-hidden="true"></span> Loading result…</p>`}
      </section>
    `;
  }

  private renderError(error: EdgeLabApiError): TemplateResult {
    const title = error.code === 'SUBMISSION_NOT_FOUND' || error.status === 404 ? 'Submission not found' : 'Could not load the result';
    return html`<div class="notice error" role="alert"><strong>${title}</strong>${error.message}</div>`;
  }

  private renderResult(r: ResultView, summary: string): TemplateResult {
    const terminal = isTerminal(r.status);
    const accepted = r.status === 'done' && r.verdict === 'accepted';
    const max = r.maxScore ?? 0;
    const percent = max > 0 ? Math.round(((r.score ?? 0) / max) * 100) : accepted ? 100 : 0;
    const rows = this.rows();
    const hiddenRank = new Map<number, number>();
    rows.filter((row) => (row.result?.visibility ?? row.view?.visibility) === 'hidden').forEach((row, i) => hiddenRank.set(row.index, i + 1));
    const compileFailed = r.compile && !r.compile.ok;
    return html`
      <div class="summary" part="summary">
        <p class="verdict ${terminal ? (accepted ? 'accepted' : 'failed') : ''}" aria-hidden="true">
          ${terminal ? nothing : html`<span class="spinner" aria-hidden="true"></span> `}${terminal
            ? r.status === 'error'
              ? 'Grading failed'
              : (VERDICT_LABELS[r.verdict ?? ''] ?? r.verdict)
            : r.status === 'pending'
              ? 'Queued'
              : 'Running'}
        </p>
        ${terminal && r.status === 'done'
          ? html`<span class="score" part="score">${formatPoints(r.score ?? 0)} / ${formatPoints(max)} points (${percent}%)</span>`
          : html`<span class="muted" aria-hidden="true">${summary}</span>`}
        ${r.status === 'done' ? html`<div class="bar ${accepted ? 'accepted' : ''}" aria-hidden="true"><span style="width:${percent}%"></span></div>` : nothing}
      </div>
      ${r.status === 'error' ? html`<div class="notice error" role="alert"><strong>Grading failed</strong>${r.error ?? 'The grader could not finish. This is not your fault; please try again.'}</div>` : nothing}
      ${compileFailed ? this.renderCompile(r.compile!.output) : nothing}
      ${rows.length > 0 && !compileFailed
        ? html`<h3 class="section">Tests</h3>
            <ol class="tests" part="tests">
              ${rows.map((row) => this.renderTest(row, hiddenRank.get(row.index)))}
            </ol>`
        : nothing}
      ${r.feedback ? this.renderFeedback(r.feedback.text, r.feedback.source) : nothing}
      ${this.transport === 'polling' && !terminal ? html`<p class="muted transport-note">Live updates unavailable; checking every second.</p>` : nothing}
    `;
  }

  private renderCompile(output: string): TemplateResult {
    const diagnostics = parseCompileOutput(output);
    return html`
      <div class="compile notice error" part="compile" role="alert">
        <strong>Your code did not compile</strong>
        ${diagnostics.length > 0
          ? html`<ul>
              ${diagnostics.map(
                (d) => html`<li>
                  <button
                    class="line-link"
                    type="button"
                    title="Show line ${d.line} in the editor"
                    @click=${() => this.dispatchEvent(edgelabEvent<GotoLineDetail>('edgelab-goto-line', { line: d.line, ...(d.column ? { column: d.column } : {}) }))}
                  >
                    Line ${d.line}${d.column ? `:${d.column}` : ''}</button
                  >${d.file ? html` <span class="muted">(${d.file})</span>` : nothing}: ${d.message}
                </li>`,
              )}
            </ul>`
          : nothing}
        <pre aria-label="Compiler output">${output}</pre>
      </div>
    `;
  }

  private renderTest(
    row: { index: number; view?: PublicTestView; result?: PublicTestResultView },
    hiddenNumber: number | undefined,
  ): TemplateResult {
    const t = row.result;
    const hidden = (t?.visibility ?? row.view?.visibility) === 'hidden';
    const name = hidden ? `Hidden test ${hiddenNumber ?? row.index + 1}` : (t?.name ?? row.view?.name ?? `Test ${row.index + 1}`);
    if (!t) {
      return html`<li class="test" part="test">
        <div class="test-head"><span class="test-name">${name}</span><span class="test-status pending">waiting…</span></div>
      </li>`;
    }
    const passed = t.verdict === 'accepted';
    const skipped = t.verdict === 'skipped';
    const status = passed ? 'passed' : skipped ? 'skipped' : 'failed';
    const verdict = passed || skipped ? '' : ` (${VERDICT_LABELS[t.verdict] ?? t.verdict})`;
    if (hidden) {
      return html`<li class="test ${passed ? 'pass' : skipped ? '' : 'fail'}" part="test">
        <div class="test-head">
          <span><span class="test-name">${name}</span>: <span class="test-status ${passed ? 'pass' : skipped ? 'pending' : 'fail'}">${status}</span>${verdict}</span>
          <span class="points">${formatPoints(t.points)} / ${formatPoints(t.maxPoints)} pts</span>
        </div>
      </li>`;
    }
    const showData = !passed && !skipped;
    return html`<li class="test ${passed ? 'pass' : skipped ? '' : 'fail'}" part="test">
      <div class="test-head">
        <span><span class="test-name">${name}</span>: <span class="test-status ${passed ? 'pass' : skipped ? 'pending' : 'fail'}">${status}</span>${verdict}</span>
        <span class="points">${formatPoints(t.points)} / ${formatPoints(t.maxPoints)} pts</span>
      </div>
      ${showData && t.message ? html`<p class="message">${t.message}</p>` : nothing}
      ${showData ? this.renderIo(t) : nothing}
    </li>`;
  }

  private renderIo(t: PublicTestResultView): TemplateResult {
    // SQL tests report result sets as JSON: show them as tables with shared column widths.
    const expectedRows = parseResultSet(t.expected);
    const actualRows = parseResultSet(t.actual);
    const [expectedTable, actualTable] =
      expectedRows && actualRows ? formatResultSets(expectedRows, actualRows) : [expectedRows ? formatResultSets(expectedRows)[0] : undefined, actualRows ? formatResultSets(actualRows)[0] : undefined];
    const expected = expectedTable ?? t.expected;
    const actual = actualTable ?? t.actual;
    const hasExpected = typeof expected === 'string';
    const hasActual = typeof actual === 'string';
    const sql = expectedRows !== undefined;
    return html`
      <div class="io">
        ${t.input ? html`<div><h4>${sql ? 'Setup' : 'Input'}</h4><pre>${t.input}</pre></div>` : nothing}
        ${hasExpected ? html`<div><h4>${sql ? 'Expected rows' : 'Expected output'}</h4><pre>${expected}</pre></div>` : nothing}
        ${hasActual ? html`<div><h4>${sql && actualRows ? 'Your rows' : 'Your output'}${t.truncated ? ' (truncated)' : ''}</h4><pre>${actual === '' ? '(no output)' : actual}</pre></div>` : nothing}
        ${t.stderr ? html`<div><h4>Error output</h4><pre>${t.stderr}</pre></div>` : nothing}
      </div>
      ${hasExpected && hasActual && t.verdict === 'wrong_answer' ? this.renderDiff(expected, actual) : nothing}
    `;
  }

  private renderDiff(expected: string, actual: string): TemplateResult {
    const lines = diffLines(expected, actual);
    return html`<div class="diff" part="diff">
      <p class="diff-title" id="diff-legend">Difference (− expected, + your output)</p>
      <pre aria-label="Difference between expected output and your output">${lines.map(
        (l) =>
          html`<span class="line ${l.kind}"
            ><span class="sign" aria-hidden="true">${l.kind === 'expected' ? '−' : l.kind === 'actual' ? '+' : ' '}</span
            ><span class="visually-hidden">${l.kind === 'expected' ? 'expected: ' : l.kind === 'actual' ? 'yours: ' : ''}</span>${l.text}</span
          >`,
      )}</pre>
    </div>`;
  }

  private renderFeedback(text: string, source: string): TemplateResult {
    return html`<section class="feedback" part="feedback" aria-label="Feedback">
      <h3>${source === 'ai' ? 'Feedback (AI tutor)' : 'Feedback'}</h3>
      <div>${unsafeHTML(renderMarkdown(text))}</div>
    </section>`;
  }
}

function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(2).replace(/0+$/, '');
}

declare global {
  interface HTMLElementTagNameMap {
    'edgelab-result': EdgeLabResult;
  }
}
