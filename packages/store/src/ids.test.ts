import { describe, expect, it } from 'vitest';
import { isWellFormedId, newId } from './ids.js';

describe('newId', () => {
  it('is 128 bits of base64url: 22 url-safe characters that decode to 16 bytes', () => {
    const id = newId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(isWellFormedId(id)).toBe(true);
  });

  it('does not repeat across many draws and uses the whole alphabet (not a counter or a timestamp)', () => {
    const ids = Array.from({ length: 20_000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    const firstChars = new Set(ids.map((id) => id[0]));
    expect(firstChars.size).toBeGreaterThan(60);
  });

  it('isWellFormedId rejects other shapes', () => {
    for (const bad of ['', 'abc', `${newId()}x`, 'AAAAAAAAAAAAAAAAAAAAA=', 'AAAAAAAAAAAAAAAAAAAA/A']) expect(isWellFormedId(bad)).toBe(false);
  });
});
