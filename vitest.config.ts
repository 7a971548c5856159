import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

/** Tests import workspace packages from source, so no build is needed before `vitest`. */
export const workspaceAliases = {
  '@edgelab/core': pkg('core'),
  '@edgelab/executor': pkg('executor'),
  '@edgelab/store': pkg('store'),
  '@edgelab/server': pkg('server'),
  '@edgelab/web-components': pkg('web-components'),
};

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
