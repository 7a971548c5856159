import { z } from 'zod';
import {
  AssignmentSummarySchema,
  ErrorResponseSchema,
  LanguageInfoSchema,
  PublicAssignmentSchema,
  ResultResponseSchema,
  RunResponseSchema,
  SubmitRequestSchema,
  SubmitResponseSchema,
} from './api-schemas.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => ({
  'application/json': { schema: z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) },
});

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: 'Error', content: json(ErrorResponseSchema) }]));

/** Builds the OpenAPI 3.1 document of the HTTP API from the zod schemas the server validates and answers with. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  return {
    openapi: '3.1.0',
    info: { title: 'EdgeLab grading API', version },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key or JWT (when EDGELAB_AUTH=token).' } },
    },
    paths: {
      '/assignments': { get: { summary: 'List assignments', responses: { 200: { description: 'OK', content: json(z.array(AssignmentSummarySchema)) }, ...errors(401) } } },
      '/assignments/{id}': {
        get: {
          summary: 'Public view of one assignment',
          parameters: [idParam('id')],
          responses: { 200: { description: 'OK', content: json(PublicAssignmentSchema) }, ...errors(401, 404) },
        },
      },
      '/submit': {
        post: {
          summary: 'Submit code for grading (queued)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
          requestBody: { required: true, content: json(SubmitRequestSchema, 'input') },
          responses: {
            202: { description: 'Accepted; Location: /results/{id}', content: json(SubmitResponseSchema) },
            ...errors(400, 401, 404, 409, 413, 415, 429, 503),
          },
        },
      },
      '/run': {
        post: {
          summary: 'Run the public tests only, synchronously; nothing is stored',
          requestBody: { required: true, content: json(SubmitRequestSchema, 'input') },
          responses: { 200: { description: 'OK', content: json(RunResponseSchema) }, ...errors(400, 401, 404, 413, 415, 429, 503) },
        },
      },
      '/results/{id}': {
        get: {
          summary: 'Public result of a submission',
          parameters: [idParam('id')],
          responses: { 200: { description: 'OK', content: json(ResultResponseSchema) }, ...errors(401, 403, 404) },
        },
      },
      '/results/{id}/events': {
        get: {
          summary: 'Server-sent events: `test` per finished test, then `result`, then `feedback`',
          parameters: [idParam('id')],
          responses: { 200: { description: 'text/event-stream' }, ...errors(401, 403, 404) },
        },
      },
      '/languages': { get: { summary: 'Languages', responses: { 200: { description: 'OK', content: json(z.array(LanguageInfoSchema)) } } } },
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'OK' } } } },
      '/ready': { get: { summary: 'Readiness: database and sandbox reachable', responses: { 200: { description: 'OK' }, 503: { description: 'Not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain' } } } },
    },
    security: [{}, { bearer: [] }],
  };
}
