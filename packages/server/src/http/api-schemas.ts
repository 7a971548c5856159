import { SUBMISSION_STATUSES } from '@edgelab/core';
import { z } from 'zod';

const CODE_FILE_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** `POST /submit` and `POST /run` body. The language is checked against the assignment afterwards (clearer errors). */
export const SubmitRequestSchema = z
  .object({
    assignmentId: z.string().min(1).max(64).describe('The assignment id, e.g. "python_two_sum".'),
    language: z.string().min(1).max(32).describe('One of the languages the assignment offers: python, java, sql.'),
    code: z
      .union([z.string(), z.record(z.string().regex(CODE_FILE_NAME, 'file names are letters, digits, ".", "_", "-"'), z.string())])
      .describe('The main file, or file name → content. At most 64 KB of UTF-8 in total.'),
  })
  .strict()
  ;
/** A validated submit/run body. */
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;

/** `POST /submit` answer (202). */
export const SubmitResponseSchema = z
  .object({
    id: z.string().describe('Unguessable submission id.'),
    status: z.enum(SUBMISSION_STATUSES),
    resultUrl: z.string().describe('Same as the Location header.'),
  })
  ;

/** The error body of every non-2xx answer. */
export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('A stable EdgeLab error code, e.g. SUBMISSION_INVALID.'),
      message: z.string().describe('What went wrong, where, and how to fix it.'),
      details: z.array(z.string()).optional(),
      requestId: z.string().optional(),
    }),
  })
  ;

const UsageSchema = z.object({ wallMs: z.number(), cpuMs: z.number(), memoryKb: z.number() });

/** One test in a public result: hidden tests carry no input, expected or actual data. */
export const PublicTestResultSchema = z
  .object({
    index: z.number().int(),
    name: z.string(),
    visibility: z.enum(['public', 'hidden']),
    verdict: z.string(),
    points: z.number(),
    maxPoints: z.number(),
    kind: z.string().optional().describe('Public tests only.'),
    group: z.string().optional(),
    usage: UsageSchema.partial().optional(),
    message: z.string().optional().describe('Public tests only.'),
    input: z.string().optional().describe('Public tests only.'),
    expected: z.string().optional().describe('Public tests only.'),
    actual: z.string().optional().describe('Public tests only.'),
    stderr: z.string().optional().describe('Public tests only.'),
  })
  ;

/** AI or rule-based feedback. */
export const FeedbackSchema = z
  .object({ source: z.enum(['ai', 'rules']), text: z.string(), model: z.string().optional() })
  ;

/** `GET /results/:id` and the SSE `result` event. */
export const ResultResponseSchema = z
  .object({
    id: z.string(),
    assignmentId: z.string(),
    language: z.string(),
    status: z.enum(SUBMISSION_STATUSES),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    score: z.number().nullable(),
    maxScore: z.number().nullable(),
    percent: z.number().nullable(),
    verdict: z.string().nullable(),
    tests: z.array(PublicTestResultSchema).describe('Finished tests so far while running; all tests when done.'),
    compile: z.object({ ok: z.boolean(), output: z.string(), verdict: z.string().optional() }).optional(),
    feedback: FeedbackSchema.nullable(),
    error: z.string().optional().describe('Status error only: why grading gave up (never the student\'s fault).'),
  })
  ;

/** `POST /run` answer: a public-only grading, not stored. */
export const RunResponseSchema = z
  .object({
    assignmentId: z.string(),
    language: z.string(),
    score: z.number(),
    maxScore: z.number(),
    verdict: z.string(),
    tests: z.array(PublicTestResultSchema),
    compile: z.object({ ok: z.boolean(), output: z.string(), verdict: z.string().optional() }).optional(),
  })
  ;

/** `GET /assignments` item. */
export const AssignmentSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    tags: z.array(z.string()),
    difficulty: z.string().optional(),
    languages: z.array(z.string()),
  })
  ;

/** `GET /assignments/:id`: the public view (hidden tests only as name/points). */
export const PublicAssignmentSchema = z
  .object({
    id: z.string(),
    version: z.string().describe('sha-256 of this public view (hidden tests and solutions never enter it): changes when what students see changes.'),
    title: z.string(),
    statement: z.string().describe('Markdown.'),
    tags: z.array(z.string()),
    difficulty: z.string().optional(),
    languages: z.record(z.string(), z.unknown()).describe('Starter code, support files and limits per language.'),
    tests: z.array(z.record(z.string(), z.unknown())).describe('Public tests with data; hidden ones only as name, points, group.'),
  })
  .passthrough()
  ;

/** `GET /languages` item. */
export const LanguageInfoSchema = z.object({ id: z.string(), name: z.string(), extensions: z.array(z.string()) });
