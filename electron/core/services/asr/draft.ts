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
import { composeDraft, type AsrLanguage, type DraftProgress, type DraftSegment } from '../../../../shared/asr';
import type { TranscriptDetail } from '../../../../shared/contract';
import { assertConsent } from '../../consent/gate';
import { registryEntry } from '../../consent/model';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings';
import { Transcripts } from '../transcripts';
import { readModelHeader } from './models';
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
  // whisper.cpp logs its model facts on stderr; they hold no speech, but they are not ours to show.
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

export interface DraftOptions {
  model: string;
  language: AsrLanguage;
  /** Threads for the engine: the machine's cores less one for the app, at least one. */
  threads?: number;
  temperatureInc?: number;
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
  if (rec.format === 'm4a' || rec.format === 'webm') {
    throw new HvelvError('AUDIO_NEEDS_APP', `${rec.format} recordings can be decoded for a draft only in the app`);
  }
  const header = readModelHeader(opts.model);
  // An English-only model (whisper's ".en" files) ignores the language asked for and
  // writes English words over Norwegian speech: a draft that looks made and is useless.
  if (!header.multilingual && opts.language !== 'en') throw new HvelvError('MODEL_ENGLISH_ONLY', `${path.basename(opts.model)} knows English only; the recording's language is ${opts.language}`);
  if (opts.signal?.aborted) throw new HvelvError('CANCELLED', 'cancelled before it started');

  const reader = recordings.open(recordingId);
  const { script, execArgv } = workerScript();
  const child = (opts.spawn ?? forkWorker)(script, execArgv);
  const started = Date.now();
  let segments: DraftSegment[] = [];
  let sent = 0;
  let settled = false;

  const result = new Promise<DraftSegment[]>((resolve, reject) => {
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      child.kill();
      reader.close();
      offLock();
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // The partial result is forgotten, not kept for later.
        segments = [];
        reject(err);
      } else resolve(segments);
    };
    const onAbort = () => finish(new HvelvError('CANCELLED', 'the draft was cancelled'));
    const offLock = session.onLock(() => finish(new HvelvError('VAULT_LOCKED', 'the vault was locked while the draft was made')));
    opts.signal?.addEventListener('abort', onAbort);

    child.onExit((code) => finish(new HvelvError('ASR_FAILED', `the recognition process ended (${code})`)));
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
            return;
          case 'more': {
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
    child.send({ t: 'start', model: path.resolve(opts.model), language: opts.language, format: rec.format, threads: opts.threads ?? 2, temperatureInc: opts.temperatureInc });
  });

  const found = await result;
  const text = composeDraft(found);
  return new Transcripts(session, now).createDraft(rec.code, text, recordingId, { model: path.basename(opts.model), language: opts.language });
}

const PASSED_ON = new Set(['MODEL_INVALID', 'AUDIO_NEEDS_APP', 'AUDIO_DAMAGED', 'AUDIO_UNSUPPORTED', 'ASR_FAILED']);
function isCode(c: string): c is 'MODEL_INVALID' | 'AUDIO_NEEDS_APP' | 'AUDIO_DAMAGED' | 'AUDIO_UNSUPPORTED' | 'ASR_FAILED' {
  return PASSED_ON.has(c);
}
