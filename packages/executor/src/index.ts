export * from './sandbox.js';
export { RunnerClient, type RunnerClientOptions } from './runner/runner-client.js';
export { runnerSource, runnerCommand, runnerAsset, runnerAssetPath, type RunnerAsset } from './runner/runner-source.js';
export {
  RUNNER_PROTOCOL_VERSION,
  DEFAULT_PIDS,
  defaultWallMs,
  encodeRun,
  decodeResult,
  type RunMessage,
  type ResultMessage,
  type InitMessage,
  type RunnerMessage,
} from './runner/runner-protocol.js';
export type { LanguageDefinition, LanguageStep } from './languages/language-definition.js';
export { LANGUAGES, findLanguage, type LanguageRegistry } from './languages/language-registry.js';
export { python } from './languages/python.js';
export { java } from './languages/java.js';
export { sql } from './languages/sql.js';
export * from './images/index.js';
export {
  BwrapSandbox,
  createBwrapSandbox,
  probeBwrap,
  rootfsHasRunnerStdlib,
  DEFAULT_ROOTFS_DIR,
  DEFAULT_SCRATCH_MB,
  SANDBOX_UID,
  type BwrapSandboxOptions,
} from './bwrap/bwrap-sandbox.js';
export { SessionCgroup, detectCgroupMode, type CgroupMode, type SessionCgroupLimits } from './bwrap/session-cgroup.js';
export { createSandbox, type CreateSandboxOptions } from './create-sandbox.js';
export * from './docker/index.js';
export { createJudge, type Judge, type JudgeOptions, type GradeOptions } from './judge/judge.js';
export {
  validateSubmission,
  MAX_SUBMISSION_BYTES,
  type SubmissionInput,
  type SubmittedCode,
  type ValidSubmission,
} from './judge/validate-submission.js';
export { runVerdict, errorSummary, type VerdictWithReason } from './judge/run-verdict.js';
export { createFakeSandbox, type FakeSandbox, type FakeSandboxOptions, type FakeRunContext } from './fake-sandbox.js';
export { seccompFilter, DENIED_SYSCALLS_X86_64 } from './bwrap/seccomp-filter.js';
