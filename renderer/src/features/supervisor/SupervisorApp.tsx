/**
 * Supervisor mode (issue 10): the supervisor's own folder (their keys under their own
 * passphrase), the key they send the student, and the shares they hold. Nothing here
 * talks to a student's vault: every call is a `supervisor.*` method.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { call, onAppEvent } from '../../api';
import { useI18n } from '../../i18n';
import { useWork, WorkProgressBar } from '../../components/WorkProgress';
import { Busy, ErrorBanner, Notice, PathText, TextField } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import type { HeldShare, RecentSupervisorFolder, SupervisorIdentity } from '../../../../shared/supervisor';
import { PASSPHRASE_MIN_LENGTH } from '../../../../shared/domain';
import { ShareReader } from './ShareReader';

type Stage = { kind: 'loading' } | { kind: 'start' } | { kind: 'create' } | { kind: 'key'; identity: SupervisorIdentity } | { kind: 'home'; identity: SupervisorIdentity } | { kind: 'read'; identity: SupervisorIdentity; vaultId: string };

export function SupervisorApp({ onExit }: { onExit(): void }) {
  const { t } = useI18n();
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const [recent, setRecent] = useState<RecentSupervisorFolder[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void (async () => {
      const s = await call('supervisor.state', {});
      if (s.ok && s.value.unlocked) return setStage({ kind: 'home', identity: s.value.identity });
      const r = await call('supervisor.recent', {});
      if (r.ok) setRecent(r.value);
      else setError(r.error);
      setStage(r.ok && r.value.length > 0 ? { kind: 'start' } : { kind: 'create' });
    })();
  }, []);

  async function lock() {
    await call('supervisor.lock', {});
    onExit();
  }

  // The open folder locks itself when idle (main's timer); back to the start, saying why.
  useEffect(
    () =>
      onAppEvent((e) => {
        if (e.type !== 'supervisor-locked') return;
        setNotice(t('sup.locked.idle', { minutes: e.minutes }));
        void call('supervisor.recent', {}).then((r) => {
          if (r.ok) setRecent(r.value);
          setStage({ kind: 'start' });
        });
      }),
    [t],
  );
  // Activity tells main the supervisor is here, at most every 30 s, so the idle lock waits.
  const open = stage.kind === 'home' || stage.kind === 'read' || stage.kind === 'key';
  useEffect(() => {
    if (!open) return;
    let last = 0;
    const touch = () => {
      const now = Date.now();
      if (now - last < 30_000) return;
      last = now;
      void call('supervisor.touch', {});
    };
    const events = ['keydown', 'pointerdown', 'wheel'] as const;
    for (const ev of events) window.addEventListener(ev, touch, { passive: true });
    return () => {
      for (const ev of events) window.removeEventListener(ev, touch);
    };
  }, [open]);

  if (stage.kind === 'loading') return <main className="page narrow" aria-busy="true" />;
  if (stage.kind === 'start')
    return (
      <SupervisorUnlock
        key={notice ?? ''}
        recent={recent}
        error={error}
        notice={notice}
        onUnlocked={(identity) => {
          setNotice(null);
          setStage({ kind: 'home', identity });
        }}
        onCreate={() => setStage({ kind: 'create' })}
        onBack={onExit}
      />
    );
  if (stage.kind === 'create') return <SupervisorCreate error={error} onCreated={(identity) => setStage({ kind: 'key', identity })} onBack={recent.length > 0 ? () => setStage({ kind: 'start' }) : onExit} />;
  if (stage.kind === 'key') return <SupervisorKeyPage identity={stage.identity} onContinue={() => setStage({ kind: 'home', identity: stage.identity })} />;
  if (stage.kind === 'read') return <ShareReader vaultId={stage.vaultId} onBack={() => setStage({ kind: 'home', identity: stage.identity })} />;
  return <SupervisorHome identity={stage.identity} onRead={(vaultId) => setStage({ kind: 'read', identity: stage.identity, vaultId })} onLock={() => void lock()} />;
}

function SupervisorUnlock({ recent, error: initial, notice, onUnlocked, onCreate, onBack }: { recent: RecentSupervisorFolder[]; error: ErrorInfo | null; notice?: string | null; onUnlocked(i: SupervisorIdentity): void; onCreate(): void; onBack(): void }) {
  const { t, date } = useI18n();
  const [folders, setFolders] = useState(recent);
  const [selected, setSelected] = useState<string | null>(recent[0]?.path ?? null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(initial);

  async function unlock(e: FormEvent) {
    e.preventDefault();
    if (!selected || !passphrase) return;
    setBusy(true);
    setError(null);
    const r = await call('supervisor.unlock', { path: selected, passphrase });
    setBusy(false);
    setPassphrase('');
    if (!r.ok) return setError(r.error);
    onUnlocked(r.value);
  }

  async function other() {
    const f = await call('vault.chooseFolder', { purpose: 'open' });
    if (!f.ok || !f.value) return;
    const entry = { path: f.value, lastOpened: '' };
    setFolders([entry, ...folders.filter((x) => x.path !== entry.path)]);
    setSelected(entry.path);
  }

  return (
    <main className="page narrow">
      <h1>{t('sup.start.title')}</h1>
      {notice && <Notice>{notice}</Notice>}
      <p className="lead">{t('sup.start.intro')}</p>
      <section aria-labelledby="sup-recent-h">
        <h2 id="sup-recent-h">{t('sup.start.recent')}</h2>
        <div className="vault-list" role="radiogroup" aria-labelledby="sup-recent-h">
          {folders.map((v) => (
            <div key={v.path}>
              <label className={`vault-item ${v.path === selected ? 'selected' : ''}`}>
                <input type="radio" name="sup-folder" checked={v.path === selected} onChange={() => setSelected(v.path)} />
                <span className="vault-path">
                  <PathText path={v.path} />
                </span>
                {v.lastOpened && <span className="vault-date">{date(v.lastOpened.slice(0, 10))}</span>}
              </label>
            </div>
          ))}
        </div>
      </section>
      {selected && (
        <form onSubmit={unlock} className="unlock-form">
          <TextField label={t('sup.start.passphraseFor', { path: selected })} type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoFocus />
          <ErrorBanner error={error} />
          {busy && <Busy label={t('sup.start.unlocking')} />}
          <div className="actions">
            <button type="submit" disabled={busy || !passphrase}>
              {t('sup.start.unlock')}
            </button>
          </div>
        </form>
      )}
      <div className="actions start">
        <button type="button" className="link" onClick={() => void other()}>
          {t('sup.start.otherFolder')}
        </button>
        <button type="button" className="link" onClick={onCreate}>
          {t('sup.start.newTitle')}
        </button>
        <button type="button" className="link" onClick={onBack}>
          {t('sup.start.back')}
        </button>
      </div>
    </main>
  );
}

function SupervisorCreate({ error: initial, onCreated, onBack }: { error: ErrorInfo | null; onCreated(i: SupervisorIdentity): void; onBack(): void }) {
  const { t } = useI18n();
  const [folder, setFolder] = useState<string | null>(null);
  const [pass1, setPass1] = useState('');
  const [pass2, setPass2] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(initial);

  useEffect(() => {
    void call('vault.suggestPath', { title: t('sup.start.title') }).then((r) => {
      if (r.ok) setFolder((f) => f ?? r.value);
    });
  }, [t]);

  const tooShort = [...pass1].length < PASSPHRASE_MIN_LENGTH ? t('passphrase.tooShort', { min: PASSPHRASE_MIN_LENGTH }) : null;
  const mismatch = pass1 !== pass2 ? t('passphrase.mismatch') : null;

  async function choose() {
    const f = await call('vault.chooseFolder', { purpose: 'create' });
    if (f.ok && f.value) setFolder(f.value);
  }

  async function create(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    if (!folder || tooShort || mismatch) return;
    setBusy(true);
    setError(null);
    const r = await call('supervisor.init', { path: folder, passphrase: pass1 });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setPass1('');
    setPass2('');
    onCreated(r.value);
  }

  return (
    <main className="page narrow">
      <h1>{t('sup.start.newTitle')}</h1>
      <p className="lead">{t('sup.start.intro')}</p>
      <form onSubmit={create} noValidate>
        <div className="field">
          <span className="label">{t('sup.start.folder')}</span>
          <p className="vault-path">{folder ? <PathText path={folder} /> : t('sup.start.noFolder')}</p>
          <button type="button" className="secondary" onClick={() => void choose()}>
            {t('sup.start.chooseFolder')}
          </button>
        </div>
        <TextField label={t('sup.start.passphrase')} type="password" autoComplete="new-password" value={pass1} onChange={(e) => setPass1(e.target.value)} hint={t('sup.start.passphraseHint')} error={tried ? tooShort : null} />
        <TextField label={t('sup.start.repeat')} type="password" autoComplete="new-password" value={pass2} onChange={(e) => setPass2(e.target.value)} error={tried ? mismatch : null} />
        <ErrorBanner error={error} />
        {busy && <Busy label={t('sup.start.creating')} />}
        <div className="actions start">
          <button type="submit" disabled={busy}>
            {t('sup.start.create')}
          </button>
          <button type="button" className="link" onClick={onBack}>
            {t('sup.start.back')}
          </button>
        </div>
      </form>
    </main>
  );
}

/** The fingerprint in groups, large, to read aloud: `ABCD-EFGH` is read group by group. */
export function Fingerprint({ value, label }: { value: string; label: string }) {
  return (
    <p className="sup-fingerprint" aria-label={`${label}: ${value.split('-').join(' ')}`}>
      {value.split('-').map((g, i) => (
        <span key={i} className="group">
          {g}
        </span>
      ))}
    </p>
  );
}

/** `sub` is the level of the fingerprint's heading: h2 on the key's own page (under its h1), h3 inside a card. */
export function SupervisorKey({ identity, sub = 'h3' }: { identity: SupervisorIdentity; sub?: 'h2' | 'h3' }) {
  const Sub = sub;
  const { t } = useI18n();
  const [said, setSaid] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(identity.key);
      setSaid(t('sup.key.copied'));
    } catch {
      setSaid(t('sup.key.copyFailed'));
    }
  }
  return (
    <div className="sup-key">
      <label htmlFor="sup-key-text">{t('sup.key.label')}</label>
      <textarea id="sup-key-text" readOnly rows={3} value={identity.key} onFocus={(e) => e.currentTarget.select()} />
      <div className="actions start">
        <button type="button" onClick={() => void copy()}>
          {t('sup.key.copy')}
        </button>
        {said && <span role="status">{said}</span>}
      </div>
      <Sub>{t('sup.key.fingerprint')}</Sub>
      <Fingerprint value={identity.fingerprint} label={t('sup.key.fingerprint')} />
      <p className="hint">{t('sup.key.fingerprintHint')}</p>
    </div>
  );
}

function SupervisorKeyPage({ identity, onContinue }: { identity: SupervisorIdentity; onContinue(): void }) {
  const { t } = useI18n();
  return (
    <main className="page narrow">
      <h1>{t('sup.key.title')}</h1>
      <p className="lead">{t('sup.key.intro')}</p>
      <SupervisorKey identity={identity} sub="h2" />
      <div className="actions start">
        <button type="button" onClick={onContinue}>
          {t('sup.key.continue')}
        </button>
      </div>
    </main>
  );
}

function SupervisorHome({ identity, onRead, onLock }: { identity: SupervisorIdentity; onRead(vaultId: string): void; onLock(): void }) {
  const { t, date } = useI18n();
  const [shares, setShares] = useState<HeldShare[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showKey, setShowKey] = useState(false);

  const openWork = useWork();

  async function reload() {
    const r = await call('supervisor.shares', {});
    if (!r.ok) return setError(r.error);
    setShares(r.value);
  }
  useEffect(() => {
    void reload();
  }, []);

  async function open() {
    setError(null);
    setNotice(null);
    const f = await call('supervisor.chooseShare', {});
    if (!f.ok) return setError(f.error);
    if (!f.value) return;
    const r = await call('supervisor.openShare', { file: f.value.token, jobId: openWork.start() });
    openWork.stop();
    if (!r.ok && r.error.code === 'CANCELLED') return setNotice(t('error.CANCELLED'));
    if (!r.ok) return setError(r.error);
    setNotice(t('sup.home.opened', { version: r.value.version, title: r.value.title, until: date(r.value.until) }));
    await reload();
  }

  async function certificate(vaultId: string, format: 'html' | 'pdf') {
    setError(null);
    const r = await call('supervisor.saveCertificate', { vaultId, format });
    if (!r.ok) return setError(r.error);
    if (r.value) setNotice(t('sup.home.certificateSaved', { path: r.value }));
  }

  return (
    <main className="page">
      <div className="page-head">
        <h1>{t('sup.home.title')}</h1>
        <div className="actions start">
          <button type="button" className="secondary" onClick={() => setShowKey(!showKey)} aria-expanded={showKey}>
            {showKey ? t('sup.home.hideKey') : t('sup.home.showKey')}
          </button>
          <button type="button" className="secondary" onClick={onLock}>
            {t('sup.home.lock')}
          </button>
        </div>
      </div>
      <p className="muted">
        {t('sup.home.folder')}{' '}
        <PathText path={identity.path} />
      </p>
      {showKey && (
        <section className="card" aria-labelledby="sup-key-h">
          <h2 id="sup-key-h">{t('sup.key.title')}</h2>
          <SupervisorKey identity={identity} />
        </section>
      )}
      <div className="actions start">
        <button type="button" onClick={() => void open()}>
          {t('sup.home.open')}
        </button>
      </div>
      <WorkProgressBar job={openWork.job} what={t('work.openShare')} />
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {shares && shares.length === 0 && <p className="muted">{t('sup.home.none')}</p>}
      {shares?.map((s) => (
        <section key={s.vaultId} className="card sup-share" aria-labelledby={`sh-${s.vaultId}`}>
          <h2 id={`sh-${s.vaultId}`}>{s.title}</h2>
          <p>{t('sup.home.facts', { version: s.version, made: date(s.madeAt.slice(0, 10)), until: date(s.until) })}</p>
          <p className="muted">{t('sup.home.owner', { fingerprint: s.ownerFingerprint })}</p>
          {s.state === 'open' ? (
            <>
              <p>{t('sup.home.counts', s.counts)}</p>
              <div className="actions start">
                <button type="button" onClick={() => onRead(s.vaultId)}>
                  {t('sup.home.read', { title: s.title })}
                </button>
              </div>
            </>
          ) : (
            <>
              <p className="warning-text">{t('sup.home.destroyed', { until: date(s.until), date: date((s.destroyedAt ?? s.until).slice(0, 10)) })}</p>
              <div className="actions start">
                <button type="button" className="secondary" onClick={() => void certificate(s.vaultId, 'html')}>
                  {t('sup.home.certificate')}
                </button>
                <button type="button" className="secondary" onClick={() => void certificate(s.vaultId, 'pdf')}>
                  {t('sup.home.certificatePdf')}
                </button>
              </div>
            </>
          )}
        </section>
      ))}
      <SupervisorSchedule />
    </main>
  );
}

/** The folder's daily job: copies are deleted at their end date even when the app is not opened. */
function SupervisorSchedule() {
  const { t } = useI18n();
  const [state, setState] = useState<{ supported: boolean; installed: boolean; detail: string } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const load = async () => {
    const r = await call('supervisor.scheduleStatus', {});
    if (r.ok) setState(r.value);
  };
  useEffect(() => {
    void load();
  }, []);
  async function install() {
    const r = await call('supervisor.scheduleInstall', {});
    if (!r.ok) return setError(r.error);
    setError(null);
    await load();
  }
  return (
    <section className="card" aria-labelledby="sup-sc-h">
      <h2 id="sup-sc-h">{t('sup.schedule.title')}</h2>
      <p className="hint">{t('sup.schedule.help')}</p>
      {state && !state.supported && <p>{t('sup.schedule.unsupported')}</p>}
      {state?.supported && <p>{state.installed ? t('schedule.installed', { detail: state.detail }) : t('schedule.notInstalled')}</p>}
      <ErrorBanner error={error} />
      {state?.supported && !state.installed && (
        <button type="button" className="secondary" onClick={() => void install()}>
          {t('schedule.install')}
        </button>
      )}
    </section>
  );
}
