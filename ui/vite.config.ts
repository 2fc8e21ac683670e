/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The desktop shell loads `dist/` through its custom protocol; relative asset paths keep that
// working wherever the files are served from.
export default defineConfig({
  plugins: [react()],
  base: './',
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    // The error messages are imported from the shared Fluent catalogue beside the Rust crates
    // (core/wallet-i18n/locales): the dev server may read that folder and this one, nothing else.
    // (Relative to this folder.)
    fs: { allow: ['.', '../core/wallet-i18n/locales'] },
  },
  build: {
    target: 'safari16',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // React in a chunk of its own keeps each file under Vite's 500 kB warning.
    rollupOptions: {
      output: {
        manualChunks: (id: string) => (/node_modules\/(react|react-dom|scheduler)\//.test(id) ? 'react' : undefined),
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
  },
});
