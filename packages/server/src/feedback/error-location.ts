import type { LanguageId } from '@edgelab/core';

/** Where and what an error is, as read from a trace or compiler output. */
export interface ErrorLocation {
  /** The student's file the error points at, when found. */
  readonly file?: string;
  readonly line?: number;
  /** The exception or error class, e.g. `ZeroDivisionError`, `ArrayIndexOutOfBoundsException`. */
  readonly exception?: string;
  readonly message?: string;
}

const basename = (path: string): string => path.split(/[\\/]/).pop() ?? path;
const LIBRARY_PATH = /(^<|site-packages|dist-packages|\/usr\/lib\/python|\/lib\/python\d|<frozen|importlib)/;

/**
 * Reads a Python traceback: the exception, and the innermost frame in one of the student's files (else the
 * innermost frame outside the standard library).
 */
export function parsePythonTraceback(stderr: string, studentFiles: readonly string[]): ErrorLocation | undefined {
  const lines = stderr.replace(/\r\n?/g, '\n').split('\n');
  const frames: { file: string; line: number }[] = [];
  for (const l of lines) {
    const m = /^\s*File "([^"]+)", line (\d+)/.exec(l);
    if (m?.[1] !== undefined && m[2] !== undefined) frames.push({ file: m[1], line: Number(m[2]) });
  }
  let exception: string | undefined;
  let message: string | undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    const m = /^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Warning|Iteration))(?::\s?(.*))?$/.exec(l);
    if (m?.[1] !== undefined) {
      exception = m[1].split('.').pop();
      message = m[2]?.trim() || undefined;
      break;
    }
  }
  if (exception === undefined && frames.length === 0) return undefined;
  const names = new Set(studentFiles.map(basename));
  const frame =
    [...frames].reverse().find((f) => names.has(basename(f.file))) ??
    [...frames].reverse().find((f) => !LIBRARY_PATH.test(f.file));
  return { file: frame === undefined ? undefined : basename(frame.file), line: frame?.line, exception, message };
}

/**
 * Reads a Java stack trace: the exception (the last `Caused by:` if any) and the topmost frame in one of the
 * student's files.
 */
export function parseJavaStackTrace(stderr: string, studentFiles: readonly string[]): ErrorLocation | undefined {
  const lines = stderr.replace(/\r\n?/g, '\n').split('\n');
  let exception: string | undefined;
  let message: string | undefined;
  let frameStart = 0;
  lines.forEach((l, i) => {
    const m = /^(?:Exception in thread "[^"]*" |Caused by: )?((?:[a-zA-Z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error))(?::\s?(.*))?$/.exec(l.trim());
    if (m?.[1] !== undefined && !l.trim().startsWith('at ')) {
      exception = m[1].split('.').pop();
      message = m[2]?.trim() || undefined;
      frameStart = i + 1;
    }
  });
  const frames: { file: string; line: number }[] = [];
  for (const l of lines.slice(frameStart)) {
    const m = /^\s*at [\w$.<>/]+\(([\w$-]+\.java):(\d+)\)/.exec(l);
    if (m?.[1] !== undefined && m[2] !== undefined) frames.push({ file: m[1], line: Number(m[2]) });
  }
  if (exception === undefined && frames.length === 0) return undefined;
  const names = new Set(studentFiles.map(basename));
  const frame = frames.find((f) => names.has(f.file)) ?? frames[0];
  return { file: frame?.file, line: frame?.line, exception, message };
}

/** Reads compiler (or SQL engine) output: the first error with its file and line. */
export function parseCompileError(
  language: LanguageId,
  output: string,
  studentFiles: readonly string[],
): ErrorLocation | undefined {
  const text = output.replace(/\r\n?/g, '\n');
  if (language === 'java') {
    const m = /^(.*?\.java):(\d+): error: (.*)$/m.exec(text);
    if (m?.[1] !== undefined) return { file: basename(m[1]), line: Number(m[2]), exception: 'compile error', message: m[3]?.trim() };
  }
  if (language === 'python') {
    const loc = parsePythonTraceback(text, studentFiles);
    if (loc !== undefined) return loc;
  }
  const firstError = text.split('\n').find((l) => /error/i.test(l)) ?? text.split('\n').find((l) => l.trim() !== '');
  if (firstError === undefined) return undefined;
  const line = /line (\d+)/i.exec(text);
  return { line: line?.[1] === undefined ? undefined : Number(line[1]), message: firstError.trim() };
}

/** Reads a runtime error from stderr in the way of the language. */
export function parseRuntimeError(
  language: LanguageId,
  stderr: string,
  studentFiles: readonly string[],
): ErrorLocation | undefined {
  if (language === 'python') return parsePythonTraceback(stderr, studentFiles);
  if (language === 'java') return parseJavaStackTrace(stderr, studentFiles);
  return parseCompileError(language, stderr, studentFiles);
}
