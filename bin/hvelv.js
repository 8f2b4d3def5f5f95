#!/usr/bin/env node
// The `hvelv` command. It runs the bundled out/main/cli.js (the fast path, see
// docs/benchmarks.md) whenever that bundle is there and no older than the source it was
// built from; from a checkout whose source changed since the last `npm run build` it
// compiles the TypeScript in electron/cli through tsx instead (a dev dependency; half a
// second and more), so a stale bundle never runs. HVELV_FROM_SOURCE=1 forces the source.
//
// Whether the bundle is stale: the build writes out/main/sources.json, every source file
// it bundled with its modification time taken before the file was read. If any of them is
// gone or has another time now, the bundle is stale. Only those files are looked at (a
// file the bundle does not hold cannot change it without a change to one that imports
// it). Without that list (a bundle built before it existed), every .ts under electron/
// and shared/ is compared with the bundle's own time, as before: a walk of every folder
// at each start.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'electron', 'cli', 'main.ts');
const built = join(root, 'out', 'main', 'cli.js');
const listFile = join(root, 'out', 'main', 'sources.json');
// Filesystems that keep modification times in whole seconds (HFS+; FAT in two) cannot show
// a change made in the same second as the time taken: such a time, taken less than two
// seconds after it, proves nothing, and the source runs until the next build.
const COARSE_MTIME_MS = 2000;

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

/** This build's list of its source files, or null when there is none (or it is another build's). */
function sourceList() {
  try {
    if (statSync(listFile).mtimeMs < statSync(built).mtimeMs) return null;
    const files = JSON.parse(readFileSync(listFile, 'utf8')).files;
    return files && typeof files === 'object' && Object.keys(files).length > 0 ? files : null;
  } catch {
    return null;
  }
}

function bundleIsCurrent() {
  const files = sourceList();
  if (!files) return statSync(built).mtimeMs >= Math.max(newest(join(root, 'electron')), newest(join(root, 'shared')));
  for (const [f, then] of Object.entries(files)) {
    // root ends with a separator; path.join's normalising would cost more than the stats.
    const now = statSync(root + f, { throwIfNoEntry: false });
    if (!now || now.mtimeMs !== then.mtimeMs) return false;
    if (then.mtimeMs % 1000 === 0 && then.readAt - then.mtimeMs < COARSE_MTIME_MS) return false;
  }
  return true;
}

const useBuilt = existsSync(built) && (!existsSync(source) || (process.env.HVELV_FROM_SOURCE !== '1' && bundleIsCurrent()));

if (useBuilt) {
  await import(new URL('../out/main/cli.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../electron/cli/main.ts', import.meta.url).href);
}
