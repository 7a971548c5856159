import type { Feedback } from '@edgelab/core';
import { findNestedLoop, findRecursion } from './code-hints.js';
import { parseCompileError, parseRuntimeError, type ErrorLocation } from './error-location.js';
import type { FeedbackInput, PublicTestOutcome } from './feedback-input.js';

const SNIPPET = 120;

function snippet(text: string): string {
  const one = text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
  return JSON.stringify(one);
}

function where(loc: ErrorLocation): string {
  if (loc.line === undefined) return '';
  return loc.file === undefined ? ` at line ${loc.line}` : ` at line ${loc.line} of ${loc.file}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first differing line of two outputs, compared line by line ignoring trailing whitespace. */
export function firstDifference(expected: string, actual: string): string | undefined {
  const norm = (s: string) => s.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  const e = norm(expected);
  const a = norm(actual);
  while (e.length > 0 && e[e.length - 1] === '') e.pop();
  while (a.length > 0 && a[a.length - 1] === '') a.pop();
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    const el = e[i];
    const al = a[i];
    if (el === al) continue;
    if (al === undefined) return `your output stops after line ${i}; line ${i + 1} should be ${snippet(el ?? '')}`;
    if (el === undefined) return `your output has extra lines from line ${i + 1}: ${snippet(al)}`;
    return `line ${i + 1}: expected ${snippet(el)} but your program printed ${snippet(al)}`;
  }
  return undefined;
}

function timeHint(input: FeedbackInput): string {
  for (const f of input.files) {
    const nested = findNestedLoop(input.language, f.name, f.content);
    if (nested !== undefined) {
      return nested.outerLine === nested.innerLine
        ? `look at the complexity of the nested comprehension at line ${nested.outerLine} of ${f.name}: can one pass (a set, a dictionary, sorting) replace it?`
        : `look at the complexity of the loop at line ${nested.innerLine} inside the loop at line ${nested.outerLine} of ${f.name}: together they are quadratic; can a set, a dictionary, sorting or prefix sums remove the inner loop?`;
    }
  }
  for (const f of input.files) {
    const rec = findRecursion(input.language, f.name, f.content);
    if (rec !== undefined) {
      return `look at the complexity of the recursive function ${rec.name} (line ${rec.line} of ${f.name}): does it solve the same sub-problem many times? Remember results (memoization) or build them bottom-up.`;
    }
  }
  if (input.language === 'sql') return 'look at the complexity of your query: correlated subqueries and joins without conditions repeat work for every row; try a JOIN with a condition or GROUP BY.';
  return 'look at the complexity of your algorithm: check for loops that never end (a loop condition that never changes) and for work repeated for every element.';
}

function memoryHint(input: FeedbackInput): string {
  const limit = input.limits?.memoryMb === undefined ? '' : ` (${input.limits.memoryMb} MB)`;
  for (const f of input.files) {
    const rec = findRecursion(input.language, f.name, f.content);
    if (rec !== undefined) return `Your program used more memory than allowed${limit}. The recursive function ${rec.name} (line ${rec.line} of ${f.name}) may recurse too deep: check its base case, or use a loop.`;
  }
  return `Your program used more memory than allowed${limit}: avoid keeping every value in a list or a two-dimensional table when a running total or a single row is enough, and check that no list grows inside a loop forever.`;
}

function describeFailure(input: FeedbackInput, test: PublicTestOutcome): string {
  const label = `Public test "${test.name}"`;
  const fileNames = input.files.map((f) => f.name);
  switch (test.verdict) {
    case 'wrong_answer': {
      // SQL result sets and unit tests are not line-oriented text: the judge's message says it best.
      const lineOriented = test.kind === 'io' && test.expected !== undefined && test.actual !== undefined;
      const diff = lineOriented ? firstDifference(test.expected ?? '', test.actual ?? '') : undefined;
      const parts = [`${label} gives a wrong answer`];
      if (diff !== undefined) parts.push(`: ${diff}.`);
      else if (test.message !== undefined) parts.push(`: ${test.message.replace(/\.?\s*$/, '.')}`);
      else parts.push('.');
      if (test.kind === 'sql') parts.push(' Run your query on this test\'s data and compare the rows, their order and the column names.');
      else if (test.input !== undefined && test.input.trim() !== '') parts.push(` Run your program yourself on this test's input to see why.`);
      return parts.join('');
    }
    case 'runtime_error': {
      const loc = test.stderr === undefined ? undefined : parseRuntimeError(input.language, test.stderr, fileNames);
      if (loc?.exception !== undefined && /^(SyntaxError|IndentationError|TabError)$/.test(loc.exception)) {
        return `Your code has a ${loc.exception}${where(loc)}${loc.message === undefined ? '' : `: ${loc.message}`}. Fix it first: no test can pass until Python can read the file.`;
      }
      if (loc?.exception !== undefined) {
        const msg = loc.message === undefined ? '' : ` (${loc.message})`;
        const extra =
          loc.exception === 'RecursionError' || loc.exception === 'StackOverflowError'
            ? ' Your recursion goes too deep: check the base case, or use a loop.'
            : ' Check what the values are on that line for this input (empty input, index bounds, division by zero, None/null).';
        return `${label} crashes with ${loc.exception}${msg}${where(loc)}.${extra}`;
      }
      if (input.language === 'sql' && loc?.message !== undefined) {
        return `${label}: your query fails with "${loc.message}". Check table and column names against the schema, and that it is a single SELECT statement.`;
      }
      return `${label} crashes (the program exited with an error)${test.message === undefined ? '' : `: ${test.message}`}. Run it on this test's input to see the error.`;
    }
    case 'time_limit': {
      const limit = input.limits?.timeMs === undefined ? '' : ` (${input.limits.timeMs} ms)`;
      return `${label} hit the time limit${limit}: ${timeHint(input)}`;
    }
    case 'memory_limit':
      return `${label}: ${memoryHint(input)}`;
    case 'output_limit':
      return `${label} printed far too much output: look for a print inside a loop that never ends, or leftover debug printing.`;
    case 'internal_error':
      return `${label} could not be run because of a platform error. This is not your fault: please submit again.`;
    case 'compile_error':
      return `${label} could not run because the code does not compile.`;
    default:
      return `${label} was not run.`;
  }
}

function edgeCases(input: FeedbackInput): string {
  if (input.language === 'sql') return 'NULL values, ties, empty tables, duplicate rows and the exact column order';
  return 'empty input, a single element, zero and negative numbers, duplicates, the smallest and largest allowed values, and large inputs';
}

/**
 * Feedback computed from the verdicts alone: deterministic, instant, always available. Used whenever the AI
 * model is off, opted out, unreachable, slow or misbehaving. Reads only a {@link FeedbackInput}, so it cannot
 * reveal hidden tests.
 */
export function ruleBasedFeedback(input: FeedbackInput): Feedback {
  const paragraphs: string[] = [];
  const score = `Score: ${input.score}/${input.maxScore} (${input.percent}%).`;
  const fileNames = input.files.map((f) => f.name);

  if ((input.compile !== undefined && !input.compile.ok) || input.verdict === 'compile_error') {
    const output = input.compile?.output ?? '';
    const loc = parseCompileError(input.language, output, fileNames);
    if (input.compile?.verdict === 'time_limit') {
      paragraphs.push('Compiling your code took too long. Simplify very large constant tables or generated code.');
    } else if (loc !== undefined) {
      const what = loc.exception === undefined || loc.exception === 'compile error' ? '' : `${loc.exception}: `;
      paragraphs.push(
        `Your code does not compile${where(loc)}: ${what}${loc.message ?? 'see the compiler output'}. Fix this first; no test can run until it compiles.`,
      );
    } else {
      paragraphs.push('Your code does not compile. Read the compiler output above; no test can run until it compiles.');
    }
    paragraphs.push(score);
    return { source: 'rules', text: paragraphs.join('\n\n') };
  }

  const failingPublic = input.publicTests.filter((t) => t.verdict !== 'accepted' && t.verdict !== 'skipped');
  const allPassed = input.publicTotals.failed === 0 && input.hidden.failed === 0 && input.verdict === 'accepted';

  if (allPassed) {
    const total = input.publicTotals.total + input.hidden.total;
    paragraphs.push(`Well done: your solution passes all ${plural(total, 'test')}${input.hidden.total > 0 ? ', public and hidden' : ''}.`);
    paragraphs.push('To go further, make the code easy to read: clear names, small functions, and no leftover debug output.');
  } else if (failingPublic.length > 0) {
    const first = failingPublic[0];
    if (first !== undefined) paragraphs.push(describeFailure(input, first));
    const others = input.publicTotals.failed - 1;
    if (others > 0) paragraphs.push(`${plural(others, 'other public test')} also fail${others === 1 ? 's' : ''}; fix the first one, then submit again.`);
    if (input.hidden.failed > 0) paragraphs.push(`${plural(input.hidden.failed, 'hidden test')} of ${input.hidden.total} fail too; fixing the public tests often fixes them.`);
  } else if (input.hidden.failed > 0 && input.hidden.failed === (input.hidden.failedByVerdict.internal_error ?? 0) + (input.hidden.failedByVerdict.skipped ?? 0)) {
    paragraphs.push(`${plural(input.hidden.failed, 'hidden test')} could not be run because of a platform error. This is not your fault: please submit again.`);
  } else if (input.hidden.failed > 0) {
    const parts = [
      `Your code passes the public tests but fails ${plural(input.hidden.failed, 'hidden test')} of ${input.hidden.total}: think about edge cases such as ${edgeCases(input)}.`,
    ];
    const byVerdict = input.hidden.failedByVerdict;
    if ((byVerdict.time_limit ?? 0) > 0) parts.push(`${plural(byVerdict.time_limit ?? 0, 'hidden test')} hit the time limit, probably on larger inputs: ${timeHint(input)}`);
    if ((byVerdict.memory_limit ?? 0) > 0) parts.push(memoryHint(input));
    if ((byVerdict.runtime_error ?? 0) > 0) parts.push(`Your program crashes on ${plural(byVerdict.runtime_error ?? 0, 'hidden test')}: guard against empty input, indexes out of range, division by zero and missing values.`);
    paragraphs.push(parts.join(' '));
  } else {
    paragraphs.push(`Your submission was not fully graded (verdict: ${input.verdict.replace(/_/g, ' ')}). Submit again; if it persists, tell your teacher.`);
  }
  paragraphs.push(score);
  return { source: 'rules', text: paragraphs.join('\n\n') };
}
