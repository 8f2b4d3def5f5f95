import { useEffect, useState, type FormEvent } from 'react';
import { useFreshToday } from '../../components/today';
import { useUnsaved } from '../../components/unsaved';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card, ErrorBanner, Notice, TextField } from '../../components/ui';
import type { ChosenFile, FormVersionDto, Identity, ParticipantSummary, WithdrawalReceiptDto } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { CONSENT_METHODS, isIsoDate, PURPOSES, type ConsentMethod, type IsoDate, type StatementId } from '../../../../shared/domain';
import type { Locale } from '../../../../shared/i18n/catalogue';
import { ReceiptView } from './ReceiptView';
import { AttributesCard } from './AttributesCard';
import { DateField } from '../../components/DateField';
import { Dialog } from '../../components/Dialog';
import { unfilledFields } from '../../../../shared/letter';
import { useWork, WorkProgressBar } from '../../components/WorkProgress';

interface Props {
  code: string;
  today: IsoDate;
  onBack(): void;
}

export function ParticipantDetail({ code, today, onBack }: Props) {
  const { t, date } = useI18n();
  const [summary, setSummary] = useState<ParticipantSummary | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [withdrawing, setWithdrawing] = useState(false);
  const [receipt, setReceipt] = useState<WithdrawalReceiptDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async () => {
    const r = await call('participants.list', {});
    if (!r.ok) return setError(r.error);
    setSummary(r.value.find((p) => p.code === code) ?? null);
  };
  useEffect(() => {
    void load();
  }, [code]);

  if (receipt) return <ReceiptView receipt={receipt} onBack={onBack} />;
  if (!summary) return <main className="page narrow">{error && <ErrorBanner error={error} />}</main>;

  const active = summary.status === 'active';

  async function accessExport(locale: Locale) {
    setNotice(null);
    const r = await call('access.export', { code, locale });
    if (!r.ok) return setError(r.error);
    if (r.value) setNotice(t('participant.accessDone', { folder: r.value.folder, count: r.value.files.length }));
  }

  async function showReceipt() {
    const r = await call('withdrawal.receipt', { code });
    if (r.ok) setReceipt(r.value);
    else setError(r.error);
  }

  return (
    <main className="page">
      <button type="button" className="link" onClick={onBack}>
        {t('participant.back')}
      </button>
      <div className="page-head">
        <h1 className="code-title">{code}</h1>
        <span className={`pill ${summary.status}`}>{t(`status.${summary.status}`)}</span>
      </div>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {!active && (
        <Card title={t('participant.consent')}>
          <p>{t('participant.withdrawnInfo', { date: summary.withdrawnOn ? date(summary.withdrawnOn) : '' })}</p>
          <div className="actions start">
            <button type="button" className="secondary" onClick={() => void showReceipt()}>
              {t('participant.showReceipt')}
            </button>
          </div>
        </Card>
      )}
      {active && (
        <div className="detail-grid">
          <IdentityCard code={code} onError={setError} />
          <ConsentCard summary={summary} today={today} onChanged={load} onError={setError} />
          <Card title={t('participant.processing')}>
            <ul className="checks">
              {PURPOSES.map((p) => {
                const ok = summary.consent?.covers[p] ?? false;
                return (
                  <li key={p} className={ok ? 'yes' : 'no'}>
                    <span aria-hidden="true">{ok ? '✓' : '✕'}</span> <strong>{t(`purpose.${p}`)}</strong>:{' '}
                    {ok ? t('participant.allowed') : summary.consent ? t('participant.notAllowed') : t('screens.participant.noConsentYet')}
                  </li>
                );
              })}
            </ul>
          </Card>
          <AttributesCard code={code} onError={setError} />
          <Card title={t('participant.rights')}>
            <p>{t('participant.rightsText')}</p>
            <div className="actions start wrap">
              <button type="button" className="secondary" onClick={() => void accessExport('nb')}>
                {t('participant.access')} (nb)
              </button>
              <button type="button" className="secondary" onClick={() => void accessExport('en')}>
                {t('participant.access')} (en)
              </button>
              {/* Only a consent that was given can be withdrawn; a participant with none can still be deleted. */}
              <button type="button" className="danger" onClick={() => setWithdrawing(true)}>
                {summary.consent ? t('participant.withdraw') : t('screens.participant.remove')}
              </button>
            </div>
          </Card>
        </div>
      )}
      {withdrawing && <WithdrawDialog code={code} today={today} consentDate={summary.consent?.date ?? null} onCancel={() => setWithdrawing(false)} onDone={setReceipt} />}
    </main>
  );
}

function IdentityCard({ code, onError }: { code: string; onError(e: ErrorInfo): void }) {
  const { t } = useI18n();
  // Held only while this card is on screen: navigating away unmounts it and forgets the identity.
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [editing, setEditing] = useState<Identity | null>(null);
  const [saved, setSaved] = useState(false);
  useUnsaved(editing !== null && identity !== null && (['name', 'email', 'phone', 'workplace', 'notes'] as const).some((k) => editing[k] !== identity[k]));

  async function reveal() {
    const r = await call('participants.reveal', { code });
    if (r.ok) setIdentity(r.value);
    else onError(r.error);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!editing || !identity) return;
    const change: Partial<Identity> = {};
    for (const k of ['name', 'email', 'phone', 'workplace', 'notes'] as const) if (editing[k] !== identity[k]) change[k] = editing[k];
    const r = await call('participants.update', { code, change });
    if (!r.ok) return onError(r.error);
    setIdentity(editing);
    setEditing(null);
    setSaved(true);
  }

  return (
    <Card title={t('participant.identity')}>
      {!identity && (
        <>
          <p className="muted">{t('participant.identityHidden')}</p>
          <button type="button" onClick={() => void reveal()}>
            {t('participant.reveal')}
          </button>
        </>
      )}
      {identity && !editing && (
        <>
          <dl className="identity">
            {(['name', 'email', 'phone', 'workplace', 'notes'] as const).map((k) =>
              identity[k] ? (
                <div key={k}>
                  <dt>{t(`field.${k}`)}</dt>
                  <dd>{identity[k]}</dd>
                </div>
              ) : null,
            )}
          </dl>
          {saved && <Notice>{t('participant.corrected')}</Notice>}
          <div className="actions start">
            <button type="button" className="secondary" onClick={() => setIdentity(null)}>
              {t('participant.hide')}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(identity)}>
              {t('participant.edit')}
            </button>
          </div>
        </>
      )}
      {editing && (
        <form onSubmit={save} noValidate>
          {(['name', 'email', 'phone', 'workplace', 'notes'] as const).map((k) => (
            <TextField key={k} label={t(`field.${k}`)} value={editing[k]} onChange={(e) => setEditing({ ...editing, [k]: e.target.value })} autoComplete="off" />
          ))}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setEditing(null)}>
              {t('common.cancel')}
            </button>
            <button type="submit">{t('participant.saveCorrection')}</button>
          </div>
        </form>
      )}
    </Card>
  );
}

function ConsentCard({ summary, today: appToday, onChanged, onError }: { summary: ParticipantSummary; today: IsoDate; onChanged(): Promise<void>; onError(e: ErrorInfo): void }) {
  const { t, date } = useI18n();
  const [open, setOpen] = useState(false);
  // Read again when the form opens: the consent date defaults to today, not the unlock day.
  const today = useFreshToday(appToday, open);
  const [forms, setForms] = useState<FormVersionDto[]>([]);
  const [version, setVersion] = useState(1);
  const [locale, setLocale] = useState<Locale>('nb');
  const [method, setMethod] = useState<ConsentMethod>('paper');
  // Null until the user picks a date: the default follows "today" as it moves past midnight.
  const [picked, setWhen] = useState<string | null>(null);
  const when = picked ?? today;
  const [statements, setStatements] = useState<StatementId[]>([]);
  const [evidence, setEvidence] = useState<ChosenFile | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The statements start ticked from the form; a chosen evidence file, a changed date or
  // any choice changed from how the form opened is what was entered.
  const [opened, setOpened] = useState('');
  const choices = JSON.stringify({ version, locale, method, statements: [...statements].sort() });
  useUnsaved(open && (evidence !== null || when !== today || choices !== opened));
  const [acceptUnfinished, setAcceptUnfinished] = useState(false);

  async function start() {
    const r = await call('forms.list', {});
    if (!r.ok) return onError(r.error);
    setForms(r.value);
    const latest = r.value.at(-1);
    if (latest) {
      setVersion(latest.version);
      setStatements(latest.texts[locale].statements.map((s) => s.id));
      setOpened(JSON.stringify({ version: latest.version, locale, method, statements: latest.texts[locale].statements.map((s) => s.id).sort() }));
    }
    setOpen(true);
  }

  const form = forms.find((f) => f.version === version);
  const unfilled = form ? unfilledFields(form.texts[locale]) : [];

  async function chooseEvidence() {
    const r = await call('consent.chooseEvidence', {});
    if (r.ok && r.value) setEvidence(r.value);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (statements.length === 0) return setProblem(t('consentForm.needStatement'));
    setProblem(null);
    const r = await call('consent.record', {
      code: summary.code,
      date: when,
      formVersion: version,
      locale,
      method,
      statements,
      evidence: evidence?.token ?? null,
      ...(unfilled.length > 0 ? { unfinishedLetter: acceptUnfinished } : {}),
    });
    if (!r.ok) return onError(r.error);
    setOpen(false);
    setEvidence(null);
    await onChanged();
  }

  return (
    <Card title={t('participant.consent')} className="consent-card">
      {summary.consent ? (
        <>
          <p>{t('participant.consentSummary', { date: date(summary.consent.date), method: t(`method.${summary.consent.method}`), version: summary.consent.formVersion })}</p>
          {summary.consent.unfilledFields.length > 0 && <p className="warning-text">{t('screens.consent.unfinishedRecorded', { fields: summary.consent.unfilledFields.join(', ') })}</p>}
          {/* Given before the vault existed: said, so it is never taken for backdating. */}
          {summary.consent.recordedAfterwards && <p className="muted">{t('hardening.recordedAfterwards', { date: date(summary.consent.recordedAt) })}</p>}
        </>
      ) : (
        <p className="warning-text">{t('participant.noConsent')}</p>
      )}
      {!open && (
        <button type="button" className={summary.consent ? 'secondary' : ''} onClick={() => void start()}>
          {/* After consent, what is offered is a new version of it (a renewed or changed consent). */}
          {summary.consent ? t('participant.newConsentVersion') : t('participant.recordConsent')}
        </button>
      )}
      {open && form && (
        <form onSubmit={save} noValidate aria-labelledby="cf-title">
          {/* A consent already given is renewed or changed, not recorded again: the form says which. */}
          <h3 id="cf-title">{summary.consent ? t('consentForm.newTitle', { code: summary.code }) : t('consentForm.title', { code: summary.code })}</h3>
          {summary.consent && <p className="muted">{t('consentForm.newIntro', { date: date(summary.consent.date) })}</p>}
          <DateField label={t('consentForm.date')} value={when} max={today} onChange={setWhen} />
          <div className="two">
            <div className="field">
              <label htmlFor="cf-version">{t('consentForm.version')}</label>
              <select id="cf-version" value={version} onChange={(e) => setVersion(Number(e.target.value))}>
                {forms.map((f) => (
                  <option key={f.version} value={f.version}>
                    {t('consentForm.versionOption', { version: f.version })}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="cf-locale">{t('consentForm.locale')}</label>
              <select id="cf-locale" value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
                <option value="nb">{t('settings.language.nb')}</option>
                <option value="en">{t('settings.language.en')}</option>
              </select>
            </div>
          </div>
          {unfilled.length > 0 && (
            <div className="banner banner-warning" role="alert">
              <p>{t('screens.consent.unfinished', { version, locale: t(`settings.language.${locale}`), fields: unfilled.map((f) => (f.length > 60 ? `${f.slice(0, 57)}…]` : f)).join(', ') })}</p>
              <p>{t('screens.consent.unfinishedFix')}</p>
              <label className="checkbox">
                <input type="checkbox" checked={acceptUnfinished} onChange={(e) => setAcceptUnfinished(e.target.checked)} />
                {t('screens.consent.unfinishedAccept')}
              </label>
            </div>
          )}
          <div className="field">
            <label htmlFor="cf-method">{t('consentForm.method')}</label>
            <select id="cf-method" value={method} onChange={(e) => setMethod(e.target.value as ConsentMethod)}>
              {CONSENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`method.${m}`)}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field">
            <legend>{t('consentForm.statements')}</legend>
            {form.texts[locale].statements.map((s) => (
              <label key={s.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={statements.includes(s.id)}
                  onChange={(e) => setStatements(e.target.checked ? [...statements, s.id] : statements.filter((x) => x !== s.id))}
                />
                {s.text}
              </label>
            ))}
            {problem && <p className="field-error">{problem}</p>}
          </fieldset>
          <div className="field">
            <span className="label">{t('consentForm.evidence')}</span>
            <div className="file-row">
              <button type="button" className="secondary" onClick={() => void chooseEvidence()}>
                {t('consentForm.chooseEvidence')}
              </button>
              <span className="muted">{evidence ? evidence.name : t('consentForm.noEvidence')}</span>
            </div>
            <p className="hint">{t('consentForm.evidenceHelp')}</p>
          </div>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" disabled={unfilled.length > 0 && !acceptUnfinished}>
              {summary.consent ? t('consentForm.saveNew') : t('consentForm.save')}
            </button>
          </div>
        </form>
      )}
    </Card>
  );
}

function WithdrawDialog({ code, today: appToday, consentDate, onCancel, onDone }: { code: string; today: IsoDate; consentDate: IsoDate | null; onCancel(): void; onDone(r: WithdrawalReceiptDto): void }) {
  const { t } = useI18n();
  // Read again when the dialog opens: the withdrawal date defaults to today, not the unlock day.
  const today = useFreshToday(appToday);
  const consented = consentDate !== null;
  const [counts, setCounts] = useState<Record<string, number> | null>(null);
  const [typed, setTyped] = useState('');
  // Null until the user picks a date: the default follows "today" as it moves past midnight.
  const [picked, setWhen] = useState<string | null>(null);
  const when = picked ?? today;
  // Not in the future, and not before the consent it withdraws: the receipt states both dates.
  const dateOk = isIsoDate(when) && when <= today && (consentDate === null || when >= consentDate);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  // The recordings' overwriting (gigabytes take seconds): a bar past a second, no Cancel.
  const work = useWork();

  useEffect(() => {
    void call('withdrawal.preview', { code }).then((r) => (r.ok ? setCounts(r.value) : setError(r.error)));
  }, [code]);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (typed.trim().toUpperCase() !== code) return setMismatch(true);
    setBusy(true);
    const r = await call('withdrawal.execute', { code, confirmCode: typed, date: when, jobId: work.start() });
    work.stop();
    setBusy(false);
    if (r.ok) onDone(r.value);
    else setError(r.error);
  }

  return (
    <Dialog labelledBy="wd-h" onCancel={busy ? undefined : onCancel}>
      <h2 id="wd-h">{consented ? t('withdraw.title', { code }) : t('screens.participant.removeTitle', { code })}</h2>
      <p>{consented ? t('withdraw.intro') : t('screens.participant.removeIntro', { code })}</p>
      {counts && (
        <>
          <p>
            <strong>{t('withdraw.list')}</strong>
          </p>
          <ul className="counts">
            {Object.entries(counts).map(([kind, n]) => (
              <li key={kind}>
                <span>{t(`kind.${kind}` as 'kind.identity')}</span>
                <span className="n">{n}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <form onSubmit={confirm} noValidate>
        <DateField label={consented ? t('withdraw.date') : t('screens.participant.removeDate')} value={when} min={consentDate ?? undefined} max={today} onChange={setWhen} />
        <TextField
          label={t('withdraw.typeCode', { code })}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setMismatch(false);
          }}
          error={mismatch ? t('withdraw.mismatch', { code }) : null}
          autoFocus
          autoComplete="off"
        />
        <ErrorBanner error={error} />
        <WorkProgressBar job={work.job} what={t('work.shred')} cancellable={false} note={t('work.noCancel')} />
        <div className="actions">
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="danger" disabled={busy || !dateOk || typed.trim().toUpperCase() !== code}>
            {t('withdraw.confirm', { code })}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
