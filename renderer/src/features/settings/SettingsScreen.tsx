import { useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice, TextField } from '../../components/ui';
import type { AppInfo, LanguageSetting, ProjectStatus } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { AUTO_LOCK_MAX_MINUTES, AUTO_LOCK_MIN_MINUTES } from '../../../../shared/domain';

interface Props {
  info: AppInfo;
  status: ProjectStatus;
  onInfo(info: AppInfo): void;
  onStatus(status: ProjectStatus): void;
}

export function SettingsScreen({ info, status, onInfo, onStatus }: Props) {
  const { t } = useI18n();
  const langId = useId();
  const [minutes, setMinutes] = useState(String(status.autoLockMinutes));
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState(false);
  const [rangeError, setRangeError] = useState<string | null>(null);

  async function changeLanguage(language: LanguageSetting) {
    const r = await call('app.setLanguage', { language });
    if (r.ok) onInfo(r.value);
    else setError(r.error);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const n = Number(minutes);
    if (!Number.isInteger(n) || n < AUTO_LOCK_MIN_MINUTES || n > AUTO_LOCK_MAX_MINUTES) {
      setRangeError(t('settings.autoLock.range', { min: AUTO_LOCK_MIN_MINUTES, max: AUTO_LOCK_MAX_MINUTES }));
      return;
    }
    setRangeError(null);
    const r = await call('settings.update', { autoLockMinutes: n });
    if (r.ok) {
      setError(null);
      setSaved(true);
      onStatus(r.value);
    } else setError(r.error);
  }

  return (
    <main className="page narrow">
      <h1>{t('settings.title')}</h1>
      <div className="field">
        <label htmlFor={langId}>{t('settings.language')}</label>
        <select id={langId} value={info.language} onChange={(e) => void changeLanguage(e.target.value as LanguageSetting)}>
          <option value="system">{t('settings.language.system')}</option>
          <option value="nb">{t('settings.language.nb')}</option>
          <option value="en">{t('settings.language.en')}</option>
        </select>
      </div>
      <form onSubmit={save} noValidate>
        <TextField
          label={t('settings.autoLock')}
          type="number"
          min={AUTO_LOCK_MIN_MINUTES}
          max={AUTO_LOCK_MAX_MINUTES}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          error={rangeError}
        />
        <ErrorBanner error={error} />
        {saved && <Notice>{t('settings.saved')}</Notice>}
        <div className="actions start">
          <button type="submit">{t('common.save')}</button>
        </div>
      </form>
    </main>
  );
}
