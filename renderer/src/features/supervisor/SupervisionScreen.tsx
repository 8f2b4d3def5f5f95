import { useI18n } from '../../i18n';
import type { ProjectStatus } from '../../../../shared/contract';
import { SupervisorSettings, type OpenPassage } from './StudentSupervisors';

/**
 * The supervisor's place in the student's menu (issue 29: it lived at the bottom of a
 * 4 900-pixel Settings page, while "Utveksling" is REFI-QDA): who has access until when,
 * making a share, feedback in and replies out.
 */
export function SupervisionScreen({ status, onOpenPassage }: { status: ProjectStatus; onOpenPassage: OpenPassage }) {
  const { t } = useI18n();
  return (
    <main className="page">
      <h1>{t('nav.supervision')}</h1>
      <SupervisorSettings status={status} onOpenPassage={onOpenPassage} />
    </main>
  );
}
