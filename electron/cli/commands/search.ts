/** `hvelv search`: across all transcripts and memos, Norwegian-aware. */
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse } from '../args';
import { translate } from '../../../shared/i18n/catalogue';
import { parseWhere } from '../../core/services/attributes/attributes';
import { filterWarning } from '../../core/services/attributes/groups';
import { withSession } from '../session';
import { Search } from '../../core/services/analysis/search';
import { formatTimestamp } from '../../../shared/analysis-text';
import { emit, intOption } from './analysis-output';

export async function cmdSearch(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { participant: { type: 'string' }, limit: { type: 'string' }, where: { type: 'string', multiple: true } }, 2);
  const [vault, query] = positionals as [string, string];
  const limit = intOption(values.limit, 'limit');
  const where = many(values, 'where').map(parseWhere);
  const { res, small } = await withSession(vault, values, io, vaultDeps, (s) => {
    const among = where.length ? filterWarning(s, io.now, where) : null;
    const res = new Search(s, io.now).query(query, { limit, participant: typeof values.participant === 'string' ? values.participant : undefined, ...(among ? { participants: among.participants } : {}) });
    return { res, small: among?.small ? among.participants.length : 0 };
  });
  if (small > 0 && !values.json) io.err(translate(ctx.locale, 'attributes.smallFilter', { n: small, where: where.map((w) => `${w.name}=${w.value}`).join(', ') }));
  emit(io, Boolean(values.json), { ...res }, () => [
    ...res.hits.map((h) => `${h.kind === 'transcript' ? `transcript ${h.id}` : `memo ${h.id}`}  ${h.participant ?? '-'}${h.timestampMs === null ? '' : ` ${formatTimestamp(h.timestampMs)}`}  [${h.start}, ${h.end})\n    …${h.before}[${h.match}]${h.after}…`),
    `${res.total} hit(s)${res.total > res.hits.length ? `, first ${res.hits.length} shown` : ''}`,
  ]);
  return EXIT.ok;
}
