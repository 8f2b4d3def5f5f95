import { useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Card, ErrorBanner, Notice } from '../../components/ui';
import type { DeidFinding, DeidReport, TranscriptDetail } from '../../../../shared/contract';
import { DEID_CONFIDENCES, DEID_KINDS, LABELLED_KINDS, NARROWING_KINDS, PLACEHOLDER, type DeidKind } from '../../../../shared/domain';
import type { ErrorInfo } from '../../../../shared/errors';

type Labelled = Exclude<DeidKind, 'invisible'>;
type SortBy = 'position' | 'kind' | 'confidence';

/** A finding's place in the text and words, which stay the same while the list is refreshed. */
const keyOf = (f: DeidFinding, shift = 0): string => `${f.start + shift}:${f.text}`;
/**
 * Narrowing facts identify only together, and an uncertain finding ("kanskje") is as often
 * a method or a term as a name (issue 29: "Supported Employment" became "[navn]"): listed,
 * not ticked unless the user ticks them.
 */
const tickedByDefault = (f: DeidFinding): boolean => !NARROWING_KINDS.includes(f.kind) && f.confidence !== 'low';

/**
 * Identifying details in a transcript: look, choose, replace with placeholders. Main
 * finds them (it alone can read the key list); this screen only shows the transcript's
 * own words, and replaces only what the user ticked. "Not identifying" is remembered for
 * the whole project.
 */
export function DeidentifyPanel({ transcript, ended, onChanged }: { transcript: TranscriptDetail; ended: boolean; onChanged(t: TranscriptDetail): void }) {
  const { t } = useI18n();
  const [report, setReport] = useState<DeidReport | null>(null);
  // What the user changed from the default (ticked or not), by keyOf.
  const [overrides, setOverrides] = useState<Map<string, boolean>>(new Map());
  const [sortBy, setSortBy] = useState<SortBy>('position');
  const [labels, setLabels] = useState<Record<Labelled, string>>(() => Object.fromEntries(LABELLED_KINDS.map((k) => [k, t(`deid.placeholder.${k as Labelled}`)])) as Record<Labelled, string>);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const ticked = (f: DeidFinding): boolean => overrides.get(keyOf(f)) ?? tickedByDefault(f);
  const labelOf = (k: DeidKind): string => (k === 'invisible' ? '' : labels[k]);

  async function check(keep: Map<string, boolean> = overrides) {
    setError(null);
    setNotice(null);
    const r = await call('transcripts.check', { id: transcript.id });
    if (!r.ok) return setError(r.error);
    setReport(r.value);
    setOverrides(keep);
  }

  async function apply(replace: DeidFinding[], kept: string[], done: string | null) {
    setBusy(true);
    setError(null);
    setNotice(null);
    // Where the findings the user chose about will be once the replacements are in.
    const shift = (at: number) => replace.filter((f) => f.end <= at).reduce((d, f) => d + labelOf(f.kind).length - (f.end - f.start), 0);
    const moved = new Map((report?.findings ?? []).filter((f) => overrides.has(keyOf(f))).map((f) => [keyOf(f, shift(f.start)), overrides.get(keyOf(f))!]));
    const r = await call('transcripts.deidentify', {
      id: transcript.id,
      replace: replace.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: labelOf(f.kind) })),
      kept,
    });
    if (r.ok) {
      onChanged(r.value);
      await check(moved);
      setNotice(done);
    } else setError(r.error);
    // Busy until the new findings are in: a second click on the old list would be stale.
    setBusy(false);
  }

  /** Undo the last replacement, or accept them all: either way the list is checked again. */
  async function settle(method: 'transcripts.undoReplacement' | 'transcripts.acceptReplacements', done: string) {
    setBusy(true);
    setError(null);
    setNotice(null);
    const r = await call(method, { id: transcript.id });
    if (r.ok) {
      onChanged(r.value);
      if (report) await check(new Map());
      setNotice(done);
    } else setError(r.error);
    setBusy(false);
  }

  const chosen = report ? report.findings.filter(ticked) : [];
  const kinds = LABELLED_KINDS.filter((k) => chosen.some((f) => f.kind === k)) as Labelled[];
  const badLabel = kinds.find((k) => !PLACEHOLDER.test(labels[k]));
  const order = (fs: DeidFinding[]): DeidFinding[] => {
    const byKind = (f: DeidFinding) => DEID_KINDS.indexOf(f.kind);
    const byConfidence = (f: DeidFinding) => DEID_CONFIDENCES.indexOf(f.confidence);
    if (sortBy === 'kind') return [...fs].sort((a, b) => byKind(a) - byKind(b) || byConfidence(a) - byConfidence(b) || a.start - b.start);
    if (sortBy === 'confidence') return [...fs].sort((a, b) => byConfidence(a) - byConfidence(b) || byKind(a) - byKind(b) || a.start - b.start);
    return fs;
  };
  const last = report?.lastWithKeyList;
  const pending = transcript.pendingReplacements;
  const lastPending = pending.at(-1);
  const byConfidence = Object.fromEntries(DEID_CONFIDENCES.map((c) => [c, chosen.filter((f) => f.confidence === c).length])) as Record<(typeof DEID_CONFIDENCES)[number], number>;

  return (
    <Card title={t('deid.title')} className="deid">
      <p className="muted">{t('deid.intro')}</p>
      <ErrorBanner error={error} />
      {notice && <Notice>{notice}</Notice>}
      {report && !report.keyListUsed && <p className="hint">{t('deid.noKeyList')}</p>}
      {report && !report.keyListUsed && last && (
        <p className="hint">{t('deid.afterKeyList', { count: last.unresolved, date: last.at.slice(0, 10) })}</p>
      )}
      {!report && (
        <button type="button" onClick={() => void check()}>
          {t('deid.check')}
        </button>
      )}
      {report && report.findings.length === 0 && <p>{t('deid.none')}</p>}
      {report && report.findings.length > 0 && (
        <>
          <p>{t('deid.found', { count: report.findings.length })}</p>
          {report.findings.some((f) => NARROWING_KINDS.includes(f.kind)) && <p className="hint">{t('deid.narrowingHint')}</p>}
          {report.findings.some((f) => f.confidence === 'low' && !NARROWING_KINDS.includes(f.kind)) && <p className="hint">{t('deid.uncertainHint')}</p>}
          {report.findings.some((f) => f.kind === 'invisible') && <p className="hint">{t('deid.invisibleHint')}</p>}
          <div className="field inline">
            <label htmlFor="deid-sort">{t('deid.sort')}</label>
            <select id="deid-sort" value={sortBy} onChange={(e) => setSortBy(e.target.value as SortBy)}>
              <option value="position">{t('deid.sort.position')}</option>
              <option value="kind">{t('deid.sort.kind')}</option>
              <option value="confidence">{t('deid.sort.confidence')}</option>
            </select>
          </div>
          <ul className="findings">
            {order(report.findings).map((f) => (
              <li key={`${f.start}-${f.end}`}>
                <label>
                  <input
                    type="checkbox"
                    checked={ticked(f)}
                    onChange={(e) => {
                      const next = new Map(overrides);
                      next.set(keyOf(f), e.target.checked);
                      setOverrides(next);
                    }}
                  />{' '}
                  <span className="pill">{t(`deid.kind.${f.kind}`)}</span>{' '}
                  <span className={`pill confidence ${f.confidence}`} title={t('deid.confidenceLabel', { confidence: t(`deid.confidence.${f.confidence}`) })}>
                    {t(`deid.confidence.${f.confidence}`)}
                  </span>{' '}
                  <span className="context" lang="nb">
                    {around(transcript.text, f).before}
                    <mark>{f.kind === 'invisible' ? `‹${t('deid.invisibleText', { count: [...f.text].length })}›` : f.text}</mark>
                    {around(transcript.text, f).after}
                  </span>
                </label>
                {f.kind !== 'invisible' && (
                  <button type="button" className="link" disabled={busy} onClick={() => void apply([], [...report.kept, f.text], null)}>
                    {t('deid.keep')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <div className="deid-labels">
            {kinds.map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`deid-${k}`}>
                  {t('deid.replaceWith')}: {t(`deid.kind.${k}`)}
                </label>
                {/* After the end only Hvelv's own placeholders may be written (main refuses others). */}
                <input id={`deid-${k}`} value={labels[k]} readOnly={ended} aria-invalid={!PLACEHOLDER.test(labels[k]) || undefined} onChange={(e) => setLabels({ ...labels, [k]: e.target.value })} />
              </div>
            ))}
          </div>
          {badLabel && <p className="field-error">{t('deid.badPlaceholder')}</p>}
          <div className="actions start">
            <button
              type="button"
              aria-describedby="deid-will-change"
              disabled={busy || chosen.length === 0 || Boolean(badLabel)}
              onClick={() => void apply(chosen, report.kept, t('deid.done', { count: chosen.length }))}
            >
              {t('deid.replace', { count: chosen.length })}
            </button>
            <span id="deid-will-change" className="muted">
              {t('deid.willChange', { high: byConfidence.high, medium: byConfidence.medium, low: byConfidence.low })}
            </span>
          </div>
        </>
      )}
      {report && report.kept.length > 0 && (
        <p className="muted">
          {t('deid.keptProject', { terms: report.kept.join(', ') })}{' '}
          <button type="button" className="link" disabled={busy} onClick={() => void apply([], [], null)}>
            {t('deid.forget')}
          </button>
        </p>
      )}
      {/* After the check's result, which the notice of a replacement leads into. */}
      {pending.length > 0 && (
        <section className="deid-history" aria-labelledby="deid-history-title">
          <h3 id="deid-history-title">{t('deid.history.title')}</h3>
          <p className="muted">{t('deid.history.intro')}</p>
          <ol>
            {pending.map((p, i) => (
              <li key={`${p.at}-${i}`}>
                {p.items.map((x, j) => (
                  <span key={j}>
                    {j > 0 && ', '}
                    {t('deid.history.item', { was: x.was, with: x.with })}
                  </span>
                ))}
              </li>
            ))}
          </ol>
          <div className="actions start">
            <button type="button" disabled={busy} onClick={() => void settle('transcripts.undoReplacement', t('deid.history.undone', { count: lastPending?.items.length ?? 0 }))}>
              {t('deid.history.undo', { count: lastPending?.items.length ?? 0 })}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void settle('transcripts.acceptReplacements', t('deid.history.accepted'))}>
              {t('deid.history.accept')}
            </button>
          </div>
        </section>
      )}
    </Card>
  );
}

/** A few words either side of a finding, on one line, without timestamps (whole or cut). */
function around(text: string, f: DeidFinding): { before: string; after: string } {
  const flat = (s: string) => s.replace(/#\d{1,2}:\d{2}:\d{2}-\d#/g, '').replace(/\s+/g, ' ');
  const before = flat(text.slice(Math.max(0, f.start - 60), f.start)).replace(/^[\d:-]*#/, '').slice(-40);
  const after = flat(text.slice(f.end, f.end + 60)).replace(/#[\d:-]*$/, '').slice(0, 40);
  // An ellipsis only where the text goes on.
  return { before: f.start > 40 ? `…${before}` : before.trimStart(), after: f.end + 40 < text.length ? `${after}…` : after.trimEnd() };
}
