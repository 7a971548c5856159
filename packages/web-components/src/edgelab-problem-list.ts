import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { EdgeLabApiError, createEdgeLabClient } from './api-client.js';
import type { AssignmentSummary } from './api-types.js';
import { edgelabEvent, type SelectDetail } from './events.js';
import { LANGUAGE_LABELS, tokens } from './styles.js';

/**
 * Browses the server's assignments, filtered by language, tag and title. Choosing one fires `edgelab-select`; unless
 * a listener calls `preventDefault()`, and `href` is set, the browser then opens `href` with `{id}` replaced.
 *
 * @fires edgelab-select - An assignment was chosen; detail `{ assignmentId }`. Cancelable.
 * @csspart filters - The filter bar.
 * @csspart list - The list of assignments.
 * @csspart item - One assignment.
 * @csspart notice - Loading and error messages.
 * @cssprop --edgelab-accent - Accent colour.
 * @cssprop --edgelab-radius - Corner radius.
 * @cssprop --edgelab-font-family - Text font.
 */
@customElement('edgelab-problem-list')
export class EdgeLabProblemList extends LitElement {
  static override styles = [
    tokens,
    css`
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      .filters label {
        display: grid;
        gap: 0.2rem;
        font-size: 0.875rem;
        font-weight: 600;
      }
      .filters .grow {
        flex: 1 1 14rem;
      }
      .filters label:not(.grow) {
        flex: 1 1 9rem;
        max-width: 16rem;
      }
      .filters input,
      .filters select {
        width: 100%;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
        grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr));
      }
      .item {
        display: grid;
        gap: 0.4rem;
        width: 100%;
        height: 100%;
        text-align: left;
        padding: 0.9rem 1rem;
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        color: inherit;
        text-decoration: none;
        cursor: pointer;
        align-content: start;
      }
      .item:hover {
        border-color: var(--_accent);
        box-shadow: 0 1px 6px color-mix(in srgb, var(--_accent) 18%, transparent);
      }
      .title {
        font-weight: 700;
        font-size: 1.05rem;
        color: var(--_accent);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        align-items: center;
      }
      .languages {
        color: var(--_muted);
        font-size: 0.875rem;
      }
      .count {
        color: var(--_muted);
        font-size: 0.875rem;
        margin: 0 0 0.5rem;
      }
    `,
  ];

  /** Base URL of the EdgeLab server; default the page's origin. */
  @property() server = '';

  /** Bearer token sent with every request. */
  @property() token = '';

  /** A link for each assignment, `{id}` replaced by its id (e.g. `#/solve/{id}`); without it items are buttons. */
  @property() href = '';

  /** Only show assignments offering this language (the filter's initial value). */
  @property({ attribute: 'filter-language' }) filterLanguage = '';

  /** Only show assignments with this tag (the filter's initial value). */
  @property({ attribute: 'filter-tag' }) filterTag = '';

  /** The loaded assignments (read-only). */
  @state() assignments: AssignmentSummary[] | undefined;

  @state() private error: EdgeLabApiError | undefined;
  @state() private search = '';

  private abort: AbortController | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('token')) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  /** Loads (or reloads) the list. */
  async load(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.error = undefined;
    this.assignments = undefined;
    try {
      const client = createEdgeLabClient({ server: this.server, ...(this.token ? { token: this.token } : {}) });
      const list = await client.listAssignments(abort.signal);
      if (!abort.signal.aborted) this.assignments = list;
    } catch (error) {
      if (abort.signal.aborted) return;
      this.error =
        error instanceof EdgeLabApiError
          ? error
          : new EdgeLabApiError({ code: 'INTERNAL', message: String(error), status: 0, cause: error });
    }
  }

  private get visible(): AssignmentSummary[] {
    const needle = this.search.trim().toLowerCase();
    return (this.assignments ?? []).filter(
      (a) =>
        (!this.filterLanguage || a.languages.includes(this.filterLanguage as never)) &&
        (!this.filterTag || a.tags.includes(this.filterTag)) &&
        (!needle || a.title.toLowerCase().includes(needle) || a.id.includes(needle)),
    );
  }

  private select(event: Event, assignmentId: string): void {
    const selected = edgelabEvent<SelectDetail>('edgelab-select', { assignmentId }, true);
    const proceed = this.dispatchEvent(selected);
    // A host that handled the choice itself (SPA routing) cancels; otherwise links navigate as usual.
    if (!proceed) event.preventDefault();
  }

  protected override render() {
    if (this.error) {
      const title =
        this.error.code === 'NETWORK_ERROR'
          ? 'Server unreachable'
          : this.error.code === 'RATE_LIMITED'
            ? 'Too many requests'
            : this.error.code === 'UNAUTHORIZED' || this.error.code === 'FORBIDDEN'
              ? 'Not signed in'
              : 'Could not load assignments';
      return html`<div class="notice ${this.error.code === 'RATE_LIMITED' ? 'warning' : 'error'}" part="notice" role="alert">
        <strong>${title}</strong>
        <p>
          ${this.error.message}${this.error.retryAfterSeconds ? ` Try again in ${this.error.retryAfterSeconds} s.` : ''}
        </p>
        <button type="button" @click=${() => void this.load()}>Try again</button>
      </div>`;
    }
    if (!this.assignments) {
      return html`<div class="notice info" part="notice" role="status"><span class="spinner" aria-hidden="true"></span> Loading assignments…</div>`;
    }
    const languages = [...new Set(this.assignments.flatMap((a) => a.languages))].sort();
    const tags = [...new Set(this.assignments.flatMap((a) => a.tags))].sort();
    const visible = this.visible;
    return html`
      <div class="filters" part="filters" role="search" aria-label="Filter assignments">
        <label class="grow"
          >Search
          <input type="search" placeholder="Title" .value=${this.search} @input=${(e: Event) => (this.search = (e.target as HTMLInputElement).value)}
        /></label>
        <label
          >Language
          <select .value=${this.filterLanguage} @change=${(e: Event) => (this.filterLanguage = (e.target as HTMLSelectElement).value)}>
            <option value="">All languages</option>
            ${languages.map((l) => html`<option value=${l} ?selected=${l === this.filterLanguage}>${LANGUAGE_LABELS[l] ?? l}</option>`)}
          </select></label
        >
        <label
          >Tag
          <select .value=${this.filterTag} @change=${(e: Event) => (this.filterTag = (e.target as HTMLSelectElement).value)}>
            <option value="">All tags</option>
            ${tags.map((t) => html`<option value=${t} ?selected=${t === this.filterTag}>${t}</option>`)}
          </select></label
        >
      </div>
      <p class="count" role="status" aria-live="polite">${visible.length} of ${this.assignments.length} assignments</p>
      <ul part="list" aria-label="Assignments">
        ${visible.map((a) => html`<li>${this.renderItem(a)}</li>`)}
      </ul>
      ${visible.length === 0 ? html`<p class="notice info">No assignment matches these filters.</p>` : nothing}
    `;
  }

  private renderItem(a: AssignmentSummary) {
    const body = html`<span class="title">${a.title}</span>
      <span class="row">
        ${a.difficulty ? html`<span class="badge ${a.difficulty}">${a.difficulty}</span>` : nothing}
        ${a.tags.map((t) => html`<span class="tag">${t}</span>`)}
      </span>
      <span class="languages">${a.languages.map((l) => LANGUAGE_LABELS[l] ?? l).join(' · ')}</span>`;
    if (this.href) {
      return html`<a class="item" part="item" data-id=${a.id} href=${this.href.replaceAll('{id}', encodeURIComponent(a.id))} @click=${(e: Event) => this.select(e, a.id)}
        >${body}</a
      >`;
    }
    return html`<button type="button" class="item" part="item" data-id=${a.id} @click=${(e: Event) => this.select(e, a.id)}>${body}</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'edgelab-problem-list': EdgeLabProblemList;
  }
}
