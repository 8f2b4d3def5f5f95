import type React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { call, onAppEvent, onVaultChanged } from '../api';
import { I18nProvider, makeI18n } from '../i18n';
import type { AppInfo, ProjectStatus, RecentVault } from '../../../shared/contract';
import type { ErrorInfo } from '../../../shared/errors';
import { ErrorBanner } from '../components/ui';
import { NewProjectWizard } from '../features/wizard';
import { RestoreScreen } from '../features/backup';
import { UnlockScreen } from '../features/unlock';
import { Dashboard } from '../features/dashboard';
import { SettingsScreen } from '../features/settings';
import { ParticipantList } from '../features/participants';
import { ParticipantDetail } from '../features/participants';
import { FormsScreen } from '../features/forms';
import { RecordingsScreen } from '../features/recordings';
import { RecordingView } from '../features/recordings';
import { ExchangeScreen } from '../features/exchange';
import { NotificationScreen } from '../features/notification';
import { ProjectEndPanel } from '../features/project-end';
import { flushAll } from '../features/transcription';
import { forgetUnsaved, hasUnsaved } from '../components/unsaved';
import { LeaveDialog } from '../components/LeaveDialog';
import type { ImportReport } from '../features/recordings';

type View = 'loading' | 'welcome' | 'restore' | 'wizard' | 'unlock' | 'dashboard' | 'participants' | 'participant' | 'recordings' | 'recording' | 'forms' | 'settings' | 'exchange' | 'analysis' | 'supervisor' | 'supervision' | 'notification';
import { AnalysisScreen } from '../features/analysis';
import { SupervisorApp } from '../features/supervisor';
import { SupervisionScreen } from '../features/supervisor';

const TOUCH_EVERY_MS = 30_000;
/** How often to ask main for today's date, so days and "today" defaults move on past midnight. */
const DAY_CHECK_MS = 30_000;

const NAV = [
  ['dashboard', 'nav.dashboard'],
  ['participants', 'nav.participants'],
  ['recordings', 'nav.recordings'],
  ['analysis', 'nav.analysis'],
  ['forms', 'nav.forms'],
  ['supervision', 'nav.supervision'],
  ['exchange', 'exchange.nav'],
  ['settings', 'nav.settings'],
] as const;

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [view, setView] = useState<View>('loading');
  const [status, setStatus] = useState<ProjectStatus | null>(null);
  const [recent, setRecent] = useState<RecentVault[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [openCode, setOpenCode] = useState<string | null>(null);
  /** `imported`: the transcript was just imported, and this is what of its file did not arrive as it was. */
  const [openMedia, setOpenMedia] = useState<{ recordingId: string | null; transcriptId: string | null; imported?: ImportReport | null; transcribe?: boolean }>({ recordingId: null, transcriptId: null });
  /** The transcript the analysis opens on, when it was opened from one. */
  const [analysisOf, setAnalysisOf] = useState<{ transcriptId: string | null; at?: { transcriptId: string; start: number; end: number }; visit: number }>({ transcriptId: null, visit: 0 });
  const [fatal, setFatal] = useState<ErrorInfo | null>(null);
  /** A screen change waiting for "leave without saving?" to be answered. */
  const [pending, setPending] = useState<(() => void) | null>(null);
  /** Change screens, asking first if a form holds typed input that is not saved. */
  const go = (next: () => void) => {
    if (hasUnsaved()) setPending(() => next);
    else next();
  };
  const i18n = useMemo(() => makeI18n(info?.locale ?? 'nb'), [info?.locale]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = i18n.locale;
  }, [i18n.locale]);

  const showLocked = useCallback(async () => {
    setStatus(null);
    const r = await call('vault.recent', {});
    const list = r.ok ? r.value : [];
    setRecent(list);
    setView(list.length > 0 ? 'unlock' : 'welcome');
  }, []);

  useEffect(() => {
    void (async () => {
      const [a, s] = await Promise.all([call('app.info', {}), call('session.state', {})]);
      if (!a.ok) return setFatal(a.error);
      setInfo(a.value);
      if (s.ok && s.value.unlocked) {
        setStatus(s.value.status);
        setView('dashboard');
      } else await showLocked();
    })();
  }, [showLocked]);

  // Main locks on idle, screen lock or sleep and tells us; forget what we showed.
  const infoRef = useRef(info);
  infoRef.current = info;
  useEffect(
    () =>
      onAppEvent((e) => {
        if (e.type === 'save-now') {
          // Main is about to lock (screen lock, sleep, quit): save what is typed, then say so.
          const id = e.id;
          void flushAll().finally(() => void call('session.saved', { id }));
          return;
        }
        if (e.type !== 'locked') return;
        const i = makeI18n(infoRef.current?.locale ?? 'nb');
        setNotice(e.reason === 'idle' ? i.t('unlock.autoLocked', { minutes: e.minutes ?? 0 }) : e.reason === 'project-end' ? i.t('unlock.projectEnded') : i.t('unlock.locked'));
        void showLocked();
      }),
    [showLocked],
  );

  // Tell main the user is active, at most every 30 s, so the idle lock waits.
  useEffect(() => {
    if (!status) return;
    let last = 0;
    const touch = () => {
      const now = Date.now();
      if (now - last < TOUCH_EVERY_MS) return;
      last = now;
      void call('session.touch', {});
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const ev of events) window.addEventListener(ev, touch, { passive: true });
    return () => {
      for (const ev of events) window.removeEventListener(ev, touch);
    };
  }, [status]);

  // What the screens show about the vault (counts, days left, reminders) is read again after
  // every change and whenever the date moves on, not only at unlock: a dashboard that still
  // said "none yet" after four interviews, or 76 days when six were left, hid the reminders.
  const statusShown = status !== null;
  const refreshStatus = useCallback(async () => {
    const s = await call('session.state', {});
    if (s.ok && s.value.unlocked) setStatus(s.value.status);
  }, []);
  useEffect(() => {
    if (!statusShown) return;
    return onVaultChanged(() => void refreshStatus());
  }, [statusShown, refreshStatus]);
  const infoLoaded = info !== null;
  useEffect(() => {
    if (!infoLoaded) return;
    const check = async () => {
      const a = await call('app.info', {});
      if (!a.ok || a.value.today === infoRef.current?.today) return;
      setInfo(a.value);
      if (statusShown) await refreshStatus();
    };
    const timer = window.setInterval(() => void check(), DAY_CHECK_MS);
    // A machine woken from sleep or a window brought back may have crossed midnight.
    const onVisible = () => {
      if (document.visibilityState === 'visible') void check();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [infoLoaded, statusShown, refreshStatus]);

  /** A screen from the menu: asks first when typed input is not saved. */
  const goTo = (target: View) =>
    go(() => {
      // Coming back to the overview always shows the vault as it is now.
      if (target === 'dashboard' && statusShown) void refreshStatus();
      // The analysis from the menu opens on its overview, not on the last transcript.
      if (target === 'analysis') setAnalysisOf((a) => ({ transcriptId: null, visit: a.visit + 1 }));
      setView(target);
    });

  const unlocked = (s: ProjectStatus) => {
    setNotice(null);
    setStatus(s);
    setView('dashboard');
  };

  /** Whatever is typed reaches the vault before it locks; what cannot be saved is asked about (unless it was already). */
  const lock = async (confirmed: boolean) => {
    if (!(await flushAll()) && !confirmed) {
      setPending(() => () => void lock(true));
      return;
    }
    await call('session.lock', {});
  };

  let body: React.JSX.Element;
  if (fatal) body = <main className="page narrow"><ErrorBanner error={fatal} /></main>;
  else if (!info || view === 'loading') body = <main className="page narrow" aria-busy="true" />;
  else if (view === 'wizard') body = <NewProjectWizard today={info.today} onCreated={unlocked} onCancel={() => void showLocked()} />;
  else if (view === 'unlock') body = <UnlockScreen recent={recent} notice={notice} onUnlocked={unlocked} onNewProject={() => setView('wizard')} onSupervisor={() => setView('supervisor')} onRestore={() => setView('restore')} />;
  else if (view === 'supervisor') body = <SupervisorApp onExit={() => void showLocked()} />;
  else if (view === 'restore') body = <RestoreScreen onUnlocked={unlocked} onCancel={() => void showLocked()} />;
  else if (view === 'settings' && status) body = <SettingsScreen info={info} status={status} onInfo={setInfo} onStatus={setStatus} />;
  else if (view === 'dashboard' && status) body = <Dashboard status={status} onOpenForms={() => setView('forms')} onOpenNotification={() => setView('notification')} />;
  else if (view === 'participants' && status)
    body = (
      <ParticipantList
        ended={status.destroyed.includes('keylist')}
        endedOn={endedOn(status)}
        onShowCertificate={() => goTo('dashboard')}
        onOpen={(code) => {
          setOpenCode(code);
          setView('participant');
        }}
      />
    );
  else if (view === 'participant' && status && openCode) body = <ParticipantDetail key={openCode} code={openCode} today={info.today} onBack={() => go(() => setView('participants'))} />;
  else if (view === 'forms' && status) body = <FormsScreen />;
  else if (view === 'exchange' && status) body = <ExchangeScreen />;
  else if (view === 'supervision' && status)
    body = (
      <SupervisionScreen
        status={status}
        onOpenPassage={(place) =>
          go(() => {
            setAnalysisOf((a) => ({ transcriptId: place.transcriptId, at: place, visit: a.visit + 1 }));
            setView('analysis');
          })
        }
      />
    );
  else if (view === 'notification' && status) body = <NotificationScreen />;
  else if (view === 'recordings' && status)
    body = (
      <RecordingsScreen
        ended={status.destroyed.includes('keylist')}
        endedOn={endedOn(status)}
        transcriptsDeleted={status.destroyed.includes('transcripts')}
        onShowCertificate={() => goTo('dashboard')}
        onOpenRecording={(recordingId) => {
          setOpenMedia({ recordingId, transcriptId: null });
          setView('recording');
        }}
        onOpenTranscript={(transcriptId, imported) => {
          setOpenMedia({ recordingId: null, transcriptId, imported });
          setView('recording');
        }}
        onTranscribe={(transcriptId) => {
          setOpenMedia({ recordingId: null, transcriptId, transcribe: true });
          setView('recording');
        }}
      />
    );
  else if (view === 'recording' && status)
    body = (
      <RecordingView
        key={`${openMedia.recordingId}-${openMedia.transcriptId}`}
        {...openMedia}
        ended={status.destroyed.includes('keylist')}
        onBack={() => go(() => setView('recordings'))}
        onAnalyse={(transcriptId) => {
          go(() => {
            setAnalysisOf((a) => ({ transcriptId, visit: a.visit + 1 }));
            setView('analysis');
          });
        }}
      />
    );
  else if (view === 'analysis' && status)
    body = <AnalysisScreen key={analysisOf.visit} title={status.title} ended={status.destroyed.includes('keylist')} transcriptId={analysisOf.transcriptId} at={analysisOf.at ?? null} />;
  else
    body = (
      <main className="page narrow welcome">
        <h1>{t('welcome.title')}</h1>
        <p className="lead">{t('welcome.intro')}</p>
        {notice && <p role="status">{notice}</p>}
        <div className="actions start">
          <button type="button" onClick={() => setView('wizard')}>
            {t('welcome.create')}
          </button>
          <button type="button" className="secondary" onClick={() => setView('unlock')}>
            {t('welcome.open')}
          </button>
          <button type="button" className="secondary" onClick={() => setView('restore')}>
            {t('restore.entry')}
          </button>
        </div>
        <div className="actions start">
          <button type="button" className="link" onClick={() => setView('supervisor')}>
            {t('sup.entry')}
          </button>
        </div>
      </main>
    );

  return (
    <I18nProvider value={i18n}>
      <header className="topbar">
        <span className="brand" aria-label={t('app.name')}>
          <span className="logo" aria-hidden="true" />
          {t('app.name')}
        </span>
        {status && <span className="topbar-title">{status.title}</span>}
        {status && (
          <nav aria-label={t('app.name')}>
            {NAV.map(([target, label]) => {
              const current = view === target || (target === 'participants' && view === 'participant') || (target === 'recordings' && view === 'recording');
              return (
                <button key={target} type="button" className={`nav ${current ? 'active' : ''}`} aria-current={current ? 'page' : undefined} onClick={() => goTo(target)}>
                  {t(label)}
                </button>
              );
            })}
            {/* Locking leaves the screen too: typed input that is not saved is asked about first. */}
            <button
              type="button"
              className="nav lock"
              onClick={() => {
                // Asked already (a failing save counts as unsaved): then the answer stands.
                const asked = hasUnsaved();
                go(() => void lock(asked));
              }}
            >
              {t('nav.lock')}
            </button>
          </nav>
        )}
      </header>
      {/* The end date's deletion, whichever screen is up (the vault is locked for it). */}
      {info && <ProjectEndPanel vaultOpen={status !== null} />}
      {body}
      {pending && (
        <LeaveDialog
          onStay={() => setPending(null)}
          onLeave={() => {
            forgetUnsaved();
            pending();
            setPending(null);
          }}
        />
      )}
    </I18nProvider>
  );
}

/** The day the stores were deleted at project end (the certificate's), or null before it. */
function endedOn(status: ProjectStatus): string | null {
  if (status.destroyed.length === 0) return null;
  return status.certificates.at(-1)?.executedAt.slice(0, 10) ?? status.endDate;
}
