export { createApp, type AppOptions } from './create-app.js';
export { startServer, type StartServerOptions, type RunningServer } from './start-server.js';
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions, type StopOptions } from './worker-pool.js';
export {
  loadServerConfig,
  DEFAULT_CONFIG,
  AuthMode,
  type ServerConfig,
  type ServerConfigOverrides,
  type AuthConfig,
  type ApiKeyConfig,
  type ApiKeyRole,
  type RateLimitConfig,
} from './config.js';
export { HTTP_STATUS_BY_CODE, httpStatusOf, toErrorResponse, HttpError, type ErrorBody } from './http/http-status.js';
export { createRateLimiter, type RateLimiter, type RateLimiterOptions, type RateLimitDecision } from './http/rate-limiter.js';
export { createAuthenticator, canReadSubmission, submitterIdOf, ON_BEHALF_HEADER, type Authenticator, type Principal } from './http/authenticator.js';
export { buildOpenApiDocument } from './http/openapi.js';
export * from './http/api-schemas.js';
export { createGradingEvents, type GradingEvents } from './grading-events.js';
export type { GradingJudge, SandboxProbe, FeedbackProvider, FeedbackRequest } from './grading-ports.js';
export { createServerMetrics, type ServerMetrics } from './metrics.js';
export { toResultResponse, GRADING_ERROR_MESSAGE, type ResultResponse } from './result-view.js';
export { defaultFeedbackProvider } from './default-feedback.js';
export { LANGUAGES, languageOfFile, type LanguageInfo } from './languages.js';
export { checkAssignments, formatCheckRows, type CheckRow, type CheckOptions } from './cli/check-command.js';
export {
  createFeedbackProvider,
  createFeedbackGenerator,
  feedbackOptionsFromEnv,
  feedbackForResult,
  buildFeedbackInput,
  ruleBasedFeedback,
  guardFeedbackText,
  DEFAULT_FEEDBACK_MODEL,
  FeedbackReason,
  type FeedbackInput,
  type FeedbackGenerator,
  type FeedbackGeneratorOptions,
  type FeedbackOutcome,
  type FeedbackProviderOptions,
} from './feedback/index.js';
