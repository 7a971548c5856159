import { EdgeLabError, type LanguageId } from '@edgelab/core';
import type { RunOutcome, RunRequest, Sandbox, SandboxSession, SessionSpec } from './sandbox.js';

/** What a fake run sees: the request and the session's spec. */
export interface FakeRunContext {
  request: RunRequest;
  spec: SessionSpec;
  /** 0-based number of this session among all sessions the fake opened. */
  sessionIndex: number;
}

/** Options for {@link createFakeSandbox}. */
export interface FakeSandboxOptions {
  /** Answers each run; return a partial outcome (defaults: exit 0, empty output, no limit hit). Throw to simulate a sandbox fault. */
  run: (context: FakeRunContext) => Partial<RunOutcome> | Promise<Partial<RunOutcome>>;
  /** Languages `ensureReady` accepts; default all. */
  languages?: readonly LanguageId[];
}

/** A sandbox that runs nothing: for tests of the layers above (judge, server). Records what it was asked. */
export interface FakeSandbox extends Sandbox {
  readonly sessions: SessionSpec[];
  readonly requests: RunRequest[];
  /** Sessions opened and not yet disposed. */
  readonly openSessions: number;
}

/**
 * Creates a {@link FakeSandbox}. Never runs code: it only answers through `options.run`. Use the real backends in
 * integration tests.
 */
export function createFakeSandbox(options: FakeSandboxOptions): FakeSandbox {
  const sessions: SessionSpec[] = [];
  const requests: RunRequest[] = [];
  let open = 0;
  return {
    backend: 'fake',
    sessions,
    requests,
    get openSessions() {
      return open;
    },
    async ensureReady(language) {
      if (options.languages !== undefined && !options.languages.includes(language)) {
        throw new EdgeLabError({ code: 'SANDBOX_IMAGE_MISSING', message: `fake sandbox: no runtime for ${language}` });
      }
    },
    async openSession(spec) {
      await this.ensureReady(spec.language);
      const sessionIndex = sessions.length;
      sessions.push(spec);
      open++;
      let disposed = false;
      const session: SandboxSession = {
        async run(request) {
          if (disposed) throw new EdgeLabError({ code: 'SANDBOX_FAILED', message: 'fake sandbox: run after dispose' });
          requests.push(request);
          const partial = await options.run({ request, spec, sessionIndex });
          return {
            stdout: '',
            stderr: '',
            exitCode: 0,
            signal: null,
            limitHit: null,
            truncated: false,
            ...partial,
            usage: { wallMs: 1, cpuMs: 1, memoryKb: 1024, ...partial.usage },
          };
        },
        async dispose() {
          if (disposed) return;
          disposed = true;
          open--;
        },
      };
      return session;
    },
    async close() {},
  };
}
