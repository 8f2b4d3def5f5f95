/**
 * Automatic drafts with the real engine (whisper.cpp through @fugood/whisper.node) and
 * a model made by scripts/make-test-model.ts: random weights, so the words mean
 * nothing; these tests assert structure (times, sync points, turns, flags), never words.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../../scripts/make-test-model';
import { composeDraft, pickModel, UNSURE, type DraftProgress } from '@shared/asr';
import { syncPoints } from '@shared/transcript';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';
import { forkWorker, makeDraft, PcmChannel, PCM_PIECE_BYTES, workerScript, type WorkerSpawner } from '../../electron/core/services/asr/draft';
import { checkModel, KNOWN_MODELS, knownModel, readModelHeader } from '../../electron/core/services/asr/models';
import { Windower, type SpeechWindow } from '../../electron/core/services/asr/vad';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { unlockVault } from '../../electron/core/vault/vault';
import { HvelvError } from '../../electron/core/errors';
import { admit, findNeedles, listFiles, makeVault, pw, recentTempFiles, tempDir } from './helpers';
import { wavHeader } from '../wav';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
const PASS = 'correct horse battery staple';

/**
 * Speech-like audio: bursts of a voiced, wobbling tone with noise ("talk") between
 * silences, at 44.1 kHz stereo so the decoder mixes down and resamples.
 */
function talkWav(file: string, pattern: [talkS: number, pauseS: number][], seed = 3, rate = 44_100): Buffer {
  const total = pattern.reduce((a, [t, p]) => a + t + p, 0);
  const n = Math.round(total * rate);
  const data = Buffer.alloc(n * 4);
  let i = 0;
  let x = seed;
  for (const [talk, pause] of pattern) {
    for (let k = 0; k < Math.round(talk * rate); k++, i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const f0 = 140 + 30 * Math.sin(k / rate * 3);
      const v = 6000 * Math.sin((2 * Math.PI * f0 * k) / rate) * (0.6 + 0.4 * Math.sin(k / rate * 9)) + ((x % 2000) - 1000);
      data.writeInt16LE(Math.round(v), i * 4);
      data.writeInt16LE(Math.round(v * 0.8), i * 4 + 2);
    }
    for (let k = 0; k < Math.round(pause * rate); k++, i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const v = (x % 40) - 20; // room noise
      data.writeInt16LE(v, i * 4);
      data.writeInt16LE(v, i * 4 + 2);
    }
  }
  const h = wavHeader(data.length, rate, 2);
  const bytes = Buffer.concat([h, data]);
  fs.writeFileSync(file, bytes);
  return bytes;
}

let appData: string;
let model: string;

beforeAll(() => {
  // The models folder of an app data folder of its own, so the forensic scan can cover it.
  appData = tempDir('hvelv-appdata-');
  fs.mkdirSync(path.join(appData, 'models'));
  model = path.join(appData, 'models', 'micro.bin');
  writeTestModel(model, 'micro');
});

async function setup(pattern: [number, number][]) {
  const v = await makeVault(PASS);
  const code = admit(v.session);
  const src = path.join(tempDir(), 'interview.wav');
  const wav = talkWav(src, pattern);
  const rec = await new Recordings(v.session, NOW).import(code, src);
  fs.rmSync(src);
  return { ...v, code, rec, wav };
}

/** A spawner that remembers the child's pid, so a test can see that it is gone. */
function trackingSpawner(): { spawn: WorkerSpawner; pids: number[] } {
  const pids: number[] = [];
  const spawn: WorkerSpawner = (script, execArgv) => {
    const h = forkWorker(script, execArgv);
    if (h.pid) pids.push(h.pid);
    return h;
  };
  return { spawn, pids };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('decoding to 16 kHz mono in memory', () => {
  for (const f of ['wav', 'mp3', 'flac', 'ogg'] as const) {
    it(`${f}: the 2-second fixture comes out as about 2 s of 16 kHz samples`, async () => {
      let n = 0;
      let peak = 0;
      const d = await createDecoder(f, (pcm) => {
        n += pcm.length;
        for (const s of pcm) peak = Math.max(peak, Math.abs(s));
      });
      const bytes = fs.readFileSync(path.join(FIXTURES, `tone.${f}`));
      for (let o = 0; o < bytes.length; o += 5000) await d.push(bytes.subarray(o, o + 5000));
      await d.end();
      d.free();
      expect(n / SAMPLE_RATE).toBeGreaterThan(1.8);
      expect(n / SAMPLE_RATE).toBeLessThan(2.2);
      expect(peak).toBeGreaterThan(0.05); // sound, not silence
      expect(peak).toBeLessThanOrEqual(1);
    });
  }

  it('M4A: refused with AUDIO_NEEDS_APP (decoded in the app with Web Audio; WebM is decoded in core, tests/core/audio-webm.test.ts)', async () => {
    for (const f of ['m4a'] as const) {
      await expect(createDecoder(f, () => {})).rejects.toMatchObject({ code: 'AUDIO_NEEDS_APP' });
    }
  });

  it('a WAV that is no WAV is refused as damaged', async () => {
    const d = await createDecoder('wav', () => {});
    await expect(d.push(Buffer.from('this is not a riff file at all'))).rejects.toMatchObject({ code: 'AUDIO_DAMAGED' });
  });
});

describe('voice-activity windows', () => {
  const run = (seconds: [number, number][]) => {
    const f = path.join(tempDir(), 'v.wav');
    talkWav(f, seconds, 5, 16_000);
    const pcm = fs.readFileSync(f).subarray(44);
    const windows: SpeechWindow[] = [];
    const w = new Windower((x) => windows.push(x));
    const mono = new Float32Array(pcm.length / 4);
    for (let i = 0; i < mono.length; i++) mono[i] = pcm.readInt16LE(i * 4) / 32768;
    for (let o = 0; o < mono.length; o += 7000) w.push(mono.subarray(o, o + 7000));
    w.end();
    return windows;
  };

  it('drops long silences and keeps the talk, each window at its place in time', () => {
    const windows = run([[3, 4], [2, 5], [4, 1]]);
    expect(windows.length).toBe(3);
    const starts = windows.map((w) => w.startMs / 1000);
    expect(starts[0]).toBeLessThan(0.2);
    expect(Math.abs(starts[1]! - 7)).toBeLessThan(0.3);
    expect(Math.abs(starts[2]! - 14)).toBeLessThan(0.3);
    const fed = windows.reduce((a, w) => a + w.samples.length, 0) / SAMPLE_RATE;
    expect(fed).toBeGreaterThan(9);
    expect(fed).toBeLessThan(11); // 9 s of talk, not 19 s of audio
  });

  it('talk without a pause is cut into windows of at most 29 s, marked as cut', () => {
    const windows = run([[70, 0.5]]);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows) expect(w.samples.length / SAMPLE_RATE).toBeLessThanOrEqual(29.01);
    expect(windows[0]!.cutAtEnd).toBe(true);
    expect(windows[1]!.cutAtStart).toBe(true);
    // Contiguous: no audio lost at a cut.
    for (let i = 1; i < windows.length; i++) {
      const prevEnd = windows[i - 1]!.startMs + (windows[i - 1]!.samples.length * 1000) / SAMPLE_RATE;
      expect(Math.abs(windows[i]!.startMs - prevEnd)).toBeLessThan(1);
    }
  });
});

describe('model files', () => {
  it('the generated model passes our header check and is reported as not a known model', async () => {
    const c = await checkModel(model);
    expect(c.header.multilingual).toBe(true);
    expect(c.header.ftype).toBe(1);
    expect(c.known).toBeNull();
    expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(c.sha1).toMatch(/^[0-9a-f]{40}$/);
    // A file whose SHA-1 is the one its maker lists is known; one byte different, it is not.
    const entry = { id: 'x', name: 'X', family: 'openai', languages: ['en'], layers: 1, url: '', licence: 'MIT', sha256: null, sha1: c.sha1 } as const;
    expect(knownModel(c.sha256, c.sha1, [entry])?.id).toBe('x');
    expect(knownModel(c.sha256, c.sha1.replace(/.$/, (d) => (d === '0' ? '1' : '0')), [entry])).toBeNull();
    // Every listed hash has the length of its kind (a typo in the list would never match anything).
    for (const m of KNOWN_MODELS) {
      if (m.sha256) expect(m.sha256, m.id).toMatch(/^[0-9a-f]{64}$/);
      if (m.sha1) expect(m.sha1, m.id).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('a cut-short model, a file of random bytes and a non-file are refused with clear errors', () => {
    const dir = tempDir();
    const cut = path.join(dir, 'cut.bin');
    fs.writeFileSync(cut, fs.readFileSync(model).subarray(0, 3_000_000));
    expect(() => readModelHeader(cut)).toThrow(/cut short/);
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.alloc(100_000, 7));
    expect(() => readModelHeader(junk)).toThrow(/not a whisper.cpp model/);
    for (const f of [cut, junk]) {
      try {
        readModelHeader(f);
      } catch (e) {
        expect((e as HvelvError).code).toBe('MODEL_INVALID');
      }
    }
    expect(() => readModelHeader(dir)).toThrow(HvelvError);
  });

  /** The micro model with one int32 of its header (or its first tensor) overwritten. */
  function hostile(name: string, edit: (b: Buffer) => void): string {
    const b = Buffer.from(fs.readFileSync(model));
    edit(b);
    const f = path.join(tempDir(), `${name}.bin`);
    fs.writeFileSync(f, b);
    return f;
  }
  /** Where the first tensor's header starts: past the mel filters and the vocabulary. */
  function firstTensor(b: Buffer): number {
    let pos = 48 + 8 + b.readInt32LE(48) * b.readInt32LE(52) * 4;
    const n = b.readInt32LE(pos);
    pos += 4;
    for (let i = 0; i < n; i++) pos += 4 + b.readUInt32LE(pos);
    return pos;
  }

  it('a hostile header (huge contexts, zero heads, a negative size) is refused at once, before the engine can allocate or crash', () => {
    // Each of these made whisper.cpp ask for 68 GB and abort, or die of a division by
    // zero (SIGFPE), or made our own check walk the same tensor header for ever.
    const cases: [string, (b: Buffer) => void][] = [
      ['audio-ctx', (b) => b.writeInt32LE(1 << 28, 8)],
      ['audio-heads', (b) => b.writeInt32LE(0, 16)],
      ['text-ctx', (b) => b.writeInt32LE(1 << 28, 24)],
      ['text-state', (b) => b.writeInt32LE(1 << 28, 28)],
      ['text-heads', (b) => b.writeInt32LE(0, 32)],
      ['text-layers', (b) => b.writeInt32LE(1 << 28, 36)],
      ['mel-negative', (b) => b.writeInt32LE(-80, 48)],
      [
        'tensor-loops-back',
        (b) => {
          // A dimension that makes the tensor's size minus its own header: the walk would stand still.
          const at = firstTensor(b);
          const step = 12 + b.readInt32LE(at) * 4 + b.readInt32LE(at + 4);
          b.writeInt32LE(0, at + 8); // f32
          b.writeInt32LE(1, at + 12);
          b.writeInt32LE(-step / 4, at + 16);
        },
      ],
      ['tensor-type', (b) => b.writeInt32LE(99, firstTensor(b) + 8)],
    ];
    for (const [name, edit] of cases) {
      const f = hostile(name, edit);
      const started = Date.now();
      let err: unknown = null;
      try {
        readModelHeader(f);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(HvelvError);
      expect((err as HvelvError).code, name).toBe('MODEL_INVALID');
      expect(Date.now() - started, name).toBeLessThan(2000);
    }
  });

  it('a draft with a model whose header would crash the engine is refused as MODEL_INVALID, and no process is started', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const { spawn, pids } = trackingSpawner();
    const f = hostile('zero-heads', (b) => b.writeInt32LE(0, 16));
    await expect(makeDraft(session, rec.id, { model: f, language: 'nb', temperatureInc: 0, spawn })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(pids).toEqual([]);
    session.lock();
  });

  it('an English-only model is refused for a Norwegian recording (it would write English words over Norwegian speech)', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const { spawn, pids } = trackingSpawner();
    const f = hostile('english-only', (b) => b.writeInt32LE(51864, 4)); // whisper's .en models have 51 864 tokens
    expect(readModelHeader(f).multilingual).toBe(false);
    await expect(makeDraft(session, rec.id, { model: f, language: 'nb', temperatureInc: 0, spawn })).rejects.toMatchObject({ code: 'MODEL_ENGLISH_ONLY' });
    expect(pids).toEqual([]);
    session.lock();
  });
});

// The engine on a loaded two-core machine: seconds alone, a minute or more when others run.
describe('a draft from an encrypted recording, with the real engine', { timeout: 180_000 }, () => {
  it('is stored as a transcript flagged "automatic draft", with a sync point at every segment and turns', async () => {
    const since = Date.now();
    const { session, dir, rec, wav } = await setup([[4, 2], [6, 1.5], [3, 3]]);
    const progress: DraftProgress[] = [];
    const t = await makeDraft(session, rec.id, { model, language: 'nb', temperatureInc: 0, onProgress: (p) => progress.push(p), now: NOW });

    expect(t.sourceFormat).toBe('asr');
    expect(t.automaticDraft).toBe(true);
    expect(t.recordingId).toBe(rec.id);
    expect(t.syncPointCount).toBeGreaterThan(0);
    const lines = t.text.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^#\d\d:\d\d:\d\d-\d# [IB]: \S/);
    // Every sync point lies inside the recording, in order.
    const ms = t.syncPoints.map((s) => s.ms);
    expect([...ms].sort((a, b) => a - b)).toEqual(ms);
    expect(Math.max(...ms)).toBeLessThanOrEqual(rec.durationMs);
    // Progress: rising, ending at 100 %.
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.percent).toBe(100);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.percent).toBeGreaterThanOrEqual(progress[i - 1]!.percent);

    // Marked checked by the student: no longer a draft.
    const tr = new Transcripts(session, NOW);
    expect(tr.markChecked(t.id).automaticDraft).toBe(false);
    expect(tr.list()[0]!.automaticDraft).toBe(false);

    // Forensics: neither the recording's sound nor the draft's text is anywhere on disk
    // in the clear: not in the vault, not in the temp folder, not in the app data folder.
    const pcmNeedle = wav.subarray(44 + 40_000, 44 + 40_064);
    const textNeedle = Buffer.from(lines[0]!.slice(0, 40), 'utf8');
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => f !== model);
    expect(findNeedles(files, [pcmNeedle, textNeedle])).toEqual([]);
    session.lock();
  });

  it('Cancel stops it within a second: the process is gone, nothing is stored', async () => {
    const { session, rec } = await setup([[80, 1]]);
    const { spawn, pids } = trackingSpawner();
    const ac = new AbortController();
    let cancelledAt = 0;
    const run = makeDraft(session, rec.id, {
      model,
      language: 'en',
      temperatureInc: 0,
      spawn,
      signal: ac.signal,
      onProgress: () => {
        if (!cancelledAt) {
          cancelledAt = Date.now();
          ac.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(pids.length).toBe(1);
    expect(alive(pids[0]!)).toBe(false);
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });

  it('locking the vault stops it and forgets the partial result', async () => {
    const { session, dir, rec, deps } = await setup([[80, 1]]);
    const { spawn, pids } = trackingSpawner();
    let lockedAt = 0;
    const run = makeDraft(session, rec.id, {
      model,
      language: 'nb',
      temperatureInc: 0,
      spawn,
      onProgress: () => {
        if (!lockedAt) {
          lockedAt = Date.now();
          session.lock();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(Date.now() - lockedAt).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pids[0]!)).toBe(false);
    const again = await unlockVault(dir, pw(PASS), deps);
    expect(new Transcripts(again, NOW).list()).toEqual([]);
    again.lock();
  });

  it('a participant who withdraws while the draft is made: it stops within a second, nothing of theirs is stored', async () => {
    const { session, code, rec } = await setup([[80, 1]]);
    const { spawn, pids } = trackingSpawner();
    let withdrawnAt = 0;
    const run = makeDraft(session, rec.id, {
      model,
      language: 'nb',
      temperatureInc: 0,
      spawn,
      onProgress: () => {
        if (!withdrawnAt) {
          withdrawnAt = Date.now();
          new Participants(session, NOW).withdraw(code, '2026-11-27');
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'PARTICIPANT_WITHDRAWN' });
    expect(Date.now() - withdrawnAt).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pids[0]!)).toBe(false);
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });

  it('a model the engine refuses (a tensor renamed) ends the draft with MODEL_INVALID, nothing stored', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const bad = path.join(tempDir(), 'renamed.bin');
    const bytes = Buffer.from(fs.readFileSync(model));
    const at = bytes.indexOf('encoder.conv1.bias');
    bytes.write('encoder.conv9.bias', at, 'latin1');
    fs.writeFileSync(bad, bytes);
    await expect(makeDraft(session, rec.id, { model: bad, language: 'nb', temperatureInc: 0 })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    await expect(makeDraft(session, rec.id, { model: path.join(FIXTURES, 'tone.wav'), language: 'nb' })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });
});

describe('the draft text', () => {
  it('stamps every segment, starts a turn at long pauses, alternating I and B, and marks doubtful words', () => {
    const text = composeDraft([
      { startMs: 1200, endMs: 3000, text: ' Hei ', unsure: false, turn: true },
      { startMs: 3100, endMs: 5000, text: 'og velkommen', unsure: true, turn: false },
      { startMs: 7000, endMs: 9000, text: 'Takk', unsure: false, turn: true },
    ]);
    expect(text).toBe('#00:00:01-2# I: Hei #00:00:03-1# (?og velkommen?)\n#00:00:07-0# B: Takk\n');
    expect(syncPoints(text).map((s) => s.ms)).toEqual([1200, 3100, 7000]);
    expect([...text.matchAll(UNSURE)].map((m) => m[1])).toEqual(['og velkommen']);
  });
});

/** 16 kHz mono 16-bit PCM, as the page hands it over: talk (a wobbling tone with noise) and pauses. */
function talkPcm16(pattern: [talkS: number, pauseS: number][]): Buffer {
  const n = Math.round(pattern.reduce((a, [t, p]) => a + t + p, 0) * SAMPLE_RATE);
  const out = Buffer.alloc(n * 2);
  let i = 0;
  let x = 5;
  for (const [talk, pause] of pattern) {
    for (let k = 0; k < Math.round(talk * SAMPLE_RATE); k++, i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      out.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * (140 + 30 * Math.sin(k / 5000)) * k) / SAMPLE_RATE) + ((x % 2000) - 1000)), i * 2);
    }
    for (let k = 0; k < Math.round(pause * SAMPLE_RATE); k++, i++) out.writeInt16LE(((x = (x * 1103515245 + 12345) & 0x7fffffff) % 40) - 20, i * 2);
  }
  return out;
}

/** Feed `pcm` into `ch` as the page does: a piece at a time, each when the one before was taken. */
async function feed(ch: PcmChannel, pcm: Buffer, piece = PCM_PIECE_BYTES): Promise<void> {
  for (let at = 0; ; at += piece) {
    const last = at + piece >= pcm.length;
    await ch.push(pcm.subarray(at, Math.min(pcm.length, at + piece)), last);
    if (last) return;
  }
}

// M4A/AAC and WebM: the page decodes them (renderer/src/features/asr/pagePcm.ts) and
// hands the PCM over; here the same PCM goes into the same channel main uses.
describe('a draft of an M4A recording from the PCM the page decoded', { timeout: 180_000 }, () => {
  async function m4aRecording() {
    const v = await makeVault(PASS);
    const code = admit(v.session);
    const rec = await new Recordings(v.session, NOW).import(code, path.join(FIXTURES, 'tone.m4a'));
    expect(rec.format).toBe('m4a');
    return { ...v, rec };
  }

  it('is stored with sync points; the pieces wait for the draft (at most one is held); progress reaches 100 %', async () => {
    const since = Date.now();
    const { session, dir, rec } = await m4aRecording();
    // Without the page's PCM, core says this format needs the app.
    await expect(makeDraft(session, rec.id, { model, language: 'nb' })).rejects.toMatchObject({ code: 'AUDIO_NEEDS_APP' });
    const pcm = talkPcm16([[3, 1.5], [2, 1]]);
    const ch = new PcmChannel();
    const progress: DraftProgress[] = [];
    let taken = 0;
    const counting = { next: () => ch.next().then((b) => (b && taken++, b)) };
    const fed = feed(ch, pcm, 64 * 1024);
    // A second piece before the first is taken is refused: the page cannot run ahead.
    await expect(ch.push(Buffer.alloc(2), false)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const t = await makeDraft(session, rec.id, { model, language: 'nb', temperatureInc: 0, pcm: counting, onProgress: (p) => progress.push(p), now: NOW });
    await fed;
    expect(taken).toBe(Math.ceil(pcm.length / (64 * 1024)));
    expect(t).toMatchObject({ sourceFormat: 'asr', automaticDraft: true, recordingId: rec.id });
    expect(t.syncPointCount).toBeGreaterThan(0);
    for (const line of t.text.trimEnd().split('\n')) expect(line).toMatch(/^#\d\d:\d\d:\d\d-\d# [IB]: \S/);
    expect(progress.at(-1)!.percent).toBe(100);
    // The page's PCM is nowhere on disk.
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => f !== model);
    expect(findNeedles(files, [pcm.subarray(30_000, 30_064)])).toEqual([]);
    session.lock();
  });

  it('locking the vault stops it: the process is gone, the piece the page is sending is refused as locked, nothing is stored', async () => {
    const { session, rec, dir, deps } = await m4aRecording();
    const { spawn, pids } = trackingSpawner();
    const ch = new PcmChannel();
    const pcm = talkPcm16([[40, 1]]);
    const run = makeDraft(session, rec.id, { model, language: 'nb', temperatureInc: 0, spawn, pcm: ch });
    let lockedAt = 0;
    const fed = (async () => {
      await ch.push(pcm.subarray(0, 64 * 1024), false);
      // The draft has the first piece; lock while the second waits for it.
      const second = ch.push(pcm.subarray(64 * 1024, 128 * 1024), false);
      lockedAt = Date.now();
      session.lock();
      return second;
    })();
    await expect(run).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(Date.now() - lockedAt).toBeLessThan(1000);
    // main closes the channel with the draft's reason (electron/main/handlers.ts asr.draft).
    ch.close(new HvelvError('VAULT_LOCKED', 'locked'));
    await expect(fed).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    await expect(ch.push(Buffer.alloc(2), true)).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    await new Promise((r) => setTimeout(r, 200));
    expect(pids.every((p) => !alive(p))).toBe(true);
    const again = await unlockVault(dir, pw(PASS), deps);
    expect(new Transcripts(again, NOW).list()).toEqual([]);
    again.lock();
  });
});

describe('which model the draft panel offers first (pickModel)', () => {
  const files = [{ name: 'a-damaged.bin' }, { name: 'b-own.bin' }, { name: 'c-nb-base.bin' }, { name: 'd-last.bin' }];
  const checks = [
    { name: 'a-damaged.bin', known: null, problem: 'MODEL_INVALID' },
    { name: 'b-own.bin', known: null, problem: null },
    { name: 'c-nb-base.bin', known: 'NB-Whisper base', problem: null },
    { name: 'd-last.bin', known: null, problem: null },
  ];
  it('a verified model before the last used, the last used before the first by name, never a damaged file', () => {
    expect(pickModel(files, checks, 'd-last.bin')).toBe('c-nb-base.bin');
    expect(pickModel(files, checks.map((c) => ({ ...c, known: null })), 'd-last.bin')).toBe('d-last.bin');
    expect(pickModel(files, checks.map((c) => ({ ...c, known: null })), null)).toBe('b-own.bin');
    expect(pickModel(files, checks.map((c) => ({ ...c, known: c.problem ? null : 'X' })), 'd-last.bin')).toBe('d-last.bin');
    expect(pickModel(files, checks, 'a-damaged.bin')).toBe('c-nb-base.bin');
    // Before the files are hashed: the last used, else the first.
    expect(pickModel(files, null, 'd-last.bin')).toBe('d-last.bin');
    expect(pickModel(files, null, 'gone.bin')).toBe('a-damaged.bin');
    expect(pickModel([{ name: 'a-damaged.bin' }], checks, null)).toBe('');
  });
});

/**
 * With a real model (HVELV_ASR_MODEL=/path/to/ggml-model.bin, e.g. NB-Whisper base),
 * a short Norwegian sentence spoken by espeak-ng (tests/fixtures/audio/setning-nb.ogg, made
 * once) is recognised: here words are checked.
 */
describe.skipIf(!process.env.HVELV_ASR_MODEL)('with a real model', () => {
  it('recognises a spoken Norwegian sentence', async () => {
    const v = await makeVault(PASS);
    const code = admit(v.session);
    // "Jeg jobber som jobbspesialist i Nav, og jeg liker arbeidet mitt."
    const spoken = path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'setning-nb.ogg');
    const rec = await new Recordings(v.session, NOW).import(code, spoken);
    const t = await makeDraft(v.session, rec.id, { model: process.env.HVELV_ASR_MODEL!, language: 'nb', threads: Math.max(1, os.cpus().length) });
    expect(t.text.toLowerCase()).toMatch(/jobb/);
    expect(t.text.toLowerCase()).toMatch(/arbeid/);
    v.session.lock();
  }, 300_000);
});

it('the package leaves out the engine builds the app never loads (CUDA, Vulkan, WebAssembly, sources), and keeps the CPU one', () => {
  const root = path.join(import.meta.dirname, '..', '..');
  const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  const excluded = [...yml.matchAll(/^\s*- "!(node_modules\/@fugood\/[^"]+)"$/gm)].map((m) => m[1]!);
  expect(excluded).toEqual(['node_modules/@fugood/node-whisper-*-cuda/**', 'node_modules/@fugood/node-whisper-*-vulkan/**', 'node_modules/@fugood/node-whisper-wasm/**', 'node_modules/@fugood/whisper.node/{whisper.cpp,src,scripts}/**']);
  // Excluding them is right only while the worker asks for no GPU variant: the binding then loads the CPU package alone.
  expect(fs.readFileSync(path.join(root, 'electron', 'core', 'services', 'asr', 'worker.ts'), 'utf8')).toMatch(/initWhisper\(\{ filePath: m\.model, useGpu: false \}\)\)/);
  const cpu = `node_modules/@fugood/node-whisper-${process.platform}-${process.arch}/index.node`;
  for (const g of excluded) expect(path.matchesGlob(cpu, g), g).toBe(false);
  expect(path.matchesGlob(`node_modules/@fugood/node-whisper-${process.platform}-${process.arch}-cuda/index.node`, excluded[0]!)).toBe(true);
});

it('the worker script is found (source: through tsx)', () => {
  const w = workerScript();
  expect(fs.existsSync(w.script)).toBe(true);
});
