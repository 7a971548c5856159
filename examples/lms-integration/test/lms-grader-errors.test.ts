import { fileURLToPath } from 'node:url';
import { EdgeLabError } from '@edgelab/core';
import type { Judge } from '@edgelab/executor';
import { describe, expect, it } from 'vitest';
import { createLmsGrader, GRADING_ERROR_MESSAGE } from '../src/lms-grader.js';

const assignmentsDir = fileURLToPath(new URL('../../../assignments', import.meta.url));
/** What a real sandbox failure looks like: host paths and a container id. */
const sandboxFailure = new EdgeLabError({
  code: 'SANDBOX_FAILED',
  message: 'docker: container 4f1c2a9e8b7d exited: mount /var/lib/edgelab/rootfs/python-3.12 at /srv/edgelab/work/abc: permission denied',
});
/** A judge whose sandbox fails, as when Docker or bubblewrap breaks on the host (no real sandbox can be made to). */
const failingJudge: Judge = { grade: () => Promise.reject(sandboxFailure) };

describe('LMS grader error records', () => {
  it('a sandbox failure stores a generic message for the student and logs the real one (no host paths or container ids)', async () => {
    const logged: unknown[] = [];
    const grader = createLmsGrader({ judge: failingJudge, assignmentsDir, logError: (_message, error) => logged.push(error) });
    const record = await grader.submit({ userId: 'dee', assignmentId: 'python_two_sum', language: 'python', code: 'print(1)' }).done;
    expect(record.status).toBe('error');
    expect(record.error).toBe(GRADING_ERROR_MESSAGE);
    const served = JSON.stringify(grader.get(record.id));
    expect(served).not.toContain('/var/lib/edgelab');
    expect(served).not.toContain('4f1c2a9e8b7d');
    expect(logged).toEqual([sandboxFailure]);
  });

  it('an unknown assignment or an invalid submission is still named to the student, and not logged', async () => {
    const logged: unknown[] = [];
    const invalid = new EdgeLabError({ code: 'SUBMISSION_INVALID', message: 'the code is empty' });
    const grader = createLmsGrader({ judge: { grade: () => Promise.reject(invalid) }, assignmentsDir, logError: (_m, e) => logged.push(e) });
    const unknown = await grader.submit({ userId: 'dee', assignmentId: 'no_such_assignment', language: 'python', code: 'x' }).done;
    expect(unknown.error).toBe('unknown assignment "no_such_assignment"');
    const empty = await grader.submit({ userId: 'dee', assignmentId: 'python_two_sum', language: 'python', code: '' }).done;
    expect(empty.error).toBe('the code is empty');
    expect(logged).toEqual([]);
  });
});
