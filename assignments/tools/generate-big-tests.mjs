#!/usr/bin/env node
// Generates the large hidden tests of the assignments deterministically and embeds them in the JSON files.
// Expected outputs are computed here, independently of the reference solutions, so that `verify-solutions.mjs`
// and `edgelab check` really test the solutions against the statement.
//
//   node assignments/tools/generate-big-tests.mjs          rewrite the tests in place
//   node assignments/tools/generate-big-tests.mjs --check  exit 1 if any embedded test differs from what it would generate
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const assignmentsDir = fileURLToPath(new URL('..', import.meta.url));

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same test. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** integer in [lo, hi] */
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return next;
}

/** n integers, all even and distinct except one odd value at position i; its partner at j: a unique answer. */
function twoSum(seed, n, i, j, range) {
  const r = rng(seed);
  const used = new Set();
  const values = [];
  while (values.length < n) {
    const v = 2 * r.int(-range, range);
    if (!used.has(v)) {
      used.add(v);
      values.push(v);
    }
  }
  values[i] = 2 * r.int(-range, range) + 1;
  const target = values[i] + values[j];
  return { input: `${values.join(' ')}\n${target}\n`, expected: `${i} ${j}\n` };
}

function isPalindrome(line) {
  const kept = line.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return kept === [...kept].reverse().join('');
}

/** A 100 000-character line made of a random half, mirrored with random case and punctuation in between. */
function longPalindromeLine(seed, breakIt) {
  const r = rng(seed);
  const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const noise = " .,;:!?-'\"()";
  const half = [];
  for (let k = 0; k < 40_000; k++) half.push(alnum[r.int(0, alnum.length - 1)]);
  const core = [...half, ...[...half].reverse()];
  if (breakIt) {
    const k = 40_000 + 17;
    core[k] = core[k] === 'q' ? 'r' : 'q';
  }
  const out = [];
  for (const ch of core) {
    out.push(r() < 0.5 ? ch.toUpperCase() : ch);
    if (r() < 0.25) out.push(noise[r.int(0, noise.length - 1)]);
  }
  let line = out.join('');
  while (line.length < 100_000) line += noise[r.int(0, noise.length - 1)];
  line = line.slice(0, 100_000);
  // slicing may only cut trailing noise or mirrored characters; recompute the truth from the line itself
  return line;
}

function palindromeTest(seed, breakIt) {
  const line = longPalindromeLine(seed, breakIt);
  if (line.length !== 100_000) throw new Error('palindrome line must be 100000 characters');
  const expected = isPalindrome(line);
  if (expected === breakIt) throw new Error(`generated line is ${expected ? '' : 'not '}a palindrome; change the seed`);
  return { input: `${line}\n`, expected: `${expected}\n` };
}

/** Each generator: the assignment file, the test's name, and a function returning { input, expected }. */
export const generators = [
  { file: 'python_two_sum.json', test: 'n = 1000', make: () => twoSum(1, 1000, 412, 977, 1_000_000) },
  {
    file: 'python_two_sum.json',
    test: 'n = 100000 (an O(n^2) search is too slow)',
    make: () => twoSum(2, 100_000, 99_990, 99_999, 5_000_000),
  },
  { file: 'java_palindrome.json', test: '100000-character palindrome', make: () => palindromeTest(3, false) },
  { file: 'java_palindrome.json', test: '100000-character line, one letter off', make: () => palindromeTest(4, true) },
];

export function run({ check }) {
  const byFile = new Map();
  for (const g of generators) {
    if (!byFile.has(g.file)) byFile.set(g.file, []);
    byFile.get(g.file).push(g);
  }
  let stale = 0;
  for (const [file, gens] of byFile) {
    const path = join(assignmentsDir, file);
    const text = readFileSync(path, 'utf8');
    const assignment = JSON.parse(text);
    for (const g of gens) {
      const test = assignment.tests.find((t) => t.name === g.test);
      if (!test) throw new Error(`${file}: no test named "${g.test}"`);
      const { input, expected } = g.make();
      if (test.input !== input || test.expected !== expected) {
        stale++;
        if (check) console.error(`${file}: test "${g.test}" differs from its generator`);
        test.input = input;
        test.expected = expected;
      }
    }
    if (!check) {
      const out = `${JSON.stringify(assignment, null, 2)}\n`;
      if (out !== text) writeFileSync(path, out);
      console.log(`${file}: ${gens.length} generated test(s), ${(out.length / 1024).toFixed(0)} KiB`);
    }
  }
  if (check && stale > 0) process.exit(1);
  if (check) console.log(`all ${generators.length} generated tests are up to date`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run({ check: process.argv.includes('--check') });
}
