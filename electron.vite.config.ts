import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod is bundled, not loaded from node_modules: its ~80 module files cost the
      // daily `hvelv enforce` most of its start-up (docs/benchmarks.md).
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        // The app and the `hvelv` command share one bundle of core.
        input: { index: resolve('electron/main/index.ts'), cli: resolve('electron/cli/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file with everything inlined.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
