import type { LanguageId } from '@edgelab/core';

/** A loop inside another loop: the usual cause of a time limit. */
export interface NestedLoop {
  readonly file: string;
  readonly outerLine: number;
  readonly innerLine: number;
}

/** A function that calls itself. */
export interface Recursion {
  readonly file: string;
  readonly name: string;
  readonly line: number;
}

const PY_LOOP = /^\s*(?:async\s+)?(?:for|while)\b.*:\s*(?:#.*)?$/;
const PY_COMPREHENSION_2 = /[[({][^\])}]*\bfor\b[^\])}]*\bfor\b/;
const JAVA_LOOP = /\b(?:for|while)\s*\(|\bdo\s*\{/;

function stripJavaNoise(line: string): string {
  return line.replace(/\/\/.*$/, '').replace(/"(?:\\.|[^"\\])*"/g, '""').replace(/'(?:\\.|[^'\\])*'/g, "''");
}

/** Finds the first loop nested in another loop (Python by indentation, Java by braces). */
export function findNestedLoop(language: LanguageId, file: string, code: string): NestedLoop | undefined {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  if (language === 'python') {
    const stack: { line: number; indent: number }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i] ?? '';
      if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
      const indent = raw.length - raw.trimStart().length;
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      if (PY_COMPREHENSION_2.test(raw)) return { file, outerLine: i + 1, innerLine: i + 1 };
      if (PY_LOOP.test(raw)) {
        const outer = stack[0];
        if (outer !== undefined) return { file, outerLine: outer.line, innerLine: i + 1 };
        stack.push({ line: i + 1, indent });
      }
    }
    return undefined;
  }
  if (language === 'java') {
    const stack: { line: number; depth: number }[] = [];
    let depth = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = stripJavaNoise(lines[i] ?? '');
      const startDepth = depth + (line.trimStart().startsWith('}') ? -1 : 0);
      while (stack.length > 0 && (stack[stack.length - 1]?.depth ?? 0) >= startDepth) stack.pop();
      if (JAVA_LOOP.test(line)) {
        const outer = stack[0];
        if (outer !== undefined) return { file, outerLine: outer.line, innerLine: i + 1 };
        stack.push({ line: i + 1, depth: startDepth });
      }
      for (const ch of line) {
        if (ch === '{') depth++;
        else if (ch === '}') depth--;
      }
    }
  }
  return undefined;
}

/** Finds the first function that calls itself (Python `def`, Java methods). */
export function findRecursion(language: LanguageId, file: string, code: string): Recursion | undefined {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  if (language === 'python') {
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)def\s+([A-Za-z_]\w*)\s*\(/.exec(lines[i] ?? '');
      if (m?.[2] === undefined) continue;
      const indent = m[1]?.length ?? 0;
      const call = new RegExp(`\\b${m[2]}\\s*\\(`);
      for (let j = i + 1; j < lines.length; j++) {
        const l = lines[j] ?? '';
        if (l.trim() === '') continue;
        if (l.length - l.trimStart().length <= indent) break;
        if (call.test(l)) return { file, name: m[2], line: i + 1 };
      }
    }
  }
  if (language === 'java') {
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*(?:(?:public|private|protected|static|final)\s+)*[\w<>[\],\s]+\s+([a-zA-Z_]\w*)\s*\([^)]*\)\s*(?:throws [\w., ]+)?\{?\s*$/.exec(
        stripJavaNoise(lines[i] ?? ''),
      );
      if (m?.[1] === undefined || ['if', 'for', 'while', 'switch', 'catch'].includes(m[1])) continue;
      const call = new RegExp(`\\b${m[1]}\\s*\\(`);
      let depth = 0;
      let opened = false;
      for (let j = i; j < lines.length; j++) {
        const l = stripJavaNoise(lines[j] ?? '');
        if (j > i && call.test(l)) return { file, name: m[1], line: i + 1 };
        for (const ch of l) {
          if (ch === '{') {
            depth++;
            opened = true;
          } else if (ch === '}') depth--;
        }
        if (opened && depth <= 0) break;
      }
    }
  }
  return undefined;
}
