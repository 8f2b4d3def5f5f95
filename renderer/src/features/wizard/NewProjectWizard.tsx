import { DateField } from '../../components/DateField';
import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner, PathText, TextField } from '../../components/ui';
import type { ProjectStatus } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { CODE_PREFIX_RE, DEFAULT_CODE_PREFIX, daysUntil, formatCode, isIsoDate, passphraseStrength, PASSPHRASE_MIN_LENGTH, type IsoDate } from '../../../../shared/domain';

const STEPS = ['wizard.step.project', 'wizard.step.people', 'wizard.step.end', 'wizard.step.passphrase'] as const;

interface Props {
  today: IsoDate;
  onCreated(status: ProjectStatus): void;
  onCancel(): void;
}

export function NewProjectWizard({ today, onCreated, onCancel }: Props) {
  const { t } = useI18n();
  const [step, setStep] = useState(0);
  const [title, setTitle] = useState('');
  const [institution, setInstitution] = useState('');
  const [faculty, setFaculty] = useState('');
  const [student, setStudent] = useState('');
  const [supervisor, setSupervisor] = useState('');
  const [siktRef, setSiktRef] = useState('');
  const [codePrefix, setCodePrefix] = useState(DEFAULT_CODE_PREFIX);
  const [endDate, setEndDate] = useState('');
  const [endAction, setEndAction] = useState<'anonymise' | 'delete-all'>('anonymise');
  const [location, setLocation] = useState('');
  const [locationTouched, setLocationTouched] = useState(false);
  const [pass1, setPass1] = useState('');
  const [pass2, setPass2] = useState('');
  const [ack, setAck] = useState(false);
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  // Default location: a folder named after the project in Documents/Hvelv.
  useEffect(() => {
    if (locationTouched) return;
    let live = true;
    void call('vault.suggestPath', { title }).then((r) => {
      if (live && r.ok) setLocation(r.value);
    });
    return () => {
      live = false;
    };
  }, [title, locationTouched]);

  const stepErrors: Record<string, string | null>[] = [
    { title: title.trim() ? null : t('wizard.required') },
    { codePrefix: CODE_PREFIX_RE.test(codePrefix) ? null : t('field.codePrefix.invalid') },
    {
      endDate: !isIsoDate(endDate) ? t('wizard.required') : daysUntil(endDate, today) <= 0 ? t('wizard.endDatePast') : null,
      location: location.trim() ? null : t('wizard.required'),
    },
    {
      pass1: [...pass1].length < PASSPHRASE_MIN_LENGTH ? t('passphrase.tooShort', { min: PASSPHRASE_MIN_LENGTH }) : null,
      pass2: pass1 !== pass2 ? t('passphrase.mismatch') : null,
      ack: ack ? null : t('wizard.required'),
    },
  ];
  const errs = stepErrors[step] ?? {};
  const shown = (k: string): string | null => (showErrors ? (errs[k] ?? null) : null);
  const valid = Object.values(errs).every((e) => e === null);

  async function next(e: FormEvent) {
    e.preventDefault();
    if (!valid) {
      setShowErrors(true);
      return;
    }
    setShowErrors(false);
    if (step < STEPS.length - 1) {
      setStep(step + 1);
      return;
    }
    setBusy(true);
    setError(null);
    const res = await call('vault.create', {
      path: location,
      passphrase: pass1,
      project: { title, institution, faculty, student, supervisor, siktRef, endDate, endAction, codePrefix },
    });
    setBusy(false);
    if (res.ok) {
      setPass1('');
      setPass2('');
      onCreated(res.value);
    } else setError(res.error);
  }

  async function chooseFolder() {
    const r = await call('vault.chooseFolder', { purpose: 'create' });
    if (r.ok && r.value) {
      setLocation(r.value);
      setLocationTouched(true);
    }
  }

  const strength = passphraseStrength(pass1);
  return (
    <main className="page narrow">
      <h1>{t('wizard.title')}</h1>
      <p className="muted" aria-live="polite">
        {t('wizard.step', { n: step + 1, total: STEPS.length })}: <strong>{t(STEPS[step]!)}</strong>
      </p>
      <ol className="steps" aria-hidden="true">
        {STEPS.map((s, i) => (
          <li key={s} className={i === step ? 'current' : i < step ? 'done' : ''} />
        ))}
      </ol>
      <form onSubmit={next} noValidate>
        {step === 0 && (
          <>
            <p className="hint">{t('wizard.projectHelp')}</p>
            <TextField label={t('field.title')} value={title} onChange={(e) => setTitle(e.target.value)} error={shown('title')} autoFocus required />
            <TextField label={t('field.institution')} value={institution} onChange={(e) => setInstitution(e.target.value)} optional />
            <TextField label={t('field.faculty')} value={faculty} onChange={(e) => setFaculty(e.target.value)} optional />
          </>
        )}
        {step === 1 && (
          <>
            <TextField label={t('field.student')} value={student} onChange={(e) => setStudent(e.target.value)} optional autoFocus />
            <TextField label={t('field.supervisor')} value={supervisor} onChange={(e) => setSupervisor(e.target.value)} optional />
            <TextField label={t('field.siktRef')} value={siktRef} onChange={(e) => setSiktRef(e.target.value)} optional />
            <TextField
              label={t('field.codePrefix')}
              value={codePrefix}
              maxLength={6}
              onChange={(e) => setCodePrefix(e.target.value.toUpperCase())}
              hint={t('field.codePrefix.help', { example: CODE_PREFIX_RE.test(codePrefix) ? `${formatCode(codePrefix, 2, 1)}, ${formatCode(codePrefix, 2, 2)}` : 'P01, P02' })}
              error={shown('codePrefix')}
            />
          </>
        )}
        {step === 2 && (
          <>
            <DateField label={t('field.endDate')} value={endDate} min={today} onChange={setEndDate} hint={t('field.endDate.help')} error={shown('endDate')} autoFocus />
            <fieldset className="field">
              <legend>{t('field.endAction')}</legend>
              <label className="radio">
                <input type="radio" name="endAction" checked={endAction === 'anonymise'} onChange={() => setEndAction('anonymise')} />
                {t('field.endAction.anonymise')}
              </label>
              <label className="radio">
                <input type="radio" name="endAction" checked={endAction === 'delete-all'} onChange={() => setEndAction('delete-all')} />
                {t('field.endAction.deleteAll')}
              </label>
            </fieldset>
            <div className="field-row">
              <TextField
                label={t('field.location')}
                value={location}
                onChange={(e) => {
                  setLocation(e.target.value);
                  setLocationTouched(true);
                }}
                error={shown('location')}
              />
              <button type="button" className="secondary" onClick={chooseFolder}>
                {t('field.location.choose')}
              </button>
            </div>
            {/* The whole path, wrapped at its folders: the field alone cut a long one off. */}
            {location && (
              <p className="vault-path location-full" aria-hidden="true">
                <PathText path={location} />
              </p>
            )}
          </>
        )}
        {step === 3 && (
          <>
            <div className="banner banner-warning" role="note">
              {t('passphrase.warning')}
            </div>
            <TextField
              label={t('field.passphrase')}
              type="password"
              autoComplete="new-password"
              value={pass1}
              onChange={(e) => setPass1(e.target.value)}
              hint={t('passphrase.help', { min: PASSPHRASE_MIN_LENGTH })}
              error={shown('pass1')}
              autoFocus
            />
            <div className="strength" data-level={strength}>
              <meter min={0} max={4} low={2} high={3} optimum={4} value={strength} aria-label={t('passphrase.strength', { label: t(`passphrase.strength.${strength}`) })} />
              <span>{t('passphrase.strength', { label: t(`passphrase.strength.${strength}`) })}</span>
            </div>
            <TextField label={t('field.passphraseRepeat')} type="password" autoComplete="new-password" value={pass2} onChange={(e) => setPass2(e.target.value)} error={shown('pass2')} />
            <label className="checkbox">
              <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} aria-invalid={shown('ack') ? true : undefined} />
              {t('passphrase.acknowledge')}
            </label>
            {shown('ack') && <p className="field-error">{shown('ack')}</p>}
          </>
        )}
        <ErrorBanner error={error} />
        {busy && <Busy label={t('wizard.creating')} />}
        <div className="actions">
          <button type="button" className="secondary" onClick={step === 0 ? onCancel : () => setStep(step - 1)} disabled={busy}>
            {step === 0 ? t('common.cancel') : t('common.back')}
          </button>
          <button type="submit" disabled={busy}>
            {step === STEPS.length - 1 ? t('wizard.create') : t('common.next')}
          </button>
        </div>
      </form>
    </main>
  );
}
