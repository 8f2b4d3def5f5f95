import { useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card, ErrorBanner, Notice } from '../../components/ui';
import type { DeidFinding, DeidReport, TranscriptDetail } from '../../../../shared/contract';
import { DEID_KINDS, PLACEHOLDER, type DeidKind } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/errors';

/**
 * Identifying details in a transcript: look, choose, replace with placeholders. Main
 * finds them (it alone can read the key list); this screen only shows the transcript's
 * own words, and replaces only what the user ticked.
 */
export function DeidentifyPanel({ transcript, ended, onChanged }: { transcript: TranscriptDetail; ended: boolean; onChanged(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const [report, setReport] = useState<DeidReport | null>(null);
  const [skip, setSkip] = useState<Set<number>>(new Set());
  const [labels, setLabels] = useState<Record<DeidKind, string>>(() => Object.fromEntries(DEID_KINDS.map((k) => [k, k === 'invisible' ? '' : t(`deid.placeholder.${k}`)])) as Record<DeidKind, string>);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** Look again; findings at `unticked` ("offset:text") stay unticked. */
  async function check(unticked: Set<string> = new Set()) {
    setError(null);
    const r = await call('transcripts.check', { id: transcript.id });
    if (!r.ok) return setError(r.error);
    setReport(r.value);
    setSkip(new Set(r.value.findings.flatMap((f, i) => (unticked.has(`${f.start}:${f.text}`) ? [i] : []))));
  }

  async function apply(replace: DeidFinding[], kept: string[], done: string | null) {
    setBusy(true);
    setError(null);
    // Where the findings the user left unticked will be once the replacements are in.
    const shift = (at: number) => replace.filter((f) => f.end <= at).reduce((d, f) => d + labels[f.kind].length - (f.end - f.start), 0);
    const unticked = new Set((report?.findings ?? []).filter((_, i) => skip.has(i)).map((f) => `${f.start + shift(f.start)}:${f.text}`));
    const r = await call('transcripts.deidentify', {
      id: transcript.id,
      replace: replace.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: labels[f.kind] })),
      kept,
    });
    if (r.ok) {
      onChanged(r.value);
      setNotice(done);
      await check(unticked);
    } else setError(r.error);
    // Busy until the new findings are in: a second click on the old list would be stale.
    setBusy(false);
  }

  const chosen = report ? report.findings.filter((_, i) => !skip.has(i)) : [];
  const kinds = report ? DEID_KINDS.filter((k) => chosen.some((f) => f.kind === k)) : [];
  const badLabel = kinds.find((k) => !PLACEHOLDER.test(labels[k]));

  return (
    <Card title={t('deid.title')} className="deid">
      <p className="muted">{t('deid.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {report && !report.keyListUsed && <p className="hint">{t('deid.noKeyList')}</p>}
      {!report && (
        <button type="button" onClick={() => void check()}>
          {t('deid.check')}
        </button>
      )}
      {report && report.findings.length === 0 && <p>{t('deid.none')}</p>}
      {report && report.findings.length > 0 && (
        <>
          <p>{report.findings.length === 1 ? t('deid.found.one') : t('deid.found', { count: report.findings.length })}</p>
          <ul className="findings">
            {report.findings.map((f, i) => (
              <li key={`${f.start}-${f.end}`}>
                <label>
                  <input
                    type="checkbox"
                    checked={!skip.has(i)}
                    onChange={(e) => {
                      const next = new Set(skip);
                      if (e.target.checked) next.delete(i);
                      else next.add(i);
                      setSkip(next);
                    }}
                  />{' '}
                  <span className="pill">{t(`deid.kind.${f.kind}`)}</span>{' '}
                  <span className="context" lang="nb">
                    {around(transcript.text, f).before}
                    <mark>{f.text}</mark>
                    {around(transcript.text, f).after}
                  </span>
                </label>
                <button type="button" className="link" disabled={busy} onClick={() => void apply([], [...report.kept, f.text], null)}>
                  {t('deid.keep')}
                </button>
              </li>
            ))}
          </ul>
          <div className="deid-labels">
            {kinds.map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`deid-${k}`}>
                  {t('deid.replaceWith')}: {t(`deid.kind.${k}`)}
                </label>
                {/* After the end only Hvelv's own placeholders may be written (main refuses others). */}
                <input id={`deid-${k}`} value={labels[k]} readOnly={ended} aria-invalid={!PLACEHOLDER.test(labels[k]) || undefined} onChange={(e) => setLabels({ ...labels, [k]: e.target.value })} />
              </div>
            ))}
          </div>
          {badLabel && <p className="field-error">{t('deid.badPlaceholder')}</p>}
          <div className="actions start">
            <button type="button" disabled={busy || chosen.length === 0 || Boolean(badLabel)} onClick={() => void apply(chosen, report.kept, t('deid.done', { count: chosen.length }))}>
              {t('deid.replace', { count: chosen.length })}
            </button>
          </div>
        </>
      )}
      {report && report.kept.length > 0 && (
        <p className="muted">
          {t('deid.keptList', { terms: report.kept.join(', ') })}{' '}
          <button type="button" className="link" disabled={busy} onClick={() => void apply([], [], null)}>
            {t('deid.forget')}
          </button>
        </p>
      )}
    </Card>
  );
}

/** A few words either side of a finding, on one line, without timestamps (whole or cut). */
function around(text: string, f: DeidFinding): { before: string; after: string } {
  const flat = (s: string) => s.replace(/#\d{1,2}:\d{2}:\d{2}-\d#/g, '').replace(/\s+/g, ' ');
  const before = flat(text.slice(Math.max(0, f.start - 60), f.start)).replace(/^[\d:-]*#/, '').slice(-40);
  const after = flat(text.slice(f.end, f.end + 60)).replace(/#[\d:-]*$/, '').slice(0, 40);
  // An ellipsis only where the text goes on.
  return { before: f.start > 40 ? `…${before}` : before.trimStart(), after: f.end + 40 < text.length ? `${after}…` : after.trimEnd() };
}
