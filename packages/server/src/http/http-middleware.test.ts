import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineScriptHashes, uiContentSecurityPolicy } from './http-middleware.js';

describe('inlineScriptHashes', () => {
  it('hashes inline scripts only, so the UI CSP allows exactly those', () => {
    const inline = "\n  import '/edgelab.js';\n";
    const html = `<script type="module" src="/edgelab.js"></script><script type="module">${inline}</script>`;
    const expected = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    expect(inlineScriptHashes(html)).toEqual([expected]);
    expect(uiContentSecurityPolicy("'none'", [expected])).toContain(`script-src 'self' ${expected};`);
    expect(uiContentSecurityPolicy("'none'")).toContain("frame-ancestors 'none'");
  });
});
