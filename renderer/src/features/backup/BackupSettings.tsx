/**
 * Settings → Sikkerhetskopi (issue 28): the backup places, when each last got a copy, a copy
 * not yet erased, and the buttons to add a place, take a copy now and check the copies.
 * Over electron/core/services/backup/ through main (shared/backup.ts).
 */
import { useEffect, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import { DateField } from '../../components/DateField';
import { useFreshToday } from '../../components/today';
import type { IsoDate } from '../../../../shared/domain';
import type { BackupView, MovePlan, MoveView } from '../../../../shared/backup';
import type { ProjectStatus } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { useWork, WorkProgressBar } from '../../components/WorkProgress';

export function BackupSettings({ today: appToday, onStatus }: { today: IsoDate; onStatus?(status: ProjectStatus): void }) {
  const { t, date } = useI18n();
  // Read again when the screen opens: the date a disk was destroyed defaults to today.
  const today = useFreshToday(appToday);
  const [view, setView] = useState<BackupView | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  /** The place whose disk the student is recording as destroyed, and the date typed. */
  const [destroying, setDestroying] = useState<{ dir: string; on: string } | null>(null);
  /** The move out of a synced folder: the folder main's dialog gave (shown, then confirmed), and what came of it. */
  const [plan, setPlan] = useState<MovePlan | null>(null);
  const [moved, setMoved] = useState<MoveView | null>(null);
  const moveWork = useWork();

  useEffect(() => {
    void call('backup.get', {}).then((r) => (r.ok ? setView(r.value) : setError(r.error)));
  }, []);

  async function act<T>(fn: () => Promise<{ ok: true; value: T } | { ok: false; error: ErrorInfo }>, then: (v: T) => void) {
    setBusy(true);
    setError(null);
    setMessage(null);
    const r = await fn();
    setBusy(false);
    if (r.ok) then(r.value);
    else setError(r.error);
  }

  const add = () => act(() => call('backup.addPlace', {}), (v) => v && setView(v));
  const remove = (dir: string) => act(() => call('backup.removePlace', { dir }), setView);
  const destroyed = (dir: string, on: string) =>
    act(
      () => call('backup.destroyed', { dir, on }),
      (v) => {
        setView(v);
        setDestroying(null);
      },
    );
  const run = () =>
    act(
      () => call('backup.run', {}),
      (v) => {
        setView(v.view);
        const copied = v.results.filter((r) => r.outcome === 'copied').length;
        // A place refused is said by name: the student must decide what the copy there is.
        const refused = v.results.filter((r) => r.outcome === 'refused').map((r) => t(r.reason === 'not-found' ? 'backup.refused.notFound' : 'backup.refused.newerThere', { dir: r.dir }));
        setMessage([t('backup.ui.ran', { copied, all: v.results.length }), ...refused].join(' '));
      },
    );
  const chooseMove = () => act(() => call('backup.chooseMoveTarget', {}), (p) => setPlan(p));
  const move = async () => {
    const jobId = moveWork.start();
    await act(
      () => call('backup.move', { jobId }),
      (v) => {
        setPlan(null);
        setMoved(v);
        setView(v.view);
        // The vault's path shown elsewhere (the status) follows the move.
        void call('session.state', {}).then((r) => r.ok && r.value.unlocked && onStatus?.(r.value.status));
      },
    );
    moveWork.stop();
  };
  const verify = () =>
    act(
      () => call('backup.verify', {}),
      (v) => {
        const bad = v.filter((r) => r.problems.length > 0);
        setMessage(bad.length === 0 ? t('backup.ui.verified') : t('backup.ui.damaged', { dirs: bad.map((r) => r.dir).join(', ') }));
      },
    );

  return (
    <section className="card settings-card" aria-labelledby="bk-h">
      <h2 id="bk-h">{t('backup.ui.title')}</h2>
      <p className="hint">{t('backup.ui.help')}</p>
      {view?.syncedBy && (
        <div className="banner banner-warning" role="note">
          <p>{t('backup.vaultSynced', { service: view.syncedBy })}</p>
          {!plan && (
            <div className="actions start">
              <button type="button" className="secondary" disabled={busy} onClick={() => void chooseMove()}>
                {t('move.button')}
              </button>
            </div>
          )}
        </div>
      )}
      {plan && (
        <section className="move-plan" aria-labelledby="mv-h">
          <h3 id="mv-h">{t('move.title')}</h3>
          <p>
            <strong className="backup-dir">{t('move.chosen', { to: plan.to })}</strong>
          </p>
          <p>{t('move.willHappen')}</p>
          <ol>
            <li>{t('move.step.copy')}</li>
            <li>{t('move.step.verify')}</li>
            <li>{t('move.step.place', { service: plan.service ?? t('move.theCloud') })}</li>
          </ol>
          <p className="warning-text">{t('move.cloudKeeps', { service: plan.service ?? t('move.theCloud') })}</p>
          <WorkProgressBar job={moveWork.job} what={t('move.working')} cancellable={false} />
          <div className="actions start">
            <button type="button" className="secondary" disabled={busy} onClick={() => setPlan(null)}>
              {t('move.cancel')}
            </button>
            <button type="button" disabled={busy} onClick={() => void move()}>
              {busy ? t('move.working') : t('move.confirm')}
            </button>
          </div>
        </section>
      )}
      {moved && (
        <div className="move-done" role="status">
          <Notice>{t('move.done', { to: moved.to })}</Notice>
          {moved.backupPlace && <p>{t(moved.backupCopied ? 'move.placeAdded' : 'move.placeFailed', { dir: moved.backupPlace })}</p>}
          {moved.dailyJob === 'moved' && <p>{t('move.dailyJob')}</p>}
          {moved.notShredded.length > 0 && <p className="warning-text">{t('move.notShredded', { files: moved.notShredded.join(', ') })}</p>}
          {moved.leftInOldFolder.length > 0 && <p>{t('move.left', { files: moved.leftInOldFolder.join(', ') })}</p>}
          {moved.service && <p className="warning-text">{t('move.cloudKeeps', { service: moved.service })}</p>}
        </div>
      )}
      {view && view.places.length === 0 && <p>{t('backup.ui.none')}</p>}
      {view && view.places.length > 0 && (
        <ul className="backup-places">
          {view.places.map((p) => (
            <li key={p.dir}>
              <strong className="backup-dir">{p.dir}</strong>
              <div>
                {p.lastCopyAt ? t('backup.ui.last', { date: date(p.lastCopyAt.slice(0, 10)) }) : t('backup.ui.never')}
                {' · '}
                {p.destroyedOn ? t('backup.destroyedOn', { date: date(p.destroyedOn) }) : p.reachable ? t('backup.reachable') : t('backup.unreachable')}
              </div>
              {p.notErased && <p className="warning-text">{t('backup.notErased')}</p>}
              {p.pendingWithdrawals > 0 && <p className="warning-text">{t('backup.ui.pending', { n: p.pendingWithdrawals })}</p>}
              <div className="actions start">
                <button type="button" className="link" disabled={busy} onClick={() => void remove(p.dir)}>
                  {t('backup.ui.remove')}
                </button>
                {/* Only a place that cannot be reached: a disk this computer sees is not destroyed. */}
                {!p.reachable && !p.destroyedOn && destroying?.dir !== p.dir && (
                  <button type="button" className="link" disabled={busy} onClick={() => setDestroying({ dir: p.dir, on: today })}>
                    {t('backup.ui.destroyed')}
                  </button>
                )}
              </div>
              {destroying?.dir === p.dir && (
                <form
                  className="backup-destroyed"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void destroyed(p.dir, destroying.on);
                  }}
                >
                  <p className="hint">{t('backup.ui.destroyedHelp')}</p>
                  <DateField label={t('backup.ui.destroyedDate')} value={destroying.on} max={today} onChange={(on) => setDestroying({ dir: p.dir, on })} />
                  <div className="actions start">
                    <button type="button" className="secondary" onClick={() => setDestroying(null)}>
                      {t('common.cancel')}
                    </button>
                    <button type="submit" disabled={busy || !/^\d{4}-\d{2}-\d{2}$/.test(destroying.on) || destroying.on > today}>
                      {t('backup.ui.destroyedConfirm')}
                    </button>
                  </div>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="hint">{t('backup.ui.limits')}</p>
      <ErrorBanner error={error} />
      {message && <Notice>{message}</Notice>}
      <div className="actions start">
        <button type="button" className="secondary" disabled={busy} onClick={() => void add()}>
          {t('backup.ui.add')}
        </button>
        <button type="button" disabled={busy || !view || view.places.length === 0} onClick={() => void run()}>
          {busy ? t('backup.ui.working') : t('backup.ui.run')}
        </button>
        <button type="button" className="secondary" disabled={busy || !view || view.places.length === 0} onClick={() => void verify()}>
          {t('backup.ui.verify')}
        </button>
      </div>
    </section>
  );
}
