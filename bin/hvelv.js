#!/usr/bin/env node
// The `hvelv` command. It runs the bundled out/main/cli.js (the fast path: about a
// tenth of a second to start, see docs/benchmarks.md) whenever that bundle is there and
// no newer than the source; from a checkout whose source changed since the last
// `npm run build` it compiles the TypeScript in electron/cli through tsx instead (a dev
// dependency; half a second and more), so a stale bundle never runs. HVELV_FROM_SOURCE=1
// forces the source.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'electron', 'cli', 'main.ts');
const built = join(root, 'out', 'main', 'cli.js');

/** The newest modification time of the .ts files under `dir` (0 when there is none). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const hasSource = existsSync(source);
const useBuilt =
  existsSync(built) && (!hasSource || (process.env.HVELV_FROM_SOURCE !== '1' && statSync(built).mtimeMs >= Math.max(newest(join(root, 'electron')), newest(join(root, 'shared')))));

if (useBuilt) {
  await import(new URL('../out/main/cli.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli/main.ts', import.meta.url).href);
}
