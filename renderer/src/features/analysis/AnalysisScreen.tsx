import type { JSX } from 'react';
import { useCallback, useEffect, useState } from 'react';
import { ExchangeExport } from '../exchange';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { AnalysisOverview } from '../../../../shared/contract';
import { PHASES, type Phase } from '../../../../shared/analysis';
import type { ErrorInfo } from '../../../../shared/errors';
import { CodingView } from './CodingView';
import { Codebook } from './Codebook';
import { Themes } from './Themes';
import { MemosPanel } from './Memos';
import { Compare } from './Compare';
import { Retrieval, type Place } from './Retrieval';
import { Search } from './Search';
import { ThematicMap } from './ThematicMap';
import { Report } from './Report';

const TABS = ['interviews', 'codebook', 'themes', 'retrieval', 'search', 'compare', 'memos', 'map', 'report', 'exchange'] as const;
type Tab = (typeof TABS)[number];

interface Props {
  title: string;
  ended: boolean;
  /** Opened from a transcript: code that one straight away. */
  transcriptId: string | null;
  /** Opened from a supervisor's comment: these words of that transcript, shown at once. */
  at?: Place | null;
}

/**
 * The analysis, in the vault: interviews to code, the codebook, themes, retrieval,
 * search, memos and the reflexive journal, the thematic map and the report; the six
 * phases of Braun & Clarke along the top as a guide, never a gate.
 */
export function AnalysisScreen({ title, ended, transcriptId, at = null }: Props) {
  const { t } = useI18n();
  const [overview, setOverview] = useState<AnalysisOverview | null>(null);
  const [tab, setTab] = useState<Tab>('interviews');
  const [coding, setCoding] = useState<{ transcriptId: string; at: Place | null; visit: number } | null>(transcriptId ? { transcriptId, at, visit: 0 } : null);
  const [retrieve, setRetrieve] = useState<{ kind: 'code' | 'theme'; id: string } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const reload = useCallback(async () => {
    const r = await call('analysis.overview', {});
    if (!r.ok) return setError(r.error);
    setOverview(r.value);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function dismissWithdrawal(id: string) {
    const r = await call('analysis.dismissWithdrawal', { id });
    if (!r.ok) return setError(r.error);
    setOverview(r.value);
  }

  async function setPhase(phase: Phase) {
    const r = await call('analysis.setPhase', { phase });
    if (!r.ok) return setError(r.error);
    setOverview(r.value);
  }

  // "Not now" is kept in the vault: the same suggestion does not return at the next visit.
  async function declinePhase(phase: Phase) {
    const r = await call('analysis.declinePhase', { phase });
    if (!r.ok) return setError(r.error);
    setOverview(r.value);
  }

  const openAt = (place: Place) => {
    setCoding((c) => ({ transcriptId: place.transcriptId, at: place, visit: (c?.visit ?? 0) + 1 }));
    setTab('interviews');
  };
  const openTranscript = (id: string) => {
    setCoding((c) => ({ transcriptId: id, at: null, visit: (c?.visit ?? 0) + 1 }));
    setTab('interviews');
  };

  if (!overview) {
    return (
      <main className="page wide" aria-busy={!error}>
        <h1>{t('analysis.title')}</h1>
        <ErrorBanner error={error} />
      </main>
    );
  }
  const { codes, themes } = overview;
  let body: JSX.Element;
  if (tab === 'interviews' && coding)
    body = <CodingView key={`${coding.transcriptId}-${coding.visit}`} transcriptId={coding.transcriptId} at={coding.at} codes={codes} ended={ended} onChanged={reload} onBack={() => setCoding(null)} />;
  else if (tab === 'interviews')
    body = (
      <section className="card" aria-labelledby="iv-h">
        <h2 id="iv-h">{t('analysis.interviews.title')}</h2>
        {overview.transcripts.length === 0 ? (
          <p className="muted">{t('analysis.interviews.none')}</p>
        ) : (
          <ul className="tr-list">
            {/* By participant code, as the interviews are listed everywhere else (issue 15). */}
            {[...overview.transcripts].sort((a, b) => a.participant.localeCompare(b.participant, 'en', { numeric: true })).map((tr) => (
              <li key={tr.id}>
                <button type="button" className="link code" onClick={() => openTranscript(tr.id)} aria-label={t('analysis.interviews.open', { code: tr.participant })}>
                  {tr.participant}
                </button>
                <span className="muted">{t('analysis.interviews.facts', { chars: tr.chars, segments: tr.segments })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  else if (tab === 'codebook')
    body = (
      <Codebook
        codes={codes}
        ended={ended}
        orphans={overview.orphans}
        onChanged={reload}
        onOpenTranscript={openTranscript}
        onRetrieve={(id) => {
          setRetrieve({ kind: 'code', id });
          setTab('retrieval');
        }}
      />
    );
  else if (tab === 'themes')
    body = (
      <Themes
        themes={themes}
        codes={codes}
        ended={ended}
        onChanged={reload}
        onRetrieve={(id) => {
          setRetrieve({ kind: 'theme', id });
          setTab('retrieval');
        }}
      />
    );
  else if (tab === 'retrieval') body = <Retrieval of={retrieve} codes={codes} themes={themes} onChoose={setRetrieve} onOpen={openAt} />;
  else if (tab === 'search') body = <Search codes={codes} ended={ended} onChanged={reload} onOpen={openAt} onOpenMemos={() => setTab('memos')} />;
  else if (tab === 'compare') body = <Compare ended={ended} onOpen={openAt} />;
  else if (tab === 'memos') body = <MemosPanel codes={codes} themes={themes} ended={ended} onOpenTranscript={openTranscript} />;
  else if (tab === 'map') body = <ThematicMap title={title} themes={themes} codes={codes} />;
  else if (tab === 'exchange') body = <ExchangeExport />;
  else body = <Report what="report" quotes={overview.quotes} />;

  const current = PHASES.indexOf(overview.phase.current);
  const suggested = suggestPhase(overview);
  const suggest = !ended && suggested && PHASES.indexOf(suggested) > current && suggested !== overview.phase.declined ? suggested : null;
  const showWithdrawals = tab === 'codebook' || tab === 'themes' || tab === 'map';
  return (
    <main className="page wide analysis">
      <div className="page-head">
        <h1>{t('analysis.title')}</h1>
      </div>
      <nav className="phases" aria-label={t('analysis.phase.label')}>
        <ol>
          {PHASES.map((p, i) => (
            <li key={p} className={i === current ? 'current' : i < current ? 'done' : ''}>
              <button type="button" aria-current={i === current ? 'step' : undefined} disabled={ended} onClick={() => void setPhase(p)} title={t('analysis.phase.set')}>
                <span className="phase-n">{i + 1}</span> {t(`analysis.phase.${p}`)}
              </button>
            </li>
          ))}
        </ol>
        <p className="hint">{t('analysis.phase.hint')}</p>
      </nav>
      {/* Suggested, never moved silently: one click to accept (issue 29). */}
      {suggest && (
        <div className="banner banner-info phase-suggest" role="status">
          <p>{t('analysis.phase.suggest', { n: PHASES.indexOf(suggest) + 1, phase: t(`analysis.phase.${suggest}`), why: t(`analysis.phase.why.${suggest as Exclude<Phase, 'familiarising' | 'writing-up'>}`) })}</p>
          <div className="actions start">
            <button type="button" onClick={() => void setPhase(suggest)}>
              {t('analysis.phase.accept', { n: PHASES.indexOf(suggest) + 1 })}
            </button>
            <button type="button" className="link" onClick={() => void declinePhase(suggest)}>
              {t('analysis.phase.notNow')}
            </button>
          </div>
        </div>
      )}
      <ErrorBanner error={error} />
      {/* Plain buttons, not an ARIA tablist: each is reached with Tab, as everywhere else in Hvelv. */}
      <nav className="tabs analysis-tabs" aria-label={t('analysis.sections')}>
        {TABS.map((x) => (
          <button key={x} type="button" aria-current={tab === x ? 'page' : undefined} className={`tab ${tab === x ? 'active' : ''}`} onClick={() => setTab(x)}>
            {t(`analysis.tab.${x}`)}
            {x === 'codebook' && overview.orphans > 0 && <span className="pill warn">{overview.orphans}</span>}
          </button>
        ))}
      </nav>
      {showWithdrawals &&
        overview.withdrawals.map((w) => (
          <section key={w.id} className="banner banner-warning withdrawn-note" aria-labelledby={`${w.id}-h`}>
            <h2 id={`${w.id}-h`}>{t('analysis.withdrawn.title', { code: w.participant })}</h2>
            <p>{t('analysis.withdrawn.body', { n: w.passages, code: w.participant })}</p>
            {w.codes.length > 0 && <p>{t('analysis.withdrawn.codes', { codes: w.codes.map((c) => `«${c.name}» (${c.passages})`).join(', ') })}</p>}
            {w.themes.length > 0 && <p>{t('analysis.withdrawn.themes', { themes: w.themes.map((x) => `«${x}»`).join(', ') })}</p>}
            <button type="button" className="secondary" onClick={() => void dismissWithdrawal(w.id)}>
              {t('analysis.withdrawn.dismiss')}
            </button>
          </section>
        ))}
      <div className="analysis-body">{body}</div>
    </main>
  );
}

/**
 * The phase the work shows the student has reached: the first coded passage is phase 2,
 * the first theme 3, a theme reviewed 4, a theme defined 5. Writing up has no sign in the
 * data; the student moves there themselves.
 */
function suggestPhase(o: AnalysisOverview): Phase | null {
  if (o.themes.some((x) => x.status === 'defined')) return 'defining-themes';
  if (o.themes.some((x) => x.status === 'reviewed')) return 'reviewing-themes';
  if (o.themes.length > 0) return 'searching-themes';
  if (o.transcripts.some((x) => x.segments > 0)) return 'initial-codes';
  return null;
}
