import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * out/main/sources.json: every source file this build bundled (from the chunks' own module
 * lists) with its modification time, taken before the file was read. bin/hvelv.js stats
 * just these to tell whether the bundle is stale, instead of walking every folder of the
 * source at each start (docs/benchmarks.md).
 */
function sourceList(): Plugin {
  const root = resolve('.');
  const ours = (id: string): string | null => {
    const file = id.split('?')[0]!;
    return !file.startsWith('\0') && file.startsWith(root + sep) && !file.includes(`${sep}node_modules${sep}`) ? file : null;
  };
  const seen = new Map<string, { mtimeMs: number; readAt: number }>();
  const stat = (file: string): void => {
    if (!seen.has(file)) seen.set(file, { mtimeMs: statSync(file).mtimeMs, readAt: Date.now() });
  };
  return {
    name: 'hvelv-source-list',
    buildStart() {
      seen.clear();
      stat(resolve('electron.vite.config.ts'));
    },
    // Before the file is read: a change after this shows as another time.
    load(id) {
      const file = ours(id);
      if (file && existsSync(file)) stat(file);
      return null;
    },
    writeBundle(options, bundle) {
      const files: Record<string, { mtimeMs: number; readAt: number }> = { 'electron.vite.config.ts': seen.get(resolve('electron.vite.config.ts'))! };
      for (const out of Object.values(bundle) as { type: string; moduleIds?: string[] }[]) {
        if (out.type !== 'chunk' || !out.moduleIds) continue;
        for (const id of out.moduleIds) {
          const file = ours(id);
          const s = file && seen.get(file);
          if (file && s) files[relative(root, file).split(sep).join('/')] = s;
        }
      }
      const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
      // Written last, after the chunks: a list older than cli.js is not this build's.
      writeFileSync(join(options.dir ?? 'out/main', 'sources.json'), `${JSON.stringify({ files: sorted }, null, 1)}\n`);
    },
  };
}

export default defineConfig({
  main: {
    plugins: [sourceList()],
    build: {
      outDir: 'out/main',
      // zod is bundled, not loaded from node_modules: its ~80 module files cost the
      // daily `hvelv enforce` most of its start-up (docs/benchmarks.md).
      externalizeDeps: { exclude: ['zod'] },
      rolldownOptions: {
        // The app and the `hvelv` command share one bundle of core.
        input: {
          index: resolve('electron/main/index.ts'),
          cli: resolve('electron/cli/main.ts'),
          // The recognition process (a child of the app and of the CLI), found beside them by draft.ts.
          'asr-worker': resolve('electron/core/services/asr/worker.ts'),
          // The waveform's decode thread (a worker_threads worker), found beside them by recordings/peaks-worker.ts.
          'decode-worker': resolve('electron/core/services/recordings/decode-worker.ts'),
          // The model archive's unpacking thread (bzip2 and tar off the main thread), found beside them by install.ts.
          'model-unpack': resolve('electron/core/services/asr/unpack-worker.ts'),
        },
        output: {
          // Each chunk file costs an ES module's resolve, read, compile and link at start
          // (about a millisecond here): what `hvelv --help` and `hvelv enforce` with
          // nothing due load is kept to a few files (docs/benchmarks.md).
          codeSplitting: {
            groups: [
              // Every process of the app needs this one; it stays apart from the command's code.
              { name: 'errors', test: /[\\/]electron[\\/]core[\\/]errors\.ts$/, priority: 2 },
              // Each group takes in what its modules import (but errors.ts).
              { name: 'cli', test: /[\\/]electron[\\/]cli[\\/](index|io|context|args)\.ts$/ },
              { name: 'enforce', test: /[\\/]electron[\\/](cli[\\/]commands[\\/]enforce|core[\\/]crypto[\\/](ed25519|sizes)|core[\\/]services[\\/]project-end[\\/]headless-enforce)\.ts$/ },
            ],
          },
        },
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
