import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner, Notice, PathText, TextField } from '../../components/ui';
import type { ProjectStatus, RecentVault } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';

interface Props {
  recent: RecentVault[];
  notice: string | null;
  onUnlocked(status: ProjectStatus): void;
  onNewProject(): void;
  /** The supervisor's way in: their own folder, not a vault (issue 10). */
  onSupervisor(): void;
  /** "Hent fra sikkerhetskopi" (issue 28). */
  onRestore?(): void;
}

export function UnlockScreen({ recent, notice, onUnlocked, onNewProject, onSupervisor, onRestore }: Props) {
  const { t, date } = useI18n();
  const [vaults, setVaults] = useState<RecentVault[]>(recent);
  const [selected, setSelected] = useState<string | null>(recent[0]?.path ?? null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const current = vaults.find((v) => v.path === selected) ?? null;

  async function unlock(e: FormEvent) {
    e.preventDefault();
    if (!selected || !passphrase) return;
    setBusy(true);
    setError(null);
    const res = await call('vault.unlock', { path: selected, passphrase });
    setBusy(false);
    if (res.ok) {
      setPassphrase('');
      onUnlocked(res.value);
    } else {
      setError(res.error);
      setPassphrase('');
    }
  }

  async function openOther() {
    setError(null);
    const folder = await call('vault.chooseFolder', { purpose: 'open' });
    if (!folder.ok || !folder.value) return;
    const info = await call('vault.inspect', { path: folder.value });
    if (!info.ok) {
      setError(info.error);
      return;
    }
    const entry = { path: folder.value, title: info.value.title, lastOpened: '' };
    setVaults([entry, ...vaults.filter((v) => v.path !== entry.path)]);
    setSelected(entry.path);
  }

  return (
    <main className="page narrow">
      <h1>{t('unlock.title')}</h1>
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="recent-h">
        <h2 id="recent-h">{t('unlock.recent')}</h2>
        {vaults.length === 0 ? (
          <p className="muted">{t('unlock.noRecent')}</p>
        ) : (
          // A radio group, not a list: a <ul> given role="radiogroup" leaves its <li>s outside any list (axe: listitem).
          <div className="vault-list" role="radiogroup" aria-labelledby="recent-h">
            {vaults.map((v) => (
              <div key={v.path}>
                <label className={`vault-item ${v.path === selected ? 'selected' : ''}`}>
                  <input type="radio" name="vault" checked={v.path === selected} onChange={() => setSelected(v.path)} />
                  <span className="vault-title">{v.title}</span>
                  <span className="vault-path">
                    <PathText path={v.path} />
                  </span>
                  {v.lastOpened && <span className="vault-date">{date(v.lastOpened.slice(0, 10))}</span>}
                </label>
              </div>
            ))}
          </div>
        )}
      </section>
      {current && (
        <form onSubmit={unlock} className="unlock-form">
          <TextField
            label={t('unlock.passphraseFor', { title: current.title })}
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            autoFocus
          />
          <ErrorBanner error={error} />
          {busy && <Busy label={t('unlock.unlocking')} />}
          <div className="actions">
            <button type="submit" disabled={busy || !passphrase}>
              {t('unlock.submit')}
            </button>
          </div>
        </form>
      )}
      {!current && <ErrorBanner error={error} />}
      <div className="actions start">
        <button type="button" className="link" onClick={openOther}>
          {t('unlock.other')}
        </button>
        <button type="button" className="link" onClick={onNewProject}>
          {t('welcome.create')}
        </button>
        <button type="button" className="link" onClick={onSupervisor}>
          {t('sup.entry')}
        </button>
        {onRestore && (
          <button type="button" className="link" onClick={onRestore}>
            {t('restore.entry')}
          </button>
        )}
      </div>
    </main>
  );
}
