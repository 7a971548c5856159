import type { LanguageId } from '@edgelab/core';
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { EdgeLabApiError, createEdgeLabClient, type EdgeLabClient } from './api-client.js';
import type { AssignmentView, PublicLanguageView, PublicTestView, ResultView } from './api-types.js';
import type { EdgeLabCodeEditor } from './edgelab-code-editor.js';
import './edgelab-code-editor.js';
import './edgelab-result.js';
import { parseCompileOutput } from './compile-diagnostics.js';
import type { EdgeLabResult } from './edgelab-result.js';
import { edgelabEvent, type GotoLineDetail, type GradedDetail, type SubmittedDetail } from './events.js';
import { renderMarkdown } from './markdown.js';
import { formatResultSets, parseResultSet } from './result-set-format.js';
import { LANGUAGE_LABELS, tokens } from './styles.js';

/** The main file of a starter: a string, or the first named file. */
function starterText(language: PublicLanguageView | undefined): string {
  const starter = language?.starter;
  if (starter === undefined) return '';
  if (typeof starter === 'string') return starter;
  return Object.values(starter)[0] ?? '';
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can be blocked (privacy settings, sandboxed iframes): drafts are then simply not kept.
    return undefined;
  }
}

/**
 * One assignment to solve: the statement (Markdown, sanitised), a language picker, a CodeMirror editor with the
 * starter code (drafts kept in localStorage per assignment and language), "Run public tests" and "Submit", and the
 * live result.
 *
 * ### Examples
 * ```html
 * <script type="module" src="https://grader.example.edu/edgelab.js"></script>
 * <edgelab-problem assignment="python_two_sum" server="https://grader.example.edu"></edgelab-problem>
 * ```
 *
 * @fires edgelab-submitted - The server accepted a submission or run; detail `{ id, assignmentId, language, mode }`.
 * @fires edgelab-graded - Grading finished (from the inner result); detail `{ id, score, maxScore, verdict, status }`.
 * @slot - Shown above the statement (e.g. course navigation).
 * @slot actions - Extra controls next to the Submit button.
 * @csspart header - Title, difficulty and tags.
 * @csspart statement - The rendered statement.
 * @csspart examples - The public examples.
 * @csspart editor - The code editor box.
 * @csspart toolbar - Language picker and reset button.
 * @csspart actions - The Run and Submit buttons.
 * @csspart run-button - The "Run public tests" button.
 * @csspart submit-button - The "Submit" button.
 * @csspart notice - Loading, error and rate-limit messages.
 * @csspart result - The result box.
 * @cssprop --edgelab-accent - Accent colour (buttons, progress, focus).
 * @cssprop --edgelab-accent-contrast - Text colour on the accent.
 * @cssprop --edgelab-background - Background of boxes.
 * @cssprop --edgelab-surface - Background of code and panels.
 * @cssprop --edgelab-color - Text colour.
 * @cssprop --edgelab-muted-color - Secondary text colour.
 * @cssprop --edgelab-border-color - Border colour.
 * @cssprop --edgelab-radius - Corner radius.
 * @cssprop --edgelab-font-family - Text font.
 * @cssprop --edgelab-mono-font-family - Code font.
 * @cssprop --edgelab-editor-height - Minimum height of the editor.
 */
@customElement('edgelab-problem')
export class EdgeLabProblem extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        container-type: inline-size;
      }
      .layout {
        display: grid;
        gap: 1.25rem;
        grid-template-columns: minmax(0, 1fr);
        align-items: start;
      }
      @container (min-width: 56rem) {
        .layout {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1.15fr);
        }
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 0.6rem;
        align-items: center;
      }
      h2 {
        margin: 0;
        font-size: 1.5rem;
        line-height: 1.2;
        flex-basis: 100%;
      }
      .statement {
        overflow-wrap: anywhere;
      }
      .statement :is(h1, h2, h3) {
        font-size: 1.1rem;
        margin: 1rem 0 0.4rem;
      }
      .statement pre {
        margin: 0.5rem 0;
      }
      .statement table {
        border-collapse: collapse;
      }
      .statement :is(td, th) {
        border: 1px solid var(--_border);
        padding: 0.2rem 0.5rem;
      }
      .examples {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.75rem;
      }
      .examples h3 {
        font-size: 1.1rem;
        margin: 0.5rem 0 0;
      }
      .example {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .example > div {
        flex: 1 1 12rem;
        min-width: 0;
      }
      .example h4 {
        margin: 0 0 0.2rem;
        font-size: 0.8rem;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--_muted);
      }
      .example-name {
        flex-basis: 100%;
        font-weight: 600;
        margin: 0;
      }
      .meta {
        color: var(--_muted);
        font-size: 0.9rem;
        margin: 0.5rem 0 0;
      }
      .solve {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.75rem;
        min-width: 0;
      }
      .toolbar,
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .toolbar label {
        font-weight: 600;
      }
      .toolbar .spacer,
      .actions .spacer {
        flex: 1;
      }
      .draft-note {
        font-size: 0.8rem;
        color: var(--_muted);
      }
      .actions button {
        flex: 0 0 auto;
      }
      @container (max-width: 30rem) {
        .actions button {
          flex: 1 1 100%;
        }
      }
      .kbd-hint {
        font-size: 0.8rem;
        color: var(--_muted);
      }
      .notice p {
        margin: 0.25rem 0 0;
      }
      .notice button {
        margin-top: 0.5rem;
      }
    `,
  ];

  /** The assignment id, e.g. `python_two_sum`. */
  @property({ reflect: true }) assignment = '';

  /** Base URL of the EdgeLab server; default the page's origin. */
  @property() server = '';

  /** Bearer token sent with every request (not reflected, so it stays out of the DOM). */
  @property() token = '';

  /** The language to start with; default the last one used, else the assignment's first. */
  @property() language: LanguageId | '' = '';

  /** The loaded assignment (read-only). */
  @state() assignmentView: AssignmentView | undefined;

  @state() private loading = false;
  @state() private loadError: EdgeLabApiError | undefined;
  @state() private actionError: EdgeLabApiError | undefined;
  @state() private code = '';
  @state() private busy: 'submit' | 'run' | undefined;
  @state() private resultId = '';
  @state() private runResult: ResultView | undefined;
  @state() private resultMode: 'submit' | 'run' = 'submit';
  @state() private retryAt = 0;
  @state() private now = Date.now();
  @state() private draftSaved = false;

  @query('edgelab-code-editor') private editor!: EdgeLabCodeEditor;

  private client: EdgeLabClient | undefined;
  private loadAbort: AbortController | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  /** The API client in use (made from `server` and `token`). */
  get apiClient(): EdgeLabClient {
    this.client ??= createEdgeLabClient({ server: this.server, ...(this.token ? { token: this.token } : {}) });
    return this.client;
  }

  /** The code in the editor. */
  get currentCode(): string {
    return this.code;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('token')) this.client = undefined;
    if (changed.has('assignment') || changed.has('server') || changed.has('token')) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadAbort?.abort();
    this.stopTick();
    this.flushDraft();
  }

  /** Loads (or reloads) the assignment. */
  async load(): Promise<void> {
    this.loadAbort?.abort();
    if (!this.assignment) return;
    const abort = new AbortController();
    this.loadAbort = abort;
    this.loading = true;
    this.loadError = undefined;
    this.actionError = undefined;
    this.resultId = '';
    this.runResult = undefined;
    try {
      const view = await this.apiClient.getAssignment(this.assignment, abort.signal);
      if (abort.signal.aborted) return;
      this.assignmentView = view;
      const remembered = safeStorage()?.getItem(this.languageKey()) as LanguageId | null | undefined;
      const offered = view.languages.map((l) => l.id);
      const language =
        [this.language, remembered].find((l): l is LanguageId => !!l && offered.includes(l as LanguageId)) ?? offered[0] ?? 'python';
      this.language = language;
      this.code = this.readDraft(language) ?? starterText(view.languages.find((l) => l.id === language));
    } catch (error) {
      if (abort.signal.aborted) return;
      this.assignmentView = undefined;
      this.loadError = asApiError(error);
      if (this.loadError.code === 'RATE_LIMITED') this.startRetryCountdown(this.loadError.retryAfterSeconds, () => void this.load());
    } finally {
      if (!abort.signal.aborted) this.loading = false;
    }
  }

  private draftKey(language: string): string {
    return `edgelab:draft:${this.assignment}:${language}`;
  }

  private languageKey(): string {
    return `edgelab:language:${this.assignment}`;
  }

  private readDraft(language: string): string | undefined {
    return safeStorage()?.getItem(this.draftKey(language)) ?? undefined;
  }

  private flushDraft(): void {
    if (this.saveTimer === undefined) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saveDraft();
  }

  private saveDraft(): void {
    const storage = safeStorage();
    if (!storage || !this.assignmentView || !this.language) return;
    const starter = starterText(this.assignmentView.languages.find((l) => l.id === this.language));
    try {
      if (this.code === starter) storage.removeItem(this.draftKey(this.language));
      else storage.setItem(this.draftKey(this.language), this.code);
      this.draftSaved = this.code !== starter;
    } catch {
      // Quota exceeded: keep working without a draft.
    }
  }

  private onCodeChange(event: CustomEvent<{ value: string }>): void {
    this.code = event.detail.value;
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveDraft();
    }, 300);
  }

  private onLanguageChange(event: Event): void {
    this.flushDraft();
    const language = (event.target as HTMLSelectElement).value as LanguageId;
    this.language = language;
    safeStorage()?.setItem(this.languageKey(), language);
    this.code = this.readDraft(language) ?? starterText(this.assignmentView?.languages.find((l) => l.id === language));
    this.draftSaved = this.readDraft(language) !== undefined;
  }

  private onReset(): void {
    if (!this.assignmentView) return;
    const starter = starterText(this.assignmentView.languages.find((l) => l.id === this.language));
    if (this.code !== starter && !globalThis.confirm?.('Replace your code with the starter code? Your draft will be lost.')) return;
    this.code = starter;
    safeStorage()?.removeItem(this.draftKey(this.language));
    this.draftSaved = false;
    this.editor?.focus();
  }

  /** Sends the code: `submit` grades every test, `run` only the public ones. */
  async send(mode: 'submit' | 'run'): Promise<void> {
    if (!this.assignmentView || !this.language || this.busy || this.rateLimited) return;
    this.flushDraft();
    this.busy = mode;
    this.actionError = undefined;
    this.editor?.markLines([]);
    const request = { assignmentId: this.assignmentView.id, language: this.language, code: this.code };
    try {
      const outcome = mode === 'submit' ? await this.apiClient.submit(request) : await this.apiClient.run(request);
      this.resultMode = mode;
      if ('tests' in outcome) {
        // A synchronous run: the answer is already the result.
        this.resultId = '';
        this.runResult = outcome as ResultView;
      } else {
        this.runResult = undefined;
        this.resultId = outcome.id;
      }
      this.dispatchEvent(
        edgelabEvent<SubmittedDetail>('edgelab-submitted', { id: outcome.id, assignmentId: request.assignmentId, language: request.language, mode }),
      );
    } catch (error) {
      this.actionError = asApiError(error);
      if (this.actionError.code === 'RATE_LIMITED') this.startRetryCountdown(this.actionError.retryAfterSeconds);
    } finally {
      this.busy = undefined;
    }
  }

  private get rateLimited(): boolean {
    return this.retryAt > this.now;
  }

  private startRetryCountdown(seconds: number | undefined, then?: () => void): void {
    this.retryAt = Date.now() + (seconds ?? 10) * 1000;
    this.now = Date.now();
    this.stopTick();
    this.tick = setInterval(() => {
      this.now = Date.now();
      if (this.now >= this.retryAt) {
        this.stopTick();
        if (this.actionError?.code === 'RATE_LIMITED') this.actionError = undefined;
        then?.();
      }
    }, 250);
  }

  private stopTick(): void {
    if (this.tick !== undefined) clearInterval(this.tick);
    this.tick = undefined;
  }

  /** Marks compile-error lines in the editor, so the student sees them where they type. */
  private onGraded(event: CustomEvent<GradedDetail>): void {
    const result = (event.target as EdgeLabResult | null)?.result;
    const compile = result?.compile;
    this.editor?.markLines(compile && !compile.ok ? parseCompileOutput(compile.output) : []);
  }

  private onGotoLine(event: CustomEvent<GotoLineDetail>): void {
    const view = this.editor?.editorView;
    if (!view) return;
    const lineNumber = Math.min(Math.max(1, event.detail.line), view.state.doc.lines);
    const line = view.state.doc.line(lineNumber);
    const pos = Math.min(line.from + Math.max(0, (event.detail.column ?? 1) - 1), line.to);
    view.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    view.focus();
  }

  protected override render() {
    if (!this.assignment) return html`<div class="notice info" part="notice">No assignment selected.</div>`;
    if (this.loadError) return this.renderLoadError(this.loadError);
    const a = this.assignmentView;
    if (!a || this.loading) {
      return html`<div class="notice info" part="notice" role="status" aria-live="polite">
        <span class="spinner" aria-hidden="true"></span> Loading assignment…
      </div>`;
    }
    return html`
      <slot></slot>
      <div class="layout">
        <article class="problem" aria-labelledby="title">
          <header part="header">
            <h2 id="title">${a.title}</h2>
            ${a.difficulty ? html`<span class="badge ${a.difficulty}">${a.difficulty}</span>` : nothing}
            ${a.tags.map((t) => html`<span class="tag">${t}</span>`)}
          </header>
          <div class="statement" part="statement">${unsafeHTML(renderMarkdown(withoutTitleHeading(a.statement, a.title)))}</div>
          ${this.renderExamples(a)}
        </article>
        <section class="solve" aria-label="Your solution">
          ${this.renderToolbar(a)}
          <edgelab-code-editor
            part="editor"
            exportparts="editor"
            .value=${this.code}
            .language=${this.language}
            label="Your ${LANGUAGE_LABELS[this.language] ?? this.language} code"
            @edgelab-code-change=${this.onCodeChange}
            @edgelab-code-submit=${() => void this.send('run')}
          ></edgelab-code-editor>
          <div class="actions" part="actions">
            <button type="button" part="run-button" ?disabled=${!!this.busy || this.rateLimited} @click=${() => void this.send('run')}>
              ${this.busy === 'run' ? html`<span class="spinner" aria-hidden="true"></span> ` : nothing}Run public tests
            </button>
            <button type="button" class="primary" part="submit-button" ?disabled=${!!this.busy || this.rateLimited} @click=${() => void this.send('submit')}>
              ${this.busy === 'submit' ? html`<span class="spinner" aria-hidden="true"></span> ` : nothing}Submit
            </button>
            <slot name="actions"></slot>
            <span class="spacer"></span>
            <span class="kbd-hint">Ctrl+Enter runs the public tests</span>
          </div>
          <div role="status" aria-live="polite">${this.renderActionState()}</div>
          ${this.busy === 'run'
            ? html`<div class="notice info running" part="notice"><span class="spinner" aria-hidden="true"></span> Running the public tests…</div>`
            : this.resultId || this.runResult
            ? html`<edgelab-result
                part="result"
                exportparts="result: result, summary, score, tests, test, diff, compile, feedback"
                .client=${this.apiClient}
                .submission=${this.resultId}
                .result=${this.runResult}
                .assignmentTests=${a.tests}
                ?public-only=${this.resultMode === 'run'}
                @edgelab-goto-line=${this.onGotoLine}
                @edgelab-graded=${this.onGraded}
              ></edgelab-result>`
            : nothing}
        </section>
      </div>
    `;
  }

  private renderToolbar(a: AssignmentView): TemplateResult {
    return html`<div class="toolbar" part="toolbar">
      <label for="language">Language</label>
      <select id="language" .value=${this.language} @change=${this.onLanguageChange}>
        ${a.languages.map((l) => html`<option value=${l.id} ?selected=${l.id === this.language}>${LANGUAGE_LABELS[l.id] ?? l.id}</option>`)}
      </select>
      <span class="spacer"></span>
      ${this.draftSaved ? html`<span class="draft-note">Draft saved in this browser</span>` : nothing}
      <button type="button" @click=${this.onReset}>Reset to starter</button>
    </div>`;
  }

  private renderExamples(a: AssignmentView): TemplateResult {
    const publicTests = a.tests.filter((t) => t.visibility === 'public' && (t.input !== undefined || t.expected !== undefined || t.code !== undefined));
    const hidden = a.tests.filter((t) => t.visibility === 'hidden');
    const hiddenPoints = hidden.reduce((sum, t) => sum + t.points, 0);
    const limits = a.languages.find((l) => l.id === this.language)?.limits ?? a.limits;
    return html`<div class="examples" part="examples">
      ${publicTests.length > 0 ? html`<h3>Public tests</h3>` : nothing}
      ${publicTests.map((t) => this.renderExample(t))}
      <p class="meta">
        ${a.tests.length} tests: ${a.tests.length - hidden.length} public${hidden.length > 0 ? `, ${hidden.length} hidden (${hiddenPoints} points)` : ''}.
        ${limits?.timeMs ? `Time limit ${limits.timeMs / 1000} s` : ''}${limits?.memoryMb ? `, memory ${limits.memoryMb} MB.` : ''}
      </p>
    </div>`;
  }

  private renderExample(t: PublicTestView): TemplateResult {
    const rows = parseResultSet(t.expected);
    const expected = rows ? formatResultSets(rows)[0] : typeof t.expected === 'string' ? t.expected : undefined;
    return html`<div class="example">
      <p class="example-name">${t.name}</p>
      ${t.input !== undefined ? html`<div><h4>Input</h4><pre>${t.input === '' ? '(empty)' : t.input}</pre></div>` : nothing}
      ${t.setup ? html`<div><h4>Setup</h4><pre>${t.setup}</pre></div>` : nothing}
      ${t.code !== undefined ? html`<div><h4>Test code</h4><pre>${t.code}</pre></div>` : nothing}
      ${expected !== undefined ? html`<div><h4>${rows ? 'Expected rows' : 'Expected output'}</h4><pre>${expected}</pre></div>` : nothing}
    </div>`;
  }

  private renderActionState(): TemplateResult | typeof nothing {
    if (this.rateLimited) {
      const seconds = Math.max(1, Math.ceil((this.retryAt - this.now) / 1000));
      return html`<div class="notice warning" part="notice">
        <strong>Too many submissions</strong>
        <p>You can try again in <span class="retry-seconds">${seconds}</span> s. Your code is kept.</p>
      </div>`;
    }
    const error = this.actionError;
    if (!error) return this.busy ? html`<span class="visually-hidden">Sending your code…</span>` : nothing;
    if (error.code === 'NETWORK_ERROR') {
      return html`<div class="notice error" part="notice"><strong>Server unreachable</strong><p>${error.message} Your code is kept.</p></div>`;
    }
    const title =
      error.code === 'SUBMISSION_INVALID' || error.code === 'LANGUAGE_UNSUPPORTED' || error.code === 'BAD_REQUEST'
        ? 'Your submission was not accepted'
        : error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN'
          ? 'Not signed in'
          : 'Could not send your code';
    return html`<div class="notice error" part="notice">
      <strong>${title}</strong>
      <p>${error.message}</p>
      ${error.details.length > 0 ? html`<ul>${error.details.map((d) => html`<li>${d}</li>`)}</ul>` : nothing}
    </div>`;
  }

  private renderLoadError(error: EdgeLabApiError): TemplateResult {
    if (error.code === 'RATE_LIMITED') {
      const seconds = Math.max(0, Math.ceil((this.retryAt - this.now) / 1000));
      return html`<div class="notice warning" part="notice" role="alert">
        <strong>Too many requests</strong>
        <p>The server asked us to wait. Retrying in <span class="retry-seconds">${seconds}</span> s…</p>
      </div>`;
    }
    const [title, hint] =
      error.code === 'NETWORK_ERROR'
        ? ['Server unreachable', '']
        : error.code === 'ASSIGNMENT_NOT_FOUND'
          ? ['Assignment not found', `There is no assignment "${this.assignment}" on this server.`]
          : error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN'
            ? ['Not signed in', '']
            : ['Something went wrong', ''];
    return html`<div class="notice error" part="notice" role="alert">
      <strong>${title}</strong>
      <p>${hint || error.message}</p>
      <button type="button" @click=${() => void this.load()}>Try again</button>
    </div>`;
  }
}

/** Drops a leading `# Title` that repeats the title the element already shows. */
function withoutTitleHeading(statement: string, title: string): string {
  const match = /^\s*#\s+(.+?)\s*#*\s*(?:\n|$)/.exec(statement);
  return match && match[1]!.trim().toLowerCase() === title.trim().toLowerCase() ? statement.slice(match[0].length) : statement;
}

function asApiError(error: unknown): EdgeLabApiError {
  if (error instanceof EdgeLabApiError) return error;
  return new EdgeLabApiError({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), status: 0, cause: error });
}

declare global {
  interface HTMLElementTagNameMap {
    'edgelab-problem': EdgeLabProblem;
  }
}
