import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgeLabError, parseAssignmentText, toPublicResult, type Assignment, type LanguageId, type PublicGradeResult } from '@edgelab/core';
import type { Judge } from '@edgelab/executor';

/** What the LMS keeps about one submission: only the public view of the result ever leaves the grader. */
export interface LmsSubmissionRecord {
  id: string;
  userId: string;
  assignmentId: string;
  language: LanguageId;
  status: 'grading' | 'done' | 'error';
  /** The student-safe result (hidden tests reduced to name + verdict), once graded. */
  result?: PublicGradeResult;
  /**
   * Why grading failed, safe to show the student: an unknown assignment or an invalid submission says so; any other
   * failure (a sandbox fault, whose text may name host paths or container ids) is {@link GRADING_ERROR_MESSAGE}.
   */
  error?: string;
}

/** What a student sees when grading failed for a reason that is not theirs; the real reason goes to the log. */
export const GRADING_ERROR_MESSAGE =
  'grading failed because of a platform fault, not because of your code; submit again later or ask your instructor';

/** An assignment id that names no assignment file: safe to report as is. */
class UnknownAssignmentError extends Error {}

/** Options for {@link createLmsGrader}. */
export interface LmsGraderOptions {
  judge: Judge;
  /** Folder with the assignment JSON files (`<id>.json`). */
  assignmentsDir: string;
  /** Receives the real reason of a failed grading (kept out of the student's record). Default: `console.error`. */
  logError?: (message: string, error: unknown) => void;
}

/** The part of a failure a student may see: the message of a safe error, {@link GRADING_ERROR_MESSAGE} otherwise. */
function studentSafeError(error: unknown): string | undefined {
  if (error instanceof UnknownAssignmentError) return error.message;
  if (error instanceof EdgeLabError && (error.code === 'SUBMISSION_INVALID' || error.code === 'LANGUAGE_UNSUPPORTED')) return error.message;
  return undefined;
}

/** A request to grade one student's code, as an LMS back end receives it. */
export interface LmsSubmissionRequest {
  userId: string;
  assignmentId: string;
  language: LanguageId;
  code: string;
}

/**
 * The part of an LMS back end that talks to EdgeLab: loads assignments from files, grades in-process with the
 * judge and keeps the public results in memory (a real LMS would put them in its own database).
 */
export interface LmsGrader {
  /** Starts grading and returns at once; `done` resolves when the record is final. */
  submit(request: LmsSubmissionRequest): { record: LmsSubmissionRecord; done: Promise<LmsSubmissionRecord> };
  get(id: string): LmsSubmissionRecord | undefined;
  /** Best percent per assignment for one user: what the LMS writes into its grade book. */
  gradebook(userId: string): Record<string, number>;
}

/** Creates an {@link LmsGrader}. Assignment files are parsed (and validated) once, on first use. */
export function createLmsGrader(options: LmsGraderOptions): LmsGrader {
  const assignments = new Map<string, Promise<Assignment>>();
  const records = new Map<string, LmsSubmissionRecord>();
  const logError = options.logError ?? ((message: string, error: unknown) => console.error(message, error));

  const load = (id: string): Promise<Assignment> => {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(id)) return Promise.reject(new UnknownAssignmentError(`unknown assignment "${id}"`));
    let loaded = assignments.get(id);
    if (loaded === undefined) {
      const file = join(options.assignmentsDir, `${id}.json`);
      loaded = readFile(file, 'utf8').then(
        (text) => parseAssignmentText(text, file),
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UnknownAssignmentError(`unknown assignment "${id}"`);
          throw error;
        },
      );
      // a failed load is not cached, so a fixed file is picked up on the next submission
      loaded.catch(() => assignments.delete(id));
      assignments.set(id, loaded);
    }
    return loaded;
  };

  return {
    submit(request) {
      const record: LmsSubmissionRecord = {
        id: randomUUID(),
        userId: request.userId,
        assignmentId: request.assignmentId,
        language: request.language,
        status: 'grading',
      };
      records.set(record.id, record);
      const done = (async () => {
        try {
          const assignment = await load(request.assignmentId);
          const full = await options.judge.grade(assignment, { language: request.language, code: request.code });
          record.result = toPublicResult(full);
          record.status = 'done';
        } catch (error) {
          record.status = 'error';
          const safe = studentSafeError(error);
          record.error = safe ?? GRADING_ERROR_MESSAGE;
          if (safe === undefined) logError(`grading submission ${record.id} (${request.assignmentId}) failed`, error);
        }
        return record;
      })();
      return { record, done };
    },
    get: (id) => records.get(id),
    gradebook(userId) {
      const best: Record<string, number> = {};
      for (const r of records.values()) {
        if (r.userId !== userId || r.result === undefined) continue;
        best[r.assignmentId] = Math.max(best[r.assignmentId] ?? 0, r.result.percent);
      }
      return best;
    },
  };
}
