import { java } from '@codemirror/lang-java';
import { python } from '@codemirror/lang-python';
import { sql } from '@codemirror/lang-sql';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { tokens } from './styles.js';

/**
 * Syntax colours with at least 4.5:1 contrast on white (WCAG AA); CodeMirror's default comment and keyword colours
 * fall short. Each colour is a custom property so a dark theme can override it.
 */
const accessibleHighlighting = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword], color: 'var(--edgelab-code-keyword, #b0212b)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--edgelab-code-string, #0a3069)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--edgelab-code-comment, #57606a)', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--edgelab-code-number, #0550ae)' },
  { tag: [tags.function(tags.variableName), tags.function(tags.definition(tags.variableName)), tags.definition(tags.propertyName)], color: 'var(--edgelab-code-function, #6639ba)' },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--edgelab-code-type, #8a3700)' },
  { tag: [tags.meta, tags.annotation, tags.self], color: 'var(--edgelab-code-meta, #8a3700)' },
  { tag: tags.invalid, color: 'var(--edgelab-code-invalid, #b0212b)' },
]);

/** An explicit tabindex lets assistive tools see the editable area as the focus target of its scroll region. */
function contentAttributes(label: string): Extension {
  return EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', tabindex: '0' });
}

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
 * @cssprop --edgelab-code-keyword - Colour of keywords (also `-string`, `-comment`, `-number`, `-function`, `-type`, `-meta`).
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

  /**
   * Marks lines of the code (e.g. compile errors): underlined, with a gutter marker and the message on hover.
   * An empty list clears them. Lines are 1-based; out-of-range lines are clamped.
   */
  markLines(marks: ReadonlyArray<{ line: number; column?: number; message: string }>): void {
    const view = this.view;
    if (!view) return;
    const doc = view.state.doc;
    const diagnostics: Diagnostic[] = marks.map((m) => {
      const line = doc.line(Math.min(Math.max(1, m.line), doc.lines));
      const from = Math.min(line.from + Math.max(0, (m.column ?? 1) - 1), line.to);
      const indent = line.text.length - line.text.trimStart().length;
      return { from: m.column ? from : line.from + indent, to: line.to, severity: 'error', message: m.message || 'error' };
    });
    view.dispatch(setDiagnostics(view.state, diagnostics));
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
          syntaxHighlighting(accessibleHighlighting),
          lintGutter(),
          this.languageSlot.of(languageExtension(this.language)),
          this.readonlySlot.of(EditorState.readOnly.of(this.readonly)),
          this.labelSlot.of(contentAttributes(this.label)),
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
    if (changed.has('label')) effects.push(this.labelSlot.reconfigure(contentAttributes(this.label)));
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
