import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { elementsBundle } from './browser.js';

/** A request the fixture server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Answers one request; `params` holds the regexp's groups. */
export type FixtureHandler = (req: IncomingMessage, res: ServerResponse, params: string[], body: string) => void | Promise<void>;

/**
 * A real HTTP server on loopback that serves the elements bundle, a test page and recorded EdgeLab API answers,
 * for component tests that must not depend on Docker. The end-to-end tests use the real server instead.
 */
export interface FixtureServer {
  url: string;
  requests: RecordedRequest[];
  /** Adds (or replaces) the handler for a method and path pattern. */
  route(method: string, path: RegExp, handler: FixtureHandler): void;
  /** The HTML body of `GET /`. */
  page: string;
  close(): Promise<void>;
}

/** Sends JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', ...headers });
  res.end(JSON.stringify(body));
}

/** Starts a server-sent events stream; returns a function that sends one event. */
export function startSse(res: ServerResponse): (event: string, data: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': stream open\n\n');
  return (event, data) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/** Starts a fixture server on 127.0.0.1 and a random port. */
export async function startFixtureServer(): Promise<FixtureServer> {
  const routes: Array<{ method: string; path: RegExp; handler: FixtureHandler }> = [];
  const script = await elementsBundle();
  const fixture: FixtureServer = {
    url: '',
    requests: [],
    page: '',
    route(method, path, handler) {
      const existing = routes.findIndex((r) => r.method === method && r.path.source === path.source);
      if (existing >= 0) routes.splice(existing, 1);
      routes.push({ method, path, handler });
    },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      fixture.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      if (req.method === 'GET' && path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>EdgeLab test page</title><script type="module" src="/edgelab.js"></script></head><body><main>${fixture.page}</main></body></html>`);
        return;
      }
      if (req.method === 'GET' && path === '/edgelab.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(script);
        return;
      }
      for (const route of routes) {
        const match = route.method === req.method ? route.path.exec(path) : null;
        if (match) {
          Promise.resolve(route.handler(req, res, match.slice(1), body)).catch((error: unknown) => {
            if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: String(error) } });
          });
          return;
        }
      }
      sendJson(res, 404, { error: { code: 'BAD_REQUEST', message: `no fixture for ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fixture.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fixture;
}
