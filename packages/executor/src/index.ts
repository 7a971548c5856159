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
