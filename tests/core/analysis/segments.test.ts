/** Segments move with their text through edits and replacements; deleted text makes an orphan. */
import { describe, expect, it } from 'vitest';
import { diffHunks, remapSegments, replacementHunks } from '../../../electron/core/services/analysis/segments';
import type { SegmentRecord } from '../../../electron/core/services/analysis/records';
import { codeOf } from '../helpers';
import { study, TEXT_A } from './fixture';

const AT = '2026-11-28T10:00:00.000Z';

/** A segment over the first occurrence of `words` in `text` (code points). */
function seg(text: string, words: string, id = words): SegmentRecord {
  const u = text.indexOf(words);
  if (u < 0) throw new Error(`not in text: ${words}`);
  const start = Array.from(text.slice(0, u)).length;
  return { id, start, end: start + Array.from(words).length, text: words, codeIds: ['c'], quote: false, orphanedAt: null, createdAt: AT, updatedAt: AT };
}

function moved(oldText: string, newText: string, words: string): SegmentRecord {
  return remapSegments([seg(oldText, words)], diffHunks(oldText, newText), newText, 'edit', AT, oldText)[0]!;
}

const slice = (text: string, s: SegmentRecord) => Array.from(text).slice(s.start, s.end).join('');

describe('position mapping (pure)', () => {
  const old = 'Jeg 😀 syns at tillit er å bli sett, ærlig talt.';

  it('an insertion before the segment shifts it; after it, leaves it', () => {
    const before = 'Ja. 👍🏽 ' + old;
    const s = moved(old, before, 'tillit er å bli sett');
    expect(slice(before, s)).toBe('tillit er å bli sett');
    expect(s.orphanedAt).toBeNull();
    const after = old + ' Og så videre 🙂.';
    expect(slice(after, moved(old, after, 'tillit er å bli sett'))).toBe('tillit er å bli sett');
  });

  it('an insertion inside grows the segment; one exactly at its edges stays outside', () => {
    const inside = old.replace('å bli sett', 'å virkelig bli sett');
    expect(slice(inside, moved(old, inside, 'tillit er å bli sett'))).toBe('tillit er å virkelig bli sett');
    const atStart = old.replace('tillit er', 'NEI tillit er');
    expect(slice(atStart, moved(old, atStart, 'tillit er å bli sett'))).toBe('tillit er å bli sett');
    const atEnd = old.replace('bli sett,', 'bli sett 😀,');
    expect(slice(atEnd, moved(old, atEnd, 'tillit er å bli sett'))).toBe('tillit er å bli sett');
  });

  it('a deletion that cuts the segment keeps what is left of it', () => {
    const cutStart = old.replace('syns at tillit er', 'syns at er');
    expect(slice(cutStart, moved(old, cutStart, 'tillit er å bli sett'))).toBe('er å bli sett');
    const cutEnd = old.replace('bli sett, ærlig', 'bli, ærlig');
    expect(slice(cutEnd, moved(old, cutEnd, 'tillit er å bli sett'))).toBe('tillit er å bli');
    const cutMiddle = old.replace(' å bli', '');
    expect(slice(cutMiddle, moved(old, cutMiddle, 'tillit er å bli sett'))).toBe('tillit er sett');
  });

  it('a segment whose text is deleted entirely becomes an orphan where the text was, never dropped', () => {
    const gone = old.replace('tillit er å bli sett, ', '');
    const s = moved(old, gone, 'tillit er å bli sett');
    expect(s.orphanedAt).toBe(AT);
    expect(s.text).toBe('tillit er å bli sett');
    expect(s.start).toBe(s.end);
    expect(Array.from(gone).slice(0, s.start).join('')).toBe('Jeg 😀 syns at ');
  });

  it('a replacement (name → placeholder) keeps the segment over the placeholder, even when it was all of it', () => {
    const text = 'B: Åse på kontoret sa at Kari Nordmann ringte 😀.';
    const segs = [seg(text, 'Åse på kontoret sa', 's1'), seg(text, 'Kari Nordmann', 's2'), seg(text, 'ringte 😀.', 's3')];
    const reps = [
      { start: text.indexOf('Åse'), end: text.indexOf('Åse') + 3, with: '[navn]' },
      { start: text.indexOf('Kari Nordmann'), end: text.indexOf('Kari Nordmann') + 13, with: '[navn]' },
    ];
    const next = 'B: [navn] på kontoret sa at [navn] ringte 😀.';
    const out = remapSegments(segs, replacementHunks(text, reps), next, 'replace', AT, text);
    expect(out.map((s) => slice(next, s))).toEqual(['[navn] på kontoret sa', '[navn]', 'ringte 😀.']);
    expect(out.map((s) => s.text)).toEqual(['[navn] på kontoret sa', '[navn]', 'ringte 😀.']);
    expect(out.every((s) => s.orphanedAt === null)).toBe(true);
  });

  it('a whole rewrite far beyond the character diff still maps what survived, line by line', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `Linje ${i}: ${'æøå '.repeat(i % 7)}tekst ${i * 7919 % 1000}`);
    const old2 = lines.join('\n') + '\n';
    const keepLine = lines[200]!;
    const rewritten = lines.map((l, i) => (i === 200 ? l : `Ny ${l.split('').reverse().join('')}`)).join('\n') + '\n';
    const s = moved(old2, rewritten, keepLine);
    expect(slice(rewritten, s)).toBe(keepLine);
    const lost = moved(old2, rewritten, lines[10]!);
    expect(lost.orphanedAt).toBe(AT);
  });
});

describe('segments survive editing of a stored transcript', () => {
  it('moves with edits through Transcripts.update in the same write; orphans are listed and can be re-attached or dropped', async () => {
    const { session, book, coding, transcripts, memos, ta } = await study();
    const code = book.add({ name: 'Tillit' });
    const s1 = coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [code.id]);
    const s2 = coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund ville først ikke' }, [code.id]);
    const s3 = coding.apply(ta, { quote: 'Og arbeidsgiveren?' }, [code.id]);
    memos.add({ target: { kind: 'segment', id: s3.id }, text: 'Spørsmålet som ble borte.' });
    const edited = TEXT_A.replace('I: Hva betyr', 'I: 🙂 Kan du si hva betyr').replace(' Og arbeidsgiveren?', '').replace('ville først ikke', 'ville egentlig først ikke');
    transcripts.update(ta, { text: edited });
    const after = new Map(coding.forTranscript(ta).map((s) => [s.id, s]));
    expect(slice(edited, after.get(s1.id)!)).toBe('Tillit er å bli sett 😀 som et helt menneske');
    expect(slice(edited, after.get(s2.id)!)).toBe('Arbeidsgiveren i Ålesund ville egentlig først ikke');
    expect(after.get(s2.id)!.text).toBe('Arbeidsgiveren i Ålesund ville egentlig først ikke');
    expect(after.get(s3.id)!.orphanedAt).not.toBeNull();
    // Listed for the student; the memo stays with it.
    expect(coding.orphans().map((s) => [s.id, s.text])).toEqual([[s3.id, 'Og arbeidsgiveren?']]);
    expect(memos.list({ target: { kind: 'segment', id: s3.id } })).toHaveLength(1);
    // Not a quote while it has no text; re-attached, it is a segment again.
    expect(codeOf(() => coding.setQuote(s3.id, true))).toBe('INVALID_INPUT');
    const back = coding.reattach(s3.id, { quote: 'Kan du si hva betyr tillit for deg?' });
    expect(back).toMatchObject({ orphanedAt: null, text: 'Kan du si hva betyr tillit for deg?' });
    expect(coding.orphans()).toEqual([]);
    coding.removeSegment(s3.id);
    expect(memos.list()).toEqual([]);
    // A fresh session (what is stored, not a cache) sees the same.
    const stored = session.stores.transcripts.list<{ transcriptId: string; segments: { id: string }[] }>('coding_part').filter((r) => r.data.transcriptId === ta);
    expect(stored.flatMap((r) => r.data.segments.map((s) => s.id)).sort()).toEqual([s1.id, s2.id].sort());
    session.lock();
  });

  it('moves onto the placeholders when identifying details are replaced', async () => {
    const { session, book, coding, transcripts, ta } = await study();
    const code = book.add({ name: 'Kollega' });
    const s = coding.apply(ta, { quote: 'Åse på kontoret forstod det.' }, [code.id]);
    const whole = coding.apply(ta, { quote: 'Åse' }, [code.id]);
    const text = transcripts.get(ta).text;
    const at = text.indexOf('Åse');
    transcripts.deidentify(ta, [{ start: at, end: at + 3, expected: 'Åse', with: '[navn]' }], []);
    const after = new Map(coding.forTranscript(ta).map((x) => [x.id, x]));
    expect(after.get(s.id)!.text).toBe('[navn] på kontoret forstod det.');
    expect(after.get(whole.id)).toMatchObject({ text: '[navn]', orphanedAt: null });
    session.lock();
  });
});

describe('coding: apply, unapply, quotes, bad input', () => {
  it('applies by quote or by positions (code points), and takes codes off again', async () => {
    const { session, book, coding, ta } = await study();
    const a = book.add({ name: 'A' });
    const b = book.add({ name: 'B' });
    const bySmile = coding.apply(ta, { quote: '😀 som et helt' }, [a.id]);
    const chars = Array.from(TEXT_A);
    expect(chars.slice(bySmile.start, bySmile.end).join('')).toBe('😀 som et helt');
    // The same range by positions reuses the segment and adds the code.
    const same = coding.apply(ta, { start: bySmile.start, end: bySmile.end }, [b.id]);
    expect(same.id).toBe(bySmile.id);
    expect(same.codeIds).toEqual([a.id, b.id]);
    expect(coding.unapply(same.id, a.id)!.codeIds).toEqual([b.id]);
    expect(coding.unapply(same.id, b.id)).toBeNull();
    expect(coding.forTranscript(ta)).toEqual([]);
    const q = coding.apply(ta, { quote: 'ikke bare en sak' }, [a.id]);
    expect(coding.setQuote(q.id, true).quote).toBe(true);
    expect(coding.retrieveOne(q.id)).toMatchObject({ timestampMs: 14 * 60_000 + 32_000, participant: coding.get(q.id).participant });
    session.lock();
  });

  it('refuses bad input with a clear code and changes nothing', async () => {
    const { session, book, coding, ta, tb } = await study();
    const a = book.add({ name: 'A' });
    const n = Array.from(TEXT_A).length;
    const before = session.stores.transcripts.count();
    expect(codeOf(() => coding.apply(ta, { quote: 'står ikke her' }, [a.id]))).toBe('QUOTE_NOT_FOUND');
    expect(codeOf(() => coding.apply(tb, { quote: 'bli sett' }, [a.id]))).toBe('NO_ERROR');
    expect(codeOf(() => coding.apply(ta, { quote: 'B:' }, [a.id]))).toBe('QUOTE_AMBIGUOUS');
    expect(coding.apply(ta, { quote: 'B:', occurrence: 2 }, [a.id]).text).toBe('B:');
    expect(codeOf(() => coding.apply(ta, { quote: 'B:', occurrence: 3 }, [a.id]))).toBe('QUOTE_NOT_FOUND');
    expect(codeOf(() => coding.apply(ta, { start: 5, end: n + 1 }, [a.id]))).toBe('RANGE_INVALID');
    expect(codeOf(() => coding.apply(ta, { start: -1, end: 3 }, [a.id]))).toBe('RANGE_INVALID');
    expect(codeOf(() => coding.apply(ta, { start: 7, end: 7 }, [a.id]))).toBe('RANGE_INVALID');
    expect(codeOf(() => coding.apply(ta, { start: 1.5, end: 3 }, [a.id]))).toBe('RANGE_INVALID');
    expect(codeOf(() => coding.apply(ta, { start: 1, end: 3 }, ['no-such-code']))).toBe('NOT_FOUND');
    expect(codeOf(() => coding.apply('no-such-transcript', { start: 1, end: 3 }, [a.id]))).toBe('NOT_FOUND');
    expect(session.stores.transcripts.count()).toBe(before + 2);
    session.lock();
  });

  it('refuses coding a withdrawn participant, and anything new after the end date (removals still work)', async () => {
    const { session, book, coding, memos, ta, tb, b } = await study();
    const { Participants } = await import('../../../electron/core/services/participants/participants');
    const a = book.add({ name: 'A' });
    const seg = coding.apply(ta, { quote: 'ikke bare en sak' }, [a.id]);
    // While the withdrawal is under way (here: cut short after its first step), the
    // transcript is still there, and coding it is refused by the consent gate.
    class Crash extends Error {}
    const p = new Participants(session, () => new Date('2026-11-27T10:00:00Z'));
    await expect(p.withdraw(b, '2026-11-27', { afterStep: (st) => { if (st === 'journal') throw new Crash(); } })).rejects.toThrow(Crash);
    expect(codeOf(() => coding.apply(tb, { start: 0, end: 3 }, [a.id]))).toBe('PARTICIPANT_WITHDRAWN');
    await p.resumeWithdrawals();
    expect(codeOf(() => coding.apply(tb, { start: 0, end: 3 }, [a.id]))).toBe('NOT_FOUND');
    const late = () => new Date('2031-06-01T10:00:00Z');
    const { Codebook } = await import('../../../electron/core/services/analysis/codebook');
    const { Coding } = await import('../../../electron/core/services/analysis/coding');
    const { Memos } = await import('../../../electron/core/services/analysis/memos');
    expect(codeOf(() => new Codebook(session, late).add({ name: 'Ny' }))).toBe('PROJECT_ENDED');
    expect(codeOf(() => new Coding(session, late).apply(ta, { start: 0, end: 3 }, [a.id]))).toBe('PROJECT_ENDED');
    expect(codeOf(() => new Memos(session, late).add({ target: { kind: 'project' }, text: 'x' }))).toBe('PROJECT_ENDED');
    expect(codeOf(() => new Coding(session, late).unapply(seg.id, a.id))).toBe('NO_ERROR');
    expect(codeOf(() => new Codebook(session, late).delete(a.id))).toBe('NO_ERROR');
    void memos;
    session.lock();
  });
});
