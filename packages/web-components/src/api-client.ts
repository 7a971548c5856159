import type { EdgeLabErrorCode, Feedback, LanguageId } from '@edgelab/core';
import type {
  AssignmentSummary,
  AssignmentView,
  PublicLanguageView,
  PublicTestResultView,
  PublicTestView,
  ResultView,
  SubmissionAccepted,
  SubmissionRequest,
} from './api-types.js';
import { isTerminal } from './api-types.js';
import { openEventStream, type EventStream } from './event-stream.js';

/** Failures that happen in the browser before or instead of a server answer. */
export const ClientErrorCode = {
  /** The server could not be reached (offline, wrong URL, CORS, DNS). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** The server answered with something that is not EdgeLab JSON. */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** The request was aborted by the caller. */
  ABORTED: 'ABORTED',
} as const;
/** One of {@link ClientErrorCode}. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code an {@link EdgeLabApiError} can carry: the server's stable codes plus the client's own. */
export type ApiErrorCode = EdgeLabErrorCode | ClientErrorCode;

/** Options for {@link EdgeLabApiError}. */
export interface EdgeLabApiErrorOptions {
  code: ApiErrorCode;
  message: string;
  /** HTTP status, 0 when no answer arrived. */
  status: number;
  /** Seconds to wait before retrying, from `Retry-After` (429 and 503). */
  retryAfterSeconds?: number;
  details?: readonly string[];
  cause?: unknown;
}

/** A failed API call, typed by the server's error code (`{ error: { code, message } }`) or a client code. */
export class EdgeLabApiError extends Error {
  override readonly name = 'EdgeLabApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  readonly details: readonly string[];

  constructor(options: EdgeLabApiErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details ?? [];
  }
}

/** True when `value` is an {@link EdgeLabApiError}, optionally with the given code. */
export function isEdgeLabApiError(value: unknown, code?: ApiErrorCode): value is EdgeLabApiError {
  return value instanceof EdgeLabApiError && (code === undefined || value.code === code);
}

/** Options for {@link createEdgeLabClient}. */
export interface EdgeLabClientOptions {
  /** Base URL of the EdgeLab server; default: the page's own origin. */
  server?: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** A fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** How often to poll a result when live events are not available, in milliseconds; default 1000. */
  pollIntervalMs?: number;
  /** Whether to try server-sent events for live results (falling back to polling); default true. */
  useEventSource?: boolean;
}

/** Callbacks of {@link EdgeLabClient.watchResult}. */
export interface WatchResultHandlers {
  /** One test finished. */
  onTest?(test: PublicTestResultView): void;
  /** The whole result changed (status, score, tests, ...); called at least once. */
  onResult?(result: ResultView): void;
  /** Feedback arrived (it may come after the result is done). */
  onFeedback?(feedback: Feedback): void;
  /** Watching failed for good (the submission is unknown, or the server is gone while polling). */
  onError?(error: EdgeLabApiError): void;
  /** How results are arriving: live server-sent events or polling. */
  onTransport?(transport: 'events' | 'polling'): void;
}

/** A running watch; `close()` stops it. */
export interface ResultWatch {
  close(): void;
}

/** The typed HTTP client the elements share. */
export interface EdgeLabClient {
  readonly server: string;
  listAssignments(signal?: AbortSignal): Promise<AssignmentSummary[]>;
  getAssignment(id: string, signal?: AbortSignal): Promise<AssignmentView>;
  /** Queues a graded submission (public and hidden tests). */
  submit(request: SubmissionRequest, signal?: AbortSignal): Promise<SubmissionAccepted>;
  /**
   * Runs the public tests only. The server grades these synchronously and answers with the result (status `done`);
   * a server that queues runs instead answers with an id to watch.
   */
  run(request: SubmissionRequest, signal?: AbortSignal): Promise<ResultView | SubmissionAccepted>;
  getResult(id: string, signal?: AbortSignal): Promise<ResultView>;
  /** Follows a result live (SSE, falling back to polling) until it is done and its feedback arrived. */
  watchResult(id: string, handlers: WatchResultHandlers): ResultWatch;
}

/** How long to keep polling for feedback after a result is done. */
const FEEDBACK_GRACE_MS = 20_000;

/**
 * Creates the API client.
 *
 * ### Examples
 * ```ts
 * const client = createEdgeLabClient({ server: 'https://grader.example.edu', token });
 * const { id } = await client.submit({ assignmentId: 'python_two_sum', language: 'python', code });
 * client.watchResult(id, { onResult: (r) => console.log(r.status, r.score) });
 * ```
 */
export function createEdgeLabClient(options: EdgeLabClientOptions = {}): EdgeLabClient {
  const server = normaliseServer(options.server);
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const canUseEventSource = options.useEventSource ?? true;
  const authHeaders: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const url = `${server}${path}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) {
        throw new EdgeLabApiError({ code: 'ABORTED', message: `${method} ${url} was aborted`, status: 0, cause: error });
      }
      throw new EdgeLabApiError({
        code: 'NETWORK_ERROR',
        message: `Cannot reach the grading server at ${server || globalThis.location?.origin || 'this site'}. Check your connection and try again.`,
        status: 0,
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) throw errorFromResponse(response, json, `${method} ${path}`);
    if (json === undefined) {
      throw new EdgeLabApiError({
        code: 'BAD_RESPONSE',
        message: `${method} ${path}: the server answered ${response.status} without JSON; is ${server || 'this site'} an EdgeLab server?`,
        status: response.status,
      });
    }
    return json as T;
  }

  let runCount = 0;
  const client: EdgeLabClient = {
    server,
    async listAssignments(signal) {
      const json = await request<unknown>('GET', '/assignments', undefined, signal);
      const list = Array.isArray(json) ? json : (json as { assignments?: unknown[] } | undefined)?.assignments;
      if (!Array.isArray(list)) throw badShape('GET /assignments', 'an array of assignments');
      return list.map((item) => normaliseSummary(item as RawAssignment));
    },
    async getAssignment(id, signal) {
      const json = await request<unknown>('GET', `/assignments/${encodeURIComponent(id)}`, undefined, signal);
      const raw = (json as { assignment?: RawAssignment }).assignment ?? (json as RawAssignment);
      if (typeof raw?.id !== 'string' || typeof raw.statement !== 'string') {
        throw badShape(`GET /assignments/${id}`, 'an assignment with id and statement');
      }
      return normaliseAssignment(raw);
    },
    async submit(body, signal) {
      return request<SubmissionAccepted>('POST', '/submit', body, signal);
    },
    async run(body, signal) {
      const json = await request<Partial<ResultView>>('POST', '/run', body, signal);
      if (!Array.isArray(json.tests)) return json as SubmissionAccepted;
      runCount += 1;
      return normaliseResult({ ...json, id: json.id ?? `run-${runCount}`, status: json.status ?? 'done', tests: json.tests } as ResultView);
    },
    async getResult(id, signal) {
      const json = await request<ResultView>('GET', `/results/${encodeURIComponent(id)}`, undefined, signal);
      return normaliseResult(json);
    },
    watchResult(id, handlers) {
      return watch(client, id, handlers, { canUseEventSource, pollIntervalMs, server, headers: authHeaders, fetch: doFetch });
    },
  };
  return client;
}

interface WatchConfig {
  canUseEventSource: boolean;
  headers: Record<string, string>;
  fetch: typeof fetch;
  pollIntervalMs: number;
  server: string;
}

function watch(client: EdgeLabClient, id: string, handlers: WatchResultHandlers, config: WatchConfig): ResultWatch {
  let closed = false;
  let source: EventStream | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: ResultView | undefined;
  let doneAt: number | undefined;
  let feedbackSeen = false;
  const abort = new AbortController();

  const close = () => {
    closed = true;
    source?.close();
    source = undefined;
    if (timer !== undefined) clearTimeout(timer);
    abort.abort();
  };

  const deliver = (result: ResultView) => {
    latest = result;
    handlers.onResult?.(result);
    if (result.feedback && !feedbackSeen) {
      feedbackSeen = true;
      handlers.onFeedback?.(result.feedback);
    }
    if (isTerminal(result.status) && doneAt === undefined) doneAt = Date.now();
    // A result that failed or already carries feedback will not change again.
    if (result.status === 'error' || (result.status === 'done' && feedbackSeen)) close();
  };

  const poll = async () => {
    if (closed) return;
    try {
      deliver(await client.getResult(id, abort.signal));
    } catch (error) {
      if (closed) return;
      const apiError = toApiError(error);
      // Unknown submission or refused access will not get better by retrying.
      if (apiError.status === 404 || apiError.status === 401 || apiError.status === 403) {
        close();
        handlers.onError?.(apiError);
        return;
      }
      if (apiError.code !== 'RATE_LIMITED' && apiError.code !== 'NETWORK_ERROR') {
        close();
        handlers.onError?.(apiError);
        return;
      }
    }
    if (closed) return;
    if (doneAt !== undefined && Date.now() - doneAt > FEEDBACK_GRACE_MS) {
      close();
      return;
    }
    timer = setTimeout(() => void poll(), config.pollIntervalMs);
  };

  const startPolling = () => {
    if (closed) return;
    handlers.onTransport?.('polling');
    void poll();
  };

  const onTestEvent = (test: PublicTestResultView) => {
    handlers.onTest?.(test);
    if (!latest) return;
    const tests = latest.tests.filter((t) => t.index !== test.index);
    tests.push(test);
    tests.sort((a, b) => a.index - b.index);
    latest = { ...latest, status: latest.status === 'pending' ? 'running' : latest.status, tests };
    handlers.onResult?.(latest);
  };

  const onFeedbackEvent = (feedback: Feedback) => {
    if (feedbackSeen) return;
    feedbackSeen = true;
    if (latest) latest = { ...latest, feedback };
    handlers.onFeedback?.(feedback);
    if (latest) handlers.onResult?.(latest);
    if (latest && isTerminal(latest.status)) close();
  };

  const startEvents = () => {
    const url = `${config.server}/results/${encodeURIComponent(id)}/events`;
    let stream: EventStream;
    try {
      stream = openEventStream(
        url,
        ['test', 'result', 'feedback'],
        {
          onOpen: () => handlers.onTransport?.('events'),
          onEvent: (type, data) => {
            const value = parseJson(data);
            if (value === undefined || closed) return;
            if (type === 'test') onTestEvent(value as PublicTestResultView);
            else if (type === 'result') {
              const result = value as ResultView;
              deliver(normaliseResult({ ...result, id: result.id ?? id }));
            } else if (type === 'feedback') onFeedbackEvent(value as Feedback);
          },
          // The stream ended or never worked: polling picks up whatever is missing (final result, feedback).
          onError: () => startPolling(),
        },
        config.headers,
        config.fetch,
      );
    } catch {
      startPolling();
      return;
    }
    source = stream;
  };

  void (async () => {
    try {
      deliver(await client.getResult(id, abort.signal));
    } catch (error) {
      if (closed) return;
      const apiError = toApiError(error);
      if (apiError.code !== 'NETWORK_ERROR' && apiError.code !== 'RATE_LIMITED') {
        close();
        handlers.onError?.(apiError);
        return;
      }
    }
    if (closed) return;
    if (config.canUseEventSource) startEvents();
    else startPolling();
  })();

  return { close };
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(error: unknown): EdgeLabApiError {
  if (error instanceof EdgeLabApiError) return error;
  return new EdgeLabApiError({ code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), status: 0, cause: error });
}

function badShape(where: string, expected: string): EdgeLabApiError {
  return new EdgeLabApiError({ code: 'BAD_RESPONSE', message: `${where}: expected ${expected}; is this an EdgeLab server of a matching version?`, status: 200 });
}

/** Reads `Retry-After` (seconds or an HTTP date) as whole seconds, at least 1. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.ceil((date - now) / 1000));
}

function errorFromResponse(response: Response, json: unknown, where: string): EdgeLabApiError {
  const body = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const code =
    typeof body?.code === 'string'
      ? (body.code as ApiErrorCode)
      : response.status === 429
        ? 'RATE_LIMITED'
        : response.status === 401
          ? 'UNAUTHORIZED'
          : response.status === 403
            ? 'FORBIDDEN'
            : response.status === 404
              ? 'ASSIGNMENT_NOT_FOUND'
              : 'BAD_RESPONSE';
  const message =
    typeof body?.message === 'string' ? body.message : `${where}: the server answered ${response.status} ${response.statusText}`.trim();
  return new EdgeLabApiError({
    code: response.status === 429 ? 'RATE_LIMITED' : code,
    message,
    status: response.status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(Array.isArray(body?.details) ? { details: body.details.map(String) } : {}),
  });
}

function normaliseServer(server: string | undefined): string {
  if (server === undefined || server === '') return '';
  return server.replace(/\/+$/, '');
}

interface RawAssignment {
  id: string;
  title?: string;
  statement?: string;
  tags?: string[];
  difficulty?: 'easy' | 'medium' | 'hard';
  languages?: unknown;
  limits?: AssignmentView['limits'];
  tests?: Array<Partial<PublicTestView>>;
}

/** Languages arrive as an id list, a list of entries, or a record keyed by id; the elements want entries. */
function normaliseLanguages(languages: unknown): PublicLanguageView[] {
  if (Array.isArray(languages)) {
    return languages.map((entry) =>
      typeof entry === 'string'
        ? { id: entry as LanguageId, starter: '' }
        : { starter: '', ...(entry as Partial<PublicLanguageView>), id: (entry as { id: LanguageId }).id },
    );
  }
  if (languages !== null && typeof languages === 'object') {
    return Object.entries(languages as Record<string, Partial<PublicLanguageView> | undefined>).map(([id, entry]) => ({
      starter: '',
      ...(entry ?? {}),
      id: id as LanguageId,
    }));
  }
  return [];
}

function normaliseSummary(raw: RawAssignment): AssignmentSummary {
  return {
    id: raw.id,
    title: raw.title ?? raw.id,
    tags: raw.tags ?? [],
    ...(raw.difficulty ? { difficulty: raw.difficulty } : {}),
    languages: normaliseLanguages(raw.languages).map((l) => l.id),
  };
}

function normaliseAssignment(raw: RawAssignment): AssignmentView {
  return {
    id: raw.id,
    title: raw.title ?? raw.id,
    statement: raw.statement ?? '',
    tags: raw.tags ?? [],
    ...(raw.difficulty ? { difficulty: raw.difficulty } : {}),
    languages: normaliseLanguages(raw.languages),
    ...(raw.limits ? { limits: raw.limits } : {}),
    tests: (raw.tests ?? []).map((t, i) => ({
      ...t,
      index: t.index ?? i,
      name: t.name ?? `Test ${i + 1}`,
      visibility: t.visibility ?? 'public',
      points: t.points ?? 1,
    })),
  };
}

function normaliseResult(raw: ResultView): ResultView {
  const tests = (raw.tests ?? []).map((t, i) => ({ ...t, index: t.index ?? i }));
  tests.sort((a, b) => a.index - b.index);
  return { ...raw, tests };
}
