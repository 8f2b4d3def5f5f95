/** The supervisor's IPC methods through the real handler table and dispatch (what the screens call), both sides in one app. */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';

const project = { title: 'Relasjonsarbeid', institution: '', faculty: '', student: '', supervisor: '', siktRef: '', endDate: '2027-06-01', endAction: 'anonymise' };

describe('supervisor handlers', () => {
  it('student adds a supervisor and makes a share; the supervisor opens it, reads, comments; the student imports the feedback', async () => {
    const home = tempDir();
    const chosen: (string | null)[] = [];
    const saveAs: (string | null)[] = [];
    const config = new AppConfig(path.join(home, 'cfg', 'config.json'));
    const { handlers, sessions } = createHandlers({
      crypto: await createCrypto(),
      kdfPolicy: TEST_KDF_POLICY,
      createOptions: { kdf: TEST_KDF },
      now: () => new Date('2026-11-27T12:00:00Z'),
      config,
      emit: () => {},
      platform: { version: 't', systemLocale: () => 'nb-NO', documentsDir: () => path.join(home, 'Documents'), chooseFolder: async () => null, chooseFile: async () => chosen.shift() ?? null, chooseSavePath: async () => saveAs.shift() ?? null, mediaUrl: (id) => `test-media://${id}`, scheduleCommand: () => null },
    });
    const call = async (m: string, input: unknown) => dispatch(handlers, m, input);
    const value = async <T>(m: string, input: unknown): Promise<T> => {
      const r = await call(m, input);
      if (!r.ok) throw new Error(`${m}: ${r.error.code} ${r.error.message}`);
      return r.value as T;
    };

    // The supervisor's installation: "I am a supervisor".
    const folder = path.join(home, 'veileder');
    expect(await value('supervisor.state', {})).toEqual({ unlocked: false });
    expect(await call('supervisor.shares', {})).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
    const id = await value<{ key: string; fingerprint: string }>('supervisor.init', { path: folder, passphrase: 'veileders passord' });
    expect(await value('supervisor.recent', {})).toEqual([expect.objectContaining({ path: folder })]);
    await value('supervisor.lock', {});

    // The student's vault.
    const vault = path.join(home, 'studie');
    await value('vault.create', { path: vault, passphrase: 'studentens passord', project });
    const code = admit(sessions.require());
    const t = new Transcripts(sessions.require(), () => new Date('2026-11-27T12:00:00Z')).create(code, '#00:00:01-0# B: Tillit er å bli sett.\n');
    const tillit = await value<{ id: string }>('codes.add', { name: 'Tillit' });
    await value('coding.apply', { transcriptId: t.id, start: 15, end: 34, codeId: tillit.id });

    expect(await call('supervisors.checkKey', { key: 'hei' })).toMatchObject({ ok: false, error: { code: 'NOT_A_SUPERVISOR_KEY' } });
    expect(await value('supervisors.checkKey', { key: id.key })).toEqual({ fingerprint: id.fingerprint });
    expect(await call('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2027-02-30' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Recordings switched on: this vault has none, so the share carries none (and stays a version-1 file).
    const sup = await value<{ id: string; fingerprint: string; recordings: boolean }>('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2027-03-01', recordings: true });
    expect(sup.recordings).toBe(true);
    const plan = await value<{ findings: { id: string }[]; version: number; counts: { transcripts: number } }>('shares.plan', { supervisorId: sup.id });
    expect(plan).toMatchObject({ version: 1, counts: { transcripts: 1 } });
    expect(await call('shares.create', { supervisorId: sup.id, accepted: [] })).toMatchObject(plan.findings.length ? { ok: false, error: { code: 'DETAILS_UNCHECKED' } } : { ok: true, value: null });
    const shareFile = path.join(home, 'relasjonsarbeid.hvelvshare');
    saveAs.push(shareFile);
    expect(await value('shares.create', { supervisorId: sup.id, accepted: plan.findings.map((f) => f.id) })).toMatchObject({ file: 'relasjonsarbeid.hvelvshare', version: 1, fingerprint: id.fingerprint });
    expect((await value<{ lastShare: { version: number } }[]>('supervisors.list', {}))[0]!.lastShare).toMatchObject({ version: 1 });

    // Back to the supervisor: open the share, read, comment, export the feedback.
    expect(await call('supervisor.unlock', { path: folder, passphrase: 'feil passord' })).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    await value('supervisor.unlock', { path: folder, passphrase: 'veileders passord' });
    chosen.push(shareFile);
    const token = await value<{ token: string }>('supervisor.chooseShare', {});
    const held = await value<{ vaultId: string }>('supervisor.openShare', { file: token.token });
    const content = await value<{ codes: { id: string; name: string }[]; transcripts: { id: string }[] }>('supervisor.content', { vaultId: held.vaultId });
    expect(content.codes.map((c) => c.name)).toEqual(['Tillit']);
    expect(await call('supervisor.mediaUrl', { vaultId: held.vaultId, id: 'a'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const text = await value<{ text: string; segments: { id: string }[] }>('supervisor.transcript', { vaultId: held.vaultId, id: content.transcripts[0]!.id });
    expect(text.text).toContain('Tillit er å bli sett');
    await value('supervisor.comment', { vaultId: held.vaultId, target: { kind: 'segment', id: text.segments[0]!.id }, text: 'Godt utdrag.' });
    const fbFile = path.join(home, 'tilbakemelding.hvelvfeedback');
    saveAs.push(fbFile);
    expect(await value('supervisor.exportFeedback', { vaultId: held.vaultId })).toBe(fbFile);
    expect(await call('supervisor.saveCertificate', { vaultId: held.vaultId })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } }); // not deleted yet

    // The student imports it and sees it beside the segment, marked as the supervisor's.
    chosen.push(fbFile);
    const fb = await value<{ token: string }>('feedback.chooseFile', {});
    expect(await value('feedback.import', { file: fb.token })).toMatchObject({ added: 1, fingerprint: id.fingerprint });
    const comments = await value<{ id: string; text: string; participant: string; fingerprint: string }[]>('feedback.list', {});
    expect(comments).toEqual([expect.objectContaining({ text: 'Godt utdrag.', participant: code, fingerprint: id.fingerprint })]);
    expect(await value('feedback.reply', { commentId: comments[0]!.id, text: 'Takk!' })).toMatchObject({ replies: [expect.objectContaining({ text: 'Takk!' })] });
    // A file not chosen in a dialog is never read.
    expect(await call('feedback.import', { file: 'f'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await value('supervisor.lock', {});
    await value('session.lock', {});
  });
});
