import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The npm entry: dependencies stay external so apps share one copy of lit and CodeMirror.
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    // `/edgelab.js`: one self-contained, minified file the server serves to pages that use a plain <script>.
    entry: { edgelab: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    noExternal: [/.*/],
    minify: true,
    sourcemap: false,
    dts: false,
    clean: false,
    target: 'es2022',
    outExtension: () => ({ js: '.js' }),
    async onSuccess() {
      await copyFile('src/index.html', 'dist/index.html');
    },
  },
]);
