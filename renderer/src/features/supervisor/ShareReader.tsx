/**
 * Reading a share, as the supervisor: transcripts with their timestamps and coded
 * segments, the codebook, themes, memos, the thematic map, retrieval and search. There is
 * no control that changes the student's analysis here, not even a disabled one: the only
 * things the supervisor writes are their own comments and the feedback file.
 */
import type { JSX } from 'react';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner, Notice } from '../../components/ui';
import type { ErrorInfo } from '../../../../shared/errors';
import { PHASES, type Code, type Memo, type RetrievedSegment, type SearchResult, type Segment } from '../../../../shared/analysis';
import { formatTimestamp, TextPositions } from '../../../../shared/analysis-text';
import { thematicMapSvg } from '../../../../shared/analysis-map';
import type { FeedbackComment, ShareContent, SharedRecording, SharedTranscript } from '../../../../shared/supervisor';
import { SMALL_GROUP } from '../../../../shared/attributes';
import { syncPoints } from '../../../../shared/transcript';
import { overlapsSpans } from '../../../../shared/machine-text';
import { Waveform } from '../../components/Waveform';
import { fromBase64 } from '../../components/base64';
import { codeLabel, excerpt, treeOrder } from '../../components/codes';
import { CommentsFor, CommentView } from './Comments';
import { ShareReportRead } from './ShareReport';

const TABS = ['interviews', 'codebook', 'themes', 'memos', 'map', 'retrieval', 'search', 'report', 'feedback'] as const;
type Tab = (typeof TABS)[number];

export function ShareReader({ vaultId, onBack }: { vaultId: string; onBack(): void }) {
  const { t, date } = useI18n();
  const [content, setContent] = useState<ShareContent | null>(null);
  const [comments, setComments] = useState<FeedbackComment[]>([]);
  const [tab, setTab] = useState<Tab>('interviews');
  const [reading, setReading] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const reloadComments = useCallback(async () => {
    const r = await call('supervisor.comments', { vaultId });
    if (!r.ok) return setError(r.error);
    setComments(r.value);
  }, [vaultId]);
  useEffect(() => {
    void (async () => {
      const r = await call('supervisor.content', { vaultId });
      if (!r.ok) return setError(r.error);
      setContent(r.value);
      await reloadComments();
    })();
  }, [vaultId, reloadComments]);

  if (!content) {
    return (
      <main className="page wide" aria-busy={!error}>
        <button type="button" className="link" onClick={onBack}>
          {t('sup.read.back')}
        </button>
        <ErrorBanner error={error} />
      </main>
    );
  }
  const { share } = content;
  const common = { vaultId, comments, replies: content.replies, onChanged: reloadComments };
  let body: JSX.Element;
  if (tab === 'interviews' && reading) body = <TranscriptRead key={reading} id={reading} codes={content.codes} recording={recordingOf(content, reading)} onBack={() => setReading(null)} {...common} />;
  else if (tab === 'interviews') body = <InterviewList content={content} onOpen={setReading} />;
  else if (tab === 'codebook') body = <CodebookRead codes={content.codes} {...common} />;
  else if (tab === 'themes') body = <ThemesRead content={content} {...common} />;
  else if (tab === 'memos') body = <MemosRead content={content} {...common} />;
  else if (tab === 'map') body = <MapRead content={content} />;
  else if (tab === 'retrieval') body = <RetrievalRead content={content} />;
  else if (tab === 'search') body = <SearchRead vaultId={vaultId} />;
  else if (tab === 'report') body = <ShareReportRead vaultId={vaultId} />;
  else body = <MyComments vaultId={vaultId} comments={comments} replies={content.replies} onChanged={reloadComments} />;

  const phase = PHASES.indexOf(content.phase.current);
  return (
    <main className="page wide analysis sup-reader">
      <button type="button" className="link" onClick={onBack}>
        {t('sup.read.back')}
      </button>
      <div className="page-head">
        <h1>{share.title}</h1>
      </div>
      <p className="sup-until">
        <strong>{t('sup.read.until', { until: date(share.until) })}</strong>
      </p>
      <p className="muted">{t('sup.read.readOnly')}</p>
      <p>{t('sup.read.phase', { n: phase + 1, phase: t(`analysis.phase.${content.phase.current}`) })}</p>
      <ErrorBanner error={error} />
      <nav className="tabs analysis-tabs" aria-label={t('sup.read.sections')}>
        {TABS.map((x) => (
          <button key={x} type="button" aria-current={tab === x ? 'page' : undefined} className={`tab ${tab === x ? 'active' : ''}`} onClick={() => setTab(x)}>
            {t(`sup.tab.${x}`)}
            {x === 'feedback' && comments.length > 0 && <span className="pill">{comments.length}</span>}
          </button>
        ))}
      </nav>
      <div className="analysis-body">{body}</div>
    </main>
  );
}

interface CommonProps {
  vaultId: string;
  comments: FeedbackComment[];
  replies: ShareContent['replies'];
  onChanged(): Promise<void>;
}

/** A participant's attribute values in the share (generalised only: the student's side leaves the rest home), as "Rolle: Veileder · Alder: 50-59". */
function valuesOf(content: ShareContent, participant: string, locale: 'nb' | 'en'): string {
  const a = content.attributes;
  if (!a) return '';
  const byId = new Map(a.attributes.map((x) => [x.id, x]));
  return a.values
    .filter((v) => v.participant === participant && byId.has(v.attributeId))
    .map((v) => `${byId.get(v.attributeId)!.labels[locale]}: ${v.value}`)
    .join(' · ');
}

/** The participants of the share holding an attribute's value (client side: the share is in memory already). */
function holding(content: ShareContent, attributeId: string, value: string): Set<string> {
  return new Set((content.attributes?.values ?? []).filter((v) => v.attributeId === attributeId && v.value === value).map((v) => v.participant));
}

function InterviewList({ content, onOpen }: { content: ShareContent; onOpen(id: string): void }) {
  const { t, locale } = useI18n();
  return (
    <section className="card" aria-labelledby="sr-iv-h">
      <h2 id="sr-iv-h">{t('sup.tab.interviews')}</h2>
      {content.transcripts.length === 0 ? (
        <p className="muted">{t('sup.read.noTranscripts')}</p>
      ) : (
        <ul className="tr-list">
          {content.transcripts.map((tr) => (
            <li key={tr.id}>
              <button type="button" className="link code" onClick={() => onOpen(tr.id)} aria-label={t('sup.read.openTranscript', { code: tr.participant })}>
                {tr.participant}
              </button>
              <span className="muted">
                {t('sup.read.transcriptFacts', { chars: tr.chars, segments: tr.segments })}
                {tr.reachesMs !== null && t('sup.read.reaches', { time: formatTimestamp(tr.reachesMs) })}
              </span>
              {tr.machineText && tr.machineText.checked < tr.machineText.total && <span className="pill sr-machine-pill">{t('mt.count', { checked: tr.machineText.checked, total: tr.machineText.total })}</span>}
              {valuesOf(content, tr.participant, locale) && <span className="muted attribute-values">{t('attributes.sharedValues', { values: valuesOf(content, tr.participant, locale) })}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The timestamp a position falls under: the last sync point at or before it. */
function stampAt(syncPoints: SharedTranscript['syncPoints'], offset: number): number | null {
  let ms: number | null = null;
  for (const p of syncPoints) if (p.offset <= offset) ms = p.ms;
  return ms;
}

/** The recording a transcript was made from: the one linked to it, else its participant's only one. */
function recordingOf(content: ShareContent, transcriptId: string): SharedRecording | null {
  const linked = content.recordings.find((r) => r.transcriptIds.includes(transcriptId));
  if (linked) return linked;
  const participant = content.transcripts.find((x) => x.id === transcriptId)?.participant;
  const theirs = content.recordings.filter((r) => r.participant === participant);
  return theirs.length === 1 ? theirs[0]! : null;
}

/**
 * The recording beside the transcript, played from the supervisor's folder (decrypted
 * chunk by chunk, never written out). Listening only: nothing here changes anything.
 */
function SharePlayer({ vaultId, recording, audio, code }: { vaultId: string; recording: SharedRecording; audio: RefObject<HTMLAudioElement | null>; code: string }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(recording.durationMs);
  const peaks = useMemo(() => (recording.peaks ? fromBase64(recording.peaks) : null), [recording.peaks]);
  useEffect(() => {
    void call('supervisor.mediaUrl', { vaultId, id: recording.id }).then((r) => (r.ok ? setSrc(r.value) : setError(r.error)));
  }, [vaultId, recording.id]);
  const seek = (ms: number) => {
    if (audio.current) audio.current.currentTime = ms / 1000;
  };
  return (
    <div className="sup-player" aria-label={t('sup.read.recording', { code })} role="group">
      <ErrorBanner error={error} />
      {src && (
        <>
          <audio
            ref={audio}
            controls
            preload="metadata"
            src={src}
            aria-label={t('sup.read.recording', { code })}
            onTimeUpdate={(e) => setPosition(Math.round(e.currentTarget.currentTime * 1000))}
            onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setDuration(Math.round(e.currentTarget.duration * 1000))}
          />
          {/* The player's own controls show the time; the waveform shows where it is in the whole. */}
          {peaks && <Waveform peaks={peaks} durationMs={duration} positionMs={position} audio={audio.current} status={null} onSeek={seek} />}
        </>
      )}
    </div>
  );
}

/** The text with its f4 stamps (`#00:01:02-3#`) as buttons that play from there (when there is a recording). */
function withStamps(text: string, play: ((ms: number) => void) | null, label: (time: string) => string): (string | JSX.Element)[] {
  if (!play) return [text];
  const out: (string | JSX.Element)[] = [];
  let at = 0;
  for (const p of syncPoints(text)) {
    const stamp = /^#\d{1,2}:\d{2}:\d{2}-\d#/.exec(text.slice(p.offset))![0];
    if (p.offset > at) out.push(text.slice(at, p.offset));
    out.push(
      // The name says what it does, and holds the stamp as it is seen.
      <button key={p.offset} type="button" className="stamp" onClick={() => play(p.ms)}>
        <span className="visually-hidden">{label(formatTimestamp(p.ms))}: </span>
        {stamp}
      </button>,
    );
    at = p.offset + stamp.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

function TranscriptRead({ id, codes, recording, onBack, ...common }: { id: string; codes: Code[]; recording: SharedRecording | null; onBack(): void } & CommonProps) {
  const { t } = useI18n();
  const [tr, setTr] = useState<SharedTranscript | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    void call('supervisor.transcript', { vaultId: common.vaultId, id }).then((r) => (r.ok ? setTr(r.value) : setError(r.error)));
  }, [common.vaultId, id]);
  const byId = useMemo(() => new Map(codes.map((c) => [c.id, c])), [codes]);
  const pieces = useMemo(() => (tr ? splitBySegments(tr.text, tr.segments, tr.machineSpans ?? []) : []), [tr]);
  if (!tr) return <ErrorBanner error={error} />;
  const sorted = [...tr.segments].sort((a, b) => a.start - b.start);
  const play = recording
    ? (ms: number) => {
        const a = audio.current;
        if (!a) return;
        a.currentTime = ms / 1000;
        void a.play().catch(() => undefined);
      }
    : null;
  const playLabel = (time: string) => t('sup.read.playFrom', { time });
  return (
    <section className="card" aria-labelledby="sr-tr-h">
      <button type="button" className="link" onClick={onBack}>
        {t('sup.read.backToList')}
      </button>
      <h2 id="sr-tr-h">{t('sup.read.transcriptTitle', { code: tr.participant })}</h2>
      {tr.machineText && (
        // As the student's workspace says it (TranscriptionWorkspace): the count, and what the grey means.
        <div className="sr-machine-legend" data-testid="sr-machine-text">
          <p>
            <strong>{t('mt.heading')}:</strong> <span data-testid="sr-machine-count">{t('mt.count', { checked: tr.machineText.checked, total: tr.machineText.total })}</span>
          </p>
          {tr.machineText.checked < tr.machineText.total && (
            <p className="hint">
              {tr.machineSpans ? (
                <>
                  <span className="sr-machine sr-machine-swatch" aria-hidden="true">
                    Aa
                  </span>{' '}
                  {t('mt.readerHint')}
                </>
              ) : (
                t('mt.readerNoSpans')
              )}
            </p>
          )}
        </div>
      )}
      {recording && <SharePlayer vaultId={common.vaultId} recording={recording} audio={audio} code={tr.participant} />}
      <div className="sup-transcript">
        <div className="transcript-text read" tabIndex={0} role="document" aria-label={t('sup.read.textOf', { code: tr.participant })}>
          {pieces.map((p, i) => {
            // Unchecked machine text in a quiet grey, as the student's workspace draws it; a coded piece keeps its code's underline.
            const words = p.machine ? <span className="sr-machine">{withStamps(p.text, play, playLabel)}</span> : withStamps(p.text, play, playLabel);
            if (p.segments.length === 0) return <span key={i}>{words}</span>;
            const colour = byId.get(p.segments[0]!.codeIds[0] ?? '')?.color ?? '#888888';
            return (
              <mark key={i} className={`coded ${p.segments.some((s) => s.id === active) ? 'active' : ''}`} style={{ borderBottomColor: colour }}>
                {words}
              </mark>
            );
          })}
        </div>
        <aside className="sup-segments" aria-labelledby="sr-seg-h">
          <h3 id="sr-seg-h">{t('sup.read.segments')}</h3>
          {sorted.length === 0 && <p className="muted">{t('sup.read.noSegments')}</p>}
          {sorted.map((s) => {
            const ms = stampAt(tr.syncPoints, s.start);
            return (
              <div key={s.id} className={`sup-segment ${active === s.id ? 'active' : ''}`} onFocus={() => setActive(s.id)} onMouseEnter={() => setActive(s.id)}>
                <p>
                  {s.codeIds.map((c) => {
                    const code = byId.get(c);
                    return code ? (
                      <span key={c} className="pill code-pill" style={{ borderColor: code.color }}>
                        {codeLabel(code)}
                      </span>
                    ) : null;
                  })}{' '}
                  {ms !== null && !play && <span className="muted">{t('sup.read.at', { time: formatTimestamp(ms) })}</span>}
                  {ms !== null && play && (
                    <button type="button" className="link" onClick={() => play(ms)}>
                      {playLabel(formatTimestamp(ms))}
                    </button>
                  )}
                </p>
                <blockquote>{excerpt(s.text, 160)}</blockquote>
                {tr.machineSpans && overlapsSpans(tr.machineSpans, s.start, s.end) && <p className="pill sr-machine-pill">{t('mt.quoteMark')}</p>}
                {!tr.machineSpans && tr.machineText && tr.machineText.checked < tr.machineText.total && <p className="pill sr-machine-pill">{t('mt.quoteUnknown')}</p>}
                <CommentsFor target={{ kind: 'segment', id: s.id }} what={t('sup.comment.on.segment', { name: tr.participant })} {...common} />
              </div>
            );
          })}
        </aside>
      </div>
    </section>
  );
}

/**
 * The text cut where segments and unchecked machine text begin and end, each piece with the
 * segments over it and whether it is machine text (code points to UTF-16).
 */
function splitBySegments(text: string, segments: Segment[], machine: { start: number; end: number }[]): { text: string; segments: Segment[]; machine: boolean }[] {
  const map = new TextPositions(text);
  const cuts = new Set<number>([0, text.length]);
  const ranges = segments.map((s) => ({ s, a: map.toUtf16(s.start) ?? 0, b: map.toUtf16(s.end) ?? text.length }));
  const spans = machine.map((m) => ({ a: map.toUtf16(m.start) ?? 0, b: map.toUtf16(m.end) ?? text.length }));
  for (const r of [...ranges, ...spans]) {
    cuts.add(r.a);
    cuts.add(r.b);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: { text: string; segments: Segment[]; machine: boolean }[] = [];
  // The spans are in order without overlap (payload-check.ts): one pass along them, not a search per piece.
  let m = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    if (a === b) continue;
    while (m < spans.length && spans[m]!.b <= a) m++;
    const span = spans[m];
    out.push({ text: text.slice(a, b), segments: ranges.filter((r) => r.a <= a && r.b >= b).map((r) => r.s), machine: !!span && span.a <= a && span.b >= b });
  }
  return out;
}

function CodebookRead({ codes, ...common }: { codes: Code[] } & CommonProps) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="sr-cb-h">
      <h2 id="sr-cb-h">{t('sup.tab.codebook')}</h2>
      {codes.length === 0 && <p className="muted">{t('sup.read.noCodes')}</p>}
      <ul className="plain sup-tree">
        {treeOrder(codes).map(({ item: c, depth }) => (
          <li key={c.id} style={{ marginLeft: `${depth * 1.5}rem` }}>
            <h3>
              <span className="swatch" style={{ background: c.color }} aria-hidden="true" /> {c.name} <span className="muted">{t('sup.read.segmentCount', { n: c.segmentCount })}</span>
            </h3>
            {c.definition && <p>{c.definition}</p>}
            <CommentsFor target={{ kind: 'code', id: c.id }} what={t('sup.comment.on.code', { name: c.name })} {...common} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ThemesRead({ content, ...common }: { content: ShareContent } & CommonProps) {
  const { t } = useI18n();
  const names = new Map(content.codes.map((c) => [c.id, c.name]));
  return (
    <section className="card" aria-labelledby="sr-th-h">
      <h2 id="sr-th-h">{t('sup.tab.themes')}</h2>
      {content.themes.length === 0 && <p className="muted">{t('sup.read.noThemes')}</p>}
      <ul className="plain sup-tree">
        {treeOrder(content.themes).map(({ item: th, depth }) => (
          <li key={th.id} style={{ marginLeft: `${depth * 1.5}rem` }}>
            <h3>
              {th.name} <span className="pill">{t(`analysis.status.${th.status}`)}</span>
            </h3>
            {th.definition && <p>{th.definition}</p>}
            {th.codeIds.length > 0 && <p className="muted">{t('sup.read.themeCodes', { codes: th.codeIds.map((id) => names.get(id) ?? '?').join(', ') })}</p>}
            <CommentsFor target={{ kind: 'theme', id: th.id }} what={t('sup.comment.on.theme', { name: th.name })} {...common} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function memoWhat(t: ReturnType<typeof useI18n>['t'], m: Memo, content: ShareContent): string {
  const tg = m.target;
  if (tg.kind === 'project' || tg.kind === 'journal') return t(`sup.read.memoTarget.${tg.kind}`);
  if (tg.kind === 'code') {
    const c = content.codes.find((x) => x.id === tg.id);
    return c ? t('sup.read.memoTarget.code', { name: c.name }) : t('sup.read.memoTarget.other');
  }
  if (tg.kind === 'theme') {
    const th = content.themes.find((x) => x.id === tg.id);
    return th ? t('sup.read.memoTarget.theme', { name: th.name }) : t('sup.read.memoTarget.other');
  }
  return m.participant ? t(`sup.read.memoTarget.${tg.kind}`, { code: m.participant }) : t('sup.read.memoTarget.other');
}

function MemosRead({ content, ...common }: { content: ShareContent } & CommonProps) {
  const { t, date } = useI18n();
  return (
    <section className="card" aria-labelledby="sr-me-h">
      <h2 id="sr-me-h">{t('sup.tab.memos')}</h2>
      {content.memos.length === 0 && <p className="muted">{t('sup.read.noMemos')}</p>}
      {content.memos.map((m) => {
        const label = t('sup.read.memoOn', { what: memoWhat(t, m, content), date: date(m.createdAt.slice(0, 10)) });
        return (
          <article key={m.id} className="memo">
            <h3>{label}</h3>
            <p className="memo-text">{m.text}</p>
            <CommentsFor target={{ kind: 'memo', id: m.id }} what={t('sup.comment.on.memo', { name: label })} {...common} />
          </article>
        );
      })}
    </section>
  );
}

function MapRead({ content }: { content: ShareContent }) {
  const { t } = useI18n();
  const svg = useMemo(
    () =>
      thematicMapSvg(content.map, {
        segments: (n) => t('analysis.map.segments', { n }),
        status: { candidate: t('analysis.status.candidate'), reviewed: t('analysis.status.reviewed'), defined: t('analysis.status.defined') },
        empty: t('analysis.map.empty'),
      }),
    [content.map, t],
  );
  return (
    <section className="card" aria-labelledby="sr-map-h">
      <h2 id="sr-map-h">{t('sup.tab.map')}</h2>
      {/* thematicMapSvg escapes every name it writes (the same function as the student's export). */}
      <div className="map-frame" dangerouslySetInnerHTML={{ __html: svg }} />
    </section>
  );
}

function SegmentList({ segments }: { segments: RetrievedSegment[] }) {
  const { t } = useI18n();
  return (
    <ul className="plain retrieved">
      {segments.map((s) => (
        <li key={s.id}>
          <p>
            <span className="code">{s.participant}</span> {s.timestampMs !== null && <span className="muted">{t('sup.read.at', { time: formatTimestamp(s.timestampMs) })}</span>}{' '}
            {s.codes.map((c) => (
              <span key={c.id} className="pill code-pill" style={{ borderColor: c.color }}>
                {c.name}
              </span>
            ))}
          </p>
          <blockquote>
            <span className="muted">…{s.before}</span>
            {s.text}
            <span className="muted">{s.after}…</span>
          </blockquote>
          {s.machineText && <p className="pill sr-machine-pill">{t('mt.quoteMark')}</p>}
          {s.machineTextUnknown && <p className="pill sr-machine-pill">{t('mt.quoteUnknown')}</p>}
        </li>
      ))}
    </ul>
  );
}

function RetrievalRead({ content }: { content: ShareContent }) {
  const { t, locale } = useI18n();
  const [choice, setChoice] = useState('');
  const [found, setFound] = useState<RetrievedSegment[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [filter, setFilter] = useState<{ attributeId: string; value: string } | null>(null);
  const shared = content.attributes;
  const valuesIn = (id: string) => [...new Set((shared?.values ?? []).filter((v) => v.attributeId === id).map((v) => v.value))].sort((a, b) => a.localeCompare(b, 'nb', { numeric: true }));
  const usable = (shared?.attributes ?? []).filter((a) => valuesIn(a.id).length > 0);
  const kept = filter ? holding(content, filter.attributeId, filter.value) : null;
  const shown = found && kept ? found.filter((s) => kept.has(s.participant)) : found;
  const label = filter ? (shared?.attributes.find((a) => a.id === filter.attributeId)?.labels[locale] ?? '') : '';
  async function choose(v: string) {
    setChoice(v);
    setFound(null);
    if (!v) return;
    const [of, id] = v.split(':') as ['code' | 'theme', string];
    const r = await call('supervisor.retrieve', { vaultId: content.share.vaultId, of, id });
    if (!r.ok) return setError(r.error);
    setError(null);
    setFound(r.value);
  }
  return (
    <section className="card" aria-labelledby="sr-re-h">
      <h2 id="sr-re-h">{t('sup.tab.retrieval')}</h2>
      <div className="field">
        <label htmlFor="sr-re-of">{t('sup.read.retrieveOf')}</label>
        <select id="sr-re-of" value={choice} onChange={(e) => void choose(e.target.value)}>
          <option value="">{t('sup.read.choose')}</option>
          <optgroup label={t('sup.tab.codebook')}>
            {treeOrder(content.codes).map(({ item }) => (
              <option key={item.id} value={`code:${item.id}`}>
                {codeLabel(item)}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('sup.tab.themes')}>
            {treeOrder(content.themes).map(({ item }) => (
              <option key={item.id} value={`theme:${item.id}`}>
                {item.name}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      {usable.length > 0 && (
        <div className="attribute-filter">
          <div className="field inline">
            <label htmlFor="sr-re-attr">{t('attributes.filter')}</label>
            <select id="sr-re-attr" value={filter?.attributeId ?? ''} onChange={(e) => {
              const id = e.target.value;
              const first = valuesIn(id)[0];
              setFilter(id && first !== undefined ? { attributeId: id, value: first } : null);
            }}>
              <option value="">{t('attributes.filterAll')}</option>
              {usable.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.labels[locale]}
                </option>
              ))}
            </select>
          </div>
          {filter && (
            <div className="field inline">
              <label htmlFor="sr-re-val">{t('attributes.filterValue', { attribute: label })}</label>
              <select id="sr-re-val" value={filter.value} onChange={(e) => setFilter({ ...filter, value: e.target.value })}>
                {valuesIn(filter.attributeId).map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
          )}
          {kept && kept.size <= SMALL_GROUP && <p className="banner banner-warn" role="status">{t('attributes.smallFilter', { n: kept.size, where: `${label} = ${filter!.value}` })}</p>}
        </div>
      )}
      <ErrorBanner error={error} />
      {shown && (
        <>
          <p role="status">{t('sup.read.retrieved', { n: shown.length })}</p>
          <SegmentList segments={shown} />
        </>
      )}
    </section>
  );
}

function SearchRead({ vaultId }: { vaultId: string }) {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  async function search(e: FormEvent) {
    e.preventDefault();
    if (!query.trim()) return;
    const r = await call('supervisor.search', { vaultId, query });
    if (!r.ok) return setError(r.error);
    setError(null);
    setResult(r.value);
  }
  return (
    <section className="card" aria-labelledby="sr-se-h">
      <h2 id="sr-se-h">{t('sup.tab.search')}</h2>
      <form onSubmit={search} className="actions start">
        <label htmlFor="sr-se-q" className="sr-only">
          {t('sup.read.searchLabel')}
        </label>
        <input id="sr-se-q" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit">{t('sup.read.searchButton')}</button>
      </form>
      <ErrorBanner error={error} />
      {result && (
        <>
          <p role="status">{t('sup.read.searchHits', { n: result.total })}</p>
          <ul className="plain retrieved">
            {result.hits.map((h, i) => (
              <li key={`${h.id}-${h.start}-${i}`}>
                <p>
                  {h.participant && <span className="code">{h.participant}</span>} {h.timestampMs !== null && <span className="muted">{t('sup.read.at', { time: formatTimestamp(h.timestampMs) })}</span>}
                </p>
                <blockquote>
                  …{h.before}
                  <mark>{h.match}</mark>
                  {h.after}…
                </blockquote>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function MyComments({ vaultId, comments, replies, onChanged }: CommonProps) {
  const { t } = useI18n();
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  async function exportFile() {
    setSaved(null);
    const r = await call('supervisor.exportFeedback', { vaultId });
    if (!r.ok) return setError(r.error);
    setError(null);
    if (r.value) setSaved(t('sup.feedback.exported', { path: r.value }));
    await onChanged();
  }
  async function remove(id: string) {
    const r = await call('supervisor.deleteComment', { vaultId, id });
    if (!r.ok) return setError(r.error);
    await onChanged();
  }
  return (
    <section className="card" aria-labelledby="sr-fb-h">
      <h2 id="sr-fb-h">{t('sup.tab.feedback')}</h2>
      <p className="muted">{t('sup.feedback.intro')}</p>
      {comments.length === 0 && <p className="muted">{t('sup.feedback.none')}</p>}
      {comments.map((c) => (
        <CommentView key={c.id} comment={c} replies={replies} showTarget onDelete={() => void remove(c.id)} />
      ))}
      <ErrorBanner error={error} />
      {saved && <Notice>{saved}</Notice>}
      <div className="actions start">
        <button type="button" disabled={comments.length === 0} onClick={() => void exportFile()}>
          {t('sup.feedback.export')}
        </button>
      </div>
    </section>
  );
}
