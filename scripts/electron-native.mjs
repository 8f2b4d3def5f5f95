#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .native/electron-<version>/, leaving
// node_modules/better-sqlite3 built for Node so that `npm test` keeps working. The app
// (electron/main/index.ts) loads this copy in development, and packaging ships it as
// resources/native/better_sqlite3.node (electron-builder.yml). Run by `npm start` and
// `npm run dist`; idempotent.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const electronVersion = require('electron/package.json').version;
const target = path.join(root, '.native', `electron-${electronVersion}`, 'better_sqlite3.node');

// What packaging takes (electron-builder.yml's extraResources): this version's build.
const stage = path.join(root, '.native', 'stage', 'better_sqlite3.node');
function staged() {
  fs.mkdirSync(path.dirname(stage), { recursive: true });
  fs.copyFileSync(target, stage);
}

if (fs.existsSync(target)) {
  staged();
  process.exit(0);
}

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.native', `build-${electronVersion}`, 'better-sqlite3');
fs.rmSync(path.dirname(work), { recursive: true, force: true });
// Without its own build folder (relative to the package: a checkout under a folder named build must still copy).
fs.cpSync(source, work, {
  recursive: true,
  filter: (p) => {
    const rel = path.relative(source, p);
    return rel !== 'build' && !rel.startsWith(`build${path.sep}`);
  },
});

const run = (cmd, args) => execFileSync(cmd, args, { cwd: work, stdio: 'inherit', env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion } });

console.log(`hvelv: preparing better-sqlite3 for Electron ${electronVersion} (once) …`);
try {
  // A prebuilt binary for Electron's ABI, when the project publishes one.
  run(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion]);
} catch {
  // Otherwise compile against Electron's headers (needs a C++ toolchain).
  const gyp = process.env.npm_config_node_gyp ?? require.resolve('node-gyp/bin/node-gyp.js');
  run(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers']);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
fs.rmSync(path.dirname(work), { recursive: true, force: true });
staged();
console.log(`hvelv: wrote ${path.relative(root, target)}`);
