/**
 * Automatic drafts with the real engine (Whisper in sherpa-onnx-node) and a model made by
 * scripts/make-test-model.ts (sherpa-onnx's ONNX layout, tiny dimensions): random
 * weights, so the words mean nothing; these tests assert structure (times, sync points,
 * turns, flags), never words.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { whisperMetadata, writeSpeakerModels, writeTestModel } from '../../scripts/make-test-model';
import { DT, writeModel } from '../../scripts/onnx-writer';
import { assignSpeakers, composeDraft, draftSpeakers, pickModel, UNSURE, type DraftProgress } from '@shared/asr';
import { syncPoints } from '@shared/transcript';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';
import { frameStream, openTrack } from '../../electron/core/services/asr/aac/aac';
import { demuxAac } from '@shared/mp4';
import { muxM4a } from '../mp4-muxer';
import { forkWorker, makeDraft, PcmChannel, PCM_PIECE_BYTES, workerScript, type WorkerSpawner } from '../../electron/core/services/asr/draft';
import { checkModel, KNOWN_MODELS, knownModel, modelFiles, readModelHeader } from '../../electron/core/services/asr/models';
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
let speakers: string;

beforeAll(() => {
  // The models folder of an app data folder of its own, so the forensic scan can cover it.
  appData = tempDir('hvelv-appdata-');
  fs.mkdirSync(path.join(appData, 'models'));
  model = path.join(appData, 'models', 'tiny');
  writeTestModel(model, 'tiny');
  speakers = path.join(appData, 'models', 'speakers');
  writeSpeakerModels(speakers);
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

/** The process exists and is no zombie (killed, but not yet reaped by its parent). */
const alive = (pid: number) => {
  if (!fs.existsSync('/proc/self/stat')) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** Gone within 5 s: a killed process holding a model of hundreds of MB takes a moment to tear down on a loaded machine. */
const gone = (pid: number) => expect.poll(() => alive(pid), { timeout: 5000, interval: 50 }).toBe(false);

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

  it('M4A: its frames, sent as a stream (as a draft sends them), decode to 16 kHz (more in tests/core/audio-m4a.test.ts)', async () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'tone.m4a')));
    const src = { size: bytes.length, readAt: (at: number, n: number) => bytes.subarray(at, at + n) };
    let n = 0;
    let peak = 0;
    const d = await createDecoder('aac-frames', (pcm) => {
      n += pcm.length;
      for (const s of pcm) peak = Math.max(peak, Math.abs(s));
    });
    for await (const piece of frameStream(src, await openTrack(src, 20_000), 5000)) await d.push(piece);
    await d.end();
    d.free();
    expect(n / SAMPLE_RATE).toBeGreaterThan(1.8);
    expect(n / SAMPLE_RATE).toBeLessThan(2.2);
    expect(peak).toBeGreaterThan(0.05);
    expect(peak).toBeLessThanOrEqual(1);
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

/**
 * A model folder like the test model, with its encoder replaced by a graph-less stand-in
 * whose metadata is the exporter's with `edit` applied (the decoder and tokens are links
 * to the real ones).
 */
function withMetadata(name: string, edit: (m: Record<string, string | number>) => void): string {
  const dir = path.join(tempDir(), name);
  fs.mkdirSync(dir);
  const meta = whisperMetadata('tiny');
  edit(meta);
  const io = (name: string) => ({ name, type: DT.float, shape: [1] });
  writeModel(path.join(dir, 'encoder.onnx'), { graphName: 'encoder', nodes: [], initializers: [], inputs: [io('mel')], outputs: [io('n_layer_cross_k'), io('n_layer_cross_v')], metadata: meta, opset: 17 });
  fs.linkSync(path.join(model, 'decoder.onnx'), path.join(dir, 'decoder.onnx'));
  fs.linkSync(path.join(model, 'tokens.txt'), path.join(dir, 'tokens.txt'));
  return dir;
}

describe('model folders', () => {
  it('the generated model passes our check (tiny, f32, multilingual, Norwegian among its languages) and is reported as not a known model', async () => {
    const c = await checkModel(model);
    expect(c.header.multilingual).toBe(true);
    expect(c.header.type).toBe('f32');
    expect(c.header.languages).toContain('no');
    expect(c.size).toBe('tiny');
    expect(c.known).toBeNull();
    expect(Object.keys(c.sha256).sort()).toEqual(['decoder.onnx', 'encoder.onnx', 'tokens.txt']);
    for (const h of Object.values(c.sha256)) expect(h).toMatch(/^[0-9a-f]{64}$/);
    // A folder whose every file has the SHA-256 the list gives is known; one hash different, it is not.
    const entry = { id: 'x', name: 'X', family: 'openai', languages: ['en'], layers: 4, url: '', licence: 'MIT', archiveBytes: null, sha256: null, files: c.sha256 } as const;
    expect(knownModel(c.sha256, [entry])?.id).toBe('x');
    expect(knownModel({ ...c.sha256, 'tokens.txt': '0'.repeat(64) }, [entry])).toBeNull();
    // Every listed hash is a SHA-256 (a typo in the list would never match anything).
    for (const m of KNOWN_MODELS) {
      if (m.sha256) expect(m.sha256, m.id).toMatch(/^[0-9a-f]{64}$/);
      for (const h of Object.values(m.files ?? {})) expect(h, m.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('sherpa-onnx\'s own file names are found, the int8 files before the f32 ones', () => {
    const dir = path.join(tempDir(), 'sherpa-onnx-whisper-tiny');
    fs.mkdirSync(dir);
    for (const n of ['tiny-encoder.onnx', 'tiny-encoder.int8.onnx', 'tiny-decoder.onnx', 'tiny-decoder.int8.onnx', 'tiny-tokens.txt']) fs.writeFileSync(path.join(dir, n), '');
    const f = modelFiles(dir);
    expect([f.encoder, f.decoder, f.tokens].map((x) => path.basename(x))).toEqual(['tiny-encoder.int8.onnx', 'tiny-decoder.int8.onnx', 'tiny-tokens.txt']);
  });

  it('a cut-short encoder, random bytes, a folder without tokens and a plain file are refused with clear errors (MODEL_INVALID)', () => {
    const cases: [string, RegExp][] = [];
    const cut = path.join(tempDir(), 'cut');
    fs.mkdirSync(cut);
    fs.writeFileSync(path.join(cut, 'encoder.onnx'), fs.readFileSync(path.join(model, 'encoder.onnx')).subarray(0, 3_000_000));
    fs.linkSync(path.join(model, 'decoder.onnx'), path.join(cut, 'decoder.onnx'));
    fs.linkSync(path.join(model, 'tokens.txt'), path.join(cut, 'tokens.txt'));
    cases.push([cut, /cut short/]);
    const junk = path.join(tempDir(), 'junk');
    fs.mkdirSync(junk);
    for (const n of ['encoder.onnx', 'decoder.onnx', 'tokens.txt']) fs.writeFileSync(path.join(junk, n), Buffer.alloc(100_000, 7));
    cases.push([junk, /not an ONNX model/]);
    const noTokens = path.join(tempDir(), 'no-tokens');
    fs.mkdirSync(noTokens);
    fs.linkSync(path.join(model, 'encoder.onnx'), path.join(noTokens, 'encoder.onnx'));
    fs.linkSync(path.join(model, 'decoder.onnx'), path.join(noTokens, 'decoder.onnx'));
    cases.push([noTokens, /no tokens\.txt/]);
    cases.push([path.join(FIXTURES, 'tone.wav'), /not a model folder/]);
    for (const [dir, why] of cases) {
      let err: unknown = null;
      try {
        readModelHeader(dir);
      } catch (e) {
        err = e;
      }
      expect(err, dir).toBeInstanceOf(HvelvError);
      expect((err as HvelvError).code, dir).toBe('MODEL_INVALID');
      expect((err as Error).message, dir).toMatch(why);
    }
  });

  it('metadata the engine would exit the process on (a key missing, wrong dimensions) is refused at once', () => {
    const cases: [string, (m: Record<string, string | number>) => void, RegExp][] = [
      ['no-sot', (m) => delete m.sot, /no sot/],
      ['no-sequence', (m) => delete m.sot_sequence, /no sot_sequence/],
      ['text-ctx', (m) => (m.n_text_ctx = 1 << 28), /text context/],
      ['width', (m) => (m.n_text_state = 100), /width 100/],
      ['layers', (m) => (m.n_text_layer = 0), /0 layers/],
      ['mels', (m) => (m.n_mels = 7), /7 mel bands/],
      ['languages', (m) => (m.all_language_codes = 'en,no'), /differ in number/],
    ];
    for (const [name, edit, why] of cases) {
      const started = Date.now();
      expect(() => readModelHeader(withMetadata(name, edit)), name).toThrow(why);
      expect(Date.now() - started, name).toBeLessThan(2000);
    }
  });

  it('a model without the recording\'s language is refused as MODEL_INVALID, and no process is started', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const { spawn, pids } = trackingSpawner();
    const f = withMetadata('no-norwegian', (m) => {
      m.all_language_codes = String(m.all_language_codes).replace(',no,', ',xx,');
    });
    await expect(makeDraft(session, rec.id, { model: f, language: 'nb', spawn })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(pids).toEqual([]);
    session.lock();
  });

  it('an English-only model is refused for a Norwegian recording (it would write English words over Norwegian speech)', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const { spawn, pids } = trackingSpawner();
    const f = withMetadata('english-only', (m) => {
      m.is_multilingual = 0;
      m.n_vocab = 51864;
    });
    expect(readModelHeader(f).multilingual).toBe(false);
    await expect(makeDraft(session, rec.id, { model: f, language: 'nb', spawn })).rejects.toMatchObject({ code: 'MODEL_ENGLISH_ONLY' });
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
    const t = await makeDraft(session, rec.id, { model, language: 'nb', onProgress: (p) => progress.push(p), now: NOW });

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
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => !f.startsWith(model + path.sep));
    expect(findNeedles(files, [pcmNeedle, textNeedle])).toEqual([]);
    session.lock();
  });

  it('Cancel stops it within a second: the process is gone, nothing is stored', async () => {
    const { session, rec } = await setup([[4, 3], [60, 1]]);
    const { spawn, pids } = trackingSpawner();
    const ac = new AbortController();
    let cancelledAt = 0;
    const run = makeDraft(session, rec.id, {
      model,
      language: 'en',
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
    expect(pids.length).toBe(1);
    await gone(pids[0]!);
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });

  it('locking the vault stops it and forgets the partial result', async () => {
    const { session, dir, rec, deps } = await setup([[4, 3], [60, 1]]);
    const { spawn, pids } = trackingSpawner();
    let lockedAt = 0;
    const run = makeDraft(session, rec.id, {
      model,
      language: 'nb',
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
    await gone(pids[0]!);
    const again = await unlockVault(dir, pw(PASS), deps);
    expect(new Transcripts(again, NOW).list()).toEqual([]);
    again.lock();
  });

  it('a participant who withdraws while the draft is made: it stops within a second, nothing of theirs is stored', async () => {
    const { session, code, rec } = await setup([[4, 3], [60, 1]]);
    const { spawn, pids } = trackingSpawner();
    let withdrawnAt = 0;
    let withdrawal: Promise<unknown> = Promise.resolve();
    const run = makeDraft(session, rec.id, {
      model,
      language: 'nb',
      spawn,
      onProgress: () => {
        if (!withdrawnAt) {
          withdrawnAt = Date.now();
          // The stores (and keys) go at once; the blob's overwriting follows.
          withdrawal = new Participants(session, NOW).withdraw(code, '2026-11-27');
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'PARTICIPANT_WITHDRAWN' });
    await withdrawal;
    expect(Date.now() - withdrawnAt).toBeLessThan(1000);
    await gone(pids[0]!);
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });

  it('a model the engine refuses (the decoder swapped for the encoder) ends the draft with MODEL_INVALID, nothing stored', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const bad = path.join(tempDir(), 'swapped');
    fs.mkdirSync(bad);
    fs.linkSync(path.join(model, 'encoder.onnx'), path.join(bad, 'encoder.onnx'));
    fs.linkSync(path.join(model, 'encoder.onnx'), path.join(bad, 'decoder.onnx'));
    fs.linkSync(path.join(model, 'tokens.txt'), path.join(bad, 'tokens.txt'));
    await expect(makeDraft(session, rec.id, { model: bad, language: 'nb' })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });
});

describe('speakers', { timeout: 240_000 }, () => {
  it('each segment gets the voice that speaks longest in it, numbered as first heard; a change of voice starts a turn labelled S1, S2, …', () => {
    const segments = assignSpeakers(
      [
        { startMs: 0, endMs: 4000, text: 'Hei og velkommen', unsure: false, turn: true },
        { startMs: 4000, endMs: 6000, text: 'Takk', unsure: false, turn: false },
        { startMs: 6500, endMs: 9000, text: 'Fortell litt', unsure: false, turn: false },
        { startMs: 9500, endMs: 9900, text: 'mm', unsure: false, turn: false },
      ],
      [
        { startMs: 0, endMs: 3900, speaker: 1 },
        { startMs: 3900, endMs: 6200, speaker: 0 },
        { startMs: 6200, endMs: 9100, speaker: 1 },
      ],
    );
    // Voice 1 is heard first: it is S1.
    expect(segments.map((s) => s.speaker)).toEqual([0, 1, 0, 0]);
    expect(draftSpeakers(segments)).toEqual(['S1', 'S2']);
    expect(composeDraft(segments)).toBe('#00:00:00-0# S1: Hei og velkommen\n#00:00:04-0# S2: Takk\n#00:00:06-5# S1: Fortell litt #00:00:09-5# mm\n');
  });

  it('a draft with the speaker models: every turn has a voice label; the student names them once, in the whole draft; no real name', async () => {
    const since = Date.now();
    const { session, dir, rec, code, wav } = await setup([[3, 2], [3, 2]]);
    const t = await makeDraft(session, rec.id, { model, speakers, language: 'nb', now: NOW });
    expect(t.speakers.length).toBeGreaterThan(0);
    for (const label of t.speakers) expect(label).toMatch(/^S\d$/);
    const lines = t.text.trimEnd().split('\n');
    for (const line of lines) {
      const m = /^#\d\d:\d\d:\d\d-\d# (S\d): \S/.exec(line);
      expect(m, line).not.toBeNull();
      expect(t.speakers).toContain(m![1]);
    }
    const tr = new Transcripts(session, NOW);
    // A name from the key list is refused, as for every speaker label.
    expect(() => tr.nameSpeakers(t.id, { [t.speakers[0]!]: 'Deltaker' })).toThrow(expect.objectContaining({ code: 'SPEAKER_IS_NAME' }));
    expect(() => tr.nameSpeakers(t.id, { S9: 'I' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const named = tr.nameSpeakers(t.id, { [t.speakers[0]!]: code });
    expect(named.speakers[0]).toBe(code);
    expect(named.text).not.toMatch(new RegExp(`# ${t.speakers[0]}: `));
    expect(named.text.split('\n').filter((l) => l.includes(`# ${code}: `)).length).toBe(lines.filter((l) => l.includes(`# ${t.speakers[0]}: `)).length);
    // The sync points stay where they were.
    expect(named.syncPoints.map((p) => p.ms)).toEqual(t.syncPoints.map((p) => p.ms));
    // Nothing of the sound or of the text in the clear on disk.
    const pcmNeedle = wav.subarray(44 + 40_000, 44 + 40_064);
    const textNeedle = Buffer.from(lines[0]!.slice(0, 40), 'utf8');
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => !f.startsWith(model + path.sep) && !f.startsWith(speakers + path.sep));
    expect(findNeedles(files, [pcmNeedle, textNeedle])).toEqual([]);
    session.lock();
  });

  it('a damaged speaker model is refused before any process starts', async () => {
    const { session, rec } = await setup([[3, 1]]);
    const { spawn, pids } = trackingSpawner();
    const bad = path.join(tempDir(), 'speakers');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'segmentation.onnx'), fs.readFileSync(path.join(speakers, 'segmentation.onnx')).subarray(0, 100_000));
    fs.copyFileSync(path.join(speakers, 'embedding.onnx'), path.join(bad, 'embedding.onnx'));
    await expect(makeDraft(session, rec.id, { model, speakers: bad, language: 'nb', spawn })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    fs.rmSync(path.join(bad, 'segmentation.onnx'));
    await expect(makeDraft(session, rec.id, { model, speakers: bad, language: 'nb', spawn })).rejects.toThrow(/needs a speaker segmentation model/);
    expect(pids).toEqual([]);
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

describe('a draft of an encrypted M4A recording, decoded in core', { timeout: 180_000 }, () => {
  it('is stored with sync points; its frames are read from the sealed copy; neither sound nor text reaches the disk in the clear', async () => {
    const since = Date.now();
    const { session, dir } = await makeVault(PASS);
    const code = admit(session);
    const m4a = fs.readFileSync(path.join(FIXTURES, 'tone.m4a'));
    const rec = await new Recordings(session, NOW).import(code, path.join(FIXTURES, 'tone.m4a'));
    const progress: DraftProgress[] = [];
    const t = await makeDraft(session, rec.id, { model, language: 'nb', onProgress: (p) => progress.push(p), now: NOW });
    expect(t).toMatchObject({ sourceFormat: 'asr', automaticDraft: true, recordingId: rec.id });
    expect(t.syncPointCount).toBeGreaterThan(0);
    expect(t.text).toMatch(/^#00:00:00-\d# I: \S/);
    expect(progress.at(-1)!.percent).toBe(100);
    const needles = [m4a.subarray(2000, 2064), Buffer.from(t.text.split('\n')[0]!.slice(0, 40), 'utf8')];
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => !f.startsWith(model + path.sep));
    expect(findNeedles(files, needles)).toEqual([]);
    session.lock();
  });

  it('an M4A whose frames are garbage: imported (the player may try it), no waveform, the draft ends with AUDIO_DAMAGED and stores nothing', async () => {
    const { session } = await makeVault(PASS);
    const code = admit(session);
    const whole = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'tone.m4a')));
    const track = await demuxAac({ size: whole.length, read: (s, e) => Promise.resolve(whole.slice(s, e)) });
    let x = 11;
    const garbage = Array.from(track.sizes, (size) => Uint8Array.from({ length: size }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) & 255));
    const src = path.join(tempDir(), 'garbage.m4a');
    fs.writeFileSync(src, muxM4a(garbage, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'end' }));
    const recordings = new Recordings(session, NOW);
    const rec = await recordings.import(code, src);
    expect(rec.format).toBe('m4a');
    expect(recordings.peaks(rec.id)).toBeNull();
    await expect(makeDraft(session, rec.id, { model, language: 'nb', now: NOW })).rejects.toMatchObject({ code: 'AUDIO_DAMAGED' });
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    session.lock();
  });
});

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
    const pcm = talkPcm16([[3, 1.5], [2, 1]]);
    const ch = new PcmChannel();
    const progress: DraftProgress[] = [];
    let taken = 0;
    const counting = { next: () => ch.next().then((b) => (b && taken++, b)) };
    const fed = feed(ch, pcm, 64 * 1024);
    // A second piece before the first is taken is refused: the page cannot run ahead.
    await expect(ch.push(Buffer.alloc(2), false)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const t = await makeDraft(session, rec.id, { model, language: 'nb', pcm: counting, onProgress: (p) => progress.push(p), now: NOW });
    await fed;
    expect(taken).toBe(Math.ceil(pcm.length / (64 * 1024)));
    expect(t).toMatchObject({ sourceFormat: 'asr', automaticDraft: true, recordingId: rec.id });
    expect(t.syncPointCount).toBeGreaterThan(0);
    for (const line of t.text.trimEnd().split('\n')) expect(line).toMatch(/^#\d\d:\d\d:\d\d-\d# [IB]: \S/);
    expect(progress.at(-1)!.percent).toBe(100);
    // The page's PCM is nowhere on disk.
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(appData)].filter((f) => !f.startsWith(model + path.sep));
    expect(findNeedles(files, [pcm.subarray(30_000, 30_064)])).toEqual([]);
    session.lock();
  });

  it('locking the vault stops it: the process is gone, the piece the page is sending is refused as locked, nothing is stored', async () => {
    const { session, rec, dir, deps } = await m4aRecording();
    const { spawn, pids } = trackingSpawner();
    const ch = new PcmChannel();
    const pcm = talkPcm16([[40, 1]]);
    const run = makeDraft(session, rec.id, { model, language: 'nb', spawn, pcm: ch });
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
 * With a real model (HVELV_ASR_MODEL=/path/to/sherpa-onnx-whisper-base, a folder in sherpa-onnx's layout),
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

it('the package unpacks the speech engine\'s native files from the ASAR (its addon loads onnxruntime from its own folder)', () => {
  const root = path.join(import.meta.dirname, '..', '..');
  const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
  const unpacked = [...yml.slice(yml.indexOf('asarUnpack:')).matchAll(/^\s+- "([^"]+)"$/gm)].map((m) => m[1]!);
  const pkg = `sherpa-onnx-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  for (const f of fs.readdirSync(path.join(root, 'node_modules', pkg))) {
    expect(unpacked.some((g) => path.matchesGlob(`node_modules/${pkg}/${f}`, g)), f).toBe(true);
  }
  expect(yml).not.toMatch(/fugood|whisper\.node/);
});

it('the worker script is found (source: through tsx)', () => {
  const w = workerScript();
  expect(fs.existsSync(w.script)).toBe(true);
});
