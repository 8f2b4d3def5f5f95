/**
 * The report in the supervisor's reader: what the student's .docx holds (the codebook with
 * definitions and counts; per theme its status, definition, codes and the quotes the
 * student chose, cited "(JS02, 00:14:32)"), read-only. The supervisor comments on the
 * themes and codes where they are listed (Codebook, Themes); here they read.
 */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import { quoteCitation } from '../../../../shared/analysis-text';
import type { ShareReport } from '../../../../shared/supervisor';

export function ShareReportRead({ vaultId }: { vaultId: string }) {
  const { t } = useI18n();
  const [report, setReport] = useState<ShareReport | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    void call('supervisor.report', { vaultId }).then((r) => (r.ok ? setReport(r.value) : setError(r.error)));
  }, [vaultId]);
  if (!report) return error ? <ErrorBanner error={error} /> : <Busy label={t('sup.tab.report')} />;
  return (
    <section className="card sup-report" aria-labelledby="sr-rep-h">
      <h2 id="sr-rep-h">
        {t('analysis.report.title')}: {report.title}
      </h2>
      <p className="muted">{t('sup.report.intro')}</p>
      {/* As the student's .docx says it (report-docx.ts): what the mark beside a quote means. */}
      {report.themes.some((th) => th.quotes.some((q) => q.machineText)) && (
        <p data-testid="sr-report-machine">
          <em>{t('mt.reportNote')}</em>
        </p>
      )}
      <h3>{t('analysis.report.codebook')}</h3>
      {report.codes.length === 0 ? (
        <p className="muted">{t('sup.read.noCodes')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('analysis.report.code')}</th>
              <th scope="col">{t('analysis.report.definition')}</th>
              <th scope="col" className="n">
                {t('analysis.report.segments')}
              </th>
              <th scope="col" className="n">
                {t('analysis.report.interviews')}
              </th>
            </tr>
          </thead>
          <tbody>
            {report.codes.map((c) => (
              <tr key={c.id}>
                <td>{c.path.join(' / ')}</td>
                <td>{c.definition || <span className="muted">{t('analysis.report.noDefinition')}</span>}</td>
                <td className="n">{c.segmentCount}</td>
                <td className="n">{c.transcriptCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('analysis.report.themes')}</h3>
      {report.themes.length === 0 && <p className="muted">{t('sup.read.noThemes')}</p>}
      {report.themes.map(({ theme, depth, codes, quotes }) => (
        <article key={theme.id} className="report-theme" style={{ marginLeft: `${depth * 1.5}rem` }} aria-labelledby={`rep-${theme.id}`}>
          <h4 id={`rep-${theme.id}`}>{depth > 0 ? `${t('analysis.report.subtheme')}: ${theme.name}` : theme.name}</h4>
          <p className="muted">
            <em>{t('analysis.report.status', { status: t(`analysis.status.${theme.status}`) })}</em>
          </p>
          <p>{theme.definition || <span className="muted">{t('analysis.report.noDefinition')}</span>}</p>
          <p>{t('analysis.report.codesInTheme', { codes: codes.join('; ') || '–' })}</p>
          <h5>{t('analysis.report.quotes')}</h5>
          {quotes.length === 0 && (
            <p className="muted">
              <em>{t('analysis.report.noQuotes')}</em>
            </p>
          )}
          {quotes.map((q) => (
            <blockquote key={q.id} className="report-quote">
              <em>«{q.text.trim()}»</em> {quoteCitation(q)}
              {q.machineText && ` ${t('mt.quoteMark')}`}
              {q.machineTextUnknown && ` ${t('mt.quoteUnknown')}`}
            </blockquote>
          ))}
        </article>
      ))}
    </section>
  );
}
