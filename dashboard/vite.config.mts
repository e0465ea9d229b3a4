import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard is a static build served by the api under /dashboard
 * (src/dashboard/serve-dashboard.ts); it loads nothing from another origin.
 * No React plugin: Vite's own transform compiles JSX, and a production
 * build needs no fast refresh.
 */
export default defineConfig({
  root,
  base: '/dashboard/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // `npx vite --config dashboard/vite.config.mts` for work on the page: the API stays on :3000.
    proxy: { '/admin': 'http://127.0.0.1:3000', '/scim': 'http://127.0.0.1:3000' },
  },
});
