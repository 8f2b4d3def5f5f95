/**
 * What an import did not bring in as it was (issue 14), said on the transcript's view the
 * student lands on: cues without a usable time (their text is there, without a
 * timestamp) and a .docx's notes, comments, headers and footers with words, which are
 * not imported. Nothing when all arrived. A status region, so a screen reader reads it
 * out; it stays until the student dismisses it or leaves the view.
 */
import { useI18n } from '../../i18n';
import type { DocxLeftOut, TranscriptImport } from '../../../../shared/contract';

/** What the view needs of an import's result. */
export type ImportReport = Pick<TranscriptImport, 'untimedCues' | 'leftOut'>;

const PARTS = ['footnotes', 'endnotes', 'comments', 'headers', 'footers'] as const satisfies readonly (keyof DocxLeftOut)[];

/** Whether anything of the file did not arrive as it was: only then is there a notice. */
export function importLostSomething(r: ImportReport | null | undefined): r is ImportReport {
  return !!r && (r.untimedCues > 0 || PARTS.some((p) => (r.leftOut?.[p] ?? 0) > 0));
}

export function ImportNotice({ report, onDismiss }: { report: ImportReport; onDismiss(): void }) {
  const { t } = useI18n();
  const parts = PARTS.filter((p) => (report.leftOut?.[p] ?? 0) > 0).map((p) => t(`hardening.leftOut.${p}`, { n: report.leftOut![p] }));
  return (
    <div className="banner banner-warning import-notice" role="status">
      <p>
        <strong>{t('hardening.importedTitle')}</strong>
      </p>
      <ul>
        {report.untimedCues > 0 && <li>{t('hardening.importedUntimed', { n: report.untimedCues })}</li>}
        {parts.length > 0 && <li>{t('hardening.importedLeftOut', { parts: parts.join(', ') })}</li>}
      </ul>
      <button type="button" className="secondary" onClick={onDismiss}>
        {t('hardening.importedDismiss')}
      </button>
    </div>
  );
}
