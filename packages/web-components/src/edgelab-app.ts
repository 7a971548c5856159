import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import './edgelab-problem-list.js';
import './edgelab-problem.js';
import './edgelab-result.js';
import type { GradedDetail } from './events.js';
import { tokens } from './styles.js';

type Route = { view: 'browse' } | { view: 'solve'; assignment: string } | { view: 'result'; submission: string };

function parseRoute(hash: string): Route {
  const match = /^#\/(solve|result)\/([^/]+)$/.exec(hash);
  if (match?.[1] === 'solve') return { view: 'solve', assignment: decodeURIComponent(match[2]!) };
  if (match?.[1] === 'result') return { view: 'result', submission: decodeURIComponent(match[2]!) };
  return { view: 'browse' };
}

/**
 * The reference UI as one element: browse (`#/`), solve (`#/solve/<assignment>`) and a submission's result
 * (`#/result/<id>`), routed by the URL hash so the back button works. It only composes the other EdgeLab
 * elements; the server serves it at `/` (a page whose Content-Security-Policy forbids inline scripts).
 *
 * @csspart back - The "All assignments" link.
 * @cssprop --edgelab-accent - Accent colour.
 */
@customElement('edgelab-app')
export class EdgeLabApp extends LitElement {
  static override styles = [
    tokens,
    css`
      h1 {
        font-size: 1.6rem;
        margin: 0 0 1rem;
      }
      .back {
        display: inline-block;
        margin-bottom: 1rem;
        color: var(--_accent);
      }
      .panel {
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) + 2px);
        padding: 1.25rem;
      }
      @media (max-width: 40rem) {
        .panel {
          padding: 0.75rem;
          border-radius: 0;
          border-left: 0;
          border-right: 0;
          margin: 0 -1rem;
        }
      }
    `,
  ];

  /** Base URL of the EdgeLab server; default the page's origin. */
  @property() server = '';

  /** Bearer token; default the page's `?token=` (kept for the tab's session). */
  @property() token = '';

  @state() private route: Route = parseRoute(globalThis.location?.hash ?? '');

  private readonly onHashChange = () => {
    this.route = parseRoute(location.hash);
    window.scrollTo(0, 0);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    if (!this.token) {
      const fromUrl = new URLSearchParams(location.search).get('token');
      try {
        if (fromUrl) sessionStorage.setItem('edgelab:token', fromUrl);
        this.token = fromUrl ?? sessionStorage.getItem('edgelab:token') ?? '';
      } catch {
        this.token = fromUrl ?? '';
      }
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
  }

  protected override updated(): void {
    const route = this.route;
    document.title =
      route.view === 'solve' ? `${route.assignment} · EdgeLab` : route.view === 'result' ? 'Submission · EdgeLab' : 'Assignments · EdgeLab';
  }

  private onGraded(event: CustomEvent<GradedDetail>): void {
    if (this.route.view !== 'solve') return;
    document.title = `${event.detail.score}/${event.detail.maxScore} · ${this.route.assignment} · EdgeLab`;
  }

  protected override render() {
    const route = this.route;
    if (route.view === 'solve') {
      return html`<a class="back" part="back" href="#/">← All assignments</a>
        <div class="panel">
          <edgelab-problem .server=${this.server} .token=${this.token} .assignment=${route.assignment} @edgelab-graded=${this.onGraded}></edgelab-problem>
        </div>`;
    }
    if (route.view === 'result') {
      return html`<a class="back" part="back" href="#/">← All assignments</a>
        <h1>Submission</h1>
        <edgelab-result .server=${this.server} .token=${this.token} .submission=${route.submission}></edgelab-result>`;
    }
    return html`<h1>Assignments</h1>
      <div class="panel"><edgelab-problem-list .server=${this.server} .token=${this.token} href="#/solve/{id}"></edgelab-problem-list></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'edgelab-app': EdgeLabApp;
  }
}
