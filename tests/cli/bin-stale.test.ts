/**
 * bin/hvelv.js never runs a stale bundle: it runs out/main/cli.js only when every source
 * file the build listed in out/main/sources.json still has the time it had when the build
 * read it, and compiles the source otherwise. Checked on a small checkout of its own (the
 * real bin/hvelv.js, a "bundle" and a "source" that each say which ran), and on the real
 * build's list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../core/helpers';

const ROOT = path.join(import.meta.dirname, '..', '..');

function checkout(): { root: string; which: (env?: Record<string, string>) => string; write: (rel: string, text: string) => void; list: (override?: Record<string, { mtimeMs: number; readAt: number }>) => void } {
  const root = tempDir('hvelv-bin-');
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'hvelv.js'), path.join(root, 'bin', 'hvelv.js'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  write('package.json', '{ "type": "module" }\n');
  write('electron/cli/main.ts', "const said: string = 'SOURCE';\nconsole.log(said);\n");
  write('shared/a.ts', 'export const a = 1;\n');
  write('electron/other.ts', 'export const notBundled = 1;\n');
  // Times in the past, so that "changed since" is a plain later time.
  const past = Date.now() / 1000 - 3600;
  for (const f of ['electron/cli/main.ts', 'shared/a.ts', 'electron/other.ts']) fs.utimesSync(path.join(root, f), past + 0.123, past + 0.123);
  write('out/main/cli.js', "console.log('BUNDLE');\n");
  const list = (override?: Record<string, { mtimeMs: number; readAt: number }>): void => {
    const files = override ?? Object.fromEntries(['electron/cli/main.ts', 'shared/a.ts'].map((f) => { const m = fs.statSync(path.join(root, f)).mtimeMs; return [f, { mtimeMs: m, readAt: m + 60_000 }]; }));
    write('out/main/sources.json', `${JSON.stringify({ files })}\n`);
  };
  list();
  const which = (env: Record<string, string> = {}): string => {
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'hvelv.js')], { encoding: 'utf8', env: { ...process.env, HVELV_FROM_SOURCE: '', ...env } });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  return { root, which, write, list };
}

describe('bin/hvelv.js and a stale bundle', () => {
  it('runs the bundle when no listed source changed, also when a file the bundle does not hold did', () => {
    const c = checkout();
    expect(c.which()).toBe('BUNDLE');
    c.write('electron/other.ts', 'export const notBundled = 2;\n');
    expect(c.which()).toBe('BUNDLE');
  });

  it('compiles the source when a listed file was changed, touched, or removed since the build read it', () => {
    const c = checkout();
    c.write('shared/a.ts', 'export const a = 2;\n');
    expect(c.which()).toBe('SOURCE');
    c.list();
    expect(c.which()).toBe('BUNDLE');
    // An older time counts too (a file put back from a backup or another branch).
    fs.utimesSync(path.join(c.root, 'shared', 'a.ts'), 1_000_000, 1_000_000);
    expect(c.which()).toBe('SOURCE');
    c.list();
    fs.rmSync(path.join(c.root, 'shared', 'a.ts'));
    expect(c.which()).toBe('SOURCE');
  });

  it('a whole-second time taken within two seconds of the read proves nothing (HFS+, FAT): the source runs', () => {
    const c = checkout();
    fs.utimesSync(path.join(c.root, 'shared', 'a.ts'), 1_700_000_000, 1_700_000_000);
    c.list({ 'electron/cli/main.ts': { mtimeMs: fs.statSync(path.join(c.root, 'electron/cli/main.ts')).mtimeMs, readAt: Date.now() }, 'shared/a.ts': { mtimeMs: 1_700_000_000_000, readAt: 1_700_000_001_500 } });
    expect(c.which()).toBe('SOURCE');
    c.list({ 'electron/cli/main.ts': { mtimeMs: fs.statSync(path.join(c.root, 'electron/cli/main.ts')).mtimeMs, readAt: Date.now() }, 'shared/a.ts': { mtimeMs: 1_700_000_000_000, readAt: 1_700_000_005_000 } });
    expect(c.which()).toBe('BUNDLE');
  });

  it('without a list of this build (none, damaged, or older than cli.js) every .ts is compared with the bundle, as before', () => {
    const c = checkout();
    fs.rmSync(path.join(c.root, 'out', 'main', 'sources.json'));
    expect(c.which()).toBe('BUNDLE');
    const later = Date.now() / 1000 + 10;
    c.write('electron/other.ts', 'export const notBundled = 2;\n');
    fs.utimesSync(path.join(c.root, 'electron', 'other.ts'), later, later);
    expect(c.which()).toBe('SOURCE');

    const d = checkout();
    const old = Date.now() / 1000 - 60;
    fs.utimesSync(path.join(d.root, 'out', 'main', 'sources.json'), old, old);
    d.write('electron/other.ts', 'export const notBundled = 2;\n');
    fs.utimesSync(path.join(d.root, 'electron', 'other.ts'), later, later);
    expect(d.which()).toBe('SOURCE');
    // A damaged list, and the bundle built after every source: the bundle.
    d.write('out/main/sources.json', '{ "files": ');
    fs.utimesSync(path.join(d.root, 'out', 'main', 'cli.js'), later + 5, later + 5);
    expect(d.which()).toBe('BUNDLE');
  });

  it('HVELV_FROM_SOURCE=1 runs the source whatever the list says', () => {
    expect(checkout().which({ HVELV_FROM_SOURCE: '1' })).toBe('SOURCE');
  });

  it('the real build lists the command and what it loads, with the times their files have', () => {
    const list = JSON.parse(fs.readFileSync(path.join(ROOT, 'out', 'main', 'sources.json'), 'utf8')) as { files: Record<string, { mtimeMs: number; readAt: number }> };
    for (const f of ['electron/cli/main.ts', 'electron/cli/index.ts', 'electron/cli/commands/enforce.ts', 'electron/core/services/project-end/steps.ts', 'shared/i18n/catalogue.ts', 'shared/domain.ts', 'electron/main/index.ts', 'electron.vite.config.ts']) {
      expect(list.files[f], f).toBeDefined();
      expect(fs.existsSync(path.join(ROOT, f)), f).toBe(true);
    }
    expect(Object.keys(list.files).some((f) => f.includes('node_modules'))).toBe(false);
    // Every .ts the command's entry reaches is listed: the list is no smaller than the bundle.
    expect(Object.keys(list.files).length).toBeGreaterThan(100);
  });
});
