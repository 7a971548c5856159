import { EdgeLabError, type Feedback } from '@edgelab/core';
import { Ollama } from 'ollama';
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { createConcurrencyLimiter, QueueFullError } from './concurrency-limiter.js';
import type { FeedbackInput } from './feedback-input.js';
import { buildFeedbackPrompt } from './feedback-prompt.js';
import { guardFeedbackText } from './leak-guard.js';
import { ruleBasedFeedback } from './rule-based-feedback.js';

/** Why feedback came from where it did: `ai`, or the reason the rule-based fallback was used. */
export const FeedbackReason = {
  /** The model answered and the answer passed the guard. */
  ai: 'ai',
  /** No `OLLAMA_HOST`: AI feedback is off. */
  disabled: 'disabled',
  /** The assignment opted out (`feedback.ai: false`). */
  opted_out: 'opted_out',
  /** Too many recent failures: the model is skipped during the cool-down. */
  circuit_open: 'circuit_open',
  /** Too many feedback requests already waiting for the model. */
  queue_full: 'queue_full',
  /** No answer within the time limit (waiting included). */
  timeout: 'timeout',
  /** Connection refused, DNS or network failure. */
  unreachable: 'unreachable',
  /** The server answered with an HTTP error (5xx, or 404 when the model is not pulled). */
  http_error: 'http_error',
  /** The answer was not the JSON the API promises. */
  malformed: 'malformed',
  /** The model's text was empty or nothing useful was left. */
  empty: 'empty',
  /** The answer was larger than `maxResponseChars`. */
  huge: 'huge',
  /** The answer reproduced the solution; the guard rejected it. */
  leak: 'leak',
  /** The caller's signal aborted the request. */
  aborted: 'aborted',
} as const;
/** One of {@link FeedbackReason}. */
export type FeedbackReason = (typeof FeedbackReason)[keyof typeof FeedbackReason];

/** Feedback plus why it came from where it did, for logs and metrics. */
export interface FeedbackOutcome {
  readonly feedback: Feedback;
  readonly reason: FeedbackReason;
  readonly durationMs: number;
  /** A short technical detail of a failure (status, error message); never shown to students. */
  readonly detail?: string;
}

/** Options of {@link createFeedbackGenerator}. */
export interface FeedbackGeneratorOptions {
  /** Ollama's address, e.g. `http://127.0.0.1:11434`. Undefined or empty: AI off, rule-based feedback only. */
  host?: string;
  /** Model name; default `phi3`. */
  model?: string;
  /** Deadline per feedback, waiting for a slot included, in ms; default 20 000. */
  timeoutMs?: number;
  /** Model calls at once; default 1. */
  concurrency?: number;
  /** Feedback requests allowed to wait for a slot; default 32. */
  maxQueue?: number;
  /** Consecutive failures that open the circuit breaker; default 3. */
  failureThreshold?: number;
  /** How long the model is skipped once the breaker opens, in ms; default 60 000. */
  cooldownMs?: number;
  /** Longest feedback text kept (cut at a sentence); default 1200. */
  maxFeedbackChars?: number;
  /** Answers larger than this (characters of text, or 4× in bytes on the wire) are rejected as huge; default 16 000. */
  maxResponseChars?: number;
  /** Stream the answer (stops reading as soon as it is too large); default true. */
  stream?: boolean;
  /** Max tokens the model may generate (Ollama `num_predict`); default 400. */
  maxTokens?: number;
  /** Context window asked of the model (Ollama `num_ctx`); default 4096, which the prompt budget fits. */
  contextTokens?: number;
  /** Sampling temperature; default 0.2. */
  temperature?: number;
  /** Called once per feedback with the outcome (logging, metrics). */
  onOutcome?: (outcome: FeedbackOutcome) => void;
  /** Clock for the circuit breaker, for tests; default `Date.now`. */
  now?: () => number;
  /** fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

/** Per-request options of {@link FeedbackGenerator.generate}. */
export interface FeedbackRequestOptions {
  /** False when the assignment opted out of AI feedback; rule-based feedback is returned. Default true. */
  aiEnabled?: boolean;
  /** Reference solution, for the leak guard ONLY (never sent to the model). */
  referenceSolution?: string;
  signal?: AbortSignal;
}

/** Whether the configured model can be used. */
export interface FeedbackModelCheck {
  readonly ok: boolean;
  readonly message: string;
}

/** Produces feedback for a graded submission: from the model when possible, else from the rules. */
export interface FeedbackGenerator {
  /** True when a host is configured. */
  readonly enabled: boolean;
  readonly model: string;
  /** Never throws and never takes longer than `timeoutMs` (plus rule-based time, negligible). */
  generate(input: FeedbackInput, options?: FeedbackRequestOptions): Promise<FeedbackOutcome>;
  /** Asks the server whether the model is pulled (`GET /api/tags`). */
  checkModel(): Promise<FeedbackModelCheck>;
  readonly circuitState: CircuitState;
}

class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

function errorChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let i = 0; i < 4 && e !== undefined && e !== null; i++) {
    if (e instanceof Error) {
      parts.push(`${e.name}: ${e.message}${'code' in e && typeof e.code === 'string' ? ` (${e.code})` : ''}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(' <- ');
}

function findInChain(error: unknown, test: (e: Error) => boolean): boolean {
  let e: unknown = error;
  for (let i = 0; i < 6 && e instanceof Error; i++) {
    if (test(e)) return true;
    e = e.cause;
  }
  return false;
}

/** An HTTP error answer, read (bounded) before the client sees it, so nothing is logged to the console. */
class ModelHttpError extends Error {
  override readonly name = 'ResponseError';
  constructor(readonly status: number, body: string) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/**
 * A fetch that obeys `signal` even where the client passes none, errors out past `maxBytes` of body, turns HTTP
 * errors into {@link ModelHttpError}, and (for streams) rejects a line that is not JSON instead of letting the client
 * skip it with a console warning.
 */
function boundedFetch(base: typeof fetch, signal: AbortSignal, maxBytes: number, onTooLarge: () => void): typeof fetch {
  return async (url, init) => {
    const signals = init?.signal ? [init.signal, signal] : [signal];
    const response = await base(url, { ...init, signal: AbortSignal.any(signals) });
    if (response.body === null) return response;
    const streaming = typeof init?.body === 'string' && /"stream":true/.test(init.body);
    let seen = 0;
    let pending = '';
    const decoder = new TextDecoder();
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) {
            onTooLarge();
            controller.error(new ResponseTooLargeError(`answer larger than ${maxBytes} bytes`));
            return;
          }
          if (streaming && response.ok) {
            const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) {
              if (line.trim() === '') continue;
              try {
                JSON.parse(line);
              } catch {
                controller.error(new SyntaxError(`stream line is not JSON: ${line.slice(0, 100)}`));
                return;
              }
            }
          }
          controller.enqueue(chunk);
        },
        flush(controller) {
          const rest = pending + decoder.decode();
          if (!streaming || !response.ok || rest.trim() === '') return;
          try {
            JSON.parse(rest);
          } catch {
            controller.error(new SyntaxError(`stream line is not JSON: ${rest.slice(0, 100)}`));
          }
        },
      }),
    );
    if (!response.ok) throw new ModelHttpError(response.status, await new Response(limited).text());
    return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Default model: small, good at code, runs on a CPU. */
export const DEFAULT_FEEDBACK_MODEL = 'phi3';

/**
 * Creates the feedback generator. Rules are enforced in code after the model answers (leak guard, length cap),
 * never left to the model; any failure ends in {@link ruleBasedFeedback}.
 *
 * ### Examples
 * ```ts
 * const feedback = createFeedbackGenerator(feedbackOptionsFromEnv());
 * const { feedback: f } = await feedback.generate(buildFeedbackInput({ assignment: pubA, result: pubR, code }));
 * ```
 */
export function createFeedbackGenerator(options: FeedbackGeneratorOptions = {}): FeedbackGenerator {
  const host = options.host?.trim() || undefined;
  const model = options.model ?? DEFAULT_FEEDBACK_MODEL;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxResponseChars = options.maxResponseChars ?? 16_000;
  const stream = options.stream ?? true;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const limiter = createConcurrencyLimiter({ concurrency: options.concurrency ?? 1, maxQueue: options.maxQueue ?? 32 });
  const breaker = createCircuitBreaker({
    failureThreshold: options.failureThreshold,
    cooldownMs: options.cooldownMs,
    now: options.now,
  });

  async function askModel(input: FeedbackInput, signal: AbortSignal, tooLarge: { hit: boolean }): Promise<string> {
    const local = new AbortController();
    const combined = AbortSignal.any([signal, local.signal]);
    const client = new Ollama({
      host,
      fetch: boundedFetch(baseFetch, combined, maxResponseChars * 4 + 4096, () => {
        tooLarge.hit = true;
        local.abort(new ResponseTooLargeError('answer too large'));
      }),
    });
    const prompt = buildFeedbackPrompt(input);
    const request = {
      model,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
      options: {
        temperature: options.temperature ?? 0.2,
        num_predict: options.maxTokens ?? 400,
        num_ctx: options.contextTokens ?? 4096,
      },
    };
    try {
      if (!stream) {
        const response: unknown = await client.chat({ ...request, stream: false });
        const content = (response as { message?: { content?: unknown } } | null)?.message?.content;
        if (typeof content !== 'string') throw new SyntaxError('answer has no message.content string');
        return content;
      }
      let text = '';
      const parts = await client.chat({ ...request, stream: true });
      for await (const part of parts) {
        const content: unknown = part?.message?.content;
        if (typeof content !== 'string') throw new SyntaxError('stream chunk has no message.content string');
        text += content;
        if (text.length > maxResponseChars) {
          tooLarge.hit = true;
          parts.abort();
          local.abort(new ResponseTooLargeError('answer too large'));
          throw new ResponseTooLargeError(`answer longer than ${maxResponseChars} characters`);
        }
      }
      return text;
    } finally {
      local.abort();
    }
  }

  async function generate(input: FeedbackInput, request: FeedbackRequestOptions = {}): Promise<FeedbackOutcome> {
    const started = performance.now();
    const finish = (reason: FeedbackReason, feedback: Feedback, detail?: string): FeedbackOutcome => {
      const outcome: FeedbackOutcome = { feedback, reason, durationMs: performance.now() - started, detail };
      try {
        options.onOutcome?.(outcome);
      } catch {
        // A logging hook must not turn feedback into a failure.
      }
      return outcome;
    };
    const fallback = (reason: FeedbackReason, detail?: string) => finish(reason, ruleBasedFeedback(input), detail);

    if (host === undefined) return fallback('disabled');
    if (request.aiEnabled === false) return fallback('opted_out');
    if (breaker.state === 'open') return fallback('circuit_open');

    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal]);
    const tooLarge = { hit: false };
    let acquired = false;
    try {
      const raw = await limiter.run(async () => {
        if (!breaker.tryAcquire()) return undefined;
        acquired = true;
        return askModel(input, signal, tooLarge);
      }, signal);
      if (raw === undefined) return fallback('circuit_open');
      if (raw.length > maxResponseChars) {
        breaker.failure();
        return fallback('huge', `answer of ${raw.length} characters`);
      }
      if (raw.trim() === '') {
        breaker.failure();
        return fallback('empty', 'the model returned no text');
      }
      breaker.success();
      const studentCode = input.files.map((f) => f.content).join('\n');
      const guarded = guardFeedbackText(raw, {
        maxChars: options.maxFeedbackChars,
        referenceSolution: request.referenceSolution,
        studentCode,
      });
      if (!guarded.ok) return fallback(guarded.reason === 'solution' ? 'leak' : 'empty', `guard: ${guarded.reason}`);
      return finish('ai', { source: 'ai', text: guarded.text, model });
    } catch (error) {
      const detail = errorChain(error);
      let reason: FeedbackReason;
      if (error instanceof QueueFullError) reason = 'queue_full';
      else if (tooLarge.hit || findInChain(error, (e) => e instanceof ResponseTooLargeError)) reason = 'huge';
      else if (deadline.aborted) reason = 'timeout';
      else if (request.signal?.aborted) reason = 'aborted';
      else if (findInChain(error, (e) => e.name === 'ResponseError')) reason = 'http_error';
      else if (findInChain(error, (e) => e instanceof SyntaxError)) reason = 'malformed';
      else if (findInChain(error, (e) => e instanceof TypeError && /fetch failed/i.test(e.message))) reason = 'unreachable';
      else if (findInChain(error, (e) => 'code' in e && /^(ECONN|ENOTFOUND|EAI_|EHOSTUNREACH|ENETUNREACH|UND_ERR)/.test(String(e.code)))) reason = 'unreachable';
      else reason = 'malformed';
      if (acquired) {
        if (reason === 'aborted') breaker.release();
        else breaker.failure();
      }
      return fallback(reason, detail);
    }
  }

  return {
    enabled: host !== undefined,
    model,
    get circuitState() {
      return breaker.state;
    },
    generate,
    async checkModel() {
      if (host === undefined) return { ok: false, message: 'AI feedback is off: OLLAMA_HOST is not set (rule-based feedback only)' };
      try {
        const client = new Ollama({ host, fetch: boundedFetch(baseFetch, AbortSignal.timeout(timeoutMs), 4 << 20, () => {}) });
        const { models } = await client.list();
        const names = (models ?? []).map((m) => m.name);
        const found = names.some((n) => n === model || n === `${model}:latest` || n.split(':')[0] === model);
        return found
          ? { ok: true, message: `model ${model} is available at ${host}` }
          : { ok: false, message: `model ${model} is not pulled at ${host} (have: ${names.join(', ') || 'none'}); run: ollama pull ${model}` };
      } catch (error) {
        return { ok: false, message: `Ollama at ${host} is not reachable: ${errorChain(error)}` };
      }
    },
  };
}

function intFromEnv(env: Readonly<Record<string, string | undefined>>, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message: `environment variable ${name}=${JSON.stringify(raw)}: must be an integer >= ${min}; unset it to use the default`,
    });
  }
  return value;
}

/**
 * Reads the generator's options from the environment: `OLLAMA_HOST` (unset: AI off), `EDGELAB_FEEDBACK_MODEL`
 * (default `phi3`), `EDGELAB_FEEDBACK_TIMEOUT_MS` (20000), `EDGELAB_FEEDBACK_CONCURRENCY` (1). Throws
 * `CONFIG_INVALID` for a malformed value.
 */
export function feedbackOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): FeedbackGeneratorOptions {
  return {
    host: env.OLLAMA_HOST?.trim() || undefined,
    model: env.EDGELAB_FEEDBACK_MODEL?.trim() || DEFAULT_FEEDBACK_MODEL,
    timeoutMs: intFromEnv(env, 'EDGELAB_FEEDBACK_TIMEOUT_MS', 1),
    concurrency: intFromEnv(env, 'EDGELAB_FEEDBACK_CONCURRENCY', 1),
  };
}
