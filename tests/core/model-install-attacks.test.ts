/**
 * The model manager attacked (issue 26 review): the bytes checked are the bytes unpacked,
 * a bzip2 bomb stops early, a redirect never leaves https, a download longer than the
 * known model's archive stops, a killed install's staging folder is gone at the next
 * start, and an archive cannot take the speaker models' folder name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { LOOPBACK_TLS } from './loopback-tls';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Header } from 'tar';
import { bzip2, modelArchive } from './model-archive';
import { installModel, sweepStaging } from '../../electron/core/services/asr/install';
import { listModelFiles, modelFiles, modelsDir as modelsDirOf, speakersDir, type KnownModel } from '../../electron/core/services/asr/models';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { createCrypto } from '../../electron/core/crypto/sodium';

const ROOT = path.resolve(__dirname, '..', '..');
let work: string;
let good: ReturnType<typeof modelArchive>;
let server: http.Server;
let base: string;
const routes = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();

beforeAll(async () => {
  work = tempDir('hvelv-model-attack-');
  good = modelArchive(work, 'sherpa-onnx-whisper-micro');
  server = http.createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route) return route(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => server?.close());

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const freshModels = () => modelsDirOf(tempDir('hvelv-appdata-'));

describe('the model installer under attack', () => {
  it('unpacks exactly the bytes whose hash it checked: a file swapped after the check is refused', async () => {
    const evilWork = tempDir('hvelv-model-evil-');
    const evil = modelArchive(evilWork, 'evil-model');
    const dir = freshModels();
    const file = path.join(work, 'swapped.tar.bz2');
    fs.writeFileSync(file, good.archive);
    let swapped = false;
    const err = await installModel({
      modelsDir: dir,
      source: file,
      sha256: good.sha256,
      onProgress: (p) => {
        // The hash is read to its end: now the file (in the student's Downloads, say) changes.
        if (p.phase === 'verify' && p.bytes === p.total && !swapped) {
          swapped = true;
          fs.writeFileSync(file, evil.archive);
        }
      },
    }).catch((e: unknown) => e);
    expect(swapped).toBe(true);
    expect(err).toMatchObject({ code: 'MODEL_HASH_MISMATCH' });
    expect(entries(dir)).toEqual([]);
  }, 120_000);

  it('a bzip2 bomb (a few hundred bytes unpacking to 160 MiB) is stopped long before it is all unpacked', async () => {
    // A tar header for one file of 160 MiB, then its zeros, as four concatenated bzip2 streams of 40 MiB each.
    const size = 160 * 2 ** 20;
    const h = Buffer.alloc(512);
    new Header({ path: 'm/encoder.onnx', type: 'File', size, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }).encode(h, 0);
    const zeros = Buffer.alloc(40 * 2 ** 20);
    const first = bzip2(Buffer.concat([h, zeros]));
    const rest = bzip2(zeros);
    // Then the two zero blocks that end a tar: a whole, honest archive.
    const bomb = Buffer.concat([first, rest, rest, rest, bzip2(Buffer.alloc(1024))]);
    expect(bomb.length).toBeLessThan(4096);
    const dir = freshModels();
    const file = path.join(work, 'bomb.tar.bz2');
    fs.writeFileSync(file, bomb);
    const opened: string[] = [];
    const err = await installModel({
      modelsDir: dir,
      source: file,
      openForWrite: (f) => {
        opened.push(f);
        return fs.openSync(f, 'wx');
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ARCHIVE_UNSAFE' });
    expect((err as Error).message).toMatch(/unpacks to more/);
    expect(entries(dir)).toEqual([]);
  }, 180_000);

  it('a redirect from https goes only to https (never down to http, not even on the loopback)', async () => {
    // A real https server on 127.0.0.1 with the tests' own certificate, trusted by this process's agent only.
    const cert = LOOPBACK_TLS.cert;
    routes.set('/plain.tar.bz2', (_req, res) => {
      res.setHeader('content-length', good.archive.length);
      res.end(good.archive);
    });
    const tls = https.createServer({ key: LOOPBACK_TLS.key, cert }, (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${base}/plain.tar.bz2`);
      res.end();
    });
    await new Promise<void>((ok) => tls.listen(0, '127.0.0.1', ok));
    const prior = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cert;
    try {
      const dir = freshModels();
      const from = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/model.tar.bz2`;
      const err = await installModel({ modelsDir: dir, source: from, sha256: good.sha256 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'INVALID_INPUT' });
      expect(entries(dir)).toEqual([]);
    } finally {
      https.globalAgent.options.ca = prior;
      tls.close();
    }
  }, 120_000);

  it("a server sending more than the known model's archive size (no length announced) is cut off there", async () => {
    let sent = 0;
    let closedEarly = false;
    const extra = 64 * 2 ** 20;
    routes.set('/endless.tar.bz2', (_req, res) => {
      // Chunked: no content-length, the archive then garbage.
      const piece = Buffer.alloc(256 * 1024, 7);
      const next = () => {
        if (res.destroyed) return;
        if (sent >= good.archive.length + extra) return res.end();
        const chunk = sent === 0 ? good.archive : piece;
        sent += chunk.length;
        res.write(chunk, next);
      };
      res.on('close', () => {
        closedEarly = sent < good.archive.length + extra;
      });
      next();
    });
    const list: KnownModel[] = [{ id: 'whisper-micro', name: 'Micro', family: 'openai', languages: ['nb'], layers: 1, url: `${base}/endless.tar.bz2`, licence: 'MIT', archiveBytes: good.archive.length, sha256: null, files: null }];
    const dir = freshModels();
    const err = await installModel({ modelsDir: dir, source: `${base}/endless.tar.bz2`, list }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FILE_TOO_LARGE' });
    await new Promise((r) => setTimeout(r, 200));
    expect(closedEarly).toBe(true);
    expect(entries(dir)).toEqual([]);
  }, 120_000);

  it("an install killed midway leaves a staging folder that the next start removes; a removal's leftover is never listed as a model", async () => {
    const appData = tempDir('hvelv-appdata-');
    const dir = modelsDirOf(appData);
    routes.set('/stall.tar.bz2', (_req, res) => {
      res.setHeader('content-length', good.archive.length);
      // Half, then nothing: the install waits, and is killed.
      res.write(good.archive.subarray(0, good.archive.length >> 1));
    });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests', 'cli', 'backup-child.ts'), 'model', 'install', `${base}/stall.tar.bz2`], {
      env: { ...process.env, HVELV_DATA_DIR: appData },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('exit', r));
    const deadline = Date.now() + 60_000;
    const archiveIn = () => entries(dir).some((n) => n.startsWith('.staging-') && fs.existsSync(path.join(dir, n, 'archive.tar.bz2')) && fs.statSync(path.join(dir, n, 'archive.tar.bz2')).size > 0);
    while (!archiveIn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(archiveIn()).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(entries(dir).filter((n) => n.startsWith('.staging-'))).toHaveLength(1);
    // The next start (the app's handlers, or the next command) sweeps what a dead process left.
    sweepStaging(dir);
    expect(entries(dir)).toEqual([]);

    // A removal killed between its rename aside and its delete: a hidden folder with a model's files.
    const m = await installModel({ modelsDir: dir, source: good.file, sha256: good.sha256 });
    fs.renameSync(m.dir, path.join(dir, '.staging-0123456789ab'));
    expect(listModelFiles(appData)).toEqual([]);
  }, 120_000);

  it("an archive whose top folder is named 'speakers' does not land in the speaker models' folder", async () => {
    const appData = tempDir('hvelv-appdata-');
    const sw = tempDir('hvelv-model-speakers-');
    const named = modelArchive(sw, 'speakers');
    const dir = modelsDirOf(appData);
    const m = await installModel({ modelsDir: dir, source: named.file }).catch((e: unknown) => e);
    expect(fs.existsSync(speakersDir(appData))).toBe(false);
    if (!(m instanceof Error)) expect((m as { name: string }).name).not.toBe('speakers');
  }, 120_000);
});

describe("the app's model list under attack", () => {
  const platform = { version: 't', systemLocale: () => 'en-US', documentsDir: () => '/nonexistent', chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id: string) => `test-media://${id}`, scheduleCommand: () => null };
  const app = async (appData: string) =>
    createHandlers({ crypto: await createCrypto(), kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF }, now: () => new Date('2026-11-27T12:00:00Z'), config: new AppConfig(path.join(appData, 'config.json')), emit: () => {}, platform }).handlers;

  it("a decoder swapped for one of the same size, its time of change set back, is no longer shown as verified", async () => {
    const appData = tempDir('hvelv-appdata-');
    const m = await installModel({ modelsDir: modelsDirOf(appData), source: good.file, sha256: good.sha256 });
    // The decoder the engine would read, its time of change a whole second (put back exactly below).
    const file = modelFiles(m.dir).decoder;
    const when = new Date('2026-11-01T10:00:00Z');
    fs.utimesSync(file, when, when);
    const handlers = await app(appData);
    const first = await dispatch(handlers, 'asr.checkModels', {});
    expect(first).toMatchObject({ ok: true, value: [{ name: m.name, verified: true }] });
    const st = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    // Same size, one byte changed near the end (the weights), modification time put back.
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, when, when);
    expect(fs.statSync(file).mtimeMs).toBe(st.mtimeMs);
    const second = await dispatch(handlers, 'asr.checkModels', {});
    expect(second).toMatchObject({ ok: true, value: [{ name: m.name, verified: false }] });
  }, 120_000);

  it('the app at start removes the staging folder a killed process left', async () => {
    const appData = tempDir('hvelv-appdata-');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const left = path.join(modelsDirOf(appData), `.staging-${dead.stdout}-0123456789ab`);
    fs.mkdirSync(path.join(left, 'unpacked'), { recursive: true });
    fs.writeFileSync(path.join(left, 'archive.tar.bz2'), good.archive);
    await app(appData);
    expect(fs.existsSync(left)).toBe(false);
  });
});

describe('two installs of one model from the app', () => {
  it('the second is refused at once, while the first runs and once it is installed, without a second download', async () => {
    const appData = tempDir('hvelv-appdata-');
    let requests = 0;
    routes.set('/once.tar.bz2', (_req, res) => {
      requests++;
      res.setHeader('content-length', good.archive.length);
      // Slowly, so the second request comes while the first is under way.
      let off = 0;
      const tick = setInterval(() => {
        if (res.destroyed || off >= good.archive.length) {
          clearInterval(tick);
          return res.end();
        }
        res.write(good.archive.subarray(off, off + 64 * 1024));
        off += 64 * 1024;
      }, 10);
    });
    const knownModels: KnownModel[] = [{ id: 'whisper-micro', name: 'Micro', family: 'openai', languages: ['nb'], layers: 1, url: `${base}/once.tar.bz2`, licence: 'MIT', archiveBytes: good.archive.length, sha256: good.sha256, files: null }];
    const platform = { version: 't', systemLocale: () => 'en-US', documentsDir: () => '/nonexistent', chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id: string) => `test-media://${id}`, scheduleCommand: () => null };
    const { handlers } = createHandlers({ crypto: await createCrypto(), kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF }, now: () => new Date('2026-11-27T12:00:00Z'), config: new AppConfig(path.join(appData, 'config.json')), emit: () => {}, platform, knownModels });
    const first = dispatch(handlers, 'asr.installModel', { jobId: 'job-one', id: 'whisper-micro' });
    await new Promise((r) => setTimeout(r, 50));
    const second = await dispatch(handlers, 'asr.installModel', { jobId: 'job-two', id: 'whisper-micro' });
    expect(second).toMatchObject({ ok: false, error: { code: 'MODEL_INSTALLED' } });
    expect(await first).toMatchObject({ ok: true, value: { name: 'whisper-micro', verified: true } });
    const third = await dispatch(handlers, 'asr.installModel', { jobId: 'job-three', id: 'whisper-micro' });
    expect(third).toMatchObject({ ok: false, error: { code: 'MODEL_INSTALLED' } });
    expect(requests).toBe(1);
    expect(entries(modelsDirOf(appData))).toEqual(['whisper-micro']);
  }, 120_000);
});
