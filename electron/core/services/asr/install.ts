/**
 * Installing a speech model: the archive sherpa-onnx publishes (.tar.bz2, one folder of
 * encoder, decoder and tokens.txt), from an https address or a file the student has.
 *
 * The only network use in Hvelv (docs/threat-model.md): one GET of the archive, made
 * here in the calling process (the app's main process, or the `hvelv` command), only
 * when the student asks, carrying nothing of theirs. Plain http only to a loopback
 * address (the tests' own server).
 *
 * Nothing is kept unless all of it went well. Everything is written into a staging
 * folder inside the models folder (same disk, so the last step is one rename); the
 * archive's SHA-256 is checked before it is unpacked; every entry must stay inside the
 * staging folder (no absolute paths, no "..", no links of any kind); the unpacked
 * folder must be a Whisper model the engine can run (models.ts reads it first). Only
 * then is it renamed into place. Any failure, a cut connection, Cancel or a full disk
 * removes the staging folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { ErrorCode } from '../../../../shared/errors';
import { HvelvError } from '../../errors';
import { SYNC_ANSWERED, SYNC_CANCEL, ioError, type FromUnpack, type OpenAnswer, type UnpackJob, writeAll } from './archive-entry';
import { INSTALL_RECORD, KNOWN_MODELS, SPEAKERS, type InstallRecord, type KnownModel, modelFiles, readModelHeader } from './models';
import { openRegularFile } from '../project/user-file';

export { entryPath } from './archive-entry';

export type InstallPhase = 'download' | 'verify' | 'unpack';

export interface InstallProgress {
  phase: InstallPhase;
  /** Bytes of the archive done in this phase. */
  bytes: number;
  /** The archive's size, when known (a server may not say it). */
  total: number | null;
}

export interface InstallOptions {
  /** The models folder (models.ts modelsDir). */
  modelsDir: string;
  /** An https address, an http address on a loopback host, or a file. */
  source: string;
  /** The archive's expected SHA-256 (hex); the known list's when not given. */
  sha256?: string | null;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  list?: readonly KnownModel[];
  /**
   * Opens a file the installer writes (the downloaded archive, each unpacked file) and
   * returns its descriptor; every write goes through fs.writeSync on it. Tests pass one
   * that creates the real file and hands back a descriptor of /dev/full, whose writes
   * the kernel fails with ENOSPC, to show what a full disk leaves behind.
   */
  openForWrite?: (file: string) => number;
  /**
   * How long the connection may stay silent (no bytes at all, before the answer or in the
   * middle of it) before the download fails with DOWNLOAD_STALLED; IDLE_TIMEOUT_MS unless
   * given (the tests give a short one).
   */
  idleTimeoutMs?: number;
  /**
   * The least the connection must bring in any window of that length (headers and body,
   * counted on the socket), once it has been open that long, or the download fails with
   * DOWNLOAD_TOO_SLOW; MIN_RATE unless given (the tests give short windows).
   */
  minRate?: { bytes: number; windowMs: number };
}

/** A minute without a byte: a server that stopped sending without closing would otherwise hold the download (and its staging folder) for ever. */
export const IDLE_TIMEOUT_MS = 60_000;

/**
 * A floor under the idle timeout: a server that sends a byte now and then is never silent
 * for a minute, and would hold the download (and its staging folder) for ever. Fewer than
 * 64 KiB in any two minutes stops it: 0.5 KiB/s, at which even the tiny model (75 MB)
 * would take almost two days. A slow real connection is far above it: bad campus Wi-Fi at
 * 50 KB/s brings about 6 MB in two minutes (90 times the floor), an old mobile (EDGE)
 * link at 10 KB/s over 1 MB. Two minutes, not one, so that a connection that drops for
 * most of a minute and comes back slow (Wi-Fi roaming between access points) is not
 * stopped for it; a silence of a whole minute is the idle timeout's.
 */
export const MIN_RATE = { bytes: 64 * 1024, windowMs: 120_000 };

export interface InstalledModel {
  /** The folder's name in the models folder. */
  name: string;
  dir: string;
  bytes: number;
  verified: boolean;
  known: KnownModel | null;
  archiveSha256: string;
}

/** Archives larger than this, or unpacking to more, are refused (medium f32 unpacked is about 3 GB). */
const MAX_ARCHIVE_BYTES = 8 * 2 ** 30;
const MAX_UNPACKED_BYTES = 12 * 2 ** 30;
const MAX_ENTRIES = 10_000;
/**
 * A model's weights barely compress (sherpa's Whisper archives unpack to under twice
 * their size): more than this many times the archive, or 64 MiB for a tiny one, is a
 * bzip2 bomb, stopped there rather than at 12 GiB.
 */
const MAX_RATIO = 16;
const MIN_UNPACKED_CAP = 64 * 2 ** 20;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1', 'localhost']);

/** The address the source names, or null when it names a file. Refused: any scheme but https, and http off the loopback. */
export function sourceUrl(source: string): URL | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return null;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new HvelvError('INVALID_INPUT', `${source} is not an address`);
  }
  checkUrl(url);
  return url;
}

function checkUrl(url: URL): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return;
  throw new HvelvError('INVALID_INPUT', `only https addresses (or http on this machine's loopback address) are downloaded, not ${url.protocol}//${url.host}`);
}

/**
 * Where a redirect leads, checked as the first address was, and never from https down to
 * http: a server (or whoever answers for it) must not send the download to a service on
 * this machine's loopback, nor onto an unencrypted connection.
 */
export function redirectTarget(from: URL, location: string): URL {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw new HvelvError('INVALID_INPUT', `${from.host} redirected to something that is not an address`);
  }
  checkUrl(to);
  if (from.protocol === 'https:' && to.protocol !== 'https:') throw new HvelvError('INVALID_INPUT', `${from.host} redirected from https to ${to.protocol}//${to.host}; only https is followed`);
  return to;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A name the models folder can hold: letters, digits, dot, dash, underscore. */
function safeName(name: string): string {
  const n = name.replace(/\.tar\.bz2$|\.tbz2?$/i, '').replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 100);
  if (!n) throw new HvelvError('INVALID_INPUT', 'the archive gives the model no usable name');
  // models/speakers is the speaker models' folder (models.ts speakersDir): never a Whisper model's.
  if (n.toLowerCase() === SPEAKERS) throw new HvelvError('INVALID_INPUT', `the archive's folder is named ${n}, the name of the speaker models' folder; rename the archive's folder`);
  return n;
}


const cancelled = () => new HvelvError('CANCELLED', 'the model download was cancelled');

/** GET the address into the file, following at most five redirects (each checked as the first), hashing as it goes. */
async function download(url: URL, fd: number, opts: InstallOptions, hash: ReturnType<typeof createHash>, limit: number): Promise<number> {
  let target = url;
  const idle = opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  for (let hop = 0; hop < 6; hop++) {
    // Set when the socket has been silent for `idle`: whatever error the destroyed request then gives, this is what is said.
    let stalled: HvelvError | null = null;
    const stalledError = () => new HvelvError('DOWNLOAD_STALLED', `${target.host} sent nothing for ${Math.round(idle / 1000)} s; the download was stopped`);
    let req!: http.ClientRequest;
    /** What the socket had read before this request (a kept-alive socket may be reused). */
    let base = 0;
    // The floor (MIN_RATE): the socket's bytes sampled every sixth of the window; once the
    // connection is a window old, fewer than the floor's bytes since the sample a window
    // back stop it. Counted on the socket, so headers trickled a byte at a time count too.
    const floor = opts.minRate ?? MIN_RATE;
    const step = Math.max(10, Math.floor(floor.windowMs / 6));
    const samples: { at: number; bytes: number }[] = [{ at: Date.now(), bytes: 0 }];
    const tooSlow = setInterval(() => {
      const now = Date.now();
      const bytes = (req.socket?.bytesRead ?? base) - base;
      samples.push({ at: now, bytes });
      while (samples.length > 1 && samples[1]!.at <= now - floor.windowMs) samples.shift();
      const from = samples[0]!;
      if (stalled || now - from.at < floor.windowMs || bytes - from.bytes >= floor.bytes) return;
      stalled = new HvelvError('DOWNLOAD_TOO_SLOW', `${target.host} sent ${bytes - from.bytes} bytes in ${Math.round((now - from.at) / 1000)} s, fewer than the ${floor.bytes} a download needs; the download was stopped`);
      req.destroy(stalled);
    }, step);
    try {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const get = target.protocol === 'https:' ? https.get : http.get;
        // Nothing of the student's goes out: no cookies, no referrer, a fixed agent string.
        req = get(target, { headers: { 'user-agent': 'Hvelv', accept: '*/*' }, signal: opts.signal }, resolve);
        req.once('socket', (socket) => {
          base = socket.bytesRead;
        });
        // The socket's own inactivity timer: any byte in either direction starts it again.
        req.setTimeout(idle, () => {
          stalled = stalledError();
          req.destroy(stalled);
        });
        req.on('error', (err) => reject(opts.signal?.aborted ? cancelled() : stalled ? stalled : new HvelvError('DOWNLOAD_FAILED', `cannot reach ${target.host}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err })));
      });
      const status = res.statusCode ?? 0;
      // A redirect's or a refusal's body is not wanted: the connection goes now (draining it
      // kept it, and the process, open until the idle timer fired when the body never ended).
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy();
        target = redirectTarget(target, res.headers.location);
        continue;
      }
      if (status !== 200) {
        res.destroy();
        throw new HvelvError('DOWNLOAD_FAILED', `${target.host} answered ${status}`);
      }
      const declared = Number(res.headers['content-length']);
      const total = Number.isFinite(declared) && declared > 0 ? declared : null;
      if (total !== null && total > limit) {
        res.destroy();
        throw new HvelvError('FILE_TOO_LARGE', `the archive is ${total} bytes, more than the ${limit} expected`);
      }
      let bytes = 0;
      let last = 0;
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > limit) {
            res.destroy();
            throw new HvelvError('FILE_TOO_LARGE', `the archive is larger than the ${limit} bytes expected`);
          }
          hash.update(chunk);
          writeAll(fd, chunk, 'the downloaded archive');
          const now = Date.now();
          if (now - last >= 100) {
            last = now;
            opts.onProgress?.({ phase: 'download', bytes, total });
          }
        }
      } catch (err) {
        if (opts.signal?.aborted) throw cancelled();
        if (stalled) throw stalled;
        if (err instanceof HvelvError) throw err;
        throw new HvelvError('DOWNLOAD_FAILED', `the connection to ${target.host} was cut after ${bytes} bytes`, { cause: err });
      }
      if (opts.signal?.aborted) throw cancelled();
      if (stalled) throw stalled;
      // A server that closes early without an error still said how much it would send.
      if (!res.complete || (total !== null && bytes !== total)) throw new HvelvError('DOWNLOAD_FAILED', `the connection to ${target.host} was cut after ${bytes} of ${total ?? '?'} bytes`);
      opts.onProgress?.({ phase: 'download', bytes, total });
      return bytes;
    } finally {
      clearInterval(tooSlow);
    }
  }
  throw new HvelvError('DOWNLOAD_FAILED', 'too many redirects');
}

const readAt = promisify(fs.read);

/** A file's bytes in pieces, read by position from a descriptor the caller opened and closes (no stream owns it). */
async function* readChunks(fd: number, piece: number): AsyncGenerator<Buffer> {
  for (let pos = 0; ; ) {
    const buf = Buffer.allocUnsafe(piece);
    const { bytesRead } = await readAt(fd, buf, 0, piece, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/** The archive's SHA-256, read from a file. */
async function hashFile(file: string, opts: InstallOptions): Promise<{ sha256: string; bytes: number }> {
  const { fd, size } = openRegularFile(file);
  const h = createHash('sha256');
  let bytes = 0;
  let last = 0;
  try {
    for await (const chunk of readChunks(fd, 1 << 20)) {
      if (opts.signal?.aborted) throw cancelled();
      h.update(chunk);
      bytes += chunk.length;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        opts.onProgress?.({ phase: 'verify', bytes, total: size });
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  opts.onProgress?.({ phase: 'verify', bytes, total: size });
  return { sha256: h.digest('hex'), bytes };
}

/** The unpacking thread's script: bundled beside us in a build (out/main/model-unpack.js), the TypeScript through tsx from source. */
function unpackWorker(job: UnpackJob, transfer: MessagePort): Worker {
  // The descriptors it writes were opened by this thread (the archive's, each file's): not the thread's own to track.
  const common = { workerData: job, transferList: [transfer], trackUnmanagedFds: false };
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    const built = path.join(dir, 'model-unpack.js');
    if (fs.existsSync(built)) return new Worker(built, common);
  }
  // From source (the tests, `tsx`): the thread loads the TypeScript through tsx's require hook.
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const file = path.join(here, 'unpack-worker.ts');
  return new Worker(`require(${JSON.stringify(tsx)}).require(${JSON.stringify(file)}, ${JSON.stringify(file)})`, { ...common, eval: true });
}

/**
 * Unpack the .tar.bz2 into `into` in a worker thread (unpack-worker.ts), refusing unsafe
 * entries; returns the bytes written and the SHA-256 of the very bytes unpacked (the file
 * may have changed since it was hashed). This thread only opens the archive, creates each
 * file the worker asks for (through `open`), passes on progress and Cancel.
 */
async function unpack(archive: string, into: string, opts: InstallOptions, open: (f: string) => number): Promise<{ unpacked: number; sha256: string }> {
  const { fd, size } = openRegularFile(archive);
  const sync = new SharedArrayBuffer(8);
  const flags = new Int32Array(sync);
  const { port1, port2 } = new MessageChannel();
  const cap = Math.min(MAX_UNPACKED_BYTES, Math.max(MIN_UNPACKED_CAP, size * MAX_RATIO));
  const job: UnpackJob = { fd, size, into, cap, ratio: MAX_RATIO, maxUnpacked: MAX_UNPACKED_BYTES, maxEntries: MAX_ENTRIES, sync, port: port2 };
  const onAbort = (): void => void Atomics.store(flags, SYNC_CANCEL, 1);
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();
  let worker: Worker | null = null;
  try {
    worker = unpackWorker(job, port2);
    const w = worker;
    return await new Promise<{ unpacked: number; sha256: string }>((resolve, reject) => {
      const answer = (a: OpenAnswer): void => {
        port1.postMessage(a);
        Atomics.store(flags, SYNC_ANSWERED, 1);
        Atomics.notify(flags, SYNC_ANSWERED);
      };
      /** The calling thread's own side failed (the progress callback threw): the thread is stopped as by Cancel, and the install ends with this failure. */
      let broke: { err: unknown } | null = null;
      const handle = (m: FromUnpack): void => {
        if (m.t === 'open') {
          // Answered whatever `open` throws: the thread waits on the flag, and an answer
          // that never came would hold it (and the install, and its staging folder) for ever.
          let a: OpenAnswer;
          try {
            a = { fd: open(m.file) };
          } catch (err) {
            const e = err as Partial<NodeJS.ErrnoException> | null | undefined;
            a = { code: typeof e?.code === 'string' ? e.code : 'IO', message: e instanceof Error ? e.message : String(err) };
          }
          answer(a);
        } else if (m.t === 'progress') {
          if (!broke) opts.onProgress?.({ phase: 'unpack', bytes: m.bytes, total: size });
        }
        else if (broke) reject(broke.err);
        else if (m.t === 'done') resolve({ unpacked: m.unpacked, sha256: m.sha256 });
        else if (m.cancelled || opts.signal?.aborted) reject(cancelled());
        else if (m.hvelv) reject(new HvelvError(m.code as ErrorCode, m.message));
        else reject(ioError(Object.assign(new Error(m.message), { code: m.code }), 'the model'));
      };
      // A throw here would escape as an uncaught exception (the app's main process, the
      // `hvelv` command) while the install went on as if nothing had happened.
      w.on('message', (m: FromUnpack) => {
        try {
          handle(m);
        } catch (err) {
          broke ??= { err };
          Atomics.store(flags, SYNC_CANCEL, 1);
        }
      });
      w.on('error', (err) => reject(new HvelvError('ARCHIVE_UNSAFE', `the archive could not be unpacked: ${err.message}`, { cause: err })));
      w.on('exit', () => reject(new HvelvError('IO', 'the unpacking thread stopped')));
    }).then((r) => {
      if (opts.signal?.aborted) throw cancelled();
      opts.onProgress?.({ phase: 'unpack', bytes: size, total: size });
      return r;
    });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    // The thread has closed what it wrote (it posts its end after); ended here if it has not stopped.
    if (worker) await worker.terminate();
    port1.close();
    fs.closeSync(fd);
  }
}

/** The files under a folder, by their path inside it, with SHA-256 and sizes. */
async function hashTree(dir: string): Promise<{ files: Record<string, string>; bytes: number }> {
  const files: Record<string, string> = {};
  let bytes = 0;
  const walk = async (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else if (e.isFile()) {
        const h = createHash('sha256');
        for await (const chunk of fs.createReadStream(path.join(dir, rel), { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
        files[rel] = h.digest('hex');
        bytes += fs.statSync(path.join(dir, rel)).size;
      }
    }
  };
  await walk('');
  return { files, bytes };
}

const defaultOpen = (file: string): number => fs.openSync(file, 'wx', 0o644);

/** Download (or read), check, unpack and put a model in place; see the file's comment. */
export async function installModel(opts: InstallOptions): Promise<InstalledModel> {
  const list = opts.list ?? KNOWN_MODELS;
  const open = opts.openForWrite ?? defaultOpen;
  const url = sourceUrl(opts.source);
  const given = opts.sha256?.trim().toLowerCase() || null;
  if (given !== null && !HEX64.test(given)) throw new HvelvError('INVALID_INPUT', 'a SHA-256 is 64 hexadecimal digits');
  const byUrl = url ? list.find((m) => m.url === url.href) ?? null : null;
  const expected = given ?? byUrl?.sha256 ?? null;
  if (opts.signal?.aborted) throw cancelled();

  fs.mkdirSync(opts.modelsDir, { recursive: true });
  // A staging folder left by a crash (the process killed mid-download) is swept first.
  sweepStaging(opts.modelsDir);
  const staging = path.join(opts.modelsDir, stagingName());
  fs.mkdirSync(staging);
  try {
    let archive: string;
    let archiveSha256: string;
    if (url) {
      archive = path.join(staging, 'archive.tar.bz2');
      const fd = open(archive);
      const h = createHash('sha256');
      try {
        await download(url, fd, opts, h, Math.min(MAX_ARCHIVE_BYTES, byUrl?.archiveBytes ?? MAX_ARCHIVE_BYTES));
      } finally {
        fs.closeSync(fd);
      }
      archiveSha256 = h.digest('hex');
    } else {
      archive = path.resolve(opts.source);
      archiveSha256 = (await hashFile(archive, opts)).sha256;
    }
    if (expected !== null && archiveSha256 !== expected) {
      throw new HvelvError('MODEL_HASH_MISMATCH', `the archive's SHA-256 is ${archiveSha256}, not the expected ${expected}; nothing was kept`);
    }
    const known = byUrl && expected === byUrl.sha256 ? byUrl : list.find((m) => m.sha256 !== null && m.sha256 === archiveSha256) ?? null;
    const verified = expected !== null || known !== null;

    const unpacked = path.join(staging, 'unpacked');
    fs.mkdirSync(unpacked);
    // The hash of the bytes actually unpacked: a file changed after it was hashed above
    // (a download folder others can write to) must not be installed under its old hash.
    const read = await unpack(archive, unpacked, opts, open);
    if (read.sha256 !== archiveSha256) throw new HvelvError('MODEL_HASH_MISMATCH', `${path.basename(archive)} changed while it was being installed; nothing was kept`);
    // sherpa-onnx's archives hold one folder; an archive of loose files is named after itself.
    const top = fs.readdirSync(unpacked);
    const single = top.length === 1 && fs.statSync(path.join(unpacked, top[0]!)).isDirectory();
    const folder = single ? path.join(unpacked, top[0]!) : unpacked;
    const name = known?.id ?? safeName(single ? top[0]! : path.basename(url ? url.pathname : archive));
    const shown = path.join(opts.modelsDir, name);
    modelFiles(folder, shown);
    readModelHeader(folder, shown);
    const tree = await hashTree(folder);
    const record: InstallRecord = {
      source: url ? url.href : path.basename(archive),
      archiveSha256,
      verified,
      known: known?.id ?? null,
      files: tree.files,
      installedAt: new Date().toISOString(),
    };
    const rfd = open(path.join(folder, INSTALL_RECORD));
    try {
      writeAll(rfd, Buffer.from(JSON.stringify(record, null, 2) + '\n'), INSTALL_RECORD);
      fs.fsyncSync(rfd);
    } finally {
      fs.closeSync(rfd);
    }
    if (opts.signal?.aborted) throw cancelled();
    if (fs.existsSync(shown)) throw new HvelvError('MODEL_INSTALLED', `a model named ${name} is already installed (remove it first)`);
    fs.renameSync(folder, shown);
    return { name, dir: shown, bytes: tree.bytes, verified, known, archiveSha256 };
  } catch (err) {
    if (err instanceof HvelvError) throw err;
    throw ioError(err, 'the model');
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A staging folder's name carries the id of the process that made it, so a later start
 * can tell one a killed install left (its process gone) from one in use by another
 * install (the app and the command may both run).
 */
function stagingName(): string {
  return `.staging-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove staging folders an interrupted install or removal left: those whose process is
 * gone, those older than a day (an id reused, or a name without one), or any when told.
 * Called at each install and when the app starts.
 */
export function sweepStaging(modelsDir: string, all = false): void {
  let names: string[];
  try {
    names = fs.readdirSync(modelsDir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith('.staging-')) continue;
    const p = path.join(modelsDir, n);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    const pid = /^\.staging-(\d+)-/.exec(n)?.[1];
    const orphan = pid !== undefined && !processAlive(Number(pid));
    if (st?.isDirectory() && (all || orphan || Date.now() - st.mtimeMs > 24 * 3600_000)) fs.rmSync(p, { recursive: true, force: true });
  }
}

/** Remove an installed model by its folder's name in the models folder. */
export function removeModel(modelsDir: string, name: string): void {
  if (!/^[\w.-]{1,120}$/.test(name) || name === '.' || name === '..' || name.startsWith('.staging-')) throw new HvelvError('INVALID_INPUT', `${name} is not a model's name`);
  const dir = path.join(modelsDir, name);
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new HvelvError('NOT_FOUND', `no model named ${name}`);
  // Renamed aside first, so a half-removed folder is never taken for a model.
  const aside = path.join(modelsDir, stagingName());
  fs.renameSync(dir, aside);
  fs.rmSync(aside, { recursive: true, force: true });
}
