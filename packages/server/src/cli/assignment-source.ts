import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EdgeLabError, parseAssignmentText } from '@edgelab/core';
import type { Assignment } from '@edgelab/core';

/** One assignment file read from disk, or the problems that made it invalid. */
export type AssignmentFile = { file: string; assignment: Assignment } | { file: string; errors: readonly string[] };

/** Reads and validates one assignment file; throws `ASSIGNMENT_INVALID` with every problem. */
export async function readAssignmentFile(file: string): Promise<Assignment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `${file}: cannot read the assignment file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause });
  }
  return parseAssignmentText(text, basename(file));
}

/** Reads every `*.json` file of a folder (sorted), keeping the invalid ones as error lists. */
export async function readAssignmentDirectory(dir: string): Promise<AssignmentFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (cause) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `${dir}: cannot read the assignments folder (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause });
  }
  const files: AssignmentFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      files.push({ file, assignment: await readAssignmentFile(file) });
    } catch (error) {
      if (error instanceof EdgeLabError && error.code === 'ASSIGNMENT_INVALID') {
        files.push({ file, errors: error.details.length > 0 ? error.details : [error.message] });
      } else throw error;
    }
  }
  return files;
}

/** Resolves `<assignment file or id>`: an existing file path, else the assignment with that id in `dir`. */
export async function resolveAssignment(fileOrId: string, dir: string): Promise<Assignment> {
  const isFile = await stat(fileOrId).then((s) => s.isFile(), () => false);
  if (isFile) return readAssignmentFile(fileOrId);
  const direct = join(dir, `${fileOrId}.json`);
  if (await stat(direct).then((s) => s.isFile(), () => false)) return readAssignmentFile(direct);
  for (const entry of await readAssignmentDirectory(dir)) {
    if ('assignment' in entry && entry.assignment.id === fileOrId) return entry.assignment;
  }
  throw new EdgeLabError({
    code: 'ASSIGNMENT_NOT_FOUND',
    message: `"${fileOrId}" is neither an assignment file nor the id of an assignment in ${dir} (use --assignments <dir>)`,
  });
}
