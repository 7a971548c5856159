import type { LanguageId, Verdict } from '@edgelab/core';
import type { SubmissionStatus } from './api-types.js';

/** Detail of `edgelab-submitted`: a submission (or public run) was accepted by the server. */
export interface SubmittedDetail {
  id: string;
  assignmentId: string;
  language: LanguageId;
  /** `submit` grades every test; `run` only the public ones. */
  mode: 'submit' | 'run';
}

/** Detail of `edgelab-graded`: a submission finished (`status` `done`) or failed on the server (`error`). */
export interface GradedDetail {
  id: string;
  score: number;
  maxScore: number;
  verdict: Verdict | undefined;
  status: SubmissionStatus;
}

/** Detail of `edgelab-select`: the user picked an assignment in the list. */
export interface SelectDetail {
  assignmentId: string;
}

/** Detail of `edgelab-goto-line`: the user asked to see a line of their code (from a compile error). */
export interface GotoLineDetail {
  line: number;
  column?: number;
}

/** Creates a bubbling, composed event, so host pages hear it through every shadow root. */
export function edgelabEvent<T>(type: string, detail: T, cancelable = false): CustomEvent<T> {
  return new CustomEvent<T>(type, { detail, bubbles: true, composed: true, cancelable });
}

declare global {
  interface HTMLElementEventMap {
    'edgelab-submitted': CustomEvent<SubmittedDetail>;
    'edgelab-graded': CustomEvent<GradedDetail>;
    'edgelab-select': CustomEvent<SelectDetail>;
    'edgelab-goto-line': CustomEvent<GotoLineDetail>;
  }
}
