import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import { Report } from './Report';
import { PHASES, type Code, type Memo, type MemoTarget, type Theme } from '../../../../shared/analysis';
import type { ErrorInfo } from '../../../../shared/errors';
import { codeLabel } from '../../components/codes';
import { SupervisorFeedbackFor } from '../supervisor';

const sameTarget = (a: MemoTarget, b: MemoTarget): boolean => a.kind === b.kind && ('id' in a ? a.id : '') === ('id' in b ? b.id : '');

/** The memos on one thing (a transcript, code, theme or segment) and a box to write one. */
export function MemoBox({ target, ended }: { target: MemoTarget; ended: boolean }) {
  const [memos, setMemos] = useState<Memo[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  // By value: the parent passes a new object on every render, which must not reload.
  const key = `${target.kind}:${'id' in target ? target.id : ''}`;
  const load = useCallback(async () => {
    const r = await call('memos.list', {});
    if (!r.ok) return setError(r.error);
    const [kind, id] = key.split(':');
    setMemos(r.value.filter((m) => sameTarget(m.target, (id ? { kind, id } : { kind }) as MemoTarget)));
  }, [key]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="memo-box">
      <ErrorBanner error={error} />
      {memos.map((m) => (
        <MemoItem key={m.id} memo={m} ended={ended} onChanged={load} />
      ))}
      {!ended && <MemoForm target={target} onSaved={load} />}
    </div>
  );
}

export function MemoForm({ target, onSaved, label, saveLabel }: { target: MemoTarget; onSaved(): Promise<void> | void; label?: string; saveLabel?: string }) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [secret, setSecret] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  // A memo on an interview or a segment is about a participant: their access request holds it, private or not.
  const aboutParticipant = target.kind === 'transcript' || target.kind === 'segment';
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await call('memos.add', { target, text, private: secret });
    if (!r.ok) return setError(r.error);
    setError(null);
    setText('');
    setSecret(false);
    await onSaved();
  }
  return (
    <form className="memo-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-t`} className="label">
        {label ?? t('analysis.memo.new')}
      </label>
      <textarea id={`${id}-t`} rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <label className="checkbox">
        <input type="checkbox" checked={secret} onChange={(e) => setSecret(e.target.checked)} aria-describedby={aboutParticipant ? `${id}-p` : undefined} />
        {t('analysis.memo.private')}
      </label>
      {aboutParticipant && (
        <p id={`${id}-p`} className="hint">
          {t('analysis.memo.privateAccess')}
        </p>
      )}
      <ErrorBanner error={error} />
      <button type="submit" disabled={!text.trim()}>
        {saveLabel ?? t('analysis.memo.save')}
      </button>
    </form>
  );
}

function MemoItem({ memo, ended, onChanged, about }: { memo: Memo; ended: boolean; onChanged(): Promise<void>; about?: string }) {
  const { t, date } = useI18n();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const id = useId();
  async function save(change: { text?: string; private?: boolean }) {
    const r = await call('memos.update', { id: memo.id, ...change });
    if (!r.ok) return setError(r.error);
    setDraft(null);
    await onChanged();
  }
  async function remove() {
    const r = await call('memos.delete', { id: memo.id });
    if (!r.ok) return setError(r.error);
    await onChanged();
  }
  return (
    <article className="memo" aria-labelledby={`${id}-h`}>
      <p className="memo-meta" id={`${id}-h`}>
        {about && <strong>{about} · </strong>}
        {date(memo.createdAt)} · {t(`analysis.phase.${memo.phase}`)}
        {memo.private && <span className="pill warn">{t('analysis.memo.privateBadge')}</span>}
      </p>
      <ErrorBanner error={error} />
      {draft === null ? (
        <p className="memo-text">{memo.text}</p>
      ) : (
        <>
          <label htmlFor={`${id}-e`} className="visually-hidden">
            {t('analysis.memo.edit')}
          </label>
          <textarea id={`${id}-e`} rows={4} value={draft} onChange={(e) => setDraft(e.target.value)} />
        </>
      )}
      {!ended && (
        <div className="actions start wrap small">
          {draft === null ? (
            <button type="button" className="link" onClick={() => setDraft(memo.text)}>
              {t('analysis.memo.edit')}
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void save({ text: draft })}>
                {t('common.save')}
              </button>
              <button type="button" className="secondary" onClick={() => setDraft(null)}>
                {t('common.cancel')}
              </button>
            </>
          )}
          <button type="button" className="link" onClick={() => void save({ private: !memo.private })}>
            {memo.private ? t('analysis.memo.makeShared') : t('analysis.memo.makePrivate')}
          </button>
          <button type="button" className="link danger-link" onClick={() => void remove()}>
            {t('analysis.memo.delete')}
          </button>
        </div>
      )}
      {/* The supervisor's comments on this memo, beside it (as for codes, themes and segments). */}
      <SupervisorFeedbackFor kind="memo" id={memo.id} />
    </article>
  );
}

/**
 * All memos, and the reflexive journal: dated entries under the phase they were
 * written in, exportable on its own for the method chapter.
 */
export function MemosPanel({ codes, themes, ended, onOpenTranscript }: { codes: Code[]; themes: Theme[]; ended: boolean; onOpenTranscript(id: string): void }) {
  const { t } = useI18n();
  const [memos, setMemos] = useState<Memo[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [exporting, setExporting] = useState(false);
  const load = useCallback(async () => {
    const r = await call('memos.list', {});
    if (!r.ok) return setError(r.error);
    setMemos(r.value);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  const about = (m: Memo): string => {
    const tg = m.target;
    if (tg.kind === 'code') return t('analysis.memo.onCode', { name: codes.find((c) => c.id === tg.id) ? codeLabel(codes.find((c) => c.id === tg.id)!) : '?' });
    if (tg.kind === 'theme') return t('analysis.memo.onTheme', { name: themes.find((x) => x.id === tg.id)?.name ?? '?' });
    if (tg.kind === 'transcript' || tg.kind === 'segment') return t(`analysis.memo.on.${tg.kind}`, { code: m.participant ?? '' });
    return t(`analysis.memo.on.${tg.kind}`);
  };
  const journal = memos.filter((m) => m.target.kind === 'journal');
  const others = memos.filter((m) => m.target.kind !== 'journal');
  return (
    <div className="memos-panel">
      <ErrorBanner error={error} />
      <section className="card" aria-labelledby="journal-h">
        <div className="page-head">
          <h2 id="journal-h">{t('analysis.journal.title')}</h2>
          <button type="button" className="secondary" onClick={() => setExporting(!exporting)} aria-expanded={exporting} disabled={journal.length === 0}>
            {t('analysis.journal.export')}
          </button>
        </div>
        <p className="hint">{t('analysis.journal.help')}</p>
        {exporting && <Report what="journal" />}
        {!ended && <MemoForm target={{ kind: 'journal' }} onSaved={load} label={t('analysis.journal.new')} saveLabel={t('analysis.journal.save')} />}
        {PHASES.filter((p) => journal.some((m) => m.phase === p)).map((p) => (
          <div key={p} className="journal-phase">
            <h3>{t(`analysis.phase.${p}`)}</h3>
            {journal
              .filter((m) => m.phase === p)
              .map((m) => (
                <MemoItem key={m.id} memo={m} ended={ended} onChanged={load} />
              ))}
          </div>
        ))}
      </section>
      <section className="card" aria-labelledby="memos-h">
        <h2 id="memos-h">{t('analysis.memos.title')}</h2>
        {!ended && <MemoForm target={{ kind: 'project' }} onSaved={load} label={t('analysis.memo.newProject')} />}
        {others.length === 0 && <p className="muted">{t('analysis.memos.none')}</p>}
        {others.map((m) => (
          <div key={m.id}>
            <MemoItem memo={m} ended={ended} onChanged={load} about={about(m)} />
            {m.target.kind === 'transcript' && (
              <button type="button" className="link" onClick={() => onOpenTranscript((m.target as { id: string }).id)}>
                {t('analysis.memo.openTranscript', { code: m.participant ?? '' })}
              </button>
            )}
          </div>
        ))}
      </section>
    </div>
  );
}

