/**
 * The session's in-memory view of the attribute tables, as analysisCache is for the
 * analysis: a table's records are decrypted once and kept while their stamps (version and
 * nonce) stay the same, so defining or setting the hundredth attribute no longer decrypts the ninety-nine
 * before it again (every define, set and lookup read every definition: quadratic, 70 s for
 * 400 attributes on a loaded two-core machine). Memory only, never written; dropped when
 * the vault locks, and a participant's rows when they withdraw (holdings.ts).
 */
import type { DataStore } from '../../vault/layout';
import type { VaultSession } from '../../vault/vault';
import { perSession } from '../../vault/session-cache';

interface Row<T> {
  participant: string | null;
  /** Version and nonce (RecordStore.stamps): a record cleared and set again is version 1 again. */
  stamp: string;
  data: T;
}

class AttributeCache {
  private readonly tables = new Map<string, Map<string, Row<unknown>>>();
  /** The store's change mark when a table was last brought up to date (none: look again). */
  private readonly marks = new Map<string, number>();

  constructor(private readonly session: VaultSession) {}

  /** Every record of `table` in `store`, decrypting only those added or changed since the last call. */
  rows<T>(store: DataStore, table: string): Map<string, Row<T>> {
    const s = this.session.stores[store];
    const key = `${store}/${table}`;
    let cached = this.tables.get(key) as Map<string, Row<T>> | undefined;
    if (!cached) this.tables.set(key, (cached = new Map()) as Map<string, Row<unknown>>);
    if (s.destroyed) {
      cached.clear();
      return cached;
    }
    // Nothing committed since the last look: not even the versions need reading (a table
    // or a participant's values asks for every attribute's rows, many times over).
    const mark = s.changeMark();
    if (mark !== null && this.marks.get(key) === mark) return cached;
    const stamps = s.stamps(table);
    for (const id of [...cached.keys()]) if (!stamps.has(id)) cached.delete(id);
    for (const [id, stamp] of stamps) {
      if (cached.get(id)?.stamp === stamp) continue;
      const r = s.get<T>(table, id);
      if (r) cached.set(id, { participant: r.participant, stamp, data: r.data });
    }
    if (mark === null) this.marks.delete(key);
    else this.marks.set(key, mark);
    return cached;
  }

  forgetParticipant(code: string): void {
    for (const t of this.tables.values()) for (const [id, r] of t) if (r.participant === code) t.delete(id);
    this.marks.clear();
  }

  clear(): void {
    this.tables.clear();
    this.marks.clear();
  }
}

export const attributeCache: (session: VaultSession) => AttributeCache = perSession((session) => new AttributeCache(session));
