/**
 * The comparison table: codes × an attribute's values, counting the passages and the
 * participants in each cell, each cell with its passages' ids so a click opens them
 * ("do the job specialists with long experience describe trust differently?").
 */
import { SMALL_GROUP, type ComparisonTable } from '../../../../shared/attributes';
import type { VaultSession } from '../../vault/vault';
import { Codebook } from '../analysis/codebook';
import { Coding } from '../analysis/coding';
import { Attributes, fold } from './attributes';

/**
 * `outgoing`: for a document that leaves the vault (the report): an exact value the
 * student kept counts as no value, as in a .qdpx or a share.
 */
export function compare(session: VaultSession, now: () => Date, ref: string, opts: { outgoing?: boolean } = {}): ComparisonTable {
  const attrs = new Attributes(session, now);
  const attribute = attrs.resolve(ref);
  const active = new Set(attrs.activeCodes());
  const held = new Map([...attrs.valuesOfAttribute(attribute)].filter(([c, v]) => active.has(c) && !(opts.outgoing && v.exact)).map(([c, v]) => [c, v.value]));
  // Columns: a list's values in its order, else the values in use sorted; then '' (no value).
  const inUse = [...new Set(held.values())];
  const columns =
    attribute.kind === 'list'
      ? attribute.values.filter((v) => inUse.some((u) => fold(u) === fold(v)))
      : inUse.sort((a, b) => a.localeCompare(b, 'nb', { numeric: true }));
  const without = [...active].filter((c) => !held.has(c));
  if (without.length > 0) columns.push('');
  const columnOf = (code: string): number => {
    const v = held.get(code);
    return v === undefined ? columns.indexOf('') : columns.findIndex((c) => c !== '' && fold(c) === fold(v));
  };
  const columnParticipants = columns.map((c) => (c === '' ? without.length : [...held.values()].filter((v) => fold(v) === fold(c)).length));
  const coding = new Coding(session, now);
  const rows = new Codebook(session, now)
    .list()
    .filter((c) => c.codable !== false)
    .map((code) => {
      const cells = columns.map(() => ({ passages: 0, participants: 0, segmentIds: [] as string[], who: new Set<string>() }));
      for (const s of coding.retrieve({ codeId: code.id }, { descendants: false })) {
        const i = columnOf(s.participant);
        if (i < 0) continue;
        cells[i]!.passages++;
        cells[i]!.segmentIds.push(s.id);
        cells[i]!.who.add(s.participant);
      }
      return { codeId: code.id, name: code.name, path: code.path, cells: cells.map(({ who, ...c }) => ({ ...c, participants: who.size })) };
    });
  const smallColumns = columns.filter((c, i) => c !== '' && columnParticipants[i]! > 0 && columnParticipants[i]! <= SMALL_GROUP);
  return { attribute, columns, columnParticipants, rows, smallColumns };
}

/** The report's comparison tables: one per attribute not marked identifying that any participant has a value of. */
export function reportComparisons(session: VaultSession, now: () => Date): ComparisonTable[] {
  return new Attributes(session, now)
    .list()
    .filter((a) => !a.identifying)
    .map((a) => compare(session, now, a.id, { outgoing: true }))
    .filter((t) => t.columns.some((c) => c !== ''));
}
