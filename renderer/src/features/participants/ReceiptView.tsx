import { useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { WithdrawalReceiptDto } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { SupervisorCopies } from '../supervisor';


/** The withdrawal receipt on screen: what was deleted and when, no personal data. */
export function ReceiptView({ receipt, onBack }: { receipt: WithdrawalReceiptDto; onBack(): void }) {
  const { t, date, locale } = useI18n();
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function save(format: 'html' | 'pdf') {
    setSaved(null);
    setError(null);
    const r = await call('withdrawal.saveReceipt', { code: receipt.code, locale, format });
    if (!r.ok) return setError(r.error);
    if (r.value) setSaved(r.value);
  }

  return (
    <main className="page narrow receipt">
      <button type="button" className="link no-print" onClick={onBack}>
        {t('participant.back')}
      </button>
      <h1>{t('receipt.title')}</h1>
      <p>{t('receipt.intro', { code: receipt.code, title: receipt.projectTitle })}</p>
      <table className="table">
        <tbody>
          <tr>
            <th scope="row">{t('receipt.code')}</th>
            <td>{receipt.code}</td>
          </tr>
          <tr>
            <th scope="row">{t('receipt.consentGiven')}</th>
            <td>{receipt.consentGivenOn ? date(receipt.consentGivenOn) : t('receipt.none')}</td>
          </tr>
          <tr>
            <th scope="row">{t('receipt.withdrawn')}</th>
            <td>{date(receipt.withdrawnOn)}</td>
          </tr>
          <tr>
            <th scope="row">{t('receipt.completed')}</th>
            <td>{date(receipt.completedAt.slice(0, 10))}</td>
          </tr>
        </tbody>
      </table>
      <h2>{t('receipt.deleted')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('receipt.kind')}</th>
            <th scope="col" className="n">
              {t('receipt.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {/* Every kind the withdrawal counted, as the dialog before it listed them (core's registry of participant data). */}
          {Object.entries(receipt.counts).map(([k, n]) => (
            <tr key={k}>
              <td>{t(`kind.${k}` as 'kind.identity')}</td>
              <td className="n">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">{t('receipt.footer')}</p>
      <ErrorBanner error={error} />
      {saved && <Notice>{t('receipt.saved', { path: saved })}</Notice>}
      <div className="actions start no-print">
        <button type="button" onClick={() => void save('pdf')}>
          {t('screens.pdf.receipt')}
        </button>
        <button type="button" className="secondary" onClick={() => void save('html')}>
          {t('receipt.save')}
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          {t('receipt.print')}
        </button>
      </div>
      <div className="no-print">
        <SupervisorCopies code={receipt.code} />
      </div>
    </main>
  );
}
