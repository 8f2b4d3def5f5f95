/**
 * The identifying-details findings of what is about to leave the vault, each to accept one
 * by one (or to replace where the text is, then review again). The same list, words and
 * look for the REFI-QDA export and a supervisor share, so the student meets one check.
 */
import { useI18n } from '../i18n';
import type { ExchangeFinding } from '../../../shared/exchange';

export function FindingsChecklist({ findings, accepted, onAccepted }: { findings: ExchangeFinding[]; accepted: Set<string>; onAccepted(next: Set<string>): void }) {
  const { t } = useI18n();
  if (findings.length === 0) return <p>{t('exchange.noFindings')}</p>;
  return (
    <>
      <p>{t('exchange.findingsIntro', { count: findings.length })}</p>
      <ul className="findings">
        {findings.map((f) => (
          <li key={f.id}>
            <label className="choice">
              <input
                type="checkbox"
                checked={accepted.has(f.id)}
                onChange={(e) => {
                  const next = new Set(accepted);
                  if (e.target.checked) next.add(f.id);
                  else next.delete(f.id);
                  onAccepted(next);
                }}
              />{' '}
              {t('exchange.accept', { text: f.text })}
            </label>{' '}
            <span className="pill">{t(`deid.kind.${f.kind}`)}</span>{' '}
            <span className="muted">
              {f.where.kind === 'transcript'
                ? t('exchange.where.transcript', { participant: f.where.participant ?? '', line: f.line })
                : f.where.kind === 'memo'
                  ? t('exchange.where.memo', { line: f.line })
                  : t(`exchange.where.${f.where.kind}`, { name: f.label ?? '' })}
            </span>
            <div className="context">
              …{f.before}
              <mark>{f.text}</mark>
              {f.after}…
            </div>
          </li>
        ))}
      </ul>
      <p className="hint">{t('exchange.replaceHint')}</p>
    </>
  );
}
