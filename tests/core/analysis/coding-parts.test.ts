/**
 * A transcript's segments are stored in parts of at most CODING_PART_SIZE segments, so an
 * apply reseals one small record; vaults coded before kept them in one `coding` record
 * per transcript, which is read as it is and moved into parts by the first write that
 * adds to it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../../electron/core/services/participants/participants';
import { Coding, timestampAt } from '../../../electron/core/services/analysis/coding';
import { A, CODING_PART_SIZE, type CodingRecord, type SegmentRecord } from '../../../electron/core/services/analysis/records';
import { unlockVault } from '../../../electron/core/vault/vault';
import { admit, pw } from '../helpers';
import { NOW, study } from './fixture';
import { Transcripts } from '../../../electron/core/services/transcripts/transcripts';

/** A long text with `n` distinct sentences to code. */
function longText(n: number): string {
  return Array.from({ length: n }, (_, i) => `#00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}-0# B: Setning nummer ${i} om tillit og å bli sett.\n`).join('');
}

const parts = (session: Awaited<ReturnType<typeof study>>['session'], tid: string) =>
  session.stores.transcripts.list<CodingRecord>(A.codingPart).filter((r) => r.data.transcriptId === tid);

describe('coded segments in parts', () => {
  it('an apply rewrites one part of the transcript, not all its segments; removals shrink and delete parts', async () => {
    const v = await study();
    const { session, book, a } = v;
    const tid = new Transcripts(session, NOW).create(a, longText(100)).id;
    const code = book.add({ name: 'Tillit' });
    const coding = new Coding(session, NOW);
    const made = Array.from({ length: 100 }, (_, i) => coding.apply(tid, { quote: `Setning nummer ${i} om` }, [code.id]));
    const before = parts(session, tid);
    expect(before).toHaveLength(Math.ceil(100 / CODING_PART_SIZE));
    expect(before.every((p) => p.participant === a && p.data.segments.length <= CODING_PART_SIZE)).toBe(true);
    expect(before.flatMap((p) => p.data.segments.map((s) => s.id)).sort()).toEqual(made.map((s) => s.id).sort());

    // A second code on one segment: only the part holding it gets a new version.
    const other = book.add({ name: 'Mestring' });
    const target = made[40]!;
    coding.apply(tid, { start: target.start, end: target.end }, [other.id]);
    const after = parts(session, tid);
    const changed = after.filter((p) => before.find((b) => b.id === p.id)!.version !== p.version);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.data.segments.find((s) => s.id === target.id)!.codeIds.sort()).toEqual([code.id, other.id].sort());
    expect(coding.forTranscript(tid)).toHaveLength(100);

    // Removing every segment of one part deletes that record; undo brings one back.
    // (A part other than the one holding the segment with two codes, which is checked below.)
    const emptied = after.find((p) => !p.data.segments.some((s) => s.id === target.id))!;
    for (const s of emptied.data.segments) coding.removeSegment(s.id);
    expect(parts(session, tid).map((p) => p.id)).not.toContain(emptied.id);
    const back = coding.restore(emptied.data.segments[0]!.id);
    expect(back.id).toBe(emptied.data.segments[0]!.id);
    expect(coding.forTranscript(tid)).toHaveLength(100 - emptied.data.segments.length + 1);

    // What a fresh session reads from the store is the same.
    session.lock();
    const again = await unlockVault(v.dir, pw('correct horse battery staple'), v.deps);
    const fresh = new Coding(again, NOW).forTranscript(tid);
    expect(fresh).toHaveLength(100 - emptied.data.segments.length + 1);
    expect(fresh.find((s) => s.id === target.id)!.codeIds.sort()).toEqual([code.id, other.id].sort());
    again.lock();
  });

  it('reads a vault coded before parts, keeps a removal in the old record, moves it into parts on the next apply, and withdrawal destroys both shapes', async () => {
    const v = await study();
    const { session, book, a, b, ta, tb } = v;
    const code = book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
    const other = book.add({ name: 'Arbeid' });
    // As Hvelv wrote it before: every segment of the transcript in one `coding` record.
    const at = NOW().toISOString();
    const seg = (start: number, end: number, text: string, codeIds: string[]): SegmentRecord => ({ id: randomBytes(16).toString('hex'), start, end, text, codeIds, quote: false, orphanedAt: null, createdAt: at, updatedAt: at });
    const t = new Transcripts(session, NOW).get(ta).text;
    const at1 = Array.from(t).join('').indexOf('Tillit er å bli sett');
    const s1 = seg(at1, at1 + 20, 'Tillit er å bli sett', [code.id, other.id]);
    const at2 = t.indexOf('Og arbeidsgiveren?');
    const s2 = seg(Array.from(t.slice(0, at2)).length, Array.from(t.slice(0, at2)).length + 18, 'Og arbeidsgiveren?', [other.id]);
    session.stores.transcripts.put(A.coding, { id: ta, participant: a, data: { transcriptId: ta, segments: [s1, s2] } satisfies CodingRecord });
    session.lock();

    let s = await unlockVault(v.dir, pw('correct horse battery staple'), v.deps);
    let coding = new Coding(s, NOW);
    expect(coding.forTranscript(ta).map((x) => x.text)).toEqual(['Tillit er å bli sett', 'Og arbeidsgiveren?']);
    expect(coding.retrieve({ codeId: code.id }).map((x) => [x.text, x.timestampMs])).toEqual([['Tillit er å bli sett', 14 * 60_000 + 32_000]]);

    // A removal rewrites the old record in place (no new record after the end date).
    coding.unapply(s1.id, other.id);
    expect(s.stores.transcripts.get<CodingRecord>(A.coding, ta)!.data.segments.find((x) => x.id === s1.id)!.codeIds).toEqual([code.id]);
    expect(parts(s, ta)).toHaveLength(0);

    // The next apply moves every segment into parts, in the same write.
    const s3 = coding.apply(ta, { quote: 'Åse på kontoret' }, [code.id]);
    expect(s.stores.transcripts.get(A.coding, ta)).toBeNull();
    expect(parts(s, ta).flatMap((p) => p.data.segments.map((x) => x.id)).sort()).toEqual([s1.id, s2.id, s3.id].sort());
    expect(coding.forTranscript(ta).map((x) => x.id)).toEqual([s1.id, s3.id, s2.id]);

    // Another transcript still in the old shape, and withdrawal destroys both.
    const tbText = new Transcripts(s, NOW).get(tb).text;
    const u = Array.from(tbText.slice(0, tbText.indexOf('bygde tillit'))).length;
    s.stores.transcripts.put(A.coding, { id: tb, participant: b, data: { transcriptId: tb, segments: [seg(u, u + 12, 'bygde tillit', [code.id])] } });
    s.lock();
    s = await unlockVault(v.dir, pw('correct horse battery staple'), v.deps);
    coding = new Coding(s, NOW);
    expect(coding.retrieve({ codeId: code.id }).map((x) => x.text).sort()).toEqual(['Tillit er å bli sett', 'bygde tillit', 'Åse på kontoret'].sort());
    const p = new Participants(s, NOW);
    expect(p.withdrawalPreview(a)).toMatchObject({ 'coded-segments': 3, analysis: 0 });
    expect(p.withdrawalPreview(b)).toMatchObject({ 'coded-segments': 1, analysis: 0 });
    await p.withdraw(a, '2026-11-27');
    await p.withdraw(b, '2026-11-27');
    expect(s.stores.transcripts.countParticipant(a)).toEqual({});
    expect(s.stores.transcripts.countParticipant(b)).toEqual({});
    expect(coding.retrieve({ codeId: code.id })).toEqual([]);
    s.lock();
  });

  it('a new participant after migration gets parts from the first apply', async () => {
    const v = await study();
    const c = admit(v.session, { name: 'Per Persen' });
    const tid = new Transcripts(v.session, NOW).create(c, longText(3)).id;
    const code = v.book.add({ name: 'Tillit' });
    v.coding.apply(tid, { quote: 'Setning nummer 1 om' }, [code.id]);
    expect(v.session.stores.transcripts.get(A.coding, tid)).toBeNull();
    expect(parts(v.session, tid)).toHaveLength(1);
    v.session.lock();
  });

  it('a timestamp is the last sync point at or before the position, from the index as from a scan', () => {
    const points = [{ offset: 10, ms: 1000 }, { offset: 10, ms: 1500 }, { offset: 40, ms: 9000 }, { offset: 90, ms: 2000 }];
    const t = { text: 'x'.repeat(100), syncPoints: points } as unknown as Parameters<typeof timestampAt>[0];
    const scan = (u: number) => {
      let best: number | null = null;
      for (const p of points) if (p.offset <= u) best = p.ms;
      return best;
    };
    for (const u of [0, 9, 10, 11, 39, 40, 89, 90, 100]) expect([u, timestampAt(t, u)]).toEqual([u, scan(u)]);
    expect(timestampAt({ text: '', syncPoints: [] } as unknown as Parameters<typeof timestampAt>[0], 5)).toBeNull();
  });
});
