/**
 * The information letter's promises about participants, enforced in core:
 * codes instead of names, consent gating processing, withdrawal destroying
 * everything about a person (with a forensic scan), rectification and access.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Participants, type WithdrawalStep } from '../../electron/core/services/participants/participants';
import { ensureInitialForm, getForm, listForms, newFormVersion, updateFormText } from '../../electron/core/consent/forms';
import { openProject } from '../../electron/core/services/project/open';
import { storeDbPath, DATA_STORES } from '../../electron/core/vault/layout';
import { codeOf, codeOfAsync, findNeedles, listFiles, makeVault, makeWav, recentTempFiles, tempDir } from './helpers';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { unfilledFields } from '@shared/letter';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const ALL = ['participate', 'audio-recording', 'processing-until-end'];
const PASS = 'correct horse battery staple';

async function project() {
  const v = await makeVault(PASS);
  const form = ensureInitialForm(v.session.stores.keylist, v.session.facts, NOW());
  const p = new Participants(v.session, NOW);
  return { ...v, p, form };
}


// The generated letter still has its [fields]: these tests are about consent, not the letter.
const consentAll = { date: '2026-11-20', formVersion: 1, locale: 'nb' as const, method: 'paper' as const, statements: ALL, unfinishedLetter: true };

describe('consent on an unfinished letter', () => {
  it('is refused while the letter has [fields] left, unless the student chooses it, and the choice is kept', async () => {
    const { p, session } = await project();
    const code = p.add({ name: 'Kari Testesen' });
    const { unfinishedLetter: _, ...asked } = consentAll;
    expect(codeOf(() => p.recordConsent(code, asked))).toBe('FORM_UNFINISHED');
    expect(p.list()[0]!.consent).toBeNull();
    expect(listForms(session.stores.keylist)[0]!.frozen).toBe(false);
    p.recordConsent(code, { ...asked, unfinishedLetter: true });
    const fields = p.list()[0]!.consent!.unfilledFields;
    expect(fields).toContain('[antall]');
    expect(session.audit.list().find((e) => e.action === 'consent.recorded')!.details).toMatchObject({ unfilledFields: fields.length });
    // A finished letter needs no choice, and records none.
    const v2 = newFormVersion(session.stores.keylist, NOW());
    const json = unfilledFields(v2.texts.nb).reduce((j, f) => j.split(f).join('ferdig'), JSON.stringify(v2.texts.nb));
    const filled = JSON.parse(json) as typeof v2.texts.nb;
    updateFormText(session.stores.keylist, v2.version, 'nb', filled);
    const other = p.add({ name: 'Ola Testesen' });
    p.recordConsent(other, { ...asked, formVersion: v2.version });
    expect(p.list().find((x) => x.code === other)!.consent!.unfilledFields).toEqual([]);
  });
});

describe('the withdrawal date', () => {
  it('is refused before the consent it withdraws, and nothing is destroyed', async () => {
    const { p, session } = await project();
    const code = p.add({ name: 'Kari Testesen' });
    p.recordConsent(code, consentAll);
    // Consent given 2026-11-20: a receipt saying it was withdrawn on the 19th would be filed as it is.
    expect(await codeOfAsync(() => p.withdraw(code, '2026-11-19'))).toBe('INVALID_INPUT');
    expect(p.list()[0]!.status).toBe('active');
    expect(p.list()[0]!.consent).not.toBeNull();
    expect((await p.withdraw(code, '2026-11-20')).withdrawnOn).toBe('2026-11-20');
    session.lock();
  });
});

describe('participants and codes', () => {
  it('gives codes from the project pattern, never from the name, and never reuses one', async () => {
    const { session, p } = await project();
    expect(p.add({ name: 'Ola Nordmann' })).toBe('JS01');
    expect(p.add({ name: 'Kari Nordmann' })).toBe('JS02');
    p.recordConsent('JS01', consentAll);
    await p.withdraw('JS01', '2026-11-26');
    // The retired code is not handed out again, and cannot be re-linked.
    expect(p.add({ name: 'Ola Nordmann' })).toBe('JS03');
    expect(codeOf(() => p.recordConsent('JS01', consentAll))).toBe('PARTICIPANT_WITHDRAWN');
    expect(codeOf(() => p.updateIdentity('JS01', { name: 'Ny' }))).toBe('PARTICIPANT_WITHDRAWN');
    expect(p.list().map((x) => [x.code, x.status])).toEqual([
      ['JS01', 'withdrawn'],
      ['JS02', 'active'],
      ['JS03', 'active'],
    ]);
    session.lock();
  });

  it('lists codes and consent state only; a reveal is audited; a correction audits the field, not the value', async () => {
    const { session, p } = await project();
    const code = p.add({ name: 'Synnøve Testesen', email: 'synnove@example.no', phone: '912 34 567' });
    expect(JSON.stringify(p.list())).not.toMatch(/Synnøve|synnove|912 34/);
    expect(p.reveal(code).name).toBe('Synnøve Testesen');
    p.updateIdentity(code, { phone: '400 00 000' });
    expect(p.reveal(code).phone).toBe('400 00 000');
    const entries = session.audit.list();
    expect(entries.map((e) => e.action)).toEqual(['vault.created', 'participant.added', 'identity.revealed', 'identity.corrected', 'identity.revealed']);
    expect(entries[3]!.details).toEqual({ fields: 'phone' });
    // (The entries' hashes are random hex, which can contain '912' by chance: leave them out.)
    expect(JSON.stringify(entries.map(({ hash: _hash, ...rest }) => rest))).not.toMatch(/Synnøve|synnove|912|400 00/);
    session.lock();
  });
});

describe('consent gates processing in the core', () => {
  it('refuses data about a participant without consent covering it, whoever asks', async () => {
    const { session, p } = await project();
    const code = p.add({ name: 'Uten Samtykke' });
    const tryTranscript = () => session.stores.transcripts.put('transcript', { participant: code, data: { text: 'B: ja' } });
    const tryRecording = () => session.stores.recordings.put('recording', { participant: code, data: { codec: 'opus' } });
    const tryAnalysis = () => session.stores.transcripts.put('segment', { participant: code, data: { code: 'tillit' } });
    expect([codeOf(tryTranscript), codeOf(tryRecording), codeOf(tryAnalysis)]).toEqual(['CONSENT_MISSING', 'CONSENT_MISSING', 'CONSENT_MISSING']);

    // Consent to take part and processing, but not to audio recording.
    p.recordConsent(code, { ...consentAll, statements: ['participate', 'processing-until-end'] });
    expect(codeOf(tryRecording)).toBe('CONSENT_MISSING');
    expect(codeOf(tryTranscript)).toBe('NO_ERROR');
    expect(codeOf(tryAnalysis)).toBe('NO_ERROR');
    expect(p.list()[0]!.consent!.covers).toEqual({ recording: false, transcript: true, analysis: true });

    // A later consent that adds audio recording covers it.
    p.recordConsent(code, { ...consentAll, date: '2026-11-21' });
    expect(codeOf(tryRecording)).toBe('NO_ERROR');

    expect(codeOf(() => session.stores.transcripts.put('transcript', { participant: 'JS99', data: {} }))).toBe('UNKNOWN_PARTICIPANT');
    await p.withdraw(code);
    expect(codeOf(tryTranscript)).toBe('PARTICIPANT_WITHDRAWN');
    session.lock();
  });
});

describe('bad input changes nothing', () => {
  it('unknown or withdrawn code, future or post-end dates, bad evidence, duplicate e-mail: a clear error, nothing stored', async () => {
    const { session, p } = await project();
    const code = p.add({ name: 'A', email: 'a@example.no' });
    const dir = tempDir();
    const huge = path.join(dir, 'huge.pdf');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 26 * 1024 * 1024);
    const snapshot = () => ({ audit: session.audit.list().length, rows: session.stores.keylist.count(), list: JSON.stringify(p.list()) });
    const before = snapshot();
    expect(codeOf(() => p.recordConsent('JS77', consentAll))).toBe('UNKNOWN_PARTICIPANT');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, date: '2026-11-28' }))).toBe('CONSENT_DATE_IMPLAUSIBLE');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, date: '2031-06-01' }))).toBe('CONSENT_DATE_IMPLAUSIBLE');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, date: '2026-02-30' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, statements: ['sell-my-data'] }))).toBe('INVALID_INPUT');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, formVersion: 9 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, evidence: { path: path.join(dir, 'missing.pdf') } }))).toBe('FILE_UNREADABLE');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, evidence: { path: dir } }))).toBe('FILE_NOT_REGULAR');
    expect(codeOf(() => p.recordConsent(code, { ...consentAll, evidence: { path: huge } }))).toBe('FILE_TOO_LARGE');
    expect(codeOf(() => p.add({ name: 'B', email: ' A@Example.no ' }))).toBe('DUPLICATE_PARTICIPANT');
    expect(codeOf(() => p.add({ name: '' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => p.add({ name: 'C', email: 'not-an-address' }))).toBe('INVALID_INPUT');
    expect(await codeOfAsync(() => p.withdraw('JS77'))).toBe('UNKNOWN_PARTICIPANT');
    expect(await codeOfAsync(() => p.withdraw(code, '2027-01-01'))).toBe('INVALID_INPUT');
    expect(snapshot()).toEqual(before);
    // The form was not frozen by any of the refused consents.
    expect(getForm(session.stores.keylist, 1).frozen).toBe(false);
    session.lock();
  });
});

describe('letter and consent form', () => {
  it('is generated in nb and en with the sections of the letter, frozen once used, and new versions are editable', async () => {
    const { session, p, form } = await project();
    expect(form.texts.nb.sections.map((s) => s.id)).toEqual([
      'purpose', 'responsible', 'why-asked', 'taking-part', 'voluntary', 'privacy', 'project-end', 'rights', 'legal-basis', 'contact',
    ]);
    expect(form.texts.nb.title).toContain('«Relasjonsarbeid i arbeidsinkluderingsprosesser»');
    expect(form.texts.nb.sections.find((s) => s.id === 'project-end')!.body).toContain('30. mai 2031');
    expect(form.texts.en.sections.find((s) => s.id === 'rights')!.body).toContain('Datatilsynet');
    expect(form.texts.nb.sections.find((s) => s.id === 'responsible')!.body).toContain('Universitetet i Stavanger');

    const edited = { ...form.texts.nb, sections: form.texts.nb.sections.map((s) => (s.id === 'purpose' ? { ...s, body: 'Å forstå relasjonsarbeid.' } : s)) };
    const v1 = updateFormText(session.stores.keylist, 1, 'nb', edited);
    expect(v1.hashes.nb).not.toBe(form.hashes.nb);

    const code = p.add({ name: 'X' });
    const consent = p.recordConsent(code, consentAll);
    expect(consent.formHash).toBe(v1.hashes.nb);
    expect(codeOf(() => updateFormText(session.stores.keylist, 1, 'nb', form.texts.nb))).toBe('FORM_FROZEN');
    const v2 = newFormVersion(session.stores.keylist, NOW());
    expect(v2.version).toBe(2);
    updateFormText(session.stores.keylist, 2, 'en', { ...v2.texts.en, intro: 'Changed.' });
    expect(listForms(session.stores.keylist).map((f) => [f.version, f.frozen])).toEqual([
      [1, true],
      [2, false],
    ]);
    // The consent still points to the text it was given on.
    expect(getForm(session.stores.keylist, 1).hashes.nb).toBe(consent.formHash);
    session.lock();
  });
});

/** A participant with everything a study holds about them, each piece with unique bytes to look for. */
async function fullParticipant() {
  const v = await project();
  const dir = tempDir();
  const evidence = path.join(dir, 'samtykke-Ragnhild-Testesen.png');
  const evidenceBytes = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n'), Buffer.from('EVIDENCE-BYTES-7f3a9c', 'latin1')]);
  fs.writeFileSync(evidence, evidenceBytes);
  const code = v.p.add({ name: 'Ragnhild Testesen', email: 'ragnhild.testesen@example.no', phone: '+47 915 55 123', workplace: 'NAV Hinna' });
  v.p.recordConsent(code, { ...consentAll, evidence: { path: evidence } });
  const wav = path.join(dir, 'opptak-Ragnhild.wav');
  const audio = makeWav(wav, 3, 42);
  const recording = await new Recordings(v.session, NOW).import(code, wav);
  v.session.stores.transcripts.put('transcript', { participant: code, data: { text: 'B: Jeg heter Ragnhild og jobber på Hinna, ring meg på 915 55 123.' } });
  v.session.stores.transcripts.put('segment', { participant: code, data: { code: 'tillit', quote: 'ring meg på 915 55 123' } });
  // Someone else, who stays.
  const other = v.p.add({ name: 'Blir Igjen' });
  v.p.recordConsent(other, consentAll);
  v.session.stores.transcripts.put('transcript', { participant: other, data: { text: 'B: jeg blir med videre' } });
  return { ...v, code, other, evidenceBytes, audio, inputDir: dir, recording };
}

/** The bytes by which a participant could be found in the files: plaintext and their ciphertexts and wrapped keys. */
function needles(dir: string, code: string, extra: Buffer[]): Buffer[] {
  const out = [...extra];
  for (const store of DATA_STORES) {
    const db = new Database(storeDbPath(dir, store), { readonly: true });
    for (const r of db.prepare('SELECT ct, nonce FROM records WHERE participant = ?').all(code) as { ct: Buffer; nonce: Buffer }[]) out.push(r.ct.subarray(0, 32), r.nonce);
    for (const k of db.prepare('SELECT wrapped FROM participant_keys WHERE participant = ?').all(code) as { wrapped: Buffer }[]) out.push(k.wrapped);
    db.close();
  }
  return out;
}

describe('withdrawal', () => {
  it('destroys everything about the participant in every store: a forensic scan of every file finds nothing', async () => {
    const started = Date.now();
    const { dir, session, p, code, other, evidenceBytes, audio, deps, inputDir } = await fullParticipant();
    const preview = p.withdrawalPreview(code);
    expect(preview).toEqual({ identity: 1, consent: 1, 'consent-evidence': 1, recordings: 1, transcripts: 1, 'coded-segments': 0, memos: 0, attributes: 0, analysis: 1 });
    const plain = ['Ragnhild Testesen', 'ragnhild.testesen@example.no', '+47 915 55 123', 'NAV Hinna', 'ring meg på 915 55 123'].map((s) => Buffer.from(s, 'utf8'));
    // The audio itself (a stretch of samples), and the encrypted blob's bytes.
    const blobFile = listFiles(dir).find((f) => f.endsWith('.hvr'))!;
    const blobBytes = fs.readFileSync(blobFile);
    const wanted = needles(dir, code, [...plain, evidenceBytes.subarray(8), audio.subarray(20000, 20064), blobBytes.subarray(100, 164)]);
    expect(wanted.length).toBeGreaterThan(plain.length + 10);
    // Before: the ciphertexts and wrapped keys are there to be found (so the scan can find things).
    expect(findNeedles(listFiles(dir), wanted.slice(plain.length + 2)).length).toBeGreaterThan(0);

    const receipt = await p.withdraw(code, '2026-11-26');
    expect(receipt.counts).toEqual(preview);
    expect(receipt.withdrawnOn).toBe('2026-11-26');
    expect(receipt.consentGivenOn).toBe('2026-11-20');

    // The other participant is untouched.
    expect(session.stores.transcripts.list('transcript', { participant: other })).toHaveLength(1);
    session.lock();

    const vaultHits = findNeedles(listFiles(dir), wanted);
    expect(vaultHits).toEqual([]);
    // Nor does any file written to the temp directory since the test began (other than
    // the scanned signature the test itself placed there as the user's original).
    const temps = recentTempFiles(started).filter((f) => !f.startsWith(inputDir + path.sep));
    expect(findNeedles(temps, wanted.slice(0, plain.length + 2))).toEqual([]);
    expect(fs.existsSync(blobFile)).toBe(false);

    const again = await openProject(dir, PASS, deps);
    expect(again.stores.transcripts.listParticipant(code)).toEqual([]);
    expect(again.stores.keylist.listParticipant(code)).toEqual([]);
    expect(again.verify()).toEqual([]);
    const log = again.audit.list().filter((e) => e.participant === code).map((e) => e.action);
    expect(log).toEqual(['participant.added', 'consent.recorded', 'recording.imported', 'withdrawal.started', 'participant.withdrawn']);
    again.lock();
  });

  it.each(['journal', 'recordings', 'transcripts', 'keylist', 'shredded', 'done'] as WithdrawalStep[])(
    'interrupted after the %s step, it completes on the next open',
    async (step) => {
      const { dir, session, p, code, deps } = await fullParticipant();
      class Crash extends Error {}
      await expect(
        p.withdraw(code, '2026-11-26', {
          afterStep: (s) => {
            if (s === step) throw new Crash(s);
          },
        }),
      ).rejects.toThrow(Crash);
      session.lock();
      const again = await openProject(dir, PASS, deps);
      const q = new Participants(again, NOW);
      expect(q.list().find((x) => x.code === code)!.status).toBe('withdrawn');
      for (const s of DATA_STORES) expect(again.stores[s].listParticipant(code)).toEqual([]);
      expect(q.receipt(code).counts).toEqual({ identity: 1, consent: 1, 'consent-evidence': 1, recordings: 1, transcripts: 1, 'coded-segments': 0, memos: 0, attributes: 0, analysis: 1 });
      expect(again.audit.list().filter((e) => e.action === 'participant.withdrawn' && e.participant === code)).toHaveLength(1);
      expect(again.verify()).toEqual([]);
      again.lock();
    },
  );

  it('the receipt (JSON and HTML, nb and en) holds no personal data', async () => {
    const { session, p, code } = await fullParticipant();
    const receipt = await p.withdraw(code, '2026-11-26');
    const texts = [JSON.stringify(receipt), p.receiptHtml(code, 'nb'), p.receiptHtml(code, 'en')];
    for (const t of texts) {
      expect(t).not.toMatch(/Ragnhild|Testesen|ragnhild|915|Hinna|samtykke-Ragnhild/);
      expect(t).toContain(code);
    }
    expect(texts[1]).toContain('Kvittering for tilbaketrukket samtykke');
    expect(texts[1]).toContain('26. november 2026');
    expect(texts[2]).toContain('Receipt for withdrawn consent');
    session.lock();
  });
});

describe('access request', () => {
  it('exports everything held about one participant, with a cover letter listing it, and is audited', async () => {
    const { session, p, code, other, evidenceBytes, audio, recording } = await fullParticipant();
    const out = tempDir();
    const res = await p.accessRequest(code, out, 'nb');
    expect(path.basename(res.folder)).toBe(`innsyn-${code}-2026-11-27`);
    const files = listFiles(res.folder).map((f) => path.relative(res.folder, f)).sort();
    expect(files).toEqual(
      [
        '00-folgebrev.html',
        'analysis/segment-' + session.stores.transcripts.listParticipant(code).find((r) => r.table === 'segment')!.id + '.txt',
        'consent-1-form-v1-nb.html',
        'consent-1.json',
        'evidence/samtykke-Ragnhild-Testesen.png',
        'identity.json',
        `recordings/${recording.id}.wav`,
        'transcripts/transcript-' + session.stores.transcripts.listParticipant(code).find((r) => r.table === 'transcript')!.id + '.txt',
      ].sort(),
    );
    expect(JSON.parse(fs.readFileSync(path.join(res.folder, 'identity.json'), 'utf8'))).toMatchObject({ code, name: 'Ragnhild Testesen', phone: '+47 915 55 123' });
    expect(fs.readFileSync(path.join(res.folder, 'evidence', 'samtykke-Ragnhild-Testesen.png'))).toEqual(evidenceBytes);
    expect(fs.readFileSync(path.join(res.folder, 'recordings', `${recording.id}.wav`)).equals(audio)).toBe(true);
    const cover = fs.readFileSync(path.join(res.folder, '00-folgebrev.html'), 'utf8');
    for (const f of files) expect(cover).toContain(f);
    expect(cover).toContain('Datatilsynet');
    // Nothing about the other participant.
    const all = listFiles(res.folder).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(all).not.toContain('jeg blir med videre');
    expect(all).not.toContain(other);
    expect(session.audit.list().at(-1)).toMatchObject({ action: 'participant.access-request', participant: code });
    // A second export of the same day does not overwrite the first; a bad target leaves nothing.
    await expect(p.accessRequest(code, out, 'nb')).rejects.toMatchObject({ code: 'VAULT_EXISTS' });
    await expect(p.accessRequest(code, path.join(out, 'nope'), 'nb')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(fs.readdirSync(out)).toEqual([path.basename(res.folder)]);
    session.lock();
  });
});
