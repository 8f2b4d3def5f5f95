import { useEffect, useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice, TextField } from '../../components/ui';
import { KeySettings } from '../transcription';
import { ModelSettings } from '../asr';
import { BackupSettings } from '../backup';
import { useFreshToday } from '../../components/today';
import { useUnsaved } from '../../components/unsaved';
import { DateField } from '../../components/DateField';
import type { AppInfo, LanguageSetting, ProjectStatus } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { AUTO_LOCK_MAX_MINUTES, AUTO_LOCK_MIN_MINUTES, type IsoDate } from '../../../../shared/domain';

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
  useUnsaved(minutes.trim() !== String(status.autoLockMinutes));

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
          onChange={(e) => {
            // "Lagret." was about the value saved, not the one now being typed.
            setSaved(false);
            setMinutes(e.target.value);
          }}
          error={rangeError}
        />
        <ErrorBanner error={error} />
        {saved && <Notice>{t('settings.saved')}</Notice>}
        <div className="actions start">
          <button type="submit">{t('common.save')}</button>
        </div>
      </form>
      <EndActionCard status={status} onStatus={onStatus} />
      <DeadlineCard status={status} today={info.today} onStatus={onStatus} />
      <ScheduleCard />
      <BackupSettings today={info.today} onStatus={onStatus} />
      <KeySettings />
      <ModelSettings />
    </main>
  );
}

function DeadlineCard({ status, today: appToday, onStatus }: { status: ProjectStatus; today: IsoDate; onStatus(s: ProjectStatus): void }) {
  const { t, date } = useI18n();
  // Read again when the screen opens: "Dato Sikt ble varslet" defaults to today, not the unlock day.
  const today = useFreshToday(appToday);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [siktRef, setSiktRef] = useState('');
  // Null until the user picks a date: the default follows "today" as it moves past midnight.
  const [siktPicked, setSiktDate] = useState<string | null>(null);
  const siktDate = siktPicked ?? today;
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // A reason and a Sikt reference typed but not yet submitted are not lost to the menu.
  useUnsaved(status.destroyed.length === 0 && (to !== '' || reason.trim() !== '' || siktRef.trim() !== '' || siktPicked !== null));
  if (status.destroyed.length > 0) return null;

  /** "Moved to …" belonged to the last move: a new one begun takes it away. */
  const typing = (change: () => void) => {
    setDone(null);
    change();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const r = await call('deadline.extend', { to, reason, siktRef, siktNotifiedOn: siktDate });
    if (!r.ok) return setError(r.error);
    setError(null);
    setTo('');
    setReason('');
    setSiktRef('');
    setSiktDate(null);
    setDone(t('deadline.done', { date: date(r.value.endDate) }));
    onStatus(r.value);
  }

  return (
    <section className="card settings-card" aria-labelledby="dl-h">
      <h2 id="dl-h">{t('deadline.title')}</h2>
      <p className="hint">{t('deadline.help')}</p>
      <form onSubmit={submit} noValidate>
        <div className="two">
          <DateField label={t('deadline.to')} value={to} min={status.endDate} onChange={(v) => typing(() => setTo(v))} />
          <DateField label={t('deadline.siktDate')} value={siktDate} max={today} onChange={(v) => typing(() => setSiktDate(v))} />
        </div>
        <TextField label={t('deadline.siktRef')} value={siktRef} onChange={(e) => typing(() => setSiktRef(e.target.value))} />
        <TextField label={t('deadline.reason')} value={reason} onChange={(e) => typing(() => setReason(e.target.value))} />
        <ErrorBanner error={error} />
        {done && <Notice>{done}</Notice>}
        <div className="actions start">
          <button type="submit" className="secondary" disabled={!to || !reason.trim() || !siktRef.trim()}>
            {t('deadline.submit')}
          </button>
        </div>
      </form>
      {status.endDateHistory.length > 0 && (
        <>
          <h3>{t('deadline.history')}</h3>
          <ul>
            {status.endDateHistory.map((h) => (
              <li key={h.changedAt}>{t('deadline.historyItem', { from: date(h.from), to: date(h.to), reason: h.reason, ref: h.siktRef, notified: date(h.siktNotifiedOn) })}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ScheduleCard() {
  const { t } = useI18n();
  const [state, setState] = useState<{ supported: boolean; installed: boolean; detail: string } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const load = async () => {
    const r = await call('schedule.status', {});
    if (r.ok) setState(r.value);
  };
  useEffect(() => {
    void load();
  }, []);
  async function install() {
    const r = await call('schedule.install', {});
    if (!r.ok) return setError(r.error);
    await load();
  }
  return (
    <section className="card settings-card" aria-labelledby="sc-h">
      <h2 id="sc-h">{t('schedule.title')}</h2>
      <p className="hint">{t('schedule.help')}</p>
      {state && !state.supported && <p>{t('schedule.unsupported')}</p>}
      {state?.supported && <p>{state.installed ? t('schedule.installed', { detail: state.detail }) : t('schedule.notInstalled')}</p>}
      <ErrorBanner error={error} />
      {state?.supported && !state.installed && (
        <button type="button" className="secondary" onClick={() => void install()}>
          {t('schedule.install')}
        </button>
      )}
    </section>
  );
}

/**
 * What happens at the end date, with a save of its own: a choice that was saved the moment
 * a radio button moved left the student unsure whether it had been.
 */
function EndActionCard({ status, onStatus }: { status: ProjectStatus; onStatus(s: ProjectStatus): void }) {
  const { t } = useI18n();
  const [choice, setChoice] = useState<'anonymise' | 'delete-all'>(status.endAction);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  if (status.destroyed.length > 0) return null;
  const what = (a: 'anonymise' | 'delete-all') => (a === 'anonymise' ? t('field.endAction.anonymise') : t('field.endAction.deleteAll'));

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const r = await call('deadline.setAction', { endAction: choice });
    if (!r.ok) return setError(r.error);
    setError(null);
    setSaved(t('deadline.actionSaved', { what: what(r.value.endAction) }));
    onStatus(r.value);
  }

  return (
    <section className="card settings-card" aria-labelledby="ea-h">
      <h2 id="ea-h">{t('deadline.action')}</h2>
      <form onSubmit={save} noValidate>
        <fieldset className="field">
          <legend className="sr-only">{t('deadline.action')}</legend>
          {(['anonymise', 'delete-all'] as const).map((a) => (
            <label key={a} className="radio">
              <input
                type="radio"
                name="endAction"
                checked={choice === a}
                onChange={() => {
                  setChoice(a);
                  setSaved(null);
                }}
              />
              {what(a)}
            </label>
          ))}
        </fieldset>
        <ErrorBanner error={error} />
        {saved ? <Notice>{saved}</Notice> : <p className="hint">{t('screens.settings.endActionCurrent', { what: what(status.endAction) })}</p>}
        <div className="actions start">
          <button type="submit" className="secondary" disabled={choice === status.endAction}>
            {t('screens.settings.endActionSave')}
          </button>
        </div>
      </form>
    </section>
  );
}
