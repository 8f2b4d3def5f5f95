import { useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { Code, SearchHit, SearchResult } from '../../../../shared/analysis';
import { formatTimestamp } from '../../../../shared/analysis-text';
import type { ErrorInfo } from '../../../../shared/errors';
import { QuickCode } from './QuickCode';
import { nextColour } from '../../components/codes';
import type { Place } from './Retrieval';
import type { WhereClause } from '../../../../shared/attributes';
import { AttributeFilter } from './AttributeFilter';

interface Props {
  codes: Code[];
  ended: boolean;
  onChanged(): Promise<void>;
  onOpen(place: Place): void;
  onOpenMemos(): void;
}

/**
 * Search across transcripts and memos, folded as Norwegians type without their letters
 * ("aase" finds "Åse"), phrases in quotes. A hit in a transcript opens there, or is
 * coded straight from the list.
 */
export function Search({ codes, ended, onChanged, onOpen, onOpenMemos }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [coding, setCoding] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [where, setWhere] = useState<WhereClause[]>([]);

  async function search(e: FormEvent | null, filter = where) {
    e?.preventDefault();
    if (!query.trim()) return;
    const r = await call('analysis.search', { query, ...(filter.length ? { where: filter } : {}) });
    if (!r.ok) return setError(r.error);
    setError(null);
    setResult(r.value);
  }

  async function code(hit: SearchHit, pick: { codeId: string } | { create: string }) {
    if (!hit.transcriptId) return;
    let codeId: string;
    let name: string;
    if ('create' in pick) {
      const c = await call('codes.add', { name: pick.create, parentId: null, definition: '', color: nextColour(codes) });
      if (!c.ok) return setError(c.error);
      codeId = c.value.id;
      name = c.value.name;
    } else {
      codeId = pick.codeId;
      name = codes.find((c) => c.id === codeId)?.name ?? '';
    }
    const r = await call('coding.apply', { transcriptId: hit.transcriptId, start: hit.start, end: hit.end, codeId });
    if (!r.ok) return setError(r.error);
    setError(null);
    setCoding(null);
    setNotice(t('analysis.search.coded', { text: hit.match, code: name, participant: hit.participant ?? '' }));
    await onChanged();
  }

  const key = (h: SearchHit) => `${h.kind}:${h.id}:${h.start}`;
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('analysis.search.title')}</h2>
      <form role="search" className="field-row" onSubmit={(e) => void search(e)}>
        <div className="field">
          <label htmlFor={`${id}-q`}>{t('analysis.search.label')}</label>
          <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-describedby={`${id}-hint`} />
          <p className="hint" id={`${id}-hint`}>
            {t('analysis.search.hint')}
          </p>
        </div>
        <button type="submit">{t('analysis.search.go')}</button>
      </form>
      <AttributeFilter
        where={where}
        onChange={(w) => {
          setWhere(w);
          void search(null, w);
        }}
      />
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {result && (
        <p className="muted" role="status">
          {t('analysis.search.count', { count: result.total })}
        </p>
      )}
      <ol className="retrieved">
        {result?.hits.map((h) => (
          <li key={key(h)}>
            <div className="hit-head">
              {h.kind === 'transcript' && h.transcriptId ? (
                <button type="button" className="retrieved-open" onClick={() => onOpen({ transcriptId: h.transcriptId!, start: h.start, end: h.end })}>
                  <span className="cite">
                    {h.participant}
                    {h.timestampMs !== null && `, ${formatTimestamp(h.timestampMs)}`}
                  </span>
                  <span className="visually-hidden"> {t('analysis.search.openHit')}</span>
                </button>
              ) : (
                <button type="button" className="retrieved-open" onClick={onOpenMemos}>
                  <span className="cite">{t('analysis.search.memo')}</span>
                  {h.participant && <span> · {h.participant}</span>}
                </button>
              )}
              {h.kind === 'transcript' && !ended && (
                <button type="button" className="link" aria-expanded={coding === key(h)} onClick={() => setCoding(coding === key(h) ? null : key(h))}>
                  {t('analysis.search.codeHit', { text: h.match })}
                </button>
              )}
            </div>
            <p className="kwic">
              <span className="muted">…{h.before}</span>
              <mark>{h.match}</mark>
              <span className="muted">{h.after}…</span>
            </p>
            {coding === key(h) && <QuickCode codes={codes} disabled={false} onPick={(p) => void code(h, p)} onEscape={() => setCoding(null)} autoFocus />}
          </li>
        ))}
      </ol>
    </section>
  );
}
