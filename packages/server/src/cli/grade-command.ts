import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { EdgeLabError, LanguageIdSchema, toPublicResult } from '@edgelab/core';
import type { LanguageId } from '@edgelab/core';
import { createJudge, createSandbox } from '@edgelab/executor';
import { languageOfFile } from '../languages.js';
import { resolveAssignment } from './assignment-source.js';
import { formatTable, oneLine } from './format-table.js';

/** Options of `edgelab grade`. */
export interface GradeCommandOptions {
  language?: string;
  sandbox: 'auto' | 'docker' | 'bwrap';
  json: boolean;
  assignmentsDir: string;
}

/** `edgelab grade <assignment> <solution>`: grades one file; exit code 0 only when every test passes. */
export async function gradeCommand(assignmentRef: string, solutionFile: string, options: GradeCommandOptions): Promise<number> {
  const assignment = await resolveAssignment(assignmentRef, options.assignmentsDir);
  const raw = options.language ?? languageOfFile(solutionFile);
  if (raw === undefined) {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `${solutionFile}: cannot tell the language from the extension; pass --language python|java|sql` });
  }
  const parsed = LanguageIdSchema.safeParse(raw);
  if (!parsed.success) throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `--language: "${raw}" is not one of python, java, sql` });
  const language: LanguageId = parsed.data;
  const code = await readFile(solutionFile).catch((cause: unknown) => {
    throw new EdgeLabError({ code: 'CONFIG_INVALID', message: `${solutionFile}: cannot read the solution file`, cause });
  });
  const sandbox = await createSandbox({ backend: options.sandbox });
  try {
    const judge = createJudge({ sandbox });
    const result = await judge.grade(assignment, { language, code: code.toString('utf8') });
    const view = toPublicResult(result);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    } else {
      const rows = [['#', 'test', 'visibility', 'verdict', 'points', 'time', 'message']];
      for (const t of view.tests as unknown as Array<Record<string, unknown>>) {
        const usage = t.usage as { wallMs?: number } | undefined;
        rows.push([
          String(t.index),
          String(t.name),
          String(t.visibility),
          String(t.verdict),
          `${String(t.points)}/${String(t.maxPoints)}`,
          usage?.wallMs === undefined ? '' : `${Math.round(usage.wallMs)} ms`,
          oneLine(typeof t.message === 'string' ? t.message : undefined),
        ]);
      }
      process.stdout.write(`${assignment.id} · ${basename(solutionFile)} (${language}) on ${sandbox.backend}\n`);
      if (result.compile !== undefined && !result.compile.ok) process.stdout.write(`compile error:\n${result.compile.output}\n`);
      process.stdout.write(`${formatTable(rows)}\n`);
      process.stdout.write(`verdict ${result.verdict}, score ${result.score}/${result.maxScore} (${result.percent}%)\n`);
    }
    return result.verdict === 'accepted' && result.score === result.maxScore ? 0 : 1;
  } finally {
    await sandbox.close();
  }
}
