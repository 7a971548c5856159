import { css } from 'lit';

/**
 * Design tokens shared by every element. Each reads a public `--edgelab-*` custom property with a fallback, so a
 * host page themes all elements at once (custom properties inherit through Shadow DOM; nothing else leaks in).
 */
export const tokens = css`
  :host {
    --_accent: var(--edgelab-accent, #0a5fb4);
    --_accent-contrast: var(--edgelab-accent-contrast, #ffffff);
    --_bg: var(--edgelab-background, #ffffff);
    --_surface: var(--edgelab-surface, #f6f8fa);
    --_fg: var(--edgelab-color, #1f2328);
    --_muted: var(--edgelab-muted-color, #57606a);
    --_border: var(--edgelab-border-color, #d0d7de);
    --_success: var(--edgelab-success-color, #1a7f37);
    --_danger: var(--edgelab-danger-color, #c62630);
    --_warning: var(--edgelab-warning-color, #8a5a00);
    --_radius: var(--edgelab-radius, 8px);
    --_font: var(--edgelab-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_mono: var(--edgelab-mono-font-family, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
    --_focus: var(--edgelab-focus-color, #0a5fb4);
    display: block;
    box-sizing: border-box;
    color: var(--_fg);
    font-family: var(--_font);
    font-size: var(--edgelab-font-size, 1rem);
    line-height: 1.5;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 1rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_fg);
    cursor: pointer;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-contrast);
    font-weight: 600;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  select,
  input[type='search'] {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.3rem 0.6rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_fg);
  }
  pre,
  code {
    font-family: var(--_mono);
    font-size: 0.875em;
  }
  pre code {
    font-size: inherit;
  }
  pre {
    margin: 0;
    padding: 0.6rem 0.8rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    overflow-x: auto;
    white-space: pre;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .notice {
    padding: 0.75rem 1rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    border-left-width: 4px;
    background: var(--_surface);
  }
  .notice.error {
    border-left-color: var(--_danger);
  }
  .notice.warning {
    border-left-color: var(--_warning);
  }
  .notice.info {
    border-left-color: var(--_accent);
  }
  .notice strong {
    display: block;
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.55rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 600;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .badge.easy,
  .badge.pass {
    color: var(--_success);
  }
  .badge.medium,
  .badge.warn {
    color: var(--_warning);
  }
  .badge.hard,
  .badge.fail {
    color: var(--_danger);
  }
  .tag {
    display: inline-block;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    color: var(--_muted);
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    vertical-align: -0.15em;
    border: 2px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: edgelab-spin 0.8s linear infinite;
  }
  @keyframes edgelab-spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
`;

/** Human words for verdicts. */
export const VERDICT_LABELS: Record<string, string> = {
  accepted: 'Accepted',
  wrong_answer: 'Wrong answer',
  time_limit: 'Time limit exceeded',
  memory_limit: 'Memory limit exceeded',
  output_limit: 'Output limit exceeded',
  runtime_error: 'Runtime error',
  compile_error: 'Compile error',
  internal_error: 'Internal error (not your fault)',
  skipped: 'Skipped',
};

/** Human names for language ids. */
export const LANGUAGE_LABELS: Record<string, string> = { python: 'Python', java: 'Java', sql: 'SQL' };
