import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // The runtime Dockerfiles ship with the package (dist/images) so `buildImages` works outside a checkout.
  onSuccess: async () => cpSync('../../images', 'dist/images', { recursive: true }),
});
