/**
 * `@edgelab/web-components`: Lit custom elements that embed EdgeLab in any page. Importing this module defines
 * `<edgelab-problem>`, `<edgelab-problem-list>`, `<edgelab-result>` and `<edgelab-code-editor>`.
 */
export * from './api-client.js';
export * from './api-types.js';
export * from './edgelab-app.js';
export * from './compile-diagnostics.js';
export * from './edgelab-code-editor.js';
export * from './edgelab-problem.js';
export * from './edgelab-problem-list.js';
export * from './edgelab-result.js';
export * from './event-stream.js';
export * from './events.js';
export * from './line-diff.js';
export { renderMarkdown } from './markdown.js';
export * from './result-set-format.js';
