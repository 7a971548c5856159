/**
 * `pnpm --filter @edgelab/core bench`: the comparators on large outputs, as ratios against a baseline measured in the
 * same run on the same data: splitting both texts into lines and comparing them with `===` (the least any line-wise
 * comparison can cost). Also the growth from 1 MB to 10 MB, which stays near 10 for a linear-time comparator.
 *
 * Goals (exit code 1 when missed): every text comparator within 40x the baseline, growth below 30x (quadratic would be ~100x).
 */
import { compareOutput, compareResultSets, type Comparator, type SqlResultSet } from '../src/index.js';

const MB = 1024 * 1024;

function output(bytes: number): string {
  const line = '1234567 0.250000 hello World\n';
  return line.repeat(Math.ceil(bytes / line.length));
}

/** Median of several runs, in ms. */
function time(run: () => void, repeat = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(repeat / 2)] as number;
}

function baseline(expected: string, actual: string): boolean {
  const e = expected.split('\n');
  const a = actual.split('\n');
  if (e.length !== a.length) return false;
  for (let i = 0; i < e.length; i++) if (e[i] !== a[i]) return false;
  return true;
}

const comparators: Comparator[] = [
  { kind: 'exact' },
  { kind: 'lines' },
  { kind: 'lines', ignoreCase: true },
  { kind: 'tokens' },
  { kind: 'float' },
  { kind: 'unordered' },
];

let failed = false;
const small = output(MB);
const big = output(10 * MB);
// A copy differing only in the last line, so nothing can stop early and `===` cannot short-circuit on identity.
const bigActual = `${big.slice(0, -2)}X\n`;
const smallActual = `${small.slice(0, -2)}X\n`;
const base = time(() => baseline(big, bigActual));
console.log(`baseline (split + ===, 10 MB): ${base.toFixed(1)} ms`);
for (const c of comparators) {
  const t10 = time(() => compareOutput(c, big, bigActual), 3);
  const t1 = time(() => compareOutput(c, small, smallActual));
  const ratio = t10 / base;
  const growth = t10 / t1;
  const ok = ratio <= 40 && growth < 30;
  failed ||= !ok;
  console.log(`${JSON.stringify(c).padEnd(36)} 10 MB ${t10.toFixed(1).padStart(7)} ms  x${ratio.toFixed(1).padStart(5)} baseline  growth 1->10 MB x${growth.toFixed(1)}  ${ok ? 'ok' : 'MISSED GOAL'}`);
}

const rows = (n: number, shift: number): SqlResultSet => ({
  columns: ['id', 'name', 'avg'],
  rows: Array.from({ length: n }, (_, i) => [String(n - 1 - i), `name ${n - 1 - i}`, (n - 1 - i) / 3 + shift]),
});
const e10 = rows(100_000, 0);
const a10 = rows(100_000, 1e-9);
const e1 = rows(10_000, 0);
const a1 = rows(10_000, 1e-9);
const rsBase = time(() => JSON.stringify(e10.rows) === JSON.stringify(a10.rows));
const rs10 = time(() => compareResultSets({ kind: 'sql' }, e10, a10), 3);
const rs1 = time(() => compareResultSets({ kind: 'sql' }, e1, a1));
const rsOk = rs10 / rsBase <= 40 && rs10 / rs1 < 30;
failed ||= !rsOk;
console.log(
  `sql unordered, 100k rows within tolerance: ${rs10.toFixed(1)} ms  x${(rs10 / rsBase).toFixed(1)} baseline (JSON.stringify + ===)  growth 10k->100k x${(rs10 / rs1).toFixed(1)}  ${rsOk ? 'ok' : 'MISSED GOAL'}`,
);
if (failed) process.exitCode = 1;
