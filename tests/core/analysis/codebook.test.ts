/** The codebook: hierarchy, names unique among siblings, cycles refused, rename/move/merge/delete. */
import { describe, expect, it } from 'vitest';
import { codeOf } from '../helpers';
import { study } from './fixture';

describe('codebook', () => {
  it('holds a hierarchy; a name is unique among siblings only, and a code is found by name, path or id', async () => {
    const { session, book } = await study();
    const rel = book.add({ name: 'Relasjon', definition: 'Hvordan forholdet mellom deltaker og veileder beskrives.' });
    const arb = book.add({ name: 'Arbeidsgiver' });
    const t1 = book.add({ name: 'Tillit', parentId: rel.id, color: '#AA0000' });
    const t2 = book.add({ name: 'Tillit', parentId: arb.id });
    expect(t1.path).toEqual(['Relasjon', 'Tillit']);
    expect(t1.color).toBe('#aa0000');
    expect(book.list().map((c) => c.path.join('/'))).toEqual(['Arbeidsgiver', 'Arbeidsgiver/Tillit', 'Relasjon', 'Relasjon/Tillit']);
    // Same name, same parent, any case: refused, nothing added.
    expect(codeOf(() => book.add({ name: ' tillit ', parentId: rel.id }))).toBe('NAME_TAKEN');
    expect(codeOf(() => book.add({ name: 'RELASJON' }))).toBe('NAME_TAKEN');
    expect(codeOf(() => book.add({ name: '   ' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => book.add({ name: 'x', color: 'red' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => book.add({ name: 'x', parentId: 'nope' }))).toBe('NOT_FOUND');
    expect(book.list()).toHaveLength(4);
    // Found by path where the name is ambiguous, by name where it is not, by id always.
    expect(codeOf(() => book.resolve('Tillit'))).toBe('INVALID_INPUT');
    expect(book.resolve('Relasjon/Tillit').id).toBe(t1.id);
    expect(book.resolve('arbeidsgiver/tillit').id).toBe(t2.id);
    expect(book.resolve('Relasjon').id).toBe(rel.id);
    expect(book.resolve(t2.id).id).toBe(t2.id);
    expect(codeOf(() => book.resolve('Ingen slik'))).toBe('NOT_FOUND');
    // Audited without the names.
    const created = session.audit.list().filter((e) => e.action === 'code.created');
    expect(created).toHaveLength(4);
    expect(JSON.stringify(created)).not.toContain('Tillit');
    session.lock();
  });

  it('renames within the sibling rule and refuses a move that would make a cycle', async () => {
    const { session, book } = await study();
    const a = book.add({ name: 'A' });
    const b = book.add({ name: 'B', parentId: a.id });
    const c = book.add({ name: 'C', parentId: b.id });
    book.add({ name: 'D', parentId: b.id });
    expect(codeOf(() => book.move(a.id, c.id))).toBe('HIERARCHY_CYCLE');
    expect(codeOf(() => book.move(a.id, a.id))).toBe('HIERARCHY_CYCLE');
    expect(book.get(a.id).parentId).toBeNull();
    expect(codeOf(() => book.update(c.id, { name: 'D' }))).toBe('NAME_TAKEN');
    expect(book.update(c.id, { name: 'C2', definition: 'Ny definisjon' })).toMatchObject({ name: 'C2', definition: 'Ny definisjon', path: ['A', 'B', 'C2'] });
    expect(book.move(c.id, null).path).toEqual(['C2']);
    expect(book.move(b.id, c.id).path).toEqual(['C2', 'B']);
    session.lock();
  });

  it('merges two codes: segments join, overlapping ones of the same text become one, children and themes follow', async () => {
    const { session, book, coding, themes, memos, ta, tb } = await study();
    const tillit = book.add({ name: 'Tillit' });
    const trygg = book.add({ name: 'Trygghet' });
    const under = book.add({ name: 'Under trygghet', parentId: trygg.id });
    const other = book.add({ name: 'Sett' });
    // In A: "Tillit er å bli sett" (tillit) overlaps "å bli sett 😀 som et helt menneske" (trygghet): become one.
    const s1 = coding.apply(ta, { quote: 'Tillit er å bli sett' }, [tillit.id]);
    const s2 = coding.apply(ta, { quote: 'å bli sett 😀 som et helt menneske' }, [trygg.id]);
    // A segment inside s2's range with trygghet and another code: keeps its own codes, stays.
    const s3 = coding.apply(ta, { quote: 'helt menneske' }, [trygg.id, other.id]);
    // In B, no overlap: only moved.
    const s4 = coding.apply(tb, { quote: 'bygde tillit over tid' }, [trygg.id]);
    const memo = memos.add({ target: { kind: 'segment', id: s2.id }, text: 'Viktig om å bli sett.' });
    const codeMemo = memos.add({ target: { kind: 'code', id: trygg.id }, text: 'Trygghet og tillit henger sammen.' });
    const theme = themes.add({ name: 'Å bli sett' });
    themes.assign(theme.id, trygg.id);

    const res = book.merge(trygg.id, tillit.id);
    expect(res).toMatchObject({ segmentsMoved: 3, segmentsJoined: 1, childrenMoved: 1 });
    expect(codeOf(() => book.get(trygg.id))).toBe('NOT_FOUND');
    const segsA = coding.forTranscript(ta);
    const joined = segsA.find((s) => s.id === s1.id)!;
    expect(joined.text).toBe('Tillit er å bli sett 😀 som et helt menneske');
    expect(joined.codeIds).toEqual([tillit.id]);
    expect(segsA.find((s) => s.id === s3.id)!.codeIds.sort()).toEqual([tillit.id, other.id].sort());
    expect(segsA.some((s) => s.id === s2.id)).toBe(false);
    expect(coding.forTranscript(tb)[0]).toMatchObject({ id: s4.id, codeIds: [tillit.id] });
    // What was on the merged code and on the absorbed segment follows.
    expect(memos.get(memo.id).target).toEqual({ kind: 'segment', id: s1.id });
    expect(memos.get(codeMemo.id).target).toEqual({ kind: 'code', id: tillit.id });
    expect(book.get(under.id).parentId).toBe(tillit.id);
    expect(themes.get(theme.id).codeIds).toEqual([tillit.id]);
    expect(book.get(tillit.id)).toMatchObject({ segmentCount: 3, transcriptCount: 2 });
    expect(codeOf(() => book.merge(tillit.id, tillit.id))).toBe('INVALID_INPUT');
    expect(codeOf(() => book.merge(tillit.id, under.id))).toBe('HIERARCHY_CYCLE');
    expect(session.audit.list().filter((e) => e.action === 'code.merged').map((e) => e.details)).toEqual([{ from: trygg.id, into: tillit.id, segments: 3, joined: 1 }]);
    session.lock();
  });

  it('deletes a code: says first how many segments go, keeps segments that have other codes, moves children up', async () => {
    const { session, book, coding, memos, ta, tb } = await study();
    const parent = book.add({ name: 'Samarbeid' });
    const gone = book.add({ name: 'Møter', parentId: parent.id });
    const child = book.add({ name: 'Ukentlig', parentId: gone.id });
    const keep = book.add({ name: 'Tid' });
    const only = coding.apply(tb, { quote: 'vi møttes hver uke' }, [gone.id]);
    const both = coding.apply(tb, { quote: 'over tid' }, [gone.id, keep.id]);
    coding.apply(ta, { quote: 'Og arbeidsgiveren?' }, [gone.id]);
    memos.add({ target: { kind: 'segment', id: only.id }, text: 'Hver uke!' });
    memos.add({ target: { kind: 'code', id: gone.id }, text: 'Om møtene.' });
    const preview = book.deletePreview(gone.id);
    expect(preview).toEqual({ segmentsRemoved: 2, segmentsUncoded: 1, transcripts: 2, childrenMoved: 1, memosRemoved: 2 });
    // Nothing changed by the preview.
    expect(book.get(gone.id).segmentCount).toBe(3);
    expect(book.delete(gone.id)).toEqual(preview);
    expect(coding.forTranscript(tb).map((s) => [s.id, s.codeIds])).toEqual([[both.id, [keep.id]]]);
    expect(coding.forTranscript(ta)).toEqual([]);
    expect(book.get(child.id).parentId).toBe(parent.id);
    expect(memos.list()).toEqual([]);
    expect(session.audit.list().at(-1)).toMatchObject({ action: 'code.deleted', details: { code: gone.id, segments: 2, uncoded: 1, memos: 2 } });
    session.lock();
  });
});
