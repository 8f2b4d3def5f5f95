/**
 * The dashboard's line about backups (issue 28): when the newest copy was made, and a
 * reminder when it is more than a week old, a place has not been seen for a week, or a
 * copy still holds what a withdrawal or the end date removed from the vault.
 */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card } from '../../components/ui';
import type { BackupView } from '../../../../shared/backup';

export function BackupDashboard({ refresh, onOpenSettings }: { refresh: unknown; onOpenSettings?(): void }) {
  const { t, date } = useI18n();
  const [view, setView] = useState<BackupView | null>(null);
  useEffect(() => {
    void call('backup.get', {}).then((r) => r.ok && setView(r.value));
  }, [refresh]);
  if (!view) return null;
  // No copy anywhere, and a place's disk recorded destroyed: "no copy yet" would say the vault
  // never had one, and hide that the copy it had is gone and a new place (or a run) is needed.
  const destroyed = view.places.filter((p) => p.destroyedOn);
  const lost = view.newestCopyAt === null && destroyed.length > 0 ? { n: destroyed.length, date: date(destroyed.map((p) => p.destroyedOn!).sort().at(-1)!), all: destroyed.length === view.places.length } : null;
  const reminder =
    view.reminder === 'notErased' ? t('backup.dash.notErased') : view.reminder === 'old' ? t('backup.dash.old') : view.reminder === 'unseen' ? t('backup.dash.unseen') : null;
  return (
    <Card title={t('backup.ui.title')} className="backup-entry">
      {lost ? (
        <p className="warning-text" role="status">
          {lost.all && lost.n === 1 ? t('backup.dash.onlyDestroyed', { date: lost.date }) : t(lost.all ? 'backup.dash.allDestroyed' : 'backup.dash.destroyedNoCopy', { n: lost.n, date: lost.date })}
        </p>
      ) : (
        <p>{view.places.length === 0 ? t('backup.dash.noPlace') : view.newestCopyAt ? t('backup.dash.last', { date: date(view.newestCopyAt.slice(0, 10)), n: view.places.length }) : t('backup.ui.never')}</p>
      )}
      {reminder && (
        <p className="warning-text" role="status">
          {reminder}
        </p>
      )}
      {onOpenSettings && (
        <button type="button" className="secondary" onClick={onOpenSettings}>
          {t('backup.dash.open')}
        </button>
      )}
    </Card>
  );
}
