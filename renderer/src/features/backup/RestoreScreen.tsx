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
  /** Further copies shown (`--also`): their withdrawals and end date apply. */
  const [also, setAlso] = useState<string[]>([]);
  /** The copy chosen is older than one found: the student may say they mean it (`--allow-older`). */
  const [older, setOlder] = useState(false);
  const [allowOlder, setAllowOlder] = useState(false);

  async function choose(purpose: 'open' | 'create', set: (p: string) => void) {
    const r = await call('vault.chooseFolder', { purpose });
    if (r.ok && r.value) set(r.value);
  }

  async function restore(e: FormEvent) {
    e.preventDefault();
    if (!from || !to || !passphrase) return;
    setBusy(true);
    setError(null);
    const r = await call('backup.restore', { from, to, passphrase, allowOlder: older && allowOlder, also });
    if (!r.ok) {
      setBusy(false);
      // An older copy: said in words, and the choice to go on with it offered (never silently).
      if (r.error.code === 'BACKUP_OLDER') {
        setOlder(true);
        setError(null);
      } else setError(r.error);
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
          <fieldset className="field">
            <legend>{t('restore.also')}</legend>
            <p className="hint">{t('restore.alsoHelp')}</p>
            {also.length > 0 && (
              <ul className="restore-also">
                {also.map((dir) => (
                  <li key={dir}>
                    <PathText path={dir} />{' '}
                    <button type="button" className="link" onClick={() => setAlso(also.filter((d) => d !== dir))}>
                      {t('restore.removeAlso')}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button type="button" className="secondary" disabled={also.length >= 20} onClick={() => void choose('open', (d) => setAlso((a) => (a.includes(d) ? a : [...a, d])))}>
              {t('restore.addAlso')}
            </button>
          </fieldset>
          <TextField label={t('restore.passphrase')} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          {older && (
            <div className="banner banner-warning" role="alert">
              <p>{t('restore.older')}</p>
              <label className="choice">
                <input type="checkbox" checked={allowOlder} onChange={(e) => setAllowOlder(e.target.checked)} /> {t('restore.allowOlder')}
              </label>
            </div>
          )}
          <ErrorBanner error={error} />
          {busy && <Busy label={t('restore.working')} />}
          <div className="actions">
            <button type="button" className="secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="submit" disabled={busy || !from || !to || !passphrase || (older && !allowOlder)}>
              {t('restore.submit')}
            </button>
          </div>
        </form>
      )}
      {done && (
        <>
          <Notice>{t('backup.restored', { vault: done.vault, date: date(done.copyMadeAt.slice(0, 10)) })}</Notice>
          {done.endFromSource && <p>{t('backup.endFromSource')}</p>}
          {done.applied.length > 0 && <p>{t('backup.applied', { codes: done.applied.map((w) => w.code).join(', ') })}</p>}
          {done.places.some((p) => p.outcome === 'read') && (
            <>
              <p>{t('restore.placesRead')}</p>
              <ul>
                {done.places
                  .filter((p) => p.outcome === 'read')
                  .map((p) => (
                    <li key={p.dir}>
                      <PathText path={p.dir} /> ({date((p.madeAt ?? '').slice(0, 10))})
                    </li>
                  ))}
              </ul>
            </>
          )}
          {done.places.some((p) => p.outcome === 'unreachable') && (
            <>
              <p className="warning-text">{t('restore.placesUnreached')}</p>
              <ul>
                {done.places
                  .filter((p) => p.outcome === 'unreachable')
                  .map((p) => (
                    <li key={p.dir}>
                      <PathText path={p.dir} />
                    </li>
                  ))}
              </ul>
            </>
          )}
          <p className="warning-text">{t('restore.applyFromReceipts', { date: date(done.newestKnownAt.slice(0, 10)) })}</p>
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
