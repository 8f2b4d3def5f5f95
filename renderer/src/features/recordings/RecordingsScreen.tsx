import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { useWork, WorkProgressBar } from '../../components/WorkProgress';
import { ErrorBanner, Notice } from '../../components/ui';
import type { ChosenFile, ParticipantSummary, RecordingInfo, TranscriptSummary } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatDuration, formatSize } from '../../components/format';
import { DateField } from '../../components/DateField';
import { Dialog } from '../../components/Dialog';
import type { ImportReport } from './ImportNotice';
import { QueuePanel } from '../asr';

interface Props {
  /** After project end: nothing about a participant can be added any more. */
  ended: boolean;
  /** The day the stores were deleted at project end, to say so where they are missing. */
  endedOn: string | null;
  /** Whether the transcripts went too (delete-all). */
  transcriptsDeleted: boolean;
  onOpenRecording(id: string): void;
  /** `imported`: what of the file just imported did not arrive as it was, for the view to say. */
  onOpenTranscript(id: string, imported?: ImportReport): void;
  /** A transcript just begun for a recording: open it in the transcription workspace. */
  onTranscribe(transcriptId: string): void;
  onShowCertificate(): void;
}

interface Job {
  id: string;
  code: string;
  bytes: number;
  total: number;
  started: number;
}

/** One participant's interviews: each recording with the transcripts made from it, and those made from none. */
interface Interview {
  code: string;
  consent: ParticipantSummary['consent'];
  recordings: { recording: RecordingInfo; transcripts: TranscriptSummary[] }[];
  unlinked: TranscriptSummary[];
}

/** As the recording view: a stamp within a tenth of a second of the end is at the end. */
const STAMP_SLACK_MS = 100;

const byCode = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** The interviews as a student thinks of them: one group per participant, sorted by code. */
function interviews(participants: ParticipantSummary[], recordings: RecordingInfo[], transcripts: TranscriptSummary[]): Interview[] {
  const codes = new Set([...participants.map((p) => p.code), ...recordings.map((r) => r.code), ...transcripts.map((t) => t.code)]);
  const recIds = new Set(recordings.map((r) => r.id));
  // Oldest first: an automatic draft above the checked version made from it.
  transcripts = [...transcripts].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return [...codes].sort(byCode).map((code) => ({
    code,
    consent: participants.find((p) => p.code === code)?.consent ?? null,
    recordings: recordings
      .filter((r) => r.code === code)
      .sort((a, b) => (a.recordedAt ?? a.importedAt).localeCompare(b.recordedAt ?? b.importedAt))
      .map((recording) => ({ recording, transcripts: transcripts.filter((t) => t.recordingId === recording.id) })),
    // A transcript whose recording was deleted (after checking it) stays with its participant.
    unlinked: transcripts.filter((t) => t.code === code && (t.recordingId === null || !recIds.has(t.recordingId))),
  }));
}

export function RecordingsScreen({ ended, endedOn, transcriptsDeleted, onOpenRecording, onOpenTranscript, onTranscribe, onShowCertificate }: Props) {
  const { t, date, locale } = useI18n();
  const [participants, setParticipants] = useState<ParticipantSummary[]>([]);
  const [recordings, setRecordings] = useState<RecordingInfo[]>([]);
  const [transcripts, setTranscripts] = useState<TranscriptSummary[]>([]);
  /** Coded segments per transcript (the analysis' progress), by transcript id. */
  const [coded, setCoded] = useState<Map<string, number>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [offerDelete, setOfferDelete] = useState<{ id: string; file: ChosenFile } | null>(null);
  const jobRef = useRef<Job | null>(null);
  jobRef.current = job;

  const load = async () => {
    const [p, r, tr, an] = await Promise.all([call('participants.list', {}), call('recordings.list', {}), call('transcripts.list', {}), call('analysis.overview', {})]);
    // After project end the key list and recordings are gone: their lists fail, and are empty.
    setParticipants(p.ok ? p.value.filter((x) => x.status === 'active') : []);
    setRecordings(r.ok ? r.value : []);
    setTranscripts(tr.ok ? tr.value : []);
    setCoded(new Map(an.ok ? an.value.transcripts.map((x) => [x.id, x.segments]) : []));
    setLoaded(true);
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

  /** Each action starts afresh: what the last one said is no longer news. */
  const begin = () => {
    setError(null);
    setNotice(null);
  };

  async function importFile(code: string, file: ChosenFile | null) {
    if (!file) return;
    begin();
    const id = `imp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    setJob({ id, code, bytes: 0, total: 0, started: Date.now() });
    const r = await call('recordings.import', { jobId: id, code, file: file.token });
    setJob(null);
    // Cancelling is the user's own choice, not a failure: say so plainly, not in red.
    if (!r.ok && r.error.code === 'CANCELLED') return setNotice(t('error.CANCELLED'));
    if (!r.ok) return setError(r.error);
    setNotice(t('rec.imported'));
    setOfferDelete({ id: r.value.id, file });
    await load();
  }

  async function chooseAndImport(code: string) {
    begin();
    const f = await call('recordings.chooseFile', {});
    if (f.ok) await importFile(code, f.value);
  }

  async function onDrop(code: string, e: DragEvent) {
    e.preventDefault();
    const dropped = e.dataTransfer.files[0];
    if (dropped && window.hvelv.grantDroppedFile) await importFile(code, await window.hvelv.grantDroppedFile(dropped));
  }

  const verifyWork = useWork();

  async function deleteOriginal() {
    if (!offerDelete) return;
    begin();
    const r = await call('recordings.deleteOriginal', { id: offerDelete.id, file: offerDelete.file.token, jobId: verifyWork.start() });
    verifyWork.stop();
    setOfferDelete(null);
    if (r.ok) setNotice(t('rec.originalDeleted'));
    else if (r.error.code === 'CANCELLED') setNotice(t('work.verifyCancelled'));
    else setError(r.error);
  }

  /** Begin a transcript of a recording from its row, straight into the workspace (issue 29: it was a screen deeper). */
  async function startTranscript(code: string, recordingId: string) {
    begin();
    const r = await call('transcripts.create', { code, recordingId });
    if (!r.ok) return setError(r.error);
    onTranscribe(r.value.id);
  }

  async function importTranscript(code: string, recordingId: string | null) {
    begin();
    const f = await call('transcripts.chooseFile', {});
    if (!f.ok || !f.value) return;
    const r = await call('transcripts.import', { code, file: f.value.token, recordingId });
    if (!r.ok) return setError(r.error);
    // The transcript's view says what did not arrive as it was (untimed cues, a .docx's notes).
    onOpenTranscript(r.value.id, { untimedCues: r.value.untimedCues, leftOut: r.value.leftOut });
  }

  async function saveDate(rec: RecordingInfo, value: string): Promise<boolean> {
    begin();
    const r = await call('recordings.setRecordedAt', { id: rec.id, date: value === '' ? null : value });
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    setNotice(t('screens.rec.dateSaved', { code: rec.code }));
    await load();
    return true;
  }

  const speed = job && job.bytes > 0 ? job.bytes / 1e6 / Math.max(0.001, (Date.now() - job.started) / 1000) : 0;
  const percent = job && job.total > 0 ? Math.floor((job.bytes / job.total) * 100) : 0;
  const rows = interviews(participants, recordings, transcripts);
  const endDate = endedOn ? date(endedOn) : '';

  return (
    <main className="page">
      <h1>{t('rec.title')}</h1>
      <p className="muted">{t('screens.rec.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {ended && (
        <div className="banner banner-info" role="status">
          <p>{transcriptsDeleted ? t('screens.ended.all', { date: endDate }) : t('screens.ended.recordings', { date: endDate })}</p>
          <button type="button" className="link" onClick={onShowCertificate}>
            {t('screens.ended.seeCertificate')}
          </button>
        </div>
      )}
      {job && (
        <div className="import-progress" role="status">
          <progress max={100} value={percent} aria-label={t('rec.importing', { percent, speed: speed.toFixed(0) })} />
          <span>{t('screens.rec.importingFor', { code: job.code, percent, speed: speed.toFixed(0) })}</span>
          <button type="button" className="secondary" onClick={() => void call('recordings.cancelImport', { jobId: job.id })}>
            {t('rec.cancel')}
          </button>
        </div>
      )}

      {loaded && !ended && (
        // Core decodes these formats itself; M4A/AAC and WebM are drafted one by one from their recording (the page decodes them).
        <QueuePanel waiting={recordings.filter((r) => !transcripts.some((x) => x.recordingId === r.id)).length} onDrafted={() => void load()} />
      )}
      {loaded && rows.length === 0 && !ended && <p className="muted">{t('screens.rec.none')}</p>}
      {rows.length > 0 && (
        <table className="table interviews">
          <thead>
            <tr>
              <th scope="col">{t('screens.rec.col.interview')}</th>
              <th scope="col">{t('screens.rec.col.recording')}</th>
              <th scope="col">{t('screens.rec.col.recorded')}</th>
              <th scope="col">{t('screens.rec.col.transcript')}</th>
            </tr>
          </thead>
          {rows.map((iv) => {
            const audio = iv.consent?.covers.recording ?? false;
            const transcription = iv.consent?.covers.transcript ?? false;
            const lines: { key: string; recording: ReactNode; recorded: ReactNode; transcripts: ReactNode }[] = iv.recordings.map(({ recording: r, transcripts: trs }) => ({
              key: r.id,
              recording: (
                <>
                  <button type="button" className="link" onClick={() => onOpenRecording(r.id)} aria-label={`${formatDuration(r.durationMs)}: ${t('rec.open', { code: r.code, duration: formatDuration(r.durationMs) })}`}>
                    {formatDuration(r.durationMs)}
                  </button>
                  <span className="muted small">
                    {' '}
                    {r.format.toUpperCase()} · {formatSize(r.size, locale)}
                  </span>
                </>
              ),
              recorded: <RecordedDate rec={r} editable={!ended} onSave={saveDate} />,
              transcripts: (
                <>
                  {trs.map((tr) => (
                    <TranscriptLine key={tr.id} tr={tr} coded={coded.get(tr.id)} durationMs={r.durationMs} onOpen={onOpenTranscript} />
                  ))}
                  {trs.length === 0 && <span className="muted">{t('screens.rec.noTranscript')}</span>}
                  {!ended && transcription && trs.length === 0 && (
                    <div>
                      <button type="button" className="small" onClick={() => void startTranscript(iv.code, r.id)} aria-label={t('screens.rec.startTranscriptFor', { code: iv.code, duration: formatDuration(r.durationMs) })}>
                        {t('view.startTranscript')}
                      </button>
                    </div>
                  )}
                  {!ended && transcription && (
                    <div>
                      <button type="button" className="link" onClick={() => void importTranscript(iv.code, r.id)} aria-label={t('screens.rec.addTranscriptForRecording', { code: iv.code, duration: formatDuration(r.durationMs) })}>
                        {t('screens.rec.addTranscript')}
                      </button>
                    </div>
                  )}
                </>
              ),
            }));
            if (iv.unlinked.length > 0 || iv.recordings.length === 0) {
              lines.push({
                key: 'unlinked',
                // Typed from notes, there never was a recording: only a transcript made from one lost it.
                recording: !iv.unlinked.some((tr) => tr.recordingId !== null) ? (
                  <span className="muted">{t('screens.rec.noRecording')}</span>
                ) : ended ? (
                  <span className="muted">{t('screens.ended.recordingDeleted', { date: endDate })}</span>
                ) : (
                  <span className="muted">{t('screens.rec.recordingRemoved')}</span>
                ),
                recorded: null,
                transcripts: (
                  <>
                    {iv.unlinked.map((tr) => (
                      <TranscriptLine key={tr.id} tr={tr} coded={coded.get(tr.id)} durationMs={null} onOpen={onOpenTranscript} />
                    ))}
                    {iv.unlinked.length === 0 && <span className="muted">{t('screens.rec.noTranscript')}</span>}
                    {!ended && transcription && iv.recordings.length === 0 && (
                      <div>
                        <button type="button" className="link" onClick={() => void importTranscript(iv.code, null)} aria-label={t('screens.rec.addTranscriptFor', { code: iv.code })}>
                          {t('screens.rec.addTranscript')}
                        </button>
                      </div>
                    )}
                  </>
                ),
              });
            }
            return (
              <tbody key={iv.code} className="interview" onDragOver={(e) => e.preventDefault()} onDrop={(e) => (audio && !ended ? void onDrop(iv.code, e) : undefined)} data-code={iv.code}>
                {lines.map((line, i) => (
                  <tr key={line.key}>
                    {i === 0 && (
                      <th scope="rowgroup" rowSpan={lines.length} className="interview-code">
                        <span className="code">{iv.code}</span>
                        {!ended && (
                          <div className="interview-actions">
                            {audio ? (
                              <button type="button" className="secondary small" disabled={Boolean(job)} onClick={() => void chooseAndImport(iv.code)} aria-label={t('screens.rec.addRecordingFor', { code: iv.code })}>
                                {t('screens.rec.addRecording')}
                              </button>
                            ) : (
                              <span className="muted small">{iv.consent ? t('screens.rec.noAudioConsent') : t('screens.rec.noConsent')}</span>
                            )}
                            {iv.consent && !transcription && <span className="muted small">{t('screens.rec.noTranscriptConsent')}</span>}
                          </div>
                        )}
                      </th>
                    )}
                    <td>{line.recording}</td>
                    <td>{line.recorded}</td>
                    <td>{line.transcripts}</td>
                  </tr>
                ))}
              </tbody>
            );
          })}
        </table>
      )}
      {!ended && rows.length > 0 && (
        <p className="hint">
          {t('rec.formats')} {t('screens.rec.dropHint')} {t('tr.importHelp')}
        </p>
      )}

      {offerDelete && (
        // Esc keeps the original: the answer that destroys nothing.
        <Dialog labelledBy="od-h" onCancel={() => setOfferDelete(null)}>
          <h2 id="od-h">{t('rec.deleteOriginalTitle')}</h2>
          <p>{t('rec.deleteOriginalText')}</p>
          <p className="vault-path">{offerDelete.file.name}</p>
          {/* The check before the overwrite: its bar and Cancel here, where the student is looking. */}
          <WorkProgressBar job={verifyWork.job} what={t('work.verify')} />
          <div className="actions">
            <button type="button" className="secondary" disabled={verifyWork.job !== null} onClick={() => setOfferDelete(null)}>
              {t('rec.keepOriginal')}
            </button>
            <button type="button" className="danger" disabled={verifyWork.job !== null} onClick={() => void deleteOriginal()}>
              {t('rec.deleteOriginal')}
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}

/** A transcript in its interview's row: its state, how far it reaches, and what the check still finds. */
function TranscriptLine({ tr, coded, durationMs, onOpen }: { tr: TranscriptSummary; coded: number | undefined; durationMs: number | null; onOpen(id: string): void }) {
  const { t } = useI18n();
  const reach =
    tr.reachesMs === null
      ? t('screens.rec.noStamps')
      : durationMs === null
        ? t('screens.rec.reaches', { time: formatDuration(tr.reachesMs) })
        : t('screens.rec.reachesOf', { time: formatDuration(tr.reachesMs), duration: formatDuration(durationMs) });
  return (
    <div className="transcript-line">
      <button type="button" className="link" onClick={() => onOpen(tr.id)} aria-label={`${t('screens.rec.transcript')}: ${t('tr.open', { code: tr.code })}`}>
        {t('screens.rec.transcript')}
      </button>{' '}
      <span className={`pill ${tr.complete ? '' : 'withdrawn'}`}>{tr.complete ? t('tr.complete') : t('tr.inProgress')}</span> <span className="muted small">{reach}</span>
      {/* "til 3:15 av 0:55" is not a transcript that reaches the end: say so where the interview is chosen. */}
      {durationMs !== null && tr.reachesMs !== null && tr.reachesMs > durationMs + STAMP_SLACK_MS && (
        <>
          {' '}
          <span className="pill warn">{t('screens.rec.beyondEnd')}</span>
        </>
      )}
      {tr.identifiers > 0 && (
        <>
          {' '}
          <span className="pill warn">{t('deid.badge', { count: tr.identifiers })}</span>
        </>
      )}
      {/* The coding progress, the interview's third stage after recording and transcribing. */}
      {coded !== undefined && (
        <>
          {' '}
          <span className="muted small nowrap">· {coded === 0 ? t('screens.rec.notCoded') : t('screens.rec.coded', { count: coded })}</span>
        </>
      )}
    </div>
  );
}

/** The day of the interview: from the file's tags where they had one, or entered here. */
function RecordedDate({ rec, editable, onSave }: { rec: RecordingInfo; editable: boolean; onSave(rec: RecordingInfo, value: string): Promise<boolean> }) {
  const { t, date } = useI18n();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(rec.recordedAt?.slice(0, 10) ?? '');
  const duration = formatDuration(rec.durationMs);
  // Tags may hold only a year ("2024"): shown as it is, not made into a day it does not say.
  const shown = rec.recordedAt ? (rec.recordedAt.length >= 10 ? date(rec.recordedAt.slice(0, 10)) : rec.recordedAt) : null;
  if (shown && !editing)
    return (
      <>
        {shown}
        {editable && (
          <>
            {' '}
            <button type="button" className="link small" onClick={() => setEditing(true)} aria-label={t('screens.rec.dateChangeFor', { code: rec.code, duration })}>
              {t('screens.rec.dateChange')}
            </button>
          </>
        )}
      </>
    );
  if (!editable) return <>–</>;
  return (
    <form
      className="date-entry"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSave(rec, value).then((ok) => ok && setEditing(false));
      }}
    >
      <DateField label={t('screens.rec.dateLabel', { code: rec.code, duration })} value={value} onChange={setValue} hideLabel />
      <button type="submit" className="secondary small" aria-label={t('screens.rec.dateSaveFor', { code: rec.code, duration })}>
        {t('screens.rec.dateSave')}
      </button>
    </form>
  );
}

