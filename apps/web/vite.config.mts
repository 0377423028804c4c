import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The API the dev server proxies to (`npm start` listens on 8000). */
const apiTarget = process.env.MOXNAS_API_URL ?? 'http://localhost:8000';

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: { '@moxnas/contracts': here('../../libs/contracts/src/index.ts') },
  },
  server: {
    port: 4200,
    proxy: {
      // ws: true carries the /api/events WebSocket through the same proxy.
      '/api': { target: apiTarget, changeOrigin: false, ws: true },
    },
  },
  preview: { port: 4300 },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    // The manifest lets scripts/bundle-size.mjs measure exactly what the first page loads.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      treeshake: {
        // The contracts are declarations only: zod schemas and endpoint objects. Saying so lets the
        // bundler drop the ones a chunk does not use, instead of shipping every module's schemas
        // in the first page load.
        moduleSideEffects: [{ test: /libs\/contracts\/src\//, sideEffects: false }],
        manualPureFunctions: ['z', 'endpoint', 'page'],
      },
    },
  },
});
