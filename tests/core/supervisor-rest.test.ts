/**
 * The supervisor (issue 10), what the attack review left: a supervisor removed and added
 * again (share versions, feedback), the strict check of a share's content, the student
 * redacting and deleting a comment, the end date kept while the folder is open, replies in
 * an access request, the certificate's signed time and its check on the student's side,
 * and the report in the reader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { headlessEnforceArgs, packagedEnforceCommand, supervisorEnforceArgs } from '../../electron/core/services/project-end/headless-enforce';
import { systemdUnits } from '../../electron/core/services/project-end/schedule';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import { SUPERVISOR_AUTO_LOCK_MINUTES, SUPERVISOR_ENFORCE_EVERY_MS } from '../../electron/main/supervisor-handlers';
import { toB64, toHex } from '../../electron/core/crypto/encoding';
import { Participants } from '../../electron/core/services/participants/participants';
import { renderShareCertificateHtml } from '../../electron/core/services/supervisor/documents';
import { initSupervisorFolder, unlockSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { enforceSupervisorFolder, HeldShares } from '../../electron/core/services/supervisor/held';
import { sealShare, type SharePayload } from '../../electron/core/services/supervisor/share-file';
import { verifyShareCertificate } from '../../electron/core/services/supervisor/certificate-check';
import { FEEDBACK_TABLE, Supervisors } from '../../electron/core/services/supervisor/student';
import type { IsoDate } from '@shared/domain';
import { codeOf, listFiles, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';
import { NOW, study } from './analysis/fixture';

const UNTIL = '2027-03-01' as IsoDate;
const AFTER = new Date('2027-03-02T09:00:00Z');

/** A study with a code, a quote, a sub-coded quote, a theme, a memo and a supervisor whose clock the test moves. */
async function setup() {
  const v = await study();
  let clock = NOW();
  const now = () => clock;
  const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
  const deps: SupervisorDeps = { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now };
  const sup = await initSupervisorFolder(dir, pw('veileders passord 1'), deps, { kdf: TEST_KDF });
  const tillit = v.book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
  const sett = v.book.add({ name: 'Bli sett', parentId: tillit.id, definition: 'Å bli sett som menneske.' });
  const seg = v.coding.apply(v.ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [sett.id]);
  const segB = v.coding.apply(v.tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
  v.coding.setQuote(seg.id, true);
  const theme = v.themes.add({ name: 'Å bli sett', definition: 'Anerkjennelse i arbeidet.' });
  v.themes.assign(theme.id, tillit.id);
  const memo = v.memos.add({ target: { kind: 'code', id: tillit.id }, text: 'Koden samler tillit på tvers.' });
  const students = new Supervisors(v.session, NOW, v.deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: UNTIL });
  return { ...v, sup, dir, supDeps: deps, setClock: (d: Date) => (clock = d), students, entry, tillit, sett, theme, seg, segB, memo };
}
type Setup = Awaited<ReturnType<typeof setup>>;

function share(s: Setup, id = s.entry.id): Uint8Array {
  const { bytes, made } = s.students.create(id, s.students.plan(id).findings.map((f) => f.id));
  s.students.recordShare(id, made);
  return bytes;
}

describe('a supervisor removed and added again (attack review finding 5)', () => {
  it('gets share versions after the highest ever made for their key, and their feedback imports from the record it was sealed for', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    held.open(share(s));
    // Removed and added again, three times over: four records with the same key, three removed.
    let current = s.entry.id;
    for (let i = 0; i < 3; i++) {
      s.students.remove(current);
      current = s.students.add({ key: s.sup.identity.key, label: 'Hovedveileder', until: UNTIL }).id;
    }
    expect(s.students.plan(current).version).toBe(3);
    expect(held.open(share(s, current))).toMatchObject({ version: 3 });

    // Feedback on the new copy is sealed with the new record's key: imported, whatever the records' order.
    held.addComment(s.session.vaultId, { kind: 'code', id: s.tillit.id }, 'Etter at du la meg til igjen.');
    const r = s.students.importFeedback(held.exportFeedback(s.session.vaultId).bytes, s.deps.crypto);
    expect(r).toMatchObject({ added: 1, supervisorRemoved: false });
    expect(s.students.comments()[0]).toMatchObject({ text: 'Etter at du la meg til igjen.', supervisorRemoved: false });
    s.sup.lock();
    s.session.lock();
  });

  it('feedback from a supervisor since removed is imported and marked as such', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    held.addComment(s.session.vaultId, { kind: 'theme', id: s.theme.id }, 'Skrevet mens jeg hadde tilgang.');
    const bytes = held.exportFeedback(s.session.vaultId).bytes;
    s.students.remove(s.entry.id);
    const r = s.students.importFeedback(bytes, s.deps.crypto);
    expect(r).toMatchObject({ added: 1, supervisorRemoved: true });
    expect(s.students.comments()).toEqual([expect.objectContaining({ text: 'Skrevet mens jeg hadde tilgang.', supervisorRemoved: true })]);
    s.sup.lock();
    s.session.lock();
  });
});

describe('a share’s content is checked in full (attack review finding 11)', () => {
  /** A stranger's own share (anyone with the public supervisor key can make one), with `change` done to a real payload. */
  function strangerShare(s: Setup, change: (p: SharePayload) => void): Uint8Array {
    const c = s.deps.crypto;
    const stranger = c.signKeyPair(c.random(32));
    const payload: SharePayload = {
      phase: { current: 'initial-codes', history: [] },
      // As the student's share writes a code: without the codebook's count with sub-codes.
      codes: [s.book.get(s.tillit.id)].map(({ segmentCountWithSubcodes: _, ...c }) => c),
      themes: [],
      memos: [],
      transcripts: [{ id: s.ta, participant: s.a, text: 'Tillit er å bli sett.', syncPoints: [], createdAt: NOW().toISOString() }],
      segments: [{ ...s.coding.get(s.segB.id), transcriptId: s.ta, participant: s.a, start: 0, end: 6, codeIds: [s.tillit.id] }],
      replies: [],
      feedbackKey: toB64(c.random(32)),
    };
    change(payload);
    return sealShare(
      c,
      (m) => c.sign(stranger.secretKey, m),
      { vaultId: toHex(c.random(16)), title: 'Masteroppgave', shareVersion: 1, madeAt: NOW().toISOString(), until: UNTIL, owner: stranger.publicKey, recipient: s.sup.publicKeys, participants: [s.a], withdrawn: [], counts: { transcripts: 1, codes: 1, segments: 1, themes: 0, memos: 0 } },
      payload,
    );
  }

  it('a segment in a transcript the share does not hold, a code without its path, a theme with a code not there: SHARE_DAMAGED, nothing imported', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    // The untouched stranger's share is well made: it opens (trust on first use), so the refusals below are the check's.
    expect(held.open(strangerShare(s, () => {}))).toMatchObject({ version: 1 });
    const before = held.list();
    const bad: [string, (p: SharePayload) => void][] = [
      ['dangling segment', (p) => (p.segments[0]!.transcriptId = toHex(s.deps.crypto.random(16)))],
      ['segment past the end', (p) => (p.segments[0]!.end = 10_000)],
      ['segment with an unknown code', (p) => (p.segments[0]!.codeIds = [toHex(s.deps.crypto.random(16))])],
      ['segment of another participant', (p) => (p.segments[0]!.participant = s.b)],
      ['code without path', (p) => delete (p.codes[0] as Partial<SharePayload['codes'][0]>).path],
      ['code with an extra field', (p) => Object.assign(p.codes[0]!, { evil: 1 })],
      ['code whose parent is missing', (p) => (p.codes[0]!.parentId = toHex(s.deps.crypto.random(16)))],
      ['theme with a code not there', (p) => p.themes.push({ id: toHex(s.deps.crypto.random(16)), name: 'T', definition: '', status: 'candidate', parentId: null, codeIds: [toHex(s.deps.crypto.random(16))], createdAt: NOW().toISOString(), updatedAt: NOW().toISOString(), segmentCount: 0, transcriptCount: 0 })],
      ['a private memo', (p) => p.memos.push({ id: toHex(s.deps.crypto.random(16)), target: { kind: 'project' }, participant: null, text: 'x', private: true, phase: 'initial-codes', createdAt: NOW().toISOString(), updatedAt: NOW().toISOString() })],
      ['a code name with a terminal escape', (p) => ((p.codes[0]!.name = 'Tillit\u001b[2J'), (p.codes[0]!.path = ['Tillit\u001b[2J']))],
    ];
    for (const [what, change] of bad) {
      expect(codeOf(() => held.open(strangerShare(s, change))), what).toBe('SHARE_DAMAGED');
    }
    expect(held.list()).toEqual(before);
    s.sup.lock();
    s.session.lock();
  });
});

describe('the student redacts or deletes a supervisor’s comment (attack review finding 8)', () => {
  it('a flagged phone number is replaced by a placeholder; a deleted comment does not come back when the file is imported again', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    const vid = s.session.vaultId;
    const phone = held.addComment(vid, { kind: 'code', id: s.tillit.id }, 'Ring meg 😀 på 915 55 123 om koden, Kari.');
    const other = held.addComment(vid, { kind: 'theme', id: s.theme.id }, 'Godt tema.');
    const bytes = held.exportFeedback(vid).bytes;
    s.students.importFeedback(bytes, s.deps.crypto);
    const c = s.students.comments().find((x) => x.id === phone.id)!;
    expect(c.flags.map((f) => f.text)).toEqual(expect.arrayContaining(['915 55 123', 'Kari']));
    const f = c.flags.find((x) => x.text === '915 55 123')!;
    expect(codeOf(() => s.students.redact(c.id, { start: f.start, end: f.end, expected: 'noe annet', with: '[telefon]' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => s.students.redact(c.id, { start: f.start, end: f.end, expected: f.text, with: 'telefon' }))).toBe('INVALID_INPUT');
    const r = s.students.redact(c.id, { start: f.start, end: f.end, expected: f.text, with: '[telefon]' });
    expect(r.text).toBe('Ring meg 😀 på [telefon] om koden, Kari.');
    // The other flag moved with the text (code points: the emoji is one).
    const kari = r.flags.find((x) => x.text === 'Kari')!;
    expect([...r.text].slice(kari.start, kari.end).join('')).toBe('Kari');
    expect(r.flags.map((x) => x.text)).not.toContain('915 55 123');
    // Gone from the store, not only from the list.
    expect(JSON.stringify(s.session.stores.transcripts.get(FEEDBACK_TABLE, c.id)!.data)).not.toContain('915 55 123');

    s.students.deleteComment(other.id);
    expect(s.students.comments().map((x) => x.id)).toEqual([phone.id]);
    expect(s.students.importFeedback(bytes, s.deps.crypto).added).toBe(0);
    expect(s.students.comments().map((x) => x.id)).toEqual([phone.id]);
    expect(codeOf(() => s.students.deleteComment(other.id))).toBe('NOT_FOUND');
    expect(s.session.audit.list().map((e) => e.action)).toEqual(expect.arrayContaining(['feedback.redacted', 'feedback.deleted']));
    s.sup.lock();
    s.session.lock();
  });
});

describe('the end date while the supervisor’s folder is open (attack review finding 9)', () => {
  it('list() destroys a copy whose end date has come: it is never listed as open past it, and its copy key is gone', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    expect(held.list()[0]).toMatchObject({ state: 'open' });
    s.setClock(AFTER);
    expect(held.list()[0]).toMatchObject({ state: 'destroyed' });
    expect(listFiles(s.dir).filter((f) => /copy-|comments-/.test(f))).toEqual([]);
    s.sup.lock();
    s.session.lock();
  });
});

describe('an access request (attack review finding 13)', () => {
  it('holds the supervisor’s comment on the participant’s segment with the student’s replies to it', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    const c = held.addComment(s.session.vaultId, { kind: 'segment', id: s.seg.id }, 'Dette utdraget er sterkt.');
    s.students.importFeedback(held.exportFeedback(s.session.vaultId).bytes, s.deps.crypto);
    s.students.reply(c.id, 'Svar-Fjellvåk-4411 om utdraget.');
    const out = tempDir('hvelv-access-');
    const { folder } = await new Participants(s.session, NOW).accessRequest(s.a, out, 'nb');
    const file = listFiles(folder).find((f) => f.includes(`feedback-${c.id}`))!;
    const body = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(body).toMatchObject({ comment: 'Dette utdraget er sterkt.', replies: [expect.objectContaining({ text: 'Svar-Fjellvåk-4411 om utdraget.' })] });
    s.sup.lock();
    s.session.lock();
  });
});

describe('the certificate of deletion (attack review finding 13)', () => {
  it('does not take a backdated tombstone’s time, and the student checks it against the supervisor key in the vault', async () => {
    const s = await setup();
    new HeldShares(s.sup).open(share(s));
    s.sup.lock();
    enforceSupervisorFolder(s.dir, { verifier: nodeEd25519, now: AFTER });
    // The supervisor edits the daily job's unsigned tombstone to claim the copy went long ago.
    const tomb = path.join(s.dir, 'shares', s.session.vaultId, 'DESTROYED.json');
    fs.writeFileSync(tomb, JSON.stringify({ ...JSON.parse(fs.readFileSync(tomb, 'utf8')), destroyedAt: '2026-12-01T00:00:00.000Z' }));
    const back = await unlockSupervisorFolder(s.dir, pw('veileders passord 1'), { ...s.supDeps, now: () => AFTER });
    const { certificate, signature } = new HeldShares(back).certificate(s.session.vaultId);
    expect(Date.parse(certificate.destroyedAt)).toBeGreaterThanOrEqual(new Date(`${UNTIL}T00:00:00`).getTime());
    expect(Date.parse(certificate.destroyedAt)).toBeLessThanOrEqual(AFTER.getTime());
    back.lock();

    const json = JSON.stringify({ certificate, signature });
    expect(verifyShareCertificate(s.session, json, s.deps.crypto)).toMatchObject({ supervisor: { id: s.entry.id, fingerprint: s.entry.fingerprint }, certificate: { version: 1 } });
    // The HTML page carries the same signed text.
    expect(verifyShareCertificate(s.session, renderShareCertificateHtml(certificate, signature, 'nb'), s.deps.crypto).certificate).toEqual(certificate);
    // Changed after signing (another date, fewer participants): refused.
    expect(codeOf(() => verifyShareCertificate(s.session, JSON.stringify({ certificate: { ...certificate, destroyedAt: '2027-02-01T00:00:00.000Z' }, signature }), s.deps.crypto))).toBe('INTEGRITY');
    expect(codeOf(() => verifyShareCertificate(s.session, JSON.stringify({ certificate: { ...certificate, participants: [s.b] }, signature }), s.deps.crypto))).toBe('INTEGRITY');
    expect(codeOf(() => verifyShareCertificate(s.session, 'hei', s.deps.crypto))).toBe('INTEGRITY');
    s.session.lock();
  });
});

describe('the report in the reader', () => {
  it('holds the codebook and, per theme, its definition, codes and the quotes of its codes and their children, cited as in the .docx', async () => {
    const s = await setup();
    const held = new HeldShares(s.sup);
    held.open(share(s));
    const r = held.report(s.session.vaultId);
    expect(r.codes.map((c) => [c.path.join(' / '), c.definition, c.segmentCount])).toEqual([
      ['Tillit', 'Om å bli trodd.', 1],
      ['Tillit / Bli sett', 'Å bli sett som menneske.', 1],
    ]);
    expect(r.themes).toHaveLength(1);
    const th = r.themes[0]!;
    expect(th).toMatchObject({ theme: { name: 'Å bli sett', definition: 'Anerkjennelse i arbeidet.' }, depth: 0, codes: ['Tillit'] });
    // Only the segment chosen as a quote, though it carries the child code: as the student's report.
    expect(th.quotes.map((q) => [q.text, q.participant, q.timestampMs])).toEqual([['Tillit er å bli sett 😀 som et helt menneske', s.a, 872_000]]);
    const docx = await s.report.export(path.join(tempDir('hvelv-rep-'), 'r.docx'), { locale: 'nb', accepted: s.report.check().map((f) => f.text) });
    expect(docx.quotes).toBe(th.quotes.length);
    s.sup.lock();
    s.session.lock();
  });
});

describe('the open supervisor folder in the app (attack review finding 9)', () => {
  it('locks itself when idle and says so; while open, a timer destroys a copy whose end date has come', async () => {
    const home = tempDir();
    let clock = NOW();
    const pending = new Map<number, { fn: () => void; ms: number }>();
    let next = 0;
    const events: unknown[] = [];
    const { handlers } = createHandlers({
      crypto: await createCrypto(),
      kdfPolicy: TEST_KDF_POLICY,
      createOptions: { kdf: TEST_KDF },
      now: () => clock,
      config: new AppConfig(path.join(home, 'cfg', 'config.json')),
      emit: (e) => events.push(e),
      timers: { setTimeout: (fn, ms) => (pending.set(++next, { fn, ms }), next), clearTimeout: (h) => pending.delete(h as number) },
      platform: { version: 't', systemLocale: () => 'nb-NO', documentsDir: () => home, chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id) => `m://${id}`, scheduleCommand: () => null },
    });
    const value = async <T>(m: string, input: unknown): Promise<T> => {
      const r = await dispatch(handlers, m, input);
      if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };
    const fire = (ms: number) => {
      const due = [...pending].filter(([, t]) => t.ms === ms);
      for (const [id, t] of due) {
        pending.delete(id);
        t.fn();
      }
      return due.length;
    };
    const folder = path.join(home, 'veileder');
    await value('supervisor.init', { path: folder, passphrase: 'veileders passord' });
    // Activity puts the idle lock off: one countdown at a time.
    await value('supervisor.shares', {});
    await value('supervisor.touch', {});
    expect([...pending.values()].filter((t) => t.ms === SUPERVISOR_AUTO_LOCK_MINUTES * 60_000)).toHaveLength(1);
    expect(fire(SUPERVISOR_AUTO_LOCK_MINUTES * 60_000)).toBe(1);
    expect(await value('supervisor.state', {})).toEqual({ unlocked: false });
    expect(events).toEqual([{ type: 'supervisor-locked', reason: 'idle', minutes: SUPERVISOR_AUTO_LOCK_MINUTES }]);
    // The lock released the folder: the daily job can run now (it got VAULT_BUSY while it was open).
    expect(enforceSupervisorFolder(folder, { verifier: nodeEd25519, now: clock }).destroyedNow).toEqual([]);
    expect(pending.size).toBe(0);

    // A share held; the folder open past its end date, with nobody reading: the timer destroys it.
    const s = await setup();
    new HeldShares(s.sup).open(share(s));
    s.sup.lock();
    await value('supervisor.unlock', { path: s.dir, passphrase: 'veileders passord 1' });
    expect(listFiles(s.dir).some((f) => /copy-1\.key$/.test(f))).toBe(true);
    clock = AFTER;
    expect(fire(SUPERVISOR_ENFORCE_EVERY_MS)).toBe(1);
    expect(listFiles(s.dir).filter((f) => /copy-|comments-/.test(f))).toEqual([]);
    // And it keeps checking.
    expect([...pending.values()].some((t) => t.ms === SUPERVISOR_ENFORCE_EVERY_MS)).toBe(true);
    await value('supervisor.lock', {});
    expect(pending.size).toBe(0);
    s.session.lock();
  });
});

describe('the supervisor folder’s daily job, installed from the app', () => {
  it.runIf(process.platform === 'linux')('is written to run the packaged app’s share-enforce on the folder, with its key pinned', async () => {
    const home = tempDir();
    const configHome = path.join(home, 'config-home');
    const { handlers } = createHandlers({
      crypto: await createCrypto(),
      kdfPolicy: TEST_KDF_POLICY,
      createOptions: { kdf: TEST_KDF },
      now: NOW,
      config: new AppConfig(path.join(home, 'cfg', 'config.json')),
      emit: () => {},
      platform: { version: 't', systemLocale: () => 'nb-NO', documentsDir: () => home, chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id) => `m://${id}`, scheduleCommand: () => packagedEnforceCommand('/opt/Hvelv/hvelv'), configHome },
    });
    const folder = path.join(home, 'veileder');
    expect(await dispatch(handlers, 'supervisor.scheduleInstall', {})).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
    const r = await dispatch(handlers, 'supervisor.init', { path: folder, passphrase: 'veileders passord' });
    expect(r.ok).toBe(true);
    expect(await dispatch(handlers, 'supervisor.scheduleStatus', {})).toMatchObject({ ok: true, value: { supported: true, installed: false } });
    expect(await dispatch(handlers, 'supervisor.scheduleInstall', {})).toMatchObject({ ok: true, value: { installed: true } });
    expect(await dispatch(handlers, 'supervisor.scheduleStatus', {})).toMatchObject({ ok: true, value: { installed: true } });
    const sign = (JSON.parse(fs.readFileSync(path.join(folder, 'hvelv-supervisor.json'), 'utf8')) as { body: { keys: { sign: string } } }).body.keys.sign;
    const service = listFiles(configHome).find((f) => f.endsWith('.service'))!;
    const exec = /^ExecStart=(.*)$/m.exec(fs.readFileSync(service, 'utf8'))![1]!;
    const argv = [...exec.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    expect(argv[0]).toBe('/opt/Hvelv/hvelv');
    expect(headlessEnforceArgs(argv.slice(1))).toEqual(['share', 'enforce', folder, '--owner-key', sign]);
    await dispatch(handlers, 'supervisor.lock', {});
  });
});

describe('the packaged app’s headless entry (README: it took only `enforce`)', () => {
  it('takes `share-enforce <dir>` as the CLI’s `share enforce <dir>`, and the supervisor folder’s daily job is written to use it', () => {
    expect(headlessEnforceArgs(['--ozone-platform=headless', 'share-enforce', '/home/v/Veileder', '--owner-key', 'K', '--no-sandbox'])).toEqual(['share', 'enforce', '/home/v/Veileder', '--owner-key', 'K']);
    expect(headlessEnforceArgs(['share-enforce', '/v', '--now=2031-06-29', '--json'])).toEqual(['share', 'enforce', '/v', '--now=2031-06-29', '--json']);
    // No other share subcommand, and nothing that only looks like one.
    expect(headlessEnforceArgs(['share', 'enforce', '/v'])).toBeNull();
    expect(headlessEnforceArgs(['share', 'open', '/v', 'x.hvelvshare'])).toBeNull();
    expect(headlessEnforceArgs(['toString', '/v'])).toBeNull();
    expect(headlessEnforceArgs(['share-enforce-all', '/v'])).toBeNull();

    const app = packagedEnforceCommand('/opt/Hvelv/hvelv');
    const units = systemdUnits({ vaultPath: '/home/v/Veileder', vaultId: 'b'.repeat(32), title: 'supervisor folder', ownerKey: 'SIGN', command: app, enforceArgs: supervisorEnforceArgs(app, '/home/v/Veileder', 'SIGN') }, tempDir());
    const exec = /^ExecStart=(.*)$/m.exec(units[0]!.content)![1]!;
    const argv = [...exec.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    expect(argv[0]).toBe('/opt/Hvelv/hvelv');
    expect(headlessEnforceArgs(argv.slice(1))).toEqual(['share', 'enforce', '/home/v/Veileder', '--owner-key', 'SIGN']);
    // The command line's own job runs the CLI's words.
    expect(supervisorEnforceArgs({ app: false }, '/v', 'SIGN')).toEqual(['share', 'enforce', '/v', '--owner-key', 'SIGN']);
  });
});
