import { useWork, WorkProgressBar } from '../../components/WorkProgress';
import type { JSX } from 'react';
import { Fragment, useEffect, useMemo, useState, useRef } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card, ErrorBanner, Notice } from '../../components/ui';
import { TypedConfirm } from '../../components/TypedConfirm';
import type { RecordingInfo, TranscriptDetail } from '../../../../shared/contract';
import { DraftFlag, DraftPanel } from '../asr';
import type { ErrorInfo } from '../../../../shared/errors';
import { f4Stamp, formatDuration } from '../../components/format';
import { DeidentifyPanel } from './DeidentifyPanel';
import { loadWorkspaceData, StampCheck, TranscriptionWorkspace } from '../transcription';
import { stampIssues, type StampIssue } from '../../../../shared/transcription';
import type { ExchangeFinding } from '../../../../shared/exchange';
import { Dialog } from '../../components/Dialog';
import { FindingsChecklist } from '../../components/FindingsChecklist';
import { ImportNotice, importLostSomething, type ImportReport } from './ImportNotice';

interface Props {
  recordingId: string | null;
  transcriptId: string | null;
  /** After project end: only Hvelv's own placeholders may replace words. */
  ended: boolean;
  onBack(): void;
  /** Open this transcript in the analysis, to code it. */
  onAnalyse?(transcriptId: string): void;
  /** The transcript was just imported: what of its file did not arrive as it was, said here. */
  imported?: ImportReport | null;
  /** Open straight into the transcription workspace (a transcript just begun from the list). */
  transcribe?: boolean;
}

/** A recording with its transcript beside it: timestamps seek the player. */
export function RecordingView({ recordingId, transcriptId, ended, onBack, onAnalyse, imported, transcribe = false }: Props) {
  const { t } = useI18n();
  const [recording, setRecording] = useState<RecordingInfo | null>(null);
  const [recordingGone, setRecordingGone] = useState(false);
  const [exportCheck, setExportCheck] = useState<{ format: 'txt' | 'docx'; findings: ExchangeFinding[] } | null>(null);
  const [exportAccepted, setExportAccepted] = useState<Set<string>>(new Set());
  const [src, setSrc] = useState<string | null>(null);
  const [transcript, setTranscript] = useState<TranscriptDetail | null>(null);
  const [duration, setDuration] = useState(0);
  /** The transcription workspace is open (editing happens there, saved as it is typed). */
  const [working, setWorking] = useState(transcribe);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const exportWork = useWork();
  // Deleting a recording: its key goes at once, then the blob is overwritten (a bar past a second, no Cancel).
  const shredWork = useWork();
  // Its own state, not `notice`: "Saved." after an edit must not replace what the import left out.
  const [importReport, setImportReport] = useState<ImportReport | null>(importLostSomething(imported) ? imported : null);
  const [confirm, setConfirm] = useState<'recording' | 'transcript' | 'complete' | null>(null);
  const audio = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    void (async () => {
      // The recording is asked for at once, beside the transcript, and both are shown
      // together. One after the other, the workspace's button showed before the
      // recording and its waveform had come, and a click on it waited for them.
      const loadRecording = async (id: string) => {
        const [all, url] = await Promise.all([call('recordings.list', {}), call('recordings.mediaUrl', { id })]);
        const rec = all.ok ? (all.value.find((x) => x.id === id) ?? null) : null;
        return { rec, src: rec && url.ok ? url.value : null };
      };
      const early = recordingId ? loadRecording(recordingId) : null;
      let recId = recordingId;
      let tr: TranscriptDetail | null = null;
      if (transcriptId) {
        const r = await call('transcripts.get', { id: transcriptId });
        if (!r.ok) return setError(r.error);
        tr = r.value;
        recId = recId ?? tr.recordingId;
      } else if (recordingId) {
        const list = await call('transcripts.list', {});
        const mine = list.ok ? list.value.find((x) => x.recordingId === recordingId) : undefined;
        if (mine) {
          const r = await call('transcripts.get', { id: mine.id });
          if (r.ok) tr = r.value;
        }
      }
      const got = recId ? await (early ?? loadRecording(recId)) : null;
      setTranscript(tr);
      if (got) {
        setRecording(got.rec);
        setRecordingGone(!got.rec);
        if (got.src) setSrc(got.src);
      }
    })();
  }, [recordingId, transcriptId]);

  const code = recording?.code ?? transcript?.code ?? '';
  // Asked for now, so that the workspace opens with its keys and waveform already there.
  const recId = recording?.id ?? null;
  // Asked again after each session in the workspace, which may have stored the waveform.
  const [sessions, setSessions] = useState(0);
  const preloaded = useMemo(() => (transcript ? loadWorkspaceData(recId) : null), [recId, transcript?.id, sessions]);

  const knownDuration = Number.isFinite(duration) && duration > 0 ? duration * 1000 : (recording?.durationMs ?? 0);
  const issues = useMemo(() => (transcript ? stampIssues(transcript.syncPoints, recording ? knownDuration : null) : []), [transcript, recording, knownDuration]);

  function seek(ms: number) {
    const a = audio.current;
    if (!a) return;
    // A stamp past the end would leave the player silently at the end: say so instead.
    if (recording && ms > knownDuration + 100) {
      setNotice(t('tx.beyondNotice', { stamp: f4Stamp(ms), duration: formatDuration(knownDuration) }));
      return;
    }
    a.currentTime = ms / 1000;
    void a.play().catch(() => undefined);
  }

  async function save(change: { text?: string; complete?: boolean }) {
    if (!transcript) return;
    const r = await call('transcripts.update', { id: transcript.id, ...change });
    if (!r.ok) return setError(r.error);
    setTranscript(r.value);
    setNotice(t('view.saved'));
    if (change.complete && recording) setConfirm('complete');
  }

  async function startTranscript() {
    if (!recording) return;
    const r = await call('transcripts.create', { code: recording.code, recordingId: recording.id });
    if (!r.ok) return setError(r.error);
    setTranscript(r.value);
    setWorking(true);
  }

  /**
   * The file leaves the vault: the identifying-details check comes first, as before the
   * REFI-QDA export and a share. With no finding it is written at once; otherwise each
   * finding is accepted here (or replaced in the text) before the file name is asked for.
   */
  async function exportAs(format: 'txt' | 'docx') {
    if (!transcript) return;
    const found = await call('transcripts.exportFindings', { id: transcript.id });
    if (!found.ok) return setError(found.error);
    if (found.value.length > 0) {
      setExportAccepted(new Set());
      return setExportCheck({ format, findings: found.value });
    }
    await writeExport(format, []);
  }

  async function writeExport(format: 'txt' | 'docx', accepted: string[]) {
    if (!transcript) return;
    const r = await call('transcripts.export', { id: transcript.id, format, accepted });
    if (!r.ok) return setError(r.error);
    setExportCheck(null);
    if (r.value) setNotice(t('view.exported', { path: r.value }));
  }

  async function exportAudio() {
    if (!recording) return;
    const r = await call('recordings.export', { id: recording.id, jobId: exportWork.start() });
    exportWork.stop();
    if (!r.ok && r.error.code === 'CANCELLED') return setNotice(t('error.CANCELLED'));
    if (!r.ok) return setError(r.error);
    if (r.value) setNotice(t('view.exported', { path: r.value }));
  }

  if (working && transcript && preloaded) {
    return <TranscriptionWorkspace preloaded={preloaded} recording={recording} src={src} transcript={transcript} onChanged={setTranscript} onExit={() => {
      setWorking(false);
      setSessions((n) => n + 1);
    }} />;
  }

  return (
    <main className="page wide">
      <button type="button" className="link" onClick={onBack}>
        {t('view.back')}
      </button>
      <div className="page-head">
        <h1 className="code-title">{code}</h1>
      </div>
      <ErrorBanner error={error} />
      {importReport && <ImportNotice report={importReport} onDismiss={() => setImportReport(null)} />}
      {notice && <Notice>{notice}</Notice>}
      <WorkProgressBar job={exportWork.job} what={t('work.export')} />
      <div className="split">
        <Card title={t('view.recording')}>
          {recording && src ? (
            <>
              <audio
                ref={audio}
                controls
                preload="metadata"
                src={src}
                onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)}
                onDurationChange={(e) => setDuration(e.currentTarget.duration)}
              />
              <p className="muted">
                {recording.format.toUpperCase()} · {recording.codec} · {recording.sampleRate / 1000} kHz
              </p>
              <div className="actions start wrap">
                <button type="button" className="secondary" onClick={() => void exportAudio()}>
                  {t('view.exportAudio')}
                </button>
                <button type="button" className="danger" onClick={() => setConfirm('recording')}>
                  {t('view.deleteRecording')}
                </button>
              </div>
            </>
          ) : (
            <p className="muted">{recordingGone ? t('view.recordingGone') : t('view.noRecording')}</p>
          )}
        </Card>
        <Card title={t('view.transcript')}>
          {!transcript && (
            <>
              <p className="muted">{t('view.noTranscript')}</p>
              {recording && (
                <button type="button" onClick={() => void startTranscript()}>
                  {t('view.startTranscript')}
                </button>
              )}
              {recording && !ended && <DraftPanel recording={recording} onDone={setTranscript} />}
            </>
          )}
          {transcript && (
            <>
              <p className="muted">{transcript.complete ? t('tr.complete') : t('tr.inProgress')}</p>
              <DraftFlag transcript={transcript} ended={ended} onChanged={setTranscript} />
              <div className="transcript" lang="nb">
                <TranscriptText text={transcript.text} points={transcript.syncPoints} issues={issues} onSeek={recording ? seek : undefined} />
              </div>
              <div className="actions start wrap">
                {/* After the end nothing may be written; taking details out (below) still may. */}
                {!transcript.complete && !ended && (
                  <button type="button" onClick={() => setWorking(true)}>
                    {t('tx.open')}
                  </button>
                )}
                {!ended && (
                  <button type="button" className="secondary" onClick={() => void save({ complete: !transcript.complete })}>
                    {transcript.complete ? t('view.reopen') : t('view.markComplete')}
                  </button>
                )}
                {onAnalyse && (
                  <button type="button" className="secondary" onClick={() => onAnalyse(transcript.id)}>
                    {t('analysis.fromTranscript')}
                  </button>
                )}
                <button type="button" className="secondary" onClick={() => void exportAs('txt')}>
                  {t('view.exportTxt')}
                </button>
                <button type="button" className="secondary" onClick={() => void exportAs('docx')}>
                  {t('view.exportDocx')}
                </button>
                <button type="button" className="link danger-link" onClick={() => setConfirm('transcript')}>
                  {t('view.deleteTranscript')}
                </button>
              </div>
            </>
          )}
        </Card>
      </div>
      {transcript && recording && <StampCheck issues={issues} durationMs={knownDuration} onSelect={(i) => seek(i.ms)} />}
      {transcript && (
        <DeidentifyPanel
          transcript={transcript}
          ended={ended}
          onChanged={(tr) => {
            // "Saved." belonged to the last edit; the panel says what the replacement did.
            setNotice(null);
            setTranscript(tr);
          }}
        />
      )}
      {(confirm === 'recording' || confirm === 'complete') && recording && (
        <TypedConfirm
          title={t('confirm.recordingTitle', { code: recording.code })}
          code={recording.code}
          confirmLabel={t('confirm.delete')}
          onCancel={() => setConfirm(null)}
          onConfirm={async (typed) => {
            const r = await call('recordings.delete', { id: recording.id, confirmCode: typed, jobId: shredWork.start() });
            shredWork.stop();
            if (!r.ok) return r.error;
            setConfirm(null);
            setRecording(null);
            setSrc(null);
            setRecordingGone(true);
            return null;
          }}
        >
          {confirm === 'complete' && <p>{t('view.completeOffer')}</p>}
          <p>{t('confirm.recordingText')}</p>
          <WorkProgressBar job={shredWork.job} what={t('work.shredOne')} cancellable={false} note={t('work.noCancel')} />
        </TypedConfirm>
      )}
      {exportCheck && (
        <Dialog wide labelledBy="export-check-h" describedBy="export-check-p" onCancel={() => setExportCheck(null)}>
          <h2 id="export-check-h">{t('hardening.exportCheckTitle')}</h2>
          <p id="export-check-p">{t('hardening.exportCheckIntro')}</p>
          <FindingsChecklist findings={exportCheck.findings} accepted={exportAccepted} onAccepted={setExportAccepted} />
          <ErrorBanner error={error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setExportCheck(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              disabled={exportCheck.findings.some((f) => !exportAccepted.has(f.id))}
              onClick={() => void writeExport(exportCheck.format, [...exportAccepted])}
            >
              {t('hardening.exportCheckWrite', { format: `.${exportCheck.format}` })}
            </button>
          </div>
          {exportCheck.findings.some((f) => !exportAccepted.has(f.id)) && (
            <p className="muted">{t('exchange.stillOpen', { count: exportCheck.findings.filter((f) => !exportAccepted.has(f.id)).length })}</p>
          )}
        </Dialog>
      )}
      {confirm === 'transcript' && transcript && (
        <TypedConfirm
          title={t('confirm.transcriptTitle', { code: transcript.code })}
          code={transcript.code}
          confirmLabel={t('confirm.delete')}
          onCancel={() => setConfirm(null)}
          onConfirm={async (typed) => {
            const r = await call('transcripts.delete', { id: transcript.id, confirmCode: typed });
            if (!r.ok) return r.error;
            setConfirm(null);
            onBack();
            return null;
          }}
        >
          <p>{t('confirm.transcriptText')}</p>
        </TypedConfirm>
      )}
    </main>
  );
}

function TranscriptText({ text, points, issues, onSeek }: { text: string; points: { offset: number; ms: number }[]; issues: StampIssue[]; onSeek?: (ms: number) => void }) {
  const { t } = useI18n();
  const parts: JSX.Element[] = [];
  const bad = new Map(issues.map((i) => [i.offset, i.kind]));
  let at = 0;
  points.forEach((p, i) => {
    if (p.offset > at) parts.push(<Fragment key={`t${i}`}>{text.slice(at, p.offset)}</Fragment>);
    // Show the stamp as written (an hour may have one digit), not as we would write it.
    const stamp = /^#\d{1,2}:\d{2}:\d{2}-\d#/.exec(text.slice(p.offset))?.[0] ?? f4Stamp(p.ms);
    const kind = bad.get(p.offset);
    const problem = kind === 'beyond-end' ? t('tx.stampBeyondShort') : kind === 'out-of-order' ? t('tx.stampOrderShort') : null;
    // The accessible name starts with the stamp as shown (WCAG 2.5.3: a speech user says what they see).
    const name = `${stamp} – ${t('view.seek', { time: formatDuration(p.ms) })}${problem ? ` (${problem})` : ''}`;
    parts.push(
      onSeek ? (
        <button key={`s${i}`} type="button" className={`stamp${problem ? ' stamp-bad' : ''}`} onClick={() => onSeek(p.ms)} aria-label={name} title={problem ?? undefined}>
          {stamp}
        </button>
      ) : (
        <span key={`s${i}`} className={`stamp${problem ? ' stamp-bad' : ''}`} title={problem ?? undefined}>
          {stamp}
        </span>
      ),
    );
    at = p.offset + stamp.length;
  });
  parts.push(<Fragment key="end">{text.slice(at)}</Fragment>);
  return <>{parts}</>;
}
