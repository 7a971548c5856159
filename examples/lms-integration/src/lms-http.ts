import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LanguageId } from '@edgelab/core';
import type { LmsGrader } from './lms-grader.js';

const MAX_BODY_BYTES = 128 * 1024;
const LANGUAGES: readonly string[] = ['python', 'java', 'sql'];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The LMS's own HTTP routes (node:http, no framework):
 * - `POST /lms/submissions` `{ userId, assignmentId, language, code }` → 202 `{ id, status }`
 * - `GET /lms/submissions/:id` → the stored record with the public result
 * - `GET /lms/gradebook/:userId` → `{ <assignmentId>: best percent }`
 */
export function createLmsHttpServer(grader: LmsGrader): Server {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://lms.invalid');
      if (req.method === 'POST' && url.pathname === '/lms/submissions') {
        let body: unknown;
        try {
          body = await readJson(req);
        } catch (error) {
          send(res, 400, { error: `request body must be JSON: ${error instanceof Error ? error.message : String(error)}` });
          return;
        }
        const b = (body ?? {}) as Record<string, unknown>;
        const { userId, assignmentId, language, code } = b;
        if (typeof userId !== 'string' || typeof assignmentId !== 'string' || typeof code !== 'string' || typeof language !== 'string' || !LANGUAGES.includes(language)) {
          send(res, 400, { error: 'expected { userId: string, assignmentId: string, language: "python"|"java"|"sql", code: string }' });
          return;
        }
        const { record } = grader.submit({ userId, assignmentId, language: language as LanguageId, code });
        res.setHeader('location', `/lms/submissions/${record.id}`);
        send(res, 202, { id: record.id, status: record.status });
        return;
      }
      const submission = /^\/lms\/submissions\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && submission) {
        const record = grader.get(submission[1]!);
        if (record === undefined) send(res, 404, { error: 'no such submission' });
        else send(res, 200, record);
        return;
      }
      const gradebook = /^\/lms\/gradebook\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && gradebook) {
        send(res, 200, grader.gradebook(gradebook[1]!));
        return;
      }
      send(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: error instanceof Error ? error.message : 'internal error' });
    });
  });
}
