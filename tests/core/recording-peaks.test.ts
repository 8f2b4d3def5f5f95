/**
 * The waveform overview computed in core (electron/core/services/recordings/peaks.ts):
 * from the sealed recording, chunk by chunk, with the streaming decoders; at import,
 * and at the first opening of a recording imported before; stored sealed under the
 * participant's key and destroyed with their withdrawal (a forensic scan of the vault
 * for the stored row's ciphertext and the peaks in clear).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PEAKS_TABLE, Recordings } from '../../electron/core/services/recordings/recordings';
import { Participants } from '../../electron/core/services/participants/participants';
import { computePeaks, peakCount } from '../../electron/core/services/recordings/peaks';
import { storeDir } from '../../electron/core/vault/layout';
import { PEAKS_MAX } from '@shared/transcription';
import { wavHeader } from '../wav';
import { admit, findNeedles, listFiles, makeVault, tempDir } from './helpers';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
const NOW = () => new Date('2026-11-27T10:00:00Z');

/** The loudness of tenth `k` of a second: a staircase up and down, with silent tenths. */
const envelope = (k: number): number => (k % 13 === 6 ? 0 : ((k * 7) % 11) / 10);

/**
 * A 44.1 kHz stereo WAV whose every tenth of a second is a 441 Hz tone at a known
 * loudness (the same on both channels): each bucket's peak is that loudness exactly,
 * since a tenth holds 44 whole periods and each period a sample at its crest.
 */
function envelopeWav(file: string, seconds: number): void {
  const rate = 44100;
  const n = seconds * rate;
  const data = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    const v = Math.round(32767 * envelope(Math.floor(i / 4410)) * Math.sin((2 * Math.PI * 441 * i) / rate));
    data.writeInt16LE(v, i * 4);
    data.writeInt16LE(v, i * 4 + 2);
  }
  fs.writeFileSync(file, Buffer.concat([wavHeader(data.length, rate, 2), data]));
}

async function setup() {
  const v = await makeVault();
  const code = admit(v.session);
  return { ...v, code, rec: new Recordings(v.session, NOW) };
}

describe('peaks computed in core', () => {
  it('a WAV with a known envelope: one peak per tenth of a second, each the loudness of its tenth', async () => {
    const { session, code, rec } = await setup();
    const wav = path.join(tempDir(), 'envelope.wav');
    envelopeWav(wav, 12);
    const info = await rec.import(code, wav);
    // Computed at import, from the sealed copy.
    const peaks = rec.peaks(info.id)!;
    expect(peaks.length).toBe(120);
    for (let k = 0; k < 120; k++) expect(Math.abs(peaks[k]! - Math.round(envelope(k) * 255)), `tenth ${k}`).toBeLessThanOrEqual(1);
    // An older recording (no peaks stored): computed at the first asking, the same, and stored.
    session.stores.recordings.delete(PEAKS_TABLE, info.id);
    expect(rec.peaks(info.id)).toBeNull();
    const again = await rec.ensurePeaks(info.id);
    expect(again).toEqual(peaks);
    expect(rec.peaks(info.id)).toEqual(peaks);
    session.lock();
  });

  it('pieces that split sample frames (and are overwritten once read) give the same peaks', async () => {
    const wav = path.join(tempDir(), 'split.wav');
    envelopeWav(wav, 3);
    const file = fs.readFileSync(wav);
    const size = 4999; // splits the 4-byte stereo frames, and the header
    // One buffer for every piece, as a reader may reuse one: nothing of a piece may be read after the next.
    const shared = Buffer.alloc(size);
    const chunk = (i: number): Buffer => shared.subarray(0, file.copy(shared, 0, i * size, (i + 1) * size));
    const peaks = await computePeaks({ chunkCount: Math.ceil(file.length / size), chunk }, 'wav', 3000);
    expect(peaks.length).toBe(30);
    for (let k = 0; k < 30; k++) expect(Math.abs(peaks[k]! - Math.round(envelope(k) * 255)), `tenth ${k}`).toBeLessThanOrEqual(1);
  });

  it('the bucket count follows the duration: ten a second, at most PEAKS_MAX', () => {
    expect(peakCount(60_000)).toBe(600);
    expect(peakCount(75 * 60_000)).toBe(45_000);
    expect(peakCount(2 * 3600_000)).toBe(PEAKS_MAX);
    expect(peakCount(40)).toBe(1);
  });

  it('a recording longer than PEAKS_MAX tenths folds into PEAKS_MAX buckets, the loud part where it is', async () => {
    // 90 minutes of 1 kHz 16-bit mono, silent except the tenth minute; no file: chunks from memory.
    const rate = 1000;
    const seconds = 90 * 60;
    const data = Buffer.alloc(seconds * rate * 2);
    for (let i = 600 * rate; i < 660 * rate; i++) data.writeInt16LE(i % 2 ? 16384 : -16384, i * 2);
    const file = Buffer.concat([wavHeader(data.length, rate), data]);
    const chunks = Math.ceil(file.length / 65536);
    const peaks = await computePeaks({ chunkCount: chunks, chunk: (i) => Buffer.from(file.subarray(i * 65536, (i + 1) * 65536)) }, 'wav', seconds * 1000);
    expect(peaks.length).toBe(PEAKS_MAX);
    const loud = [...peaks.keys()].filter((i) => peaks[i]! > 100);
    // The tenth minute of ninety: buckets 5333 to 5866 of 48 000.
    expect(loud[0]).toBeGreaterThanOrEqual(5332);
    expect(loud.at(-1)).toBeLessThanOrEqual(5867);
    expect(loud.length).toBeGreaterThan(520);
  });

  it.each(['mp3', 'flac', 'ogg', 'webm'] as const)('%s: the 2-second tone gives 20 peaks of sound', async (f) => {
    const { session, code, rec } = await setup();
    const info = await rec.import(code, path.join(FIXTURES, `tone.${f}`));
    const peaks = rec.peaks(info.id)!;
    expect(peaks.length).toBe(peakCount(info.durationMs));
    // A steady tone: loud throughout, but for the codec's first and last frames.
    expect(peaks.slice(2, -2).every((p) => p > 20)).toBe(true);
    session.lock();
  });

  it.each(['m4a'] as const)('%s: made in core too (by random access in the decode worker, tests/core/audio-m4a.test.ts): none at import, 20 peaks of sound when first asked for, then stored', async (f) => {
    const { session, code, rec } = await setup();
    const info = await rec.import(code, path.join(FIXTURES, `tone.${f}`));
    // The import does not fold an MP4 as it streams (its frame table may come last).
    expect(rec.peaks(info.id)).toBeNull();
    const peaks = (await rec.ensurePeaks(info.id))!;
    expect(peaks.length).toBe(peakCount(info.durationMs));
    expect(peaks.slice(2, -2).every((p) => p > 20)).toBe(true);
    expect(rec.peaks(info.id)).toEqual(peaks);
    session.lock();
  });

  it('locking the vault stops a computation between two slices', async () => {
    const { session, code, rec } = await setup();
    const wav = path.join(tempDir(), 'long.wav');
    envelopeWav(wav, 60);
    const info = await rec.import(code, wav);
    session.stores.recordings.delete(PEAKS_TABLE, info.id);
    const job = rec.ensurePeaks(info.id);
    // The first slice gives way within milliseconds; the lock lands between slices.
    await new Promise((r) => setImmediate(r));
    session.lock();
    await expect(job).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('deleting the recording deletes its peaks', async () => {
    const { session, code, rec } = await setup();
    const wav = path.join(tempDir(), 'e.wav');
    envelopeWav(wav, 3);
    const info = await rec.import(code, wav);
    expect(session.stores.recordings.versions(PEAKS_TABLE).has(info.id)).toBe(true);
    await rec.delete(info.id);
    expect(session.stores.recordings.versions(PEAKS_TABLE).size).toBe(0);
    session.lock();
  });

  it('sealed under the participant’s key and destroyed with their withdrawal: neither the peaks nor their ciphertext is left on disk', async () => {
    const { dir, session, code, rec } = await setup();
    const wav = path.join(tempDir(), 'w.wav');
    envelopeWav(wav, 8);
    const info = await rec.import(code, wav);
    const peaks = rec.peaks(info.id)!;
    const clear = [Buffer.from(Buffer.from(peaks).toString('base64')), Buffer.from(peaks)];
    const dbFile = path.join(storeDir(dir, 'recordings'), 'recordings.sqlite');
    // The stored row: under the participant's key (not the store's), its ciphertext read as it is on disk.
    const raw = new Database(dbFile, { readonly: true });
    const row = raw.prepare<[string, string], { key_id: string; participant: string; ct: Buffer }>('SELECT key_id, participant, ct FROM records WHERE tbl = ? AND id = ?').get(PEAKS_TABLE, info.id)!;
    raw.close();
    expect(row.participant).toBe(code);
    expect(row.key_id).not.toBe('store');
    const sealed = row.ct.subarray(16, 80);
    expect(findNeedles(listFiles(dir), clear)).toEqual([]);
    expect(findNeedles(listFiles(dir), [sealed]).length).toBeGreaterThan(0);

    await new Participants(session, NOW).withdraw(code, '2026-11-27');
    expect(session.stores.recordings.versions(PEAKS_TABLE).size).toBe(0);
    expect(() => rec.peaks(info.id)).toThrow();
    expect(findNeedles(listFiles(dir), [...clear, sealed])).toEqual([]);
    session.lock();
  });
});
