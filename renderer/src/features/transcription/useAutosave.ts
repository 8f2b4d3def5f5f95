/**
 * Autosave for the transcript: every change reaches the vault (sealed, signed, written
 * by main) one second after typing pauses, and never later than two seconds after the
 * first unsaved keystroke, so a crash loses at most two seconds even while typing on.
 * Also on leaving the window, on locking, and when the editor closes. The text lives in
 * the page's memory and in the vault, nowhere else: no localStorage, no IndexedDB.
 *
 * The hook is told of a change (`changed`) on every key but is handed no text: it asks the
 * editor for it (`read`) only when it saves, so a keystroke costs it two timers and no
 * render (the page renders on the first key after a save, to show "not saved").
 *
 * A save sends the text and gets back only when it was written and today's counters
 * (`transcripts.autosave`): the page has the text, and the identifying-details check
 * of the whole text is left to when the editor closes (one `transcripts.get`), not run
 * on every pause in typing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../../api';
import type { TranscriptDetail } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { syncPoints } from '../../../../shared/transcript';
import { registerFlush } from './flush';

export const IDLE_MS = 1000;
export const MAX_WAIT_MS = 2000;
const RETRY_MS = 5000;

export type SaveState = 'clean' | 'dirty' | 'saving' | 'saved' | 'failed';

export function useAutosave(transcript: TranscriptDetail, read: () => string, onSaved: (d: TranscriptDetail) => void) {
  const id = transcript.id;
  const base = useRef(transcript);
  base.current = transcript;
  const saved = useRef(transcript.text);
  /** Whether anything was saved since the editor opened (then the view is read again on closing). */
  const wrote = useRef(false);
  const readRef = useRef(read);
  readRef.current = read;
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;
  const running = useRef<Promise<void> | null>(null);
  /** The editor has closed: its last save is sent, and nothing is retried or scheduled after it. */
  const closed = useRef(false);
  const idle = useRef<number | null>(null);
  const max = useRef<number | null>(null);
  const [state, setStateNow] = useState<SaveState>('clean');
  /** The state as last set, so a keystroke that changes nothing on screen sets nothing. */
  const shownState = useRef<SaveState>('clean');
  const setState = useCallback((s: SaveState) => {
    shownState.current = s;
    setStateNow(s);
  }, []);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const clearTimers = () => {
    if (idle.current !== null) window.clearTimeout(idle.current);
    if (max.current !== null) window.clearTimeout(max.current);
    idle.current = max.current = null;
  };

  /** Save now; true when the editor's text is in the vault. */
  const flush = useCallback(async (): Promise<boolean> => {
    clearTimers();
    // One save at a time, in order: a slow save may not overwrite a newer one.
    while (running.current) await running.current;
    const t = readRef.current();
    if (t === saved.current) {
      // Typed and taken back (or a failed save undone): what is on screen is what the vault holds.
      if (shownState.current === 'dirty' || shownState.current === 'failed') {
        setError(null);
        setState(wrote.current ? 'saved' : 'clean');
      }
      return true;
    }
    setState('saving');
    const job = (async () => {
      const r = await call('transcripts.autosave', { id, text: t });
      if (r.ok) {
        saved.current = t;
        wrote.current = true;
        setError(null);
        setSavedAt(Date.now());
        setState(readRef.current() === t ? 'saved' : 'dirty');
        const points = syncPoints(t);
        onSavedRef.current({
          ...base.current,
          text: t,
          syncPoints: points,
          chars: t.length,
          syncPointCount: points.length,
          reachesMs: points.reduce<number | null>((max, p) => (max === null || p.ms > max ? p.ms : max), null),
          updatedAt: r.value.updatedAt,
          today: r.value.today,
        });
      } else {
        setError(r.error);
        setState('failed');
        // Keep the text in memory and try again; the student sees that it is not saved. Not
        // once the editor has closed: a retry then would write this older text over what a
        // newer editor of the same transcript has saved since.
        if (r.error.code !== 'VAULT_LOCKED' && !closed.current) max.current = window.setTimeout(() => void flushRef.current(), RETRY_MS);
      }
    })();
    running.current = job;
    try {
      await job;
    } finally {
      running.current = null;
    }
    if (readRef.current() !== saved.current && idle.current === null && max.current === null && !closed.current) schedule();
    return saved.current === t && readRef.current() === t;
  }, [id, setState]);

  const flushRef = useRef(flush);
  flushRef.current = flush;
  /** Save one second after the last change, and no later than two seconds after the first unsaved one. */
  const schedule = () => {
    if (idle.current !== null) window.clearTimeout(idle.current);
    idle.current = window.setTimeout(() => void flushRef.current(), IDLE_MS);
    if (max.current === null) max.current = window.setTimeout(() => void flushRef.current(), MAX_WAIT_MS);
  };

  /** The text changed (a key, an insert, undo): save within the two seconds. */
  const changed = useCallback(() => {
    if (!running.current && shownState.current !== 'dirty' && shownState.current !== 'failed') setState('dirty');
    schedule();
  }, [setState]);

  useEffect(() => {
    closed.current = false;
    const now = () => void flush();
    const hidden = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    window.addEventListener('blur', now);
    window.addEventListener('pagehide', now);
    document.addEventListener('visibilitychange', hidden);
    const unregister = registerFlush(flush);
    return () => {
      window.removeEventListener('blur', now);
      window.removeEventListener('pagehide', now);
      document.removeEventListener('visibilitychange', hidden);
      unregister();
      closed.current = true;
      // Leaving the editor saves what is there; the request outlives the component. Then
      // the transcript is read back whole once, which runs the identifying-details check
      // on what was typed (and remembers its findings with the transcript).
      void flush().then(async () => {
        if (!wrote.current) return;
        const r = await call('transcripts.get', { id });
        if (r.ok) onSavedRef.current(r.value);
      });
    };
  }, [flush]);

  return { state, savedAt, error, flush, changed };
}
