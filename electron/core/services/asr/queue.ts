/**
 * "Transkriber alle opptak uten transkripsjon" (issue 26): a queue of automatic drafts
 * that runs one at a time, with progress and time left per recording, and that can be
 * paused.
 *
 * The queue is a record in the vault (the transcripts store, sealed and signed as the
 * rest), so it survives a lock and a restart: which recordings are done and which
 * remain is remembered, and the one being drafted when the vault locked (or the app
 * quit) is drafted again from its start. Nothing of a draft in the making is kept
 * (makeDraft keeps nothing until it is done). The record holds recording ids, the
 * model's file and the language, never words or sound; a participant's withdrawal takes
 * their recordings' ids out of it (holdings.ts), and a recording deleted otherwise is
 * passed over.
 */
import type { AsrLanguage, DraftProgress } from '../../../../shared/asr';
import type { RecordingInfo, TranscriptDetail } from '../../../../shared/contract';
import type { QueueItem, QueueItemState, QueueState } from '../../../../shared/asr-queue';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings/recordings';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { makeDraft, type DraftOptions } from './draft';

export const QUEUE_TABLE = 'asr_queue';
const QUEUE_ID = '00000000000000000000000000000a51';

interface QueueRecord {
  model: string;
  language: AsrLanguage;
  remaining: string[];
  done: string[];
  failed: { id: string; code: string }[];
  paused: boolean;
  /** Seconds of work per second of audio, as measured on the drafts done: for the time left of those waiting. */
  factor: number | null;
}

export type { QueueItem, QueueItemState, QueueState } from '../../../../shared/asr-queue';

export type DraftFn = (session: VaultSession, recordingId: string, opts: DraftOptions) => Promise<TranscriptDetail>;

export interface QueueRunOptions {
  threads?: number;
  onProgress?: (state: QueueState) => void;
  /** Stops the run; the recording being drafted stays first in the queue and starts again next time. */
  signal?: AbortSignal;
  /** The draft itself: makeDraft, or the app's (which hands M4A/WebM over decoded by the page). */
  draft?: DraftFn;
  spawn?: DraftOptions['spawn'];
}

/** Whether a run of the queue is going on in this session. */
export const queueRunning = (session: VaultSession): boolean => running.has(session);

/** What is running, per session: pause() stops it at once. */
const running = new WeakMap<VaultSession, { abort: AbortController; current: string; progress: DraftProgress | null }>();

export class DraftQueue {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  private read(): QueueRecord | null {
    return this.store.get<QueueRecord>(QUEUE_TABLE, QUEUE_ID)?.data ?? null;
  }

  private write(q: QueueRecord): void {
    this.store.put(QUEUE_TABLE, { id: QUEUE_ID, participant: null, data: q });
  }

  /** Recordings with no transcript at all, in the order the recordings screen lists them. */
  withoutTranscript(): RecordingInfo[] {
    const has = new Set(this.store.list<TranscriptRecord>(TRANSCRIPT_TABLE).map((t) => t.data.recordingId).filter(Boolean));
    return new Recordings(this.session, this.now)
      .list()
      .filter((r) => !has.has(r.id))
      .sort((a, b) => a.code.localeCompare(b.code) || a.importedAt.localeCompare(b.importedAt));
  }

  /**
   * Queue every recording without a transcript (those queued already stay where they are).
   * The model and language are the queue's: one choice for all of them.
   */
  enqueueAll(opts: { model: string; language: AsrLanguage }): QueueState {
    const q = this.read();
    const queued = new Set([...(q?.remaining ?? []), ...(q?.done ?? [])]);
    const add = this.withoutTranscript().map((r) => r.id).filter((id) => !queued.has(id));
    const next: QueueRecord = q && q.remaining.length > 0 ? { ...q, model: opts.model, language: opts.language, remaining: [...q.remaining, ...add] } : { model: opts.model, language: opts.language, remaining: add, done: [], failed: [], paused: false, factor: q?.factor ?? null };
    this.write(next);
    this.session.audit.append('asr.queued', { details: { recordings: next.remaining.length } });
    return this.state()!;
  }

  /**
   * Drop every id whose recording is gone (withdrawn, deleted): the record then keeps no
   * pointer to data a withdrawal receipt says is destroyed. Idempotent, so a withdrawal
   * repeated after a crash leaves the same record.
   */
  forgetMissing(): void {
    const q = this.read();
    if (!q) return;
    const exists = new Set(new Recordings(this.session, this.now).list().map((r) => r.id));
    const next: QueueRecord = { ...q, remaining: q.remaining.filter((id) => exists.has(id)), done: q.done.filter((id) => exists.has(id)), failed: q.failed.filter((f) => exists.has(f.id)) };
    if (next.remaining.length === q.remaining.length && next.done.length === q.done.length && next.failed.length === q.failed.length) return;
    this.write(next);
  }

  state(): QueueState | null {
    const q = this.read();
    if (!q) return null;
    const recs = new Map(new Recordings(this.session, this.now).list().map((r) => [r.id, r]));
    const run = running.get(this.session);
    const item = (id: string, state: QueueItemState): QueueItem | null => {
      const r = recs.get(id);
      if (!r) return null;
      const live = state === 'waiting' && run?.current === id ? run.progress : null;
      const s: QueueItemState = run?.current === id && state === 'waiting' ? 'running' : state;
      const estimate = q.factor === null ? null : Math.round(r.durationMs * q.factor);
      return {
        recordingId: id,
        code: r.code,
        durationMs: r.durationMs,
        state: s,
        percent: state === 'done' ? 100 : (live?.percent ?? 0),
        remainingMs: state === 'done' || state === 'failed' ? 0 : live ? (live.remainingMs ?? estimate) : estimate,
      };
    };
    const items = [
      ...q.done.map((id) => item(id, 'done')),
      ...q.failed.map((f) => {
        const i = item(f.id, 'failed');
        return i && { ...i, error: f.code };
      }),
      ...q.remaining.map((id) => item(id, 'waiting')),
    ].filter((i): i is QueueItem => i !== null);
    return { model: q.model, language: q.language, paused: q.paused, items };
  }

  /** Pause: the draft being made stops now (nothing of it kept) and starts again from its beginning on resume. */
  pause(): QueueState | null {
    const q = this.read();
    if (!q) return null;
    this.write({ ...q, paused: true });
    running.get(this.session)?.abort.abort();
    return this.state();
  }

  resume(): QueueState | null {
    const q = this.read();
    if (!q) return null;
    this.write({ ...q, paused: false });
    return this.state();
  }

  /** Forget the queue (drafts made stay). */
  clear(): void {
    running.get(this.session)?.abort.abort();
    if (this.read()) this.store.delete(QUEUE_TABLE, QUEUE_ID);
  }

  /**
   * Draft what remains, one at a time, until none is left, the queue is paused, the run
   * is stopped, or the vault locks (then it rejects with VAULT_LOCKED, and the queue
   * record, sealed, says where to go on). A draft that fails for its own reasons (a
   * damaged file, a participant who withdrew) is noted and the queue goes on.
   */
  async run(opts: QueueRunOptions = {}): Promise<QueueState | null> {
    if (running.has(this.session)) throw new HvelvError('INVALID_INPUT', 'the queue is running already');
    const draft = opts.draft ?? makeDraft;
    try {
      for (;;) {
        if (opts.signal?.aborted) throw new HvelvError('CANCELLED', 'the queue was stopped');
        const q = this.read();
        if (!q || q.paused || q.remaining.length === 0) return this.state();
        const id = q.remaining[0]!;
        const rec = this.recording(id);
        const hasTranscript = this.store.list<TranscriptRecord>(TRANSCRIPT_TABLE).some((t) => t.data.recordingId === id);
        if (!rec || hasTranscript) {
          // Gone since it was queued, or transcribed another way: nothing to draft.
          this.write({ ...q, remaining: q.remaining.slice(1), ...(rec ? { done: [...q.done, id] } : {}) });
          continue;
        }
        const abort = new AbortController();
        const onStop = () => abort.abort();
        opts.signal?.addEventListener('abort', onStop);
        const live = { abort, current: id, progress: null as DraftProgress | null };
        running.set(this.session, live);
        const started = Date.now();
        try {
          opts.onProgress?.(this.state()!);
          await draft(this.session, id, {
            model: q.model,
            language: q.language,
            threads: opts.threads,
            signal: abort.signal,
            spawn: opts.spawn,
            now: this.now,
            onProgress: (p) => {
              live.progress = p;
              opts.onProgress?.(this.state()!);
            },
          });
          const after = this.read() ?? q;
          const factor = rec.durationMs > 0 ? (Date.now() - started) / rec.durationMs : after.factor;
          this.write({ ...after, remaining: after.remaining.filter((x) => x !== id), done: [...after.done, id], factor });
        } catch (err) {
          const code = err instanceof HvelvError ? err.code : 'ASR_FAILED';
          // Locked, paused or stopped: this one stays first and starts again next time.
          if (code === 'VAULT_LOCKED' || this.session.isLocked) throw err;
          if (code === 'CANCELLED') {
            if (opts.signal?.aborted) throw err;
            continue; // paused: the loop sees it and returns
          }
          const after = this.read() ?? q;
          this.write({ ...after, remaining: after.remaining.filter((x) => x !== id), failed: [...after.failed, { id, code }] });
        } finally {
          opts.signal?.removeEventListener('abort', onStop);
          running.delete(this.session);
        }
        opts.onProgress?.(this.state()!);
      }
    } finally {
      running.delete(this.session);
    }
  }

  private recording(id: string): RecordingInfo | null {
    try {
      return new Recordings(this.session, this.now).get(id);
    } catch (err) {
      if (err instanceof HvelvError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }
}
