/**
 * The end date's deletion, shown over whatever screen is up (the start screen, the lock
 * screen, an open vault that main locks for it): what is happening and why, the
 * overwriting's bar past a second with the time left and no Cancel (a promise to delete is
 * kept, and the panel says why), and when it is done, where the deletion certificate is.
 * Main keeps the state (its check at start runs before this page exists): read once, then
 * followed through AppEvent 'project-end'.
 */
import { useEffect, useState } from 'react';
import type { ProjectEndState } from '../../../../shared/contract';
import { call, onAppEvent } from '../../api';
import { WorkProgressBar } from '../../components/WorkProgress';
import { useI18n } from '../../i18n';

/** `vaultOpen`: a vault is open (this one, opened after its deletion, or another): the certificate is not "when you open it". */
export function ProjectEndPanel({ vaultOpen }: { vaultOpen: boolean }) {
  const { t, date, error } = useI18n();
  const [state, setState] = useState<ProjectEndState | null>(null);
  useEffect(() => {
    let live = true;
    let heard = false;
    const off = onAppEvent((e) => {
      if (e.type !== 'project-end') return;
      heard = true;
      setState(e.state);
    });
    void call('projectEnd.state', {}).then((r) => {
      // An event heard meanwhile is newer than this answer.
      if (live && !heard && r.ok) setState(r.value);
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  if (!state) return null;
  const deleteAll = state.endAction === 'delete-all';
  if (state.phase === 'running') {
    return (
      <section className="card project-end" aria-labelledby="project-end-title">
        <h2 id="project-end-title">{t('projectEnd.runningTitle')}</h2>
        <p>{t(deleteAll ? 'projectEnd.runningDeleteAll' : 'projectEnd.runningAnonymise', { title: state.title, date: date(state.endDate) })}</p>
        {state.resumed && <p>{t('projectEnd.resumed')}</p>}
        <p>{t('projectEnd.locked')}</p>
        {state.total > 0 ? (
          <WorkProgressBar job={{ id: 'project-end', bytes: state.bytes, total: state.total, started: state.startedAt }} what={t('projectEnd.overwriting')} cancellable={false} note={t('projectEnd.noCancel')} />
        ) : null}
      </section>
    );
  }
  const close = (
    <div className="actions start">
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setState(null);
          void call('projectEnd.dismiss', {});
        }}
      >
        {t('projectEnd.close')}
      </button>
    </div>
  );
  if (state.phase === 'failed') {
    return (
      <section className="card project-end failed" aria-labelledby="project-end-title">
        <h2 id="project-end-title">{t('projectEnd.failedTitle')}</h2>
        <p>{t('projectEnd.failedWhich', { title: state.title, date: date(state.endDate) })}</p>
        <p role="alert">{state.error ? error(state.error) : null} {t('projectEnd.failedRetry')}</p>
        {close}
      </section>
    );
  }
  return (
    <section className="card project-end done" aria-labelledby="project-end-title">
      <h2 id="project-end-title">{t('projectEnd.doneTitle')}</h2>
      <p role="status">{t(deleteAll ? 'projectEnd.doneDeleteAll' : 'projectEnd.doneAnonymise', { title: state.title })}</p>
      <p>
        {state.certificate
          ? t(vaultOpen ? 'projectEnd.certificateAtOpen' : 'projectEnd.certificateAt', { path: state.certificate })
          : t(vaultOpen ? 'projectEnd.certificateOverviewOpen' : 'projectEnd.certificateOverview')}
      </p>
      {close}
    </section>
  );
}
