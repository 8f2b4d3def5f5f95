/**
 * "Hent fra sikkerhetskopi" (issue 28), from the first screen: a vault again from a backup
 * place, on this computer or a new one, with the passphrase. The restore carries out every
 * withdrawal the copy records before the vault opens, and says from which date withdrawals
 * may be missing (to be carried out from the receipts).
 */
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner, Notice, PathText, TextField } from '../../components/ui';
import type { ProjectStatus } from '../../../../shared/contract';
import type { RestoreView } from '../../../../shared/backup';
import type { ErrorInfo } from '../../../../shared/errors';

export function RestoreScreen({ onUnlocked, onCancel }: { onUnlocked(status: ProjectStatus): void; onCancel(): void }) {
  const { t, date } = useI18n();
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<RestoreView | null>(null);
  const [unlocked, setUnlocked] = useState<ProjectStatus | null>(null);

  async function choose(purpose: 'open' | 'create', set: (p: string) => void) {
    const r = await call('vault.chooseFolder', { purpose });
    if (r.ok && r.value) set(r.value);
  }

  async function restore(e: FormEvent) {
    e.preventDefault();
    if (!from || !to || !passphrase) return;
    setBusy(true);
    setError(null);
    const r = await call('backup.restore', { from, to, passphrase, allowOlder: false });
    if (!r.ok) {
      setBusy(false);
      setError(r.error);
      return;
    }
    setDone(r.value);
    const opened = await call('vault.unlock', { path: r.value.vault, passphrase });
    setBusy(false);
    setPassphrase('');
    // Opened at once (the withdrawals are already carried out); shown after the student has read what the copy may lack.
    if (!opened.ok) setError(opened.error);
    else setUnlocked(opened.value);
  }

  return (
    <main className="page narrow">
      <h1>{t('restore.title')}</h1>
      <p className="hint">{t('restore.help')}</p>
      {!done && (
        <form onSubmit={restore} className="card">
          <div className="field">
            <p>
              <strong>{t('restore.from')}</strong>
            </p>
            {from && (
              <p className="vault-path">
                <PathText path={from} />
              </p>
            )}
            <button type="button" className="secondary" onClick={() => void choose('open', setFrom)}>
              {t('restore.chooseFrom')}
            </button>
          </div>
          <div className="field">
            <p>
              <strong>{t('restore.to')}</strong>
            </p>
            {to && (
              <p className="vault-path">
                <PathText path={to} />
              </p>
            )}
            <button type="button" className="secondary" onClick={() => void choose('create', setTo)}>
              {t('restore.chooseTo')}
            </button>
          </div>
          <TextField label={t('restore.passphrase')} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          <ErrorBanner error={error} />
          {busy && <Busy label={t('restore.working')} />}
          <div className="actions">
            <button type="button" className="secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="submit" disabled={busy || !from || !to || !passphrase}>
              {t('restore.submit')}
            </button>
          </div>
        </form>
      )}
      {done && (
        <>
          <Notice>{t('backup.restored', { vault: done.vault, date: date(done.copyMadeAt.slice(0, 10)) })}</Notice>
          {done.applied.length > 0 && <p>{t('backup.applied', { codes: done.applied.map((w) => w.code).join(', ') })}</p>}
          <p className="warning-text">{t('restore.mayMiss', { date: date(done.newestKnownAt.slice(0, 10)) })}</p>
          <ErrorBanner error={error} />
          {unlocked && (
            <div className="actions start">
              <button type="button" onClick={() => onUnlocked(unlocked)}>
                {t('restore.open')}
              </button>
            </div>
          )}
        </>
      )}
    </main>
  );
}
