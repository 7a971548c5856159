import { z } from 'zod';
import {
  AssignmentSummarySchema,
  ErrorResponseSchema,
  FeedbackSchema,
  LanguageInfoSchema,
  PublicAssignmentSchema,
  PublicTestResultSchema,
  ResultResponseSchema,
  RunResponseSchema,
  SubmitRequestSchema,
  SubmitResponseSchema,
} from './api-schemas.js';

/** Named schemas of the API; they become `components.schemas` and are referenced by `$ref`. */
const NAMED = {
  SubmitRequest: SubmitRequestSchema,
  SubmitResponse: SubmitResponseSchema,
  ErrorResponse: ErrorResponseSchema,
  PublicTestResult: PublicTestResultSchema,
  Feedback: FeedbackSchema,
  Result: ResultResponseSchema,
  RunResult: RunResponseSchema,
  AssignmentSummary: AssignmentSummarySchema,
  PublicAssignment: PublicAssignmentSchema,
  Language: LanguageInfoSchema,
} as const;
type SchemaName = keyof typeof NAMED;

function componentSchemas(io: 'input' | 'output'): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: 'Error', content: json(ref('ErrorResponse')) }]));

/** Builds the OpenAPI 3.1 document of the HTTP API from the zod schemas the server validates and answers with. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const output = componentSchemas('output');
  // Requests are described as clients send them (zod "input"), responses as the server answers ("output").
  const input = componentSchemas('input');
  const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  return {
    openapi: '3.1.0',
    info: { title: 'EdgeLab grading API', version },
    components: {
      schemas: { ...output, SubmitRequest: input.SubmitRequest },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key or JWT (when EDGELAB_AUTH=token).' } },
    },
    paths: {
      '/assignments': {
        get: { summary: 'List assignments', responses: { 200: { description: 'OK', content: json({ type: 'array', items: ref('AssignmentSummary') }) }, ...errors(401) } },
      },
      '/assignments/{id}': {
        get: {
          summary: 'Public view of one assignment',
          parameters: [idParam('id')],
          responses: { 200: { description: 'OK', content: json(ref('PublicAssignment')) }, ...errors(401, 404) },
        },
      },
      '/submit': {
        post: {
          summary: 'Submit code for grading (queued)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }],
          requestBody: { required: true, content: json(ref('SubmitRequest')) },
          responses: {
            202: { description: 'Accepted; Location: /results/{id}', content: json(ref('SubmitResponse')) },
            ...errors(400, 401, 404, 409, 413, 415, 429, 503),
          },
        },
      },
      '/run': {
        post: {
          summary: 'Run the public tests only, synchronously; nothing is stored',
          requestBody: { required: true, content: json(ref('SubmitRequest')) },
          responses: { 200: { description: 'OK', content: json(ref('RunResult')) }, ...errors(400, 401, 404, 413, 415, 429, 503) },
        },
      },
      '/results/{id}': {
        get: {
          summary: 'Public result of a submission',
          parameters: [idParam('id')],
          responses: { 200: { description: 'OK', content: json(ref('Result')) }, ...errors(401, 403, 404) },
        },
      },
      '/results/{id}/events': {
        get: {
          summary: 'Server-sent events: `test` (PublicTestResult) per finished test, then `result` (Result), then `feedback` (Feedback)',
          parameters: [idParam('id'), { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
          responses: { 200: { description: 'text/event-stream' }, 204: { description: 'Everything was already delivered' }, ...errors(401, 403, 404) },
        },
      },
      '/languages': { get: { summary: 'Languages', responses: { 200: { description: 'OK', content: json({ type: 'array', items: ref('Language') }) } } } },
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'OK' } } } },
      '/ready': { get: { summary: 'Readiness: database and sandbox reachable', responses: { 200: { description: 'OK' }, 503: { description: 'Not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain' } } } },
    },
    security: [{}, { bearer: [] }],
  };
}
