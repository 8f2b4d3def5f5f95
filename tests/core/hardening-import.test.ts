/**
 * Issue 14's items left after two rounds (docs/hardening.md, "Third round"): every file the
 * user names is read through the descriptor that was checked; the text a .docx keeps
 * outside its body; UTF-16 without a byte-order mark.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { probeAudio } from '../../electron/core/services/recordings/recordings';
import { withRegularFile } from '../../electron/core/services/project/user-file';
import { HvelvError } from '../../electron/core/errors';
import { decodeText, parseTranscriptFile, parseTranscriptOffThread } from '../../electron/core/services/transcripts/formats';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, makeVault, makeWav, tempDir } from './helpers';
import { zipOf } from '../zip';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const para = (t: string): string => `<w:p><w:r><w:t xml:space="preserve">${t}</w:t></w:r></w:p>`;
/** A .docx with a body, a footnote, an endnote, two comments (one empty), a header and an empty footer. */
function docxWithSides(): Buffer {
  const part = (name: string, xml: string) => ({ name, data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });
  return zipOf([
    part('word/document.xml', `<w:document ${W}><w:body>${para('I: Fortell om jobben.')}${para('B: Jeg startet i 2019.')}</w:body></w:document>`),
    // The separator notes Word always writes hold no words: not counted.
    part('word/footnotes.xml', `<w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">${para('Hun mente Sauda.')}</w:footnote></w:footnotes>`),
    part('word/endnotes.xml', `<w:endnotes ${W}><w:endnote w:id="1">${para('Usikker hørsel 12:03.')}</w:endnote></w:endnotes>`),
    part('word/comments.xml', `<w:comments ${W}><w:comment w:id="0" w:author="Transkribent">${para('Navnet på sjefen er utelatt.')}</w:comment><w:comment w:id="1">${para(' ')}</w:comment></w:comments>`),
    part('word/header1.xml', `<w:hdr ${W}>${para('Intervju JS03, Kari Nordmann')}</w:hdr>`),
    part('word/footer1.xml', `<w:ftr ${W}><w:p/></w:ftr>`),
  ]);
}

describe('a user-named file is read through the descriptor that was checked', () => {
  it('withRegularFile: a FIFO put at the path after the check is never what is read', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'opptak.wav');
    fs.writeFileSync(file, 'the file that was checked');
    const read = await withRegularFile(file, async (opened) => {
      fs.renameSync(file, path.join(dir, 'moved-away'));
      expect(spawnSync('mkfifo', [file]).status).toBe(0);
      return fs.readFileSync(opened, 'utf8');
    });
    expect(read).toBe('the file that was checked');
  });

  it('audio import: a FIFO swapped in and out at the path while it is probed never blocks', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.wav');
    makeWav(good, 1, 3);
    const p = path.join(dir, 'opptak.wav');
    fs.copyFileSync(good, p);
    // Another process swaps the path between the WAV and a FIFO as fast as it can (each swap one rename).
    const swapper = spawn('bash', ['-c', `while true; do cp -f '${good}' '${p}.f' && mv -f '${p}.f' '${p}'; mkfifo '${p}.p' && mv -f '${p}.p' '${p}'; done`], { stdio: 'ignore' });
    const outcomes = { probed: 0, refused: 0, hung: 0 };
    try {
      for (let i = 0; i < 150 && outcomes.hung === 0; i++) {
        const r = await Promise.race([
          probeAudio(p).then(
            () => 'probed' as const,
            (e: unknown) => {
              if (e instanceof HvelvError && (e.code === 'FILE_NOT_REGULAR' || e.code === 'FILE_UNREADABLE')) return 'refused' as const;
              throw e;
            },
          ),
          new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3000)),
        ]);
        outcomes[r]++;
      }
    } finally {
      swapper.kill('SIGKILL');
    }
    expect(outcomes.hung).toBe(0);
    // Both were met: the race was really run.
    expect(outcomes.probed).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 60_000);
});

describe('.docx: the text outside the body is said, never silently lost', () => {
  it('footnotes, endnotes, comments and headers with words are counted (in the worker too); the body arrives whole', async () => {
    const bytes = docxWithSides();
    const expected = { footnotes: 1, endnotes: 1, comments: 1, headers: 1, footers: 0 };
    expect(parseTranscriptFile(bytes, 'docx')).toEqual({ text: 'I: Fortell om jobben.\nB: Jeg startet i 2019.\n', untimedCues: 0, leftOut: expected });
    expect((await parseTranscriptOffThread(bytes, 'docx')).leftOut).toEqual(expected);
  });

  it('the import says what was left out', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const t = new Transcripts(session, NOW);
    const f = path.join(tempDir(), 'intervju.docx');
    fs.writeFileSync(f, docxWithSides());
    expect((await t.import(code, f)).leftOut).toEqual({ footnotes: 1, endnotes: 1, comments: 1, headers: 1, footers: 0 });
    session.lock();
  });
});

describe('UTF-16 without a byte-order mark', () => {
  const text = 'B: Jeg jobber på Hinna, ærlig talt – og så?\nI: Så fint.\n';
  it('is read, little- and big-endian, by the pattern of its NUL bytes', () => {
    expect(decodeText(Buffer.from(text, 'utf16le'))).toBe(text);
    expect(decodeText(Buffer.from(text, 'utf16le').swap16())).toBe(text);
    expect(parseTranscriptFile(Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le'), 'txt').text).toBe(text);
  });

  it('binary data with NUL bytes here and there is still refused', () => {
    const junk = Buffer.alloc(400);
    for (let i = 0; i < junk.length; i++) junk[i] = i % 7 === 0 ? 0 : 65 + (i % 26);
    expect(() => decodeText(junk)).toThrow(expect.objectContaining({ code: 'TRANSCRIPT_ENCODING' }));
    // UTF-16 little-endian cut to an odd length is not guessed at.
    expect(() => decodeText(Buffer.concat([Buffer.from(text, 'utf16le'), Buffer.from([0x41])]))).toThrow(expect.objectContaining({ code: 'TRANSCRIPT_ENCODING' }));
  });
});

describe('the Windows daily job and %VAR%', () => {
  it('a vault path Task Scheduler would expand (%USERNAME%) is refused; a lone % is kept as written', async () => {
    const { windowsTask } = await import('../../electron/core/services/project-end/schedule');
    const spec = (vaultPath: string) => ({ vaultPath, vaultId: 'ab'.repeat(16), title: 'T', ownerKey: 'k', command: { argv: ['C:\\Hvelv\\hvelv.exe'], env: {} } });
    expect(() => windowsTask(spec('C:\\Users\\%USERNAME%\\Hvelv\\studie'), tempDir())).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    const [task] = windowsTask(spec('C:\\Users\\kari\\100% ferdig\\studie'), tempDir());
    expect(task!.content).toContain('100% ferdig');
  });
});
