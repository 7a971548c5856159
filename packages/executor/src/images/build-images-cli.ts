/**
 * `pnpm --filter @edgelab/executor images:build -- [--offline] [--force] [--no-docker] [python java sql]`:
 * builds the runtime root file systems and Docker images (the server's `edgelab images build` calls
 * {@link buildImages} the same way).
 */
import { isEdgeLabError, LanguageIdSchema } from '@edgelab/core';
import { buildImages } from './build-images.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const languages = args.filter((a) => !a.startsWith('--')).map((a) => LanguageIdSchema.parse(a));
const started = Date.now();
try {
  const result = await buildImages({
    offline: args.includes('--offline'),
    force: args.includes('--force'),
    ...(args.includes('--no-docker') ? { docker: false as const } : {}),
    ...(languages.length > 0 ? { languages } : {}),
    onProgress: (e) => {
      if (e.status === 'log') {
        if (process.env.EDGELAB_VERBOSE) console.log(`    ${e.target}: ${e.message}`);
        return;
      }
      console.log(`[${e.target}] ${e.status}: ${e.message}`);
    },
  });
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s; built: ${result.built.join(', ') || 'nothing (all current)'}` +
      (result.dockerSkipped ? `; ${result.dockerSkipped}` : ''),
  );
} catch (error) {
  console.error(isEdgeLabError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
