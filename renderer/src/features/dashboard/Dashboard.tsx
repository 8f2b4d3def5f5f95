import { useI18n } from '../../i18n';
import { Card } from '../../components/ui';
import type { ProjectStatus } from '../../../../shared/contract';

const STORES = [
  { store: 'keylist', title: 'dashboard.participants' },
  { store: 'recordings', title: 'dashboard.recordings' },
  { store: 'transcripts', title: 'dashboard.transcripts' },
] as const;

export function Dashboard({ status }: { status: ProjectStatus }) {
  const { t, date } = useI18n();
  const d = date(status.endDate);
  const countdown =
    status.daysLeft > 1
      ? t('dashboard.daysLeft', { days: status.daysLeft, date: d })
      : status.daysLeft === 1
        ? t('dashboard.dayLeft', { date: d })
        : status.daysLeft === 0
          ? t('dashboard.endToday', { date: d })
          : t('dashboard.endPassed', { date: d });
  const urgency = status.daysLeft <= 7 ? 'urgent' : status.daysLeft <= 30 ? 'soon' : 'calm';
  return (
    <main className="page">
      <section className={`countdown ${urgency}`} aria-labelledby="countdown-h">
        <p className="countdown-days" aria-hidden="true">
          {Math.max(status.daysLeft, 0)}
        </p>
        <div>
          <h2 id="countdown-h">{countdown}</h2>
          <p>{status.endAction === 'anonymise' ? t('dashboard.endAction.anonymise') : t('dashboard.endAction.deleteAll')}</p>
        </div>
      </section>
      <div className="grid">
        {STORES.map(({ store, title }) => (
          <Card key={store} title={t(title)}>
            <p className="muted">{t(`dashboard.store.${store}`)}</p>
            {store === 'keylist' ? (
              <p>{status.participants.active + status.participants.withdrawn === 0 ? t('dashboard.empty') : t('dashboard.participantCount', status.participants)}</p>
            ) : (
              <p>{status.stores[store] === 0 ? t('dashboard.empty') : t('dashboard.items', { count: status.stores[store] })}</p>
            )}
          </Card>
        ))}
      </div>
      <Card title={t('dashboard.project')} className="facts">
        <p className="project-title">{status.title}</p>
        {(status.institution || status.faculty) && (
          <p>{t('dashboard.responsible', { institution: status.institution, faculty: status.faculty }).replace(/^, |, $/g, '')}</p>
        )}
        <p>{t('dashboard.people', { student: status.student || '–', supervisor: status.supervisor || '–' })}</p>
        {status.siktRef && <p>{t('dashboard.sikt', { ref: status.siktRef })}</p>}
        <p className="vault-path">{status.path}</p>
      </Card>
    </main>
  );
}
