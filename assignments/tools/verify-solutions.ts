// Runs every reference solution and known-wrong solution of the assignments directly on this machine (python3,
// javac/java, Python's sqlite3), WITHOUT a sandbox, to check that the expected outputs are right while writing
// assignments. Only for trusted instructor code. The real check, in the sandbox, is `pnpm edgelab check assignments`.
//
//   node --import tsx assignments/tools/verify-solutions.ts [file-or-id ...]
//
// A reference solution must pass every test; a wrong solution must fail at least one, with its `expectVerdict`
// as the first failing verdict when set. Times are the host's wall-clock times, so `time_limit` is approximate.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareOutput,
  compareResultSets,
  DEFAULT_LIMITS,
  parseAssignmentText,
  type Assignment,
  type LanguageId,
  type Source,
  type SqlResultSet,
  type TestCase,
} from '../../packages/core/src/index.js';

const assignmentsDir = fileURLToPath(new URL('..', import.meta.url));
const MAIN_FILE: Record<LanguageId, string> = { python: 'solution.py', java: 'Main.java', sql: 'query.sql' };

type Outcome = { verdict: string; message?: string; ms: number };

function parse(path: string): Assignment {
  return parseAssignmentText(readFileSync(path, 'utf8'), basename(path));
}

function files(source: Source | undefined, main: string): Record<string, string> {
  if (source === undefined) return {};
  return typeof source === 'string' ? { [main]: source } : { ...source };
}

const SQL_HARNESS = `
import json, sqlite3, sys
schema, setup, query = (open(p).read() for p in sys.argv[1:4])
db = sqlite3.connect(':memory:')
db.executescript(schema)
db.executescript(setup)
cur = db.execute(query)
print(json.dumps({"columns": [d[0] for d in cur.description], "rows": [list(r) for r in cur.fetchall()]}))
`;

const UNIT_HARNESS = `
import importlib.util, sys
code = sys.stdin.read()
entry = sys.argv[1] if len(sys.argv) > 1 else ''
spec = importlib.util.spec_from_file_location('solution', 'solution.py')
module = importlib.util.module_from_spec(spec)
sys.modules['solution'] = module
spec.loader.exec_module(module)
scope = dict(vars(module))
exec(compile(code, 'test', 'exec'), scope)
if entry and 'check' in scope:
    scope['check'](scope[entry])
print('UNIT-PASSED')
`;

function runTest(a: Assignment, lang: LanguageId, dir: string, t: TestCase): Outcome {
  const limits = { ...DEFAULT_LIMITS, ...a.limits, ...a.languages[lang]?.limits, ...t.limits };
  let command: string[];
  let stdin = '';
  if (t.kind === 'sql') {
    writeFileSync(join(dir, '.schema.sql'), a.sqlSchema ?? '');
    writeFileSync(join(dir, '.setup.sql'), t.setup);
    command = ['python3', '-c', SQL_HARNESS, '.schema.sql', '.setup.sql', 'query.sql'];
  } else if (t.kind === 'unit') {
    command = ['python3', '-c', UNIT_HARNESS, t.entryPoint ?? ''];
    stdin = t.code;
  } else {
    command = lang === 'java' ? ['java', '-Xss64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', '.', 'Main'] : ['python3', 'solution.py'];
    stdin = t.input;
  }
  const started = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), {
    cwd: dir,
    input: stdin,
    encoding: 'utf8',
    timeout: limits.timeMs * 1.5 + (lang === 'java' ? 500 : 0),
    maxBuffer: limits.outputKb * 1024 * 4,
    killSignal: 'SIGKILL',
  });
  const ms = Math.round(performance.now() - started);
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { verdict: 'time_limit', ms };
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOBUFS') return { verdict: 'output_limit', ms };
  if (ms > limits.timeMs + (lang === 'java' ? 500 : 0)) return { verdict: 'time_limit', ms };
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    if (t.kind === 'unit' && /AssertionError/.test(last)) return { verdict: 'wrong_answer', message: last, ms };
    if (/MemoryError|OutOfMemoryError/.test(r.stderr)) return { verdict: 'memory_limit', message: last, ms };
    return { verdict: 'runtime_error', message: last, ms };
  }
  if (t.kind === 'unit') return r.stdout.includes('UNIT-PASSED') ? { verdict: 'accepted', ms } : { verdict: 'wrong_answer', ms };
  const comparator = t.comparator ?? a.comparator ?? (t.kind === 'sql' ? { kind: 'sql' as const } : { kind: 'lines' as const });
  const result =
    t.kind === 'sql'
      ? compareResultSets(comparator, t.expected, JSON.parse(r.stdout) as SqlResultSet)
      : compareOutput(comparator, t.expected, r.stdout);
  return result.passed ? { verdict: 'accepted', ms } : { verdict: 'wrong_answer', message: result.reason, ms };
}

function grade(a: Assignment, lang: LanguageId, source: Source): { outcomes: Outcome[]; compileError?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgelab-verify-'));
  try {
    const entry = a.languages[lang]!;
    for (const [name, content] of Object.entries({ ...entry.support, ...files(source, MAIN_FILE[lang]) })) {
      writeFileSync(join(dir, name), content);
    }
    if (lang === 'java') {
      const javaFiles = readdirSync(dir).filter((f) => f.endsWith('.java'));
      const c = spawnSync('javac', ['-encoding', 'UTF-8', '-d', '.', ...javaFiles], { cwd: dir, encoding: 'utf8' });
      if (c.status !== 0) return { outcomes: [], compileError: c.stderr.split('\n')[0] };
    }
    const outcomes: Outcome[] = [];
    for (const t of a.tests) {
      const o = runTest(a, lang, dir, t);
      outcomes.push(o);
      // one time-out is enough to know the verdict; the rest would only burn CPU
      if (o.verdict === 'time_limit') break;
    }
    return { outcomes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function overall(g: { outcomes: Outcome[]; compileError?: string }): string {
  if (g.compileError !== undefined) return 'compile_error';
  return g.outcomes.find((o) => o.verdict !== 'accepted')?.verdict ?? 'accepted';
}

const wanted = process.argv.slice(2).map((x) => basename(x).replace(/\.json$/, ''));
const paths = readdirSync(assignmentsDir)
  .filter((f) => f.endsWith('.json'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.json$/, '')))
  .map((f) => join(assignmentsDir, f));
let failures = 0;
for (const path of paths) {
  let a: Assignment;
  try {
    a = parse(path);
  } catch (error) {
    failures++;
    console.log(`FAIL ${basename(path)}: invalid: ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  for (const [lang, entry] of Object.entries(a.languages) as [LanguageId, NonNullable<Assignment['languages'][LanguageId]>][]) {
    if (entry.solution === undefined) {
      failures++;
      console.log(`FAIL ${a.id} [${lang}]: no reference solution`);
      continue;
    }
    const ref = grade(a, lang, entry.solution);
    const refVerdict = overall(ref);
    const slowest = Math.max(0, ...ref.outcomes.map((o) => o.ms));
    if (refVerdict !== 'accepted') {
      failures++;
      const bad = ref.outcomes.findIndex((o) => o.verdict !== 'accepted');
      console.log(`FAIL ${a.id} [${lang}] reference: ${refVerdict} ${ref.compileError ?? ''} at test ${bad} "${a.tests[bad]?.name}": ${ref.outcomes[bad]?.message ?? ''}`);
    } else {
      console.log(`ok   ${a.id} [${lang}] reference: accepted (${a.tests.length} tests, slowest ${slowest} ms)`);
    }
    for (const w of entry.wrongSolutions ?? []) {
      const g = grade(a, lang, w.code);
      const v = overall(g);
      const bad = g.outcomes.findIndex((o) => o.verdict !== 'accepted');
      const where = g.compileError !== undefined ? g.compileError : `first failure at test ${bad} "${a.tests[bad]?.name}"`;
      if (v === 'accepted' || (w.expectVerdict !== undefined && w.expectVerdict !== v)) {
        failures++;
        console.log(`FAIL ${a.id} [${lang}] wrong "${w.name}": got ${v}, expected ${w.expectVerdict ?? 'not accepted'} (${where})`);
      } else {
        console.log(`ok   ${a.id} [${lang}] wrong "${w.name}": ${v} (${where})`);
      }
    }
  }
}
console.log(failures === 0 ? `\nall ${paths.length} assignment(s) verified` : `\n${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
