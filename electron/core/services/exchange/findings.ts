/**
 * The identifying-details findings of what is about to leave the vault, in the one form
 * every export shows and takes `--accept` ids for (REFI-QDA export, transcript export).
 */
import { createHash } from 'node:crypto';
import type { ExchangeFinding } from '../../../../shared/exchange';
import type { DeidFinding } from '../../../../shared/contract';
import { HvelvError } from '../../errors';
import { TextPositions } from './positions';

/** Stable while the text it is in does not change: what `--accept` names. */
export function findingId(where: ExchangeFinding['where'], start: number, text: string): string {
  return createHash('sha256').update(`${where.kind}:${where.id}:${where.field}:${start}:${text}`).digest('hex').slice(0, 10);
}

/** `found` (UTF-16 offsets in `text`) as findings to accept, positions in code points. */
export function toExchangeFindings(text: string, where: ExchangeFinding['where'], label: string | null, found: readonly DeidFinding[]): ExchangeFinding[] {
  if (!text || found.length === 0) return [];
  const pos = new TextPositions(text);
  const near = (s: string) => s.replace(/\s+/g, ' ');
  return found.map((f) => {
    const start = pos.toCodePoint(f.start)!;
    const end = pos.toCodePoint(f.end)!;
    return {
      id: findingId(where, start, f.text),
      where,
      kind: f.kind,
      text: f.text,
      start,
      end,
      line: text.slice(0, f.start).split('\n').length,
      // By code points, so an emoji at the edge is not cut in half.
      before: near(pos.slice(Math.max(0, start - 30), start)),
      after: near(pos.slice(end, end + 30)),
      label,
      source: f.source,
    };
  });
}

/**
 * Refused with DETAILS_UNCHECKED (nothing written) while a finding is neither replaced
 * nor among `accepted`; an id in `accepted` that is no finding is refused too, so a
 * typo cannot pass for a decision.
 */
export function requireAccepted(findings: readonly ExchangeFinding[], accepted: readonly string[], what = 'exported'): void {
  const ids = new Set(findings.map((f) => f.id));
  const stray = accepted.filter((a) => !ids.has(a));
  if (stray.length) throw new HvelvError('INVALID_INPUT', `no finding ${stray[0]} in what would be ${what} (check again: the text may have changed)`);
  const ok = new Set(accepted);
  const open = findings.filter((f) => !ok.has(f.id));
  if (open.length) throw new HvelvError('DETAILS_UNCHECKED', `${open.length} possible identifying detail(s) are neither replaced nor accepted`);
}
