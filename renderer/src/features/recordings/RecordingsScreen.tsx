import { useEffect, useRef, useState, type DragEvent } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { ChosenFile, ParticipantSummary, RecordingInfo, TranscriptSummary } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatDuration, formatSize } from './format';

interface Props {
  /** After project end: nothing about a participant can be added any more. */
  ended: boolean;
  onOpenRecording(id: string): void;
  onOpenTranscript(id: string): void;
}

interface Job {
  id: string;
  bytes: number;
  total: number;
  started: number;
}

export function RecordingsScreen({ ended, onOpenRecording, onOpenTranscript }: Props) {
  const { t, date, locale } = useI18n();
  const [participants, setParticipants] = useState<ParticipantSummary[]>([]);
  const [recordings, setRecordings] = useState<RecordingInfo[]>([]);
  const [transcripts, setTranscripts] = useState<TranscriptSummary[]>([]);
  const [code, setCode] = useState('');
  const [trCode, setTrCode] = useState('');
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [offerDelete, setOfferDelete] = useState<{ id: string; file: ChosenFile } | null>(null);
  const jobRef = useRef<Job | null>(null);
  jobRef.current = job;

  const load = async () => {
    const [p, r, tr] = await Promise.all([call('participants.list', {}), call('recordings.list', {}), call('transcripts.list', {})]);
    if (p.ok) setParticipants(p.value.filter((x) => x.status === 'active'));
    if (r.ok) setRecordings(r.value);
    if (tr.ok) setTranscripts(tr.value);
  };
  useEffect(() => {
    void load();
  }, []);

  useEffect(
    () =>
      onAppEvent((e) => {
        if (e.type === 'import-progress' && jobRef.current?.id === e.jobId) setJob({ ...jobRef.current, bytes: e.bytes, total: e.total });
      }),
    [],
  );

  async function importFile(file: ChosenFile | null) {
    if (!file || !code) return;
    setError(null);
    setNotice(null);
    const id = `imp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    setJob({ id, bytes: 0, total: 0, started: Date.now() });
    const r = await call('recordings.import', { jobId: id, code, file: file.token });
    setJob(null);
    // Cancelling is the user's own choice, not a failure: say so plainly, not in red.
    if (!r.ok && r.error.code === 'CANCELLED') return setNotice(t('error.CANCELLED'));
    if (!r.ok) return setError(r.error);
    setNotice(t('rec.imported'));
    setOfferDelete({ id: r.value.id, file });
    await load();
  }

  async function chooseAndImport() {
    const f = await call('recordings.chooseFile', {});
    if (f.ok) await importFile(f.value);
  }

  async function onDrop(e: DragEvent) {
    e.preventDefault();
    const dropped = e.dataTransfer.files[0];
    if (dropped && window.hvelv.grantDroppedFile) await importFile(await window.hvelv.grantDroppedFile(dropped));
  }

  async function deleteOriginal() {
    if (!offerDelete) return;
    const r = await call('recordings.deleteOriginal', { id: offerDelete.id, file: offerDelete.file.token });
    setOfferDelete(null);
    if (r.ok) setNotice(t('rec.originalDeleted'));
    else setError(r.error);
  }

  async function importTranscript() {
    if (!trCode) return;
    setError(null);
    const f = await call('transcripts.chooseFile', {});
    if (!f.ok || !f.value) return;
    const r = await call('transcripts.import', { code: trCode, file: f.value.token, recordingId: null });
    if (!r.ok) return setError(r.error);
    await load();
    onOpenTranscript(r.value.id);
  }

  const speed = job && job.bytes > 0 ? job.bytes / 1e6 / Math.max(0.001, (Date.now() - job.started) / 1000) : 0;
  const percent = job && job.total > 0 ? Math.floor((job.bytes / job.total) * 100) : 0;

  return (
    <main className="page">
      <h1>{t('rec.title')}</h1>
      <p className="muted">{t('rec.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}

      {ended && <Notice>{t('error.PROJECT_ENDED')}</Notice>}
      {!ended && (
      <section className="card" aria-labelledby="imp-h" onDragOver={(e) => e.preventDefault()} onDrop={(e) => void onDrop(e)}>
        <h2 id="imp-h">{t('rec.importTitle')}</h2>
        <div className="field">
          <label htmlFor="imp-code">{t('rec.participant')}</label>
          <select id="imp-code" value={code} onChange={(e) => setCode(e.target.value)} disabled={Boolean(job)}>
            <option value="">{t('rec.choose')}</option>
            {participants.map((p) => (
              <option key={p.code} value={p.code} disabled={!p.consent?.covers.recording}>
                {p.consent?.covers.recording ? p.code : t('rec.noAudioConsent', { code: p.code })}
              </option>
            ))}
          </select>
        </div>
        {!job && (
          <div className="drop-row">
            <button type="button" onClick={() => void chooseAndImport()} disabled={!code}>
              {t('rec.chooseFile')}
            </button>
            <span className="muted">{t('rec.drop')}</span>
          </div>
        )}
        <p className="hint">{t('rec.formats')}</p>
        {job && (
          <div className="import-progress" role="status">
            <progress max={100} value={percent} aria-label={t('rec.importing', { percent, speed: speed.toFixed(0) })} />
            <span>{t('rec.importing', { percent, speed: speed.toFixed(0) })}</span>
            <button type="button" className="secondary" onClick={() => void call('recordings.cancelImport', { jobId: job.id })}>
              {t('rec.cancel')}
            </button>
          </div>
        )}
      </section>
      )}

      <h2 className="section-h">{t('rec.list')}</h2>
      {recordings.length === 0 ? (
        <p className="muted">{t('rec.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('rec.col.code')}</th>
              <th scope="col">{t('rec.col.duration')}</th>
              <th scope="col">{t('rec.col.format')}</th>
              <th scope="col">{t('rec.col.size')}</th>
              <th scope="col">{t('rec.col.recorded')}</th>
            </tr>
          </thead>
          <tbody>
            {recordings.map((r) => (
              <tr key={r.id}>
                <td>
                  <button type="button" className="link code" onClick={() => onOpenRecording(r.id)} aria-label={t('rec.open', { code: r.code, duration: formatDuration(r.durationMs) })}>
                    {r.code}
                  </button>
                </td>
                <td>{formatDuration(r.durationMs)}</td>
                <td>
                  {r.format.toUpperCase()} · {r.codec}
                </td>
                <td>{formatSize(r.size, locale)}</td>
                <td>{r.recordedAt ? date(r.recordedAt.slice(0, 10)) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 className="section-h">{t('tr.list')}</h2>
      {!ended && (
      <div className="card">
        <div className="field-row">
          <div className="field">
            <label htmlFor="tr-code">{t('rec.participant')}</label>
            <select id="tr-code" value={trCode} onChange={(e) => setTrCode(e.target.value)}>
              <option value="">{t('rec.choose')}</option>
              {participants.map((p) => (
                <option key={p.code} value={p.code} disabled={!p.consent?.covers.transcript}>
                  {p.consent?.covers.transcript ? p.code : t('rec.noTranscriptConsent', { code: p.code })}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="secondary" onClick={() => void importTranscript()} disabled={!trCode}>
            {t('tr.import')}
          </button>
        </div>
        <p className="hint">{t('tr.importHelp')}</p>
      </div>
      )}
      {transcripts.length === 0 ? (
        <p className="muted">{t('tr.none')}</p>
      ) : (
        <ul className="tr-list">
          {transcripts.map((tr) => (
            <li key={tr.id}>
              <button type="button" className="link code" onClick={() => onOpenTranscript(tr.id)} aria-label={t('tr.open', { code: tr.code })}>
                {tr.code}
              </button>
              <span className={`pill ${tr.complete ? '' : 'withdrawn'}`}>{tr.complete ? t('tr.complete') : t('tr.inProgress')}</span>
              {tr.identifiers > 0 && <span className="pill warn">{tr.identifiers === 1 ? t('deid.badge.one') : t('deid.badge', { count: tr.identifiers })}</span>}
              <span className="muted">{t('tr.chars', { count: tr.chars })}</span>
            </li>
          ))}
        </ul>
      )}

      {offerDelete && (
        <div className="overlay">
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="od-h">
            <h2 id="od-h">{t('rec.deleteOriginalTitle')}</h2>
            <p>{t('rec.deleteOriginalText')}</p>
            <p className="vault-path">{offerDelete.file.name}</p>
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setOfferDelete(null)}>
                {t('rec.keepOriginal')}
              </button>
              <button type="button" className="danger" onClick={() => void deleteOriginal()}>
                {t('rec.deleteOriginal')}
              </button>
            </div>
          </div>
        </div>
      )}
    </main>
  );
}
