/**
 * A hostile tester's trials of the analysis (issue 9): segments through awkward edits
 * and replacements, merge/move with cycles, undo of removals, the end date, the audit,
 * the identifying-details check. Each trial states what a student depends on.
 */
import { describe, expect, it } from 'vitest';
import { codeOf } from '../helpers';
import { NOW, study, TEXT_A } from './fixture';

const cps = (s: string) => Array.from(s);
const slice = (text: string, s: { start: number; end: number }) => cps(text).slice(s.start, s.end).join('');

describe('segments through edits (attack)', () => {
  it('CRLF, combining marks and emoji: every segment still covers its own words after edits around it', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit' });
    // A transcript from Windows (CRLF) with a decomposed Å (macOS): stored NFC.
    const crlf = '#00:00:01-0# I: Hei.\r\n#00:00:05-0# B: A\u030Ase 👩‍👩‍👧 sa tillit er alt.\r\n#00:00:09-0# B: Ja.\r\n';
    const t = v.transcripts.create(v.a, crlf);
    const stored = v.transcripts.get(t.id).text;
    expect(stored).toBe(crlf.normalize('NFC'));
    // The student types the composed form; found in the NFC text.
    const s = v.coding.apply(t.id, { quote: 'Åse 👩‍👩‍👧 sa tillit' }, [code.id]);
    expect(slice(stored, s)).toBe('Åse 👩‍👩‍👧 sa tillit');
    // An edit before it that adds an emoji and a CRLF line, and one after it.
    const edited = stored.replace('Hei.', 'Hei 😀 på deg.\r\nNy linje.').replace('er alt', 'er nesten alt');
    v.transcripts.update(t.id, { text: edited });
    const after = v.coding.get(s.id);
    expect(after.orphanedAt).toBeNull();
    expect(slice(edited, after)).toBe('Åse 👩‍👩‍👧 sa tillit');
    expect(after.text).toBe('Åse 👩‍👩‍👧 sa tillit');
    v.session.lock();
  });

  it('edits at a segment’s borders: typing right at the start or end stays outside, deleting across a border cuts it', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit' });
    const s = v.coding.apply(v.ta, { quote: 'som et helt menneske' }, [code.id]);
    let text = TEXT_A.replace('som et helt menneske', 'XX som et helt menneske YY');
    v.transcripts.update(v.ta, { text });
    expect(slice(text, v.coding.get(s.id))).toBe('som et helt menneske');
    // Delete from inside the word before into the segment's first word.
    text = text.replace('XX som et', 'XX et');
    v.transcripts.update(v.ta, { text });
    const cut = v.coding.get(s.id);
    expect(slice(text, cut)).toBe(cut.text);
    expect(cut.text).toBe('et helt menneske');
    v.session.lock();
  });

  it('an edit that replaces a whole segment makes an orphan, never a segment over the new words; a neighbour stays', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit' });
    const gone = v.coding.apply(v.ta, { quote: 'Og arbeidsgiveren?' }, [code.id]);
    const next = v.coding.apply(v.ta, { quote: 'Arbeidsgiveren i Ålesund' }, [code.id]);
    const text = TEXT_A.replace('Og arbeidsgiveren?', 'Hvordan gikk det med sjefen din?');
    v.transcripts.update(v.ta, { text });
    expect(v.coding.get(gone.id).orphanedAt).not.toBeNull();
    expect(v.coding.orphans().map((o) => o.id)).toEqual([gone.id]);
    expect(slice(text, v.coding.get(next.id))).toBe('Arbeidsgiveren i Ålesund');
    v.session.lock();
  });

  it('replacing identifying details with placeholders (before, inside and as the whole segment) keeps segments on their words', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Sted' });
    const whole = v.coding.apply(v.ta, { quote: 'Ålesund' }, [code.id]);
    const around = v.coding.apply(v.ta, { quote: 'Åse på kontoret forstod det' }, [code.id]);
    const later = v.coding.apply(v.ta, { quote: 'ville først ikke' }, [code.id]);
    const report = v.transcripts.check(v.ta);
    const pick = report.findings.filter((f) => f.text === 'Åse' || f.text === 'Ålesund');
    expect(pick.map((f) => f.text).sort()).toEqual(['Ålesund', 'Åse']);
    const out = v.transcripts.deidentify(v.ta, pick.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: f.text === 'Åse' ? '[navn]' : '[sted]' })), []);
    expect(slice(out.text, v.coding.get(whole.id))).toBe('[sted]');
    expect(slice(out.text, v.coding.get(around.id))).toBe('[navn] på kontoret forstod det');
    expect(slice(out.text, v.coding.get(later.id))).toBe('ville først ikke');
    // The stored segment text follows: no copy of the name is left in the coding.
    expect(JSON.stringify(v.coding.forTranscript(v.ta))).not.toContain('Ålesund');
    expect(JSON.stringify(v.coding.forTranscript(v.ta))).not.toContain('Åse');
    v.session.lock();
  });
});

describe('codebook structure (attack)', () => {
  it('refuses merging a code into itself or into its own descendant, and moving under itself or a descendant; nothing changes', async () => {
    const v = await study();
    const top = v.book.add({ name: 'Relasjon' });
    const mid = v.book.add({ name: 'Tillit', parentId: top.id });
    const leaf = v.book.add({ name: 'Å bli sett', parentId: mid.id });
    v.coding.apply(v.ta, { quote: 'bli sett' }, [leaf.id]);
    const before = JSON.stringify(v.book.list());
    expect(codeOf(() => v.book.merge(top.id, top.id))).not.toBe('NO_ERROR');
    expect(codeOf(() => v.book.move(top.id, top.id))).toBe('HIERARCHY_CYCLE');
    expect(codeOf(() => v.book.move(top.id, leaf.id))).toBe('HIERARCHY_CYCLE');
    // Merging a parent into its child: the child would become its own parent's heir and its own child.
    const r = codeOf(() => v.book.merge(top.id, leaf.id));
    if (r === 'NO_ERROR') {
      // If allowed, the tree must still be a tree: no code is its own ancestor.
      const list = v.book.list();
      const parent = new Map(list.map((c) => [c.id, c.parentId]));
      for (const c of list) {
        const seen = new Set<string>();
        for (let p: string | null = c.id; p !== null; p = parent.get(p) ?? null) {
          expect(seen.has(p)).toBe(false);
          seen.add(p);
        }
      }
      expect(list.map((c) => c.id)).not.toContain(top.id);
    } else {
      expect(JSON.stringify(v.book.list())).toBe(before);
    }
    v.session.lock();
  });

  it('an empty, blank-only or duplicate (case, NFC) name is refused', async () => {
    const v = await study();
    v.book.add({ name: 'Åse' });
    expect(codeOf(() => v.book.add({ name: '' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => v.book.add({ name: ' \u200b ' }))).toBe('NAME_INVISIBLE');
    expect(codeOf(() => v.book.add({ name: 'Å\u200bse' }))).toBe('NAME_INVISIBLE');
    expect(v.book.add({ name: 'Familie 👩‍👩‍👧' }).name).toBe('Familie 👩‍👩‍👧');
    v.book.delete(v.book.resolve('Familie 👩‍👩‍👧').id);
    expect(v.book.add({ name: 'Glød ❤️‍🔥' }).name).toBe('Glød ❤️‍🔥');
    v.book.delete(v.book.resolve('Glød ❤️‍🔥').id);
    expect(codeOf(() => v.book.add({ name: 'A\u030Ase' }))).toBe('NAME_TAKEN');
    expect(codeOf(() => v.book.add({ name: 'åse ' }))).toBe('NAME_TAKEN');
    expect(v.book.list()).toHaveLength(1);
    v.session.lock();
  });
});

describe('undo of a removal (attack)', () => {
  it('taking the last code off a segment and undoing it brings back the same segment, its quote flag and its memos', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit' });
    const s = v.coding.apply(v.ta, { quote: 'som et helt menneske' }, [code.id]);
    v.coding.setQuote(s.id, true);
    const memo = v.memos.add({ target: { kind: 'segment', id: s.id }, text: 'Viktig sitat.' });
    expect(v.coding.unapply(s.id, code.id)).toBeNull();
    expect(v.memos.list().map((m) => m.id)).not.toContain(memo.id);
    const back = v.coding.restore(s.id);
    expect(back).toMatchObject({ id: s.id, quote: true, codeIds: [code.id], start: s.start, end: s.end });
    expect(v.memos.list()).toEqual([expect.objectContaining({ id: memo.id, text: 'Viktig sitat.', target: { kind: 'segment', id: s.id } })]);
    // Restoring twice, or something never removed, is refused.
    expect(codeOf(() => v.coding.restore(s.id))).toBe('NOT_FOUND');
    // The text moved since the removal: restored where its words now are, or refused.
    v.coding.unapply(s.id, code.id);
    v.transcripts.update(v.ta, { text: TEXT_A.replace('Tillit er', 'Tillit, sa hun, er') });
    const moved = v.coding.restore(s.id);
    expect(slice(v.transcripts.get(v.ta).text, moved)).toBe('som et helt menneske');
    v.coding.unapply(s.id, code.id);
    v.transcripts.update(v.ta, { text: TEXT_A.replace('som et helt menneske', 'som en sak') });
    expect(codeOf(() => v.coding.restore(s.id))).toBe('SEGMENT_TEXT_CHANGED');
    v.session.lock();
  });

  it('a removal kept for undo is forgotten on lock, and restoring is refused after a withdrawal', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit' });
    const s = v.coding.apply(v.tb, { quote: 'bygde tillit over tid' }, [code.id]);
    v.coding.unapply(s.id, code.id);
    const { Participants } = await import('../../../electron/core/services/participants/participants');
    const { analysisCache } = await import('../../../electron/core/services/analysis/records');
    expect(analysisCache(v.session).removed.has(s.id)).toBe(true);
    expect(v.search.query('kafé').hits).toHaveLength(1);
    await new Participants(v.session, NOW).withdraw(v.b, '2026-11-27');
    // Gone from memory at once, not only at the next read.
    const cache = analysisCache(v.session);
    expect(cache.removed.size).toBe(0);
    expect(JSON.stringify([...(cache.derived.get('search') as Map<string, { text: string }>).values()].map((d) => d.text))).not.toContain('kafé');
    expect(codeOf(() => v.coding.restore(s.id))).toBe('NOT_FOUND');
    v.session.lock();
  });
});

describe('the end date (attack)', () => {
  it('after the end date only removals are allowed: every other write is refused with PROJECT_ENDED', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
    const other = v.book.add({ name: 'Tid' });
    const theme = v.themes.add({ name: 'Relasjon' });
    v.themes.assign(theme.id, code.id);
    const s = v.coding.apply(v.ta, { quote: 'som et helt menneske' }, [code.id, other.id]);
    v.coding.setQuote(s.id, true);
    const memo = v.memos.add({ target: { kind: 'code', id: code.id }, text: 'Notat.' });
    const late = () => new Date('2031-06-01T10:00:00Z');
    const { Codebook } = await import('../../../electron/core/services/analysis/codebook');
    const { Coding } = await import('../../../electron/core/services/analysis/coding');
    const { Themes } = await import('../../../electron/core/services/analysis/themes');
    const { Memos, Phases } = await import('../../../electron/core/services/analysis/memos');
    const book = new Codebook(v.session, late);
    const coding = new Coding(v.session, late);
    const themes = new Themes(v.session, late);
    const memos = new Memos(v.session, late);
    const refused = {
      rename: () => book.update(code.id, { name: 'Ny' }),
      define: () => book.update(code.id, { definition: 'Ny definisjon' }),
      move: () => book.move(other.id, code.id),
      merge: () => book.merge(other.id, code.id),
      apply: () => coding.apply(v.ta, { quote: 'ikke bare en sak' }, [code.id]),
      quote: () => coding.setQuote(s.id, true),
      themeAdd: () => themes.add({ name: 'Nytt' }),
      themeRename: () => themes.update(theme.id, { name: 'Nytt navn' }),
      themeStatus: () => themes.setStatus(theme.id, 'reviewed'),
      themeAssign: () => themes.assign(theme.id, other.id),
      memoAdd: () => memos.add({ target: { kind: 'project' }, text: 'x' }),
      memoEdit: () => memos.update(memo.id, { text: 'endret' }),
      phase: () => new Phases(v.session, late).set('writing-up'),
    };
    for (const [what, fn] of Object.entries(refused)) expect([what, codeOf(fn)]).toEqual([what, 'PROJECT_ENDED']);
    const allowed = {
      unquote: () => coding.setQuote(s.id, false),
      unapply: () => coding.unapply(s.id, other.id),
      unassign: () => themes.unassign(theme.id, code.id),
      memoDelete: () => memos.delete(memo.id),
      themeDelete: () => themes.delete(theme.id),
      codeDelete: () => book.delete(other.id),
    };
    for (const [what, fn] of Object.entries(allowed)) expect([what, codeOf(fn)]).toEqual([what, 'NO_ERROR']);
    v.session.lock();
  });
});

describe('the audit and the check (attack)', () => {
  it('the audit log records what was done, never a code name, a definition, a memo or a quote', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Hemmelig-kodenavn-771', definition: 'Definisjon-Lerkefalk' });
    const child = v.book.add({ name: 'Barn-kode-9', parentId: code.id });
    v.themes.assign(v.themes.add({ name: 'Tema-Gaupe-55', definition: 'Temadef-Oter' }).id, code.id);
    const s = v.coding.apply(v.ta, { quote: 'som et helt menneske' }, [code.id]);
    v.memos.add({ target: { kind: 'segment', id: s.id }, text: 'Memo-Spurv-3321' });
    v.book.update(code.id, { name: 'Omdøpt-Hakkespett' });
    v.book.merge(child.id, code.id);
    v.coding.unapply(s.id, code.id);
    const log = JSON.stringify(v.session.audit.list());
    for (const w of ['Hemmelig-kodenavn', 'Lerkefalk', 'Barn-kode', 'Gaupe', 'Oter', 'Spurv', 'Hakkespett', 'helt menneske']) expect([w, log.includes(w)]).toEqual([w, false]);
    expect(log).toContain('code.created');
    expect(log).toContain('code.merged');
    v.session.lock();
  });

  it('the check finds a participant’s name, e-mail and phone in code names, definitions, theme names, theme definitions and memos', async () => {
    const v = await study();
    const code = v.book.add({ name: 'Kari Nordmann sin historie', definition: 'Ring 915 55 123' });
    v.themes.assign(v.themes.add({ name: 'Tema kari@example.no', definition: 'Om Kari Nordmann' }).id, code.id);
    v.memos.add({ target: { kind: 'project' }, text: 'Snakket med Kari Nordmann i dag.' });
    const where = v.report.checkAll().map((f) => `${f.where.kind}.${f.where.field}`).sort();
    expect(where).toEqual(expect.arrayContaining(['code.name', 'code.definition', 'theme.name', 'theme.definition', 'memo.text']));
    v.session.lock();
  });
});
