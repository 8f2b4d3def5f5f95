/**
 * The recognition process: a child process of the app or the CLI, so a long draft
 * never freezes either, and so Cancel and locking can end it at once (the engine has
 * no way to stop inside a window; killing the process does, and frees its memory).
 *
 * It gets the recording's decrypted bytes over the IPC channel, in pieces and only
 * when it asks for more (the recording key never leaves the parent), decodes them to
 * 16 kHz PCM, cuts windows with our VAD and runs each through Whisper in sherpa-onnx
 * (onnxruntime inside; its decodeAsync runs on the addon's own thread, so this process
 * keeps taking audio while a window is recognised). It writes nothing to disk and keeps
 * only the current window and the segments' text.
 *
 * Electron: sherpa-onnx's addon hands some results (VAD segments, audio) back as
 * external ArrayBuffers, which Electron's memory cage refuses ("External buffers are not
 * allowed"). Every call that has the option gets `enableExternalBuffer: false` (the
 * addon copies instead; see ENGINE_OPTIONS); the calls a draft makes (acceptWaveform,
 * decodeAsync, and the diarization's process) hand back JSON and plain objects.
 */
import type { AsrLanguage, DraftSegment, SpeakerTurn } from '../../../../shared/asr';
import { WHISPER_LANGUAGE } from '../../../../shared/asr';
import { createRequire } from 'node:module';
import { HvelvError } from '../../errors';
import { createDecoder, SAMPLE_RATE, type StreamDecoder, type StreamFormat } from './audio';
import { Windower, type SpeechWindow } from './vad';

export interface StartMessage {
  t: 'start';
  /** The model's files (models.ts modelFiles): encoder, decoder, tokens. */
  model: { encoder: string; decoder: string; tokens: string };
  language: AsrLanguage;
  /** 'pcm16': the bytes are already 16 kHz mono, 16-bit little-endian (decoded in the app's page); 'aac-frames': an M4A's frames, sent by the parent (aac/aac.ts frameStream). */
  format: StreamFormat | 'pcm16';
  threads: number;
  /** Set: who speaks when, by sherpa-onnx's speaker diarization (models.ts speakerModelFiles). */
  speakers?: { segmentation: string; embedding: string };
  /** The length the recording declares (its probed duration): decoding stops past it and a margin (audio.ts DecodeLimit). */
  declaredMs?: number;
}
export type ToWorker = StartMessage | { t: 'audio'; bytes: Uint8Array } | { t: 'end' };
export type FromWorker =
  | { t: 'ready' }
  | { t: 'more' }
  | { t: 'window'; endMs: number; segments: DraftSegment[] }
  | { t: 'speakers'; turns: SpeakerTurn[] }
  | { t: 'done' }
  | { t: 'error'; code: string; message: string };

/** A window longer than this has hung. */
const WINDOW_WATCHDOG_MS = 10 * 60_000;
const TURN_PAUSE_MS = 1200;

/** What the draft uses of sherpa-onnx-node's OfflineRecognizer (its own types are JSDoc only). */
interface OfflineStream {
  acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void;
}
interface Recognizer {
  createStream(): OfflineStream;
  decodeAsync(s: OfflineStream): Promise<{ text: string; lang?: string }>;
}
interface Diarization {
  process(samples: Float32Array): { start: number; end: number; speaker: number }[];
}
interface Sherpa {
  OfflineRecognizer: { createAsync(config: unknown): Promise<Recognizer> };
  OfflineSpeakerDiarization: new (config: unknown) => Diarization;
}

/** sherpa-onnx-node, version pinned in package.json; CommonJS, so through require. */
export function loadSherpa(): Sherpa {
  return createRequire(import.meta.url)('sherpa-onnx-node') as Sherpa;
}

/** The recognizer's configuration for a model folder (exported for the tests). */
export function recognizerConfig(m: Pick<StartMessage, 'model' | 'language' | 'threads'>): unknown {
  return {
    featConfig: { sampleRate: SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      whisper: { encoder: m.model.encoder, decoder: m.model.decoder, language: WHISPER_LANGUAGE[m.language], task: 'transcribe' },
      tokens: m.model.tokens,
      numThreads: m.threads,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
  };
}

/**
 * The diarization's configuration: pyannote's segmentation, a speaker-embedding model,
 * and clustering by a distance threshold (the number of voices is not known beforehand).
 */
export function diarizationConfig(m: NonNullable<StartMessage['speakers']>, threads: number): unknown {
  return {
    segmentation: { pyannote: { model: m.segmentation }, numThreads: threads, provider: 'cpu', debug: 0 },
    embedding: { model: m.embedding, numThreads: threads, provider: 'cpu', debug: 0 },
    clustering: { numClusters: -1, threshold: 0.5 },
    minDurationOn: 0.3,
    minDurationOff: 0.5,
  };
}

/** Set on every sherpa-onnx call that hands back audio: copy, never an external buffer (Electron refuses those). */
export const ENGINE_OPTIONS = { enableExternalBuffer: false } as const;

/** In Electron's utilityProcess messages go through process.parentPort; under Node's fork(), process.send. */
interface ParentPort {
  postMessage(m: unknown): void;
  on(event: 'message', fn: (e: { data: ToWorker }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(m: FromWorker): void {
  if (parentPort) parentPort.postMessage(m);
  else process.send!(m);
}

let engine: Recognizer | null = null;
let decoder: StreamDecoder | null = null;
const windows: SpeechWindow[] = [];
let lastEndMs = -Infinity;
let lastText = '';
/**
 * The whole recording's samples, only while a draft with speakers is made: the
 * diarization clusters voices over the whole interview (about 230 MB an hour). Dropped
 * as soon as it has run; the voices' embeddings never leave the engine.
 */
let allPcm: Float32Array[] | null = null;
let diarization: Diarization | null = null;
let queue: Promise<void> = Promise.resolve();

async function onStart(m: StartMessage): Promise<void> {
  try {
    engine = await loadSherpa().OfflineRecognizer.createAsync(recognizerConfig(m));
  } catch (err) {
    throw new HvelvError('MODEL_INVALID', `the engine could not load the model: ${(err as Error).message}`);
  }
  if (m.speakers) {
    try {
      diarization = new (loadSherpa().OfflineSpeakerDiarization)(diarizationConfig(m.speakers, m.threads));
    } catch (err) {
      throw new HvelvError('MODEL_INVALID', `the engine could not load the speaker models: ${(err as Error).message}`);
    }
    allPcm = [];
  }
  const windower = new Windower((w) => windows.push(w));
  const pcmSink = (pcm: Float32Array) => {
    // A copy: a decoder may hand the same buffer again with the next samples.
    allPcm?.push(pcm.slice());
    windower.push(pcm);
  };
  decoder = m.format === 'pcm16' ? pcm16Decoder(pcmSink) : await createDecoder(m.format, pcmSink, m.declaredMs ? { declaredMs: m.declaredMs } : undefined);
  // The windower's end() must run after the decoder's last samples.
  const end = decoder.end.bind(decoder);
  decoder.end = async () => {
    await end();
    windower.end();
  };
  send({ t: 'ready' });
  send({ t: 'more' });
}

/** The page's PCM: 16-bit samples, already at 16 kHz and mono; a piece may end inside a sample. */
function pcm16Decoder(sink: (pcm: Float32Array) => void): StreamDecoder {
  let odd: number | null = null;
  return {
    push: async (bytes) => {
      let b = bytes;
      if (odd !== null) {
        b = new Uint8Array(bytes.length + 1);
        b[0] = odd;
        b.set(bytes, 1);
        odd = null;
      }
      const n = b.length >> 1;
      if (b.length & 1) odd = b[b.length - 1]!;
      const view = new DataView(b.buffer, b.byteOffset, n * 2);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
      if (n) sink(out);
    },
    end: async () => {},
    free: () => {},
  };
}

async function runWindows(): Promise<void> {
  while (windows.length) {
    const w = windows.shift()!;
    const segments = await recognise(w);
    send({ t: 'window', endMs: w.startMs + (w.samples.length * 1000) / SAMPLE_RATE, segments });
  }
}

async function recognise(w: SpeechWindow): Promise<DraftSegment[]> {
  const stream = engine!.createStream();
  stream.acceptWaveform({ samples: w.samples, sampleRate: SAMPLE_RATE });
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HvelvError('ASR_FAILED', 'the engine stopped answering inside a window')), WINDOW_WATCHDOG_MS);
  });
  let result;
  try {
    result = await Promise.race([engine!.decodeAsync(stream), watchdog]);
  } finally {
    clearTimeout(timer);
  }
  const text = result.text.replace(/\s+/g, ' ').trim();
  if (!text) return [];
  // One segment per window: Whisper in sherpa-onnx gives the window's text without times
  // inside it; the window's own start and end (from our VAD) are the sync points.
  const lenMs = (w.samples.length * 1000) / SAMPLE_RATE;
  const startMs = Math.round(w.startMs);
  const endMs = Math.round(w.startMs + lenMs);
  const repeated = text === lastText;
  const out: DraftSegment = { startMs, endMs, text, unsure: w.cutAtStart || w.cutAtEnd || repeated, turn: startMs - lastEndMs >= TURN_PAUSE_MS };
  lastEndMs = endMs;
  lastText = text;
  return [out];
}

/** Who speaks when, over the whole recording; the samples are let go as they are copied. */
function speakerTurns(d: Diarization, pieces: Float32Array[]): SpeakerTurn[] {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  while (pieces.length) {
    const p = pieces.shift()!;
    all.set(p, at);
    at += p.length;
  }
  return d.process(all).map((t) => ({ startMs: Math.round(t.start * 1000), endMs: Math.round(t.end * 1000), speaker: t.speaker }));
}

function fail(err: unknown): void {
  const code = err instanceof HvelvError ? err.code : 'ASR_FAILED';
  send({ t: 'error', code, message: (err as Error)?.message ?? String(err) });
  // Nothing of the recording may outlive a failure in this process.
  setImmediate(() => process.exit(1));
}

function receive(m: ToWorker): void {
  queue = queue
    .then(async () => {
      if (m.t === 'start') return onStart(m);
      if (!decoder) throw new HvelvError('ASR_FAILED', 'audio before start');
      if (m.t === 'audio') {
        await decoder.push(m.bytes);
        await runWindows();
        send({ t: 'more' });
      } else {
        await decoder.end();
        await runWindows();
        decoder.free();
        if (diarization && allPcm) send({ t: 'speakers', turns: speakerTurns(diarization, allPcm) });
        allPcm = null;
        send({ t: 'done' });
      }
    })
    .catch(fail);
}

if (parentPort) parentPort.on('message', (e) => receive(e.data));
else process.on('message', receive);
// The parent gone (app closed, CLI killed): so are we.
process.on('disconnect', () => process.exit(0));
