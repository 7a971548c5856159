import { availableParallelism } from 'node:os';
import { EdgeLabError } from '@edgelab/core';

/** Who may call the API: nobody needs a token (`none`) or every request needs a bearer token (`token`). */
export const AuthMode = { none: 'none', token: 'token' } as const;
/** `none` or `token`. */
export type AuthMode = (typeof AuthMode)[keyof typeof AuthMode];

/** Roles of static API keys: `admin` sees everything; `lms` may submit on behalf of a user (X-EdgeLab-User). */
export type ApiKeyRole = 'admin' | 'lms';

/** One static API key. */
export interface ApiKeyConfig {
  key: string;
  role: ApiKeyRole;
}

/** Access control settings. */
export interface AuthConfig {
  mode: AuthMode;
  apiKeys: readonly ApiKeyConfig[];
  /** HS256 secret for student JWTs. */
  jwtSecret?: string;
  /** RS256 public key (PEM, SPKI) for student JWTs. */
  jwtPublicKey?: string;
  /** Required `iss` claim of JWTs, when set. */
  jwtIssuer?: string;
  /** Required `aud` claim of JWTs, when set. */
  jwtAudience?: string;
}

/** Per-client token bucket for submissions and runs. */
export interface RateLimitConfig {
  /** Bucket size: submissions allowed in a burst. */
  burst: number;
  /** Refill rate, submissions per minute. */
  perMinute: number;
}

/** Everything the HTTP layer needs, resolved from flags and environment. */
export interface ServerConfig {
  port: number;
  host: string;
  assignmentsDir: string;
  databaseUrl: string;
  sandbox: 'auto' | 'docker' | 'bwrap';
  workers: number;
  auth: AuthConfig;
  /** Allowed CORS origins; `['*']` allows any. Empty: no CORS headers. */
  corsOrigins: readonly string[];
  /** CSP `frame-ancestors` sources for every response, e.g. `'self' https://lms.example.edu`. */
  frameAncestors: string;
  rateLimit: RateLimitConfig;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** How long a worker's claim on a submission lasts without a heartbeat. */
  leaseMs: number;
  logLevel: string;
  /** Trust `X-Forwarded-For` for the client address (behind a reverse proxy). */
  trustProxy: boolean;
}

/** Flag values that override the environment (from the CLI). */
export type ServerConfigOverrides = Partial<{
  port: string | number;
  host: string;
  assignments: string;
  db: string;
  sandbox: string;
  workers: string | number;
}>;

/** Defaults used when neither a flag nor the environment sets a value. */
export const DEFAULT_CONFIG = {
  port: 3000,
  host: '127.0.0.1',
  assignmentsDir: './assignments',
  databaseUrl: './data/edgelab.db',
  sandbox: 'auto',
  frameAncestors: "'self'",
  rateLimit: { burst: 10, perMinute: 30 },
  bodyLimitBytes: 256 * 1024,
  leaseMs: 30_000,
  logLevel: 'info',
} as const;

function configError(message: string): EdgeLabError {
  return new EdgeLabError({ code: 'CONFIG_INVALID', message });
}

function int(name: string, raw: string | number | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw configError(`${name}: "${raw}" is not a whole number between ${min} and ${max}`);
  }
  return value;
}

function parseApiKeys(raw: string | undefined): ApiKeyConfig[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw.split(',').map((entry, i) => {
    const trimmed = entry.trim();
    const at = trimmed.lastIndexOf(':');
    const key = at < 0 ? '' : trimmed.slice(0, at);
    const role = at < 0 ? '' : trimmed.slice(at + 1);
    if (role !== 'admin' && role !== 'lms') {
      throw configError(`EDGELAB_API_KEYS: entry ${i + 1} must be "<key>:admin" or "<key>:lms"`);
    }
    if (key.length < 16) throw configError(`EDGELAB_API_KEYS: entry ${i + 1}: keys must be at least 16 characters`);
    return { key, role };
  });
}

/**
 * Resolves the server configuration: CLI flags over `EDGELAB_*` environment variables over defaults.
 * Throws `EdgeLabError('CONFIG_INVALID')` with a one-line message naming the variable and the fix.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env, overrides: ServerConfigOverrides = {}): ServerConfig {
  const sandbox = overrides.sandbox ?? env.EDGELAB_SANDBOX ?? DEFAULT_CONFIG.sandbox;
  if (sandbox !== 'auto' && sandbox !== 'docker' && sandbox !== 'bwrap') {
    throw configError(`sandbox: "${sandbox}" is not one of auto, docker, bwrap (flag --sandbox or EDGELAB_SANDBOX)`);
  }
  const authMode = env.EDGELAB_AUTH ?? 'none';
  if (authMode !== 'none' && authMode !== 'token') {
    throw configError(`EDGELAB_AUTH: "${authMode}" is not one of none, token`);
  }
  const apiKeys = parseApiKeys(env.EDGELAB_API_KEYS);
  const jwtSecret = env.EDGELAB_JWT_SECRET || undefined;
  const jwtPublicKey = env.EDGELAB_JWT_PUBLIC_KEY || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw configError('EDGELAB_JWT_SECRET: must be at least 32 characters (HS256 needs a 256-bit secret)');
  }
  if (authMode === 'token' && apiKeys.length === 0 && jwtSecret === undefined && jwtPublicKey === undefined) {
    throw configError('EDGELAB_AUTH=token needs EDGELAB_API_KEYS, EDGELAB_JWT_SECRET or EDGELAB_JWT_PUBLIC_KEY');
  }
  const corsOrigins = (env.EDGELAB_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw configError(`EDGELAB_CORS_ORIGINS: "${origin}" must be "*" or an origin like https://lms.example.edu (no path)`);
    }
  }
  const frameAncestors = env.EDGELAB_FRAME_ANCESTORS ?? DEFAULT_CONFIG.frameAncestors;
  if (/[;\r\n]/.test(frameAncestors)) throw configError('EDGELAB_FRAME_ANCESTORS: must not contain ";" or line breaks');
  return {
    port: int('port (--port / EDGELAB_PORT)', overrides.port ?? env.EDGELAB_PORT, DEFAULT_CONFIG.port, 0, 65_535),
    host: overrides.host ?? env.EDGELAB_HOST ?? DEFAULT_CONFIG.host,
    assignmentsDir: overrides.assignments ?? env.EDGELAB_ASSIGNMENTS_DIR ?? DEFAULT_CONFIG.assignmentsDir,
    databaseUrl: overrides.db ?? env.EDGELAB_DATABASE_URL ?? DEFAULT_CONFIG.databaseUrl,
    sandbox,
    workers: int('workers (--workers / EDGELAB_WORKERS)', overrides.workers ?? env.EDGELAB_WORKERS, availableParallelism(), 0, 256),
    auth: {
      mode: authMode,
      apiKeys,
      ...(jwtSecret ? { jwtSecret } : {}),
      ...(jwtPublicKey ? { jwtPublicKey } : {}),
      ...(env.EDGELAB_JWT_ISSUER ? { jwtIssuer: env.EDGELAB_JWT_ISSUER } : {}),
      ...(env.EDGELAB_JWT_AUDIENCE ? { jwtAudience: env.EDGELAB_JWT_AUDIENCE } : {}),
    },
    corsOrigins,
    frameAncestors,
    rateLimit: {
      burst: int('EDGELAB_RATE_LIMIT_BURST', env.EDGELAB_RATE_LIMIT_BURST, DEFAULT_CONFIG.rateLimit.burst, 1, 1_000_000),
      perMinute: int('EDGELAB_RATE_LIMIT_PER_MINUTE', env.EDGELAB_RATE_LIMIT_PER_MINUTE, DEFAULT_CONFIG.rateLimit.perMinute, 1, 10_000_000),
    },
    bodyLimitBytes: int('EDGELAB_BODY_LIMIT_BYTES', env.EDGELAB_BODY_LIMIT_BYTES, DEFAULT_CONFIG.bodyLimitBytes, 1024, 64 * 1024 * 1024),
    leaseMs: int('EDGELAB_LEASE_MS', env.EDGELAB_LEASE_MS, DEFAULT_CONFIG.leaseMs, 1000, 3_600_000),
    logLevel: env.EDGELAB_LOG_LEVEL ?? DEFAULT_CONFIG.logLevel,
    trustProxy: env.EDGELAB_TRUST_PROXY === 'true' || env.EDGELAB_TRUST_PROXY === '1',
  };
}
