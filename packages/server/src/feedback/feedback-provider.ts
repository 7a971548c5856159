import {
  toPublicAssignment,
  toPublicResult,
  type Assignment,
  type Feedback,
  type GradeResult,
  type Source,
  type Submission,
} from '@edgelab/core';
import { buildFeedbackInput } from './build-feedback-input.js';
import {
  createFeedbackGenerator,
  type FeedbackGenerator,
  type FeedbackGeneratorOptions,
  type FeedbackOutcome,
} from './feedback-generator.js';

/** A finished grading, as the worker has it (full data: it is reduced to public views before any use). */
export interface FeedbackForResultRequest {
  readonly assignment: Assignment;
  readonly submission: Submission;
  readonly result: GradeResult;
  readonly signal?: AbortSignal;
}

function sourceText(source: Source | undefined): string | undefined {
  if (source === undefined) return undefined;
  return typeof source === 'string' ? source : Object.values(source).join('\n');
}

/**
 * Feedback for a finished result. The full assignment and result go through core's `toPublicAssignment` and
 * `toPublicResult` before anything else reads them; the reference solution is handed to the leak guard only.
 * Honors the assignment's opt-out (`feedback.ai: false`). Never throws.
 */
export async function feedbackForResult(generator: FeedbackGenerator, request: FeedbackForResultRequest): Promise<FeedbackOutcome> {
  const { assignment, submission, result } = request;
  const input = buildFeedbackInput({
    assignment: toPublicAssignment(assignment),
    result: toPublicResult(result),
    code: submission.code,
  });
  return generator.generate(input, {
    aiEnabled: assignment.feedback?.ai !== false,
    referenceSolution: sourceText(assignment.languages[result.language]?.solution),
    signal: request.signal,
  });
}

/** Options of {@link createFeedbackProvider}: a generator, or options to create one. */
export interface FeedbackProviderOptions extends FeedbackGeneratorOptions {
  generator?: FeedbackGenerator;
}

/** What the grading worker calls after a result is stored (the server's `FeedbackProvider` port). */
export interface FeedbackProvider {
  readonly generator: FeedbackGenerator;
  /** Feedback for a finished result: from the model, else from the rules. Never throws. */
  feedbackFor(request: FeedbackForResultRequest): Promise<Feedback>;
}

/**
 * Creates the provider the worker pool uses.
 *
 * ### Examples
 * ```ts
 * const feedback = createFeedbackProvider({ ...feedbackOptionsFromEnv(), onOutcome: (o) => log.info(o, 'feedback') });
 * createWorkerPool({ store, judge, feedback });
 * ```
 */
export function createFeedbackProvider(options: FeedbackProviderOptions = {}): FeedbackProvider {
  const generator = options.generator ?? createFeedbackGenerator(options);
  return {
    generator,
    async feedbackFor(request) {
      return (await feedbackForResult(generator, request)).feedback;
    },
  };
}
