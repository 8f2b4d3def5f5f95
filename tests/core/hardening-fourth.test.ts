/**
 * Issue 32 (the third hardening audit), beneath the CLI: supervisor feedback with terminal
 * escapes, the hidden file a killed share leaves, what `verify` says about a crash's
 * leftovers, and the deletion certificate's two times. Each test failed before its fix.
 * (The full disk is in hardening-full-disk.test.ts; the FIFO, the closed pipe and the
 * printing are in tests/cli/hardening.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromB64 } from '../../electron/core/crypto/encoding';
import { initSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { sealFeedback } from '../../electron/core/services/supervisor/share-file';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { verifyReport } from '../../electron/core/services/project/verify';
import { openProject } from '../../electron/core/services/project/open';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { enforceProjectEnd, listCertificates } from '../../electron/core/services/project-end/project-end';
import { renderCertificateHtml } from '../../electron/core/services/project-end/documents';
import { storeDir } from '../../electron/core/vault/layout';
import { LOCK_FILE } from '../../electron/core/vault/lock';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import { admit, codeOf, makeVault, makeWav, pw, SAMPLE_FACTS, TEST_KDF, TEST_KDF_POLICY, tempDir, testDeps } from './helpers';
import { NOW, study } from './analysis/fixture';

const UNTIL = '2027-03-01' as IsoDate;
const ESC_TEXT = 'Se her \u001b]0;hvelv er hacket\u0007\u001b[2J og slett alt';

async function withSupervisor() {
  const v = await study();
  const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
  const deps: SupervisorDeps = { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW };
  const sup = await initSupervisorFolder(dir, pw('veileders passord 1'), deps, { kdf: TEST_KDF });
  const tillit = v.book.add({ name: 'Tillit' });
  const students = new Supervisors(v.session, NOW, v.deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: UNTIL });
  const created = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
  students.recordShare(entry.id, created.made);
  const held = new HeldShares(sup);
  const opened = held.open(created.bytes);
  return { ...v, sup, held, students, entry, tillit, vaultId: opened.vaultId, created };
}

describe('supervisor feedback with control characters (ESC, BEL)', () => {
  it('is refused when the supervisor writes it; Windows line ends become line ends', async () => {
    const s = await withSupervisor();
    expect(codeOf(() => s.held.addComment(s.vaultId, { kind: 'code', id: s.tillit.id }, ESC_TEXT))).toBe('TEXT_CONTROL_CHARACTERS');
    expect(codeOf(() => s.held.addComment(s.vaultId, { kind: 'code', id: s.tillit.id }, 'Ring \u0007 meg'))).toBe('TEXT_CONTROL_CHARACTERS');
    expect(codeOf(() => s.held.addComment(s.vaultId, { kind: 'code', id: s.tillit.id }, 'C1 \u009b31m rødt'))).toBe('TEXT_CONTROL_CHARACTERS');
    expect(s.held.comments(s.vaultId)).toEqual([]);
    const ok = s.held.addComment(s.vaultId, { kind: 'code', id: s.tillit.id }, 'Første linje\r\nandre\tlinje');
    expect(ok.text).toBe('Første linje\nandre\tlinje');
    s.session.lock();
    s.sup.lock();
  });

  it('a comment stored before the check is not exported; a feedback file holding one is refused on import, nothing imported', async () => {
    const s = await withSupervisor();
    // A folder from before this check (or another tool) holds a comment with ESC and BEL.
    const priv = s.held as unknown as {
      load(id: string): { entry: { version: number }; payload: { feedbackKey: string } };
      readComments(id: string, v: number): unknown[];
      writeComments(id: string, v: number, c: unknown[]): void;
    };
    const { entry, payload } = priv.load(s.vaultId);
    const bad = { id: 'a'.repeat(32), target: { kind: 'code', id: s.tillit.id }, text: ESC_TEXT, createdAt: NOW().toISOString(), exportedAt: null };
    priv.writeComments(s.vaultId, entry.version, [bad]);
    expect(codeOf(() => s.held.exportFeedback(s.vaultId))).toBe('TEXT_CONTROL_CHARACTERS');
    // The same comment in a file signed with the supervisor's real key and sealed with the
    // real feedback key (what a supervisor's tool that does not check would send).
    const bytes = sealFeedback(
      s.sup.deps.crypto,
      (m) => s.sup.sign(m),
      { vaultId: s.vaultId, shareVersion: entry.version, supervisor: s.sup.publicKeys.sign, madeAt: NOW().toISOString(), feedbackKey: fromB64(payload.feedbackKey) },
      [{ id: bad.id, target: { kind: 'code', id: s.tillit.id }, text: ESC_TEXT, createdAt: bad.createdAt }],
    );
    expect(codeOf(() => s.students.importFeedback(bytes, s.deps.crypto))).toBe('TEXT_CONTROL_CHARACTERS');
    expect(s.students.comments()).toEqual([]);
    expect(s.session.audit.list().some((e) => e.action === 'feedback.imported')).toBe(false);
    s.session.lock();
    s.sup.lock();
  });

  it('a student’s reply with ESC is refused', async () => {
    const s = await withSupervisor();
    const c = s.held.addComment(s.vaultId, { kind: 'code', id: s.tillit.id }, 'Del koden i to?');
    const r = s.held.exportFeedback(s.vaultId);
    s.students.importFeedback(r.bytes, s.deps.crypto);
    expect(codeOf(() => s.students.reply(c.id, 'ok \u001b[31m'))).toBe('TEXT_CONTROL_CHARACTERS');
    expect(s.students.comments()[0]!.replies).toEqual([]);
    s.session.lock();
    s.sup.lock();
  });
});

describe('a share killed while it was written', () => {
  it('its hidden partial file (a dead process’s) is removed at the next share to that folder; a live one and a stranger’s file are not', async () => {
    const s = await withSupervisor();
    const out = tempDir('hvelv-share-out-');
    // What `share create` left when it was killed: the share's first bytes under its hidden name, its process gone.
    const dead = spawnSync('true').pid!;
    const partial = path.join(out, `.relasjonsarbeid.hvelvshare.partial-${dead}`);
    fs.writeFileSync(partial, Buffer.from(s.created.bytes).subarray(0, 4000));
    const emptyPartial = path.join(out, `.annen.hvelvshare.partial-${dead}`);
    fs.writeFileSync(emptyPartial, '');
    // Of a process still running (another share being written now), and a user's own file of a like name.
    const live = path.join(out, `.pågår.hvelvshare.partial-${process.ppid}`);
    fs.writeFileSync(live, Buffer.from(s.created.bytes).subarray(0, 100));
    const stranger = path.join(out, `.notat.txt.partial-${dead}`);
    fs.writeFileSync(stranger, 'mine egne notater');
    const again = s.students.create(s.entry.id, s.students.plan(s.entry.id).findings.map((f) => f.id));
    s.students.writeShare(path.join(out, 'ny.hvelvshare'), again);
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.existsSync(emptyPartial)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.readFileSync(stranger, 'utf8')).toBe('mine egne notater');
    expect(fs.readdirSync(out).sort()).toEqual(['.notat.txt.partial-' + dead, `.pågår.hvelvshare.partial-${process.ppid}`, 'ny.hvelvshare'].sort());
    expect(s.session.audit.list().some((e) => e.action === 'share.leftovers-removed' && e.details.count === 2)).toBe(true);
    s.session.lock();
    s.sup.lock();
  });
});

describe('a share killed with SIGKILL while it is written', () => {
  it('leaves its hidden partial file; verify names it; the next unlock removes it (the export journal)', { timeout: 120_000 }, async () => {
    const PASS = 'delingens passord 1';
    const deps = await testDeps({ now: NOW });
    const vault = path.join(tempDir(), 'vault');
    const session = await createVault(vault, pw(PASS), SAMPLE_FACTS, deps, { kdf: TEST_KDF });
    const code = admit(session);
    const wav = path.join(tempDir(), 'langt-opptak.wav');
    makeWav(wav, 800, 11); // 26 MB: long enough to be caught while it is written
    await new Recordings(session, NOW).import(code, wav);
    fs.rmSync(wav);
    new Transcripts(session, NOW).create(code, 'B: Vi snakket om tillit.\n');
    const supDir = path.join(tempDir('hvelv-sup-'), 'veileder');
    const sup = await initSupervisorFolder(supDir, pw('veileders passord 1'), { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    new Supervisors(session, NOW, deps.crypto).add({ key: sup.identity.key, label: 'V', until: UNTIL, recordings: true });
    sup.lock();
    session.lock();
    const out = tempDir('hvelv-share-out-');
    const target = path.join(out, 'med-opptak.hvelvshare');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'children', 'write-share.ts'), vault, target, PASS], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const partial = path.join(out, `.med-opptak.hvelvshare.partial-${child.pid}`);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Killed as soon as the hidden file holds a megabyte: watched without a pause from the
    // moment the child says it starts writing.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    let caught = false;
    const until = Date.now() + 30_000;
    while (Date.now() < until && !fs.existsSync(target)) {
      let size = 0;
      try {
        size = fs.statSync(partial).size;
      } catch {
        /* not yet */
      }
      if (size > 1024 * 1024) {
        child.kill('SIGKILL');
        caught = true;
        break;
      }
    }
    const exit = await exited;
    expect(caught, `exit ${exit} ${stderr} ${fs.readdirSync(out).join(',')}`).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.statSync(partial).size).toBeGreaterThan(0); // what the audit found: left for ever
    const s = await unlockVault(vault, pw(PASS), deps);
    expect(verifyReport(s, NOW).leftovers).toEqual([{ kind: 'interrupted-export', file: partial, bytes: fs.statSync(partial).size }]);
    s.lock();
    const opened = await openProject(vault, PASS, deps);
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(verifyReport(opened, NOW).leftovers).toEqual([]);
    opened.lock();
  });
});

describe('hvelv verify and a crash’s leftovers', () => {
  it('reports an orphaned recording blob and a partial import (not "ok"); the next unlock removes both', async () => {
    const deps = await testDeps();
    const dir = path.join(tempDir(), 'vault');
    const session = await createVault(dir, pw('verify passphrase'), SAMPLE_FACTS, deps, { kdf: TEST_KDF });
    const code = admit(session);
    const wav = path.join(tempDir(), 'a.wav');
    makeWav(wav, 1, 3);
    await new Recordings(session, deps.now).import(code, wav);
    const blobs = path.join(storeDir(dir, 'recordings'), 'blobs');
    const [real] = fs.readdirSync(blobs);
    // A crash between writing a blob and storing its record, and one in the middle of an import.
    const orphan = path.join(blobs, `${'0'.repeat(32)}.hvr`);
    fs.copyFileSync(path.join(blobs, real!), orphan);
    const partial = path.join(blobs, `${'1'.repeat(32)}.hvr.partial`);
    fs.writeFileSync(partial, Buffer.alloc(5000, 7));
    const before = verifyReport(session, deps.now);
    expect(before.problems).toEqual([]);
    expect(before.leftovers).toEqual(
      expect.arrayContaining([
        { kind: 'orphan-blob', file: path.join(path.relative(dir, blobs), path.basename(orphan)), bytes: fs.statSync(orphan).size },
        { kind: 'partial-import', file: path.join(path.relative(dir, blobs), path.basename(partial)), bytes: 5000 },
      ]),
    );
    expect(before.leftovers).toHaveLength(2);
    session.lock();
    const again = await openProject(dir, 'verify passphrase', deps);
    expect(fs.readdirSync(blobs)).toEqual([real]);
    expect(verifyReport(again, deps.now).leftovers).toEqual([]);
    again.lock();
  });
});

describe('the deletion certificate’s two times', () => {
  it('keeps when deletion was due (a --now day) and when it was carried out (the clock); an older certificate still renders', async () => {
    const deps = await testDeps({ now: () => new Date('2031-05-01T12:00:00') });
    const dir = path.join(tempDir(), 'vault');
    const session = await createVault(dir, pw('cert passphrase'), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate }, deps, { kdf: TEST_KDF });
    admit(session, undefined, deps.now);
    session.lock();
    const carried = new Date('2031-05-01T12:00:00Z');
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: carried, requestedNow: new Date('2031-06-29T12:00:00Z') });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    const [cert] = listCertificates(dir);
    expect(cert).toMatchObject({ dueOn: '2031-06-29', carriedOutAt: carried.toISOString() });
    const html = fs.readFileSync(r.certificate!.html, 'utf8');
    expect(html).toContain('Skulle slettes');
    expect(html).toContain('29. juni 2031');
    expect(html).toContain('Deleted (the computer’s clock)');
    expect(html).toContain(carried.toISOString());
    // A certificate written before: executedAt alone, shown as before.
    const { dueOn: _d, carriedOutAt: _c, ...old } = cert!;
    const oldHtml = renderCertificateHtml(old);
    expect(oldHtml).toContain('<th>Slettet</th>');
    expect(oldHtml).not.toContain('Skulle slettes');
  });
});

describe('the lock as a symbolic link', () => {
  it('a link lock of another live process is VAULT_BUSY; of a dead one (kill -9) it is taken over; an old JSON lock is still respected', async () => {
    const { dir, session } = await makeVault();
    session.lock();
    const lockFile = path.join(dir, LOCK_FILE);
    const other = spawn('sleep', ['30']);
    const deps = await testDeps();
    try {
      const hash = (await import('node:crypto')).createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
      fs.symlinkSync(`${other.pid} session ${Math.floor(Date.now() / 1000)} #${hash}`, lockFile);
      expect(codeOf(() => enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2026-11-27T10:00:00Z') }))).toBe('VAULT_BUSY');
      await expect(unlockVault(dir, pw('correct horse battery staple'), deps)).rejects.toMatchObject({ code: 'VAULT_BUSY', message: expect.stringContaining(`process ${other.pid} (session)`) });
      // A lock file an older Hvelv wrote (JSON), of a live process: respected too.
      fs.rmSync(lockFile);
      fs.writeFileSync(lockFile, JSON.stringify({ pid: other.pid, host: os.hostname(), since: new Date().toISOString(), purpose: 'session' }));
      await expect(unlockVault(dir, pw('correct horse battery staple'), deps)).rejects.toMatchObject({ code: 'VAULT_BUSY' });
      fs.rmSync(lockFile);
      fs.symlinkSync(`${other.pid} session ${Math.floor(Date.now() / 1000)} #${hash}`, lockFile);
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.on('close', r));
    const s = await unlockVault(dir, pw('correct horse battery staple'), deps);
    expect(fs.lstatSync(lockFile).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(lockFile)).toMatch(new RegExp(`^${process.pid} session \\d+ #[0-9a-f]{8}$`));
    s.lock();
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(LOCK_FILE))).toEqual([]);
  });
});

