/**
 * AI feedback through Ollama that never sees hidden tests, with a deterministic rule-based fallback.
 * See docs/ai-feedback.md.
 */
export type { FeedbackInput, HiddenTestSummary, PublicTestOutcome, StudentFile } from './feedback-input.js';
export { FEEDBACK_INPUT_LIMITS } from './feedback-input.js';
export type { BuildFeedbackInputOptions } from './build-feedback-input.js';
export { buildFeedbackInput, MAIN_FILE_NAMES } from './build-feedback-input.js';
export { ruleBasedFeedback, firstDifference } from './rule-based-feedback.js';
export type { ErrorLocation } from './error-location.js';
export { parseCompileError, parseJavaStackTrace, parsePythonTraceback, parseRuntimeError } from './error-location.js';
export type { NestedLoop, Recursion } from './code-hints.js';
export { findNestedLoop, findRecursion } from './code-hints.js';
export type { FeedbackPrompt } from './feedback-prompt.js';
export { buildFeedbackPrompt, FEEDBACK_PROMPT_LIMITS } from './feedback-prompt.js';
export type { LeakGuardOptions, LeakGuardRemoval, LeakGuardResult } from './leak-guard.js';
export { CODE_REMOVED_NOTE, guardFeedbackText } from './leak-guard.js';
export type { CircuitBreaker, CircuitBreakerOptions } from './circuit-breaker.js';
export { CircuitState, createCircuitBreaker } from './circuit-breaker.js';
export type { ConcurrencyLimiter, ConcurrencyLimiterOptions } from './concurrency-limiter.js';
export { createConcurrencyLimiter, QueueFullError } from './concurrency-limiter.js';
export type {
  FeedbackGenerator,
  FeedbackGeneratorOptions,
  FeedbackModelCheck,
  FeedbackOutcome,
  FeedbackRequestOptions,
} from './feedback-generator.js';
export { createFeedbackGenerator, DEFAULT_FEEDBACK_MODEL, FeedbackReason, feedbackOptionsFromEnv } from './feedback-generator.js';
export type { FeedbackForResultRequest, FeedbackProvider, FeedbackProviderOptions } from './feedback-provider.js';
export { createFeedbackProvider, feedbackForResult } from './feedback-provider.js';
