import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('../src/', import.meta.url);
const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(new URL(f, srcDir), 'utf8') }));

describe('@edgelab/core is pure (runs in Node and the browser)', () => {
  it('imports only relative modules, zod and @noble/hashes', () => {
    expect(sources.length).toBeGreaterThan(10);
    for (const { file, text } of sources) {
      const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]);
      const foreign = specifiers.filter((s) => !s!.startsWith('./') && s !== 'zod' && !s!.startsWith('@noble/hashes/'));
      expect(foreign, file).toEqual([]);
    }
  });

  it('touches no Node-only globals', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/\b(process|Buffer|require|__dirname|__filename)\b[.(]/);
    }
  });
});
