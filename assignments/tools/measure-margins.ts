// Grades every reference solution in the real sandbox and prints, per assignment and language, the test that
// used the most CPU time as a share of its time limit. Use it to choose limits: a reference solution should stay
// well below (say < 40 %) so that a slower machine does not fail it, while the naive solutions time out.
//
//   node --import tsx assignments/tools/measure-margins.ts [--backend docker|bwrap] [id ...]
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAssignment, resolveLimits, type LanguageId } from '../../packages/core/src/index.js';
import { createJudge, createSandbox, type SandboxChoice } from '../../packages/executor/src/index.js';

const dir = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const backendFlag = args.indexOf('--backend');
const backend = (backendFlag >= 0 ? args.splice(backendFlag, 2)[1] : 'auto') as SandboxChoice;
const wanted = new Set(args.map((a) => a.replace(/\.json$/, '')));
const sandbox = await createSandbox({ backend, languages: ['python', 'java', 'sql'] });
const judge = createJudge({ sandbox });
console.log(`sandbox: ${sandbox.backend}`);
try {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    if (wanted.size > 0 && !wanted.has(file.replace(/\.json$/, ''))) continue;
    const a = parseAssignment(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')), file);
    for (const [language, entry] of Object.entries(a.languages) as [LanguageId, NonNullable<(typeof a.languages)[LanguageId]>][]) {
      if (entry.solution === undefined) continue;
      const r = await judge.grade(a, { language, code: entry.solution });
      let worst = { share: 0, text: '' };
      for (const t of r.tests) {
        const limit = resolveLimits(a, language, a.tests[t.index]).timeMs;
        const share = t.usage.cpuMs / limit;
        if (share >= worst.share) {
          worst = { share, text: `cpu ${t.usage.cpuMs} ms, wall ${t.usage.wallMs} ms, ${Math.round(t.usage.memoryKb / 1024)} MiB of limit ${limit} ms in "${t.name}"` };
        }
      }
      console.log(`${r.verdict === 'accepted' ? 'ok  ' : 'FAIL'} ${a.id} [${language}] ${r.verdict}: ${(worst.share * 100).toFixed(0)}% (${worst.text})`);
    }
  }
} finally {
  await sandbox.close();
}
