/**
 * The recognition process: a child process of the app or the CLI, so a long draft
 * never freezes either, and so Cancel and locking can end it at once (the engine has
 * no way to stop inside a window; killing the process does, and frees its memory).
 *
 * It gets the recording's decrypted bytes over the IPC channel, in pieces and only
 * when it asks for more (the recording key never leaves the parent), decodes them to
 * 16 kHz PCM, cuts windows with our VAD and runs each through whisper.cpp. It writes
 * nothing to disk and keeps only the current window and the segments' text.
 */
import type { AsrLanguage, DraftSegment } from '../../../../shared/asr';
import { WHISPER_LANGUAGE } from '../../../../shared/asr';
import type { AudioFacts } from '../../../../shared/contract';
import { HvelvError } from '../../errors';
import { createDecoder, SAMPLE_RATE, type StreamDecoder } from './audio';
import { Windower, type SpeechWindow } from './vad';

export interface StartMessage {
  t: 'start';
  model: string;
  language: AsrLanguage;
  /** 'pcm16': the bytes are already 16 kHz mono, 16-bit little-endian (decoded in the app's page). */
  format: AudioFacts['format'] | 'pcm16';
  threads: number;
  /** 0 turns whisper's temperature fallback off (tests and benchmarks: random weights fail every check). */
  temperatureInc?: number;
}
export type ToWorker = StartMessage | { t: 'audio'; bytes: Uint8Array } | { t: 'end' };
export type FromWorker =
  | { t: 'ready' }
  | { t: 'more' }
  | { t: 'window'; endMs: number; segments: DraftSegment[] }
  | { t: 'done' }
  | { t: 'error'; code: string; message: string };

/** A window longer than this has hung: the binding never settles its promise when whisper fails inside. */
const WINDOW_WATCHDOG_MS = 10 * 60_000;
const TURN_PAUSE_MS = 1200;

interface Engine {
  transcribeData(pcm: ArrayBuffer, opts: Record<string, unknown>): { stop: () => Promise<void>; promise: Promise<{ segments: { text: string; t0: number; t1: number }[] }> };
}

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

let engine: Engine | null = null;
let start: StartMessage | null = null;
let decoder: StreamDecoder | null = null;
const windows: SpeechWindow[] = [];
let lastEndMs = -Infinity;
let lastText = '';
let queue: Promise<void> = Promise.resolve();

async function onStart(m: StartMessage): Promise<void> {
  start = m;
  const { initWhisper } = await import('@fugood/whisper.node');
  try {
    engine = (await initWhisper({ filePath: m.model, useGpu: false })) as unknown as Engine;
  } catch (err) {
    throw new HvelvError('MODEL_INVALID', `the engine could not load the model: ${(err as Error).message}`);
  }
  const windower = new Windower((w) => windows.push(w));
  const pcmSink = (pcm: Float32Array) => windower.push(pcm);
  decoder = m.format === 'pcm16' ? pcm16Decoder(pcmSink) : await createDecoder(m.format, pcmSink);
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
  const pcm = new Int16Array(w.samples.length);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(w.samples[i]! * 32767)));
  const job = engine!.transcribeData(pcm.buffer, {
    language: WHISPER_LANGUAGE[start!.language],
    maxThreads: start!.threads,
    ...(start!.temperatureInc === undefined ? {} : { temperatureInc: start!.temperatureInc }),
  });
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HvelvError('ASR_FAILED', 'the engine stopped answering inside a window')), WINDOW_WATCHDOG_MS);
  });
  let result;
  try {
    result = await Promise.race([job.promise, watchdog]);
  } finally {
    clearTimeout(timer);
  }
  const lenMs = (w.samples.length * 1000) / SAMPLE_RATE;
  const out: DraftSegment[] = [];
  for (const s of result.segments) {
    const text = s.text.trim();
    if (!text) continue;
    // Times past the window's end are the engine's guess running away: keep the words, mark them.
    const outOfRange = s.t0 >= lenMs || s.t1 > lenMs + 500 || s.t1 < s.t0;
    const t0 = Math.min(Math.max(0, s.t0), lenMs);
    const t1 = Math.min(Math.max(t0, s.t1), lenMs);
    const atCut = (w.cutAtStart && t0 < 1000) || (w.cutAtEnd && t1 > lenMs - 1000);
    const repeated = text === lastText;
    const startMs = Math.round(w.startMs + t0);
    out.push({ startMs, endMs: Math.round(w.startMs + t1), text, unsure: outOfRange || atCut || repeated, turn: startMs - lastEndMs >= TURN_PAUSE_MS });
    lastEndMs = Math.round(w.startMs + t1);
    lastText = text;
  }
  return out;
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
        send({ t: 'done' });
      }
    })
    .catch(fail);
}

if (parentPort) parentPort.on('message', (e) => receive(e.data));
else process.on('message', receive);
// The parent gone (app closed, CLI killed): so are we.
process.on('disconnect', () => process.exit(0));
