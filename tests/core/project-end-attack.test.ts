/**
 * Attacks on the end date's deletion (attack review of issue 27's one pass): what another
 * process that can write the vault folder, or a second run in the same app, can do to it.
 * Real vaults, real files, real SQLite and libsodium.
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enforceProjectEnd, enforceProjectEndAsync, listCertificates } from '../../electron/core/services/project-end/project-end';
import { openProject } from '../../electron/core/services/project/open';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { storeDir } from '../../electron/core/vault/layout';
import { acquireLock } from '../../electron/core/vault/lock';
import { createVault, inspectVault } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import { checkDeadlines, projectEndPending } from '../../electron/core/services/project-end/deadline-watch';
import { translate } from '@shared/i18n/catalogue';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { SessionManager } from '../../electron/core/services/project/session-manager';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import type { AppEvent } from '@shared/contract';
import { makeWav, pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF, TEST_KDF_POLICY } from './helpers';
import { wavHeader } from '../wav';

const PASS = 'project end attack passphrase';
const at = (iso: string) => new Date(`${iso}T12:00:00`);

async function study(seconds = 2, mib = 0) {
  const deps = await testDeps({ now: () => at('2031-05-01') });
  const dir = path.join(tempDir(), 'vault');
  const session = await createVault(dir, pw(PASS), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate }, deps, { kdf: TEST_KDF });
  const now = () => at('2031-05-01');
  const p = new Participants(session, now);
  const form = (await import('../../electron/core/consent/forms')).ensureInitialForm(session.stores.keylist, session.facts, now());
  const code = p.add({ name: 'Sigrun Slutt-Testesen' });
  p.recordConsent(code, { date: '2031-04-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], unfinishedLetter: true });
  const wav = path.join(tempDir(), 'opptak.wav');
  if (mib > 0) fs.writeFileSync(wav, Buffer.concat([wavHeader(mib * 1024 * 1024, 16000, 1), randomFillSync(Buffer.alloc(mib * 1024 * 1024))]));
  else makeWav(wav, seconds, 77);
  await new Recordings(session, now).import(code, wav);
  session.lock();
  return { dir, deps };
}

describe('the end date against things put in a store', () => {
  it('a named pipe in the recordings store does not stop the deletion, the certificate or the next open', async () => {
    const { dir, deps } = await study();
    const blobs = path.join(storeDir(dir, 'recordings'), 'blobs');
    execFileSync('mkfifo', [path.join(blobs, 'fifo.hvr')]);
    execFileSync('mkfifo', [path.join(storeDir(dir, 'keylist'), 'pipe')]);
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    expect(fs.readdirSync(storeDir(dir, 'keylist'))).toEqual(['DESTROYED.json']);
    expect(listCertificates(dir)[0]!.stores.map((s) => s.store)).toEqual(['keylist', 'recordings']);
  });

  it('the same through the one pass (the app, the daily job), and the vault opens afterwards', async () => {
    const { dir, deps } = await study();
    execFileSync('mkfifo', [path.join(storeDir(dir, 'recordings'), 'blobs', 'fifo.hvr')]);
    const r = await enforceProjectEndAsync(dir, { crypto: deps.crypto, now: at('2031-06-01') });
    expect(r.certificate).not.toBeNull();
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    const s = await openProject(dir, PASS, { ...deps, now: () => at('2031-06-01') });
    s.lock();
  });
});

describe('a damaged tombstone', () => {
  it('is written again from what is left: the store\'s key and recordings still go, the certificate counts them, the vault opens', { timeout: 60_000 }, async () => {
    const { dir, deps } = await study();
    const tomb = path.join(storeDir(dir, 'recordings'), 'DESTROYED.json');
    fs.writeFileSync(tomb, '{"store":"recor');
    const r = await enforceProjectEndAsync(dir, { crypto: deps.crypto, now: at('2031-06-01') });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    expect(JSON.parse(fs.readFileSync(tomb, 'utf8'))).toMatchObject({ store: 'recordings', recordingFiles: 1, reason: 'project-end' });
    expect(listCertificates(dir)[0]!.stores.find((x) => x.store === 'recordings')).toMatchObject({ recordingFiles: 1 });
    const s = await openProject(dir, PASS, { ...deps, now: () => at('2031-06-01') });
    s.lock();
  });
});

describe('a certificate damaged after the deletion', () => {
  it('does not stop the vault opening, its overview, or the daily job, and is not written again with a wrong date', { timeout: 60_000 }, async () => {
    const { dir, deps } = await study();
    const r = enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') });
    fs.writeFileSync(r.certificate!.json, '{"vaultId":');
    const later = { crypto: deps.crypto, now: at('2031-07-01') };
    expect(enforceProjectEnd(dir, later)).toMatchObject({ destroyedNow: [], certificate: null });
    expect(fs.readdirSync(path.dirname(r.certificate!.json)).sort()).toEqual(['deletion-2031-06-01.html', 'deletion-2031-06-01.json']);
    const s = await openProject(dir, PASS, { ...deps, now: () => at('2031-07-01') });
    expect(listCertificates(dir)).toEqual([]);
    s.lock();
  });
});

describe('two runs of the end date at once (the daily job joining the app\'s overwrite)', () => {
  it('the one that joins while the lock is let go does not certify and audit the deletion a second time', { timeout: 120_000 }, async () => {
    const { dir, deps } = await study(0, 48);
    const now = at('2031-06-01');
    let overwriting = false;
    const first = enforceProjectEndAsync(dir, { crypto: deps.crypto, now }, ({ bytes }) => {
      if (bytes > 0) overwriting = true;
    });
    await expect.poll(() => overwriting, { timeout: 60_000, interval: 1 }).toBe(true);
    const second = enforceProjectEndAsync(dir, { crypto: deps.crypto, now: at('2031-06-02') });
    const [a, b] = await Promise.all([first, second]);
    expect(a.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(b.destroyedNow).toEqual(['recordings']);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    expect(listCertificates(dir)).toHaveLength(1);
    expect([a.certificate, b.certificate].filter(Boolean)).toHaveLength(1);
    const s = await openProject(dir, PASS, { ...deps, now: () => at('2031-06-02') });
    expect(s.audit.list().filter((e) => e.action === 'project-end.enforced')).toHaveLength(1);
    s.lock();
  });
});

describe('the vault held when the overwrite ends', () => {
  it('by an open after another run finished the deletion: the run that overwrote is done, not VAULT_BUSY', { timeout: 120_000 }, async () => {
    const { dir, deps } = await study(0, 16);
    let held: { release(): void } | null = null;
    const r = await enforceProjectEndAsync(dir, { crypto: deps.crypto, now: at('2031-06-01') }, ({ bytes, total }) => {
      if (held || total === 0 || bytes < total) return;
      // The last slice written: another run (an open's, another Hvelv's) finishes everything,
      // and the vault is then held by the open's session.
      enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-01') });
      held = acquireLock(dir, 'session');
    });
    try {
      expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
      expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
      expect(listCertificates(dir)).toHaveLength(1);
    } finally {
      (held as { release(): void } | null)?.release();
    }
  });
});

describe('a deletion another Hvelv is running when the app looks', () => {
  it('the daily job mid-overwrite looks like one cut short to the app, which joins it: the panel does not say Hvelv was closed', { timeout: 120_000 }, async () => {
    const { dir, deps } = await study(0, 48);
    let overwriting = false;
    // The daily job (another process; here without the app's one-at-a-time) has let the lock go to overwrite.
    const job = enforceProjectEndAsync(dir, { crypto: deps.crypto, now: at('2031-06-01') }, ({ bytes }) => {
      if (bytes > 0) overwriting = true;
    });
    await expect.poll(() => overwriting, { timeout: 60_000, interval: 1 }).toBe(true);
    const facts = projectEndPending(dir, inspectVault(dir, deps.crypto), at('2031-06-01'));
    await job;
    expect(facts).toMatchObject({ resumed: true });
    for (const locale of ['nb', 'en'] as const) {
      const said = translate(locale, 'projectEnd.resumed');
      expect(said).not.toMatch(/ble avbrutt sist|ble lukket før|cut short last time|was closed before/);
      expect(said).toMatch(/daglige kontrollen|daily check/);
    }
  });
});

describe('two deletions of one vault in the same app', () => {
  async function app() {
    const { dir, deps } = await study(0, 48);
    const now = () => at('2031-06-01');
    const config = new AppConfig(path.join(tempDir(), 'cfg', 'config.json'));
    config.rememberVault(dir, 'Studie', now());
    const events: AppEvent[] = [];
    const { handlers, sessions, projectEnd } = createHandlers({
      crypto: deps.crypto,
      kdfPolicy: TEST_KDF_POLICY,
      createOptions: { kdf: TEST_KDF },
      now,
      config,
      emit: (e) => events.push(e),
      platform: { version: 't', systemLocale: () => 'nb-NO', documentsDir: () => tempDir(), chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id) => `test-media://${id}`, scheduleCommand: () => null },
    });
    const watch = () => checkDeadlines({ config, sessions, crypto: deps.crypto, now, emit: (e) => events.push(e), report: projectEnd, notify: () => undefined, reminderText: () => ({ title: '', body: '' }) });
    const overwriting = () => expect.poll(() => events.some((e) => e.type === 'work-progress' && e.bytes > 0), { timeout: 60_000, interval: 1 }).toBe(true);
    const told = () => events.flatMap((e) => (e.type === 'project-end' && e.state ? [e.state] : []));
    return { dir, events, handlers, sessions, projectEnd, watch, overwriting, told };
  }

  it('the app\'s watch while an open deletes leaves it to the open, says nothing false, and certifies once', { timeout: 120_000 }, async () => {
    const { dir, handlers, sessions, projectEnd, watch, overwriting, told } = await app();
    // The student opens the vault after its end date: the open deletes first (the panel shows it) ...
    const opening = dispatch(handlers, 'vault.unlock', { path: dir, passphrase: PASS });
    await overwriting();
    // ... and while the recordings are overwritten (the lock let go), the app's hourly check comes.
    const watched = await watch();
    expect(await opening).toMatchObject({ ok: true });
    expect(watched.enforced).toEqual([]);
    // Never said to finish a deletion "cut short last time": nothing was cut short.
    expect(told().filter((s) => s.resumed)).toEqual([]);
    // The panel ends on "done" with the certificate, not on nothing.
    expect(projectEnd.current()).toMatchObject({ phase: 'done', resumed: false });
    expect(projectEnd.current()!.certificate).toMatch(/deletion-2031-06-01\.html$/);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    // One deletion, recorded once.
    expect(sessions.current!.audit.list().filter((e) => e.action === 'project-end.enforced')).toHaveLength(1);
    sessions.lock('user');
  });

  it('an open while the app\'s watch deletes waits for it (the panel is the watch\'s, done once, not "cut short")', { timeout: 120_000 }, async () => {
    const { dir, handlers, sessions, projectEnd, watch, overwriting, told } = await app();
    const watching = watch();
    await overwriting();
    const opened = await dispatch(handlers, 'vault.unlock', { path: dir, passphrase: PASS });
    expect(opened).toMatchObject({ ok: true });
    expect((await watching).enforced).toEqual([dir]);
    expect(told().filter((s) => s.resumed)).toEqual([]);
    expect(told().filter((s) => s.phase === 'done')).toHaveLength(1);
    expect(projectEnd.current()).toMatchObject({ phase: 'done' });
    expect(projectEnd.current()!.certificate).toMatch(/deletion-2031-06-01\.html$/);
    expect(sessions.current!.audit.list().filter((e) => e.action === 'project-end.enforced')).toHaveLength(1);
    sessions.lock('user');
  });
});

describe('the app\'s watch over several vaults', () => {
  it('one vault failing in an unexpected way does not keep the others from their end date', { timeout: 60_000 }, async () => {
    const broken = await study();
    const sound = await study();
    // A tombstone damaged (a bad sector, a sync conflict) in a deletion cut short: the first vault's run fails.
    fs.writeFileSync(path.join(storeDir(broken.dir, 'recordings'), 'DESTROYED.json'), '{"store":"recor');
    const now = () => at('2031-06-01');
    const config = new AppConfig(path.join(tempDir(), 'cfg', 'config.json'));
    config.rememberVault(sound.dir, 'Sound', now());
    config.rememberVault(broken.dir, 'Broken', now()); // the latest first
    expect(config.recent().map((r) => r.path)).toEqual([broken.dir, sound.dir]);
    const sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined });
    const watch = checkDeadlines({ config, sessions, crypto: sound.deps.crypto, now, emit: () => undefined, notify: () => undefined, reminderText: () => ({ title: '', body: '' }) });
    await watch.catch(() => undefined);
    expect(fs.readdirSync(storeDir(sound.dir, 'keylist'))).toEqual(['DESTROYED.json']);
    expect(fs.readdirSync(storeDir(sound.dir, 'recordings'))).toEqual(['DESTROYED.json']);
    expect(listCertificates(sound.dir)).toHaveLength(1);
  });

  it('two vaults past their end at the start: the window is told of both, not only the last', { timeout: 60_000 }, async () => {
    const first = await study();
    const second = await study();
    // Two copies of one study (the same title and end date), in two folders.
    const { ProjectEndReport } = await import('../../electron/core/services/project-end/deadline-watch');
    const now = () => at('2031-06-01');
    const config = new AppConfig(path.join(tempDir(), 'cfg', 'config.json'));
    config.rememberVault(first.dir, 'A', now());
    config.rememberVault(second.dir, 'B', now());
    const events: AppEvent[] = [];
    const report = new ProjectEndReport((e) => events.push(e));
    const sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined });
    // The page is not there yet (the check at start runs before the window): it reads the state after.
    const r = await checkDeadlines({ config, sessions, crypto: first.deps.crypto, now, emit: () => undefined, report, notify: () => undefined, reminderText: () => ({ title: '', body: '' }) });
    expect(r.enforced.sort()).toEqual([first.dir, second.dir].sort());
    const state = report.current()!;
    expect(state.phase).toBe('done');
    expect(state.earlier).toHaveLength(1);
    expect(state.earlier![0]).toMatchObject({ phase: 'done' });
    const certs = [state.certificate, state.earlier![0]!.certificate].sort();
    expect(certs).toEqual([listCertificatePath(first.dir), listCertificatePath(second.dir)].sort());
    // Closed once, all are gone.
    report.dismiss();
    expect(report.current()).toBe(null);
  });
});

function listCertificatePath(vault: string): string {
  const dir = path.join(vault, 'certificates');
  return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.html'))!);
}
