import { describe, expect, it } from 'vitest';
import { isEdgeLabError } from '@edgelab/core';
import { DEFAULT_STORE_URL, parseStoreUrl, redactUrl } from './store-url.js';

describe('parseStoreUrl', () => {
  it('defaults to the embedded SQLite file', () => {
    expect(parseStoreUrl()).toEqual({ dialect: 'sqlite', path: DEFAULT_STORE_URL });
  });

  it.each([
    ['./data/edgelab.db', './data/edgelab.db'],
    ['/var/lib/edgelab/db.sqlite', '/var/lib/edgelab/db.sqlite'],
    ['sqlite:./x.db', './x.db'],
    ['sqlite:///abs/x.db', '/abs/x.db'],
    ['sqlite://rel/x.db', 'rel/x.db'],
    [':memory:', ':memory:'],
    ['sqlite::memory:', ':memory:'],
    ['  spaced.db  ', 'spaced.db'],
  ])('%s is SQLite at %s', (url, path) => {
    expect(parseStoreUrl(url)).toEqual({ dialect: 'sqlite', path });
  });

  it.each(['postgres://u:p@db.example:6543/grades', 'postgresql://u:p@db.example:6543/grades', 'POSTGRES://u:p@db.example:6543/grades'])(
    '%s is PostgreSQL, displayed without credentials',
    (url) => {
      const location = parseStoreUrl(url);
      expect(location).toMatchObject({ dialect: 'postgres', display: 'db.example:6543/grades' });
      expect(JSON.stringify(location.dialect === 'postgres' ? location.display : '')).not.toContain('p@');
    },
  );

  it('takes ?schema= out of the connection string', () => {
    const location = parseStoreUrl('postgres://u:p@h/db?schema=tenant_1&sslmode=disable');
    expect(location).toMatchObject({ dialect: 'postgres', schema: 'tenant_1', display: 'h:5432/db' });
    expect(location.dialect === 'postgres' && location.connectionString).toBe('postgres://u:p@h/db?sslmode=disable');
  });

  it.each([
    ['', /empty/],
    ['mysql://u:p@h/db', /unsupported scheme "mysql".*postgres:\/\//],
    ['sqlite:', /no path/],
    ['postgres://u:p@h/db?schema=bad-name', /schema "bad-name"/],
    ['postgres://u:p@[bad/db', /not a valid URL/],
  ])('%j is CONFIG_INVALID (%s)', (url, message) => {
    let error: unknown;
    try {
      parseStoreUrl(url);
    } catch (e) {
      error = e;
    }
    expect(isEdgeLabError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes a password in an error', () => {
    expect(() => parseStoreUrl('mysql://root:hunter2@h/db')).toThrow(/root:\*\*\*@h/);
  });
});

describe('redactUrl', () => {
  it('hides the password only', () => {
    expect(redactUrl('postgres://edgelab:s3cret@127.0.0.1:5432/edgelab')).toBe('postgres://edgelab:***@127.0.0.1:5432/edgelab');
    expect(redactUrl('postgres://edgelab@h/db')).toBe('postgres://edgelab@h/db');
    expect(redactUrl('./data/edgelab.db')).toBe('./data/edgelab.db');
  });
});
