/**
 * The subset of a dockerode `Docker` client that EdgeLab needs, so dockerode is not a hard dependency of the
 * interface: any object with these methods (a dockerode instance, a client for a remote host) will do.
 */
export interface DockerClient {
  ping(): Promise<unknown>;
  createContainer(options: DockerContainerCreateOptions): Promise<DockerContainer>;
  getContainer(id: string): DockerContainer;
  getImage(name: string): { inspect(): Promise<DockerImageInspect>; remove(options?: { force?: boolean }): Promise<unknown> };
  listContainers(options: { all?: boolean; filters?: string | Record<string, string[]> }): Promise<DockerContainerSummary[]>;
  /** `POST /images/create?fromSrc=-`: imports a root file system tarball as an image. */
  importImage(file: NodeJS.ReadableStream, options?: Record<string, unknown>): Promise<NodeJS.ReadableStream>;
  modem: {
    /** Splits a hijacked attach stream (non-TTY) into stdout and stderr. */
    demuxStream(stream: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void;
    followProgress(stream: NodeJS.ReadableStream, onFinished: (error: Error | null, output: unknown[]) => void): void;
  };
}

/** The subset of a dockerode `Container` EdgeLab uses. */
export interface DockerContainer {
  readonly id: string;
  start(): Promise<unknown>;
  attach(options: { stream: boolean; hijack: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<NodeJS.ReadWriteStream>;
  inspect(): Promise<DockerContainerInspect>;
  kill(options?: { signal?: string }): Promise<unknown>;
  remove(options?: { force?: boolean; v?: boolean }): Promise<unknown>;
}

/** Container creation options, in the Docker Engine API's shape (the fields EdgeLab sets). */
export interface DockerContainerCreateOptions {
  name?: string;
  Image: string;
  Cmd: string[];
  Entrypoint?: string[] | string;
  User?: string;
  WorkingDir?: string;
  Env?: string[];
  Labels?: Record<string, string>;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  NetworkDisabled?: boolean;
  HostConfig: DockerHostConfig;
}

/** The `HostConfig` fields EdgeLab sets: every limit and isolation option of a sandbox container. */
export interface DockerHostConfig {
  NetworkMode?: string;
  ReadonlyRootfs?: boolean;
  ShmSize?: number;
  Tmpfs?: Record<string, string>;
  CapDrop?: string[];
  CapAdd?: string[];
  SecurityOpt?: string[];
  PidsLimit?: number;
  Memory?: number;
  MemorySwap?: number;
  MemorySwappiness?: number;
  NanoCpus?: number;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  AutoRemove?: boolean;
  Binds?: string[];
  Init?: boolean;
  IpcMode?: string;
  OomKillDisable?: boolean;
  LogConfig?: { Type: string; Config: Record<string, string> };
}

/** What EdgeLab reads from `docker inspect <container>`. */
export interface DockerContainerInspect {
  Id: string;
  Config?: { Labels?: Record<string, string> | null; User?: string };
  HostConfig?: DockerHostConfig & Record<string, unknown>;
  State?: { Running?: boolean; Status?: string; ExitCode?: number; OOMKilled?: boolean };
}

/** What EdgeLab reads from `docker image inspect`. */
export interface DockerImageInspect {
  Id: string;
  Config?: { Labels?: Record<string, string> | null } | null;
}

/** One row of `docker ps -a`. */
export interface DockerContainerSummary {
  Id: string;
  Labels: Record<string, string>;
  /** Unix seconds. */
  Created: number;
  State: string;
}

/** Where to reach the Docker engine. Default: `DOCKER_HOST`, else the local socket. */
export interface DockerConnectionOptions {
  /** An explicit client (tests, custom transports). Takes precedence over everything else. */
  docker?: DockerClient;
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`; default `DOCKER_HOST`. */
  dockerHost?: string;
}

/** A human-readable name of the engine endpoint in use, for error messages. */
export function describeDockerEndpoint(options: DockerConnectionOptions = {}): string {
  if (options.docker && !options.dockerHost) return 'the given Docker client';
  const host = options.dockerHost ?? process.env.DOCKER_HOST;
  return host ? `DOCKER_HOST=${host}` : 'unix:///var/run/docker.sock';
}

/**
 * Makes a dockerode client for the local socket or a remote engine (`tcp://`, `ssh://`), loading dockerode lazily
 * so that code that never touches Docker does not need it. Without `dockerHost`, docker-modem reads `DOCKER_HOST`,
 * `DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` exactly as the docker CLI does.
 */
export async function createDockerClient(options: DockerConnectionOptions = {}): Promise<DockerClient> {
  if (options.docker) return options.docker;
  const { default: Docker } = await import('dockerode');
  const host = options.dockerHost;
  if (!host) return new Docker() as unknown as DockerClient;
  const url = new URL(host.includes('//') ? host : `tcp://${host}`);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname }) as unknown as DockerClient;
  const ssh = url.protocol === 'ssh:';
  return new Docker({
    protocol: ssh ? 'ssh' : url.port === '2376' ? 'https' : 'http',
    host: url.hostname,
    port: url.port ? Number(url.port) : ssh ? 22 : 2375,
    ...(url.username ? { username: url.username } : {}),
    ...(ssh && process.env.SSH_AUTH_SOCK ? { sshOptions: { agent: process.env.SSH_AUTH_SOCK } } : {}),
  }) as unknown as DockerClient;
}
