import type { Logger } from 'pino';
import { createFeedbackProvider, feedbackOptionsFromEnv } from './feedback/index.js';
import type { FeedbackProvider } from './grading-ports.js';

/**
 * The feedback the workers attach after each result: the feedback module's provider (Ollama when `OLLAMA_HOST` is
 * set, else rule-based), which sees only core's public views plus the student's own code.
 * `EDGELAB_FEEDBACK=off` turns feedback off entirely.
 */
export function defaultFeedbackProvider(env: NodeJS.ProcessEnv, logger?: Logger): FeedbackProvider | undefined {
  if (env.EDGELAB_FEEDBACK === 'off') return undefined;
  return createFeedbackProvider({
    ...feedbackOptionsFromEnv(env),
    onOutcome: (outcome) => logger?.info({ reason: outcome.reason, ms: Math.round(outcome.durationMs), detail: outcome.detail }, 'feedback'),
  });
}
