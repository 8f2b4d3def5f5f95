/**
 * The transcription workspace: a full-height editor beside the player, keyboard first.
 * F4/Esc play and pause (rewinding a little on resume), F1/F2 step, F3 changes speed
 * with the pitch kept, Ctrl+T stamps the playing time (a sync point), Ctrl+1…8 start a
 * speaker's turn, Alt+1…6 insert the project's markers; all rebindable in Settings.
 * The turn being played is highlighted; every change is saved, sealed, within two seconds.
 */
import { startTransition, useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type ReactNode, type RefObject } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import { LeaveDialog } from '../../components/LeaveDialog';
import { forgetUnsaved, useUnsaved } from '../../components/unsaved';
import type { RecordingInfo, TranscriptDetail, TranscriptionSettings } from '../../../../shared/contract';
import { localIsoDate } from '../../../../shared/domain';
import { f4Stamp, syncPoints } from '../../../../shared/transcript';
import {
  actionFor,
  chordOf,
  DEFAULT_BINDINGS,
  DEFAULT_PEDALS,
  DEFAULT_PLAYBACK,
  markerText,
  nextSpeaker,
  pedalActions,
  reachedMs,
  stampIssues,
  stepRate,
  timeLeftMs,
  turnAt,
  turnText,
  stampText,
  stampMsAt,
  typesCharacter,
  wordCount,
  type Action,
  type StampIssue,
} from '../../../../shared/transcription';
import { formatDuration } from '../../components/format';
import { actionName } from './KeySettings';
import { Waveform } from '../../components/Waveform';
import { fromBase64 } from '../../components/base64';
import { obtainPeaks } from './peaks';
import { connectPedal, pedalsSupported } from './pedal';
import { useAutosave } from './useAutosave';
import { TranscriptEditor, type EditorHandle } from './TranscriptEditor';
import { useMachineText } from './machineText';

/** What the workspace needs besides the transcript, asked for before it opens so that it opens drawn. */
export interface WorkspaceData {
  settings: TranscriptionSettings | null;
  markers: string[];
  peaks: Uint8Array | null;
}

export async function loadWorkspaceData(recordingId: string | null): Promise<WorkspaceData> {
  const [s, m, p] = await Promise.all([call('transcription.settings', {}), call('transcription.markers', {}), recordingId ? call('recordings.peaks', { id: recordingId }) : null]);
  return { settings: s.ok ? s.value : null, markers: m.ok ? m.value : [], peaks: p?.ok && p.value ? fromBase64(p.value) : null };
}

interface Props {
  /** From loadWorkspaceData, started when the recording's view opened. */
  preloaded: Promise<WorkspaceData>;
  recording: RecordingInfo | null;
  src: string | null;
  transcript: TranscriptDetail;
  onChanged(t: TranscriptDetail): void;
  onExit(): void;
}

const DEFAULT_SETTINGS: TranscriptionSettings = { bindings: DEFAULT_BINDINGS, playback: DEFAULT_PLAYBACK, pedals: DEFAULT_PEDALS };

export function TranscriptionWorkspace({ preloaded, recording, src, transcript, onChanged, onExit }: Props) {
  const { t, locale, error: i18nError } = useI18n();
  /** The text the editor starts with; from then on the editor holds it (see TranscriptEditor). */
  const [initialText] = useState(transcript.text);
  /**
   * The editor's document as of its last change (CodeMirror's immutable copy), kept without
   * making a string of it: a key costs the page no render and no 60 000-character copy.
   * The text is read from it only when it is needed: a save, the settled view, an action.
   */
  const doc = useRef<{ toString(): string }>(transcript.text);
  const readText = useCallback(() => doc.current.toString(), []);
  const [settings, setSettings] = useState<TranscriptionSettings>(DEFAULT_SETTINGS);
  const [markers, setMarkers] = useState<string[]>([]);
  const [speakers, setSpeakers] = useState<string[]>(transcript.speakers);
  /** Where playback is: read by the clock and the waveform, which re-render on their own (not the whole workspace). */
  const [playhead] = useState(makePlayhead);
  const [mediaDuration, setMediaDuration] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);
  const [loop, setLoop] = useState<{ fromMs: number; toMs: number } | null>(null);
  const [peaks, setPeaks] = useState<Uint8Array | null>(null);
  const [waveStatus, setWaveStatus] = useState<string | null>(null);
  const [pedal, setPedal] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const editor = useRef<EditorHandle>(null);
  /** Where playback was paused; resuming from there rewinds (a seek since then does not). */
  const pausedAt = useRef<number | null>(null);
  const latest = useRef({ speakers, markers, settings, loop });
  latest.current = { speakers, markers, settings, loop };

  const { state: saveState, savedAt, error: saveError, flush, changed: unsaved } = useAutosave(transcript, readText, onChanged);
  // While a save is failing, what is typed is only on this screen: leaving it or locking asks first.
  useUnsaved(saveState === 'failed');
  const [askLeave, setAskLeave] = useState(false);

  const durationMs = mediaDuration ?? recording?.durationMs ?? 0;
  // What is derived from the whole text (stamps, highlights, counts) follows typing when
  // it pauses (and at least once a second), not on every key: at 60 000 characters,
  // re-rendering the highlights with each keystroke cost several frames (docs/benchmarks.md).
  const [shown, settle] = useSettledText(readText, transcript.text, 250, 1000);
  const onDoc = useCallback(
    (d: { toString(): string }) => {
      doc.current = d;
      unsaved();
      settle();
    },
    [unsaved, settle],
  );
  const points = useMemo(() => syncPoints(shown), [shown]);
  const issues = useMemo(() => stampIssues(points, recording ? durationMs : null), [points, durationMs, recording]);
  const machine = useMachineText(transcript, shown, durationMs);

  // Settings, markers and the waveform: stored, or (the waveform) computed now, once, and stored (peaks.ts).
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const data = await preloaded;
      if (cancelled) return;
      if (data.settings) setSettings(data.settings);
      setMarkers(data.markers);
      if (!recording || !src) return;
      if (data.peaks) return setPeaks(data.peaks);
      setWaveStatus(t('tx.waveformLoading'));
      const got = await obtainPeaks(recording, src, () => cancelled);
      if (cancelled) return;
      if ('peaks' in got) {
        setPeaks(got.peaks);
        setWaveStatus(null);
      } else setWaveStatus(t(got.failed === 'tooLong' ? 'tx.waveformTooLong' : 'tx.waveformFailed'));
    })();
    return () => {
      cancelled = true;
    };
  }, [preloaded, recording, src, t]);

  useEffect(() => {
    const a = audio.current;
    if (a) a.preservesPitch = true;
  }, [src]);

  // ---- playback -------------------------------------------------------------

  const seek = useCallback((ms: number, play = false) => {
    const a = audio.current;
    if (!a) return;
    a.currentTime = Math.max(0, ms / 1000);
    pausedAt.current = null;
    playhead.set(a.currentTime * 1000);
    if (play) void a.play().catch(() => undefined);
  }, [playhead]);

  const togglePlay = useCallback(() => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) {
      const rewind = latest.current.settings.playback.rewindOnResumeMs / 1000;
      // At the end the element would start again from 0 and lose the student's place:
      // the end is a pause like any other, and resuming rewinds from there.
      if (a.ended && Number.isFinite(a.duration)) a.currentTime = Math.max(0, a.duration - rewind);
      else if (pausedAt.current !== null && Math.abs(a.currentTime - pausedAt.current) < 0.001) a.currentTime = Math.max(0, a.currentTime - rewind);
      pausedAt.current = null;
      void a.play().catch(() => undefined);
    } else {
      a.pause();
      pausedAt.current = a.currentTime;
    }
  }, []);

  const skip = useCallback((ms: number) => {
    const a = audio.current;
    if (!a) return;
    const d = Number.isFinite(a.duration) ? a.duration : Infinity;
    a.currentTime = Math.min(d, Math.max(0, a.currentTime + ms / 1000));
    if (a.paused) pausedAt.current = null;
    playhead.set(a.currentTime * 1000);
  }, [playhead]);

  const changeRate = useCallback((dir: -1 | 1) => {
    const a = audio.current;
    if (!a) return;
    a.preservesPitch = true;
    a.playbackRate = stepRate(a.playbackRate, dir);
    setRate(a.playbackRate);
  }, []);

  // ---- writing --------------------------------------------------------------

  /** Insert at the caret as an edit of the editor's own, so undo and redo keep working. */
  const insert = useCallback((s: string) => editor.current?.insert(s), []);

  /**
   * The stamp at the caret. F8/Ctrl+T stamps where the recording plays, as asked (a sync
   * point must say where the words are); a new turn (a speaker key, the next speaker, a
   * marker) is never earlier than a stamp before it, since resuming rewinds a little (issue 29).
   */
  const stampNow = useCallback(
    (tx: string, caret: number, explicit = false): string | null => {
      if (!audio.current || !recording) return null;
      const playing = Math.round(audio.current.currentTime * 1000);
      return f4Stamp(explicit ? playing : stampMsAt(tx, caret, playing));
    },
    [recording],
  );

  const run = useCallback(
    (action: Action) => {
      const { settings: s, speakers: sp, markers: mk, loop: lp } = latest.current;
      // The editor's text and caret as they are now (React's copy of the text may be a render behind).
      const tx = editor.current?.text() ?? readText();
      const caret = editor.current?.caret() ?? tx.length;
      if (action === 'playPause') togglePlay();
      else if (action === 'back') skip(-s.playback.skipMs);
      else if (action === 'forward') skip(s.playback.skipMs);
      else if (action === 'backLong') skip(-s.playback.longSkipMs);
      else if (action === 'slower') changeRate(-1);
      else if (action === 'faster') changeRate(1);
      else if (action === 'timestamp') {
        const st = stampNow(tx, caret, true);
        if (st) insert(stampText(tx, caret, st));
      } else if (action === 'nextTurn') insert(turnText(tx, caret, nextSpeaker(tx, caret, sp), stampNow(tx, caret)));
      else if (action === 'loop') {
        if (lp) setLoop(null);
        else {
          const a = audio.current;
          const turn = a ? turnAt(syncPoints(tx), tx.length, a.currentTime * 1000) : null;
          if (turn && a) setLoop({ fromMs: turn.fromMs, toMs: turn.toMs ?? Math.round((Number.isFinite(a.duration) ? a.duration : 0) * 1000) });
        }
      } else if (action.startsWith('speaker')) {
        const label = sp[Number(action.slice(7)) - 1];
        if (label) insert(turnText(tx, caret, label, stampNow(tx, caret)));
      } else if (action.startsWith('marker')) {
        const m = mk[Number(action.slice(6)) - 1];
        if (m) insert(markerText(m, stampNow(tx, caret) ?? ''));
      }
    },
    [togglePlay, skip, changeRate, insert, stampNow, readText],
  );

  // The keys work anywhere in the workspace; Esc only in the editor (in a dialog it closes it).
  // The editor hands its key presses here first (onKey), before its own keys see them.
  const onKey = useCallback(
    (e: KeyboardEvent): boolean => {
      if (typesCharacter(e)) return false;
      const chord = chordOf(e);
      if (!chord) return false;
      const action = actionFor(latest.current.settings.bindings, chord);
      if (!action) return false;
      if (chord === 'Escape' && !editor.current?.isEditor(e)) return false;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return false;
      e.preventDefault();
      e.stopPropagation();
      run(action);
      return true;
    },
    [run],
  );
  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onKey]);

  // Foot pedal: a pedal granted earlier connects by itself.
  const pedalRef = useRef<{ disconnect(): void } | null>(null);
  const startPedal = useCallback(
    async (ask: boolean) => {
      let previous = 0;
      try {
        const p = await connectPedal(ask, (mask) => {
          for (const a of pedalActions(previous, mask, latest.current.settings.pedals)) run(a);
          previous = mask;
        });
        if (p) {
          pedalRef.current?.disconnect();
          pedalRef.current = p;
          setPedal(p.name);
        } else if (ask) setNotice(t('tx.pedalNone'));
      } catch {
        if (ask) setNotice(t('tx.pedalNone'));
      }
    },
    [run, t],
  );
  useEffect(() => {
    if (pedalsSupported()) void startPedal(false);
    return () => pedalRef.current?.disconnect();
  }, [startPedal]);

  // Loop: back to the turn's start when playback passes its end.
  useEffect(() => {
    if (!loop || !playing) return;
    let frame = 0;
    const tick = () => {
      const a = audio.current;
      if (a && a.currentTime * 1000 >= loop.toMs) a.currentTime = loop.fromMs / 1000;
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [loop, playing]);

  /** A click that puts the caret inside a timestamp seeks there, as a click on a stamp does in the reading view. */
  const clickedStamp = useCallback(
    (ms: number) => {
      if (recording && ms > durationMs + 100) setNotice(t('tx.beyondNotice', { stamp: f4Stamp(ms), duration: formatDuration(durationMs) }));
      else seek(ms, true);
    },
    [recording, durationMs, seek, t],
  );

  function selectStamp(issue: StampIssue) {
    editor.current?.select(issue.offset, issue.offset + (/^#\d{1,2}:\d{2}:\d{2}-\d#/.exec(shown.slice(issue.offset))?.[0].length ?? 0));
  }

  async function exit() {
    if (await flush()) onExit();
    else setAskLeave(true);
  }

  // ---- progress -------------------------------------------------------------

  const today = localIsoDate(new Date());
  const reached = reachedMs(points, recording ? durationMs : null);
  const t0 = transcript.today;
  const words = useMemo(() => wordCount(shown), [shown]);
  const wordsToday = t0 && t0.date === today ? Math.max(0, words - t0.wordsAtStart) : 0;
  const left = recording ? timeLeftMs(t0 ?? undefined, today, reached, durationMs) : null;
  // The turn being played: a render of the workspace only when playback enters another turn.
  const turn = useTurn(playhead, points, shown.length, playing);
  // What the screen reader says the editor's keys are: the bindings as they are now, not the defaults.
  const keysHelp = useMemo(
    () =>
      HELP_ACTIONS.filter((a) => settings.bindings[a].length > 0)
        .map((a) => `${actionName(t, a)}: ${settings.bindings[a].join(', ')}`)
        .join('. '),
    [settings.bindings, t],
  );
  const clock = savedAt ? new Date(savedAt).toLocaleTimeString(locale === 'nb' ? 'nb-NO' : 'en-GB') : '';
  const saveText =
    saveState === 'saving' ? t('tx.saving') : saveState === 'dirty' ? t('tx.unsaved') : saveState === 'saved' ? t('tx.saved', { time: clock }) : saveState === 'failed' ? '' : t('tx.notSavedYet');

  return (
    <main className="tx-workspace" aria-labelledby="tx-title">
      {askLeave && (
        <LeaveDialog
          onStay={() => setAskLeave(false)}
          onLeave={() => {
            forgetUnsaved();
            onExit();
          }}
        />
      )}
      <div className="tx-side">
        <button type="button" className="link" onClick={() => void exit()}>
          {t('tx.back')}
        </button>
        <h1 id="tx-title" className="tx-title">
          {t('tx.title', { code: transcript.code })}
        </h1>
        {notice && (
          <div className="banner banner-info" role="status">
            {notice}
          </div>
        )}
        {recording && src && (
          <section className="card tx-player" aria-labelledby="tx-player-h">
            <h2 id="tx-player-h">{t('tx.player')}</h2>
            <audio
              ref={audio}
              preload="metadata"
              src={src}
              onPlay={() => setPlaying(true)}
              onPause={() => {
                setPlaying(false);
                machine.broke();
              }}
              onTimeUpdate={(e) => {
                playhead.set(e.currentTarget.currentTime * 1000);
                if (!e.currentTarget.paused && !e.currentTarget.seeking) machine.played(e.currentTarget.currentTime * 1000);
              }}
              onEnded={(e) => {
                machine.played(e.currentTarget.currentTime * 1000);
                machine.broke();
              }}
              onSeeking={() => machine.broke()}
              onSeeked={(e) => playhead.set(e.currentTarget.currentTime * 1000)}
              onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setMediaDuration(Math.round(e.currentTarget.duration * 1000))}
              onRateChange={(e) => setRate(e.currentTarget.playbackRate)}
            />
            <PlayedWaveform playhead={playhead} peaks={peaks} durationMs={durationMs} audio={audio} status={waveStatus} onSeek={seek} />
            <dl className="tx-clock">
              <div>
                <dt>{t('tx.time')}</dt>
                <dd data-testid="tx-time">
                  <PlayedTime playhead={playhead} />
                </dd>
              </div>
              <div>
                <dt>{t('tx.duration')}</dt>
                <dd>{formatDuration(durationMs)}</dd>
              </div>
              <div>
                <dt>{t('tx.speed')}</dt>
                <dd data-testid="tx-rate">{new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate)}×</dd>
              </div>
            </dl>
            <div className="actions start wrap tx-buttons">
              <KeyButton onClick={() => run('playPause')} keys={settings.bindings.playPause}>
                {playing ? t('tx.pause') : t('tx.play')}
              </KeyButton>
              <KeyButton className="secondary" onClick={() => run('back')} keys={settings.bindings.back}>
                {t('tx.action.back')}
              </KeyButton>
              <KeyButton className="secondary" onClick={() => run('forward')} keys={settings.bindings.forward}>
                {t('tx.action.forward')}
              </KeyButton>
              <KeyButton className="secondary" onClick={() => run('slower')} keys={settings.bindings.slower}>
                {t('tx.action.slower')}
              </KeyButton>
              <KeyButton className="secondary" onClick={() => run('faster')} keys={settings.bindings.faster}>
                {t('tx.action.faster')}
              </KeyButton>
              <KeyButton className="secondary" onClick={() => run('loop')} keys={settings.bindings.loop} pressed={loop !== null}>
                {t('tx.action.loop')}
              </KeyButton>
            </div>
            <p className="hint" aria-live="polite">
              {loop ? t('tx.loopOn', { from: formatDuration(loop.fromMs), to: formatDuration(loop.toMs) }) : t('tx.loopOff')}
            </p>
          </section>
        )}
        <section className="card" aria-labelledby="tx-progress-h">
          <h2 id="tx-progress-h">{t('tx.progress')}</h2>
          {recording && (
            <>
              <progress className="tx-progress" max={Math.max(1, durationMs)} value={reached} aria-labelledby="tx-reached" />
              <p id="tx-reached">
                {t('tx.reached', { reached: formatDuration(reached), duration: formatDuration(durationMs), percent: durationMs > 0 ? Math.floor((reached / durationMs) * 100) : 0 })}
              </p>
            </>
          )}
          <p>{t('tx.wordsToday', { words: wordsToday })}</p>
          {recording && <p>{left === null ? t('tx.timeLeftUnknown') : t('tx.timeLeft', { time: formatDuration(left) })}</p>}
        </section>
        {machine.count && (
          <section className="card" aria-labelledby="tx-machine-h">
            <h2 id="tx-machine-h">{t('mt.heading')}</h2>
            <p data-testid="tx-machine-count">{t('mt.count', { checked: machine.count.checked, total: machine.count.total })}</p>
            <p className="hint">{machine.count.checked < machine.count.total ? t('mt.hint') : t('mt.allChecked')}</p>
          </section>
        )}
        <StampCheck issues={issues} durationMs={durationMs} onSelect={selectStamp} />
        <ListEditor
          title={t('tx.speakers')}
          hint={t('tx.speakersHint')}
          label={(n) => t('tx.speakerLabel', { n })}
          values={speakers}
          slots={8}
          savedText={t('tx.speakersSaved')}
          onSave={async (v) => {
            const r = await call('transcripts.update', { id: transcript.id, speakers: v });
            if (!r.ok) return r.error;
            setSpeakers(r.value.speakers);
            return null;
          }}
        />
        <ListEditor
          title={t('tx.markers')}
          hint={t('tx.markersHint')}
          label={(n) => t('tx.markerLabel', { n })}
          values={markers}
          slots={6}
          savedText={t('tx.markersSaved')}
          onSave={async (v) => {
            const r = await call('transcription.saveMarkers', { markers: v });
            if (!r.ok) return r.error;
            setMarkers(r.value);
            return null;
          }}
        />
        <section className="card" aria-labelledby="tx-pedal-h">
          <h2 id="tx-pedal-h">{t('tx.pedal')}</h2>
          {pedalsSupported() ? (
            pedal ? (
              <p>{t('tx.pedalConnected', { name: pedal })}</p>
            ) : (
              <button type="button" className="secondary" onClick={() => void startPedal(true)}>
                {t('tx.pedalConnect')}
              </button>
            )
          ) : (
            <p className="hint">{t('tx.pedalUnsupported')}</p>
          )}
          <p className="hint">{t('tx.keysLink')}</p>
        </section>
      </div>
      <section className="tx-main">
        <div className="tx-editor-head">
          {/* The editor carries the same words as its own label (an id reference cannot reach into its shadow root). */}
          <span className="label">{t('view.transcriptText')}</span>
          <span className={`tx-save tx-save-${saveState}`} data-testid="tx-save">
            {saveText}
          </span>
        </div>
        {saveError && (
          <div className="banner banner-error" role="alert">
            {t('tx.saveFailed', { message: i18nError(saveError) })}
          </div>
        )}
        <TranscriptEditor
          ref={editor}
          initial={initialText}
          shown={shown}
          turn={turn}
          issues={issues}
          machine={machine.ranges}
          label={t('view.transcriptText')}
          lang={locale}
          keysHelp={keysHelp}
          // A key: the editor has drawn it; the workspace only notes that its text changed.
          onDoc={onDoc}
          onStamp={clickedStamp}
          onKey={onKey}
        />
      </section>
    </main>
  );
}

/** The keys the editor's description names: the ones used while typing (Settings lists them all). */
const HELP_ACTIONS: Action[] = ['playPause', 'back', 'forward', 'slower', 'faster', 'timestamp', 'nextTurn', 'speaker1', 'speaker2', 'loop'];

/**
 * The text as it was when typing last paused for `idleMs`, and at least every `maxMs`
 * while it goes on: `settle()` is called on each change, and the text is read (`read`)
 * only when the timer fires. The render it causes waits in a transition.
 */
function useSettledText(read: () => string, initial: string, idleMs: number, maxMs: number): [string, () => void] {
  const [settled, setSettled] = useState(initial);
  const idle = useRef<number | null>(null);
  const max = useRef<number | null>(null);
  const readRef = useRef(read);
  readRef.current = read;
  const settle = useCallback(() => {
    const done = () => {
      for (const r of [idle, max]) if (r.current !== null) window.clearTimeout(r.current);
      idle.current = max.current = null;
      const t = readRef.current();
      startTransition(() => setSettled(t));
    };
    if (idle.current !== null) window.clearTimeout(idle.current);
    idle.current = window.setTimeout(done, idleMs);
    if (max.current === null) max.current = window.setTimeout(done, maxMs);
  }, [idleMs, maxMs]);
  useEffect(
    () => () => {
      for (const r of [idle, max]) if (r.current !== null) window.clearTimeout(r.current);
    },
    [],
  );
  return [settled, settle];
}

/** Where playback is, kept outside React's state: the clock and the waveform subscribe to it. */
interface Playhead {
  get(): number;
  set(ms: number): void;
  subscribe(f: () => void): () => void;
}

function makePlayhead(): Playhead {
  let ms = 0;
  const subs = new Set<() => void>();
  return {
    get: () => ms,
    set(v) {
      if (v === ms) return;
      ms = v;
      for (const f of subs) f();
    },
    subscribe(f) {
      subs.add(f);
      return () => subs.delete(f);
    },
  };
}

function usePlayhead(p: Playhead): number {
  return useSyncExternalStore(p.subscribe, p.get);
}

/** The turn that holds the playing position, as a new object only when playback enters another turn. */
function useTurn(p: Playhead, points: ReturnType<typeof syncPoints>, length: number, playing: boolean): { start: number; end: number } | null {
  const at = useCallback(() => {
    const ms = p.get();
    const t = playing || ms > 0 ? turnAt(points, length, ms) : null;
    return t ? `${t.start}:${t.end}` : '';
  }, [p, points, length, playing]);
  const key = useSyncExternalStore(p.subscribe, at);
  return useMemo(() => {
    if (!key) return null;
    const [start, end] = key.split(':').map(Number) as [number, number];
    return { start, end };
  }, [key]);
}

function PlayedTime({ playhead }: { playhead: Playhead }) {
  return <>{formatTenths(usePlayhead(playhead))}</>;
}

function PlayedWaveform({ playhead, audio, ...rest }: { playhead: Playhead; audio: RefObject<HTMLAudioElement | null> } & Omit<Parameters<typeof Waveform>[0], 'positionMs' | 'audio'>) {
  return <Waveform {...rest} positionMs={usePlayhead(playhead)} audio={audio.current} />;
}

function formatTenths(ms: number): string {
  return `${formatDuration(ms)},${Math.floor((ms % 1000) / 100)}`;
}

function KeyButton({ children, keys, onClick, className, pressed }: { children: ReactNode; keys: string[]; onClick(): void; className?: string; pressed?: boolean }) {
  return (
    <button type="button" className={className} onClick={onClick} aria-keyshortcuts={keys.join(' ') || undefined} aria-pressed={pressed}>
      {children}
      {keys[0] && <kbd>{keys[0]}</kbd>}
    </button>
  );
}

export function StampCheck({ issues, durationMs, onSelect }: { issues: StampIssue[]; durationMs: number; onSelect(i: StampIssue): void }) {
  const { t } = useI18n();
  return (
    <section className="card tx-check" aria-labelledby="tx-stamps-h">
      <h2 id="tx-stamps-h">{t('tx.stampIssues')}</h2>
      {issues.length === 0 ? (
        <p className="muted">{t('tx.stampsOk')}</p>
      ) : (
        <ul className="tx-issues">
          {issues.map((i) => (
            <li key={i.offset}>
              <button type="button" className="link" onClick={() => onSelect(i)}>
                {i.kind === 'beyond-end' ? t('tx.stampBeyond', { stamp: f4Stamp(i.ms), duration: formatDuration(durationMs) }) : t('tx.stampOrder', { stamp: f4Stamp(i.ms) })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A short list (speakers, markers) that saves itself when a field is left, so nothing
 * typed here is lost by leaving the workspace either.
 */
function ListEditor({
  title,
  hint,
  label,
  values,
  slots,
  savedText,
  onSave,
}: {
  title: string;
  hint: string;
  label(n: number): string;
  values: string[];
  slots: number;
  savedText: string;
  onSave(v: string[]): Promise<ErrorInfo | null>;
}) {
  const [draft, setDraft] = useState<string[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState(false);
  const pending = useRef<string[] | null>(null);
  pending.current = draft;
  const save = useCallback(async () => {
    const d = pending.current;
    if (!d) return;
    const e = await onSave(d.map((s) => s.trim()).filter(Boolean));
    setError(e);
    if (!e) {
      setDraft(null);
      setSaved(true);
    }
  }, [onSave]);
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => () => void saveRef.current(), []);
  const shown = draft ?? values;
  const fields = Array.from({ length: Math.min(slots, shown.length + 1) }, (_, i) => shown[i] ?? '');
  const id = useId();
  return (
    <details className="card tx-list">
      <summary>
        <h2>{title}</h2>
      </summary>
      <p className="hint">{hint}</p>
      {fields.map((v, i) => (
        <div className="field tx-list-field" key={i}>
          <label htmlFor={`${id}-${i}`}>{label(i + 1)}</label>
          <input
            id={`${id}-${i}`}
            value={v}
            onBlur={() => void save()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void save();
            }}
            onChange={(e) => {
              const next = [...fields];
              next[i] = e.target.value;
              setDraft(next);
              setSaved(false);
            }}
          />
        </div>
      ))}
      <ErrorBanner error={error} />
      {saved && <p role="status">{savedText}</p>}
    </details>
  );
}
