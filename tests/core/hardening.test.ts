/**
 * Issue 14's trials, one test each: bad input and faults that once lost text, hung the
 * process or ended in INTERNAL. Each was seen to fail on the code before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseTranscriptFile } from '../../electron/core/services/transcript-formats';
import { Transcripts } from '../../electron/core/services/transcripts';
import { Recordings } from '../../electron/core/services/recordings';
import { Participants } from '../../electron/core/services/participants';
import { ensureInitialForm } from '../../electron/core/consent/forms';
import { readUserFile } from '../../electron/core/services/user-file';
import { HvelvError } from '../../electron/core/errors';
import { admit, makeVault, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('srt and vtt: no text silently lost', () => {
  it('a cue with a garbage timing line and one whose times run backwards keep their text, without a sync point, and are counted', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nI: God cue.\n\n2\n00:00:xx,000 --> banan\nB: Tapt tekst.\n\n3\n00:00:09,000 --> 00:00:05,000\nI: Baklengs.\n';
    const r = parseTranscriptFile(Buffer.from(srt), 'srt');
    expect(r.text).toBe('#00:00:01-0# I: God cue.\nB: Tapt tekst.\nI: Baklengs.\n');
    expect(r.untimedCues).toBe(2);
  });

  it('a block with no timing line at all keeps its text too', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\nI: Først.\n\n2\nB: Ingen tid her.\n\n3\n00:00:03,000 --> 00:00:04,000\nI: Sist.\n';
    const r = parseTranscriptFile(Buffer.from(srt), 'srt');
    expect(r.text).toBe('#00:00:01-0# I: Først.\nB: Ingen tid her.\n#00:00:03-0# I: Sist.\n');
    expect(r.untimedCues).toBe(1);
  });

  it('vtt: ordinary < and > stay; only the cue tags WebVTT defines are removed, and its escapes decoded', () => {
    const vtt =
      'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nB: 3 < 5 men 7 > 2\n\n' +
      '00:00:03.000 --> 00:00:04.000\n<v Ola>Jeg <i>sa</i> <c.gul>det</c> <b>høyt</b> <u>nå</u><00:00:03.500> &lt;ja&gt; &amp; <ruby>漢<rt>kan</rt></ruby> <lang nn>eg</lang></v>\n\n' +
      'NOTE dette er en kommentar\n\n00:00:05.000 --> 00:00:06.000\nI: a<b og c>d\n';
    const r = parseTranscriptFile(Buffer.from(vtt), 'vtt');
    expect(r.text).toBe('#00:00:01-0# B: 3 < 5 men 7 > 2\n#00:00:03-0# Ola: Jeg sa det høyt nå <ja> & 漢kan eg\n#00:00:05-0# I: a<b og c>d\n');
    expect(r.untimedCues).toBe(0);
  });

  it('srt: the usual <i>, <b>, <u> and <font> tags go, other angle brackets stay', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\n<i>B:</i> <font color="#ff0000">2 < 3</font> og 4 > 1\n';
    expect(parseTranscriptFile(Buffer.from(srt), 'srt').text).toBe('#00:00:01-0# B: 2 < 3 og 4 > 1\n');
  });

  it('a file with no usable time anywhere is refused with the line that is wrong', () => {
    const srt = 'Bare tekst\nog mer tekst\n\n1\n00:00:aa --> 00:00:bb\nhei\n';
    expect(() => parseTranscriptFile(Buffer.from(srt), 'srt')).toThrow(/line 5/);
  });

  it('the import into the vault says how many cues had no usable time', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const f = path.join(tempDir(), 'x.srt');
    fs.writeFileSync(f, '1\n00:00:01,000 --> 00:00:02,000\nI: Ja.\n\n2\nnonsense --> 1\nB: Nei.\n');
    const t = await new Transcripts(session, NOW).import(code, f);
    expect(t.untimedCues).toBe(1);
    expect(t.text).toContain('B: Nei.');
    session.lock();
  });
});

describe('files that are not regular files are refused before they are opened', () => {
  /** A named pipe nobody writes to: opening it for reading would wait forever. */
  function fifo(name: string): string {
    const f = path.join(tempDir(), name);
    const r = spawnSync('mkfifo', [f]);
    if (r.status !== 0) throw new Error('mkfifo failed');
    return f;
  }

  it('audio import of a FIFO named .wav: FILE_NOT_REGULAR at once, and the vault is not left locked', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const pipe = fifo('opptak.wav');
    const outcome = await Promise.race([
      new Recordings(session, NOW).import(code, pipe).then(
        () => 'imported',
        (e: unknown) => (e instanceof HvelvError ? e.code : String(e)),
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 3000)),
    ]);
    // Whatever happened, let a blocked open go so no thread is left waiting.
    if (outcome === 'hung') fs.open(pipe, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK, (_e, fd) => fd && fs.closeSync(fd));
    expect(outcome).toBe('FILE_NOT_REGULAR');
    expect(new Recordings(session, NOW).list()).toEqual([]);
    session.lock();
  });

  it('a folder named .wav, and a FIFO as transcript or consent evidence, are refused the same way', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const dir = path.join(tempDir(), 'mappe.wav');
    fs.mkdirSync(dir);
    await expect(new Recordings(session, NOW).import(code, dir)).rejects.toMatchObject({ code: 'FILE_NOT_REGULAR' });
    await expect(async () => new Transcripts(session, NOW).import(code, fifo('t.txt'))).rejects.toMatchObject({ code: 'FILE_NOT_REGULAR' });
    const p = new Participants(session, NOW);
    const other = p.add({ name: 'Kari Bevis' });
    const form = ensureInitialForm(session.stores.keylist, session.facts, NOW());
    expect(() =>
      p.recordConsent(other, { date: '2026-11-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate'], evidence: { path: fifo('skjema.pdf') } }),
    ).toThrow(expect.objectContaining({ code: 'FILE_NOT_REGULAR' }));
    session.lock();
  });

  it('readUserFile never blocks on a FIFO even when it slips in after the check (opened non-blocking, then fstat)', () => {
    const pipe = fifo('late.txt');
    expect(() => readUserFile(pipe, 1024)).toThrow(expect.objectContaining({ code: 'FILE_NOT_REGULAR' }));
    const f = path.join(tempDir(), 'ok.txt');
    fs.writeFileSync(f, 'hei');
    expect(Buffer.from(readUserFile(f, 1024)).toString()).toBe('hei');
    expect(() => readUserFile(f, 2)).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
  });
});
