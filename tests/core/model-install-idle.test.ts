/**
 * The model download's idle timeout (services/asr/install.ts): a server on 127.0.0.1 that
 * stops sending without closing (mid-body, or before it answers at all) fails the
 * download with DOWNLOAD_STALLED once the connection has been silent for the idle time,
 * and nothing is left: not in the models folder, not in the temp folder. A server that is
 * slow but keeps sending is not stopped: the timer is for silence, not for the whole.
 * Its floor (MIN_RATE): a server that trickles a byte now and then, in the body or in its
 * headers, is never silent for the idle time, and is stopped with DOWNLOAD_TOO_SLOW once
 * a window brings fewer bytes than the floor (the tests' windows are short, by option).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelArchive } from './model-archive';
import { IDLE_TIMEOUT_MS, MIN_RATE, installModel } from '../../electron/core/services/asr/install';
import { modelsDir as modelsDirOf } from '../../electron/core/services/asr/models';
import { translate } from '@shared/i18n/catalogue';
import { findNeedles, recentTempFiles, tempDir } from './helpers';

const TOP = 'sherpa-onnx-whisper-micro';
const IDLE = 400;
/** The tests' floor: 4 KiB a second, where the trickling routes send 10 bytes a second. */
const FLOOR = { bytes: 4096, windowMs: 1000 };
let archive: Buffer;
let server: http.Server;
let base: string;
/** A server that answers with its status line, then its headers a byte at a time. */
let rawServer: net.Server;
let rawBase: string;
const rawSockets = new Set<net.Socket>();
/** Responses held open by the stalling routes: ended when the test is over. */
const held = new Set<http.ServerResponse>();

beforeAll(async () => {
  ({ archive } = modelArchive(tempDir('hvelv-model-idle-'), TOP));
  server = http.createServer((req, res) => {
    if (req.url === '/stops-midway.tar.bz2') {
      // Half the archive, then silence with the connection open, as a server that hangs.
      res.setHeader('content-length', archive.length);
      res.write(archive.subarray(0, archive.length >> 1));
      held.add(res);
    } else if (req.url === '/trickle.tar.bz2') {
      // A little of the archive, then a byte every IDLE/4: never silent for the idle time, never done.
      res.setHeader('content-length', archive.length);
      res.write(archive.subarray(0, 1024));
      held.add(res);
      let off = 1024;
      const tick = setInterval(() => {
        if (res.destroyed || off >= archive.length) return clearInterval(tick);
        res.write(archive.subarray(off, off + 1));
        off += 1;
      }, IDLE / 4);
    } else if (req.url === '/never-answers.tar.bz2') {
      held.add(res);
    } else if (req.url === '/slow-but-steady.tar.bz2') {
      // A piece every IDLE/4: slower in all than the idle time, but never silent that long.
      res.setHeader('content-length', archive.length);
      const piece = Math.ceil(archive.length / 8);
      let off = 0;
      const tick = setInterval(() => {
        if (res.destroyed) return clearInterval(tick);
        res.write(archive.subarray(off, off + piece));
        off += piece;
        if (off >= archive.length) {
          clearInterval(tick);
          res.end();
        }
      }, IDLE / 4);
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rawServer = net.createServer((socket) => {
    rawSockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
    const tick = setInterval(() => (socket.destroyed ? clearInterval(tick) : socket.write('a')), IDLE / 4);
  });
  await new Promise<void>((r) => rawServer.listen(0, '127.0.0.1', r));
  rawBase = `http://127.0.0.1:${(rawServer.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => {
  for (const r of held) r.destroy();
  for (const s of rawSockets) s.destroy();
  server?.close();
  rawServer?.close();
});

const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('the model download stops when the server goes silent', () => {
  it('a server that stops sending midway: DOWNLOAD_STALLED after the idle time, in nb and en, and nothing left behind', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    const since = Date.now();
    const progress: number[] = [];
    const t0 = Date.now();
    const err = await installModel({ modelsDir: dir, source: `${base}/stops-midway.tar.bz2`, idleTimeoutMs: IDLE, onProgress: (p) => progress.push(p.bytes) }).catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect(err).toMatchObject({ code: 'DOWNLOAD_STALLED' });
    // Some of it came, then the silence was waited out, not cut short.
    expect(Math.max(...progress)).toBeGreaterThan(0);
    expect(took).toBeGreaterThanOrEqual(IDLE - 50);
    // Said in the student's language.
    expect(translate('nb', 'error.DOWNLOAD_STALLED')).toMatch(/^Nedlastingen stoppet opp: serveren sluttet å sende.*Ingenting ble lagret/);
    expect(translate('en', 'error.DOWNLOAD_STALLED')).toMatch(/^The download stalled: the server stopped sending.*Nothing was kept/);
    // Nothing in the models folder (no staging folder, no partial archive), and no piece of the archive in the temp folder.
    expect(entries(dir)).toEqual([]);
    expect(findNeedles(recentTempFiles(since), [archive.subarray(0, 64), archive.subarray(archive.length >> 2, (archive.length >> 2) + 64)])).toEqual([]);
  }, 30_000);

  it('a server that never answers: the same', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    await expect(installModel({ modelsDir: dir, source: `${base}/never-answers.tar.bz2`, idleTimeoutMs: IDLE })).rejects.toMatchObject({ code: 'DOWNLOAD_STALLED' });
    expect(entries(dir)).toEqual([]);
  }, 30_000);

  it('a slow server that keeps sending is waited for, and the model installs', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    // Slower in all than the idle time and than the floor's window, but above the floor in every window.
    expect(Math.ceil(archive.length / 8)).toBeGreaterThan(FLOOR.bytes);
    const got = await installModel({ modelsDir: dir, source: `${base}/slow-but-steady.tar.bz2`, idleTimeoutMs: IDLE, minRate: FLOOR });
    expect(got.name).toBe(TOP);
    expect(entries(dir)).toEqual([TOP]);
    // The app's own defaults: a minute of silence, 64 KiB in two minutes.
    expect(IDLE_TIMEOUT_MS).toBe(60_000);
    expect(MIN_RATE).toEqual({ bytes: 64 * 1024, windowMs: 120_000 });
  }, 60_000);
});

describe('the model download stops when the server only trickles', () => {
  it('a server sending a byte now and then in the body: DOWNLOAD_TOO_SLOW after the window, in nb and en, and nothing left behind', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    const since = Date.now();
    const progress: number[] = [];
    const t0 = Date.now();
    const err = await installModel({ modelsDir: dir, source: `${base}/trickle.tar.bz2`, idleTimeoutMs: IDLE, minRate: FLOOR, onProgress: (p) => progress.push(p.bytes) }).catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect(err).toMatchObject({ code: 'DOWNLOAD_TOO_SLOW' });
    // Bytes kept coming (the idle timer never fired), and the whole window was given.
    expect(Math.max(...progress)).toBeGreaterThan(1024);
    expect(took).toBeGreaterThanOrEqual(FLOOR.windowMs - 50);
    expect(translate('nb', 'error.DOWNLOAD_TOO_SLOW')).toMatch(/^Nedlastingen gikk for sakte: .*under 64 KiB på to minutter.*Ingenting ble lagret/);
    expect(translate('en', 'error.DOWNLOAD_TOO_SLOW')).toMatch(/^The download was too slow: .*under 64 KiB in two minutes.*Nothing was kept/);
    expect(entries(dir)).toEqual([]);
    expect(findNeedles(recentTempFiles(since), [archive.subarray(0, 64)])).toEqual([]);
  }, 30_000);

  it('a server trickling its headers a byte at a time: the same, before any of the body', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    const progress: number[] = [];
    const err = await installModel({ modelsDir: dir, source: `${rawBase}/model.tar.bz2`, idleTimeoutMs: IDLE, minRate: FLOOR, onProgress: (p) => progress.push(p.bytes) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DOWNLOAD_TOO_SLOW' });
    expect(progress).toEqual([]);
    expect(entries(dir)).toEqual([]);
  }, 30_000);
});
