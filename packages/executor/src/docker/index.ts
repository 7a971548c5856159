export { createDockerSandbox, DockerSandbox, type DockerSandboxOptions } from './docker-sandbox.js';
export { reapStaleContainers, type ReapStaleContainersOptions, type ReapResult } from './reap-stale-containers.js';
export {
  SANDBOX_LABELS,
  SCRATCH_DIR,
  sandboxContainerOptions,
  type SandboxContainerConfig,
} from './container-options.js';
export {
  createDockerClient,
  describeDockerEndpoint,
  type DockerClient,
  type DockerConnectionOptions,
  type DockerContainer,
  type DockerContainerCreateOptions,
  type DockerHostConfig,
} from './docker-client.js';
