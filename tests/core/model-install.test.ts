/**
 * The model manager's installer (services/asr/install.ts) against a real HTTP server on
 * 127.0.0.1 in this process: progress, a wrong hash, a connection cut midway, Cancel, a
 * full disk, archives with entries that escape the folder, and a real sherpa-onnx draft
 * run on a model installed this way. After each failure the models folder holds exactly
 * what it held before (no staging folder, no archive, no half-unpacked files).
 *
 * The archives are made here: make-test-model's micro model (random weights, the real
 * layout) packed by node-tar and compressed by the system's bzip2, as sherpa-onnx packs
 * its releases (one top folder). The hostile ones are written header by header.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bzip2, modelArchive, rawTar } from './model-archive';
import { installModel, removeModel, sourceUrl, type InstallProgress } from '../../electron/core/services/asr/install';
import { checkModel, listModelFiles, modelsDir as modelsDirOf, type KnownModel } from '../../electron/core/services/asr/models';
import { makeDraft } from '../../electron/core/services/asr/draft';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const TOP = 'sherpa-onnx-whisper-micro';
let work: string;
let archive: Buffer;
let sha: string;
let server: http.Server;
let base: string;
/** Paths the server serves, and how. */
const routes = new Map<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>();

beforeAll(async () => {
  work = tempDir('hvelv-model-install-');
  ({ archive, sha256: sha } = modelArchive(work, TOP));
  server = http.createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route) return route(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/model.tar.bz2', (_req, res) => {
    res.setHeader('content-length', archive.length);
    // In pieces, so the progress has something to say.
    let off = 0;
    const next = () => {
      if (off >= archive.length) return res.end();
      const piece = archive.subarray(off, off + 256 * 1024);
      off += piece.length;
      res.write(piece, next);
    };
    next();
  });
}, 120_000);

afterAll(() => {
  server?.close();
});

/** The models folder's entries, hidden ones too: what a failure must leave as it was. */
const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

function freshModels(): string {
  return modelsDirOf(tempDir('hvelv-appdata-'));
}

describe('installing a model', () => {
  it('downloads from 127.0.0.1 with progress, checks the hash, unpacks in place and is listed as verified', async () => {
    const dir = freshModels();
    const progress: InstallProgress[] = [];
    const m = await installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, sha256: sha.toUpperCase(), onProgress: (p) => progress.push(p) });
    expect(m).toMatchObject({ name: TOP, verified: true, archiveSha256: sha });
    expect(entries(dir)).toEqual([TOP]);
    const downloads = progress.filter((p) => p.phase === 'download');
    expect(downloads.at(-1)).toEqual({ phase: 'download', bytes: archive.length, total: archive.length });
    expect(progress.some((p) => p.phase === 'unpack')).toBe(true);
    // Bytes only ever grow within a phase.
    for (let i = 1; i < downloads.length; i++) expect(downloads[i]!.bytes).toBeGreaterThanOrEqual(downloads[i - 1]!.bytes);
    const c = await checkModel(path.join(dir, TOP));
    expect(c.verified).toBe(true);
    expect(c.size).toBe('other');
    // A file changed after the install is no longer verified.
    fs.appendFileSync(path.join(dir, TOP, 'tokens.txt'), 'x');
    expect((await checkModel(path.join(dir, TOP))).verified).toBe(false);
    // A second install of the same name is refused, the first kept.
    await expect(installModel({ modelsDir: dir, source: `${base}/model.tar.bz2` })).rejects.toMatchObject({ code: 'MODEL_INSTALLED' });
    expect(entries(dir)).toEqual([TOP]);
    removeModel(dir, TOP);
    expect(entries(dir)).toEqual([]);
    expect(() => removeModel(dir, TOP)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => removeModel(dir, '..')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  }, 120_000);

  it('a known model is checked against the list without --sha256, and named after its entry', async () => {
    const dir = freshModels();
    const list: KnownModel[] = [{ id: 'whisper-micro', name: 'Micro', family: 'openai', languages: ['nb'], layers: 1, url: `${base}/model.tar.bz2`, licence: 'MIT', archiveBytes: archive.length, sha256: sha, files: null }];
    const m = await installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, list });
    expect(m).toMatchObject({ name: 'whisper-micro', verified: true, known: { id: 'whisper-micro' } });
    // The same list with another hash: refused, nothing kept.
    const wrong = [{ ...list[0]!, id: 'whisper-micro-2', sha256: 'ab'.repeat(32) }];
    await expect(installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, list: wrong })).rejects.toMatchObject({ code: 'MODEL_HASH_MISMATCH' });
    expect(entries(dir)).toEqual(['whisper-micro']);
  }, 120_000);

  it('an unknown file without a hash is installed marked not verified; a wrong hash keeps nothing', async () => {
    const dir = freshModels();
    const file = path.join(work, 'eget-arkiv.tar.bz2');
    fs.writeFileSync(file, archive);
    await expect(installModel({ modelsDir: dir, source: file, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'MODEL_HASH_MISMATCH' });
    expect(entries(dir)).toEqual([]);
    await expect(installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 'MODEL_HASH_MISMATCH' });
    expect(entries(dir)).toEqual([]);
    const m = await installModel({ modelsDir: dir, source: file });
    expect(m).toMatchObject({ name: TOP, verified: false, known: null });
    expect((await checkModel(path.join(dir, TOP))).verified).toBe(false);
    expect(fs.existsSync(file)).toBe(true);
  }, 120_000);

  it('refuses http off the loopback, other schemes and a malformed hash before any connection', async () => {
    const dir = freshModels();
    for (const source of ['http://example.org/m.tar.bz2', 'ftp://127.0.0.1/m.tar.bz2', 'file:///etc/passwd', 'http://10.0.0.1/m.tar.bz2']) {
      expect(() => sourceUrl(source), source).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      await expect(installModel({ modelsDir: dir, source })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(sourceUrl('https://github.com/x.tar.bz2')?.host).toBe('github.com');
    expect(sourceUrl('http://localhost:9/x')?.hostname).toBe('localhost');
    expect(sourceUrl('http://[::1]:9/x')?.hostname).toBe('[::1]');
    await expect(installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, sha256: 'xyz' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(entries(dir)).toEqual([]);
  });

  it('a connection cut midway keeps nothing and says so', async () => {
    const dir = freshModels();
    routes.set('/cut.tar.bz2', (req, res) => {
      res.setHeader('content-length', archive.length);
      res.write(archive.subarray(0, archive.length >> 1), () => req.socket.destroy());
    });
    const progress: InstallProgress[] = [];
    const err = await installModel({ modelsDir: dir, source: `${base}/cut.tar.bz2`, onProgress: (p) => progress.push(p) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect((err as Error).message).toMatch(/cut after \d+/);
    expect(progress.some((p) => p.bytes > 0)).toBe(true);
    expect(entries(dir)).toEqual([]);
    // A server that closes cleanly but short of what it declared: the same.
    routes.set('/short.tar.bz2', (_req, res) => {
      res.setHeader('content-length', archive.length);
      res.write(archive.subarray(0, 1000));
      res.socket?.end();
    });
    await expect(installModel({ modelsDir: dir, source: `${base}/short.tar.bz2` })).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect(entries(dir)).toEqual([]);
  }, 60_000);

  it('Cancel during the download stops it and keeps nothing', async () => {
    const dir = freshModels();
    let sent = 0;
    routes.set('/slow.tar.bz2', (_req, res) => {
      res.setHeader('content-length', archive.length);
      const tick = setInterval(() => {
        if (res.destroyed || sent >= archive.length) return clearInterval(tick);
        res.write(archive.subarray(sent, sent + 16 * 1024));
        sent += 16 * 1024;
      }, 20);
      res.on('close', () => clearInterval(tick));
    });
    const ac = new AbortController();
    const run = installModel({
      modelsDir: dir,
      source: `${base}/slow.tar.bz2`,
      signal: ac.signal,
      onProgress: (p) => {
        if (p.bytes > 0) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(sent).toBeLessThan(archive.length);
    expect(entries(dir)).toEqual([]);
  }, 60_000);

  it('Cancel while the worker thread unpacks stops it at the block it is on, and keeps nothing', async () => {
    const dir = freshModels();
    // Some megabytes that bzip2 cannot shrink much: many blocks after the entry's header.
    const big = bzip2(rawTar([{ path: 'm/big.bin', body: randomBytes(1536 * 1024).toString('hex') }]));
    const file = path.join(work, 'big.tar.bz2');
    fs.writeFileSync(file, big);
    const ac = new AbortController();
    const opened: string[] = [];
    const progress: InstallProgress[] = [];
    const run = installModel({
      modelsDir: dir,
      source: file,
      signal: ac.signal,
      onProgress: (p) => progress.push(p),
      // The student presses Cancel the moment the worker has the first file made.
      openForWrite: (f) => {
        const fd = fs.openSync(f, 'wx');
        opened.push(f);
        if (f.endsWith('big.bin')) ac.abort();
        return fd;
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(opened.some((f) => f.endsWith(path.join('m', 'big.bin')) && f.startsWith(path.join(dir, '.staging-')))).toBe(true);
    // Stopped before the end of the archive (the worker looks at the flag at each decoded block).
    const unpacked = progress.filter((p) => p.phase === 'unpack');
    expect(unpacked.every((p) => p.bytes < big.length)).toBe(true);
    expect(entries(dir)).toEqual([]);
  }, 120_000);

  it('a full disk (the kernel answering ENOSPC) while downloading or unpacking keeps nothing', async () => {
    if (!fs.existsSync('/dev/full')) throw new Error('this test needs /dev/full (Linux)');
    for (const failing of [/archive\.tar\.bz2$/, /encoder\.onnx$/]) {
      const dir = freshModels();
      const opened: string[] = [];
      // The real file is made where the installer asked, then the writes go to /dev/full,
      // whose every write fails with ENOSPC: the installer's own writeSync meets a full disk.
      const openForWrite = (file: string): number => {
        const fd = fs.openSync(file, 'wx');
        opened.push(file);
        if (!failing.test(file)) return fd;
        fs.closeSync(fd);
        return fs.openSync('/dev/full', 'w');
      };
      await expect(installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, openForWrite })).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(opened.some((f) => failing.test(f)), String(failing)).toBe(true);
      // The files made before the failure were inside the staging folder, and are gone with it.
      expect(opened.every((f) => f.startsWith(path.join(dir, '.staging-')))).toBe(true);
      expect(entries(dir)).toEqual([]);
    }
  }, 120_000);

  it('refuses archives whose entries escape the folder, are absolute or are links, keeping nothing', async () => {
    const cases: { name: string; entries: Parameters<typeof rawTar>[0] }[] = [
      { name: 'dotdot', entries: [{ path: 'm/tokens.txt', body: 'a' }, { path: 'm/../../escaped.txt', body: 'evil' }] },
      { name: 'absolute', entries: [{ path: '/tmp/hvelv-escaped.txt', body: 'evil' }] },
      { name: 'symlink', entries: [{ path: 'm/encoder.onnx', type: 'SymbolicLink', linkpath: '/etc/passwd' }] },
      { name: 'hardlink', entries: [{ path: 'm/encoder.onnx', type: 'Link', linkpath: '../../outside' }] },
    ];
    for (const c of cases) {
      const dir = freshModels();
      const file = path.join(work, `${c.name}.tar.bz2`);
      fs.writeFileSync(file, bzip2(rawTar(c.entries)));
      await expect(installModel({ modelsDir: dir, source: file }), c.name).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' });
      expect(entries(dir), c.name).toEqual([]);
      expect(fs.existsSync(path.join(dir, '..', 'escaped.txt')), c.name).toBe(false);
    }
    expect(fs.existsSync('/tmp/hvelv-escaped.txt')).toBe(false);
    // Not bzip2 at all, and an archive of something that is no model: refused the same way.
    const dir = freshModels();
    const notBz = path.join(work, 'plain.tar.bz2');
    fs.writeFileSync(notBz, rawTar([{ path: 'm/x', body: 'x' }]));
    await expect(installModel({ modelsDir: dir, source: notBz })).rejects.toMatchObject({ code: 'ARCHIVE_UNSAFE' });
    const notModel = path.join(work, 'notmodel.tar.bz2');
    fs.writeFileSync(notModel, bzip2(rawTar([{ path: 'm/readme.txt', body: 'hei' }])));
    await expect(installModel({ modelsDir: dir, source: notModel })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(entries(dir)).toEqual([]);
  }, 60_000);

  it('a model installed this way makes a real sherpa-onnx draft', async () => {
    const appData = tempDir('hvelv-appdata-');
    const dir = modelsDirOf(appData);
    const m = await installModel({ modelsDir: dir, source: `${base}/model.tar.bz2`, sha256: sha });
    expect(listModelFiles(appData).map((f) => path.basename(f.file))).toEqual([m.name]);
    const v = await makeVault();
    const code = admit(v.session);
    const src = path.join(tempDir(), 'intervju.wav');
    makeWav(src, 3);
    const rec = await new Recordings(v.session, NOW).import(code, src);
    const t = await makeDraft(v.session, rec.id, { model: m.dir, language: 'nb', now: NOW });
    expect(t.automaticDraft).toBe(true);
    expect(t.sourceFormat).toBe('asr');
    v.session.lock();
  }, 180_000);
});
