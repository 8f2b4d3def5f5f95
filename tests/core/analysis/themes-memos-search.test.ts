/** Themes, phases, memos, retrieval and search, on a real vault. */
import { describe, expect, it } from 'vitest';
import { Search } from '../../../electron/core/services/analysis/search';
import { Memos } from '../../../electron/core/services/analysis/memos';
import { unlockVault } from '../../../electron/core/vault/vault';
import { codeOf, pw } from '../helpers';
import { NOW, study } from './fixture';

describe('themes', () => {
  it('groups codes from anywhere in the hierarchy; a code may be in many themes; sub-themes; status follows the phases', async () => {
    const { session, book, coding, themes, ta, tb } = await study();
    const rel = book.add({ name: 'Relasjon' });
    const tillit = book.add({ name: 'Tillit', parentId: rel.id });
    const sett = book.add({ name: 'Å bli sett' });
    coding.apply(ta, { quote: 'Tillit er å bli sett' }, [tillit.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
    coding.apply(tb, { quote: 'Det handler om å bli sett.' }, [sett.id]);
    const t1 = themes.add({ name: 'Det gode møtet', definition: 'Hva som gjør at samarbeidet fungerer.' });
    const t2 = themes.add({ name: 'Anerkjennelse' });
    const sub = themes.add({ name: 'Tid', parentId: t1.id });
    themes.assign(t1.id, tillit.id);
    themes.assign(t2.id, tillit.id);
    themes.assign(t2.id, sett.id);
    themes.assign(sub.id, sett.id);
    expect(themes.get(t1.id)).toMatchObject({ status: 'candidate', codeIds: [tillit.id], segmentCount: 3, transcriptCount: 2 });
    expect(themes.get(t2.id)).toMatchObject({ codeIds: [tillit.id, sett.id], segmentCount: 3 });
    expect(book.get(tillit.id).themeIds.sort()).toEqual([t1.id, t2.id].sort());
    expect(themes.list().map((t) => t.name)).toEqual(['Anerkjennelse', 'Det gode møtet', 'Tid']);
    expect(themes.setStatus(t1.id, 'reviewed').status).toBe('reviewed');
    expect(themes.setStatus(t1.id, 'defined').status).toBe('defined');
    expect(codeOf(() => themes.setStatus(t1.id, 'done' as never))).toBe('INVALID_INPUT');
    expect(codeOf(() => themes.move(t1.id, sub.id))).toBe('HIERARCHY_CYCLE');
    expect(codeOf(() => themes.add({ name: 'anerkjennelse' }))).toBe('NAME_TAKEN');
    expect(codeOf(() => themes.assign(t1.id, 'nope'))).toBe('NOT_FOUND');
    expect(themes.resolve('Det gode møtet/Tid').id).toBe(sub.id);
    // Retrieval by theme: its codes and its sub-themes' codes, each segment once, across interviews.
    const got = coding.retrieve({ themeId: t1.id });
    expect(got.map((s) => s.text)).toEqual(['Tillit er å bli sett', 'bygde tillit over tid', 'Det handler om å bli sett.']);
    expect(themes.unassign(t2.id, sett.id).codeIds).toEqual([tillit.id]);
    expect(themes.delete(t1.id)).toEqual({ subThemesMoved: 1, memosRemoved: 0 });
    expect(themes.get(sub.id).parentId).toBeNull();
    expect(session.audit.list().filter((e) => e.action.startsWith('theme.')).map((e) => e.action)).toEqual(['theme.created', 'theme.created', 'theme.created', 'theme.deleted']);
    session.lock();
  });
});

describe('phases and memos', () => {
  it('stamps each memo with the phase; the journal is dated; private memos are marked; memos on a transcript are sealed under its participant', async () => {
    const { session, phases, book, coding, ta, a } = await study();
    // A clock that moves, so the journal's entries have an order.
    let t = Date.parse('2026-11-27T10:00:00Z');
    const memos = new Memos(session, () => new Date((t += 60_000)));
    expect(phases.get()).toEqual({ current: 'familiarising', history: [] });
    memos.add({ target: { kind: 'journal' }, text: 'Første lesing: mye om tillit.' });
    phases.set('initial-codes');
    const code = book.add({ name: 'Tillit' });
    const seg = coding.apply(ta, { quote: 'ikke bare en sak' }, [code.id]);
    memos.add({ target: { kind: 'journal' }, text: 'Jeg merker at jeg leter etter det jeg selv tror.', private: true });
    const onSeg = memos.add({ target: { kind: 'segment', id: seg.id }, text: 'Sterkt utsagn.' });
    const onT = memos.add({ target: { kind: 'transcript', id: ta }, text: 'Intervjuet gikk fort.' });
    const onCode = memos.add({ target: { kind: 'code', id: code.id }, text: 'Bred kode.' });
    expect(phases.get().history.map((h) => h.phase)).toEqual(['initial-codes']);
    expect(memos.journal().map((m) => [m.phase, m.private])).toEqual([
      ['familiarising', false],
      ['initial-codes', true],
    ]);
    expect([onSeg.participant, onT.participant, onCode.participant]).toEqual([a, a, null]);
    const rows = session.stores.transcripts.list('memo');
    expect(rows.find((r) => r.id === onSeg.id)!.participant).toBe(a);
    expect(codeOf(() => memos.add({ target: { kind: 'segment', id: 'nope' }, text: 'x' }))).toBe('NOT_FOUND');
    expect(codeOf(() => memos.add({ target: { kind: 'project' }, text: '  ' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => phases.set('phase-7' as never))).toBe('INVALID_INPUT');
    expect(memos.update(onCode.id, { text: 'Smalere kode.', private: true })).toMatchObject({ text: 'Smalere kode.', private: true });
    memos.delete(onCode.id);
    expect(memos.list({ target: { kind: 'code', id: code.id } })).toEqual([]);
    session.lock();
  });
});

describe('retrieval', () => {
  it('every segment of a code across interviews, with participant code, timestamp and context; filtered by participant; children included', async () => {
    const { session, book, coding, ta, tb, a, b } = await study();
    const parent = book.add({ name: 'Relasjon' });
    const child = book.add({ name: 'Tillit', parentId: parent.id });
    coding.apply(ta, { quote: 'ikke bare en sak' }, [child.id]);
    coding.apply(tb, { quote: 'vi møttes hver uke på kafé' }, [parent.id]);
    const all = coding.retrieve({ codeId: parent.id });
    expect(all.map((s) => [s.participant, s.text, s.timestampMs])).toEqual([
      [a, 'ikke bare en sak', (14 * 60 + 32) * 1000],
      [b, 'vi møttes hver uke på kafé', (2 * 60 + 5) * 1000],
    ]);
    expect(all[0]!.before).toMatch(/som et helt menneske, $/);
    expect(all[0]!.after).toMatch(/^\. Åse på kontoret/);
    expect(all[0]!.codes).toEqual([{ id: child.id, name: 'Tillit', color: book.get(child.id).color }]);
    expect(coding.retrieve({ codeId: parent.id }, { participant: b }).map((s) => s.participant)).toEqual([b]);
    expect(coding.retrieve({ codeId: parent.id }, { descendants: false }).map((s) => s.participant)).toEqual([b]);
    expect(codeOf(() => coding.retrieve({ codeId: 'nope' }))).toBe('NOT_FOUND');
    session.lock();
  });
});

describe('search', () => {
  it('folds Norwegian letters both ways, case, and accents; finds words at their start; phrases in quotes; across transcripts and memos', async () => {
    const { session, search, memos, ta, tb, a, b } = await study();
    memos.add({ target: { kind: 'project' }, text: 'Spør Åse om det på kafeen i Åsgård.' });
    const q = (s: string) => search.query(s).hits.map((h) => [h.kind, h.match]);
    expect(q('aase')).toEqual([['transcript', 'Åse'], ['memo', 'Åse']]);
    expect(q('ase')).toEqual(q('aase'));
    expect(q('ÅSE')).toEqual(q('aase'));
    expect(q('asgard')).toEqual([['memo', 'Åsgård']]);
    expect(q('oystein')).toEqual([['transcript', 'Øystein']]);
    expect(q('oeystein')).toEqual([['transcript', 'Øystein']]);
    expect(q('alesund')).toEqual([['transcript', 'Ålesund']]);
    expect(q('kafe')).toEqual([['transcript', 'kafé'], ['memo', 'kafe']]);
    // Start of a word only: "sett" is not found inside "besetter".
    expect(q('ett')).toEqual([]);
    // A phrase: in that order, whatever the case; the words alone match more.
    expect(q('"å bli sett"')).toEqual([['transcript', 'å bli sett'], ['transcript', 'å bli sett']]);
    expect(q('"bli å sett"')).toEqual([]);
    // Two words: both must be in the same transcript or memo.
    expect(search.query('tillit ålesund').hits.map((h) => h.match)).toEqual(['tillit', 'Tillit', 'Ålesund']);
    const hit = search.query('Øystein').hits[0]!;
    expect(hit).toMatchObject({ id: tb, transcriptId: tb, participant: b, timestampMs: 125_000 });
    expect(Array.from(search.query('Øystein').hits[0]!.before + hit.match).length).toBeGreaterThan(0);
    // Positions are code points of the stored text.
    const emojiHit = search.query('"som et helt"').hits[0]!;
    const text = session.stores.transcripts.get<{ text: string }>('transcript', ta)!.data.text;
    expect(Array.from(text).slice(emojiHit.start, emojiHit.end).join('')).toBe('som et helt');
    expect(emojiHit.participant).toBe(a);
    expect(search.query('tillit', { participant: b }).hits.every((h) => h.participant === b)).toBe(true);
    expect(codeOf(() => search.query('  ""  '))).toBe('INVALID_INPUT');
    session.lock();
  });

  it('sees edits at once and holds nothing on disk: a new session starts with no index', async () => {
    const { session, search, transcripts, ta, dir, deps } = await study();
    expect(search.query('Ålesund').hits).toHaveLength(1);
    transcripts.update(ta, { text: 'B: Nå står det Bergen her.' });
    expect(search.query('Ålesund').hits).toEqual([]);
    expect(search.query('bergen').hits).toHaveLength(1);
    session.lock();
    const again = await unlockVault(dir, pw('correct horse battery staple'), deps);
    expect(new Search(again, NOW).query('bergen').hits).toHaveLength(1);
    again.lock();
  });
});
