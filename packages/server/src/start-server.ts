import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgeLabError, isEdgeLabError } from '@edgelab/core';
import { createJudge, createSandbox } from '@edgelab/executor';
import type { Sandbox } from '@edgelab/executor';
import { createStore } from '@edgelab/store';
import type { Store } from '@edgelab/store';
import type Koa from 'koa';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApp } from './create-app.js';
import type { AppOptions } from './create-app.js';
import type { ServerConfig } from './config.js';
import { createGradingEvents } from './grading-events.js';
import type { FeedbackProvider, GradingJudge } from './grading-ports.js';
import { createServerMetrics } from './metrics.js';
import { createWorkerPool } from './worker-pool.js';
import type { WorkerPool } from './worker-pool.js';

/** Options for {@link startServer}. Everything not given is built from `config`. */
export interface StartServerOptions {
  config: ServerConfig;
  logger?: Logger;
  store?: Store;
  sandbox?: Sandbox;
  judge?: GradingJudge;
  feedback?: FeedbackProvider;
  /** Load `config.assignmentsDir` at start-up. Default true. */
  loadAssignments?: boolean;
  /** Passed through to {@link createApp} (SSE timings, UI folder). */
  app?: Pick<AppOptions, 'eventPollMs' | 'feedbackWaitMs' | 'uiDir' | 'runConcurrency'>;
  /** Worker idle poll interval in ms. */
  workerPollMs?: number;
}

/** A listening server with its workers. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  app: Koa;
  http: Server;
  store: Store;
  pool: WorkerPool;
  /** Problems of invalid assignment files (the valid ones are served). */
  assignmentErrors: readonly string[];
  /** Stops accepting requests, stops the workers (finishing or releasing their work), closes sandbox and store. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Opens the store, loads the assignments folder, creates the sandbox and judge, listens, and starts
 * `config.workers` in-process workers. What `edgelab serve` runs; also handy in tests and for embedding.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await createStore({ url: config.databaseUrl }));
  let assignmentErrors: string[] = [];
  let sandbox: Sandbox | undefined;
  try {
    if (options.loadAssignments !== false) {
      const outcome = await store.assignments.loadDirectory(config.assignmentsDir);
      assignmentErrors = outcome.errors;
      for (const line of outcome.errors) logger.error({ problem: line }, 'invalid assignment file skipped');
      logger.info({ loaded: outcome.loaded.length, unchanged: outcome.unchanged.length, dir: config.assignmentsDir }, 'assignments loaded');
    }
    if (options.sandbox !== undefined || options.judge === undefined) {
      try {
        sandbox = options.sandbox ?? (await createSandbox({ backend: config.sandbox }));
      } catch (error) {
        // An API-only process (workers elsewhere) can serve without a sandbox; only /run needs one there.
        const sandboxFault = isEdgeLabError(error) && error.code.startsWith('SANDBOX_');
        if (config.workers > 0 || !sandboxFault) throw error;
        logger.warn({ err: error }, 'no sandbox: API only, POST /run answers 503');
      }
    }
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
  const ownsSandbox = options.sandbox === undefined && sandbox !== undefined;
  const judge: GradingJudge | undefined = options.judge ?? (sandbox === undefined ? undefined : createJudge({ sandbox }));
  const workerJudge: GradingJudge = judge ?? {
    grade: () => Promise.reject(new EdgeLabError({ code: 'SANDBOX_UNAVAILABLE', message: 'this process has no sandbox' })),
  };
  const events = createGradingEvents();
  const metrics = createServerMetrics();
  const pool = createWorkerPool({
    store,
    judge: workerJudge,
    concurrency: config.workers,
    leaseMs: config.leaseMs,
    events,
    metrics,
    logger,
    ...(options.feedback === undefined ? {} : { feedback: options.feedback }),
    ...(options.workerPollMs === undefined ? {} : { pollMs: options.workerPollMs }),
  });
  const app = createApp({
    store,
    config,
    ...(judge === undefined ? {} : { judge }),
    events,
    metrics,
    logger,
    workersBusy: () => pool.busy(),
    ...(sandbox === undefined ? {} : { sandbox }),
    // Without a feedback provider no `feedback` event will come: end streams right after `result`.
    ...(options.feedback === undefined ? { feedbackWaitMs: 0 } : {}),
    ...options.app,
  });
  const http = app.listen({ port: config.port, host: config.host });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('listening', resolve);
      http.once('error', reject);
    });
  } catch (cause) {
    if (ownsSandbox) await sandbox?.close();
    if (ownsStore) await store.close();
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'needs privileges' : `failed (${code ?? 'error'})`;
    throw new EdgeLabError({
      code: 'CONFIG_INVALID',
      message: `listening on ${config.host}:${config.port} ${why}; pick another --port / EDGELAB_PORT or --host`,
      cause,
    });
  }
  // Long SSE streams set their own socket timeout; keep-alive sockets of idle clients should not pin shutdown.
  http.keepAliveTimeout = 5000;
  await pool.start();
  const { port } = http.address() as AddressInfo;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    app,
    http,
    store,
    pool,
    assignmentErrors,
    close(closeOptions = {}) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        await pool.stop(closeOptions.graceMs === undefined ? {} : { graceMs: closeOptions.graceMs });
        http.closeAllConnections();
        await closed;
        if (ownsSandbox) await sandbox?.close();
        if (ownsStore) await store.close();
      })();
      return closing;
    },
  };
}
