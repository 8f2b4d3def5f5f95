import { useEffect, useId, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { Code, RetrievedSegment, Theme } from '../../../../shared/analysis';
import { formatTimestamp } from '../../../../shared/analysis-text';
import type { ErrorInfo } from '../../../../shared/errors';
import { Swatch } from './QuickCode';
import { codeLabel, treeOrder } from '../../components/codes';
import type { WhereClause } from '../../../../shared/attributes';
import { AttributeFilter } from './AttributeFilter';

export type Place = { transcriptId: string; start: number; end: number };

interface Props {
  of: { kind: 'code' | 'theme'; id: string } | null;
  codes: Code[];
  themes: Theme[];
  onChoose(of: { kind: 'code' | 'theme'; id: string }): void;
  onOpen(place: Place): void;
}

/**
 * Everything coded with a code or a theme's codes, across all interviews: participant,
 * time in the recording, the words around; a click opens the transcript there.
 */
export function Retrieval({ of, codes, themes, onChoose, onOpen }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [segments, setSegments] = useState<RetrievedSegment[] | null>(null);
  const [participant, setParticipant] = useState('');
  // NVivo's "aggregate": a parent code's passages with its sub-codes' (the default), or its own only.
  const [withSubcodes, setWithSubcodes] = useState(true);
  const [where, setWhere] = useState<WhereClause[]>([]);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    if (!of) return;
    void call('coding.retrieve', { of: of.kind, id: of.id, ...(participant ? { participant } : {}), ...(withSubcodes ? {} : { descendants: false }), ...(where.length ? { where } : {}) }).then((r) => {
      if (!r.ok) return setError(r.error);
      setError(null);
      setSegments(r.value);
    });
  }, [of, participant, withSubcodes, where]);

  const code = of?.kind === 'code' ? codes.find((c) => c.id === of.id) : undefined;
  const theme = of?.kind === 'theme' ? themes.find((x) => x.id === of.id) : undefined;
  const title = code ? codeLabel(code) : (theme?.name ?? '');
  const participants = [...new Set((segments ?? []).map((s) => s.participant))].sort();
  const value = of ? `${of.kind}:${of.id}` : '';

  return (
    <section className="card retrieval" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{of ? t('analysis.retrieval.of', { name: title }) : t('analysis.retrieval.title')}</h2>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor={`${id}-w`}>{t('analysis.retrieval.choose')}</label>
          <select
            id={`${id}-w`}
            value={value}
            onChange={(e) => {
              const [kind, x] = e.target.value.split(':') as ['code' | 'theme', string];
              setParticipant('');
              if (x) onChoose({ kind, id: x });
            }}
          >
            <option value="">{t('analysis.code.choose')}</option>
            <optgroup label={t('analysis.tab.codebook')}>
              {treeOrder(codes).map(({ item, depth }) => (
                <option key={item.id} value={`code:${item.id}`}>
                  {'  '.repeat(depth) + item.name}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('analysis.tab.themes')}>
              {treeOrder(themes).map(({ item, depth }) => (
                <option key={item.id} value={`theme:${item.id}`}>
                  {'  '.repeat(depth) + item.name}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        {of && (
          <div className="field inline">
            <label htmlFor={`${id}-p`}>{t('analysis.retrieval.participant')}</label>
            <select id={`${id}-p`} value={participant} onChange={(e) => setParticipant(e.target.value)}>
              <option value="">{t('analysis.retrieval.all')}</option>
              {(participant ? [participant] : participants).map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </div>
        )}
        {of && (
          <label className="checkbox">
            <input type="checkbox" checked={withSubcodes} onChange={(e) => setWithSubcodes(e.target.checked)} />
            {of.kind === 'code' ? t('analysis.retrieval.withSubcodes') : t('analysis.retrieval.withSubthemes')}
          </label>
        )}
      </div>
      {of && <AttributeFilter where={where} onChange={setWhere} />}
      <ErrorBanner error={error} />
      {of && segments && (
        <p className="muted" role="status">
          {t('analysis.retrieval.count', { count: segments.length, interviews: new Set(segments.map((s) => s.transcriptId)).size })}
        </p>
      )}
      <ol className="retrieved">
        {(of ? (segments ?? []) : []).map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="retrieved-open"
              onClick={() => onOpen({ transcriptId: s.transcriptId, start: s.start, end: s.end })}
            >
              <span className="cite">
                {s.participant}
                {s.timestampMs !== null && `, ${formatTimestamp(s.timestampMs)}`}
              </span>
              {s.quote && <span className="pill">{t('analysis.retrieval.quote')}</span>}
              {/* Machine text not checked against the recording: said as the report says it, in the same quiet tone. */}
              {s.machineText && <span className="pill">{t('mt.quoteMark')}</span>}
              {/* The name a screen reader hears begins with what is shown (axe: label-content-name-mismatch). */}
              <span className="sr-only"> – {t('analysis.search.openHit')}</span>
            </button>
            <p className="kwic">
              <span className="muted">…{s.before}</span>
              <mark>{s.text}</mark>
              <span className="muted">{s.after}…</span>
            </p>
            <ul className="chips" aria-label={t('analysis.coding.codesOn')}>
              {s.codes.map((c) => (
                <li key={c.id} className="chip">
                  <Swatch color={c.color} />
                  {c.name}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
