import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    alias: { '@moxnas/contracts': here('../../libs/contracts/src/index.ts') },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
    // jsdom starts slowly on a shared 2-core box; MUI renders are not instant either. The longest
    // dialog tests (share import, NFS client rows) take 10–16 s alone and passed 20 s at load 8.
    testTimeout: 40_000,
    pool: 'threads',
    css: false,
  },
});
