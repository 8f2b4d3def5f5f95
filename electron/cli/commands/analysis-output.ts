/**
 * What the analysis commands (code, theme, memo, search, report, journal) share: one
 * way to print a result (JSON with --json, a line per item otherwise) and the JSON
 * shapes scripts rely on (a segment has at least id, transcript id, participant code,
 * start, end, text and codes; positions in code points of the stored text).
 */
import type { Code, Memo, RetrievedSegment, Segment, Theme } from '../../../shared/analysis';
import { formatTimestamp } from '../../../shared/analysis-text';
import type { CliIo } from '../io';
import { count, UsageError } from '../io';
import { translate, type Locale } from '../../../shared/i18n/catalogue';

export function emit(io: CliIo, json: boolean, value: Record<string, unknown>, lines: () => string[]): void {
  if (json) io.out(JSON.stringify({ ok: true, ...value }));
  else for (const l of lines()) io.out(l);
}

export function segmentJson(s: Segment | RetrievedSegment, codes: Map<string, Code>) {
  return {
    id: s.id,
    transcriptId: s.transcriptId,
    participant: s.participant,
    start: s.start,
    end: s.end,
    text: s.text,
    codes: s.codeIds.map((c) => ({ id: c, name: codes.get(c)?.name ?? null, path: codes.get(c)?.path.join('/') ?? null })),
    quote: s.quote,
    orphaned: s.orphanedAt !== null,
    ...('timestampMs' in s ? { timestamp: s.timestampMs === null ? null : formatTimestamp(s.timestampMs), before: s.before, after: s.after } : {}),
  };
}

export function segmentLine(s: Segment | RetrievedSegment, codes: Map<string, Code>): string {
  const when = 'timestampMs' in s && s.timestampMs !== null ? ` ${formatTimestamp(s.timestampMs)}` : '';
  const names = s.codeIds.map((c) => codes.get(c)?.path.join('/') ?? c).join(', ');
  return `${s.id}  ${s.participant}${when}  [${s.start}, ${s.end})${s.quote ? '  quote' : ''}${s.orphanedAt ? '  ORPHAN' : ''}  ${names}\n    «${s.text.replace(/\s+/g, ' ')}»`;
}

export function codeLine(c: Code, locale: Locale = 'en'): string {
  return `${c.id}  ${'  '.repeat(c.path.length - 1)}${c.name}  ${c.color}  ${translate(locale, 'cli.code.counts', { segments: c.segmentCount, interviews: c.transcriptCount })}${c.definition ? `\n    ${'  '.repeat(c.path.length - 1)}${c.definition.replace(/\s+/g, ' ')}` : ''}`;
}

export function themeLine(t: Theme, codes: Map<string, Code>, depth: number): string {
  return `${t.id}  ${'  '.repeat(depth)}${t.name}  (${t.status})  ${count(t.segmentCount, 'segment', 'segments')}; codes: ${t.codeIds.map((c) => codes.get(c)?.path.join('/') ?? c).join(', ') || '–'}`;
}

export function memoLine(m: Memo): string {
  const on = 'id' in m.target ? `${m.target.kind}:${m.target.id}` : m.target.kind;
  return `${m.id}  ${m.createdAt.slice(0, 10)}  ${on}${m.private ? '  private' : ''}  (${m.phase})\n    ${m.text.replace(/\s+/g, ' ')}`;
}

/** A whole number from an option, or a usage error naming it. */
export function intOption(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}
