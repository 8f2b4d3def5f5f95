/**
 * The supervisor's comments beside what they are about: the ones already written (with
 * the student's replies, which came back in a later share) and a box to write one more.
 */
import { useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import type { FeedbackComment, FeedbackTarget, ShareContent } from '../../../../shared/supervisor';

export type Replies = ShareContent['replies'];

interface Props {
  vaultId: string;
  target: FeedbackTarget;
  /** What it is about, as a phrase: «koden "Tillit"». */
  what: string;
  comments: FeedbackComment[];
  replies: Replies;
  onChanged(): Promise<void>;
}

export function CommentsFor({ vaultId, target, what, comments, replies, onChanged }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const mine = comments.filter((c) => c.target.kind === target.kind && c.target.id === target.id);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await call('supervisor.comment', { vaultId, target, text });
    if (!r.ok) return setError(r.error);
    setError(null);
    setText('');
    setOpen(false);
    setSaid(t('sup.comment.saved'));
    await onChanged();
  }

  async function remove(id: string) {
    const r = await call('supervisor.deleteComment', { vaultId, id });
    if (!r.ok) return setError(r.error);
    await onChanged();
  }

  return (
    <div className="sup-comments">
      {mine.map((c) => (
        <CommentView key={c.id} comment={c} replies={replies} onDelete={() => void remove(c.id)} />
      ))}
      {said && <p role="status" className="muted">{said}</p>}
      <ErrorBanner error={error} />
      {open ? (
        <form onSubmit={save} className="comment-form">
          <label htmlFor={`cm-${target.kind}-${target.id}`}>{t('sup.comment.label', { what })}</label>
          <textarea id={`cm-${target.kind}-${target.id}`} rows={3} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
          <div className="actions start">
            <button type="submit" disabled={!text.trim()}>
              {t('sup.comment.save')}
            </button>
            <button type="button" className="link" onClick={() => setOpen(false)}>
              {t('sup.comment.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="secondary small" onClick={() => setOpen(true)} aria-label={t('sup.comment.addOn', { what })}>
          {t('sup.comment.add')}
        </button>
      )}
    </div>
  );
}

export function CommentView({ comment, replies, onDelete, showTarget }: { comment: FeedbackComment; replies: Replies; onDelete?(): void; showTarget?: boolean }) {
  const { t, date } = useI18n();
  const back = replies.find((r) => r.commentId === comment.id);
  return (
    <article className="comment sup">
      <p className="comment-head">
        <span className="pill">{t('sup.comment.yours', { date: date(comment.createdAt.slice(0, 10)) })}</span>{' '}
        <span className="muted">{comment.exportedAt ? t('sup.comment.exported', { date: date(comment.exportedAt.slice(0, 10)) }) : t('sup.comment.notExported')}</span>
      </p>
      {showTarget && <p className="muted">{t('sup.fb.on', { what: targetPhrase(t, comment) })}</p>}
      {showTarget && comment.excerpt && <blockquote className="comment-excerpt">«{excerptOf(comment.excerpt)}»</blockquote>}
      <p className="comment-text">{comment.text}</p>
      {back && back.replies.length > 0 && (
        <div className="replies">
          <h4>{t('sup.read.replies')}</h4>
          {back.replies.map((r) => (
            <p key={r.id}>
              <span className="muted">{date(r.at.slice(0, 10))}:</span> {r.text}
            </p>
          ))}
        </div>
      )}
      {back?.resolved && <p className="muted">{t('sup.read.resolved')}</p>}
      {onDelete && !comment.exportedAt && (
        <button type="button" className="link" onClick={onDelete}>
          {t('sup.comment.delete')}
        </button>
      )}
    </article>
  );
}

/** «koden "Tillit"», «utdraget i JS01»: what a comment is about, from its own label. */
export function targetPhrase(t: ReturnType<typeof useI18n>['t'], c: FeedbackComment): string {
  return t(`sup.comment.on.${c.target.kind}`, { name: c.targetLabel });
}

/** The quoted passage, cut to a few lines. */
export const excerptOf = (text: string): string => (text.length > 240 ? `${text.slice(0, 239)}…` : text);
