/**
 * The end date deletes on its own: nothing the day before; on the day the key list
 * and the recordings are gone for good (forensic scan), the transcripts still open,
 * a certificate says what went. A clock set back, a tampered end date, a crash part
 * way and a vault open elsewhere do not change that.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enforceProjectEnd, enforceProjectEndLazily, enforceProjectEndWith, listCertificates } from '../../electron/core/services/project-end/project-end';
import { openProject } from '../../electron/core/services/project/open';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { headerPath, storeDir } from '../../electron/core/vault/layout';
import { LOCK_FILE } from '../../electron/core/vault/lock';
import { unlockVault, createVault } from '../../electron/core/vault/vault';
import { headerSignatureMessage } from '../../electron/core/vault/header';
import type { IsoDate } from '@shared/domain';
import { codeOf, findNeedles, listFiles, makeWav, pw, recentTempFiles, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF } from './helpers';

const PASS = 'project end passphrase';
const at = (iso: string) => new Date(`${iso}T12:00:00`); // local noon: the local date is `iso`

/** A study in progress, ending 2031-05-30, with one participant's identity, recording and transcript. */
async function study(endAction: 'anonymise' | 'delete-all' = 'anonymise') {
  const deps = await testDeps({ now: () => at('2031-05-01') });
  const dir = path.join(tempDir(), 'vault');
  const session = await createVault(dir, pw(PASS), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate, endAction }, deps, { kdf: TEST_KDF });
  const now = () => at('2031-05-01');
  const p = new Participants(session, now);
  const form = (await import('../../electron/core/consent/forms')).ensureInitialForm(session.stores.keylist, session.facts, now());
  const code = p.add({ name: 'Sigrun Slutt-Testesen', email: 'sigrun.slutt@example.no', phone: '+47 977 66 555' });
  p.recordConsent(code, { date: '2031-04-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], unfinishedLetter: true });
  const wav = path.join(tempDir(), 'opptak.wav');
  const audio = makeWav(wav, 2, 77);
  await new Recordings(session, now).import(code, wav);
  const transcript = new Transcripts(session, now).create(code, '#00:00:01-0# B: Vi snakket om tillit og relasjoner. Ring Sigrun på 977 66 555. [ler, ringer 41 23 45 67]\n');
  session.lock();
  return { dir, deps, code, audio, transcriptId: transcript.id };
}

describe('enforcing the end date', () => {
  it('does nothing the day before', async () => {
    const { dir, deps } = await study();
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-29') });
    expect(r).toMatchObject({ due: false, daysLeft: 1, destroyedNow: [] });
    expect(fs.existsSync(path.join(storeDir(dir, 'keylist'), 'store.key'))).toBe(true);
    expect(listCertificates(dir)).toEqual([]);
  });

  it('on the day destroys the key list and recordings; a forensic scan finds nothing; transcripts still open', async () => {
    const started = Date.now();
    const { dir, deps, code, audio, transcriptId } = await study();
    const needles: Buffer[] = ['Sigrun Slutt-Testesen', 'sigrun.slutt@example.no', '+47 977 66 555', 'opptak.wav'].map((s) => Buffer.from(s));
    needles.push(Buffer.from(audio.subarray(10000, 10064)));
    const blob = listFiles(dir).find((f) => f.endsWith('.hvr'))!;
    needles.push(fs.readFileSync(blob).subarray(200, 264));

    // --now moves time forward (here: to the end date) without touching the clock.
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-01'), requestedNow: at('2031-05-30') });
    expect(r).toMatchObject({ due: true, daysLeft: 0, destroyedNow: ['keylist', 'recordings'] });
    for (const store of ['keylist', 'recordings'] as const) {
      expect(fs.readdirSync(storeDir(dir, store))).toEqual(['DESTROYED.json']);
    }
    expect(findNeedles(listFiles(dir), needles)).toEqual([]);
    const temps = recentTempFiles(started).filter((f) => !f.endsWith('opptak.wav'));
    expect(findNeedles(temps, needles.slice(0, 3))).toEqual([]);

    // The certificate says what went, with counts and no names.
    const [cert] = listCertificates(dir);
    expect(cert).toMatchObject({ endDate: '2031-05-30', endAction: 'anonymise', kept: ['transcripts'] });
    expect(cert!.stores.map((s) => [s.store, s.participants])).toEqual([
      ['keylist', 1],
      ['recordings', 1],
    ]);
    expect(cert!.stores.find((s) => s.store === 'recordings')!.recordingFiles).toBe(1);
    const html = fs.readFileSync(r.certificate!.html, 'utf8');
    expect(html).toContain('Slettebekreftelse ved prosjektslutt');
    expect(html).toContain('Deletion certificate at project end');
    expect(html).not.toMatch(/Sigrun|sigrun|977/);
    // Kind by kind, in the withdrawal receipt's words: what of each participant went and what stays.
    expect(html).toContain('Of each participant, this was deleted: Name and contact details, Consent, Signed consent (scanned) or recording of oral consent, Audio recordings.');
    expect(html).toMatch(/Of each participant, this was kept, with no link to names: Transcripts, Coded passages, Notes \(memos\) on the interview, [^<]+\./);

    // The right passphrase still opens the transcripts: anonymous now, codes with no key.
    const s = await openProject(dir, PASS, { ...deps, now: () => at('2031-05-31') });
    expect(new Transcripts(s, deps.now).get(transcriptId).text).toContain('tillit og relasjoner');
    expect(new Participants(s, deps.now).list()).toEqual([]);
    expect(new Recordings(s, deps.now).list()).toEqual([]);
    expect(codeOf(() => new Transcripts(s, deps.now).create(code, 'mer'))).toBe('PROJECT_ENDED');
    // A name or number left in a transcript can still be found by pattern and taken out
    // (nothing else may be written); the key list's names can no longer be looked for.
    const tr = new Transcripts(s, deps.now);
    const report = tr.check(transcriptId);
    expect(report.keyListUsed).toBe(false);
    // What the key list found the last time it was there is still listed (issue 15).
    expect(report.findings.map((f) => f.text)).toEqual(['Sigrun', '977 66 555', '41 23 45 67']);
    const sigrun = tr.get(transcriptId).text.indexOf('Sigrun');
    const phone = report.findings.find((f) => f.text === '977 66 555')!;
    const cleaned = tr.deidentify(transcriptId, [{ ...phone, expected: '977 66 555', with: '[telefon]' }, { start: sigrun, end: sigrun + 6, expected: 'Sigrun', with: '[navn]' }], []);
    expect(cleaned.text).toContain('Ring [navn] på [telefon].');
    expect(codeOf(() => tr.update(transcriptId, { text: 'ny tekst' }))).toBe('PROJECT_ENDED');
    // Nothing new gets in that way: not a label of one's own, not an insertion, not a "kept" note.
    const ring = cleaned.text.indexOf('Ring');
    expect(codeOf(() => tr.deidentify(transcriptId, [{ start: ring, end: ring + 4, expected: 'Ring', with: '[diagnose: bipolar lidelse]' }], []))).toBe('PROJECT_ENDED');
    expect(codeOf(() => tr.deidentify(transcriptId, [{ start: 0, end: 0, expected: '', with: '[navn]' }], []))).toBe('INVALID_INPUT');
    expect(codeOf(() => tr.deidentify(transcriptId, [], ['Ola Nordmann har diagnosen bipolar lidelse']))).toBe('INVALID_INPUT');
    // Nor by replacing single letters (text that grows, or spells something), or pieces
    // of a placeholder ("[telefon]" cut to leave "efon]").
    const v = cleaned.text.indexOf('snakket');
    expect(codeOf(() => tr.deidentify(transcriptId, [{ start: v, end: v + 1, expected: 's', with: '[navn]' }], []))).toBe('PROJECT_ENDED');
    const ph = cleaned.text.indexOf('[telefon]');
    expect(codeOf(() => tr.deidentify(transcriptId, [{ start: ph, end: ph + 3, expected: '[te', with: '[navn]' }], []))).toBe('PROJECT_ENDED');
    expect(codeOf(() => tr.deidentify(transcriptId, [{ start: ph, end: ph + 9, expected: '[telefon]', with: '[navn]' }], []))).toBe('PROJECT_ENDED');
    expect(tr.get(transcriptId).text).toBe(cleaned.text);
    // A whole word is still fine.
    expect(tr.deidentify(transcriptId, [{ start: v, end: v + 7, expected: 'snakket', with: '[navn]' }], []).text).toContain('Vi [navn] om');
    // A number inside the transcriber's own note ([ler], [ringer …]) can be taken out too.
    const inNote = tr.check(transcriptId).findings.find((f) => f.text === '41 23 45 67')!;
    expect(tr.deidentify(transcriptId, [{ ...inNote, expected: inNote.text, with: '[telefon]' }], []).text).toContain('[ler, ringer [telefon]]');
    expect(codeOf(() => new Participants(s, deps.now).add({ name: 'Ny' }))).toBe('PROJECT_ENDED');
    // The headless run is now in the signed audit log.
    expect(s.audit.list().map((e) => e.action)).toContain('project-end.enforced');
    expect(s.audit.verify()).toEqual([]);
    expect(s.verify()).toEqual([]);
    s.lock();
  });

  it('delete-all destroys the transcripts too; the audit log and the certificate remain', async () => {
    const { dir, deps } = await study('delete-all');
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-15') });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings', 'transcripts']);
    const s = await unlockVault(dir, pw(PASS), deps);
    expect(new Transcripts(s, deps.now).list()).toEqual([]);
    s.lock();
    expect(listCertificates(dir)[0]!.kept).toEqual([]);
  });

  it('a clock set back does not undo a passed deadline (the signed latest time wins)', async () => {
    const { dir, deps } = await study();
    // The owner's app saw 1 June 2031; it signs that into the header.
    const s = await unlockVault(dir, pw(PASS), deps);
    s.recordSeen(at('2031-06-01'));
    s.lock();
    // Someone sets the computer's clock back to April: the deadline still counts as passed.
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-04-01') });
    expect(r).toMatchObject({ due: true, effectiveDate: '2031-06-01', destroyedNow: ['keylist', 'recordings'] });
  });

  it('the time an enforce run has seen is remembered too, and --now never moves time back', async () => {
    const { dir, deps } = await study();
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-28') }).daysLeft).toBe(2);
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-01') }).daysLeft).toBe(2);
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-28'), requestedNow: at('2031-01-01') }).daysLeft).toBe(2);
    // A --now preview does not become the vault's time.
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-28'), requestedNow: at('2031-05-29') }).daysLeft).toBe(1);
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-28') }).daysLeft).toBe(2);
  });

  it('a tampered end date is refused, not taken as a reason to wait', async () => {
    const { dir, deps } = await study();
    const file = JSON.parse(fs.readFileSync(headerPath(dir), 'utf8')) as { body: { settings: { endDate: string }; owner: { signPublicKey: string } }; signature: string };
    file.body.settings.endDate = '2040-01-01';
    fs.writeFileSync(headerPath(dir), JSON.stringify(file));
    expect(codeOf(() => enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }))).toBe('INTEGRITY');

    // Re-signed with someone else's key: caught by the owner key pinned in the daily job.
    const original = await study();
    const pinned = (JSON.parse(fs.readFileSync(headerPath(original.dir), 'utf8')) as typeof file).body.owner.signPublicKey;
    const forged = JSON.parse(fs.readFileSync(headerPath(original.dir), 'utf8')) as typeof file;
    const other = deps.crypto.signKeyPair(deps.crypto.random(32));
    forged.body.settings.endDate = '2040-01-01';
    forged.body.owner.signPublicKey = Buffer.from(other.publicKey).toString('base64');
    forged.signature = Buffer.from(deps.crypto.sign(other.secretKey, headerSignatureMessage(forged.body as never))).toString('base64');
    fs.writeFileSync(headerPath(original.dir), JSON.stringify(forged));
    expect(codeOf(() => enforceProjectEnd(original.dir, { crypto: deps.crypto, now: at('2031-06-01'), ownerKey: pinned }))).toBe('INTEGRITY');
    expect(fs.existsSync(path.join(storeDir(original.dir, 'keylist'), 'store.key'))).toBe(true);
  });

  it.each(['tombstone', 'key', 'file:keylist.sqlite'])('a crash after the %s step: the store is already unreadable, and the next run finishes', async (step) => {
    const { dir, deps } = await study();
    class Crash extends Error {}
    expect(() =>
      enforceProjectEnd(dir, {
        crypto: deps.crypto,
        now: at('2031-05-30'),
        hooks: {
          afterStep: (s) => {
            if (s === step) throw new Crash(s);
          },
        },
      }),
    ).toThrow(Crash);
    // Opening now never shows the half-destroyed store.
    const s = await unlockVault(dir, pw(PASS), deps);
    expect(s.stores.keylist.destroyed).toBe(true);
    expect(new Participants(s, deps.now).list()).toEqual([]);
    s.lock();
    const again = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-30') });
    expect(again.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(fs.readdirSync(storeDir(dir, 'keylist'))).toEqual(['DESTROYED.json']);
    expect(listCertificates(dir)[0]!.stores.find((x) => x.store === 'keylist')!.participants).toBe(1);
  });

  it('a vault in use by another live process is left alone (VAULT_BUSY); a stale lock is taken over', async () => {
    const { dir, deps } = await study();
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, host: os.hostname(), since: new Date().toISOString(), purpose: 'session' }));
      expect(codeOf(() => enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }))).toBe('VAULT_BUSY');
      expect(fs.existsSync(path.join(storeDir(dir, 'keylist'), 'store.key'))).toBe(true);
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'VAULT_BUSY' });
    } finally {
      other.kill();
    }
    await new Promise((r) => other.on('close', r));
    // Within one process too: a session open here keeps enforce out until it is locked.
    const s = await unlockVault(dir, pw(PASS), deps);
    expect(codeOf(() => enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }))).toBe('VAULT_BUSY');
    s.lock();
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }).destroyedNow).toEqual(['keylist', 'recordings']);
  });
});

describe('enforce with the certificate text loaded only when needed (what `hvelv enforce` runs)', () => {
  it('destroys and certifies as the synchronous one does, with the same nb and en text', async () => {
    const a = await study();
    const b = await study();
    const lazy = await enforceProjectEndLazily(a.dir, { crypto: a.deps.crypto, now: at('2031-05-30') });
    const sync = enforceProjectEnd(b.dir, { crypto: b.deps.crypto, now: at('2031-05-30') });
    expect(lazy).toMatchObject({ due: true, destroyedNow: ['keylist', 'recordings'] });
    expect(lazy.destroyedNow).toEqual(sync.destroyedNow);
    const html = fs.readFileSync(lazy.certificate!.html, 'utf8');
    expect(html).toContain('Slettebekreftelse ved prosjektslutt');
    expect(html).toContain('Deletion certificate at project end');
    // The same document, but for each vault's id.
    const other = fs.readFileSync(sync.certificate!.html, 'utf8');
    expect(html.replaceAll(JSON.parse(fs.readFileSync(lazy.certificate!.json, 'utf8')).vaultId, 'ID')).toBe(other.replaceAll(JSON.parse(fs.readFileSync(sync.certificate!.json, 'utf8')).vaultId, 'ID'));
    expect(fs.existsSync(path.join(a.dir, LOCK_FILE))).toBe(false);
  });

  it('with nothing due never asks for the text; when loading it fails the lock is let go, and the next run writes the certificate', async () => {
    const { dir, deps } = await study();
    let asked = 0;
    const quiet = await enforceProjectEndWith(dir, { crypto: deps.crypto, now: at('2031-05-29') }, () => {
      asked++;
      throw new Error('not needed');
    });
    expect(quiet).toMatchObject({ due: false, certificate: null });
    expect(asked).toBe(0);
    await expect(
      enforceProjectEndWith(dir, { crypto: deps.crypto, now: at('2031-05-30') }, () => {
        asked++;
        throw new Error('the text could not be loaded');
      }),
    ).rejects.toThrow('the text could not be loaded');
    expect(asked).toBe(1);
    // The stores went before the certificate; the lock did not stay behind.
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(fs.existsSync(path.join(storeDir(dir, 'keylist'), 'store.key'))).toBe(false);
    expect(listCertificates(dir)).toEqual([]);
    const again = await enforceProjectEndLazily(dir, { crypto: deps.crypto, now: at('2031-05-31') });
    expect(again.certificate).not.toBeNull();
    expect(listCertificates(dir).map((c) => c.stores.map((s) => s.store))).toEqual([['keylist', 'recordings']]);
  });
});

describe('what the end date deletes', () => {
  it('can be changed to delete everything before the end (signed, audited), not after', async () => {
    const { dir, deps } = await study();
    const s = await unlockVault(dir, pw(PASS), deps);
    s.setEndAction('delete-all');
    expect(s.audit.list().at(-1)).toMatchObject({ action: 'deadline.action-changed', details: { endAction: 'delete-all' } });
    s.lock();
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-30') }).destroyedNow).toEqual(['keylist', 'recordings', 'transcripts']);
    const after = await unlockVault(dir, pw(PASS), deps);
    expect(codeOf(() => after.setEndAction('anonymise'))).toBe('PROJECT_ENDED');
    after.lock();
  });
});

describe('moving the end date', () => {
  it('later only, with the reason and the Sikt notification, signed and kept in a history', async () => {
    const { dir, deps } = await study();
    const s = await unlockVault(dir, pw(PASS), deps);
    const today = '2031-05-01' as IsoDate;
    expect(codeOf(() => s.extendEndDate({ to: '2031-05-20' as IsoDate, reason: 'x', siktRef: '1', siktNotifiedOn: today }, today))).toBe('INVALID_INPUT');
    expect(codeOf(() => s.extendEndDate({ to: '2031-08-01' as IsoDate, reason: '', siktRef: '1', siktNotifiedOn: today }, today))).toBe('INVALID_INPUT');
    expect(codeOf(() => s.extendEndDate({ to: '2031-08-01' as IsoDate, reason: 'Forsinket', siktRef: '1', siktNotifiedOn: '2031-05-02' as IsoDate }, today))).toBe('INVALID_INPUT');
    s.extendEndDate({ to: '2031-08-01' as IsoDate, reason: 'Oppgaven ble forsinket', siktRef: '123456', siktNotifiedOn: '2031-04-28' as IsoDate }, today);
    expect(s.facts.endDate).toBe('2031-08-01');
    expect(s.endDateHistory).toMatchObject([{ from: '2031-05-30', to: '2031-08-01', siktRef: '123456', siktNotifiedOn: '2031-04-28' }]);
    expect(s.audit.list().at(-1)).toMatchObject({ action: 'deadline.extended' });
    s.lock();
    // The old end date no longer triggers deletion; the new one will.
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }).due).toBe(false);
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-08-01') }).due).toBe(true);
  });
});

describe('tombstones are not signed', () => {
  it('a store marked destroyed before the end date is shown as destroyed, and verify reports it', async () => {
    const { dir, deps } = await study();
    fs.writeFileSync(path.join(storeDir(dir, 'keylist'), 'DESTROYED.json'), JSON.stringify({ store: 'keylist', destroyedAt: '2031-05-02T10:00:00.000Z' }));
    const s = await unlockVault(dir, pw(PASS), deps, { forInspection: true });
    expect(s.stores.keylist.destroyed).toBe(true);
    expect(s.verify()).toEqual(['keylist: marked destroyed on 2031-05-02, before the end date 2031-05-30']);
    s.lock();
  });
});

describe('deleting never follows links out of the vault', () => {
  it('a store folder replaced by a link to the user’s files is refused, and those files are untouched', async () => {
    const { dir, deps } = await study('delete-all');
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'thesis.docx'), 'the whole thesis');
    fs.rmSync(storeDir(dir, 'transcripts'), { recursive: true });
    fs.symlinkSync(outside, storeDir(dir, 'transcripts'));
    expect(codeOf(() => enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') }))).toBe('INTEGRITY');
    expect(fs.readFileSync(path.join(outside, 'thesis.docx'), 'utf8')).toBe('the whole thesis');
    expect(fs.readdirSync(outside)).toEqual(['thesis.docx']);
  });

  it('a blob that is a link to a user file: the link is removed, the file is not zeroed', async () => {
    const { dir, deps } = await study();
    const outside = path.join(tempDir(), 'thesis.docx');
    fs.writeFileSync(outside, 'the whole thesis');
    fs.symlinkSync(outside, path.join(storeDir(dir, 'recordings'), 'blobs', `${'ab'.repeat(16)}.hvr`));
    const s = await openProject(dir, PASS, deps);
    s.lock();
    expect(fs.readFileSync(outside, 'utf8')).toBe('the whole thesis');
    expect(fs.readdirSync(path.join(storeDir(dir, 'recordings'), 'blobs')).every((f) => !f.startsWith('abab'))).toBe(true);
  });
});

describe('an older copy of one file put back', () => {
  it('a store from before a withdrawal is refused on open (the audit log remembers)', async () => {
    const { dir, deps, code } = await study();
    const keep = (store: 'transcripts') => ['', '-wal', '-shm'].map((x) => [path.join(storeDir(dir, store), `${store}.sqlite${x}`), fs.existsSync(path.join(storeDir(dir, store), `${store}.sqlite${x}`)) ? fs.readFileSync(path.join(storeDir(dir, store), `${store}.sqlite${x}`)) : null] as const);
    const before = keep('transcripts');
    const s = await openProject(dir, PASS, deps);
    await new Participants(s, deps.now).withdraw(code, '2031-05-01');
    s.lock();
    for (const [f, b] of before) {
      if (b) fs.writeFileSync(f, b);
      else fs.rmSync(f, { force: true });
    }
    await expect(openProject(dir, PASS, deps)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/who withdrew, are back/) });
  });

  it('a header from before an extension of the end date is refused on open', async () => {
    const { dir, deps } = await study();
    const old = fs.readFileSync(headerPath(dir));
    const s = await openProject(dir, PASS, deps);
    s.extendEndDate({ to: '2031-09-01' as IsoDate, reason: 'Utsatt', siktRef: '1', siktNotifiedOn: '2031-04-30' as IsoDate }, '2031-05-01' as IsoDate);
    s.lock();
    fs.writeFileSync(headerPath(dir), old);
    await expect(openProject(dir, PASS, deps)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/earlier than the extension/) });
  });
});
