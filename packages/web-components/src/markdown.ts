import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Renders an assignment statement (or feedback) from Markdown to sanitised HTML: scripts, event handlers and
 * `javascript:` URLs are removed by DOMPurify, so an assignment author cannot run code in a student's page.
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'] });
}
