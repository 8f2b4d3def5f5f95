import { useEffect, useState, type FormEvent } from 'react';
import { useUnsaved } from '../../components/unsaved';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice, TextField } from '../../components/ui';
import type { ParticipantSummary } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';

export function ParticipantList({ onOpen, ended, endedOn, onShowCertificate }: { onOpen(code: string): void; ended: boolean; endedOn: string | null; onShowCertificate(): void }) {
  const { t, date } = useI18n();
  const [rows, setRows] = useState<ParticipantSummary[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [workplace, setWorkplace] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  useUnsaved(adding && [name, email, phone, workplace, notes].some((v) => v.trim() !== ''));
  const [added, setAdded] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  const load = async () => {
    const r = await call('participants.list', {});
    if (r.ok) setRows(r.value);
    else setError(r.error);
  };
  useEffect(() => {
    void load();
  }, []);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setNameError(t('wizard.required'));
      return;
    }
    setNameError(null);
    const r = await call('participants.add', { identity: { name, email, phone, workplace, notes } });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    // Forget what was typed: the identity now lives only in the key list.
    setName('');
    setEmail('');
    setPhone('');
    setWorkplace('');
    setNotes('');
    setError(null);
    setAdding(false);
    setAdded(r.value.code);
    await load();
  }

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('participants.title')}</h1>
        {!adding && !ended && (
          <button type="button" onClick={() => setAdding(true)}>
            {t('participants.add')}
          </button>
        )}
      </div>
      <p className="muted">{t('participants.intro')}</p>
      {ended && (
        <div className="banner banner-info" role="status">
          <p>{t('screens.ended.participants', { date: endedOn ? date(endedOn) : '' })}</p>
          <p>{t('error.PROJECT_ENDED')}</p>
          <button type="button" className="link" onClick={onShowCertificate}>
            {t('screens.ended.seeCertificate')}
          </button>
        </div>
      )}
      {added && <Notice>{t('participants.added', { code: added })}</Notice>}
      <ErrorBanner error={error} />
      {adding && (
        <form className="card form-card" onSubmit={add} noValidate aria-labelledby="add-h">
          <h2 id="add-h">{t('participants.addTitle')}</h2>
          <p className="hint">{t('participants.addHelp')}</p>
          <TextField label={t('field.name')} value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoFocus autoComplete="off" />
          <div className="two">
            <TextField label={t('field.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} optional autoComplete="off" />
            <TextField label={t('field.phone')} value={phone} onChange={(e) => setPhone(e.target.value)} optional autoComplete="off" />
          </div>
          <TextField label={t('field.workplace')} value={workplace} onChange={(e) => setWorkplace(e.target.value)} optional autoComplete="off" />
          <TextField label={t('field.notes')} value={notes} onChange={(e) => setNotes(e.target.value)} optional autoComplete="off" />
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setAdding(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit">{t('participants.add')}</button>
          </div>
        </form>
      )}
      {rows && rows.length === 0 && !ended && <p>{t('participants.none')}</p>}
      {rows && rows.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('participants.col.code')}</th>
              <th scope="col">{t('participants.col.status')}</th>
              <th scope="col">{t('participants.col.consent')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.code} className={r.status !== 'active' ? 'retired' : ''}>
                <td>
                  <button type="button" className="link code" onClick={() => onOpen(r.code)} aria-label={t('participants.open', { code: r.code })}>
                    {r.code}
                  </button>
                </td>
                <td>
                  <span className={`pill ${r.status}`}>{t(`status.${r.status}`)}</span>
                </td>
                <td>{r.withdrawnOn ? t('consent.withdrawnOn', { date: date(r.withdrawnOn) }) : r.consent ? t('consent.given', { date: date(r.consent.date) }) : t('consent.none')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
