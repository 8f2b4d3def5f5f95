/**
 * The data-handling text for Sikt and the data management plan (issue 33): written from
 * the vault's settings and state, each sentence only while it is true, in nb and en; the
 * changes since the text was last copied, with the ones Sikt needs a change notice for;
 * the .docx read back; and no participant's name or code, nor a supervisor's label, in
 * anything it writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Notification, SNAPSHOT_PURPOSE, syncedBy } from '../../electron/core/services/notification';
import { dailyJobRuns } from '../../electron/core/services/project-end/schedule';
import { notificationDocx } from '../../electron/core/services/notification/documents';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { supervisorKeyText } from '../../electron/core/services/supervisor/key-text';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { createVault } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import type { NotificationView } from '@shared/notification';
import { admit, makeVault, makeWav, pw, SAMPLE_FACTS, TEST_KDF, tempDir, testDeps } from './helpers';

const NOW = () => new Date('2026-12-07T10:00:00Z');
const NAMES = ['Ingebrigt Særsyn', 'Valborg Kvitfjell'];
const LABEL = 'Professor Hemmelig Veiledersen';

const all = (v: NotificationView): string => [v.markdown, ...v.changes.map((c) => c.text)].join('\n');
const paragraphs = (v: NotificationView, id: string): string[] => v.text.sections.find((s) => s.id === id)?.paragraphs ?? [];

async function study() {
  const made = await makeVault();
  const { session, deps } = made;
  const codes = NAMES.map((name) => admit(session, { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.no` }, NOW));
  const n = (dailyJob: boolean | null = null) => new Notification(session, { now: NOW, dailyJob });
  const supervisorKey = (seed: number) => {
    const s = new Uint8Array(32).fill(seed);
    return supervisorKeyText({ box: deps.crypto.boxKeyPair(s).publicKey, sign: deps.crypto.signKeyPair(s).publicKey });
  };
  return { ...made, codes, n, supervisorKey, supervisors: new Supervisors(session, NOW, deps.crypto) };
}

/** No participant's name (or part of it) or code, and no supervisor's label, anywhere in `text`. */
function expectNoPersonalData(text: string, codes: string[]): void {
  for (const name of NAMES) for (const part of name.split(' ')) expect(text).not.toContain(part);
  for (const code of codes) expect(text).not.toContain(code);
  expect(text).not.toContain('Hemmelig');
  expect(text).not.toContain('@example.no');
}

describe('the text for a fresh vault', () => {
  it('says what the vault does, in nb and en, and nothing it cannot back', async () => {
    const { n, codes, session } = await study();
    const nb = n().view('nb');
    expect(nb.text.title).toBe('Datahåndtering i prosjektet «Relasjonsarbeid i arbeidsinkluderingsprosesser»');
    expect(nb.text.produced).toBe('Skrevet 7. desember 2026 av Hvelv ut fra hvelvets innstillinger og innhold.');
    expect(nb.text.sections.map((s) => s.id)).toEqual(['storage', 'access', 'processors', 'withdrawal', 'end', 'deidentification']);
    const storage = paragraphs(nb, 'storage');
    expect(storage[0]).toMatch(/^Dataene lagres i et kryptert hvelv .* på studentens egen datamaskin, en mappe Hvelv ikke kjenner igjen som synkronisert med en skytjeneste\.$/);
    // The algorithms and the vault's own Argon2id cost (the test vault's: 8 KiB, 1 pass).
    expect(storage[1]).toBe(
      'Alt i hvelvet er kryptert med XChaCha20-Poly1305 og 256-biters nøkler (lydopptakene med ChaCha20-Poly1305 i biter på 64 KiB), nøklene er beskyttet av passfrasen med Argon2id (8 KiB minne, 1 gjennomløp), og hver post er signert med Ed25519.',
    );
    expect(storage).toContain('Koblingsnøkkelen (navnelisten, med navn og kontaktopplysninger mot deltakerkoder) ligger i et eget lager med sin egen nøkkel; opptak, transkripsjoner og analyse har bare kodene, og hver deltakers opplysninger er kryptert med en nøkkel for seg.');
    expect(storage).toContain(`Hvelvet låser seg etter ${session.facts.autoLockMinutes} minutter uten bruk.`);
    expect(storage).toContain('Nå inneholder det opplysninger om 2 deltakere, 0 lydopptak og 0 transkripsjoner.');
    expect(paragraphs(nb, 'access')).toEqual(['Bare studenten har tilgang til hvelvet: det åpnes med studentens passfrase, som ikke er lagret noe sted.']);
    expect(paragraphs(nb, 'processors')).toEqual(['Hvelv bruker ingen databehandler: programmet kobler seg ikke til noen tjeneste på nettet og sender ingenting fra hvelvet noe sted.']);
    expect(paragraphs(nb, 'withdrawal')).toHaveLength(2);
    const end = paragraphs(nb, 'end');
    expect(end[0]).toBe('Prosjektet slutter 30. mai 2031 (Sikts referansenummer 123456).');
    expect(end[1]).toMatch(/^Da slettes koblingsnøkkelen og alle lydopptak\./);
    expect(end.join(' ')).toMatch(/krever ingen passfrase/);
    // Whether the daily job is installed is not known here: neither sentence.
    expect(end.join(' ')).not.toMatch(/daglig/);
    expect(end.join(' ')).not.toMatch(/flyttet/);
    expect(paragraphs(nb, 'deidentification')).toHaveLength(2);
    // No backup sentence: Hvelv has no backups to describe.
    expect(nb.markdown).not.toMatch(/sikkerhetskopi|backup/i);
    expect(nb.lastCopiedOn).toBeNull();
    expect(nb.changes).toEqual([]);
    expect(nb.markdown.startsWith('# Datahåndtering i prosjektet «Relasjonsarbeid i arbeidsinkluderingsprosesser»\n\nSkrevet 7. desember 2026')).toBe(true);
    expect(nb.markdown).toContain('\n## Lagring og sikring\n\nDataene lagres');

    const en = n().view('en');
    expect(en.text.sections.map((s) => s.heading)).toEqual(['Storage and security', 'Access', 'Data processors', 'Withdrawal of consent', 'Project end', 'De-identification']);
    expect(paragraphs(en, 'storage')[1]).toContain('Argon2id (8 KiB of memory, 1 pass)');
    expect(paragraphs(en, 'end')[0]).toBe('The project ends on 30 May 2031 (Sikt reference number 123456).');
    expect(paragraphs(en, 'access')).toEqual(['Only the student has access to the vault: it opens with the student’s passphrase, which is stored nowhere.']);
    expectNoPersonalData(all(nb) + all(en), codes);
  });

  it('says whether the daily deletion job is installed, when that is known', async () => {
    const { n } = await study();
    expect(paragraphs(n(true).view('en'), 'end')).toContain('A daily check in the operating system of this computer runs the deletion even if Hvelv is never opened again.');
    expect(paragraphs(n(false).view('en'), 'end').join(' ')).toMatch(/The daily check that deletes without Hvelv being opened is not installed on this computer/);
    n(false).markCopied();
    expect(n(true).view('en').changes).toEqual([{ text: 'The daily check that deletes at the project end was installed.', notice: false }]);
  });

  it('says when the vault lies in a folder a cloud service synchronises', async () => {
    expect(syncedBy('/home/turid/Dropbox/Hvelv/studie')).toBe('Dropbox');
    expect(syncedBy('C:\\Users\\turid\\OneDrive - Universitetet i Stavanger\\Hvelv\\studie')).toBe('OneDrive');
    expect(syncedBy('/home/turid/Documents/Hvelv/studie')).toBeNull();
    // macOS's File Provider folders, and services a Norwegian student uses (from the attack review).
    expect(syncedBy('/Users/turid/Library/CloudStorage/OneDrive-Personal/Hvelv/studie')).toBe('OneDrive');
    expect(syncedBy('/Users/turid/Library/CloudStorage/GoogleDrive-ola.nordmann@gmail.com/Min disk/studie')).toBe('Google Drive');
    expect(syncedBy('/Users/turid/Library/CloudStorage/SomeNewCloud-turid/studie')).toBe('SomeNewCloud');
    expect(syncedBy('/home/turid/Jottacloud/studie')).toBe('Jottacloud');
    expect(dailyJobRuns({ installed: true, enabled: 'disabled', active: 'unknown', unit: 'valid' })).toBe(false);
    expect(dailyJobRuns({ installed: true, enabled: 'enabled', active: 'active', unit: 'unknown' })).toBe(true);
    expect(dailyJobRuns({ installed: true, enabled: 'enabled', active: 'active', unit: 'rejected' })).toBe(false);
    const dir = path.join(tempDir(), 'Dropbox', 'studie');
    const session = await createVault(dir, pw('correct horse battery staple'), SAMPLE_FACTS, await testDeps(), { kdf: TEST_KDF });
    const storage = paragraphs(new Notification(session, { now: NOW }).view('en'), 'storage');
    expect(storage[0]).toBe('The data are kept in an encrypted vault (the Hvelv program) in a folder on the student’s computer. The folder lies in a folder that Dropbox synchronises, so the encrypted files are copied there; the passphrase is not.');
    // The service is then a processor of the encrypted copies, and what it keeps is not deleted by Hvelv.
    const view = new Notification(session, { now: NOW }).view('en');
    expect(paragraphs(view, 'processors')[0]).toMatch(/^Hvelv itself connects to no online service, but the vault lies in a folder that Dropbox synchronises: Dropbox is thus a data processor/);
    expect(paragraphs(view, 'processors').join(' ')).not.toMatch(/uses no data processor/);
    for (const section of ['withdrawal', 'end']) expect(paragraphs(view, section)).toContain('Dropbox may keep earlier versions and deleted files for a time; Hvelv cannot delete them there, so they must be emptied in Dropbox.');
    session.lock();
  });
});

describe('after each change', () => {
  it('follows a supervisor added, recordings switched on, the end date moved and the end action, and flags what Sikt must be told', async () => {
    const { n, codes, session, deps, supervisors, supervisorKey } = await study();
    n().markCopied();
    expect(n().view('nb').lastCopiedOn).toBe('2026-12-07');
    expect(n().view('nb').changes).toEqual([]);

    // A supervisor.
    const sup = supervisors.add({ key: supervisorKey(7), label: LABEL, until: '2031-01-31' as IsoDate });
    let v = n().view('nb');
    expect(paragraphs(v, 'access')).toEqual([
      'Studenten har tilgang til hvelvet: det åpnes med studentens passfrase, som ikke er lagret noe sted.',
      'Veileder 1 har lesetilgang til 31. januar 2031: en kopi kryptert til veilederens egen nøkkel, med deltakerkoder i stedet for navn og uten koblingsnøkkelen. Veilederen kan ikke endre noe i den.',
      'Lydopptakene blir ikke med i kopiene til veileder 1.',
      'Når tilgangen utløper, sletter veilederens Hvelv kopien uten passfrase, senest før den kan åpnes igjen, og lager en signert bekreftelse på slettingen.',
    ]);
    expect(paragraphs(v, 'withdrawal')).toContain('En kopi en veileder allerede har, blir hos veilederen til tilgangen utløper; kvitteringen sier om det er laget en ny kopi uten deltakeren.');
    expect(v.changes).toEqual([{ text: 'En veileder har fått lesetilgang til 31. januar 2031.', notice: true }]);
    expectNoPersonalData(all(v), codes);
    n().markCopied();
    expect(n().view('nb').changes).toEqual([]);

    // Recordings switched on for them.
    supervisors.setRecordings(sup.id, true);
    v = n().view('en');
    expect(paragraphs(v, 'access')).toContain('The recordings go along in supervisor 1’s copies (a voice can identify a person).');
    expect(paragraphs(v, 'access')).not.toContain('The recordings do not go along in supervisor 1’s copies.');
    expect(v.changes).toEqual([{ text: 'The recordings were switched on for supervisor 1.', notice: true }]);

    // A second supervisor, with recordings from the start.
    // Added a day later (the order of supervisors is the order they were added in).
    new Supervisors(session, () => new Date('2026-12-08T10:00:00Z'), deps.crypto).add({ key: supervisorKey(9), label: 'Biveileder', until: '2030-06-30' as IsoDate, recordings: true });
    v = n().view('en');
    expect(paragraphs(v, 'access')).toContain('Supervisor 2 has read-only access until 30 June 2030: a copy encrypted to the supervisor’s own key, with participant codes instead of names and without the key list. The supervisor cannot change anything in it.');
    expect(v.changes.map((c) => c.text)).toEqual(['The recordings were switched on for supervisor 1.', 'A supervisor was given read-only access until 30 June 2030, with the recordings.']);
    expect(v.changes.every((c) => c.notice)).toBe(true);

    // The end date moved (Sikt told), and the end action changed.
    session.extendEndDate({ to: '2031-12-31' as IsoDate, reason: 'Forsinket datainnsamling', siktRef: '123456', siktNotifiedOn: '2026-12-07' as IsoDate }, '2026-12-07' as IsoDate);
    session.setEndAction('delete-all');
    v = n().view('nb');
    expect(paragraphs(v, 'end')).toEqual(
      expect.arrayContaining(['Prosjektet slutter 31. desember 2031 (Sikts referansenummer 123456).', 'Sluttdatoen ble flyttet fra 30. mai 2031 til 31. desember 2031 den 27. november 2026.', 'Da slettes alle data: koblingsnøkkelen, lydopptakene, transkripsjonene og analysen.']),
    );
    expect(paragraphs(v, 'end').join(' ')).not.toMatch(/anonym|transkripsjonene og analysen blir igjen/);
    // The reason given for moving the date is the student's words: not in the text.
    expect(v.markdown).not.toContain('Forsinket');
    expect(v.changes).toEqual(
      expect.arrayContaining([
        { text: 'Sluttdatoen er endret fra 30. mai 2031 til 31. desember 2031.', notice: true },
        { text: 'Ved prosjektslutt skal nå alle data slettes i stedet for at de anonymiseres.', notice: true },
      ]),
    );

    // Copied: nothing is changed any more. Then recordings off and the supervisor removed: shown, no notice needed.
    n().markCopied();
    supervisors.setRecordings(sup.id, false);
    // A share was made for them before: the copy they hold stays until its end, and the text says so.
    supervisors.recordShare(sup.id, { version: 1, until: '2031-01-31' as IsoDate, fingerprint: sup.fingerprint, participants: [codes[0]!], counts: { recordings: 0, transcripts: 1, codes: 0, segments: 0, themes: 0, memos: 0, privateMemosLeftOut: 0, orphansLeftOut: 0, replies: 0 } });
    supervisors.remove(sup.id);
    v = n().view('en');
    expect(v.changes).toEqual([{ text: 'A supervisor’s access was removed.', notice: false }]);
    expect(paragraphs(v, 'access').some((p) => p.startsWith('Supervisor 1 has read-only access until 30 June 2030'))).toBe(true);
    expect(paragraphs(v, 'access')).toContain('1 supervisor who was removed may still hold a copy made before, until 31 January 2031 at the latest; it is deleted then in the same way.');
    expect(paragraphs(v, 'access').some((p) => p.startsWith('Supervisor 2'))).toBe(false);
    // Withdrawal says that copy stays with them too (it was said only while a supervisor was on the list).
    expect(paragraphs(v, 'withdrawal')).toContain('A copy a supervisor already holds stays with them until their access ends; the receipt says whether a new copy without the participant was made.');
    expectNoPersonalData(all(v) + all(n().view('nb')), codes);
  });

  it('names the model files of automatic drafts, says which transcripts came from outside, and counts withdrawals', async () => {
    const { n, codes, session } = await study();
    n().markCopied();
    const work = tempDir('hvelv-notif-');
    makeWav(path.join(work, 'a.wav'), 2);
    const rec = await new Recordings(session, NOW).import(codes[0]!, path.join(work, 'a.wav'));
    const transcripts = new Transcripts(session, NOW);
    let v = n().view('nb');
    expect(paragraphs(v, 'processors')).toHaveLength(1);
    transcripts.createDraft(codes[0]!, `#00:00:00-0# I: Hei, ${NAMES[0]}.\n`, rec.id, { model: 'ggml-nb-whisper-base.bin', language: 'nb' });
    v = n().view('nb');
    expect(paragraphs(v, 'processors')).toEqual([
      'Hvelv bruker ingen databehandler: programmet kobler seg ikke til noen tjeneste på nettet og sender ingenting fra hvelvet noe sted.',
      'Automatiske utkast til transkripsjon (1) er laget på denne datamaskinen med Whisper (sherpa-onnx) og 1 modellfil (ggml-nb-whisper-base.bin); verken lyd eller tekst forlot maskinen.',
    ]);
    expect(v.changes).toEqual([{ text: 'Automatiske utkast er laget med en ny modellfil: ggml-nb-whisper-base.bin (1).', notice: false }]);
    // The draft names a participant: the check says one transcript has details to look at (the count, never the name).
    expect(paragraphs(v, 'deidentification')).toContain('1 av 1 transkripsjon har fortsatt mulige identifiserende opplysninger å se på.');

    transcripts.create(codes[1]!, '#00:00:00-0# I: Fortell om jobben.\n', 'docx');
    v = n().view('en');
    expect(paragraphs(v, 'processors')).toContain('1 transcript was imported from a file made outside Hvelv. If a transcription service made it, that service is a data processor and must be named here.');
    expect(paragraphs(v, 'deidentification')).toContain('1 of the 2 transcripts still has possible identifying details to look at.');
    expect(paragraphs(v, 'storage')).toContain('It now holds data on 2 participants, 1 recording and 2 transcripts.');

    await new Participants(session, NOW).withdraw(codes[1]!, '2026-12-07' as IsoDate);
    v = n().view('en');
    expect(paragraphs(v, 'withdrawal')).toContain('So far 1 participant has withdrawn.');
    expect(paragraphs(v, 'processors').join(' ')).not.toMatch(/imported/);
    expect(paragraphs(v, 'storage')).toContain('It now holds data on 1 participant, 1 recording and 1 transcript.');
    expectNoPersonalData(all(v) + all(n().view('nb')), codes);
  });

  it('after the end date: what was deleted and when, and no sentence about what is gone', async () => {
    const { n, codes, dir, session } = await study();
    n().markCopied();
    session.lock();
    const deps = await testDeps({ now: () => new Date('2031-06-01T10:00:00Z') });
    enforceProjectEnd(dir, { crypto: deps.crypto, now: deps.now() });
    const { openProject } = await import('../../electron/core/services/project/open');
    const after = await openProject(dir, 'correct horse battery staple', deps);
    try {
      const v = new Notification(after, { now: deps.now, dailyJob: true }).view('nb');
      expect(paragraphs(v, 'storage').join(' ')).not.toMatch(/Koblingsnøkkelen|Nå inneholder/);
      // The recordings and the key list are gone: no sentence about how they are kept or used.
      expect(paragraphs(v, 'storage').join(' ')).not.toMatch(/lydopptak/);
      expect(paragraphs(v, 'deidentification')[0]).toMatch(/koblingsnøkkelen er slettet, så den brukes ikke lenger/);
      expect(paragraphs(v, 'deidentification').join(' ')).not.toMatch(/fra koblingsnøkkelen|veileders kopi/);
      expect(paragraphs(v, 'end')).toContain('Slettingen ved prosjektslutt ble kjørt 1. juni 2031, og slettebekreftelsen ligger i hvelvet.');
      expect(paragraphs(v, 'end').join(' ')).not.toMatch(/daglig kontroll|hver time/);
      expect(v.text.sections.map((s) => s.id)).not.toContain('withdrawal');
      expect(v.changes).toEqual([{ text: 'Slettingen ved prosjektslutt er kjørt.', notice: false }]);
      expectNoPersonalData(all(v), codes);
    } finally {
      after.lock();
    }
  });
});

describe('what is taken away and kept', () => {
  it('writes a .docx that opens and reads as the page, without names or codes', async () => {
    const { n, codes, supervisors, supervisorKey } = await study();
    supervisors.add({ key: supervisorKey(3), label: LABEL, until: '2031-01-31' as IsoDate, recordings: true });
    for (const locale of ['nb', 'en'] as const) {
      const v = n().view(locale);
      const files = unzipSync(await notificationDocx(v.text));
      const xml = strFromU8(files['word/document.xml']!);
      const paras = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')).filter(Boolean);
      const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      const expected = [v.text.title, v.text.produced, ...v.text.sections.flatMap((s) => [s.heading, ...s.paragraphs])];
      expect(paras.map(decode)).toEqual(expected);
      expect(xml).toContain('w:val="Heading1"');
      expectNoPersonalData(paras.join('\n'), codes);
    }
  });

  it('keeps the snapshot sealed in the vault, never in plaintext', async () => {
    const { n, dir, supervisors, supervisorKey } = await study();
    supervisors.add({ key: supervisorKey(5), label: LABEL, until: '2031-01-31' as IsoDate });
    n().markCopied();
    const file = path.join(dir, `${SNAPSHOT_PURPOSE}.sealed`);
    const raw = fs.readFileSync(file, 'utf8');
    expect(Object.keys(JSON.parse(raw) as object).sort()).toEqual(['ciphertext', 'nonce']);
    for (const plain of ['2031-05-30', '2031-01-31', 'endDate', 'anonymise', 'supervisors']) expect(raw).not.toContain(plain);
    // Changed outside Hvelv: refused as damage, not read.
    const box = JSON.parse(raw) as { nonce: string; ciphertext: string };
    const ct = Buffer.from(box.ciphertext, 'base64');
    ct[0]! ^= 1;
    fs.writeFileSync(file, JSON.stringify({ ...box, ciphertext: ct.toString('base64') }));
    expect(() => n().view('nb')).toThrow(/does not decrypt/);
  });
});
