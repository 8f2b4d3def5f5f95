/** Withdrawal destroys a participant's segments and memos (forensic scan); access request includes them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../../electron/core/services/participants/participants';
import { storeDbPath } from '../../../electron/core/vault/layout';
import { findNeedles, listFiles, tempDir } from '../helpers';
import { NOW, study } from './fixture';

describe('withdrawal and the analysis', () => {
  it('destroys the segments and the memos on their transcript and segments, counts them, and search forgets them', async () => {
    const v = await study();
    const { session, book, coding, memos, search, a, b, ta, tb, dir } = v;
    const code = book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
    const s1 = coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [code.id]);
    coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund ville først ikke' }, [code.id]);
    const other = coding.apply(tb, { quote: 'bygde tillit over tid' }, [code.id]);
    const secretMemo = 'Hun sa det med stor varme: Zebrafinken-notat-4471.';
    memos.add({ target: { kind: 'transcript', id: ta }, text: secretMemo });
    memos.add({ target: { kind: 'segment', id: s1.id }, text: 'Segmentnotat Kolibri-9932 om tillit.' });
    const codeMemo = memos.add({ target: { kind: 'code', id: code.id }, text: 'Koden samler tillit på tvers.' });
    const otherMemo = memos.add({ target: { kind: 'segment', id: other.id }, text: 'Notat om Øystein.' });
    // A project-level memo quoting A: not destroyed with A's key, so it must be listed.
    const quoting = memos.add({ target: { kind: 'project' }, text: 'Sitat til drøftingen: «tillit er å bli sett som et helt menneske».' });
    // The search index is built and holds A's words.
    expect(search.query('Ålesund').hits).toHaveLength(1);
    expect(search.query('Zebrafinken').hits).toHaveLength(1);

    const p = new Participants(session, NOW);
    const preview = p.withdrawalPreview(a);
    expect(preview).toMatchObject({ transcripts: 1, 'coded-segments': 2, memos: 2 });
    // What a forensic scan looks for: the plaintext, and the sealed rows' bytes.
    const db = new Database(storeDbPath(dir, 'transcripts'), { readonly: true });
    const sealed = (db.prepare('SELECT ct, nonce FROM records WHERE participant = ?').all(a) as { ct: Buffer; nonce: Buffer }[]).flatMap((r) => [r.ct.subarray(0, 32), r.nonce]);
    db.close();
    expect(sealed.length).toBe(2 * 4); // transcript, coding, two memos
    const plain = ['Zebrafinken-notat-4471', 'Kolibri-9932', 'som et helt menneske', 'Arbeidsgiveren i Ålesund'].map((s) => Buffer.from(s, 'utf8'));
    expect(findNeedles(listFiles(dir), sealed).length).toBeGreaterThan(0);

    const receipt = await p.withdraw(a, '2026-11-27');
    expect(receipt.counts).toEqual(preview);
    // The other participant's coding and the project-level memo stay.
    expect(coding.forTranscript(tb).map((s) => s.id)).toEqual([other.id]);
    expect(memos.list().map((m) => m.id).sort()).toEqual([codeMemo.id, otherMemo.id, quoting.id].sort());
    const listed = v.report.checkAll().filter((f) => f.kind === 'withdrawn-quote');
    expect(listed).toEqual([expect.objectContaining({ where: { kind: 'memo', id: quoting.id, field: 'text' }, text: a })]);
    memos.update(quoting.id, { text: 'Omskrevet uten sitat.' });
    expect(v.report.checkAll().filter((f) => f.kind === 'withdrawn-quote')).toEqual([]);
    expect(book.get(code.id)).toMatchObject({ segmentCount: 1, transcriptCount: 1 });
    // Nothing derived from their text survives in memory either.
    expect(search.query('Ålesund').hits).toEqual([]);
    expect(search.query('Zebrafinken').hits).toEqual([]);
    expect(search.query('tillit').hits.every((h) => h.participant !== a)).toBe(true);
    expect(receipt.counts['coded-segments']).toBe(2);
    expect(p.receiptHtml(a, 'nb')).toContain('Kodede tekstutdrag');
    session.lock();
    expect(findNeedles(listFiles(dir), [...plain, ...sealed])).toEqual([]);
    void b;
  });
});

describe('access request and the analysis', () => {
  it('includes the participant’s coded segments, the codes applied to them, and the memos on their transcript and segments', async () => {
    const { session, book, coding, memos, a, ta, tb } = await study();
    const code = book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
    const s1 = coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [code.id]);
    coding.setQuote(s1.id, true);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [code.id]);
    memos.add({ target: { kind: 'segment', id: s1.id }, text: 'Et privat notat om dette.', private: true });
    memos.add({ target: { kind: 'code', id: code.id }, text: 'Prosjektnotat som ikke er om noen.' });
    const out = tempDir();
    const res = await new Participants(session, NOW).accessRequest(a, out, 'nb');
    const files = listFiles(res.folder).map((f) => path.relative(res.folder, f)).sort();
    expect(files).toContain(path.join('analysis', 'coded-segments.json'));
    expect(files).toContain(path.join('analysis', 'memos.json'));
    const segs = JSON.parse(fs.readFileSync(path.join(res.folder, 'analysis', 'coded-segments.json'), 'utf8')) as unknown[];
    expect(segs).toEqual([
      expect.objectContaining({ id: s1.id, transcript: ta, text: 'Tillit er å bli sett 😀 som et helt menneske', timestamp: '00:14:32', codes: [{ name: 'Tillit', definition: 'Om å bli trodd.' }], quoteInReport: true }),
    ]);
    const ms = JSON.parse(fs.readFileSync(path.join(res.folder, 'analysis', 'memos.json'), 'utf8')) as { text: string }[];
    expect(ms.map((m) => m.text)).toEqual(['Et privat notat om dette.']);
    const all = listFiles(res.folder).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(all).not.toContain('bygde tillit over tid');
    expect(all).not.toContain('Prosjektnotat');
    const cover = fs.readFileSync(path.join(res.folder, '00-folgebrev.html'), 'utf8');
    expect(cover).toContain('Kodede tekstutdrag fra intervjuet ditt');
    session.lock();
  });
});
