/**
 * REFI-QDA exchange: export the analysis as a .qdpx or .qdc (after the student has
 * dealt with every possible identifying detail, one by one), and import a .qdpx with
 * each source assigned to a participant who has consented, or a .qdc codebook alone.
 * A screen of its own; the export is also a tab of the analysis screen (ExchangeExport).
 */
import { useEffect, useId, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, Card, ErrorBanner, Notice } from '../../components/ui';
import type { ChosenFile, ParticipantSummary } from '../../../../shared/contract';
import type { ExportPlan, ImportPreview, ImportResult } from '../../../../shared/exchange';
import type { ErrorInfo } from '../../../../shared/errors';
import { FindingsChecklist } from '../../components/FindingsChecklist';

export function ExchangeScreen() {
  const { t } = useI18n();
  return (
    <main className="page">
      <h1>{t('exchange.title')}</h1>
      <p className="muted">{t('exchange.intro')}</p>
      <div className="exchange">
        <ExportCard />
        <ImportCard />
      </div>
    </main>
  );
}

/** The export alone: also a tab of the analysis screen, where the work it carries is done. */
export function ExchangeExport() {
  return (
    <div className="exchange">
      <ExportCard />
    </div>
  );
}

function ExportCard() {
  const { t } = useI18n();
  const [format, setFormat] = useState<'qdpx' | 'qdc'>('qdpx');
  const [recordings, setRecordings] = useState(false);
  const [crlf, setCrlf] = useState(false);
  const [plan, setPlan] = useState<ExportPlan | null>(null);
  const [accepted, setAccepted] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { format: useId(), recordings: useId(), crlf: useId() };

  // Any change of what is exported asks for a new look: the findings may differ.
  useEffect(() => {
    setPlan(null);
    setAccepted(new Set());
  }, [format, recordings, crlf]);

  async function review() {
    setError(null);
    setDone(null);
    const r = await call('exchange.plan', { format, recordings: format === 'qdpx' && recordings, crlf: format === 'qdpx' && crlf });
    if (!r.ok) return setError(r.error);
    setPlan(r.value);
    setAccepted(new Set());
  }

  async function write() {
    if (!plan) return;
    setBusy(true);
    setError(null);
    const r = await call('exchange.export', { format, recordings: format === 'qdpx' && recordings, crlf: format === 'qdpx' && crlf, accepted: [...accepted] });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (r.value) {
      setDone(t('exchange.written', { file: r.value.file }));
      setPlan(null);
    }
  }

  const open = plan ? plan.findings.filter((f) => !accepted.has(f.id)).length : 0;
  return (
    <Card title={t('exchange.exportTitle')}>
      <fieldset className="field">
        <legend id={ids.format}>{t('exchange.format')}</legend>
        <label className="choice">
          <input type="radio" name="exchange-format" checked={format === 'qdpx'} onChange={() => setFormat('qdpx')} /> {t('exchange.formatQdpx')}
        </label>
        <label className="choice">
          <input type="radio" name="exchange-format" checked={format === 'qdc'} onChange={() => setFormat('qdc')} /> {t('exchange.formatQdc')}
        </label>
      </fieldset>
      {format === 'qdpx' && (
        <>
          <label className="choice" htmlFor={ids.recordings}>
            <input id={ids.recordings} type="checkbox" checked={recordings} onChange={(e) => setRecordings(e.target.checked)} /> {t('exchange.withRecordings')}
          </label>
          <label className="choice" htmlFor={ids.crlf}>
            <input id={ids.crlf} type="checkbox" checked={crlf} onChange={(e) => setCrlf(e.target.checked)} /> {t('exchange.withCrlf')}
          </label>
        </>
      )}
      <div className="actions start">
        <button type="button" className="secondary" onClick={() => void review()}>
          {t('exchange.review')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {done && <Notice>{done}</Notice>}
      {plan && (
        <div className="exchange-plan">
          <p>{t('exchange.summary', plan.counts)}</p>
          {plan.counts.privateMemosLeftOut > 0 && <p className="muted">{t('exchange.privateLeftOut', { count: plan.counts.privateMemosLeftOut })}</p>}
          {plan.counts.orphansLeftOut > 0 && <p className="muted">{t('exchange.orphansLeftOut', { count: plan.counts.orphansLeftOut })}</p>}
          {plan.recordingsWarning && (
            <p className="warning-text" role="alert">
              {t('exchange.recordingsWarning')}
            </p>
          )}
          <FindingsChecklist findings={plan.findings} accepted={accepted} onAccepted={setAccepted} />
          <div className="actions start">
            <button type="button" disabled={open > 0 || busy} onClick={() => void write()}>
              {t('exchange.write', { format: `.${format}` })}
            </button>
            {open > 0 && <span className="muted">{t('exchange.stillOpen', { count: open })}</span>}
          </div>
          {busy && <Busy label={t('common.working')} />}
        </div>
      )}
    </Card>
  );
}

function ImportCard() {
  const { t } = useI18n();
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [people, setPeople] = useState<ParticipantSummary[]>([]);
  const [assign, setAssign] = useState<Record<string, string>>({});
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose() {
    setError(null);
    setResult(null);
    const f = await call('exchange.chooseFile', {});
    if (!f.ok) return setError(f.error);
    if (!f.value) return;
    const [p, list] = await Promise.all([call('exchange.preview', { file: f.value.token }), call('participants.list', {})]);
    if (!p.ok) return setError(p.error);
    if (!list.ok) return setError(list.error);
    setFile(f.value);
    setPreview(p.value);
    // Only someone whose consent covers transcripts can be given a text.
    setPeople(list.value.filter((x) => x.status === 'active' && x.consent?.covers.transcript));
    setAssign({});
  }

  async function run() {
    if (!file) return;
    setBusy(true);
    setError(null);
    const r = await call('exchange.import', { file: file.token, assign: Object.entries(assign).filter(([, code]) => code).map(([source, code]) => ({ source, code })) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setResult(r.value);
    setPreview(null);
  }

  return (
    <Card title={t('exchange.importTitle')}>
      <p className="muted">{t('exchange.importIntro')}</p>
      <div className="actions start">
        <button type="button" className="secondary" onClick={() => void choose()}>
          {t('exchange.chooseFile')}
        </button>
        {file && <span className="muted">{file.name}</span>}
      </div>
      <ErrorBanner error={error} />
      {preview?.format === 'qdc' && (
        <>
          <p>{t('exchange.codebookPreview', { codes: preview.codes, sets: preview.sets, origin: preview.origin ?? '?' })}</p>
          <div className="actions start">
            <button type="button" disabled={busy} onClick={() => void run()}>
              {t('exchange.importCodebook')}
            </button>
          </div>
          {busy && <Busy label={t('common.working')} />}
        </>
      )}
      {preview?.format === 'qdpx' && (
        <>
          <p>{t('exchange.previewSummary', { sources: preview.sources.length, codes: preview.codes, notes: preview.notes, origin: preview.origin ?? '?' })}</p>
          <table className="table">
            <caption className="muted">{t('exchange.mapCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('exchange.source')}</th>
                <th scope="col" className="n">
                  {t('exchange.selections')}
                </th>
                <th scope="col">{t('exchange.participant')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.sources.map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td>
                  <td className="n">{s.selections}</td>
                  <td>
                    {s.problem ? (
                      <span className="warning-text">{t('exchange.sourceUnreadable')}</span>
                    ) : (
                      <select aria-label={t('exchange.participantFor', { name: s.name })} value={assign[s.name] ?? ''} onChange={(e) => setAssign({ ...assign, [s.name]: e.target.value })}>
                        <option value="">{t('exchange.doNotImport')}</option>
                        {people.map((p) => (
                          <option key={p.code} value={p.code}>
                            {p.code}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions start">
            <button type="button" disabled={busy} onClick={() => void run()}>
              {t('exchange.import')}
            </button>
          </div>
          {busy && <Busy label={t('common.working')} />}
        </>
      )}
      {result && (
        <Notice>
          <ul className="plain">
            {result.imported.map((i) => (
              <li key={i.transcriptId}>{t('exchange.importedUi', { name: i.name, participant: i.participant, segments: i.segments, findings: i.findings })}</li>
            ))}
            {result.unassigned.map((name) => (
              <li key={name}>{t('exchange.unassignedUi', { name })}</li>
            ))}
            {result.unreadable.map((u) => (
              <li key={`u-${u.name}`}>{t('exchange.unreadableUi', { name: u.name })}</li>
            ))}
            <li>{t('exchange.importSummary', { created: result.codes.created, reused: result.codes.reused, memos: result.memos, themes: result.themes })}</li>
            {/* What the file held that did not arrive, as the CLI says it: never left unsaid. */}
            {result.uncodedSelections > 0 && <li>{t('exchange.uncoded', { count: result.uncodedSelections })}</li>}
            {result.selectionsLeftOut > 0 && <li>{t('exchange.leftOut', { count: result.selectionsLeftOut })}</li>}
            {result.notesLeftOut > 0 && <li>{t('exchange.notesLeftOut', { count: result.notesLeftOut })}</li>}
            {Object.keys(result.skipped).length > 0 && (
              <li>{t('exchange.skipped', { what: Object.entries(result.skipped).map(([k, n]) => `${k} × ${n}`).join(', ') })}</li>
            )}
          </ul>
        </Notice>
      )}
    </Card>
  );
}
