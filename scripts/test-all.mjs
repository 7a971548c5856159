#!/usr/bin/env node
// The whole test suite, as CI runs it: build, typecheck, every test (services required when CI=true),
// package-shape checks, and `edgelab check` over the assignment library. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const steps = [
  ['build', 'pnpm', ['build']],
  ['typecheck', 'pnpm', ['typecheck']],
  ['tests', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']],
  ['package shape', 'pnpm', ['test:packages']],
  ['assignment library', 'node', ['packages/server/dist/cli.js', 'check', 'assignments']],
];

mkdirSync('test-results', { recursive: true });
const failed = [];
for (const [name, command, args] of steps) {
  console.log(`\n==> ${name}: ${command} ${args.join(' ')}`);
  const { status, error } = spawnSync(command, args, { stdio: 'inherit' });
  if (error || status !== 0) failed.push(name);
}

let passed = 0;
let failedTests = 0;
let skipped = 0;
if (existsSync('test-results/vitest.json')) {
  const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed = report.numPassedTests ?? 0;
  failedTests = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log('');
if (failed.length > 0) console.log(`Failed steps: ${failed.join(', ')}`);
console.log(`Tests: ${passed} passed, ${failedTests} failed, ${skipped} skipped`);
process.exit(failed.length > 0 || failedTests > 0 || passed === 0 ? 1 : 0);
