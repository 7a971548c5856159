import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received, body as sent on the wire. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
  /** The parsed body, when it was JSON. */
  readonly json: unknown;
}

/** How the fake answers a chat/generate request. `text` may be computed from the request (e.g. echo the prompt). */
export type FakeOllamaBehavior =
  | { kind: 'reply'; text: string | ((request: RecordedRequest) => string); delayMs?: number }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed' }
  | { kind: 'empty' }
  | { kind: 'huge'; chars: number }
  /** Never answers; the connection stays open until the client gives up. */
  | { kind: 'hang' };

/** A real HTTP server on 127.0.0.1 speaking the parts of Ollama's API that the `ollama` client uses. */
export interface FakeOllama {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request received, in order (chat, generate and tags). */
  readonly requests: RecordedRequest[];
  /** Chat/generate requests being answered right now, and the most ever at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Requests whose client disconnected before the answer was complete (timeouts, aborts). */
  readonly aborted: number;
  /** Models listed by `GET /api/tags`. */
  models: string[];
  /** Behavior for requests with nothing scripted. Default: a short helpful reply. */
  setDefault(behavior: FakeOllamaBehavior): void;
  /** Behaviors for the next requests, one each, before the default applies again. */
  script(...behaviors: FakeOllamaBehavior[]): void;
  /** Forgets recorded requests and counters and resets the behavior. */
  reset(): void;
  close(): Promise<void>;
}

/** The default reply: short, useful, no code. */
export const FAKE_DEFAULT_REPLY =
  'Look at line 2: the loop stops one element too early, so the last value is never added. Check the range bounds.';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function chunkOf(endpoint: 'chat' | 'generate', model: string, content: string, done: boolean): string {
  const base = { model, created_at: new Date().toISOString(), done, ...(done ? { done_reason: 'stop', total_duration: 1, eval_count: 1 } : {}) };
  const body = endpoint === 'chat' ? { ...base, message: { role: 'assistant', content } } : { ...base, response: content };
  return JSON.stringify(body);
}

/** Starts the fake on an ephemeral port. */
export async function startFakeOllama(): Promise<FakeOllama> {
  const requests: RecordedRequest[] = [];
  let queue: FakeOllamaBehavior[] = [];
  let fallback: FakeOllamaBehavior = { kind: 'reply', text: FAKE_DEFAULT_REPLY };
  let inFlight = 0;
  let maxInFlight = 0;
  let aborted = 0;
  const sockets = new Set<import('node:net').Socket>();

  const answer = async (endpoint: 'chat' | 'generate', record: RecordedRequest, res: ServerResponse) => {
    const behavior = queue.shift() ?? fallback;
    const body = (record.json ?? {}) as { model?: string; stream?: boolean };
    const model = body.model ?? 'unknown';
    const stream = body.stream === true;
    const write = (s: string) => new Promise<void>((resolve) => (res.write(s) ? resolve() : res.once('drain', resolve)));
    switch (behavior.kind) {
      case 'hang':
        await new Promise<void>((resolve) => res.once('close', resolve));
        return;
      case 'status':
        res.writeHead(behavior.status, { 'content-type': 'application/json' });
        res.end(behavior.body ?? JSON.stringify({ error: `fake error ${behavior.status}` }));
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': stream ? 'application/x-ndjson' : 'application/json' });
        res.end('{"model": "x", "message": {"content": "unterminated\n<html>502 Bad Gateway</html>\n');
        return;
      case 'empty':
      case 'reply': {
        if (behavior.kind === 'reply' && behavior.delayMs !== undefined) await sleep(behavior.delayMs);
        if (res.destroyed) return;
        const text = behavior.kind === 'empty' ? '' : typeof behavior.text === 'function' ? behavior.text(record) : behavior.text;
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(chunkOf(endpoint, model, text, true));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const step = Math.max(1, Math.ceil(text.length / 4));
        for (let i = 0; i < text.length; i += step) await write(`${chunkOf(endpoint, model, text.slice(i, i + step), false)}\n`);
        res.end(`${chunkOf(endpoint, model, '', true)}\n`);
        return;
      }
      case 'huge': {
        const piece = 'All work and no play makes Jack a dull boy. '.repeat(20);
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          const text = piece.repeat(Math.ceil(behavior.chars / piece.length)).slice(0, behavior.chars);
          res.end(chunkOf(endpoint, model, text, true));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for (let sent = 0; sent < behavior.chars && !res.destroyed; sent += piece.length) {
          await write(`${chunkOf(endpoint, model, piece, false)}\n`);
        }
        if (!res.destroyed) res.end(`${chunkOf(endpoint, model, '', true)}\n`);
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const record: RecordedRequest = { method: req.method ?? 'GET', path, body, json };
      requests.push(record);
      if (req.method === 'GET' && path === '/api/tags') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ models: fake.models.map((name) => ({ name, model: name, size: 1, digest: 'fake', details: {} })) }));
        return;
      }
      if (req.method === 'GET' && path === '/api/version') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ version: '0.0.0-fake' }));
        return;
      }
      const endpoint = req.method === 'POST' && path === '/api/chat' ? 'chat' : req.method === 'POST' && path === '/api/generate' ? 'generate' : undefined;
      if (endpoint === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `fake ollama: no route ${req.method} ${path}` }));
        return;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.once('close', () => {
        inFlight--;
        if (!res.writableFinished) aborted++;
      });
      await answer(endpoint, record, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeOllama = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get aborted() {
      return aborted;
    },
    models: ['phi3:latest'],
    setDefault(behavior) {
      fallback = behavior;
    },
    script(...behaviors) {
      queue.push(...behaviors);
    },
    reset() {
      requests.length = 0;
      queue = [];
      fallback = { kind: 'reply', text: FAKE_DEFAULT_REPLY };
      maxInFlight = inFlight;
      aborted = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
  return fake;
}

/** A port on 127.0.0.1 with nothing listening (bound, then released): connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
