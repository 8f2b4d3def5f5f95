/**
 * Issue 14's trials, one test each: bad input and faults that once lost text, hung the
 * process or ended in INTERNAL. Each was seen to fail on the code before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTranscriptFile, parseTranscriptOffThread } from '../../electron/core/services/transcripts/formats';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Participants } from '../../electron/core/services/participants/participants';
import { ensureInitialForm } from '../../electron/core/consent/forms';
import { readUserFile } from '../../electron/core/services/project/user-file';
import { HvelvError } from '../../electron/core/errors';
import { headlessEnforceArgs, packagedEnforceCommand, REQUIRED_FUSES } from '../../electron/core/services/project-end/headless-enforce';
import { systemdUnits } from '../../electron/core/services/project-end/schedule';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { readHeader } from '../../electron/core/vault/header';
import { admit, makeVault, tempDir } from './helpers';
import { bombDocx, DOC_HEAD, DOC_TAIL, zipOf } from '../zip';

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
    // A NOTE's words are kept, in brackets on a line of their own (tests/core/attack-s4-import.test.ts).
    expect(r.text).toBe('#00:00:01-0# B: 3 < 5 men 7 > 2\n#00:00:03-0# Ola: Jeg sa det høyt nå <ja> & 漢kan eg\n[NOTE dette er en kommentar]\n#00:00:05-0# I: a<b og c>d\n');
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
      p.recordConsent(other, { date: '2026-11-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate'], evidence: { path: fifo('skjema.pdf') }, unfinishedLetter: true }),
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

const docxOf = (xml: string): Buffer => zipOf([{ name: 'word/document.xml', data: Buffer.from(xml) }]);

describe('.docx: bounded, and damage is a clear error', () => {
  it('a ZIP bomb (about 1 MB unpacking to 1 GiB) is refused as too large, quickly', async () => {
    const bomb = bombDocx(1024);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    await expect(parseTranscriptOffThread(bomb, 'docx')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('a document whose inflated size lies about itself is still stopped at the cap', async () => {
    const bomb = bombDocx(100);
    // Claim 1 KiB: the cap counts what comes out, not what the archive says.
    const lying = Buffer.from(bomb);
    const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(1024, cd + 24);
    lying.writeUInt32LE(1024, 22);
    await expect(parseTranscriptOffThread(lying, 'docx')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('an archive of very many entries is refused before they are read', async () => {
    const many = zipOf(Array.from({ length: 20_000 }, (_, i) => ({ name: `x/${i}.xml`, data: Buffer.from('<x/>') })).concat([{ name: 'word/document.xml', data: Buffer.from(`${DOC_HEAD}hei${DOC_TAIL}`) }]));
    await expect(parseTranscriptOffThread(many, 'docx')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });

  it('&#x110000; and invalid UTF-8 in the XML are a damaged document, never INTERNAL', async () => {
    await expect(parseTranscriptOffThread(docxOf(`${DOC_HEAD}ja &#x110000; nei${DOC_TAIL}`), 'docx')).rejects.toMatchObject({ code: 'DOCUMENT_DAMAGED' });
    await expect(parseTranscriptOffThread(docxOf(`${DOC_HEAD}&#xD800;${DOC_TAIL}`), 'docx')).rejects.toMatchObject({ code: 'DOCUMENT_DAMAGED' });
    const badUtf8 = zipOf([{ name: 'word/document.xml', data: Buffer.concat([Buffer.from(DOC_HEAD), Buffer.from([0xc3, 0x28]), Buffer.from(DOC_TAIL)]) }]);
    await expect(parseTranscriptOffThread(badUtf8, 'docx')).rejects.toMatchObject({ code: 'DOCUMENT_DAMAGED' });
    const cut = bombDocx(2).subarray(0, 600);
    await expect(parseTranscriptOffThread(cut, 'docx')).rejects.toMatchObject({ code: expect.stringMatching(/DOCUMENT_DAMAGED|TRANSCRIPT_UNSUPPORTED/) });
  });

  it('an ordinary .docx still reads the same, off the main thread', async () => {
    const doc = `${DOC_HEAD}#00:00:01-0# I: Hei &amp; velkommen, ærlig talt${DOC_TAIL}`;
    await expect(parseTranscriptOffThread(docxOf(doc), 'docx')).resolves.toEqual({ text: '#00:00:01-0# I: Hei & velkommen, ærlig talt\n', untimedCues: 0, leftOut: { footnotes: 0, endnotes: 0, comments: 0, headers: 0, footers: 0 } });
    const deflated = zipOf([{ name: 'word/document.xml', data: Buffer.from(doc), deflated: zlib.deflateRawSync(Buffer.from(doc)) }]);
    await expect(parseTranscriptOffThread(deflated, 'docx')).resolves.toMatchObject({ text: '#00:00:01-0# I: Hei & velkommen, ærlig talt\n' });
  });
});

describe('consent dates that cannot be true', () => {
  // The vault is made on 2026-11-27 (testDeps' clock); the project ends 2031-05-30.
  async function setup() {
    const { session } = await makeVault();
    const p = new Participants(session, NOW);
    const form = ensureInitialForm(session.stores.keylist, session.facts, NOW());
    const code = p.add({ name: 'Kari Dato' });
    const consent = (date: string) => p.recordConsent(code, { date, formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate'], unfinishedLetter: true });
    return { session, p, code, consent };
  }

  it('1900-01-01, a date after the end, and a date in the future are refused, each saying why', async () => {
    const { session, p, code, consent } = await setup();
    for (const [date, why] of [
      ['1900-01-01', /more than ten years before the project end/],
      ['2021-05-29', /more than ten years before the project end/],
      ['2026-11-28', /in the future/],
      ['2031-06-01', /after the project end/],
    ] as const) {
      expect(() => consent(date), date).toThrow(expect.objectContaining({ code: 'CONSENT_DATE_IMPLAUSIBLE', message: expect.stringMatching(why) }));
    }
    expect(p.list().find((x) => x.code === code)!.consent).toBeNull();
    session.lock();
  });

  it('a consent dated before the vault was made is real: accepted, kept and shown as recorded afterwards', async () => {
    const { session, p, code, consent } = await setup();
    const r = consent('2025-03-14');
    expect(r.recordedAfterwards).toBe(true);
    expect(p.list().find((x) => x.code === code)!.consent).toMatchObject({ date: '2025-03-14', recordedAfterwards: true, recordedAt: '2026-11-27T10:00:00.000Z' });
    session.lock();
  });

  it('a consent from the day the vault was made or later is not marked', async () => {
    const { session, consent } = await setup();
    expect(consent('2026-11-27').recordedAfterwards).toBe(false);
    session.lock();
  });
});

describe('Electron fuses and the packaged app headless entry', () => {
  /** The electronFuses block of electron-builder.yml, as data: `key: value` lines indented under it. */
  function fusesFromBuilderConfig(): Record<string, boolean> {
    const yml = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8');
    const block = /^electronFuses:\n((?:[ \t]+.*\n?)*)/m.exec(yml)?.[1] ?? '';
    const out: Record<string, boolean> = {};
    for (const m of block.matchAll(/^[ \t]+(\w+):[ \t]*(true|false)[ \t]*(?:#.*)?$/gm)) out[m[1]!] = m[2] === 'true';
    return out;
  }

  it('packaging flips every fuse the security checklist asks for', () => {
    expect(fusesFromBuilderConfig()).toEqual(REQUIRED_FUSES);
    expect(REQUIRED_FUSES).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('the headless entry takes `enforce` and its options, and ignores the switches Chromium is given', () => {
    expect(headlessEnforceArgs(['--ozone-platform=headless', 'enforce', '/v/studie', '--owner-key', 'K', '--no-sandbox'])).toEqual(['enforce', '/v/studie', '--owner-key', 'K']);
    expect(headlessEnforceArgs(['enforce', '/v', '--now', '2031-06-29T12:00:00Z', '--json'])).toEqual(['enforce', '/v', '--now', '2031-06-29T12:00:00Z', '--json']);
    expect(headlessEnforceArgs(['enforce', '/v', '--owner-key=K'])).toEqual(['enforce', '/v', '--owner-key=K']);
    // Not headless: the app opens its window as always.
    expect(headlessEnforceArgs([])).toBeNull();
    expect(headlessEnforceArgs(['--enable-logging'])).toBeNull();
    expect(headlessEnforceArgs(['/home/x/studie'])).toBeNull();
    // Only enforce: the packaged binary is not a way to run any other command without a window.
    expect(headlessEnforceArgs(['participant', 'list', '/v'])).toBeNull();
  });

  it('what the daily job writes for the packaged app is what its headless entry reads, with RunAsNode not needed', () => {
    const command = packagedEnforceCommand('/opt/Hvelv/hvelv');
    expect(command.env).toEqual({});
    const units = systemdUnits({ vaultPath: '/home/turid/Hvelv/studie', vaultId: 'a'.repeat(32), title: 'T', ownerKey: 'KEY', command }, tempDir());
    const exec = /^ExecStart=(.*)$/m.exec(units[0]!.content)![1]!;
    expect(exec).not.toMatch(/ELECTRON_RUN_AS_NODE/);
    expect(units[0]!.content).not.toMatch(/ELECTRON_RUN_AS_NODE/);
    const argv = [...exec.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    expect(argv[0]).toBe('/opt/Hvelv/hvelv');
    expect(headlessEnforceArgs(argv.slice(1))).toEqual(['enforce', '/home/turid/Hvelv/studie', '--owner-key', 'KEY']);
  });
});

describe('Ed25519 through node:crypto, for a fast headless enforce', () => {
  it('verifies the header libsodium signed, and refuses it after any change', async () => {
    const { dir, session, deps } = await makeVault();
    session.lock();
    expect(readHeader(dir, nodeEd25519).body.vaultId).toBe(readHeader(dir, deps.crypto).body.vaultId);
    const file = path.join(dir, 'hvelv-vault.json');
    const original = fs.readFileSync(file, 'utf8');
    const changed = original.replace(/("title":\s*")/, '$1X');
    expect(changed).not.toBe(original);
    fs.writeFileSync(file, changed);
    expect(() => readHeader(dir, nodeEd25519)).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
    // Malformed keys and signatures are a plain "no", never a throw from OpenSSL.
    const msg = new Uint8Array([1, 2, 3]);
    expect(nodeEd25519.verify(new Uint8Array(31), msg, new Uint8Array(64))).toBe(false);
    expect(nodeEd25519.verify(new Uint8Array(32), msg, new Uint8Array(63))).toBe(false);
    expect(nodeEd25519.verify(new Uint8Array(32).fill(0xff), msg, new Uint8Array(64))).toBe(false);
    const kp = deps.crypto.signKeyPair(deps.crypto.random(32));
    expect(nodeEd25519.verify(kp.publicKey, msg, deps.crypto.sign(kp.secretKey, msg))).toBe(true);
  });
});
