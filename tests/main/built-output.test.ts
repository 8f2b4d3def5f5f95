/**
 * Static checks of what `npm run build` writes to out/ and of the packaging settings:
 * what Electron will load, read as Electron reads it, without running Electron.
 * One content security policy, and every URL the page uses allowed by it; the preload one
 * CommonJS file requiring only electron (a sandboxed preload gets nothing else); no
 * top-level await in main (the privileged schemes must be registered before ready);
 * the packaging of native files and of the daily job.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import ts from 'typescript';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake } from './fake-electron';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, mediaPath, shareMediaPath } from '../../electron/main/policy';
import { scheduleCommandFor } from '../../electron/main/schedule-command';
import { writeTestModel } from '../../scripts/make-test-model';
import { appExecutable, packagedEnforceCommand } from '../../electron/core/services/project-end/headless-enforce';
import { systemdUnits } from '../../electron/core/services/project-end/schedule';
import { DROP_CHANNEL, EVENT_CHANNEL, IPC_CHANNEL } from '@shared/ipc-channels';

vi.mock('electron', async () => {
  const m = await import('./fake-electron');
  return { ...m.electronModule, default: m.electronModule };
});

const ROOT = path.join(import.meta.dirname, '..', '..');
const OUT = path.join(ROOT, 'out');
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');

/** A policy as directive → sources. */
function parsePolicy(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
}

/** Whether `url`, loaded by the page at `pageUrl`, is allowed by `directive` (falling back to default-src). */
function allows(policy: Map<string, string[]>, directive: string, url: string, pageUrl: string): boolean {
  const sources = policy.get(directive) ?? policy.get('default-src') ?? [];
  const u = new URL(url, pageUrl);
  const page = new URL(pageUrl);
  return sources.some((s) => (s === "'self'" ? u.protocol === page.protocol && u.host === page.host : s.endsWith(':') ? u.protocol === s : false));
}

describe('the page: one policy, and every URL it uses allowed', () => {
  const html = read(OUT, 'renderer', 'index.html');
  const policy = parsePolicy(CONTENT_SECURITY_POLICY);
  const page = `${APP_ORIGIN}/index.html`;

  it('has no policy of its own beside the one the app sends', () => {
    expect(html).not.toMatch(/http-equiv=["']?content-security-policy/i);
  });

  it('loads its scripts, styles and icon from its own origin', () => {
    const refs: [string, string][] = [
      ...[...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m): [string, string] => ['script-src', m[1]!]),
      ...[...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m): [string, string] => ['style-src', m[1]!]),
      ...[...html.matchAll(/<link[^>]*rel="icon"[^>]*href="([^"]+)"/g)].map((m): [string, string] => ['img-src', m[1]!]),
    ];
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const [directive, ref] of refs) expect(allows(policy, directive, ref, page), ref).toBe(true);
  });

  it('plays and fetches recordings (waveform and drafts of M4A/WebM) from where the policy allows', () => {
    for (const url of [`${APP_ORIGIN}${mediaPath('0'.repeat(32))}`, `${APP_ORIGIN}${shareMediaPath('1'.repeat(32), '0'.repeat(32))}`]) {
      expect(allows(policy, 'media-src', url, page), url).toBe(true);
      expect(allows(policy, 'connect-src', url, page), url).toBe(true);
    }
    // And nothing elsewhere: no other origin, no other scheme.
    expect(allows(policy, 'connect-src', 'https://api.example.com/', page)).toBe(false);
    expect(allows(policy, 'connect-src', 'hvelv-media://recording/x', page)).toBe(false);
    expect(allows(policy, 'script-src', 'data:text/javascript,1', page)).toBe(false);
  });

  it('names no other origin or scheme for anything it loads', () => {
    const js = fs.readdirSync(path.join(OUT, 'renderer', 'assets')).filter((f) => f.endsWith('.js')).map((f) => read(OUT, 'renderer', 'assets', f)).join('\n');
    expect(js).not.toContain('hvelv-media:');
    expect(js).not.toMatch(/fetch\(\s*["'`]https?:/);
  });
});

describe('the preload', () => {
  const file = path.join(OUT, 'preload', 'index.cjs');
  const source = read(file);

  it('is one CommonJS file that requires electron and nothing else', () => {
    const requires = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(source).not.toMatch(/^\s*import\s|^\s*export\s/m);
    expect(fs.readdirSync(path.join(OUT, 'preload'))).toEqual(['index.cjs']);
  });

  it('exposes invoke, onEvent and grantDroppedFile, each only over our channels', async () => {
    fake.reset();
    const { electronModule } = await import('./fake-electron');
    // As Electron runs a sandboxed preload: a function with a require that knows only 'electron'.
    const sandboxRequire = (id: string) => {
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return electronModule;
    };
    vm.runInNewContext(source, { require: sandboxRequire, module: { exports: {} }, exports: {}, console, Promise, File });
    const api = fake.exposed.get('hvelv') as {
      invoke(m: string, i: unknown): Promise<unknown>;
      onEvent(fn: (e: unknown) => void): () => void;
      grantDroppedFile(f: File): Promise<unknown>;
    };
    expect(Object.keys(api).sort()).toEqual(['grantDroppedFile', 'invoke', 'onEvent']);
    await api.invoke('app.info', {});
    expect(fake.rendererInvokes).toEqual([{ channel: IPC_CHANNEL, args: ['app.info', {}] }]);
    const events: unknown[] = [];
    const off = api.onEvent((e) => events.push(e));
    fake.deliverToRenderer(EVENT_CHANNEL, { type: 'locked', reason: 'user' });
    off();
    fake.deliverToRenderer(EVENT_CHANNEL, { type: 'locked', reason: 'idle' });
    // The listener gets the event alone, never Electron's IpcRendererEvent (with its sender).
    expect(events).toEqual([{ type: 'locked', reason: 'user' }]);
    await api.grantDroppedFile(fake.droppedFile('intervju.wav', '/home/student/intervju.wav'));
    expect(fake.rendererInvokes.at(-1)).toEqual({ channel: DROP_CHANNEL, args: ['/home/student/intervju.wav'] });
    // A File made by the page (not dropped from disk) has no path: nothing is asked.
    expect(await api.grantDroppedFile(new File(['x'], 'made.wav'))).toBe(null);
    expect(fake.rendererInvokes).toHaveLength(2);
  });
});

describe('main', () => {
  beforeEach(() => fake.reset());

  it('has no top-level await in the app\'s main or what it imports statically (schemes must be registered before ready)', () => {
    // index.js and the chunks it imports, transitively (cli.js, the `hvelv` command, may await).
    const files = new Set<string>();
    const walk = (f: string): void => {
      if (files.has(f)) return;
      files.add(f);
      for (const m of read(OUT, 'main', f).matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)";?$|^import\s*"(\.[^"]+)";?$/gm)) walk(path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1] ?? m[2]!)));
    };
    walk('index.js');
    expect(files.size).toBeGreaterThan(1);
    for (const f of files) {
      const sf = ts.createSourceFile(f, read(OUT, 'main', f), ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
      const found: number[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
        if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found.push(sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1);
        ts.forEachChild(node, visit);
      };
      visit(sf);
      expect(found, `${f}: top-level await on lines ${found.join(', ')}`).toEqual([]);
    }
  });
});

describe('packaging', () => {
  const yml = read(ROOT, 'electron-builder.yml');

  it('unpacks every native file from the ASAR, and does not rebuild the repo\'s own modules', () => {
    expect(yml).toMatch(/^asarUnpack:\n\s+- "\*\*\/\*\.node"$/m);
    expect(yml).toMatch(/^npmRebuild: false$/m);
    // The Electron build of better-sqlite3 goes where main looks for it when packaged.
    expect(yml).toMatch(/extraResources:\n\s+- from: \.native\/stage\/better_sqlite3\.node\n\s+to: native\/better_sqlite3\.node/);
    expect(read(ROOT, 'electron', 'main', 'index.ts')).toContain("path.join(process.resourcesPath, 'native', 'better_sqlite3.node')");
    expect(JSON.parse(read(ROOT, 'package.json')).scripts.dist).toMatch(/^node scripts\/electron-native\.mjs && /);
  });

  it('ships the .deb on Linux, and no AppImage', () => {
    expect(yml).toMatch(/^\s+target: \[deb\]$/m);
    expect(yml).not.toMatch(/AppImage,|\[AppImage/);
    expect(yml).toMatch(/depends: \[libgtk-3-0, libnotify4, libnss3, libxss1, libxtst6, xdg-utils, libatspi2\.0-0, libuuid1, libsecret-1-0/);
  });

  it('unpacks the speech engine\'s whole platform package (its addon loads onnxruntime beside it), and the worker loads the engine from node_modules', () => {
    const unpacked = [...yml.slice(yml.indexOf('asarUnpack:')).matchAll(/^\s+- "([^"]+)"$/gm)].map((m) => m[1]!);
    for (const pkg of ['sherpa-onnx-linux-x64', 'sherpa-onnx-darwin-arm64', 'sherpa-onnx-win-x64']) {
      for (const f of ['sherpa-onnx.node', 'libonnxruntime.so', 'libonnxruntime.1.23.2.dylib', 'onnxruntime.dll', 'sherpa-onnx-c-api.dll']) {
        expect(unpacked.some((g) => path.matchesGlob(`node_modules/${pkg}/${f}`, g)), `${pkg}/${f}`).toBe(true);
      }
    }
    // Bundled, sherpa-onnx-node's addon.js would look for its platform package beside out/main.
    const worker = read(OUT, 'main', 'asr-worker.js');
    expect(worker).toMatch(/["']sherpa-onnx-node["']/);
    expect(worker).not.toMatch(/possible_paths/);
  });

  it('the built recognition process (out/main/asr-worker.js) loads the engine from node_modules and recognises a window', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-worker-')), 'micro');
    const m = writeTestModel(dir, 'micro');
    const child = fork(path.join(OUT, 'main', 'asr-worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const got: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      child.on('message', (msg: { t: string; message?: string }) => {
        got.push(msg.t);
        if (msg.t === 'more' && got.filter((t) => t === 'more').length === 1) {
          // Two seconds of a loud tone, 16-bit 16 kHz: one window.
          const pcm = Buffer.alloc(32_000 * 2);
          for (let i = 0; i < pcm.length / 2; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin(i / 8)), i * 2);
          child.send({ t: 'audio', bytes: pcm });
        } else if (msg.t === 'more') child.send({ t: 'end' });
        if (msg.t === 'done') resolve();
        if (msg.t === 'error') reject(new Error(msg.message));
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    child.send({ t: 'start', model: { encoder: m.encoder, decoder: m.decoder, tokens: m.tokens }, language: 'nb', format: 'pcm16', threads: 1 });
    try {
      await done;
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
    expect(got[0]).toBe('ready');
    expect(got).toContain('window');
  }, 120_000);

  it('the built unpacking thread (out/main/model-unpack.js) loads tar and unbzip2-stream from node_modules and unpacks a model for the built command', async () => {
    const worker = read(OUT, 'main', 'model-unpack.js');
    expect(worker).toMatch(/from ["']tar["']/);
    expect(worker).toMatch(/from ["']unbzip2-stream\/lib\/bzip2.js["']/);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-unpack-'));
    const { modelArchive } = await import('../core/model-archive');
    const { file } = modelArchive(home, 'sherpa-onnx-whisper-micro');
    // The built command (out/main/cli.js), which finds the thread's script beside it, not the TypeScript.
    const child = fork(path.join(OUT, 'main', 'cli.js'), ['model', 'install', file, '--json'], { env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config') }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.resume();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      expect(code, out).toBe(0);
      const got = JSON.parse(out) as { ok: boolean; dir: string };
      expect(got.ok).toBe(true);
      expect(fs.readdirSync(got.dir).sort()).toEqual(expect.arrayContaining(['decoder.onnx', 'encoder.onnx', 'tokens.txt']));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('the built waveform decoder (out/main/decode-worker.js) is where the bundled import looks for it, and gives an MP3 the peaks the source gives (a missing one would mean no waveform, silently)', async () => {
    const chunks = path.join(OUT, 'main', 'chunks');
    const starter = fs.readdirSync(chunks).filter((f) => read(chunks, f).includes('"decode-worker.js"'));
    expect(starter.length).toBeGreaterThan(0);
    // peaks-worker.ts looks beside its own file, then one folder up.
    expect([chunks, path.dirname(chunks)].some((d) => fs.existsSync(path.join(d, 'decode-worker.js')))).toBe(true);
    const mp3 = fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'audio', 'tone.mp3'));
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(path.join(OUT, 'main', 'decode-worker.js'), { workerData: { format: 'mp3', durationMs: 2000, cancel: new SharedArrayBuffer(4) } });
    const got = new Promise<Uint8Array | null>((resolve, reject) => {
      w.on('message', (m: { t: string; peaks?: Uint8Array | null }) => m.t === 'peaks' && resolve(m.peaks ?? null));
      w.on('error', reject);
      w.on('exit', () => reject(new Error('the built decode worker stopped without peaks')));
    });
    const buf = new ArrayBuffer(mp3.length);
    new Uint8Array(buf).set(mp3);
    w.postMessage({ t: 'bytes', buf, len: mp3.length }, [buf]);
    w.postMessage({ t: 'end' });
    const built = await got;
    const { StreamingPeaks } = await import('../../electron/core/services/recordings/peaks');
    const here = (await StreamingPeaks.create('mp3', 2000))!;
    for (let at = 0; at < mp3.length; at += 16 * 1024) await here.push(mp3.subarray(at, at + 16 * 1024));
    const source = (await here.end()).peaks;
    here.free();
    expect(built).not.toBeNull();
    expect(Buffer.from(built!).equals(Buffer.from(source))).toBe(true);
  });

  it('never lets sherpa-onnx hand back an external buffer (Electron refuses them): every call that has the option sets it false', () => {
    // The methods of sherpa-onnx-node whose results are external ArrayBuffers unless told otherwise, from its own sources.
    const lib = path.join(ROOT, 'node_modules', 'sherpa-onnx-node');
    const risky = new Set<string>();
    for (const f of fs.readdirSync(lib).filter((n) => n.endsWith('.js'))) {
      const src = read(lib, f);
      for (const m of src.matchAll(/^\s+(\w+)\([^)]*enableExternalBuffer[^)]*\)\s*\{/gm)) risky.add(m[1]!);
      for (const m of src.matchAll(/@function module\.exports\.(\w+)[\s\S]*?enableExternalBuffer/g)) risky.add(m[1]!);
    }
    expect([...risky]).toEqual(expect.arrayContaining(['front', 'compute']));
    const dir = path.join(ROOT, 'electron', 'core', 'services', 'asr');
    // The files that hold the engine's objects: those that load it.
    const users = fs.readdirSync(dir).filter((n) => n.endsWith('.ts') && /loadSherpa\(\)/.test(read(dir, n)));
    expect(users).toContain('worker.ts');
    for (const f of users) {
      const src = read(dir, f);
      for (const name of risky) {
        for (const call of src.matchAll(new RegExp(`\\.${name}\\(([^)]*)\\)`, 'g'))) {
          expect(call[1], `${f}: .${name}(${call[1]})`).toMatch(/ENGINE_OPTIONS|false/);
        }
      }
    }
    expect(read(dir, 'worker.ts')).toMatch(/ENGINE_OPTIONS = \{ enableExternalBuffer: false \}/);
  });

  it("points the daily job at an AppImage's own file, not its temporary mount", () => {
    const mount = '/tmp/.mount_HvelvX1/hvelv';
    expect(appExecutable({ APPIMAGE: '/home/student/Programmer/Hvelv.AppImage' }, mount)).toBe('/home/student/Programmer/Hvelv.AppImage');
    expect(appExecutable({}, '/opt/Hvelv/hvelv')).toBe('/opt/Hvelv/hvelv');
    expect(appExecutable({ APPIMAGE: 'relative/Hvelv.AppImage' }, '/opt/Hvelv/hvelv')).toBe('/opt/Hvelv/hvelv');
    const units = systemdUnits(
      { vaultId: 'a'.repeat(32), vaultPath: '/home/student/Hvelv/Studie', title: 'Studie', ownerKey: 'K', command: packagedEnforceCommand(appExecutable({ APPIMAGE: '/home/student/Hvelv.AppImage' }, mount)) },
      '/home/student/.config',
    );
    const service = units.map((u) => u.content).join('\n');
    expect(service).toContain('ExecStart="/home/student/Hvelv.AppImage" "--ozone-platform=headless" "enforce" "/home/student/Hvelv/Studie"');
    expect(service).not.toContain('.mount_');
    // What main hands the schedule, packaged inside an AppImage, and in development.
    expect(scheduleCommandFor({ isPackaged: true, appPath: '/tmp/.mount_HvelvX1/resources/app.asar' }, mount, { APPIMAGE: '/home/student/Hvelv.AppImage' }).argv[0]).toBe('/home/student/Hvelv.AppImage');
    expect(scheduleCommandFor({ isPackaged: true, appPath: '/opt/Hvelv/resources/app.asar' }, '/opt/Hvelv/hvelv', {}).argv[0]).toBe('/opt/Hvelv/hvelv');
    expect(scheduleCommandFor({ isPackaged: false, appPath: ROOT }, '/usr/bin/electron', { APPIMAGE: '/x.AppImage' })).toEqual({ argv: ['/usr/bin/electron', path.join(ROOT, 'out', 'main', 'cli.js')], env: { ELECTRON_RUN_AS_NODE: '1' } });
  });
});
