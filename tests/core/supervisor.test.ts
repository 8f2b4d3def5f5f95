/**
 * The supervisor (issue 10), beneath the UI: the supervisor key, a share from the student's
 * vault opened in the supervisor's folder, every attack the issue lists, expiry without a
 * passphrase, withdrawal then refresh, and the forensic scans.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { canonicalJson, encodeFields, fromB64, toB64, toHex, utf8 } from '../../electron/core/crypto/encoding';
import { Participants } from '../../electron/core/services/participants/participants';
import { initSupervisorFolder, unlockSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { certificateMessage, enforceSupervisorFolder, HeldShares } from '../../electron/core/services/supervisor/held';
import { parseSupervisorKey, supervisorKeyText } from '../../electron/core/services/supervisor/key-text';
import { sealShare } from '../../electron/core/services/supervisor/share-file';
import { FEEDBACK_TABLE, Supervisors } from '../../electron/core/services/supervisor/student';
import type { IsoDate } from '@shared/domain';
import { codeOf, findNeedles, listFiles, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';
import { NOW, study } from './analysis/fixture';

const UNTIL = '2027-03-01' as IsoDate;
const AFTER = () => new Date('2027-03-02T09:00:00Z');

async function supervisorFolder(now: () => Date = NOW, crypto?: SupervisorDeps['crypto']) {
  const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
  const deps: SupervisorDeps = { crypto: crypto ?? (await createCrypto()), kdfPolicy: TEST_KDF_POLICY, now };
  const session = await initSupervisorFolder(dir, pw('veileders passord 1'), deps, { kdf: TEST_KDF });
  return { dir, session, deps };
}

const reopen = (dir: string, deps: SupervisorDeps, now: () => Date = deps.now) => unlockSupervisorFolder(dir, pw('veileders passord 1'), { ...deps, now });

/** A study with codes, a theme, memos (one private) and a supervisor added. */
async function setup() {
  const v = await study();
  const sup = await supervisorFolder(NOW, v.deps.crypto);
  const tillit = v.book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
  const seg = v.coding.apply(v.ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [tillit.id]);
  const segB = v.coding.apply(v.tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
  const theme = v.themes.add({ name: 'Å bli sett' });
  v.themes.assign(theme.id, tillit.id);
  v.memos.add({ target: { kind: 'code', id: tillit.id }, text: 'Koden samler tillit på tvers.' });
  v.memos.add({ target: { kind: 'project' }, text: 'Privat-notat-Hornugle-5150', private: true });
  const students = new Supervisors(v.session, NOW, v.deps.crypto);
  const entry = students.add({ key: sup.session.identity.key, label: 'Hovedveileder', until: UNTIL });
  return { ...v, sup, students, entry, tillit, theme, seg, segB };
}

const acceptAll = (students: Supervisors, id: string) => students.plan(id).findings.map((f) => f.id);

function share(s: Awaited<ReturnType<typeof setup>>): Uint8Array {
  const { bytes, made } = s.students.create(s.entry.id, acceptAll(s.students, s.entry.id));
  s.students.recordShare(s.entry.id, made);
  return bytes;
}

describe('the supervisor key', () => {
  it('round-trips, survives a mail program’s line breaks, and catches a typo or a non-key', async () => {
    const { session } = await supervisorFolder();
    const text = session.identity.key;
    expect(text).toMatch(/^hvelv-sup1-[0-9A-Z-]+$/);
    const keys = parseSupervisorKey(text);
    expect(toB64(keys.box)).toBe(toB64(session.publicKeys.box));
    expect(supervisorKeyText(parseSupervisorKey(`  ${text.slice(0, 40)}\n${text.slice(40).toLowerCase()} `))).toBe(text);
    expect(session.identity.fingerprint).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    // One character changed, one dropped, two swapped: each is a typo, caught by the checksum.
    let i = 30;
    while (text[i] === '-' || text[i + 1] === '-' || text[i] === text[i + 1]) i++;
    const changed = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
    const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    for (const bad of [changed, text.slice(0, i) + text.slice(i + 1), swapped].filter((b) => b !== text)) expect(codeOf(() => parseSupervisorKey(bad))).toBe('SUPERVISOR_KEY_TYPO');
    for (const notKey of ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG…', 'hei', '']) expect(codeOf(() => parseSupervisorKey(notKey))).toBe('NOT_A_SUPERVISOR_KEY');
    // What a mail program or a PDF does to it: zero-width spaces, soft hyphens, no-break spaces, typographic dashes, full-width letters.
    const mangled = `${text.slice(0, 12)}\u200b${text.slice(12, 20)}\u00ad${text.slice(20, 30)}\u00a0${text.slice(30)}`.replace(/-/g, '\u2010').replace(/A/g, '\uff21');
    expect(supervisorKeyText(parseSupervisorKey(mangled))).toBe(text);
    // A key of zeros with a right checksum is no key.
    expect(codeOf(() => parseSupervisorKey(supervisorKeyText({ box: new Uint8Array(32), sign: keys.sign })))).toBe('NOT_A_SUPERVISOR_KEY');
    session.lock();
  });

  it('adding a supervisor with a typo or a non-key changes nothing', async () => {
    const v = await study();
    const sup = await supervisorFolder(NOW, v.deps.crypto);
    const students = new Supervisors(v.session, NOW, v.deps.crypto);
    const key = sup.session.identity.key;
    const typo = key.slice(0, -3) + (key.at(-3) === '0' ? '1' : '0') + key.slice(-2);
    expect(codeOf(() => students.add({ key: typo, label: 'V', until: UNTIL }))).toBe('SUPERVISOR_KEY_TYPO');
    expect(codeOf(() => students.add({ key: 'not a key', label: 'V', until: UNTIL }))).toBe('NOT_A_SUPERVISOR_KEY');
    expect(codeOf(() => students.add({ key, label: 'V', until: '2032-01-01' as IsoDate }))).toBe('INVALID_INPUT'); // after the project end
    expect(students.list()).toEqual([]);
    expect(v.session.audit.list().filter((e) => e.action.startsWith('supervisor.'))).toEqual([]);
    v.session.lock();
    sup.session.lock();
  });
});

describe('a share', () => {
  it('is never made with unreviewed findings, and the supervisor reads transcripts, codes, themes and memos', async () => {
    const s = await setup();
    const plan = s.students.plan(s.entry.id);
    // Åse and Ålesund are in the transcripts: findings, each to replace or accept by id.
    expect(plan.findings.map((f) => f.text)).toEqual(expect.arrayContaining(['Åse', 'Ålesund']));
    expect(codeOf(() => s.students.create(s.entry.id, []))).toBe('DETAILS_UNCHECKED');
    expect(codeOf(() => s.students.create(s.entry.id, [...plan.findings.slice(1).map((f) => f.id)]))).toBe('DETAILS_UNCHECKED');
    expect(codeOf(() => s.students.create(s.entry.id, [...plan.findings.map((f) => f.id), '0123456789']))).toBe('INVALID_INPUT');
    expect(s.session.audit.list().filter((e) => e.action === 'share.created')).toEqual([]);

    const bytes = share(s);
    const held = new HeldShares(s.sup.session);
    const opened = held.open(bytes);
    expect(opened).toMatchObject({ vaultId: s.session.vaultId, version: 1, until: UNTIL, state: 'open', participants: [s.a, s.b].sort() });
    // The student sees the fingerprint the supervisor's Hvelv shows for the first share, so the two can compare.
    expect(opened.ownerFingerprint).toBe(plan.ownerFingerprint);
    const c = held.content(s.session.vaultId);
    expect(c.codes.map((x) => x.name)).toEqual(['Tillit']);
    expect(c.themes.map((x) => x.name)).toEqual(['Å bli sett']);
    expect(c.memos.map((m) => m.text)).toEqual(['Koden samler tillit på tvers.']); // the private memo stays home
    expect(c.map.codes[0]).toMatchObject({ name: 'Tillit', segmentCount: 2 });
    const t = held.transcript(s.session.vaultId, s.ta);
    expect(t.text).toContain('Tillit er å bli sett 😀');
    expect(t.segments.map((x) => x.text)).toEqual(['Tillit er å bli sett 😀 som et helt menneske']);
    const r = held.retrieve(s.session.vaultId, 'theme', s.theme.id);
    expect(r.map((x) => [x.participant, x.timestampMs])).toEqual([[s.a, 14 * 60_000 + 32_000], [s.b, 2 * 60_000 + 5000]].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
    expect(held.search(s.session.vaultId, 'aase').hits.map((h) => h.match)).toEqual(['Åse']);
    expect(held.search(s.session.vaultId, '"å bli sett"').total).toBe(2);

    const audit = s.session.audit.list().filter((e) => e.action === 'share.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ supervisor: s.entry.fingerprint, version: 1, until: UNTIL, transcripts: 2, codes: 1, themes: 1, memos: 1 });
    expect(JSON.stringify(audit[0])).not.toMatch(/Kari|Nordmann|Ola|Hansen|Åse|kari@/);
    s.session.lock();
    s.sup.session.lock();
  });

  it('holds no name, e-mail, phone or consent evidence: a forensic scan of the share file and the supervisor’s folder', async () => {
    const s = await setup();
    // A third participant with consent evidence of bytes of its own.
    const evidence = path.join(tempDir(), 'samtykke.pdf');
    const evidenceBytes = Buffer.from(`%PDF-1.4 Samtykkeskjema-Spurvehauk-8812 ${'x'.repeat(200)}`);
    fs.writeFileSync(evidence, evidenceBytes);
    const p = new Participants(s.session, NOW);
    const c = p.add({ name: 'Ingrid Ødegård', email: 'ingrid@eksempel.no', phone: '48 12 34 56' });
    p.recordConsent(c, { date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: { path: evidence }, unfinishedLetter: true });
    s.transcripts.create(c, '#00:00:01-0# B: Vi snakket om Fjellrev-samarbeidet.\n');

    const bytes = share(s);
    const file = path.join(tempDir(), 'studie.hvelvshare');
    fs.writeFileSync(file, bytes);
    const held = new HeldShares(s.sup.session);
    held.open(bytes);
    held.addComment(s.session.vaultId, { kind: 'code', id: s.tillit.id }, 'Kommentar-Lirype-3301 om koden.');
    s.sup.session.lock();

    const needles = ['Kari Nordmann', 'Nordmann', 'kari@example.no', '915 55 123', 'Ola Hansen', 'Ingrid', 'Ødegård', 'ingrid@eksempel.no', '48 12 34 56', 'Samtykkeskjema-Spurvehauk-8812', 'samtykke.pdf',
      // and the content in clear: only ever sealed
      'Fjellrev-samarbeidet', 'Arbeidsgiveren i Ålesund', 'Kommentar-Lirype-3301', 'Privat-notat-Hornugle-5150',
    ].flatMap((n) => [Buffer.from(n, 'utf8'), Buffer.from(n.normalize('NFD'), 'utf8')]);
    expect(findNeedles([file, ...listFiles(s.sup.dir)], needles)).toEqual([]);
    s.session.lock();
  });
});

describe('attacks on a share: each refused, nothing imported, nothing else changed', () => {
  it('another supervisor’s key', async () => {
    const s = await setup();
    const other = await supervisorFolder(NOW, s.deps.crypto);
    const bytes = share(s);
    expect(codeOf(() => new HeldShares(other.session).open(bytes))).toBe('SHARE_NOT_FOR_YOU');
    // The recipient field edited to the other supervisor's keys: the key still does not open.
    const f = JSON.parse(Buffer.from(bytes).toString('utf8'));
    f.body.recipient = { box: toB64(other.session.publicKeys.box), sign: toB64(other.session.publicKeys.sign) };
    expect(codeOf(() => new HeldShares(other.session).open(utf8(JSON.stringify(f))))).not.toBe('NO_ERROR');
    expect(new HeldShares(other.session).list()).toEqual([]);
    expect(fs.readdirSync(path.join(other.dir, 'shares'))).toEqual([]);
    other.session.lock();
    s.sup.session.lock();
    s.session.lock();
  });

  it('any byte flipped', async () => {
    const s = await setup();
    const bytes = share(s);
    const header = fs.readFileSync(path.join(s.sup.dir, 'hvelv-supervisor.json'));
    const held = new HeldShares(s.sup.session);
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let i = 0; i < bytes.length; i += step) {
      const bad = Uint8Array.from(bytes);
      bad[i] = bad[i]! ^ 0x01;
      const code = codeOf(() => held.open(bad));
      expect(code, `byte ${i}`).not.toBe('NO_ERROR');
    }
    expect(held.list()).toEqual([]);
    expect(fs.readFileSync(path.join(s.sup.dir, 'hvelv-supervisor.json')).equals(header)).toBe(true);
    s.sup.session.lock();
    s.session.lock();
  });

  it('re-signed with a key other than the owner’s', async () => {
    const s = await setup();
    const bytes = share(s);
    const attacker = s.deps.crypto.signKeyPair(s.deps.crypto.random(32));
    const f = JSON.parse(Buffer.from(bytes).toString('utf8'));
    f.body.owner = toB64(attacker.publicKey);
    f.signature = toB64(s.deps.crypto.sign(attacker.secretKey, encodeFields('hvelv/share', [1, canonicalJson(f.body)])));
    const held = new HeldShares(s.sup.session);
    // The signature checks out against the key it names, but the content is bound to the real owner's key.
    expect(codeOf(() => held.open(utf8(JSON.stringify(f))))).toBe('SHARE_DAMAGED');
    expect(held.list()).toEqual([]);
    // With the real share held, any other signer for that vault is refused as such.
    held.open(bytes);
    f.body.shareVersion = 2;
    f.signature = toB64(s.deps.crypto.sign(attacker.secretKey, encodeFields('hvelv/share', [1, canonicalJson(f.body)])));
    expect(codeOf(() => held.open(utf8(JSON.stringify(f))))).toBe('SHARE_OTHER_OWNER');
    expect(held.list().map((h) => h.version)).toEqual([1]);
    s.sup.session.lock();
    s.session.lock();
  });

  it('an older version after a newer one', async () => {
    const s = await setup();
    const v1 = share(s);
    const v2 = share(s);
    const held = new HeldShares(s.sup.session);
    held.open(v2);
    expect(codeOf(() => held.open(v1))).toBe('SHARE_OUTDATED');
    expect(codeOf(() => held.open(v2))).toBe('SHARE_OUTDATED');
    expect(held.list().map((h) => h.version)).toEqual([2]);
    s.sup.session.lock();
    s.session.lock();
  });

  it('a share dated far ahead (a wrong clock, or anyone with the supervisor key), or with control characters in its title, is refused and ages nothing held', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup.session);
    held.open(share(s));
    const c = s.deps.crypto;
    const stranger = c.signKeyPair(c.random(32));
    const ahead = sealShare(
      c,
      (m) => c.sign(stranger.secretKey, m),
      { vaultId: toHex(c.random(16)), title: 'Masteroppgave', shareVersion: 1, madeAt: '2099-01-01T00:00:00.000Z', until: '2099-12-31' as IsoDate, owner: stranger.publicKey, recipient: s.sup.session.publicKeys, participants: [], withdrawn: [], counts: { transcripts: 0, codes: 0, segments: 0, themes: 0, memos: 0 } },
      { phase: { current: 'familiarising', history: [] } as never, codes: [], themes: [], memos: [], transcripts: [], segments: [], replies: [], feedbackKey: toB64(c.random(32)) },
    );
    const seenBefore = s.sup.session.header.latestSeen;
    expect(codeOf(() => held.open(ahead))).toBe('SHARE_FROM_FUTURE');
    // A title with control characters (terminal escapes for `share open`) is no Hvelv share,
    // even signed by the key it names (a stranger's own hand-made file).
    const f = JSON.parse(Buffer.from(ahead).toString('utf8'));
    f.body.title = 'Masteroppgave\u001b[2J';
    f.signature = toB64(c.sign(stranger.secretKey, encodeFields('hvelv/share', [1, canonicalJson(f.body)])));
    const escapes = utf8(JSON.stringify(f));
    expect(codeOf(() => held.open(escapes))).toBe('SHARE_DAMAGED');
    expect(s.sup.session.header.latestSeen).toBe(seenBefore);
    // The student's copy is still there, and their next share still opens.
    expect(held.content(s.session.vaultId).codes.length).toBe(1);
    held.open(share(s));
    expect(held.list().map((h) => [h.version, h.state])).toEqual([[2, 'open']]);
    s.sup.session.lock();
    s.session.lock();
  });

  it('an end date edited in the file', async () => {
    const s = await setup();
    const f = JSON.parse(Buffer.from(share(s)).toString('utf8'));
    f.body.until = '2031-05-30';
    const held = new HeldShares(s.sup.session);
    expect(codeOf(() => held.open(utf8(JSON.stringify(f))))).toBe('SHARE_DAMAGED');
    expect(held.list()).toEqual([]);
    s.sup.session.lock();
    s.session.lock();
  });

  it('opened after its end date, also with the clock set back, and after the copy was destroyed', async () => {
    const s = await setup();
    const bytes = share(s);
    s.sup.session.lock();
    const late = await reopen(s.sup.dir, s.sup.deps, AFTER);
    expect(codeOf(() => new HeldShares(late).open(bytes))).toBe('SHARE_EXPIRED');
    expect(new HeldShares(late).list()).toEqual([]);
    late.lock();
    // The folder has seen a time after the end date (signed into its header): a clock set back changes nothing.
    const back = await reopen(s.sup.dir, s.sup.deps, NOW);
    expect(codeOf(() => new HeldShares(back).open(bytes))).toBe('SHARE_EXPIRED');
    back.lock();
    s.session.lock();
  });
});

describe('the end of access', () => {
  it('the daily job destroys the copy with no passphrase; no plaintext and no copy key is left; the clock set back does not bring it back', async () => {
    const s = await setup();
    const bytes = share(s);
    new HeldShares(s.sup.session).open(bytes);
    s.sup.session.lock();
    const before = listFiles(s.sup.dir).map((f) => path.relative(s.sup.dir, f)).sort();
    expect(before.some((f) => /copy-1\.key$/.test(f))).toBe(true);

    expect(enforceSupervisorFolder(s.sup.dir, { verifier: nodeEd25519, now: NOW() }).destroyedNow).toEqual([]);
    const r = enforceSupervisorFolder(s.sup.dir, { verifier: nodeEd25519, now: AFTER() });
    expect(r.destroyedNow).toEqual([{ vaultId: s.session.vaultId, title: s.session.facts.title, version: 1, until: UNTIL }]);
    const after = listFiles(s.sup.dir).map((f) => path.relative(s.sup.dir, f)).sort();
    expect(after).toEqual(['clock.json', 'hvelv-supervisor.json', path.join('shares', s.session.vaultId, 'DESTROYED.json')].sort());

    // The clock set back: the folder opens, the copy stays destroyed, the share file no longer opens.
    const back = await reopen(s.sup.dir, s.sup.deps, NOW);
    const held = new HeldShares(back);
    expect(held.list()).toEqual([expect.objectContaining({ state: 'destroyed', version: 1 })]);
    expect(codeOf(() => held.content(s.session.vaultId))).toBe('SHARE_EXPIRED');
    expect(codeOf(() => held.open(bytes))).toBe('SHARE_EXPIRED');
    const { certificate, signature } = held.certificate(s.session.vaultId);
    expect(certificate).toMatchObject({ vaultId: s.session.vaultId, version: 1, until: UNTIL, supervisorFingerprint: s.entry.fingerprint, participants: [s.a, s.b].sort() });
    expect(nodeEd25519.verify(back.publicKeys.sign, certificateMessage(certificate), fromB64(signature))).toBe(true);
    back.lock();
    s.session.lock();
  });

  it('an unlock after the end date destroys the copy itself', async () => {
    const s = await setup();
    new HeldShares(s.sup.session).open(share(s));
    s.sup.session.lock();
    const late = await reopen(s.sup.dir, s.sup.deps, AFTER);
    expect(new HeldShares(late).list()[0]).toMatchObject({ state: 'destroyed' });
    expect(listFiles(s.sup.dir).filter((f) => /copy-|comments-/.test(f))).toEqual([]);
    late.lock();
    s.session.lock();
  });
});

describe('withdrawal, revocation and feedback', () => {
  it('withdrawal then refresh removes the participant from the supervisor’s copy, and the receipt says so', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup.session);
    held.open(share(s));
    held.addComment(s.session.vaultId, { kind: 'segment', id: s.seg.id }, 'Om A sitt utdrag.');
    held.addComment(s.session.vaultId, { kind: 'code', id: s.tillit.id }, 'Om koden.');
    const p = new Participants(s.session, NOW);
    await p.withdraw(s.a, '2026-11-27');
    expect(s.students.holding(s.a)).toEqual([expect.objectContaining({ supervisorId: s.entry.id, version: 1, replacedAt: null })]);
    expect(p.receipt(s.a).supervisorCopies).toEqual([expect.objectContaining({ version: 1, replacedAt: null })]);

    const v2 = share(s);
    expect(s.students.holding(s.a)[0]!.replacedAt).not.toBeNull();
    expect(p.receipt(s.a).supervisorCopies?.[0]?.replacedAt).not.toBeNull();
    expect(held.open(v2)).toMatchObject({ version: 2, participants: [s.b] });
    const c = held.content(s.session.vaultId);
    expect(c.transcripts.map((t) => t.participant)).toEqual([s.b]);
    expect(codeOf(() => held.transcript(s.session.vaultId, s.ta))).toBe('NOT_FOUND');
    expect(held.search(s.session.vaultId, 'Ålesund').total).toBe(0);
    expect(held.comments(s.session.vaultId).map((x) => x.text)).toEqual(['Om koden.']);
    s.sup.session.lock();
    // Nothing of A's text is left in the supervisor's folder, even as old copies.
    expect(listFiles(s.sup.dir).filter((f) => /copy-1|comments-1/.test(f))).toEqual([]);
    s.session.lock();
  });

  it('revocation: no further share for them', async () => {
    const s = await setup();
    s.students.remove(s.entry.id);
    expect(codeOf(() => s.students.create(s.entry.id, acceptAll(s.students, s.entry.id)))).toBe('SUPERVISOR_REVOKED');
    expect(s.session.audit.list().map((e) => e.action)).toEqual(expect.arrayContaining(['supervisor.added', 'supervisor.removed']));
    s.sup.session.lock();
    s.session.lock();
  });

  it('feedback round trip: signed, checked, sealed under the participant’s key, replies travel back', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup.session);
    held.open(share(s));
    const vid = s.session.vaultId;
    held.addComment(vid, { kind: 'code', id: s.tillit.id }, 'Vurder å dele koden i to.');
    held.addComment(vid, { kind: 'theme', id: s.theme.id }, 'Godt tema.');
    const onSeg = held.addComment(vid, { kind: 'segment', id: s.seg.id }, 'Ring meg på 915 55 123 om dette utdraget.');
    expect(codeOf(() => held.addComment(vid, { kind: 'code', id: '0'.repeat(32) }, 'x'))).toBe('NOT_FOUND');
    const { bytes } = held.exportFeedback(vid);

    const r = s.students.importFeedback(bytes, s.deps.crypto);
    expect(r).toMatchObject({ fingerprint: s.entry.fingerprint, comments: 3, added: 3, dropped: 0, flagged: [onSeg.id] });
    expect(s.students.importFeedback(bytes, s.deps.crypto).added).toBe(0); // twice adds nothing
    const comments = s.students.comments();
    expect(comments.map((c) => [c.targetLabel, c.participant])).toEqual([['Tillit', null], ['Å bli sett', null], [s.a, s.a]]);
    expect(comments[2]!.flags.map((f) => f.text)).toEqual(['915 55 123']);
    const rec = s.session.stores.transcripts.get(FEEDBACK_TABLE, onSeg.id);
    expect(rec?.participant).toBe(s.a);
    expect(s.session.audit.list().filter((e) => e.action === 'feedback.imported')[0]!.details).toMatchObject({ comments: 3, added: 3, flagged: 1 });

    const first = comments[0]!;
    s.students.reply(first.id, 'Takk, jeg deler den.');
    s.students.resolve(first.id, true);
    held.open(share(s));
    const back = held.comments(vid).find((c) => c.id === first.id)!;
    expect(back).toMatchObject({ resolved: true, replies: [expect.objectContaining({ text: 'Takk, jeg deler den.' })] });

    // Withdrawal destroys the comment on A's segment with A's key.
    await new Participants(s.session, NOW).withdraw(s.a, '2026-11-27');
    expect(s.students.comments().map((c) => c.id)).not.toContain(onSeg.id);
    s.sup.session.lock();
    s.session.lock();
  });

  it('a comment on a memo about a participant’s interview is theirs: sealed under their key, gone with their withdrawal', async () => {
    const s = await setup();
    const memo = s.memos.add({ target: { kind: 'transcript', id: s.ta }, text: 'Notat om intervjuet.' });
    const held = new HeldShares(s.sup.session);
    held.open(share(s));
    held.addComment(s.session.vaultId, { kind: 'memo', id: memo.id }, 'Kommentar-Storlom-7731 om notatet.');
    const { bytes } = held.exportFeedback(s.session.vaultId);
    s.students.importFeedback(bytes, s.deps.crypto);
    expect(s.session.stores.transcripts.list(FEEDBACK_TABLE).map((r) => r.participant)).toEqual([memo.participant]);
    await new Participants(s.session, NOW).withdraw(memo.participant!, '2026-11-27');
    expect(s.students.comments()).toEqual([]);
    // The same file imported again after the withdrawal brings nothing back.
    expect(s.students.importFeedback(bytes, s.deps.crypto).added).toBe(0);
    expect(s.students.comments()).toEqual([]);
    s.sup.session.lock();
    s.session.lock();
  });

  it('a feedback file altered, or signed by someone else, is refused and nothing is imported', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup.session);
    held.open(share(s));
    held.addComment(s.session.vaultId, { kind: 'code', id: s.tillit.id }, 'Kommentar.');
    const { bytes } = held.exportFeedback(s.session.vaultId);
    const step = Math.max(1, Math.floor(bytes.length / 200));
    for (let i = 0; i < bytes.length; i += step) {
      const bad = Uint8Array.from(bytes);
      bad[i] = bad[i]! ^ 0x01;
      expect(codeOf(() => s.students.importFeedback(bad, s.deps.crypto)), `byte ${i}`).not.toBe('NO_ERROR');
    }
    // Re-signed by another key (a stranger, or another supervisor of another project).
    const stranger = s.deps.crypto.signKeyPair(s.deps.crypto.random(32));
    const f = JSON.parse(Buffer.from(bytes).toString('utf8'));
    f.body.supervisor = toB64(stranger.publicKey);
    f.signature = toB64(s.deps.crypto.sign(stranger.secretKey, encodeFields('hvelv/feedback', [1, canonicalJson(f.body)])));
    expect(codeOf(() => s.students.importFeedback(utf8(JSON.stringify(f)), s.deps.crypto))).toBe('FEEDBACK_UNKNOWN_SIGNER');
    expect(s.students.comments()).toEqual([]);
    expect(s.session.audit.list().filter((e) => e.action === 'feedback.imported')).toEqual([]);
    s.sup.session.lock();
    s.session.lock();
  });
});
