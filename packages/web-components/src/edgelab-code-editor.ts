import { java } from '@codemirror/lang-java';
import { python } from '@codemirror/lang-python';
import { sql } from '@codemirror/lang-sql';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tokens } from './styles.js';

function languageExtension(language: string): Extension {
  switch (language) {
    case 'python':
      return python();
    case 'java':
      return java();
    case 'sql':
      return sql();
    default:
      return [];
  }
}

/** Detail of the `edgelab-code-change` event. */
export interface CodeChangeDetail {
  value: string;
}

/**
 * A CodeMirror 6 code editor (syntax highlighting, line numbers, bracket matching, undo history) as an element.
 * Tab moves focus out of the editor so keyboard users are never trapped; Ctrl/Cmd+Enter fires
 * `edgelab-code-submit`.
 *
 * @fires edgelab-code-change - The code changed; detail `{ value }`.
 * @fires edgelab-code-submit - The user pressed Ctrl/Cmd+Enter.
 * @csspart editor - The box around the editor.
 * @cssprop --edgelab-editor-height - Minimum height of the editor (default 16rem).
 */
@customElement('edgelab-code-editor')
export class EdgeLabCodeEditor extends LitElement {
  static override styles = [
    tokens,
    css`
      .editor {
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        overflow: hidden;
        background: var(--_bg);
      }
      .editor:focus-within {
        outline: 3px solid var(--_focus);
        outline-offset: 1px;
      }
      .cm-editor {
        min-height: var(--edgelab-editor-height, 16rem);
        max-height: var(--edgelab-editor-max-height, 70vh);
        font-size: 0.9rem;
      }
      .cm-editor.cm-focused {
        outline: none;
      }
      .cm-scroller {
        font-family: var(--_mono);
      }
      .cm-gutters {
        background: var(--_surface);
        color: var(--_muted);
        border-right: 1px solid var(--_border);
      }
    `,
  ];

  /** The code. Setting it replaces the editor's content. */
  @property() value = '';

  /** Language id for highlighting: `python`, `java` or `sql`. */
  @property() language = 'python';

  /** Accessible name of the editor. */
  @property() label = 'Code editor';

  /** Makes the editor read-only. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  private view: EditorView | undefined;
  private readonly languageSlot = new Compartment();
  private readonly readonlySlot = new Compartment();
  private readonly labelSlot = new Compartment();

  /** The underlying CodeMirror view, once rendered. */
  get editorView(): EditorView | undefined {
    return this.view;
  }

  /** Moves keyboard focus into the editor. */
  override focus(): void {
    this.view?.focus();
  }

  protected override render() {
    return html`<div class="editor" part="editor"></div>`;
  }

  protected override firstUpdated(): void {
    const parent = this.renderRoot.querySelector('.editor') as HTMLElement;
    this.view = new EditorView({
      parent,
      root: this.renderRoot as ShadowRoot,
      state: EditorState.create({
        doc: this.value,
        extensions: [
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                this.dispatchEvent(new CustomEvent('edgelab-code-submit', { bubbles: true, composed: true }));
                return true;
              },
            },
          ]),
          basicSetup,
          this.languageSlot.of(languageExtension(this.language)),
          this.readonlySlot.of(EditorState.readOnly.of(this.readonly)),
          this.labelSlot.of(EditorView.contentAttributes.of({ 'aria-label': this.label })),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            const value = update.state.doc.toString();
            this.value = value;
            this.dispatchEvent(
              new CustomEvent<CodeChangeDetail>('edgelab-code-change', { detail: { value }, bubbles: true, composed: true }),
            );
          }),
        ],
      }),
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    const view = this.view;
    if (!view) return;
    const effects = [];
    if (changed.has('language')) effects.push(this.languageSlot.reconfigure(languageExtension(this.language)));
    if (changed.has('readonly')) effects.push(this.readonlySlot.reconfigure(EditorState.readOnly.of(this.readonly)));
    if (changed.has('label')) effects.push(this.labelSlot.reconfigure(EditorView.contentAttributes.of({ 'aria-label': this.label })));
    const current = view.state.doc.toString();
    const changes = changed.has('value') && this.value !== current ? { from: 0, to: current.length, insert: this.value } : undefined;
    if (effects.length > 0 || changes) view.dispatch({ effects, ...(changes ? { changes } : {}) });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.view?.destroy();
    this.view = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a move: Lit keeps the DOM, so build a fresh view on the next update.
    if (this.hasUpdated && !this.view) this.firstUpdated();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'edgelab-code-editor': EdgeLabCodeEditor;
  }
}
