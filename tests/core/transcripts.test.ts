/** Transcripts: the four formats, encodings, sync points, editing, completion, export. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Participants } from '../../electron/core/services/participants/participants';
import { parseTranscript, syncPoints, textToDocx, f4Stamp } from '../../electron/core/services/transcripts/formats';
import { admit, codeOf, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const F4 = `#00:00:03-2# I: Hva legger du i begrepet jobbspesialist?
#00:00:09-8# B: Det handler om å se hele mennesket, også arbeidsgiveren.
#00:01:15-0# I: Kan du si litt mer om det?
`;

function file(name: string, content: string | Uint8Array): string {
  const f = path.join(tempDir(), name);
  fs.writeFileSync(f, content);
  return f;
}

describe('formats', () => {
  it('f4 text: timestamps become sync points at their character offsets', () => {
    const text = parseTranscript(Buffer.from(F4, 'utf8'), 'txt');
    expect(syncPoints(text)).toEqual([
      { offset: 0, ms: 3200 },
      { offset: F4.indexOf('#00:00:09-8#'), ms: 9800 },
      { offset: F4.indexOf('#00:01:15-0#'), ms: 75000 },
    ]);
    expect(f4Stamp(75000)).toBe('#00:01:15-0#');
    expect(f4Stamp(3_723_400)).toBe('#01:02:03-4#');
  });

  it('reads UTF-8 with or without BOM, UTF-16 with BOM, and CRLF line ends', () => {
    const expected = 'B: Jeg jobber på Hinna, ærlig talt.\nI: Så fint.\n';
    const crlf = expected.replace(/\n/g, '\r\n');
    expect(parseTranscript(Buffer.from(crlf, 'utf8'), 'txt')).toBe(expected);
    expect(parseTranscript(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(expected)]), 'txt')).toBe(expected);
    expect(parseTranscript(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(expected, 'utf16le')]), 'txt')).toBe(expected);
    const be = Buffer.from(expected, 'utf16le').swap16();
    expect(parseTranscript(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'txt')).toBe(expected);
  });

  it('refuses text in an unknown encoding instead of guessing (Windows-1252 æøå)', () => {
    const cp1252 = Buffer.from([0x42, 0x3a, 0x20, 0x48, 0xe5, 0x70, 0x20, 0xf8, 0x79, 0x65, 0x0a]); // "B: Håp øye" in cp1252
    expect(codeOf(() => parseTranscript(cp1252, 'txt'))).toBe('TRANSCRIPT_ENCODING');
    expect(codeOf(() => parseTranscript(Buffer.from([0x00, 0x01, 0x02, 0x00]), 'txt'))).toBe('TRANSCRIPT_ENCODING');
  });

  it('.docx: paragraphs, tabs, breaks and entities; our own .docx reads back the same', () => {
    const doc = `<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>#00:00:01-0# I: Hei &amp; velkommen</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">B: Ja </w:t></w:r><w:r><w:tab/><w:t>takk</w:t><w:br/><w:t>ny linje</w:t></w:r></w:p><w:p/></w:body></w:document>`;
    const docx = zipSync({ 'word/document.xml': strToU8(doc), '[Content_Types].xml': strToU8('<Types/>') });
    expect(parseTranscript(docx, 'docx')).toBe('#00:00:01-0# I: Hei & velkommen\nB: Ja \ttakk\nny linje\n\n');
    expect(parseTranscript(textToDocx(F4), 'docx')).toBe(F4);
    expect(codeOf(() => parseTranscript(Buffer.from('not a zip'), 'docx'))).toBe('TRANSCRIPT_UNSUPPORTED');
    expect(codeOf(() => parseTranscript(zipSync({ 'other.xml': strToU8('<x/>') }), 'docx'))).toBe('TRANSCRIPT_UNSUPPORTED');
  });

  it('.srt and .vtt cues become f4 lines', () => {
    const srt = '1\n00:00:01,500 --> 00:00:04,000\nI: Hei.\n\n2\n00:01:02,250 --> 00:01:05,000\nB: Hei, <i>takk</i>\nfor sist.\n';
    expect(parseTranscript(Buffer.from(srt), 'srt')).toBe('#00:00:01-5# I: Hei.\n#00:01:02-2# B: Hei, takk for sist.\n');
    const vtt = 'WEBVTT\n\nintro\n00:01.500 --> 00:04.000\nI: Hei.\n\n01:00:00.000 --> 01:00:02.000 align:start\nB: Siste.\n';
    expect(parseTranscript(Buffer.from(vtt), 'vtt')).toBe('#00:00:01-5# I: Hei.\n#01:00:00-0# B: Siste.\n');
    expect(codeOf(() => parseTranscript(Buffer.from('no cues here'), 'srt'))).toBe('TRANSCRIPT_UNSUPPORTED');
    expect(codeOf(() => parseTranscript(Buffer.from('00:01.500 --> 00:04.000\nx'), 'vtt'))).toBe('TRANSCRIPT_UNSUPPORTED');
  });
});

describe('transcripts in the vault', () => {
  it('imports for a participant with consent, linked to their only recording; edits keep sync points true', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = await new Recordings(session, NOW).import(code, (() => {
      const f = path.join(tempDir(), 'a.wav');
      makeWav(f, 2);
      return f;
    })());
    const t = new Transcripts(session, NOW);
    const imported = await t.import(code, file('intervju.txt', F4));
    expect(imported).toMatchObject({ code, recordingId: rec.id, complete: false, sourceFormat: 'txt', syncPointCount: 3 });
    const edited = t.update(imported.id, { text: `#00:00:00-5# I: Start.\n${F4}` });
    expect(edited.syncPoints[0]).toEqual({ offset: 0, ms: 500 });
    expect(edited.syncPoints[1]!.offset).toBe('#00:00:00-5# I: Start.\n'.length);
    const done = t.update(imported.id, { complete: true });
    expect(done.complete).toBe(true);
    expect(session.audit.list().map((e) => e.action).slice(-3)).toEqual(['transcript.added', 'transcript.edited', 'transcript.edited']);
    expect(JSON.stringify(session.audit.list())).not.toContain('jobbspesialist');
    session.lock();
  });

  it('exports .txt and .docx that read back as the same text', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const t = new Transcripts(session, NOW);
    const { id } = await t.import(code, file('x.srt', '1\n00:00:01,000 --> 00:00:02,000\nB: Hei på deg.\n'));
    const out = tempDir();
    t.export(id, path.join(out, 't.txt'), 'txt', []);
    t.export(id, path.join(out, 't.docx'), 'docx', []);
    expect(fs.readFileSync(path.join(out, 't.txt'), 'utf8')).toBe('#00:00:01-0# B: Hei på deg.\n');
    expect(parseTranscript(fs.readFileSync(path.join(out, 't.docx')), 'docx')).toBe('#00:00:01-0# B: Hei på deg.\n');
    session.lock();
  });

  it('refuses without consent, an unknown format, an unreadable file; stores nothing', async () => {
    const { session } = await makeVault();
    const p = new Participants(session, NOW);
    const without = p.add({ name: 'Uten samtykke' });
    const code = admit(session, { name: 'Med samtykke' });
    const t = new Transcripts(session, NOW);
    await expect(t.import(without, file('a.txt', F4))).rejects.toMatchObject({ code: 'CONSENT_MISSING' });
    await expect(t.import(code, file('a.rtf', F4))).rejects.toMatchObject({ code: 'TRANSCRIPT_UNSUPPORTED' });
    await expect(t.import(code, path.join(tempDir(), 'missing.txt'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    await expect(t.import(code, file('a.txt', Buffer.from([0xe6, 0xf8, 0xe5])))).rejects.toMatchObject({ code: 'TRANSCRIPT_ENCODING' });
    expect(t.list()).toEqual([]);
    session.lock();
  });
});
