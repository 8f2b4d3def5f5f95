/**
 * "Make a draft transcript": the recording is decrypted here as playback does it
 * (chunk by chunk, with the key held only in this process), its bytes go to the
 * recognition process (worker.ts) only as fast as that asks for them, and the
 * segments that come back become a transcript marked "automatic draft".
 *
 * Nothing of it reaches the disk: no decoded audio, no partial text. Cancel and
 * locking the vault kill the recognition process at once and drop what it found.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assignSpeakers, composeDraft, draftSpeakers, WHISPER_LANGUAGE, type AsrLanguage, type DraftProgress, type DraftSegment, type SpeakerTurn } from '../../../../shared/asr';
import type { TranscriptDetail } from '../../../../shared/contract';
import { assertConsent } from '../../consent/gate';
import { registryEntry } from '../../consent/model';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings/recordings';
import { Transcripts } from '../transcripts/transcripts';
import { decodeCeilingMs } from './audio';
import { frameStream, openTrack } from './aac/aac';
import { readModelHeader, speakerModelFiles } from './models';
import type { FromWorker, ToWorker } from './worker';

/** What the parent needs of a child process: Node's fork() gives it, so does Electron's utilityProcess. */
export interface WorkerHandle {
  send(m: ToWorker): void;
  onMessage(fn: (m: FromWorker) => void): void;
  onExit(fn: (code: number | null) => void): void;
  kill(): void;
  readonly pid?: number;
}

export type WorkerSpawner = (script: string, execArgv: string[]) => WorkerHandle;

export const forkWorker: WorkerSpawner = (script, execArgv) => {
  // 'advanced' serialisation sends the audio bytes as they are, not as JSON numbers.
  const child = fork(script, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  // onnxruntime may log on stderr; it holds no speech, but it is not ours to show.
  child.stderr?.resume();
  return {
    send: (m) => child.connected && child.send(m),
    onMessage: (fn) => child.on('message', (m) => fn(m as FromWorker)),
    onExit: (fn) => child.on('exit', (code) => fn(code)),
    kill: () => child.kill('SIGKILL'),
    pid: child.pid,
  };
};

/** The worker script: bundled beside us in a build (out/main/asr-worker.js), the TypeScript through tsx from source. */
export function workerScript(): { script: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    const built = path.join(dir, 'asr-worker.js');
    if (fs.existsSync(built)) return { script: built, execArgv: [] };
  }
  return { script: path.join(here, 'worker.ts'), execArgv: ['--import', 'tsx'] };
}

/**
 * The recording already decoded, where core has no decoder for its format (M4A/AAC,
 * WebM): the app's page decodes it with Web Audio to 16 kHz mono and hands it over in
 * pieces. Each `next()` gives the next piece (16-bit little-endian samples), or null
 * at the end; it is asked for only when the recognition process wants more, so no more
 * than a piece or two is held here.
 */
export interface PcmFeed {
  next(): Promise<Uint8Array | null>;
}

/** Largest piece the page may hand over at once: 2^19 samples (about 33 s), 1 MiB. */
export const PCM_PIECE_BYTES = 1024 * 1024;

/**
 * Between the page that decodes and the draft that asks: the page's `push` resolves when
 * the draft has taken its piece, so the page decodes no further ahead than one piece, and
 * `close` (draft done, cancelled, vault locked) refuses every piece still waiting.
 */
export class PcmChannel implements PcmFeed {
  private piece: { bytes: Uint8Array | null; taken: () => void; refused: (e: Error) => void } | null = null;
  private asking: ((b: Uint8Array | null) => void) | null = null;
  private closed: Error | null = null;
  private ended = false;

  /** The page's next piece; `last` after the final one (an empty piece may end it). */
  push(bytes: Uint8Array, last: boolean): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.piece || this.ended) return Promise.reject(new HvelvError('INVALID_INPUT', 'a piece of audio came out of turn'));
    if (bytes.length > PCM_PIECE_BYTES) return Promise.reject(new HvelvError('INVALID_INPUT', 'a piece of audio is too large'));
    return new Promise<void>((taken, refused) => {
      const pieces: (Uint8Array | null)[] = bytes.length ? [bytes] : [];
      if (last) pieces.push(null);
      this.ended = last;
      const give = () => {
        const next = pieces.shift();
        if (next === undefined) return taken();
        this.piece = { bytes: next, taken: give, refused };
        this.deliver();
      };
      give();
    });
  }

  next(): Promise<Uint8Array | null> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve) => {
      this.asking = resolve;
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.piece || !this.asking) return;
    const { bytes, taken } = this.piece;
    const resolve = this.asking;
    this.piece = null;
    this.asking = null;
    resolve(bytes);
    taken();
  }

  /** No more: a piece still waiting is refused with `err`. */
  close(err: Error): void {
    if (this.closed) return;
    this.closed = err;
    this.piece?.refused(err);
    this.piece = null;
  }
}

export interface DraftOptions {
  /** The model's folder (models.ts: encoder, decoder, tokens.txt in sherpa-onnx's layout). */
  model: string;
  /**
   * A folder with the speaker diarization's models (models.ts speakerModelFiles): each
   * turn then gets a speaker (S1, S2, …) the student names afterwards. Without it turns
   * are guessed from pauses.
   */
  speakers?: string;
  /** Set: the audio comes from here, not from decoding the recording in core. */
  pcm?: PcmFeed;
  language: AsrLanguage;
  /** Threads for the engine: the machine's cores less one for the app, at least one. */
  threads?: number;
  onProgress?: (p: DraftProgress) => void;
  signal?: AbortSignal;
  spawn?: WorkerSpawner;
  now?: () => Date;
}

/** Bytes sent to the recognition process at a time: 16 of the recording's 64 KiB chunks. */
const PIECE = 1024 * 1024;

export async function makeDraft(session: VaultSession, recordingId: string, opts: DraftOptions): Promise<TranscriptDetail> {
  const now = opts.now ?? (() => new Date());
  const recordings = new Recordings(session, now);
  const rec = recordings.get(recordingId);
  // A draft is a transcript: it needs the consent a transcript needs.
  assertConsent(session.stores.keylist, rec.code, 'transcript');
  const header = readModelHeader(opts.model);
  // An English-only model (whisper's ".en" files) ignores the language asked for and
  // writes English words over Norwegian speech: a draft that looks made and is useless.
  if (!header.multilingual && opts.language !== 'en') throw new HvelvError('MODEL_ENGLISH_ONLY', `${path.basename(opts.model)} knows English only; the recording's language is ${opts.language}`);
  // The engine exits its process on a language the model lacks: refused here with the reason.
  if (header.multilingual && !header.languages.includes(WHISPER_LANGUAGE[opts.language])) throw new HvelvError('MODEL_INVALID', `${path.basename(opts.model)} has no language "${WHISPER_LANGUAGE[opts.language]}"`);
  const speakerModels = opts.speakers ? speakerModelFiles(opts.speakers) : undefined;
  if (opts.signal?.aborted) throw new HvelvError('CANCELLED', 'cancelled before it started');

  // From the page's PCM, the recording's file is never opened here.
  const reader = opts.pcm ? null : recordings.open(recordingId);
  const pcm = opts.pcm;
  // An M4A is read by random access (its frame table may follow the sound): demuxed here,
  // over the sealed recording (only the chunks asked for are decrypted), and its frames
  // sent in order as a stream the recognition process decodes (aac/aac.ts frameStream).
  let aacFrames: AsyncGenerator<Uint8Array> | null = null;
  if (reader && rec.format === 'm4a') {
    try {
      const src = { size: reader.plainSize, readAt: (at: number, length: number) => reader.read(at, at + length - 1) };
      const track = await openTrack(src, decodeCeilingMs(rec.durationMs));
      // A long table is read with pauses for the event loop, and the vault may have been
      // locked in one: the lock's hook below is not set yet and would never run.
      if (session.isLocked) throw new HvelvError('VAULT_LOCKED', 'the vault was locked while the draft was made');
      aacFrames = frameStream(src, track, PIECE);
    } catch (err) {
      reader.close();
      throw err;
    }
  }
  const { script, execArgv } = workerScript();
  const child = (opts.spawn ?? forkWorker)(script, execArgv);
  const started = Date.now();
  let segments: DraftSegment[] = [];
  let turns: SpeakerTurn[] | null = null;
  let sent = 0;
  let settled = false;
  let ready = false;

  const result = new Promise<DraftSegment[]>((resolve, reject) => {
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      child.kill();
      reader?.close();
      offLock();
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // The partial result is forgotten, not kept for later.
        segments = [];
        turns = null;
        reject(err);
      } else resolve(segments);
    };
    const onAbort = () => finish(new HvelvError('CANCELLED', 'the draft was cancelled'));
    const offLock = session.onLock(() => finish(new HvelvError('VAULT_LOCKED', 'the vault was locked while the draft was made')));
    opts.signal?.addEventListener('abort', onAbort);

    // Ended before it was ready: the engine could not load the model (it exits the process on some faults).
    child.onExit((code) => finish(ready ? new HvelvError('ASR_FAILED', `the recognition process ended (${code})`) : new HvelvError('MODEL_INVALID', `the engine could not load the model (the recognition process ended: ${code})`)));
    // A participant who withdraws while the draft is made: their recording is destroyed
    // under us, and nothing more of it may be heard or written. Checked on every message
    // (about one per megabyte of the recording), so it stops within a piece.
    // Settled already (a lock in onProgress closed the key list): the lock's own error stands.
    const withdrawn = () => !settled && registryEntry(session.stores.keylist, rec.code)?.status !== 'active';
    const withdrawnError = () => new HvelvError('PARTICIPANT_WITHDRAWN', `${rec.code} withdrew while the draft was made; nothing was kept`);
    child.onMessage((m) => {
      if (settled) return;
      if (withdrawn()) return finish(withdrawnError());
      try {
        switch (m.t) {
          case 'ready':
            ready = true;
            return;
          case 'more': {
            if (pcm) {
              pcm.next().then(
                (bytes) => {
                  if (settled) return;
                  if (withdrawn()) return finish(withdrawnError());
                  child.send(bytes ? { t: 'audio', bytes } : { t: 'end' });
                },
                (err: unknown) => finish(err as Error),
              );
              return;
            }
            if (aacFrames) {
              aacFrames.next().then(
                (r) => {
                  if (settled) return;
                  if (withdrawn()) return finish(withdrawnError());
                  child.send(r.done ? { t: 'end' } : { t: 'audio', bytes: r.value });
                },
                (err: unknown) => finish(withdrawn() ? withdrawnError() : (err as Error)),
              );
              return;
            }
            if (!reader) return;
            if (sent >= reader.plainSize) return child.send({ t: 'end' });
            const end = Math.min(reader.plainSize, sent + PIECE) - 1;
            const bytes = reader.read(sent, end);
            sent = end + 1;
            return child.send({ t: 'audio', bytes });
          }
          case 'window': {
            segments.push(...m.segments);
            const elapsedMs = Date.now() - started;
            const share = Math.min(1, m.endMs / Math.max(1, rec.durationMs));
            opts.onProgress?.({ percent: Math.round(share * 1000) / 10, elapsedMs, remainingMs: share > 0.02 ? Math.round((elapsedMs / share) * (1 - share)) : null, segments: segments.length });
            if (withdrawn()) finish(withdrawnError());
            return;
          }
          case 'speakers':
            turns = m.turns;
            return;
          case 'done':
            opts.onProgress?.({ percent: 100, elapsedMs: Date.now() - started, remainingMs: 0, segments: segments.length });
            return finish(null);
          case 'error':
            return finish(new HvelvError(isCode(m.code) ? m.code : 'ASR_FAILED', m.message));
        }
      } catch (err) {
        // Reading a recording whose key was destroyed fails as damage; it is a withdrawal.
        finish(withdrawn() ? withdrawnError() : (err as Error));
      }
    });
    const { encoder, decoder, tokens } = header.files;
    child.send({ t: 'start', model: { encoder: path.resolve(encoder), decoder: path.resolve(decoder), tokens: path.resolve(tokens) }, language: opts.language, format: pcm ? 'pcm16' : aacFrames ? 'aac-frames' : rec.format, threads: opts.threads ?? 2, speakers: speakerModels, declaredMs: rec.durationMs });
  });

  let found = await result;
  // Who speaks when is used here and let go: only the labels reach the transcript.
  const heard = turns as SpeakerTurn[] | null;
  if (heard) found = assignSpeakers(found, heard);
  turns = null;
  const text = composeDraft(found);
  const speakers = speakerModels ? draftSpeakers(found) : undefined;
  return new Transcripts(session, now).createDraft(rec.code, text, recordingId, { model: path.basename(opts.model), language: opts.language }, speakers);
}

const PASSED_ON = new Set(['MODEL_INVALID', 'AUDIO_NEEDS_APP', 'AUDIO_DAMAGED', 'AUDIO_UNSUPPORTED', 'ASR_FAILED']);
function isCode(c: string): c is 'MODEL_INVALID' | 'AUDIO_NEEDS_APP' | 'AUDIO_DAMAGED' | 'AUDIO_UNSUPPORTED' | 'ASR_FAILED' {
  return PASSED_ON.has(c);
}
