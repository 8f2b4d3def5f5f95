/**
 * "Make a draft transcript" on a recording: language, model, progress (share of the
 * audio, elapsed, time left), Cancel. The draft is made in a separate process on this
 * computer; the app stays usable meanwhile.
 *
 * The model offered first is a verified one (its hash is in Hvelv's list), else the one
 * last used (shared/asr.ts pickModel); the student can choose any usable file. Every
 * format, M4A/AAC too, is decoded by core in the recognition process.
 */
import { useEffect, useRef, useState } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { AsrModels, ModelFileCheck, RecordingInfo, TranscriptDetail } from '../../../../shared/contract';
import { pickModel, SPEAKER_LABEL, type AsrLanguage, type DraftProgress } from '../../../../shared/asr';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatDuration } from '../../components/format';
import { streamPcm } from './pagePcm';

/**
 * Formats core cannot decode for a draft, which the page decodes (pagePcm.ts, streaming
 * with WebCodecs). None since core decodes M4A/AAC (asr/aac, FFmpeg's decoder built to
 * WebAssembly): the route is kept for a format core may lack again.
 */
const PAGE_DECODED: ReadonlySet<RecordingInfo['format']> = new Set([]);

export function DraftPanel({ recording, onDone }: { recording: RecordingInfo; onDone(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const [models, setModels] = useState<AsrModels | null>(null);
  const [checks, setChecks] = useState<ModelFileCheck[] | null>(null);
  const [model, setModel] = useState('');
  const [language, setLanguage] = useState<AsrLanguage>('nb');
  const [job, setJob] = useState<{ id: string; progress: DraftProgress; decoding: boolean } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const jobRef = useRef(job);
  jobRef.current = job;
  /** The student chose a model: the verdicts arriving later do not change it. */
  const chosen = useRef(false);
  const cancelled = useRef(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      const r = await call('asr.models', {});
      if (!live) return;
      if (!r.ok) return setError(r.error);
      setModels(r.value);
      setLanguage(r.value.defaultLanguage);
      setModel(pickModel(r.value.files, null, r.value.lastModel));
      // Hashing takes a moment for a large model: the verdicts come after the list.
      const c = await call('asr.checkModels', {});
      if (!live || !c.ok) return;
      setChecks(c.value);
      if (!chosen.current) setModel(pickModel(r.value.files, c.value, r.value.lastModel));
    })();
    const off = onAppEvent((e) => {
      if (e.type === 'draft-progress' && jobRef.current?.id === e.jobId) setJob({ id: e.jobId, progress: e.progress, decoding: false });
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  async function start() {
    setError(null);
    cancelled.current = false;
    const id = `asr-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const inPage = PAGE_DECODED.has(recording.format);
    setJob({ id, progress: { percent: 0, elapsedMs: 0, remainingMs: null, segments: 0 }, decoding: inPage });
    const draft = call('asr.draft', { jobId: id, recordingId: recording.id, model, language, ...(inPage ? { source: 'page' as const } : {}) });
    let pageError: ErrorInfo | null = null;
    if (inPage) {
      try {
        const url = await call('recordings.mediaUrl', { id: recording.id });
        if (!url.ok) throw url.error;
        setJob((j) => (j && j.id === id ? { ...j, decoding: false } : j));
        // A refusal here is the draft's own end (cancelled, locked, failed): its answer says which.
        await streamPcm(id, url.value, recording.durationMs, () => cancelled.current);
      } catch (err) {
        pageError = isErrorInfo(err) ? err : { code: 'AUDIO_DAMAGED', message: (err as Error)?.message ?? String(err) };
        await call('asr.cancel', { jobId: id });
      }
    }
    const r = await draft;
    setJob(null);
    if (r.ok) onDone(r.value);
    else if (pageError) setError(pageError);
    else if (r.error.code !== 'CANCELLED') setError(r.error);
  }

  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const label = (f: { name: string; bytes: number }): string => {
    const c = checks?.find((x) => x.name === f.name);
    if (!c) return t('asr.model.optionChecking', { name: f.name, mib: mib(f.bytes) });
    if (c.problem) return t('asr.model.optionUnusable', { name: f.name });
    return c.known ? t('asr.model.optionVerified', { name: f.name, mib: mib(f.bytes), known: c.known }) : t('asr.model.optionUnverified', { name: f.name, mib: mib(f.bytes) });
  };

  if (!models) return <ErrorBanner error={error} />;
  const usable = models.files.some((f) => !checks?.find((c) => c.name === f.name)?.problem);
  return (
    <section className="draft-panel" aria-labelledby="draft-title">
      <h3 id="draft-title">{t('asr.make')}</h3>
      <p className="muted">{t('asr.intro')}</p>
      <ErrorBanner error={error} />
      {models.files.length === 0 ? (
        <p>{t('asr.noModel', { dir: models.folder })}</p>
      ) : job ? (
        <div className="import-progress" role="status">
          <progress max={100} value={job.progress.percent} aria-label={t('asr.progress', { percent: Math.floor(job.progress.percent) })} />
          <span>{job.decoding ? t('asr.decoding') : t('asr.progress', { percent: Math.floor(job.progress.percent) })}</span>
          <span>{t('asr.elapsed', { time: formatDuration(job.progress.elapsedMs) })}</span>
          <span>{job.progress.remainingMs === null ? t('asr.remainingUnknown') : t('asr.remaining', { time: formatDuration(job.progress.remainingMs) })}</span>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              cancelled.current = true;
              void call('asr.cancel', { jobId: job.id });
            }}
          >
            {t('asr.cancel')}
          </button>
        </div>
      ) : (
        <div className="actions start wrap">
          <label>
            {t('asr.language')}{' '}
            <select value={language} onChange={(e) => setLanguage(e.target.value as AsrLanguage)}>
              <option value="nb">{t('asr.language.nb')}</option>
              <option value="en">{t('asr.language.en')}</option>
            </select>
          </label>
          <label>
            {t('asr.model')}{' '}
            <select
              value={model}
              onChange={(e) => {
                chosen.current = true;
                setModel(e.target.value);
              }}
            >
              {models.files.map((f) => (
                <option key={f.name} value={f.name} disabled={Boolean(checks?.find((c) => c.name === f.name)?.problem)}>
                  {label(f)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={!usable || !model} onClick={() => void start()}>
            {t('asr.make')}
          </button>
        </div>
      )}
    </section>
  );
}

function isErrorInfo(e: unknown): e is ErrorInfo {
  return typeof e === 'object' && e !== null && typeof (e as ErrorInfo).code === 'string' && typeof (e as ErrorInfo).message === 'string' && !(e instanceof Error);
}

/** On a transcript that is still an automatic draft: the flag, what the marks mean, and "I have checked it". */
export function DraftFlag({ transcript, ended, onChanged }: { transcript: TranscriptDetail; ended: boolean; onChanged(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<ErrorInfo | null>(null);
  if (!transcript.automaticDraft) return null;
  return (
    <div className="draft-flag">
      <p>
        <strong className="badge">{t('asr.badge')}</strong> {t('asr.unsureHelp')}
      </p>
      <ErrorBanner error={error} />
      {!ended && <SpeakerNames transcript={transcript} onChanged={onChanged} />}
      {!ended && (
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            const r = await call('transcripts.markChecked', { id: transcript.id });
            if (r.ok) onChanged(r.value);
            else setError(r.error);
          }}
        >
          {t('asr.markChecked')}
        </button>
      )}
    </div>
  );
}

/**
 * The voices the diarization told apart (S1, S2, …), named once for the whole draft:
 * "I" and the participant's code are offered, any other name may be typed. Shown only
 * while the draft still has such labels.
 */
function SpeakerNames({ transcript, onChanged }: { transcript: TranscriptDetail; onChanged(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const labels = transcript.speakers.filter((l) => SPEAKER_LABEL.test(l));
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  if (!labels.length) return null;
  /** The first words each voice says, so the student can tell who it is. */
  const firstWords = (label: string): string => {
    const line = transcript.text.split('\n').find((l) => l.includes(`# ${label}: `));
    return (line?.slice(line.indexOf(`# ${label}: `) + label.length + 4) ?? '').replace(/#\d\d:\d\d:\d\d-\d#/g, '').trim().split(/\s+/).slice(0, 8).join(' ');
  };
  const listId = `speaker-names-${transcript.id}`;
  return (
    <section className="speaker-names" aria-labelledby={`${listId}-title`}>
      <h3 id={`${listId}-title`}>{t('asr.speakers.title')}</h3>
      <p>{t('asr.speakers.intro', { count: labels.length })}</p>
      <datalist id={listId}>
        <option value="I" />
        <option value={transcript.code} />
      </datalist>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const chosen = Object.fromEntries(Object.entries(names).filter(([, v]) => v.trim()));
          const r = await call('transcripts.nameSpeakers', { id: transcript.id, names: chosen });
          if (r.ok) {
            setError(null);
            setNames({});
            onChanged(r.value);
          } else setError(r.error);
        }}
      >
        {labels.map((label) => (
          <div className="field" key={label}>
            <label htmlFor={`${listId}-${label}`}>{t('asr.speakers.label', { label })}</label>
            <input id={`${listId}-${label}`} list={listId} maxLength={24} value={names[label] ?? ''} onChange={(e) => setNames({ ...names, [label]: e.target.value })} />
            <small>{t('asr.speakers.firstWords', { words: firstWords(label) })}</small>
          </div>
        ))}
        <ErrorBanner error={error} />
        <button type="submit" disabled={!Object.values(names).some((v) => v.trim())}>
          {t('asr.speakers.save')}
        </button>
      </form>
      <p className="hint">{t('asr.speakers.noVoiceprint')}</p>
    </section>
  );
}
