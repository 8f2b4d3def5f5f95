/**
 * Issue 29, as a student coming from NVivo met it: a withdrawal removed passages from
 * codes and themes with no word in the analysis; a parent code's count disagreed with
 * retrieval (sub-codes included silently); the thematic map cut off the project's title.
 */
import { describe, expect, it } from 'vitest';
import { Participants } from '../../../electron/core/services/participants/participants';
import { dismissWithdrawalNote, withdrawalNotes } from '../../../electron/core/services/analysis/withdrawn';
import { thematicMapSvg } from '@shared/analysis-map';
import { NOW, study } from './fixture';

describe('what a withdrawal removed from the analysis', () => {
  it('is noted once, project-level, with the pseudonym, the number of passages and the codes and themes that lost them, never the text', async () => {
    const { session, book, coding, themes, a, b, ta, tb } = await study();
    const tillit = book.add({ name: 'Tillit' });
    const sett = book.add({ name: 'Å bli sett' });
    coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [tillit.id, sett.id]);
    coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund ville først ikke' }, [tillit.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
    const theme = themes.add({ name: 'Relasjonen' });
    themes.assign(theme.id, sett.id);
    themes.add({ name: 'Uberørt' });
    expect(withdrawalNotes(session)).toEqual([]);

    await new Participants(session, NOW).withdraw(a, '2026-11-27');
    const notes = withdrawalNotes(session);
    expect(notes).toEqual([
      {
        id: `withdrawn-${a}`,
        participant: a,
        at: NOW().toISOString(),
        passages: 2,
        codes: [
          { name: 'Tillit', passages: 2 },
          { name: 'Å bli sett', passages: 1 },
        ],
        themes: ['Relasjonen'],
      },
    ]);
    expect(JSON.stringify(notes)).not.toContain('Ålesund');
    // The note is not the participant's: it is a project-level record, not destroyed with their key.
    expect(session.stores.transcripts.list('withdrawal_note').map((r) => r.participant)).toEqual([null]);

    dismissWithdrawalNote(session, `withdrawn-${a}`);
    expect(withdrawalNotes(session)).toEqual([]);
    void b;
  });

  it('says nothing for a participant with no coded passages', async () => {
    const { session, book, coding, a, b, tb } = await study();
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [book.add({ name: 'Tillit' }).id]);
    await new Participants(session, NOW).withdraw(a, '2026-11-27');
    expect(withdrawalNotes(session)).toEqual([]);
    void b;
  });
});

describe('a parent code’s counts', () => {
  it('gives its own passages and, separately, those with its sub-codes, each passage once', async () => {
    const { book, coding, ta, tb } = await study();
    const parent = book.add({ name: 'Relasjon' });
    const child = book.add({ name: 'Tillit', parentId: parent.id });
    const grandchild = book.add({ name: 'Ærlighet', parentId: child.id });
    coding.apply(ta, { quote: 'Tillit er å bli sett' }, [parent.id]);
    coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund' }, [child.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [child.id, grandchild.id]);
    coding.apply(tb, { quote: 'Det handler om å bli sett' }, [grandchild.id]);
    const counts = Object.fromEntries(book.list().map((c) => [c.name, [c.segmentCount, c.segmentCountWithSubcodes]]));
    expect(counts).toEqual({ Relasjon: [1, 4], Tillit: [2, 3], Ærlighet: [2, 2] });
    // Retrieval agrees with each: with the sub-codes by default, its own only when asked.
    expect(coding.retrieve({ codeId: parent.id })).toHaveLength(4);
    expect(coding.retrieve({ codeId: parent.id }, { descendants: false })).toHaveLength(1);
  });
});

describe('the thematic map', () => {
  it('is wide enough for a long project title with a single theme', () => {
    const title = 'Relasjonsarbeid i Supported Employment: jobbspesialistenes erfaringer';
    const svg = thematicMapSvg({ title, themes: [{ id: 't1', name: 'Tillit', status: 'candidate', parentId: null, codeIds: [], segmentCount: 0 }], codes: [] }, { segments: (n) => `${n} utdrag`, status: { candidate: 'Kandidat', reviewed: 'Gjennomgått', defined: 'Definert' }, empty: '' });
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(width).toBeGreaterThanOrEqual(Math.ceil(title.length * 18 * 0.55) + 40);
  });
});
