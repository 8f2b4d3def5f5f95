/** `hvelv search`: across all transcripts and memos, Norwegian-aware. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse } from '../args';
import { withSession } from '../session';
import { Search } from '../../core/services/analysis/search';
import { formatTimestamp } from '../../../shared/analysis-text';
import { emit, intOption } from './analysis-output';

export async function cmdSearch(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { participant: { type: 'string' }, limit: { type: 'string' } }, 2);
  const [vault, query] = positionals as [string, string];
  const limit = intOption(values.limit, 'limit');
  const res = await withSession(vault, values, io, vaultDeps, (s) =>
    new Search(s, io.now).query(query, { limit, participant: typeof values.participant === 'string' ? values.participant : undefined }),
  );
  emit(io, Boolean(values.json), { ...res }, () => [
    ...res.hits.map((h) => `${h.kind === 'transcript' ? `transcript ${h.id}` : `memo ${h.id}`}  ${h.participant ?? '-'}${h.timestampMs === null ? '' : ` ${formatTimestamp(h.timestampMs)}`}  [${h.start}, ${h.end})\n    …${h.before}[${h.match}]${h.after}…`),
    `${res.total} hit(s)${res.total > res.hits.length ? `, first ${res.hits.length} shown` : ''}`,
  ]);
  return EXIT.ok;
}
