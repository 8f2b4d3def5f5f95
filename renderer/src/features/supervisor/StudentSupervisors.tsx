/**
 * The student's side of issue 10, under Veileder in the menu: add a supervisor by the key
 * they sent (fingerprint compared aloud), choose what they may read and until when, make a
 * share after the identifying-details check, remove them (saying what that cannot undo),
 * and import their feedback, reply and mark it resolved.
 */
import { useWork, WorkProgressBar } from '../../components/WorkProgress';
import { excerptOf } from './Comments';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Busy, ErrorBanner, Notice, TextField } from '../../components/ui';
import { DateField } from '../../components/DateField';
import type { ProjectStatus } from '../../../../shared/contract';
import type { ErrorInfo } from '../../../../shared/errors';
import type { FeedbackComment, SharePlan, SupervisorEntry, SupervisorHolding } from '../../../../shared/supervisor';
import { DEID_KINDS, isIsoDate, type DeidKind } from '../../../../shared/domain';
import { FindingsChecklist } from '../../components/FindingsChecklist';
import { Fingerprint } from './SupervisorApp';

export function SupervisorSettings({ status, onOpenPassage }: { status: ProjectStatus; onOpenPassage?: OpenPassage }) {
  const { t, date } = useI18n();
  const [list, setList] = useState<SupervisorEntry[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [sharing, setSharing] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const r = await call('supervisors.list', {});
    if (!r.ok) return setError(r.error);
    setError(null);
    setList(r.value);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <section className="card settings-card sup-settings" aria-labelledby="sup-set-h">
      <h2 id="sup-set-h">{t('sup.settings.title')}</h2>
      <p className="hint">{t('sup.settings.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {list && list.length === 0 && !adding && <p className="muted">{t('sup.settings.none')}</p>}
      {list?.map((s) => (
        <SupervisorRow
          key={s.id}
          entry={s}
          sharing={sharing === s.id}
          onShare={() => {
            setNotice(null);
            setSharing(sharing === s.id ? null : s.id);
          }}
          onDone={async (said) => {
            setSharing(null);
            setNotice(said);
            await reload();
          }}
        />
      ))}
      {adding ? (
        <AddSupervisor
          endDate={status.endDate}
          onCancel={() => setAdding(false)}
          onAdded={async (e) => {
            setAdding(false);
            setNotice(t('sup.settings.added', { label: e.label, until: date(e.until) }));
            await reload();
          }}
        />
      ) : (
        <div className="actions start">
          <button type="button" className="secondary" onClick={() => setAdding(true)}>
            {t('sup.settings.add')}
          </button>
        </div>
      )}
      <FeedbackPanel onOpenPassage={onOpenPassage} />
    </section>
  );
}

function SupervisorRow({ entry, sharing, onShare, onDone }: { entry: SupervisorEntry; sharing: boolean; onShare(): void; onDone(said: string): Promise<void> }) {
  const { t, date } = useI18n();
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  async function setRecordings(on: boolean) {
    const r = await call('supervisors.setRecordings', { id: entry.id, recordings: on });
    if (!r.ok) return setError(r.error);
    setError(null);
    await onDone(t(on ? 'sup.settings.recordingsOn' : 'sup.settings.recordingsOff', { label: entry.label }));
  }
  async function remove() {
    const r = await call('supervisors.remove', { id: entry.id });
    if (!r.ok) return setError(r.error);
    setConfirm(false);
    await onDone(t('sup.settings.removed', { label: entry.label }));
  }
  return (
    <article className="sup-entry" aria-labelledby={`se-${entry.id}`}>
      <h3 id={`se-${entry.id}`}>{entry.label}</h3>
      <p>
        {t('sup.settings.entryFacts', { fingerprint: entry.fingerprint, until: date(entry.until) })} {entry.recordings && t('sup.settings.withRecordings')}
      </p>
      <p className="muted">{entry.lastShare ? t('sup.settings.lastShare', { version: entry.lastShare.version, date: date(entry.lastShare.madeAt.slice(0, 10)) }) : t('sup.settings.noShare')}</p>
      {entry.revokedAt ? (
        <p className="muted">{t('sup.settings.revoked', { date: date(entry.revokedAt.slice(0, 10)) })}</p>
      ) : (
        <div className="sup-entry-recordings">
          <label className="choice">
            <input type="checkbox" role="switch" checked={entry.recordings} onChange={(e) => void setRecordings(e.target.checked)} /> {t('sup.settings.recordingsFor', { label: entry.label })}
          </label>
          {/* The share panel repeats it beside what the share will hold. */}
          {entry.recordings && !sharing && (
            <p className="warning-text">
              {t('sup.settings.recordingsWarning')}
            </p>
          )}
        </div>
      )}
      {!entry.revokedAt && (
        <div className="actions start">
          <button type="button" onClick={onShare} aria-expanded={sharing}>
            {t('sup.share.make', { label: entry.label })}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirm(true)}>
            {t('sup.settings.remove', { label: entry.label })}
          </button>
        </div>
      )}
      <ErrorBanner error={error} />
      {confirm && (
        <div className="confirm" role="alertdialog" aria-labelledby={`rm-${entry.id}`}>
          <p id={`rm-${entry.id}`}>{t('sup.settings.removeWarning', { until: date(entry.until) })}</p>
          <div className="actions start">
            <button type="button" className="danger" onClick={() => void remove()}>
              {t('sup.settings.removeConfirm')}
            </button>
            <button type="button" className="link" onClick={() => setConfirm(false)}>
              {t('sup.comment.cancel')}
            </button>
          </div>
        </div>
      )}
      {sharing && <SharePanel entry={entry} onCancel={onShare} onMade={onDone} />}
    </article>
  );
}

function AddSupervisor({ endDate, onCancel, onAdded }: { endDate: string; onCancel(): void; onAdded(e: SupervisorEntry): Promise<void> }) {
  const { t, date } = useI18n();
  const [key, setKey] = useState('');
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [same, setSame] = useState(false);
  const [label, setLabel] = useState('');
  const [recordings, setRecordings] = useState(false);
  const [until, setUntil] = useState(endDate);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  async function check() {
    setFingerprint(null);
    setSame(false);
    const r = await call('supervisors.checkKey', { key });
    if (!r.ok) return setError(r.error);
    setError(null);
    setFingerprint(r.value.fingerprint);
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!fingerprint || !same || !label.trim() || !isIsoDate(until) || until > endDate) return;
    setBusy(true);
    const r = await call('supervisors.add', { key, label, until, recordings });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    await onAdded(r.value);
  }

  return (
    <form className="sup-add" onSubmit={add} noValidate>
      <h3>{t('sup.settings.add')}</h3>
      <div className="field">
        <label htmlFor="sup-add-key">{t('sup.settings.key')}</label>
        <textarea
          id="sup-add-key"
          rows={4}
          spellCheck={false}
          value={key}
          aria-describedby="sup-add-key-hint"
          onChange={(e) => {
            setKey(e.target.value);
            setFingerprint(null);
            setSame(false);
          }}
        />
        <p className="hint" id="sup-add-key-hint">
          {t('sup.settings.keyHint')}
        </p>
      </div>
      <div className="actions start">
        <button type="button" className="secondary" disabled={!key.trim()} onClick={() => void check()}>
          {t('sup.settings.checkKey')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {fingerprint && (
        <>
          <h4>{t('sup.settings.fingerprint')}</h4>
          <Fingerprint value={fingerprint} label={t('sup.settings.fingerprint')} />
          <p className="hint">{t('sup.settings.compare')}</p>
          <label className="choice">
            <input type="checkbox" checked={same} onChange={(e) => setSame(e.target.checked)} /> {t('sup.settings.same')}
          </label>
          <TextField label={t('sup.settings.label')} hint={t('sup.settings.labelHint')} value={label} onChange={(e) => setLabel(e.target.value)} />
          <fieldset className="field">
            <legend>{t('sup.settings.mayRead')}</legend>
            <label className="choice">
              <input type="checkbox" checked disabled /> {t('sup.settings.analysis')}
            </label>
            <label className="choice">
              <input type="checkbox" role="switch" checked={recordings} onChange={(e) => setRecordings(e.target.checked)} /> {t('sup.settings.recordings')}
            </label>
            {recordings && (
              <p className="warning-text" role="alert">
                {t('sup.settings.recordingsWarning')}
              </p>
            )}
            <p className="sup-never">{t('sup.settings.never')}</p>
          </fieldset>
          <DateField label={t('sup.settings.until')} value={until} max={endDate} onChange={setUntil} hint={t('sup.settings.untilHint', { date: date(endDate) })} error={until === '' ? t('sup.settings.untilMissing') : null} />
          {busy && <Busy label={t('common.working')} />}
          <div className="actions start">
            <button type="submit" disabled={busy || !same || !label.trim() || !isIsoDate(until) || until > endDate}>
              {t('sup.settings.addButton')}
            </button>
          </div>
        </>
      )}
      <div className="actions start">
        <button type="button" className="link" onClick={onCancel}>
          {t('sup.comment.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Make a share: the plan (what goes, the findings), each finding accepted or replaced, then save. */
export function SharePanel({ entry, onCancel, onMade }: { entry: Pick<SupervisorEntry, 'id' | 'label'>; onCancel(): void; onMade(said: string): Promise<void> }) {
  const { t, date } = useI18n();
  const [plan, setPlan] = useState<SharePlan | null>(null);
  const [accepted, setAccepted] = useState<Set<string>>(new Set());
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('shares.plan', { supervisorId: entry.id }).then((r) => (r.ok ? setPlan(r.value) : setError(r.error)));
  }, [entry.id]);

  const work = useWork();

  async function write() {
    setBusy(true);
    setError(null);
    const r = await call('shares.create', { supervisorId: entry.id, accepted: [...accepted], jobId: work.start() });
    work.stop();
    setBusy(false);
    // Cancelling is the student's own choice: nothing was written, and nothing is wrong.
    if (!r.ok && r.error.code === 'CANCELLED') return;
    if (!r.ok) return setError(r.error);
    if (r.value) await onMade(t('sup.share.written', { file: r.value.file, version: r.value.version }));
  }

  const open = plan ? plan.findings.filter((f) => !accepted.has(f.id)).length : 0;
  return (
    <div className="exchange-plan sup-share-plan" aria-labelledby={`sp-${entry.id}`}>
      <h4 id={`sp-${entry.id}`}>{t('sup.share.title', { label: entry.label })}</h4>
      <ErrorBanner error={error} />
      {!plan && !error && <Busy label={t('common.working')} />}
      {plan && (
        <>
          <p>{t('sup.share.summary', { version: plan.version, until: date(plan.until), ...plan.counts })}</p>
          <p>{t('sup.share.ownerFingerprint', { fingerprint: plan.ownerFingerprint })}</p>
          {plan.participants.length > 0 && <p className="muted">{t('sup.share.participants', { codes: plan.participants.join(', ') })}</p>}
          {/* The receipt's words for the participants' data: what goes, and what never does. */}
          {plan.holdings && (
            <dl className="share-holdings">
              <dt>{t('sup.share.carries')}</dt>
              <dd>{plan.holdings.carries.map((c) => t('sup.share.kindCount', { kind: t(`kind.${c.kind}` as 'kind.identity'), n: c.count })).join(', ')}</dd>
              <dt>{t('sup.share.never')}</dt>
              <dd>{plan.holdings.never.map((k) => t(`kind.${k}` as 'kind.identity')).join(', ')}</dd>
            </dl>
          )}
          {plan.withdrawn.length > 0 && <p>{t('sup.share.withdrawn', { codes: plan.withdrawn.join(', ') })}</p>}
          {plan.counts.privateMemosLeftOut > 0 && <p className="muted">{t('exchange.privateLeftOut', { count: plan.counts.privateMemosLeftOut })}</p>}
          {plan.counts.replies > 0 && <p className="muted">{t('sup.share.replies', { n: plan.counts.replies })}</p>}
          {plan.recordingsWarning && (
            <p className="warning-text" role="alert">
              {t('sup.settings.recordingsWarning')}
            </p>
          )}
          <FindingsChecklist findings={plan.findings} accepted={accepted} onAccepted={setAccepted} />
          <WorkProgressBar job={work.job} what={t('work.share')} />
          <div className="actions start">
            <button type="button" disabled={open > 0 || busy} onClick={() => void write()}>
              {t('sup.share.write')}
            </button>
            {open > 0 && <span className="muted">{t('exchange.stillOpen', { count: open })}</span>}
            <button type="button" className="link" onClick={onCancel}>
              {t('sup.share.cancel')}
            </button>
          </div>
          {busy && <Busy label={t('common.working')} />}
        </>
      )}
    </div>
  );
}

/** The supervisor's comments, imported from their feedback file: marked as theirs, with replies. */
/** Opens a commented passage in the analysis's coding view. */
export type OpenPassage = (place: NonNullable<FeedbackComment['place']>) => void;

export function FeedbackPanel({ onOpenPassage }: { onOpenPassage?: OpenPassage }) {
  const { t } = useI18n();
  const [comments, setComments] = useState<FeedbackComment[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [said, setSaid] = useState<string[]>([]);

  const reload = useCallback(async () => {
    const r = await call('feedback.list', {});
    if (!r.ok) return setError(r.error);
    setComments(r.value);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function importFile() {
    setError(null);
    setSaid([]);
    const f = await call('feedback.chooseFile', {});
    if (!f.ok) return setError(f.error);
    if (!f.value) return;
    const r = await call('feedback.import', { file: f.value.token });
    if (!r.ok) return setError(r.error);
    const v = r.value;
    setSaid([
      t('sup.fb.imported', { added: v.added, comments: v.comments, label: v.label, fingerprint: v.fingerprint }),
      ...(v.dropped > 0 ? [t('sup.fb.dropped', { n: v.dropped })] : []),
      ...(v.flagged.length > 0 ? [t('sup.fb.flaggedNote', { n: v.flagged.length })] : []),
      ...(v.supervisorRemoved ? [t('sup.fb.importedFromRemoved')] : []),
    ]);
    await reload();
  }

  const openCount = comments?.filter((c) => !c.resolved).length ?? 0;
  return (
    <div className="sup-feedback" aria-labelledby="sup-fb-h">
      <h3 id="sup-fb-h">
        {t('sup.fb.title')} {openCount > 0 && <span className="pill">{t('sup.fb.open', { n: openCount })}</span>}
      </h3>
      <div className="actions start">
        <button type="button" className="secondary" onClick={() => void importFile()}>
          {t('sup.fb.import')}
        </button>
      </div>
      <ErrorBanner error={error} />
      {said.length > 0 && (
        <Notice>
          {said.map((s) => (
            <span key={s} className="block">
              {s}
            </span>
          ))}
        </Notice>
      )}
      {comments && comments.length === 0 && <p className="muted">{t('sup.fb.none')}</p>}
      {comments?.map((c) => (
        <StudentComment key={c.id} comment={c} onChanged={reload} onOpen={onOpenPassage} />
      ))}
    </div>
  );
}

export function StudentComment({ comment, onChanged, onOpen }: { comment: FeedbackComment; onChanged(): Promise<void>; onOpen?: OpenPassage }) {
  const { t, date } = useI18n();
  const [replying, setReplying] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  async function reply(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await call('feedback.reply', { commentId: comment.id, text });
    if (!r.ok) return setError(r.error);
    setText('');
    setReplying(false);
    await onChanged();
  }
  // Shown at once (a checkbox that waits for the vault looks broken), put back if refused.
  const [resolved, setResolved] = useState(comment.resolved);
  useEffect(() => setResolved(comment.resolved), [comment.resolved]);
  async function resolve(next: boolean) {
    setResolved(next);
    const r = await call('feedback.resolve', { commentId: comment.id, resolved: next });
    if (!r.ok) {
      setResolved(!next);
      return setError(r.error);
    }
    await onChanged();
  }
  const [said, setSaid] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  // A flagged detail replaced by its placeholder, in the vault (the supervisor's file is theirs).
  async function redact(f: FeedbackComment['flags'][number]) {
    const kind = placeholderKind(f.kind);
    if (!kind) return;
    const placeholder = t(`deid.placeholder.${kind}`);
    const r = await call('feedback.redact', { commentId: comment.id, start: f.start, end: f.end, expected: f.text, with: placeholder });
    if (!r.ok) return setError(r.error);
    setError(null);
    setSaid(t('sup.fb.redacted', { with: placeholder }));
    await onChanged();
  }
  async function remove() {
    const r = await call('feedback.delete', { commentId: comment.id });
    if (!r.ok) return setError(r.error);
    await onChanged();
  }
  // A memo is named by its date: the date as the interface writes dates.
  const label = comment.target.kind === 'memo' && isIsoDate(comment.targetLabel) ? date(comment.targetLabel) : comment.targetLabel;
  const what = t(`sup.comment.on.${comment.target.kind}`, { name: label });
  return (
    <article className={`comment from-supervisor ${resolved ? 'resolved' : ''}`} aria-label={t('sup.fb.on', { what })}>
      <p className="comment-head">
        <span className="pill sup-mark">{t('sup.fb.by', { fingerprint: comment.fingerprint, date: date(comment.createdAt.slice(0, 10)) })}</span>
        {comment.supervisorRemoved && (
          <>
            {' '}
            <span className="pill warn">{t('sup.fb.fromRemoved')}</span>
          </>
        )}
      </p>
      <p className="muted">{t('sup.fb.on', { what })}</p>
      {comment.excerpt && <blockquote className="comment-excerpt">«{excerptOf(comment.excerpt)}»</blockquote>}
      {/* From the supervisor's page: one click to the words in their interview (issue 29). */}
      {onOpen && comment.place && (
        <p>
          <button type="button" className="link" onClick={() => onOpen(comment.place!)}>
            {t('sup.fb.openPassage', { code: comment.targetLabel })}
          </button>
        </p>
      )}
      <p className="comment-text">{comment.text}</p>
      {comment.flags.map((f, i) => (
        <p key={`${f.start}-${i}`} className="warning-text">
          {t('sup.fb.flag', { text: f.text })} <span className="pill">{t(`deid.kind.${findingKind(f.kind)}`)}</span>{' '}
          {placeholderKind(f.kind) && (
            <button type="button" className="secondary small" onClick={() => void redact(f)}>
              {t('sup.fb.redact', { text: f.text, with: t(`deid.placeholder.${placeholderKind(f.kind)!}`) })}
            </button>
          )}
        </p>
      ))}
      {said && (
        <p role="status" className="muted">
          {said}
        </p>
      )}
      {comment.replies.map((r) => (
        <p key={r.id} className="reply">
          <span className="muted">{t('sup.fb.yourReply', { date: date(r.at.slice(0, 10)) })}:</span> {r.text}
        </p>
      ))}
      <ErrorBanner error={error} />
      {replying ? (
        <form onSubmit={reply} className="comment-form">
          <label htmlFor={`re-${comment.id}`}>{t('sup.fb.replyLabel')}</label>
          <textarea id={`re-${comment.id}`} rows={2} value={text} onChange={(e) => setText(e.target.value)} autoFocus aria-describedby={`re-${comment.id}-h`} />
          <p className="hint" id={`re-${comment.id}-h`}>
            {t('sup.fb.replyNote')}
          </p>
          <div className="actions start">
            <button type="submit" disabled={!text.trim()}>
              {t('sup.fb.send')}
            </button>
            <button type="button" className="link" onClick={() => setReplying(false)}>
              {t('sup.comment.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="actions start">
          <button type="button" className="secondary small" onClick={() => setReplying(true)}>
            {t('sup.fb.reply')}
          </button>
          <label className="choice">
            <input type="checkbox" checked={resolved} onChange={(e) => void resolve(e.target.checked)} /> {t('sup.fb.resolved')}
          </label>
          {!deleting && (
            <button type="button" className="link" onClick={() => setDeleting(true)}>
              {t('sup.fb.delete')}
            </button>
          )}
        </div>
      )}
      {deleting && (
        <div className="confirm" role="group" aria-label={t('sup.fb.delete')}>
          <p>{t('sup.fb.deleteConfirm')}</p>
          <div className="actions start">
            <button type="button" className="danger" onClick={() => void remove()}>
              {t('sup.fb.deleteYes')}
            </button>
            <button type="button" className="link" onClick={() => setDeleting(false)}>
              {t('sup.fb.deleteNo')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

/** A flag's kind as the catalogue names it; an unknown kind is treated as a name. */
const findingKind = (k: string): DeidKind => ((DEID_KINDS as readonly string[]).includes(k) ? (k as DeidKind) : 'name');
/** The placeholder kind for a flag; invisible characters have none. */
const placeholderKind = (k: string): Exclude<DeidKind, 'invisible'> | null => {
  const kind = findingKind(k);
  return kind === 'invisible' ? null : kind;
};

/**
 * After a withdrawal: which supervisors hold a copy with the participant's data, and a new
 * share made at once (the new share lists the withdrawn code, so the copy deletes them).
 */
export function SupervisorCopies({ code }: { code: string }) {
  const { t, date } = useI18n();
  const [holding, setHolding] = useState<SupervisorHolding[]>([]);
  const [sharing, setSharing] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const r = await call('supervisors.holding', { code });
    // Without the supervisor built (or nobody added) there is nothing to tell.
    if (r.ok) setHolding(r.value);
  }, [code]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (holding.length === 0 && !said) return null;
  return (
    <section className="card sup-copies" aria-labelledby="sup-copies-h">
      <h2 id="sup-copies-h">{t('sup.withdrawal.holding')}</h2>
      {holding.some((h) => !h.replacedAt) && <p>{t('sup.withdrawal.explain')}</p>}
      {said && <Notice>{said}</Notice>}
      {holding.map((h) => (
        <div key={h.supervisorId}>
          <p>{h.replacedAt ? t('sup.withdrawal.replaced', { label: h.label, date: date(h.replacedAt.slice(0, 10)) }) : t('supervisor.holding', { label: h.label, fingerprint: h.fingerprint, version: h.version })}</p>
          {!h.replacedAt && sharing !== h.supervisorId && (
            <button type="button" onClick={() => setSharing(h.supervisorId)}>
              {t('sup.withdrawal.makeNew', { label: h.label })}
            </button>
          )}
          {sharing === h.supervisorId && (
            <SharePanel
              entry={{ id: h.supervisorId, label: h.label }}
              onCancel={() => setSharing(null)}
              onMade={async (s) => {
                setSharing(null);
                setSaid(s);
                await reload();
              }}
            />
          )}
        </div>
      ))}
    </section>
  );
}

/**
 * The supervisor's comments on one code, theme, memo or segment, shown where the student
 * works on it in the analysis (nothing when there are none), with reply and resolve.
 */
export function SupervisorFeedbackFor({ kind, id }: { kind: FeedbackComment['target']['kind']; id: string }) {
  const { t } = useI18n();
  const [comments, setComments] = useState<FeedbackComment[]>([]);
  const reload = useCallback(async () => {
    const r = await call('feedback.list', {});
    // A vault without feedback (or before the supervisor is set up) shows nothing here.
    if (r.ok) setComments(r.value.filter((c) => c.target.kind === kind && c.target.id === id));
  }, [kind, id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (comments.length === 0) return null;
  return (
    <div className="sup-feedback-for" aria-label={t('sup.fb.title')}>
      {comments.map((c) => (
        <StudentComment key={c.id} comment={c} onChanged={reload} />
      ))}
    </div>
  );
}
