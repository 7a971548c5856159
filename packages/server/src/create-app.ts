import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import { EdgeLabError, toPublicAssignment, toPublicResult, toPublicSummary } from '@edgelab/core';
import type { Assignment, LanguageId, Submission } from '@edgelab/core';
import { validateSubmission } from '@edgelab/executor';
import type { Store } from '@edgelab/store';
import Koa from 'koa';
import type { Context } from 'koa';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import { createGradingEvents } from './grading-events.js';
import type { GradingEvents } from './grading-events.js';
import type { GradingJudge, SandboxProbe } from './grading-ports.js';
import { SubmitRequestSchema } from './http/api-schemas.js';
import type { SubmitRequest } from './http/api-schemas.js';
import { canReadSubmission, createAuthenticator, submitterIdOf } from './http/authenticator.js';
import type { Principal } from './http/authenticator.js';
import { cors, inlineScriptHashes, requestContext, securityHeaders, uiContentSecurityPolicy } from './http/http-middleware.js';
import type { RequestState } from './http/http-middleware.js';
import { HttpError } from './http/http-status.js';
import { readJsonBody } from './http/json-body.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { createRateLimiter } from './http/rate-limiter.js';
import { streamResultEvents } from './http/result-events.js';
import { LANGUAGES } from './languages.js';
import { createServerMetrics } from './metrics.js';
import type { ServerMetrics } from './metrics.js';
import { toResultResponse } from './result-view.js';

/** Options for {@link createApp}. */
export interface AppOptions {
  store: Store;
  config: ServerConfig;
  /** Grades `POST /run` (public tests only, synchronous). Without it `/run` answers 503. */
  judge?: GradingJudge;
  /** Probed by `GET /ready`. */
  sandbox?: SandboxProbe;
  /** Shared with the in-process worker pool so SSE streams and idle workers wake up early. */
  events?: GradingEvents;
  metrics?: ServerMetrics;
  logger?: Logger;
  /** How many `POST /run` gradings may run at once in this process; more wait. Default 2. */
  runConcurrency?: number;
  /** Extra gauges for `/metrics` (e.g. busy workers of the in-process pool). */
  workersBusy?: () => number;
  /** Folder with the reference UI (`index.html`, `edgelab.js`); default the `@edgelab/web-components` package's `dist/`. */
  uiDir?: string;
  /** SSE store polling interval in ms. Default 200. */
  eventPollMs?: number;
  /** How long an SSE stream waits for feedback after the result. Default 60 s. */
  feedbackWaitMs?: number;
}

type AppContext = Context & { state: RequestState & { principal?: Principal } };

const SUBMISSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const ASSIGNMENT_ID = /^[a-z][a-z0-9_-]{0,63}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const SERVER_VERSION = '0.1.0';

function defaultUiDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@edgelab/web-components/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/** A small counting semaphore: `POST /run` gradings beyond the limit wait their turn. */
function createSemaphore(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * Creates the Koa application: a thin adapter that translates HTTP into store/judge calls and core's public views.
 * It holds no grading or hiding rule of its own.
 *
 * ### Examples
 * ```ts
 * const app = createApp({ store, config: loadServerConfig(), judge });
 * app.listen(3000);
 * ```
 */
export function createApp(options: AppOptions): Koa {
  const { store, config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const metrics = options.metrics ?? createServerMetrics();
  const events = options.events ?? createGradingEvents();
  const authenticator = createAuthenticator(config.auth);
  const limiter = createRateLimiter(config.rateLimit);
  const runLimit = createSemaphore(options.runConcurrency ?? 2);
  const uiDir = options.uiDir ?? defaultUiDir();
  const openApi = JSON.stringify(buildOpenApiDocument(SERVER_VERSION));

  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;
  const router = new Router();

  const principalOf = async (ctx: AppContext, options: { allowQueryToken?: boolean } = {}): Promise<Principal> => {
    if (ctx.state.principal === undefined) {
      let headers = ctx.headers;
      const queryToken = ctx.query.access_token;
      // Browsers' EventSource cannot send headers: the event stream alone also takes `?access_token=`.
      // Access logs record the path without the query string, so the token is not written to them.
      if (options.allowQueryToken === true && headers.authorization === undefined && typeof queryToken === 'string') {
        headers = { ...headers, authorization: `Bearer ${queryToken}` };
      }
      ctx.state.principal = await authenticator.authenticate(headers, ctx.ip);
    }
    return ctx.state.principal;
  };

  const rateLimit = (principal: Principal) => {
    const decision = limiter.take(principal.clientId);
    if (!decision.allowed) {
      throw new HttpError(
        429,
        { code: 'RATE_LIMITED', message: `too many submissions; retry in ${decision.retryAfterSeconds} s` },
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
  };

  const loadAssignment = async (id: string): Promise<Assignment> => {
    const stored = ASSIGNMENT_ID.test(id) ? await store.assignments.get(id) : undefined;
    if (stored === undefined) {
      throw new EdgeLabError({ code: 'ASSIGNMENT_NOT_FOUND', message: `no assignment "${id.slice(0, 64)}"; GET /assignments lists them` });
    }
    return stored.definition;
  };

  const readSubmitRequest = async (ctx: AppContext): Promise<{ request: SubmitRequest; assignment: Assignment; submission: Submission }> => {
    const body = await readJsonBody(ctx.req, { limitBytes: config.bodyLimitBytes });
    const parsed = SubmitRequestSchema.safeParse(body);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => `${issue.path.length === 0 ? 'body' : issue.path.join('.')}: ${issue.message}`);
      throw new EdgeLabError({
        code: 'BAD_REQUEST',
        message: `the body must be { "assignmentId": string, "language": string, "code": string }: ${details.join('; ')}`,
        details,
      });
    }
    const assignment = await loadAssignment(parsed.data.assignmentId);
    // The executor owns the submission rules (language offered, size, UTF-8); the server only translates.
    const valid = validateSubmission(assignment, { language: parsed.data.language, code: parsed.data.code });
    const submission: Submission = { language: valid.language, code: parsed.data.code };
    return { request: parsed.data, assignment, submission };
  };

  const loadReadableSubmission = async (ctx: AppContext, id: string) => {
    const principal = await principalOf(ctx);
    const submission = SUBMISSION_ID.test(id) ? await store.submissions.get(id) : undefined;
    if (submission === undefined) {
      throw new EdgeLabError({ code: 'SUBMISSION_NOT_FOUND', message: `no submission "${id.slice(0, 64)}"` });
    }
    if (!canReadSubmission(principal, submission.submitterId)) {
      throw new EdgeLabError({ code: 'FORBIDDEN', message: 'this result belongs to another user' });
    }
    return submission;
  };

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  let readyCache: { at: number; body: Record<string, unknown>; ok: boolean } | undefined;
  router.get('/ready', async (ctx) => {
    if (readyCache === undefined || Date.now() - readyCache.at > 2000) {
      const checks: Record<string, string> = {};
      let ok = true;
      try {
        await store.queue.depth();
        checks.database = 'ok';
      } catch {
        ok = false;
        checks.database = 'unreachable';
      }
      if (options.sandbox === undefined) {
        checks.sandbox = 'not configured';
      } else {
        try {
          const languages = new Set<LanguageId>();
          for (const a of await store.assignments.list().catch(() => [])) {
            for (const l of Object.keys(a.definition.languages)) languages.add(l as LanguageId);
          }
          if (languages.size === 0) languages.add('python');
          await Promise.all([...languages].map((l) => options.sandbox?.ensureReady(l)));
          checks.sandbox = `ok (${options.sandbox.backend})`;
        } catch (error) {
          ok = false;
          checks.sandbox = error instanceof EdgeLabError ? error.code : 'unavailable';
          ctx.state.log?.warn({ err: error }, 'sandbox not ready');
        }
      }
      readyCache = { at: Date.now(), ok, body: { status: ok ? 'ready' : 'not ready', checks } };
    }
    ctx.status = readyCache.ok ? 200 : 503;
    ctx.body = readyCache.body;
  });

  router.get('/metrics', async (ctx) => {
    const principal = await principalOf(ctx as AppContext);
    if (authenticator.mode === 'token' && principal.role !== 'admin') {
      throw new EdgeLabError({ code: 'FORBIDDEN', message: 'metrics need an admin API key' });
    }
    const queueDepth = await store.queue.depth().catch(() => undefined);
    ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
    ctx.body = metrics.render({ ...(queueDepth === undefined ? {} : { queueDepth }), ...(options.workersBusy ? { workersBusy: options.workersBusy() } : {}) });
  });

  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = openApi;
  });

  router.get('/languages', (ctx) => {
    ctx.body = LANGUAGES;
  });

  router.get('/assignments', async (ctx) => {
    await principalOf(ctx as AppContext);
    ctx.body = (await store.assignments.list()).map((a) => toPublicSummary(a.definition));
  });

  router.get('/assignments/:id', async (ctx) => {
    await principalOf(ctx as AppContext);
    ctx.body = toPublicAssignment(await loadAssignment(ctx.params.id ?? ''));
  });

  router.post('/submit', async (ctx) => {
    const principal = await principalOf(ctx as AppContext);
    const idempotencyKey = ctx.get('idempotency-key') || undefined;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new EdgeLabError({ code: 'BAD_REQUEST', message: 'Idempotency-Key: 1-200 printable ASCII characters' });
    }
    rateLimit(principal);
    const { request, submission } = await readSubmitRequest(ctx as AppContext);
    const submitterId = submitterIdOf(principal);
    const created = await store.submissions.create({
      assignmentId: request.assignmentId,
      language: submission.language,
      code: request.code,
      ...(submitterId === undefined ? {} : { submitterId }),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    if (created.created) events.enqueued();
    const location = `/results/${created.id}`;
    ctx.status = 202;
    ctx.set('Location', location);
    ctx.body = { id: created.id, status: created.status, resultUrl: location };
  });

  router.post('/run', async (ctx) => {
    const principal = await principalOf(ctx as AppContext);
    rateLimit(principal);
    const { assignment, submission } = await readSubmitRequest(ctx as AppContext);
    const judge = options.judge;
    if (judge === undefined) throw new EdgeLabError({ code: 'SANDBOX_UNAVAILABLE', message: 'this server has no sandbox for /run' });
    const abort = new AbortController();
    ctx.req.on('close', () => abort.abort());
    const result = await runLimit(() => judge.grade(assignment, submission, { publicOnly: true, signal: abort.signal }));
    const { feedback: _none, ...publicResult } = toPublicResult(result) as unknown as Record<string, unknown> & { feedback?: unknown };
    ctx.body = publicResult;
  });

  router.get('/results/:id', async (ctx) => {
    const submission = await loadReadableSubmission(ctx as AppContext, ctx.params.id ?? '');
    const [stored, progress] = await Promise.all([
      submission.status === 'done' ? store.results.get(submission.id) : Promise.resolve(undefined),
      submission.status === 'running' || submission.status === 'pending' ? store.submissions.getProgress(submission.id) : Promise.resolve([]),
    ]);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = toResultResponse(submission, stored, progress);
  });

  router.get('/results/:id/events', async (ctx) => {
    await principalOf(ctx as AppContext, { allowQueryToken: true });
    const submission = await loadReadableSubmission(ctx as AppContext, ctx.params.id ?? '');
    streamResultEvents(ctx, {
      store,
      events,
      submissionId: submission.id,
      ...(options.eventPollMs === undefined ? {} : { pollMs: options.eventPollMs }),
      ...(options.feedbackWaitMs === undefined ? {} : { feedbackWaitMs: options.feedbackWaitMs }),
    });
  });

  const serveUiFile = (file: 'index.html' | 'edgelab.js') => async (ctx: Context) => {
    const content = uiDir === undefined ? undefined : await readFile(join(uiDir, file)).catch(() => undefined);
    if (content === undefined) {
      throw new HttpError(404, {
        code: 'BAD_REQUEST',
        message: `the reference UI is not built (${file}): run "pnpm --filter @edgelab/web-components build"`,
      });
    }
    if (file === 'index.html') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Content-Security-Policy', uiContentSecurityPolicy(config.frameAncestors, inlineScriptHashes(content.toString('utf8'))));
    } else {
      ctx.type = 'text/javascript; charset=utf-8';
      // Pages on allow-listed origins load the components with a plain <script type="module" src>.
      ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = content;
  };
  router.get('/', serveUiFile('index.html'));
  router.get('/favicon.ico', (ctx) => {
    ctx.status = 204;
  });
  router.get('/edgelab.js', serveUiFile('edgelab.js'));

  app.use(requestContext(logger, metrics));
  app.use(securityHeaders({ frameAncestors: config.frameAncestors }));
  app.use(cors({ origins: config.corsOrigins }));
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () => new HttpError(405, { code: 'BAD_REQUEST', message: 'method not allowed on this route; see /openapi.json' }),
      notImplemented: () => new HttpError(405, { code: 'BAD_REQUEST', message: 'method not supported; see /openapi.json' }),
    }),
  );
  return app;
}
