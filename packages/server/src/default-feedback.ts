import { toPublicAssignment, toPublicResult } from '@edgelab/core';
import type { Logger } from 'pino';
import { buildFeedbackInput, createFeedbackGenerator, feedbackOptionsFromEnv } from './feedback/index.js';
import type { BuildFeedbackInputOptions } from './feedback/index.js';
import type { FeedbackProvider } from './grading-ports.js';

/**
 * The feedback the workers attach after each result: the feedback module's generator (Ollama when `OLLAMA_HOST` is
 * set, else rules) fed ONLY core's public views plus the student's own code. `EDGELAB_FEEDBACK=off` turns it off.
 */
export function defaultFeedbackProvider(env: NodeJS.ProcessEnv, logger?: Logger): FeedbackProvider | undefined {
  if (env.EDGELAB_FEEDBACK === 'off') return undefined;
  const generator = createFeedbackGenerator({
    ...feedbackOptionsFromEnv(env),
    onOutcome: (outcome) => logger?.info({ reason: outcome.reason, ms: Math.round(outcome.durationMs), detail: outcome.detail }, 'feedback'),
  });
  return {
    async feedbackFor({ assignment, submission, result }) {
      const input = buildFeedbackInput({
        assignment: toPublicAssignment(assignment) as unknown as BuildFeedbackInputOptions['assignment'],
        result: toPublicResult(result) as unknown as BuildFeedbackInputOptions['result'],
        code: submission.code,
      });
      const solution = assignment.languages[submission.language]?.solution;
      const outcome = await generator.generate(input, {
        aiEnabled: assignment.feedback?.ai !== false,
        ...(typeof solution === 'string' && solution !== '' ? { referenceSolution: solution } : {}),
      });
      return outcome.feedback;
    },
  };
}
