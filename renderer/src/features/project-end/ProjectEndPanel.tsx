/**
 * The end date's deletion, shown over whatever screen is up (the start screen, the lock
 * screen, an open vault that main locks for it): what is happening and why, the
 * overwriting's bar past a second with the time left and no Cancel (a promise to delete is
 * kept, and the panel says why), and when it is done, where the deletion certificate is.
 * Main keeps the state (its check at start runs before this page exists): read once, then
 * followed through AppEvent 'project-end'.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ProjectEndState } from '../../../../shared/contract';
import { call, onAppEvent } from '../../api';
import { WorkProgressBar } from '../../components/WorkProgress';
import { useI18n } from '../../i18n';

/** `vaultOpen`: a vault is open (this one, opened after its deletion, or another): the certificate is not "when you open it". */
export function ProjectEndPanel({ vaultOpen }: { vaultOpen: boolean }) {
  const { t, date } = useI18n();
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
  // Other projects' deletions that ended and were not closed yet (two vaults past their end at the start).
  const earlier = (state.earlier ?? []).map((e) => <Ended key={`${e.title}\u0000${e.endDate}`} state={e} vaultOpen={vaultOpen} />);
  const deleteAll = state.endAction === 'delete-all';
  if (state.phase === 'running') {
    return (
      <>
        {earlier}
        <section className="card project-end" aria-labelledby="project-end-title">
          <h2 id="project-end-title">{t('projectEnd.runningTitle')}</h2>
          <p>{t(deleteAll ? 'projectEnd.runningDeleteAll' : 'projectEnd.runningAnonymise', { title: state.title, date: date(state.endDate) })}</p>
          {state.resumed && <p>{t('projectEnd.resumed')}</p>}
          <p>{t('projectEnd.locked')}</p>
          {state.total > 0 ? (
            <WorkProgressBar job={{ id: 'project-end', bytes: state.bytes, total: state.total, started: state.startedAt }} what={t('projectEnd.overwriting')} cancellable={false} note={t('projectEnd.noCancel')} />
          ) : null}
        </section>
      </>
    );
  }
  return (
    <>
      {earlier}
      <Ended state={state} vaultOpen={vaultOpen} latest>
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
      </Ended>
    </>
  );
}

/**
 * A deletion that ended: done (what is deleted, where the certificate is) or failed (why, and
 * that it is tried again). `latest`: the one shown last, with Close (which closes every one);
 * an earlier one is named by its project too, so each region has its own name.
 */
function Ended({ state, vaultOpen, latest, children }: { state: ProjectEndState; vaultOpen: boolean; latest?: boolean; children?: ReactNode }) {
  const { t, date, error } = useI18n();
  const id = useId();
  const heading = t(state.phase === 'failed' ? 'projectEnd.failedTitle' : 'projectEnd.doneTitle');
  const labelled = latest ? { 'aria-labelledby': id } : { 'aria-label': `${heading}: «${state.title}»` };
  if (state.phase === 'failed') {
    return (
      <section className="card project-end failed" {...labelled}>
        <h2 id={id}>{heading}</h2>
        <p>{t('projectEnd.failedWhich', { title: state.title, date: date(state.endDate) })}</p>
        <p role={latest ? 'alert' : undefined}>
          {state.error ? error(state.error) : null} {t('projectEnd.failedRetry')}
        </p>
        {children}
      </section>
    );
  }
  const deleteAll = state.endAction === 'delete-all';
  return (
    <section className="card project-end done" {...labelled}>
      <h2 id={id}>{heading}</h2>
      <p role={latest ? 'status' : undefined}>{t(deleteAll ? 'projectEnd.doneDeleteAll' : 'projectEnd.doneAnonymise', { title: state.title })}</p>
      <p>
        {state.certificate
          ? t(vaultOpen ? 'projectEnd.certificateAtOpen' : 'projectEnd.certificateAt', { path: state.certificate })
          : t(vaultOpen ? 'projectEnd.certificateOverviewOpen' : 'projectEnd.certificateOverview')}
      </p>
      {children}
    </section>
  );
}
