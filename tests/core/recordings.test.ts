/**
 * Recordings: metadata from each format, import into the encrypted store, export
 * bit-identical, and every bad input (not audio, damaged, cut short, unsupported,
 * duplicate, no consent, cancelled, the file changing under us) storing nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings, probeAudio } from '../../electron/core/services/recordings/recordings';
import { Participants } from '../../electron/core/services/participants/participants';
import { openProject } from '../../electron/core/services/project/open';
import { parseRange } from '../../electron/core/services/recordings/range';
import { storeDir } from '../../electron/core/vault/layout';
import { admit, listFiles, makeVault, makeWav, tempDir } from './helpers';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
const NOW = () => new Date('2026-11-27T10:00:00Z');
const PASS = 'correct horse battery staple';

async function setup() {
  const v = await makeVault(PASS);
  const code = admit(v.session);
  return { ...v, code, rec: new Recordings(v.session, NOW), blobs: () => (fs.existsSync(path.join(storeDir(v.dir, 'recordings'), 'blobs')) ? fs.readdirSync(path.join(storeDir(v.dir, 'recordings'), 'blobs')) : []) };
}

describe('metadata of each format', () => {
  it.each([
    ['wav', 'PCM'],
    ['mp3', 'MPEG 2 Layer 3'],
    ['m4a', 'MPEG-4/AAC'],
    ['ogg', 'Opus'],
    ['flac', 'FLAC'],
    ['webm', 'OPUS'],
  ])('%s: format, codec, duration, rate, channels', async (ext, codec) => {
    const { facts, recordedAt } = await probeAudio(path.join(FIXTURES, `tone.${ext}`));
    expect(facts.format).toBe(ext);
    expect(facts.codec).toBe(codec);
    expect(facts.durationMs).toBeGreaterThan(1900);
    expect(facts.durationMs).toBeLessThan(2200);
    expect(facts.sampleRate).toBe(16000);
    expect(facts.channels).toBeGreaterThanOrEqual(1);
    if (ext !== 'webm') expect(recordedAt?.slice(0, 10)).toBe('2021-03-15');
  });
});

describe('import and export', () => {
  it('stores each format encrypted and exports it bit-identical', async () => {
    const { session, code, rec, blobs } = await setup();
    const out = tempDir();
    for (const ext of ['wav', 'mp3', 'm4a', 'ogg', 'flac', 'webm']) {
      const src = path.join(FIXTURES, `tone.${ext}`);
      const info = await rec.import(code, src);
      expect(info).toMatchObject({ code, format: ext, size: fs.statSync(src).size });
      const target = path.join(out, `export.${ext}`);
      await rec.export(info.id, target);
      expect(fs.readFileSync(target).equals(fs.readFileSync(src))).toBe(true);
    }
    expect(rec.list()).toHaveLength(6);
    expect(blobs()).toHaveLength(6);
    // The original file names (which may hold a name) are only in the key list.
    const recordingsDb = fs.readFileSync(path.join(storeDir(session.path, 'recordings'), 'recordings.sqlite'));
    expect(recordingsDb.includes(Buffer.from('tone.'))).toBe(false);
    session.lock();
  });

  it('serves any byte range by decrypting only the chunks needed', async () => {
    const { session, code, rec } = await setup();
    const src = path.join(tempDir(), 'long.wav');
    const bytes = makeWav(src, 8, 3); // 256 KB, several chunks
    const info = await rec.import(code, src);
    const r = rec.open(info.id);
    for (const [a, b] of [[0, 99], [65530, 65545], [bytes.length - 10, bytes.length - 1], [100000, 200000]] as const) {
      expect(r.read(a, b).equals(bytes.subarray(a, b + 1))).toBe(true);
    }
    r.close();
    session.lock();
  });

  it('keeps the recording date the student enters, refuses a day in the future, and can clear it', async () => {
    const { session, code, rec } = await setup();
    const info = await rec.import(code, path.join(FIXTURES, 'tone.ogg'));
    expect(rec.setRecordedAt(info.id, '2026-11-20').recordedAt).toBe('2026-11-20');
    expect(rec.get(info.id)).toMatchObject({ recordedAt: '2026-11-20', sha256: info.sha256, durationMs: info.durationMs });
    expect(() => rec.setRecordedAt(info.id, '2026-11-28')).toThrow(/future/);
    expect(() => rec.setRecordedAt(info.id, '2026-02-30')).toThrow(/not a date/);
    expect(rec.get(info.id).recordedAt).toBe('2026-11-20');
    expect(rec.setRecordedAt(info.id, null).recordedAt).toBeNull();
    expect(session.audit.list().filter((e) => e.action === 'recording.dated')).toHaveLength(2);
    session.lock();
  });

  it('deletes a recording: the record, its key and its blob', async () => {
    const { session, code, rec, blobs } = await setup();
    const info = await rec.import(code, path.join(FIXTURES, 'tone.ogg'));
    await rec.delete(info.id);
    expect(rec.list()).toEqual([]);
    expect(blobs()).toEqual([]);
    expect(session.audit.list().at(-1)).toMatchObject({ action: 'recording.deleted', participant: code });
    expect(() => rec.get(info.id)).toThrow(/no recording/);
    session.lock();
  });

  it('deletes the original only after checking the stored copy equals it', async () => {
    const { session, code, rec } = await setup();
    const src = path.join(tempDir(), 'original.wav');
    makeWav(src, 1, 9);
    const info = await rec.import(code, src);
    const other = path.join(tempDir(), 'other.wav');
    makeWav(other, 1, 10);
    await expect(rec.deleteOriginal(info.id, other)).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(fs.existsSync(other)).toBe(true);
    await rec.deleteOriginal(info.id, src);
    expect(fs.existsSync(src)).toBe(false);
    session.lock();
  });
});

describe('bad input stores nothing', () => {
  async function refusedWith(file: string, code: string) {
    const v = await setup();
    const before = v.session.audit.list().length;
    await expect(v.rec.import(v.code, file)).rejects.toMatchObject({ code });
    expect(v.rec.list()).toEqual([]);
    expect(v.blobs()).toEqual([]);
    expect(v.session.audit.list().length).toBe(before);
    v.session.lock();
  }

  it('not audio at all', async () => {
    const f = path.join(tempDir(), 'not-audio.wav');
    fs.writeFileSync(f, Buffer.alloc(4096, 0x41));
    await refusedWith(f, 'AUDIO_UNSUPPORTED');
  });

  it('a WAV header with nothing behind it', async () => {
    const f = path.join(tempDir(), 'bogus-header.wav');
    fs.writeFileSync(f, Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'));
    await refusedWith(f, 'AUDIO_DAMAGED');
  });

  it('an MP3 cut short', async () => {
    const f = path.join(tempDir(), 'truncated.mp3');
    fs.writeFileSync(f, fs.readFileSync(path.join(FIXTURES, 'tone.mp3')).subarray(0, 3000));
    await refusedWith(f, 'AUDIO_DAMAGED');
  });

  it('a WAV cut short', async () => {
    const f = path.join(tempDir(), 'cut.wav');
    const full = makeWav(path.join(tempDir(), 'full.wav'), 4, 5);
    fs.writeFileSync(f, full.subarray(0, 40000));
    await refusedWith(f, 'AUDIO_DAMAGED');
  });

  it('an unsupported format', async () => {
    const f = path.join(tempDir(), 'picture.png');
    fs.writeFileSync(f, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    await refusedWith(f, 'AUDIO_UNSUPPORTED');
  });

  it('a file that is not there', async () => {
    await refusedWith(path.join(tempDir(), 'gone.wav'), 'FILE_UNREADABLE');
  });

  it('a participant without consent to audio recording: refused before the file is read', async () => {
    const v = await setup();
    const p = new Participants(v.session, NOW);
    const code = p.add({ name: 'Ingen lyd' });
    p.recordConsent(code, { date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'processing-until-end'], unfinishedLetter: true });
    await expect(v.rec.import(code, path.join(tempDir(), 'does-not-exist.wav'))).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
    expect(v.blobs()).toEqual([]);
    v.session.lock();
  });

  it('the same recording twice', async () => {
    const v = await setup();
    await v.rec.import(v.code, path.join(FIXTURES, 'tone.flac'));
    const copy = path.join(tempDir(), 'kopi.flac');
    fs.copyFileSync(path.join(FIXTURES, 'tone.flac'), copy);
    await expect(v.rec.import(v.code, copy)).rejects.toMatchObject({ code: 'DUPLICATE_RECORDING' });
    expect(v.rec.list()).toHaveLength(1);
    expect(v.blobs()).toHaveLength(1);
    v.session.lock();
  });

  it('cancel part way: no record, no blob, no temporary file', async () => {
    const v = await setup();
    const f = path.join(tempDir(), 'big.wav');
    makeWav(f, 400, 11); // ~12.8 MB: several 4 MiB batches
    const ctl = new AbortController();
    let calls = 0;
    await expect(
      v.rec.import(v.code, f, {
        signal: ctl.signal,
        onProgress: () => {
          if (++calls === 1) ctl.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(v.rec.list()).toEqual([]);
    expect(v.blobs()).toEqual([]);
    v.session.lock();
  });

  it('a file that shrinks while it is read: refused, nothing kept', async () => {
    const v = await setup();
    const f = path.join(tempDir(), 'shrinking.wav');
    makeWav(f, 30, 12);
    let cut = false;
    await expect(
      v.rec.import(v.code, f, {
        onProgress: () => {
          if (!cut) fs.truncateSync(f, 300_000);
          cut = true;
        },
      }),
    ).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    expect(v.rec.list()).toEqual([]);
    expect(v.blobs()).toEqual([]);
    v.session.lock();
  });
});

describe('after a crash', () => {
  it('opening the project removes blobs that never got a record, and temporary files', async () => {
    const v = await setup();
    await v.rec.import(v.code, path.join(FIXTURES, 'tone.wav'));
    const blobDir = path.join(storeDir(v.dir, 'recordings'), 'blobs');
    fs.writeFileSync(path.join(blobDir, `${'ab'.repeat(16)}.hvr`), Buffer.alloc(1000, 7));
    fs.writeFileSync(path.join(blobDir, `${'cd'.repeat(16)}.hvr.partial`), Buffer.alloc(1000, 7));
    v.session.lock();
    const again = await openProject(v.dir, PASS, v.deps);
    expect(fs.readdirSync(blobDir)).toHaveLength(1);
    expect(new Recordings(again, NOW).list()).toHaveLength(1);
    again.lock();
    expect(listFiles(v.dir).some((f) => f.endsWith('.partial'))).toBe(false);
  });
});

describe('HTTP Range', () => {
  it.each([
    [undefined, 1000, { kind: 'full' }],
    ['bytes=0-', 1000, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=0-99', 1000, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-2000', 1000, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', 1000, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=1000-1001', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-2', 1000, { kind: 'full' }],
    ['bytes=0-1,5-9', 1000, { kind: 'full' }],
    ['items=0-5', 1000, { kind: 'full' }],
    ['bytes=abc', 1000, { kind: 'full' }],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
