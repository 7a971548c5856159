import { createHash, randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { ServerMetrics } from '../metrics.js';
import { HttpError, toErrorResponse } from './http-status.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** State every middleware after {@link requestContext} can rely on. */
export interface RequestState {
  requestId: string;
  log: Logger;
}

/**
 * Request id (an incoming well-formed `X-Request-Id` is kept, else a fresh UUID; echoed in the response), a child
 * logger, one access-log line and the HTTP metric, and the error boundary: every error becomes
 * `{ error: { code, message, details? } }` with its status from the one table; stack traces only go to the log.
 */
export function requestContext(logger: Logger, metrics: ServerMetrics): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    const state = ctx.state as RequestState;
    state.requestId = requestId;
    state.log = log;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new HttpError(404, {
          code: 'BAD_REQUEST',
          message: `no route ${ctx.method} ${ctx.path}; the API is described at /openapi.json`,
        });
      }
    } catch (error) {
      const normalised = normaliseKoaError(error);
      const response = toErrorResponse(normalised, requestId);
      if (response.status >= 500) log.error({ err: error }, 'request failed');
      else log.debug({ code: response.body.error.code, message: response.body.error.message }, 'request rejected');
      ctx.status = response.status;
      for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
      ctx.type = 'application/json';
      ctx.body = response.body;
    } finally {
      const route = (ctx as { routerPath?: string; _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpRequest(ctx.method, String(route), ctx.status);
      log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
    }
  };
}

/** Koa and the router throw http-errors (e.g. a malformed `%` escape): keep their 4xx, never their internals. */
function normaliseKoaError(error: unknown): unknown {
  if (error instanceof HttpError || (error instanceof Error && error.name === 'EdgeLabError')) return error;
  if (error instanceof URIError) {
    return new HttpError(400, { code: 'BAD_REQUEST', message: 'the URL has a malformed percent-escape' });
  }
  const status = (error as { status?: unknown } | null)?.status;
  const expose = (error as { expose?: unknown } | null)?.expose;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = expose === true && error instanceof Error ? error.message : 'bad request';
    return new HttpError(status, { code: status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST', message });
  }
  return error;
}

/** Options for {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** CSP `frame-ancestors` sources, e.g. `'self' https://lms.example.edu`. */
  frameAncestors: string;
}

/** CSP source expressions (`'sha256-…'`) for each inline `<script>` of a page, so exactly those may run. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(match[1] ?? '')) continue;
    hashes.push(`'sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}'`);
  }
  return hashes;
}

/**
 * The CSP of the reference UI page: its own scripts plus the inline scripts whose hashes are given (nothing else
 * inline runs), and it talks only to this origin.
 */
export function uiContentSecurityPolicy(frameAncestors: string, scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    // CodeMirror and Lit inject <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** nosniff, referrer policy and a CSP on every response (API responses: nothing may load; frame-ancestors configurable). */
export function securityHeaders(options: SecurityHeadersOptions): Middleware {
  const apiPolicy = `default-src 'none'; frame-ancestors ${options.frameAncestors}`;
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Content-Security-Policy', apiPolicy);
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    await next();
  };
}

/** Options for {@link cors}. */
export interface CorsOptions {
  /** Allowed origins; `*` allows any. */
  origins: readonly string[];
}

/** CORS for embedding: only allow-listed origins get CORS headers; preflights answered with 204. */
export function cors(options: CorsOptions): Middleware {
  const any = options.origins.includes('*');
  const allowed = new Set(options.origins);
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    ctx.vary('Origin');
    const ok = origin !== '' && (any || allowed.has(origin));
    if (ok) {
      ctx.set('Access-Control-Allow-Origin', any ? '*' : origin);
      ctx.set('Access-Control-Expose-Headers', 'Location, Retry-After, X-Request-Id');
    }
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method') !== '') {
      if (ok) {
        ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, X-EdgeLab-User, X-Request-Id, Last-Event-ID');
        ctx.set('Access-Control-Max-Age', '600');
      }
      ctx.status = 204;
      return;
    }
    await next();
  };
}
