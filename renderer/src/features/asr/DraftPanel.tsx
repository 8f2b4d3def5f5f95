/**
 * "Make a draft transcript" on a recording: language, model, progress (share of the
 * audio, elapsed, time left), Cancel. The draft is made in a separate process on this
 * computer; the app stays usable meanwhile.
 */
import { useEffect, useRef, useState } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { AsrModels, RecordingInfo, TranscriptDetail } from '../../../../shared/contract';
import type { AsrLanguage, DraftProgress } from '../../../../shared/asr';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatDuration } from '../recordings/format';

export function DraftPanel({ recording, onDone }: { recording: RecordingInfo; onDone(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const [models, setModels] = useState<AsrModels | null>(null);
  const [model, setModel] = useState('');
  const [language, setLanguage] = useState<AsrLanguage>('nb');
  const [job, setJob] = useState<{ id: string; progress: DraftProgress } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const jobRef = useRef(job);
  jobRef.current = job;

  useEffect(() => {
    void call('asr.models', {}).then((r) => {
      if (!r.ok) return setError(r.error);
      setModels(r.value);
      setLanguage(r.value.defaultLanguage);
      setModel(r.value.files[0]?.name ?? '');
    });
    return onAppEvent((e) => {
      if (e.type === 'draft-progress' && jobRef.current?.id === e.jobId) setJob({ id: e.jobId, progress: e.progress });
    });
  }, []);

  async function start() {
    setError(null);
    const id = `asr-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    setJob({ id, progress: { percent: 0, elapsedMs: 0, remainingMs: null, segments: 0 } });
    const r = await call('asr.draft', { jobId: id, recordingId: recording.id, model, language });
    setJob(null);
    if (r.ok) onDone(r.value);
    else if (r.error.code !== 'CANCELLED') setError(r.error);
  }

  if (!models) return <ErrorBanner error={error} />;
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
          <span>{t('asr.progress', { percent: Math.floor(job.progress.percent) })}</span>
          <span>{t('asr.elapsed', { time: formatDuration(job.progress.elapsedMs) })}</span>
          <span>{job.progress.remainingMs === null ? t('asr.remainingUnknown') : t('asr.remaining', { time: formatDuration(job.progress.remainingMs) })}</span>
          <button type="button" className="secondary" onClick={() => void call('asr.cancel', { jobId: job.id })}>
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
            <select value={model} onChange={(e) => setModel(e.target.value)}>
              {models.files.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name} ({Math.round(f.bytes / 2 ** 20)} MiB)
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void start()}>
            {t('asr.make')}
          </button>
        </div>
      )}
    </section>
  );
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
