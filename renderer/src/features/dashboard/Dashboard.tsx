import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card, ErrorBanner, PathText } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import type { ProjectStatus } from '../../../../shared/contract';
import { unfilledFields } from '../../../../shared/letter';
import { BackupDashboard } from '../backup';

const STORES = [
  { store: 'keylist', title: 'dashboard.participants' },
  { store: 'recordings', title: 'dashboard.recordings' },
  { store: 'transcripts', title: 'dashboard.transcripts' },
] as const;

export function Dashboard({ status, onOpenForms, onOpenNotification }: { status: ProjectStatus; onOpenForms(): void; onOpenNotification?(): void }) {
  const { t, date, locale } = useI18n();
  const [offer, setOffer] = useState(false);
  // Fields of the newest letter still in [brackets]: the first thing a new project has to do.
  const [unfilled, setUnfilled] = useState(0);
  useEffect(() => {
    if (status.destroyed.length > 0) return;
    void call('forms.list', {}).then((r) => {
      const latest = r.ok ? r.value.at(-1) : undefined;
      setUnfilled(latest ? unfilledFields(latest.texts[locale]).length : 0);
    });
  }, [status, locale]);
  useEffect(() => {
    if (status.destroyed.length > 0) return;
    void call('schedule.status', {}).then((r) => setOffer(r.ok && r.value.supported && !r.value.installed));
  }, [status.vaultId, status.destroyed.length]);
  const [saved, setSaved] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<ErrorInfo | null>(null);
  async function saveCertificate(executedAt: string) {
    setSaved(null);
    setSaveError(null);
    const r = await call('certificates.save', { executedAt, format: 'pdf' });
    if (!r.ok) return setSaveError(r.error);
    if (r.value) setSaved(r.value);
  }
  async function install() {
    const r = await call('schedule.install', {});
    if (r.ok) setOffer(false);
  }
  const d = date(status.endDate);
  const countdown =
    status.daysLeft > 0
      ? t('dashboard.daysLeft', { days: status.daysLeft, date: d })
      : status.daysLeft === 0
        ? t('dashboard.endToday', { date: d })
        : t('dashboard.endPassed', { date: d });
  const urgency = status.daysLeft <= 7 ? 'urgent' : status.daysLeft <= 30 ? 'soon' : 'calm';
  const ended = status.destroyed.length > 0;
  const storeName = (s: string) => t(`cert.store.${s as 'keylist'}`);
  return (
    <main className="page">
      <h1>{t('screens.dashboard.title')}</h1>
      {ended && (
        <section className="banner banner-ended" aria-labelledby="ended-h">
          <h2 id="ended-h">{t('ended.title')}</h2>
          <p>{status.destroyed.includes('transcripts') ? t('ended.textAll', { date: d }) : t('ended.text', { date: d })}</p>
          {status.certificates.map((c) => (
            <div key={c.executedAt}>
              <p>
                <strong>{t('ended.certificate')}:</strong> {t('ended.certificateText', { date: date(c.executedAt.slice(0, 10)), stores: c.stores.map((x) => storeName(x.store)).join('; ') })}
              </p>
              {/* The backup places as the certificate lists them: the same states as Settings → Sikkerhetskopi. */}
              {c.backupPlaces && c.backupPlaces.places.length > 0 && (
                <ul className="cert-places" aria-label={t('cert.backup.title')}>
                  {c.backupPlaces.places.map((p) => (
                    <li key={p.n}>
                      {p.n}. {p.label}:{' '}
                      {p.state === 'destroyed'
                        ? t('cert.backup.destroyed', { date: date(p.destroyedOn ?? '') })
                        : t(p.state === 'erased' ? 'cert.backup.erased' : p.state === 'no-copy' ? 'cert.backup.noCopy' : 'cert.backup.notErased')}
                    </li>
                  ))}
                </ul>
              )}
              <button type="button" className="secondary" onClick={() => void saveCertificate(c.executedAt)}>
                {t('screens.pdf.certificate')}
              </button>
            </div>
          ))}
          <ErrorBanner error={saveError} />
          {saved && <p role="status">{t('screens.pdf.saved', { path: saved })}</p>}
        </section>
      )}
      {!ended && unfilled > 0 && (
        <section className="banner banner-info first-step" aria-labelledby="first-step-h">
          <h2 id="first-step-h">{t('screens.firstStep.title')}</h2>
          <p>{t('screens.firstStep.text', { count: unfilled })}</p>
          <div className="actions start">
            <button type="button" onClick={onOpenForms}>
              {t('screens.firstStep.open')}
            </button>
          </div>
        </section>
      )}
      {offer && (
        <div className="banner banner-info offer" role="region" aria-label={t('schedule.title')}>
          <p>{t('schedule.offer')}</p>
          <div className="actions start">
            <button type="button" onClick={() => void install()}>
              {t('schedule.install')}
            </button>
            <button type="button" className="secondary" onClick={() => setOffer(false)}>
              {t('schedule.later')}
            </button>
          </div>
        </div>
      )}
      {!ended && status.reminder !== null && (
        <div className="banner banner-warning" role="status">
          {status.endAction === 'anonymise'
            ? t('reminder.banner.anonymise', {
                days: status.daysLeft,
                date: d,
                participants: t('count.participants', { count: status.participants.active }),
                recordings: t('count.recordings', { count: status.recordingCount }),
              })
            : t('reminder.banner.deleteAll', { days: status.daysLeft, date: d })}
        </div>
      )}
      {!ended && status.endAction === 'anonymise' && status.daysLeft <= 30 && status.transcriptsWithIdentifiers > 0 && (
        <div className="banner banner-warning" role="status">
          {t('deid.reminder', { count: status.transcriptsWithIdentifiers })}
        </div>
      )}
      {!ended && (
      <section className={`countdown ${urgency}`} aria-labelledby="countdown-h">
        <p className="countdown-days" aria-hidden="true">
          {Math.max(status.daysLeft, 0)}
        </p>
        <div>
          <h2 id="countdown-h">{countdown}</h2>
          <p>{status.endAction === 'anonymise' ? t('dashboard.endAction.anonymise') : t('dashboard.endAction.deleteAll')}</p>
        </div>
      </section>
      )}
      <div className="grid">
        {STORES.map(({ store, title }) => (
          <Card key={store} title={t(title)}>
            <p className="muted">{t(`dashboard.store.${store}`)}</p>
            {status.destroyed.includes(store) ? (
              <p>
                <strong>{t('screens.ended.storeDeleted', { date: date(status.certificates.at(-1)?.executedAt.slice(0, 10) ?? status.endDate) })}</strong>
              </p>
            ) : store === 'keylist' ? (
              <p>{status.participants.active + status.participants.withdrawn === 0 ? t('dashboard.empty') : t('dashboard.participantCount', status.participants)}</p>
            ) : store === 'recordings' ? (
              <p>{status.recordingCount === 0 ? t('dashboard.empty') : t('count.recordings', { count: status.recordingCount })}</p>
            ) : (
              // Transcripts, not the store's records: the codebook, memos and markers live there too.
              <p>{status.transcriptCount === 0 ? t('dashboard.empty') : t('screens.dashboard.transcripts', { count: status.transcriptCount })}</p>
            )}
          </Card>
        ))}
      </div>
      {onOpenNotification && (
        <Card title={t('notif.nav')} className="notif-entry">
          <p className="muted">{t('notif.page.dashboardText')}</p>
          <button type="button" className="secondary" onClick={onOpenNotification}>
            {t('notif.page.open')}
          </button>
        </Card>
      )}
      <BackupDashboard refresh={status} />
      <Card title={t('dashboard.project')} className="facts">
        <p className="project-title">{status.title}</p>
        {(status.institution || status.faculty) && (
          <p>{t('dashboard.responsible', { institution: status.institution, faculty: status.faculty }).replace(/^, |, $/g, '')}</p>
        )}
        <p>{t('dashboard.people', { student: status.student || '–', supervisor: status.supervisor || '–' })}</p>
        {status.siktRef && <p>{t('dashboard.sikt', { ref: status.siktRef })}</p>}
        <p className="vault-path">
          <PathText path={status.path} />
        </p>
      </Card>
    </main>
  );
}
