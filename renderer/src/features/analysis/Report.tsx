import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner, Notice } from '../../components/ui';
import type { ReportFinding } from '../../../../shared/contract';
import { DEID_KINDS, type DeidKind } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Locale } from '../../../../shared/i18n/catalogue';

/**
 * The report (.docx) and the journal export, behind the identifying-details check:
 * every finding in what would leave the vault is shown, and each is either replaced
 * with a placeholder or confirmed as not identifying before the file is written.
 */
export function Report({ what, quotes }: { what: 'report' | 'journal'; quotes?: number }) {
  const { t, locale } = useI18n();
  const [findings, setFindings] = useState<ReportFinding[] | null>(null);
  const [accepted, setAccepted] = useState<Set<string>>(new Set());
  const [lang, setLang] = useState<Locale>(locale);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('report.check', { what }).then((r) => (r.ok ? setFindings(r.value) : setError(r.error)));
  }, [what]);

  async function replace(f: ReportFinding) {
    const kind = placeholderKind(f.kind);
    if (!kind || f.where.kind === 'attribute') return;
    const r = await call('report.replace', { what, where: { ...f.where, kind: f.where.kind, field: f.where.field === 'value' ? 'text' : f.where.field }, start: f.start, end: f.end, expected: f.text, with: t(`deid.placeholder.${kind}`) });
    if (!r.ok) return setError(r.error);
    setError(null);
    setFindings(r.value);
  }

  async function exportNow() {
    setBusy(true);
    const r = await call(what === 'report' ? 'report.export' : 'journal.export', { locale: lang, accepted: [...accepted] });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setError(null);
    if (r.value) setNotice(t('analysis.exported', { path: r.value }));
  }

  const open = (findings ?? []).filter((f) => !accepted.has(f.text));
  return (
    <section className="card" aria-labelledby="report-h">
      <h2 id="report-h">{what === 'report' ? t('analysis.report.screenTitle') : t('analysis.journal.exportTitle')}</h2>
      <p>{what === 'report' ? t('analysis.report.help') : t('analysis.journal.exportHelp')}</p>
      {what === 'report' && quotes === 0 && <p className="hint">{t('analysis.report.noQuotesYet')}</p>}
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {findings === null && <Busy label={t('analysis.report.checking')} />}
      {findings !== null && findings.length === 0 && <p className="checks">{t('analysis.report.clean')}</p>}
      {findings !== null && findings.length > 0 && (
        <>
          <h3>{t('analysis.report.findings', { count: findings.length })}</h3>
          <ul className="findings">
            {findings.map((f, i) => (
              <li key={`${f.where.kind}:${f.where.id}:${f.where.field}:${f.start}:${i}`}>
                <span>
                  <strong>{t(`analysis.report.where.${f.where.kind}`, { label: f.label })}</strong>
                  {f.where.kind === 'attribute' && <span className="muted"> {t('attributes.findingHint')}</span>}
                  <br />
                  <span className="context">
                    …{f.before}
                    <mark>{f.text}</mark>
                    {f.after}…
                  </span>{' '}
                  <span className="muted">({t(`deid.kind.${findingKind(f.kind)}`)})</span>
                </span>
                <span className="actions start">
                  {accepted.has(f.text) ? (
                    <button type="button" className="link" onClick={() => setAccepted(new Set([...accepted].filter((x) => x !== f.text)))}>
                      {t('analysis.report.undoConfirm', { text: f.text })}
                    </button>
                  ) : (
                    <>
                      {placeholderKind(f.kind) && f.where.kind !== 'attribute' && (
                        <button type="button" className="secondary" onClick={() => void replace(f)}>
                          {t('analysis.report.replace', { text: f.text, with: t(`deid.placeholder.${placeholderKind(f.kind)!}`) })}
                        </button>
                      )}
                      <button type="button" className="link" onClick={() => setAccepted(new Set([...accepted, f.text]))}>
                        {t('analysis.report.confirm', { text: f.text })}
                      </button>
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="field inline">
        <label htmlFor="report-lang">{t('analysis.report.language')}</label>
        <select id="report-lang" value={lang} onChange={(e) => setLang(e.target.value as Locale)}>
          <option value="nb">Norsk bokmål</option>
          <option value="en">English</option>
        </select>
      </div>
      <div className="actions start">
        <button type="button" disabled={findings === null || open.length > 0 || busy} onClick={() => void exportNow()} aria-describedby="report-gate">
          {what === 'report' ? t('analysis.report.export') : t('analysis.journal.write')}
        </button>
      </div>
      {findings !== null && open.length > 0 && (
        <p className="hint" id="report-gate">
          {t('analysis.report.gate', { count: open.length })}
        </p>
      )}
      {busy && <Busy label={t('analysis.report.writing')} />}
    </section>
  );
}

/** A finding's kind as the catalogue names it; an unknown kind is treated as a name. */
const findingKind = (k: string): DeidKind => ((DEID_KINDS as readonly string[]).includes(k) ? (k as DeidKind) : 'name');
/** The placeholder kind for a finding; invisible characters have none (they are only confirmed here). */
const placeholderKind = (k: string): Exclude<DeidKind, 'invisible'> | null => {
  const kind = findingKind(k);
  return kind === 'invisible' ? null : kind;
};
