/**
 * Recordings: imported as an encrypted stream into the recordings store, played back
 * by decrypting only the chunks asked for, exported bit-identical, deleted for good.
 * "Lydbånd vil bli innelåst": the recording is locked away from the moment it is in.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFile } from 'music-metadata';
import type { AudioFacts, RecordingInfo } from '../../../../shared/contract';
import { PEAKS_MAX } from '../../../../shared/transcription';
import { assertConsent } from '../../consent/gate';
import { KEY_BYTES } from '../../crypto/sodium';
import { decryptBlobToFile, encryptFileToBlob, hashInWorker, StreamReader, type EncryptProgress } from '../../crypto/stream';
import { beginExport } from '../project/export-journal';
import { fromB64, toB64, toHex } from '../../crypto/encoding';
import { HvelvError } from '../../errors';
import { fsyncDir } from '../../vault/atomic-file';
import { insideVault, shredFile, shredFileAsync, shredFilesAsync } from '../../vault/safe-delete';
import { storeDir } from '../../vault/layout';
import { openRegularFile, withRegularFile } from '../project/user-file';
import { coreCanDecode, foldsOnCallingThread, StreamingPeaks } from './peaks';
import { PeaksWorker, peaksInWorker } from './peaks-worker';
import type { VaultSession } from '../../vault/vault';
import { daysUntil, isIsoDate, localIsoDate } from '../../../../shared/domain';

export const RECORDING_TABLE = 'recording';
/**
 * The waveform overview of a recording, a record of its own (same id, same participant,
 * so sealed under their key and destroyed with their other rows), so that listing
 * recordings does not decrypt 64 KB of peaks for each.
 */
export const PEAKS_TABLE = 'recording_peaks';
export const SOURCE_TABLE = 'recording_source';

/** Peaks being computed, per session and recording: a second asker waits for the first. */
const computing = new WeakMap<VaultSession, Map<string, Promise<Uint8Array | null>>>();

/** What is stored about a recording (sealed with the participant's key). */
export interface RecordingRecord {
  blob: string;
  key: string;
  size: number;
  sha256: string;
  format: AudioFacts;
  recordedAt: string | null;
  importedAt: string;
  /**
   * The waveform overview as vaults made before 2026-12-02 kept it (base64, in this
   * record); now it is a record of its own (PEAKS_TABLE). Read, never written.
   */
  peaks?: string;
}

export type { AudioFacts };

export { PEAKS_MAX };

function formatOf(container: string | undefined): AudioFacts['format'] | null {
  if (!container) return null;
  if (container.startsWith('WAVE')) return 'wav';
  if (container === 'MPEG') return 'mp3';
  if (/^(M4A|mp4|isom|M4B|3gp)/i.test(container)) return 'm4a';
  if (container === 'Ogg') return 'ogg';
  if (container === 'FLAC') return 'flac';
  if (/webm|matroska/i.test(container)) return 'webm';
  return null;
}

/**
 * Read what the file says about itself, without decoding it. Refuses what is not
 * audio, what we do not take, and what is visibly cut short (a constant-bitrate file
 * much smaller than its declared duration needs).
 */
export async function probeAudio(file: string): Promise<{ facts: AudioFacts; recordedAt: string | null }> {
  // A FIFO named .wav would hang the import with the vault locked: the file is opened
  // without blocking and checked by its descriptor, and read only through that.
  return withRegularFile(file, (opened, size) => probeOpened(file, opened, size));
}

/** probeAudio of `opened` (a path naming the file already open), `file` for messages. */
async function probeOpened(file: string, opened: string, size: number): Promise<{ facts: AudioFacts; recordedAt: string | null }> {
  let meta;
  try {
    // The extension chooses the parser where the name has one; /proc/self/fd/N has none.
    meta = await parseFile(opened, { duration: true, skipCovers: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new HvelvError('FILE_UNREADABLE', `cannot read ${path.basename(file)}`, { cause: err });
    throw new HvelvError('AUDIO_UNSUPPORTED', `${path.basename(file)} is not a recognised audio file`, { cause: err });
  }
  const f = meta.format;
  const format = formatOf(f.container);
  if (!format) throw new HvelvError('AUDIO_UNSUPPORTED', `${path.basename(file)}: ${f.container ?? 'unknown'} is not a supported audio format`);
  const duration = f.duration ?? 0;
  if (!f.codec || !Number.isFinite(duration) || duration <= 0 || !f.sampleRate || !f.numberOfChannels) {
    throw new HvelvError('AUDIO_DAMAGED', `${path.basename(file)}: the ${format} header is damaged or the file is empty`);
  }
  const cbr = format === 'wav' || (format === 'mp3' && meta.format.codecProfile !== 'V');
  if (cbr && f.bitrate && size < 0.9 * ((f.bitrate * duration) / 8)) {
    throw new HvelvError('AUDIO_DAMAGED', `${path.basename(file)} is cut short: ${size} bytes for ${duration.toFixed(1)} s at ${Math.round(f.bitrate / 1000)} kbit/s`);
  }
  if (format === 'wav') checkWavComplete(opened, file, size);
  // MP4 files without a date carry 1904-01-01 (their epoch): that is no date.
  const created = meta.format.creationTime && meta.format.creationTime.getUTCFullYear() > 1970 ? meta.format.creationTime.toISOString() : null;
  const tagged = created ?? meta.common.date ?? null;
  return {
    facts: {
      format,
      codec: f.codec,
      durationMs: Math.round(duration * 1000),
      sampleRate: f.sampleRate,
      channels: f.numberOfChannels,
      bitrate: f.bitrate ? Math.round(f.bitrate) : null,
    },
    recordedAt: tagged,
  };
}

/**
 * A WAV whose data chunk declares more bytes than the file holds was cut short
 * (a copy interrupted, a recorder's battery dying). music-metadata derives the
 * duration from what is there, so we walk the RIFF chunks ourselves.
 */
function checkWavComplete(opened: string, file: string, size: number): void {
  const fd = fs.openSync(opened, 'r');
  try {
    const head = Buffer.alloc(8);
    let off = 12;
    while (off + 8 <= size) {
      fs.readSync(fd, head, 0, 8, off);
      const id = head.toString('latin1', 0, 4);
      const len = head.readUInt32LE(4);
      if (id === 'data') {
        // 0 and 0xFFFFFFFF are what streaming writers leave when they cannot seek back.
        if (len !== 0 && len !== 0xffffffff && off + 8 + len > size) {
          throw new HvelvError('AUDIO_DAMAGED', `${path.basename(file)} is cut short: ${size - off - 8} of ${len} audio bytes are there`);
        }
        return;
      }
      off += 8 + len + (len & 1);
    }
    throw new HvelvError('AUDIO_DAMAGED', `${path.basename(file)} has no audio data`);
  } finally {
    fs.closeSync(fd);
  }
}

export class Recordings {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.recordings;
  }

  private blobDir(): string {
    return path.join(storeDir(this.session.path, 'recordings'), 'blobs');
  }

  private blobPath(blob: string): string {
    if (!/^[0-9a-f]{32}$/.test(blob)) throw new HvelvError('INTEGRITY', 'recording blob name is malformed');
    return path.join(this.blobDir(), `${blob}.hvr`);
  }

  list(): RecordingInfo[] {
    return this.store.list<RecordingRecord>(RECORDING_TABLE).map((r) => this.info(r.id, r.participant!, r.data));
  }

  get(id: string): RecordingInfo {
    const r = this.record(id);
    return this.info(id, r.participant, r.data);
  }

  async import(code: string, file: string, opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void } = {}): Promise<RecordingInfo> {
    // Consent first: nothing is read from a person's recording without it.
    assertConsent(this.session.stores.keylist, code, 'recording');
    fs.mkdirSync(this.blobDir(), { recursive: true, mode: 0o700 });
    const blob = toHex(randomBytes(16));
    const key = randomBytes(KEY_BYTES);
    const target = this.blobPath(blob);
    // One open file from the check to the last byte encrypted: what was probed is what is
    // stored, whatever is put at the path meanwhile (a FIFO would block, another file differ).
    const { facts, recordedAt, result, waveform } = await withRegularFile(file, async (opened, size) => {
      const probed = await probeOpened(file, opened, size);
      // One pass: the waveform is folded from the plaintext as it streams to the sealing,
      // in the same read. A recording the decoders stumble over is still imported (the
      // player may play it); its waveform is simply not made, and the workspace says why.
      const wave = waveformFolder(probed.facts);
      try {
        const sealed = await encryptFileToBlob(opened, target, { key, vaultId: this.session.vaultId, recordingId: Buffer.from(blob, 'hex'), ...opts, onPlain: wave.push });
        // An M4A is not folded as it streams (its frame table may come last, as phones write
        // it): its waveform is made by ensurePeaks, in the decode worker, when it is first
        // shown, so the import costs what the seal costs (wave.end() is null for it).
        return { ...probed, result: sealed, waveform: await wave.end() };
      } catch (err) {
        throw importError(err, file);
      } finally {
        wave.free();
      }
    }).catch((err: unknown) => {
      key.fill(0);
      throw err;
    });
    let storedId: string | null = null;
    try {
      fsyncDir(this.blobDir());
      const dup = this.list().find((r) => r.sha256 === result.sha256);
      if (dup) throw new HvelvError('DUPLICATE_RECORDING', `the same recording is already stored for ${dup.code}`);
      const rec: RecordingRecord = { blob, key: toB64(key), size: result.plainSize, sha256: result.sha256, format: facts, recordedAt, importedAt: this.now().toISOString() };
      const stored = this.store.put(RECORDING_TABLE, { participant: code, data: rec });
      storedId = stored.id;
      // The original file name may carry a name: it goes into the key list, nowhere else.
      this.session.stores.keylist.put(SOURCE_TABLE, { id: stored.id, participant: code, data: { filename: path.basename(file) } });
      this.session.audit.append('recording.imported', {
        participant: code,
        details: { recording: stored.id, format: facts.format, seconds: Math.round(facts.durationMs / 1000), bytes: result.plainSize },
      });
      if (waveform) this.storePeaks(stored.id, waveform);
      return this.info(stored.id, code, rec);
    } catch (err) {
      // Undo in reverse: no record may point at a blob that is gone.
      if (storedId) {
        this.store.delete(RECORDING_TABLE, storedId);
        this.session.stores.keylist.delete(SOURCE_TABLE, storedId);
      }
      shredFile(target);
      throw err;
    } finally {
      key.fill(0);
    }
  }

  /** The stored waveform overview, or null if it has not been computed yet. */
  peaks(id: string): Uint8Array | null {
    const r = this.record(id);
    const own = this.store.get<{ peaks: string }>(PEAKS_TABLE, id);
    const b64 = own?.data.peaks ?? r.data.peaks;
    return b64 ? new Uint8Array(Buffer.from(b64, 'base64')) : null;
  }

  /**
   * Keep the waveform overview with the recording. Peaks are a picture of loudness,
   * far too coarse to hold speech (ten values a second), and sealed all the same.
   */
  storePeaks(id: string, peaks: Uint8Array): void {
    if (peaks.length === 0 || peaks.length > PEAKS_MAX) throw new HvelvError('INVALID_INPUT', `a waveform has 1 to ${PEAKS_MAX} peaks`);
    const r = this.record(id);
    this.store.put(PEAKS_TABLE, { id, participant: r.participant, data: { peaks: Buffer.from(peaks).toString('base64') } });
  }

  /**
   * The waveform overview, computed now from the sealed recording if it is not stored
   * yet (recordings imported before the import made it, and every M4A: its frame table may
   * follow the sound, so it is not folded as the import streams), and stored; decrypted and
   * decoded in a worker thread (peaks-worker.ts). Locking the vault stops the computation.
   */
  async ensurePeaks(id: string, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array | null> {
    const have = this.peaks(id);
    if (have) return have;
    const info = this.get(id);
    let running = computing.get(this.session);
    if (!running) computing.set(this.session, (running = new Map()));
    const already = running.get(id);
    if (already) return already;
    const job = (async () => {
      const stop = new AbortController();
      const offLock = this.session.onLock(() => stop.abort());
      const onAbort = () => stop.abort();
      opts.signal?.addEventListener('abort', onAbort);
      const reader = this.open(id);
      const source = reader.sealedSource();
      try {
        // Decrypted and decoded in a worker thread: nothing of it on this one.
        const peaks = await peaksInWorker(source, info.format, info.durationMs, { signal: stop.signal });
        if (stop.signal.aborted) throw new HvelvError('CANCELLED', 'the waveform was not finished');
        // Withdrawn or deleted meanwhile: record() fails, and nothing is stored.
        this.storePeaks(id, peaks);
        return peaks;
      } finally {
        source.key.fill(0);
        reader.close();
        offLock();
        opts.signal?.removeEventListener('abort', onAbort);
        running.delete(id);
      }
    })();
    running.set(id, job);
    return job;
  }

  /**
   * The day the interview was recorded, entered by the student where the file's tags
   * had none (or a wrong one); null clears it. A day, not a time: that is what a thesis
   * reports, and a time of day says more about a person than the study needs.
   */
  setRecordedAt(id: string, date: string | null): RecordingInfo {
    const r = this.record(id);
    if (date !== null && !isIsoDate(date)) throw new HvelvError('INVALID_INPUT', `recording date ${date} is not a date`);
    if (date !== null && daysUntil(date, localIsoDate(this.now())) > 0) throw new HvelvError('INVALID_INPUT', `recording date ${date} is in the future`);
    const data: RecordingRecord = { ...r.data, recordedAt: date };
    this.store.put(RECORDING_TABLE, { id, participant: r.participant, data });
    this.session.audit.append('recording.dated', { participant: r.participant, details: { recording: id, date: date ?? '' } });
    return this.info(id, r.participant, data);
  }

  /** Random access to the decrypted audio. The caller closes it. */
  open(id: string): StreamReader {
    const r = this.record(id);
    const key = fromB64(r.data.key, KEY_BYTES, 'recording key');
    try {
      return StreamReader.open(this.blobPath(r.data.blob), key, this.session.vaultId, Buffer.from(r.data.blob, 'hex'));
    } finally {
      key.fill(0);
    }
  }

  /** Decrypt to `out`, and prove it: the SHA-256 of what was written equals the original's. */
  async export(id: string, out: string, opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void } = {}): Promise<{ sha256: string }> {
    const r = this.record(id);
    const reader = this.open(id);
    // A lock stops the export as Cancel does: no more is decrypted once the vault is locked.
    const { signal, off } = this.untilLocked(opts.signal);
    try {
      const tmp = `${out}.partial-${process.pid}`;
      const note = beginExport(this.session, tmp, this.now);
      let hash: string;
      try {
        hash = await decryptBlobToFile(reader, out, tmp, { ...opts, signal }).catch((err: unknown) => {
          throw (err as Error)?.name === 'AbortError' ? new HvelvError('CANCELLED', this.session.isLocked ? 'the vault locked; the export was stopped' : 'export cancelled') : exportError(err);
        });
      } finally {
        note.end();
      }
      // Locked after the last chunk: the export cannot be logged, so it is not kept. (Its
      // overwriting goes through the thread pool: a gigabyte's took seconds of this thread.)
      if (this.session.isLocked) {
        await shredFileAsync(out);
        throw new HvelvError('CANCELLED', 'the vault locked; the export was stopped');
      }
      if (hash !== r.data.sha256) {
        await shredFileAsync(out);
        throw new HvelvError('INTEGRITY', 'the exported recording does not match the original');
      }
      this.session.audit.append('recording.exported', { participant: r.participant, details: { recording: id } });
      return { sha256: hash };
    } finally {
      off();
      reader.close();
    }
  }

  /**
   * Check that the stored copy decrypts to the same bytes as `original` (before deleting
   * that). Both hashes are taken in a worker thread (a gigabyte is decrypted and hashed,
   * then the original hashed): the app's window keeps answering. Progress counts both
   * passes (twice the recording's bytes); `signal` stops it with CANCELLED, and nothing
   * has changed.
   */
  async verifyAgainst(id: string, original: string, opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void } = {}): Promise<boolean> {
    return (await this.checkOriginal(id, original, opts)).same;
  }

  /** verifyAgainst, and which file was checked (its identity as it was when its hash was taken). */
  private async checkOriginal(id: string, original: string, opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void }): Promise<{ same: boolean; checked: FileIdentity | null }> {
    const r = this.record(id);
    const total = 2 * r.data.size;
    const cancelled = (err: unknown): never => {
      throw (err as Error)?.name === 'AbortError' ? new HvelvError('CANCELLED', 'the check was cancelled') : err;
    };
    const reader = this.open(id);
    const from = reader.sealedSource();
    try {
      const stored = await hashInWorker({ from }, { signal: opts.signal, onProgress: (bytes) => opts.onProgress?.({ bytes: Math.min(r.data.size, bytes), total }) }).catch(cancelled);
      if (stored !== r.data.sha256) return { same: false, checked: null };
    } finally {
      from.key.fill(0);
      reader.close();
    }
    // Hashed through one descriptor; what it names is noted, so that what is deleted is the
    // file that was checked, not whatever has the name by then (another take saved over it).
    const { fd } = openRegularFile(original);
    try {
      // As it was before the hash and still after: written to meanwhile, it is not the file checked.
      const before = identityOf(fs.fstatSync(fd));
      const hash = await hashInWorker({ plainFd: fd }, { signal: opts.signal, onProgress: (bytes) => opts.onProgress?.({ bytes: r.data.size + Math.min(bytes, r.data.size), total }) }).catch(cancelled);
      const same = hash === r.data.sha256 && sameFile(before, identityOf(fs.fstatSync(fd)));
      return { same, checked: same ? before : null };
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * After a verified import, remove the original: overwrite it with zeros, sync, and
   * unlink. On SSDs, copy-on-write file systems and in backups the old blocks may
   * survive; the UI says so. Only the file that was checked, unchanged since, is deleted;
   * a lock during the check stops it (CANCELLED), and nothing is deleted.
   */
  async deleteOriginal(id: string, original: string, opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void } = {}): Promise<void> {
    const participant = this.record(id).participant;
    const { signal, off } = this.untilLocked(opts.signal);
    try {
      const { same, checked } = await this.checkOriginal(id, original, { ...opts, signal });
      if (!same || !checked) {
        throw new HvelvError('INTEGRITY', 'the original does not match the stored recording; it was not deleted');
      }
      // Locked after the last slice of the check: nothing is deleted that the log cannot record.
      if (this.session.isLocked) throw new HvelvError('CANCELLED', 'the vault locked; the original was not deleted');
      // Cancel is offered for the check only: once overwriting has begun it runs to the end.
      await overwriteAndRemove(original, checked);
    } finally {
      off();
    }
    this.session.audit.append('recording.original-deleted', { participant, details: { recording: id } });
  }

  /** A signal that aborts with `given` or when the vault locks (the work stops; nothing more is decrypted or deleted). */
  private untilLocked(given?: AbortSignal): { signal: AbortSignal; off: () => void } {
    const ctl = new AbortController();
    const abort = (): void => ctl.abort();
    if (given?.aborted) abort();
    given?.addEventListener('abort', abort);
    const offLock = this.session.onLock(abort);
    return {
      signal: ctl.signal,
      off: () => {
        offLock();
        given?.removeEventListener('abort', abort);
      },
    };
  }

  /**
   * Delete a recording. The record holds the key: once it is gone the blob is noise; then
   * the blob is overwritten in slices that leave this thread free (gigabytes take seconds),
   * with progress; no Cancel: a crash before the end leaves ciphertext without a key, which
   * the orphan sweep at the next open removes.
   */
  async delete(id: string, opts: { onProgress?: (p: { bytes: number; total: number }) => void } = {}): Promise<void> {
    const r = this.record(id);
    const blob = this.blobFiles([r.data.blob]);
    this.store.atomically(() => {
      this.store.delete(RECORDING_TABLE, id);
      this.store.delete(PEAKS_TABLE, id);
    });
    this.session.stores.keylist.delete(SOURCE_TABLE, id);
    this.session.audit.append('recording.deleted', { participant: r.participant, details: { recording: id } });
    await shredFilesAsync(blob, opts.onProgress);
  }

  /**
   * Blobs with no record (a crash between writing the blob and storing its record,
   * or a withdrawal that removed the records first) and leftover temporary files.
   * Their keys were never stored or are destroyed; remove them.
   */
  async sweepOrphans(): Promise<number> {
    const orphans = this.orphans();
    if (orphans.length === 0) return 0;
    insideVault(this.session.path, this.blobDir());
    // Overwritten in slices that leave the thread free: an orphan can be a whole recording.
    // One the disk cannot overwrite or remove (an I/O error, a sync client holding it) is
    // keyless ciphertext: it stays for a later open (hvelv verify lists it), and must not
    // refuse the vault to its user, as it did when this open threw.
    let swept = 0;
    for (const o of orphans) {
      try {
        await shredFilesAsync([path.join(this.blobDir(), o.name)]);
        swept++;
      } catch (err) {
        if (typeof (err as NodeJS.ErrnoException).syscall !== 'string') throw err; // the file system's refusal only, never a bug
      }
    }
    return swept;
  }

  /**
   * What sweepOrphans would remove, without removing it (for `hvelv verify`, which opens
   * the vault without tidying): a blob with no record, and an import's temporary file
   * (`.partial`: an import cut short).
   */
  orphans(): { name: string; kind: 'orphan-blob' | 'partial-import'; bytes: number }[] {
    if (!fs.existsSync(this.blobDir())) return [];
    const known = new Set(this.store.list<RecordingRecord>(RECORDING_TABLE).map((r) => `${r.data.blob}.hvr`));
    const out: { name: string; kind: 'orphan-blob' | 'partial-import'; bytes: number }[] = [];
    for (const name of fs.readdirSync(this.blobDir())) {
      if (known.has(name)) continue;
      let bytes = 0;
      try {
        bytes = fs.lstatSync(path.join(this.blobDir(), name)).size;
      } catch {
        /* gone meanwhile */
      }
      out.push({ name, kind: name.endsWith('.hvr') ? 'orphan-blob' : 'partial-import', bytes });
    }
    return out;
  }

  /** The files of these blobs, to shred once their records (and keys) are gone; the blob folder checked to be the vault's own. */
  blobFiles(blobs: string[]): string[] {
    if (blobs.length === 0 || !fs.existsSync(this.blobDir())) return [];
    insideVault(this.session.path, this.blobDir());
    return blobs.map((b) => this.blobPath(b));
  }

  /** The blob names of one participant's recordings (to shred after their records go). */
  blobsOf(code: string): string[] {
    return this.store.list<RecordingRecord>(RECORDING_TABLE, { participant: code }).map((r) => r.data.blob);
  }

  private record(id: string): { participant: string; data: RecordingRecord } {
    const r = this.store.get<RecordingRecord>(RECORDING_TABLE, id);
    if (!r || !r.participant) throw new HvelvError('NOT_FOUND', `no recording ${id}`);
    return { participant: r.participant, data: r.data };
  }

  private info(id: string, code: string, r: RecordingRecord): RecordingInfo {
    return { id, code, ...r.format, size: r.size, sha256: r.sha256, recordedAt: r.recordedAt, importedAt: r.importedAt };
  }
}

/** Bytes folded at a time for a WAV's waveform on the calling thread, and the time after which it gives way. */
const WAV_PIECE = 256 * 1024;
const SLICE_MS = 8;

/**
 * The import's waveform: fed each plaintext batch, it gives the peaks at the end, or
 * null where core has no decoder for the format or the decoder failed part way (the
 * failure stops the waveform, never the import). A format that is decoded (MP3, FLAC,
 * Ogg, WebM, and whatever decoderFor learns next) goes to a worker thread (PeaksWorker),
 * so no WebAssembly is compiled and no sound decoded on this one; WAV, which is only read
 * (its fold in SIMD is 0.11 s a GiB), is folded here, where it costs less than the copy
 * to a worker would.
 */
function waveformFolder(facts: AudioFacts): { push: (plain: Buffer) => Promise<void>; end: () => Promise<Uint8Array | null>; free: () => void } {
  if (!coreCanDecode(facts.format)) return { push: async () => undefined, end: async () => null, free: () => undefined };
  if (!foldsOnCallingThread(facts.format)) {
    const worker = new PeaksWorker(facts.format, facts.durationMs);
    return { push: worker.push, end: () => worker.end(), free: () => worker.free() };
  }
  let peaks: StreamingPeaks | null = null;
  let sliceStart = performance.now();
  const drop = (): void => {
    peaks?.free();
    peaks = null;
  };
  const made = StreamingPeaks.create(facts.format, facts.durationMs).then(
    (p) => (peaks = p),
    () => null,
  );
  return {
    // In pieces, giving way between them, so the app's main thread keeps answering.
    push: async (plain) => {
      await made;
      for (let at = 0; at < plain.length && peaks; at += WAV_PIECE) {
        try {
          await peaks.push(plain.subarray(at, at + WAV_PIECE));
        } catch {
          drop();
        }
        if (performance.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
    },
    end: async () => {
      await made;
      if (!peaks) return null;
      try {
        return (await peaks.end()).peaks;
      } catch {
        return null;
      } finally {
        drop();
      }
    },
    free: drop,
  };
}

/**
 * What the export's writing met, for the user: a full disk (DISK_FULL), or the folder or
 * drive failing otherwise (gone, read-only, no access: IO), each a message in the user's
 * language, not "internal error". Errors that are ours pass as they are.
 */
function exportError(err: unknown): unknown {
  if (err instanceof HvelvError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new HvelvError('DISK_FULL', 'no space left where the recording was exported', { cause: err });
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new HvelvError('IO', `the exported recording could not be written (${code})`, { cause: err });
  return err;
}

function importError(err: unknown, file: string): HvelvError {
  if (err instanceof HvelvError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError') return new HvelvError('CANCELLED', 'import cancelled');
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') return new HvelvError('DISK_FULL', 'no space left on the disk', { cause: err });
  return new HvelvError('FILE_UNREADABLE', `${path.basename(file)} could not be read to the end: ${e?.message ?? String(err)}`, { cause: err });
}

/** Which file a path named, and as it was: the same device and inode, size and modification time. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

function identityOf(st: fs.Stats): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Overwrite a file's bytes, sync, unlink. Best effort on hardware that remaps blocks.
 * With `expected`, only that file unchanged: another under its name, or it written to
 * since, is left as it is (INTEGRITY).
 */
export async function overwriteAndRemove(file: string, expected?: FileIdentity): Promise<void> {
  const changed = (): HvelvError => new HvelvError('INTEGRITY', 'the original changed after it was checked; it was not deleted');
  const fh = await fs.promises.open(file, 'r+');
  try {
    const st = await fh.stat();
    if (expected && !sameFile(identityOf(st), expected)) throw changed();
    const size = st.size;
    const zeros = Buffer.alloc(1024 * 1024);
    for (let off = 0; off < size; off += zeros.length) await fh.write(zeros, 0, Math.min(zeros.length, size - off), off);
    await fh.sync();
  } finally {
    await fh.close();
  }
  // The name still names the file overwritten (not one renamed over it meanwhile).
  if (expected) {
    const now = await fs.promises.lstat(file);
    if (now.dev !== expected.dev || now.ino !== expected.ino) throw changed();
  }
  await fs.promises.unlink(file);
}
