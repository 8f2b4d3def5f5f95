/**
 * The small-group warning: a combination of attribute values held by five or fewer
 * participants can point to one person (a rule of thumb of anonymisation guides: with so
 * few, "the nurse in her fifties" is someone). Said in the analysis views and before an
 * export or a share; never a refusal, the student judges.
 */
import { SMALL_GROUP, type SmallGroup, type WhereClause } from '../../../../shared/attributes';
import type { VaultSession } from '../../vault/vault';
import { Attributes } from './attributes';

/**
 * The combinations of values (of `names`, or every attribute) that five or fewer of the
 * participants with a value hold (of `among`, when given: those an export carries), smallest first. A participant without a value of an
 * attribute counts as "—" for it; one with none of them is in no group.
 */
export function smallGroups(session: VaultSession, now: () => Date, names?: readonly string[], among?: ReadonlySet<string>): SmallGroup[] {
  const attrs = new Attributes(session, now);
  const chosen = names ? names.map((n) => attrs.resolve(n)) : attrs.list();
  if (chosen.length === 0) return [];
  const active = new Set(attrs.activeCodes());
  const groups = new Map<string, SmallGroup>();
  for (const [code, row] of attrs.table()) {
    if (!active.has(code) || (among && !among.has(code))) continue;
    if (!chosen.some((a) => a.name in row)) continue;
    const values = Object.fromEntries(chosen.map((a) => [a.name, row[a.name] ?? '—']));
    const key = JSON.stringify(chosen.map((a) => values[a.name]));
    const g = groups.get(key) ?? { values, participants: 0 };
    g.participants++;
    groups.set(key, g);
  }
  return [...groups.values()].filter((g) => g.participants <= SMALL_GROUP).sort((a, b) => a.participants - b.participants || JSON.stringify(a.values).localeCompare(JSON.stringify(b.values)));
}

/** How many participants a filter keeps, and whether so few that the view may identify them. */
export function filterWarning(session: VaultSession, now: () => Date, where: readonly WhereClause[]): { participants: string[]; small: boolean } {
  const participants = [...new Attributes(session, now).matching(where)].sort();
  return { participants, small: where.length > 0 && participants.length > 0 && participants.length <= SMALL_GROUP };
}
