/**
 * Writing a transcript's coded segments into the store, part by part: the one place both
 * coding (applying codes) and the codebook (merging and deleting codes) write segments,
 * beneath both so neither imports the other.
 */
import { BugIndicatingError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { A, analysisCache, CODING_PART_SIZE, type CodingPart, type CodingRecord, type SegmentRecord } from './records';

/**
 * Store a transcript's segments as `next` (all of them), rewriting only the parts whose
 * segments changed (a segment object not the same as the stored one, or one gone), so
 * an apply reseals one part of at most CODING_PART_SIZE segments. New segments go into
 * a part with room, or a new part. A legacy whole-transcript record is moved into parts
 * by the first write that is not a removal; a removal rewrites it in place (a removal
 * may only rewrite what exists, and is allowed after the end date). All in one
 * transaction; empty parts are deleted.
 */
export function writeSegments(session: VaultSession, transcriptId: string, participant: string, next: readonly SegmentRecord[], opts: { removal?: boolean } = {}): void {
  const store = session.stores.transcripts;
  const cache = analysisCache(session);
  const removal = opts.removal ?? false;
  const parts = cache.codings().get(transcriptId)?.parts ?? [];
  const nextById = new Map(next.map((s) => [s.id, s]));
  const placed = new Set<string>();
  const puts: { table: CodingPart['table']; id: string | undefined; segments: SegmentRecord[] }[] = [];
  const deletes: { table: CodingPart['table']; id: string }[] = [];
  /** Parts of the new shape and how many segments they hold after this write. */
  const room: { put: (typeof puts)[number] | null; part: CodingPart | null; segments: SegmentRecord[] }[] = [];
  for (const part of parts) {
    if (part.table === A.coding && !removal) {
      // Converted: its segments are placed into parts below, as if new.
      deletes.push({ table: part.table, id: part.id });
      continue;
    }
    const kept: SegmentRecord[] = [];
    let changed = false;
    for (const s of part.row.data.segments) {
      const n = nextById.get(s.id);
      if (!n || placed.has(s.id)) {
        changed = true;
        continue;
      }
      placed.add(s.id);
      kept.push(n);
      if (n !== s) changed = true;
    }
    if (!changed) {
      if (part.table === A.codingPart) room.push({ put: null, part, segments: kept });
      continue;
    }
    if (kept.length === 0) {
      deletes.push({ table: part.table, id: part.id });
      continue;
    }
    const put = { table: part.table, id: part.id, segments: kept };
    puts.push(put);
    if (part.table === A.codingPart) room.push({ put, part, segments: kept });
  }
  const fresh = next.filter((s) => !placed.has(s.id));
  if (fresh.length > 0) {
    if (removal) throw new BugIndicatingError('a removal adds no segments');
    for (const s of fresh) {
      let slot = room.find((r) => r.segments.length < CODING_PART_SIZE);
      if (!slot) {
        const put = { table: A.codingPart, id: undefined, segments: [] as SegmentRecord[] };
        puts.push(put);
        slot = { put, part: null, segments: put.segments };
        room.push(slot);
      } else if (!slot.put) {
        const put = { table: A.codingPart, id: slot.part!.id, segments: [...slot.segments] };
        puts.push(put);
        slot.put = put;
        slot.segments = put.segments;
      }
      slot.segments.push(s);
    }
  }
  if (puts.length === 0 && deletes.length === 0) return;
  store.atomically(() => {
    for (const d of deletes) store.delete(d.table, d.id);
    for (const p of puts) {
      const data: CodingRecord = { transcriptId, segments: p.segments };
      const stored = store.put(p.table, { ...(p.id === undefined ? {} : { id: p.id }), participant, data }, { removal: removal && p.id !== undefined });
      cache.remember(p.table, stored.id, participant, stored.version, data);
    }
  });
}
