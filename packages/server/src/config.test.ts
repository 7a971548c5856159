import { describe, expect, it } from 'vitest';
import { loadServerConfig } from './config.js';

describe('loadServerConfig', () => {
  it('uses defaults, then environment, then flags', () => {
    expect(loadServerConfig({}).port).toBe(3000);
    expect(loadServerConfig({ EDGELAB_PORT: '4000' }).port).toBe(4000);
    expect(loadServerConfig({ EDGELAB_PORT: '4000' }, { port: '5000' }).port).toBe(5000);
    expect(loadServerConfig({ EDGELAB_DATABASE_URL: 'postgres://x' }).databaseUrl).toBe('postgres://x');
  });

  it('rejects malformed values with a one-line message naming the variable', () => {
    expect(() => loadServerConfig({ EDGELAB_PORT: 'eighty' })).toThrow(/EDGELAB_PORT.*"eighty"/);
    expect(() => loadServerConfig({ EDGELAB_SANDBOX: 'vm' })).toThrow(/EDGELAB_SANDBOX/);
    expect(() => loadServerConfig({ EDGELAB_AUTH: 'basic' })).toThrow(/EDGELAB_AUTH/);
    expect(() => loadServerConfig({ EDGELAB_AUTH: 'token' })).toThrow(/needs EDGELAB_API_KEYS/);
    expect(() => loadServerConfig({ EDGELAB_API_KEYS: 'short:admin' })).toThrow(/at least 16/);
    expect(() => loadServerConfig({ EDGELAB_API_KEYS: 'aaaaaaaaaaaaaaaaaaaa:root' })).toThrow(/admin.*lms/);
    expect(() => loadServerConfig({ EDGELAB_CORS_ORIGINS: 'https://a.edu/path' })).toThrow(/EDGELAB_CORS_ORIGINS/);
    expect(() => loadServerConfig({ EDGELAB_JWT_SECRET: 'too-short' })).toThrow(/32 characters/);
    try {
      loadServerConfig({ EDGELAB_WORKERS: '-1' });
      expect.unreachable();
    } catch (error) {
      expect((error as { code?: string }).code).toBe('CONFIG_INVALID');
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('parses API keys, CORS origins and rate limits', () => {
    const config = loadServerConfig({
      EDGELAB_AUTH: 'token',
      EDGELAB_API_KEYS: 'admin-key-0123456789:admin, lms-key-0123456789ab:lms',
      EDGELAB_CORS_ORIGINS: 'https://lms.example.edu, *',
      EDGELAB_RATE_LIMIT_BURST: '5',
      EDGELAB_RATE_LIMIT_PER_MINUTE: '120',
    });
    expect(config.auth.apiKeys).toEqual([
      { key: 'admin-key-0123456789', role: 'admin' },
      { key: 'lms-key-0123456789ab', role: 'lms' },
    ]);
    expect(config.corsOrigins).toEqual(['https://lms.example.edu', '*']);
    expect(config.rateLimit).toEqual({ burst: 5, perMinute: 120 });
  });
});
