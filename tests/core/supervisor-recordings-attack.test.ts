/**
 * Attack review of shares with recordings (2 December): each case failed before its fix.
 * The setup and the stranger's share are the reviewer's probes, turned into what must hold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureInitialForm } from '../../electron/core/consent/forms';
import { toB64, toHex } from '../../electron/core/crypto/encoding';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { initSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { enforceSupervisorFolder, HeldShares } from '../../electron/core/services/supervisor/held';
import { sealShareV2 } from '../../electron/core/services/supervisor/share-container';
import { sealShare, type SharePayload } from '../../electron/core/services/supervisor/share-file';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import type { IsoDate } from '@shared/domain';
import { admit, makeVault, makeWav, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';

const UNTIL = '2027-03-01' as IsoDate;
const TEXT = '#00:00:01-0# I: Hva betyr tillit for deg?\n#00:00:02-5# B: Å bli trodd.\n';

async function setup(opts: { seconds?: number } = {}) {
  let t = new Date('2026-11-27T10:00:00Z');
  const clock = { set: (d: Date) => (t = d) };
  const NOW = () => t;
  const { session, deps } = await makeVault();
  const work = tempDir('hvelv-recatk-');
  const a = admit(session, { name: 'Kari Nordmann' });
  const b = admit(session, { name: 'Ola Hansen' });
  const recordings = new Recordings(session, NOW);
  const wavA = makeWav(path.join(work, 'a.wav'), opts.seconds ?? 8, 11);
  makeWav(path.join(work, 'b.wav'), opts.seconds ?? 8, 23);
  const ra = await recordings.import(a, path.join(work, 'a.wav'));
  const rb = await recordings.import(b, path.join(work, 'b.wav'));
  const transcripts = new Transcripts(session, NOW);
  transcripts.create(a, TEXT, 'hvelv', ra.id);
  transcripts.create(b, TEXT, 'hvelv', rb.id);
  fs.rmSync(work, { recursive: true, force: true });
  const supDir = path.join(tempDir('hvelv-recatk-sup-'), 'veileder');
  const supDeps: SupervisorDeps = { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW };
  const sup = await initSupervisorFolder(supDir, pw('veileders passord 1'), supDeps, { kdf: TEST_KDF });
  const students = new Supervisors(session, NOW, deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: UNTIL, recordings: true });
  const out = tempDir('hvelv-recatk-out-');
  return { session, deps, a, b, ra, rb, wavA, sup, supDir, students, entry, out, clock, NOW, held: new HeldShares(sup) };
}

/** A share from a stranger who knows only the supervisor's public key. */
function strangerFields(s: Awaited<ReturnType<typeof setup>>) {
  const { crypto } = s.deps;
  const kp = crypto.signKeyPair(crypto.random(32));
  const sign = (m: Uint8Array) => crypto.sign(kp.secretKey, m);
  const fields = {
    vaultId: toHex(crypto.random(16)),
    title: 'Fremmed',
    shareVersion: 1,
    madeAt: s.NOW().toISOString(),
    until: UNTIL,
    owner: kp.publicKey,
    recipient: { box: s.sup.publicKeys.box, sign: s.sup.publicKeys.sign },
    participants: ['P01'],
    withdrawn: ['P02'],
    counts: { transcripts: 1, codes: 0, segments: 0, themes: 0, memos: 0 },
  };
  const at = s.NOW().toISOString();
  const payload = {
    phase: { current: 'familiarising', history: [] },
    codes: [],
    themes: [],
    memos: [],
    transcripts: [{ id: toHex(crypto.random(16)), participant: 'P01', text: 'hei', syncPoints: [], createdAt: at }],
    segments: [],
    replies: [],
    feedbackKey: toB64(crypto.random(32)),
  } as unknown as SharePayload;
  return { fields, payload, sign, crypto };
}

describe('shares with recordings: what the attack review found', () => {
  it('a stranger\'s share that brings `heldRecordings` in its content has it dropped: only streams this folder imported are kept', async () => {
    const s = await setup({ seconds: 1 });
    const { fields, payload, sign, crypto } = strangerFields(s);
    const evil = {
      ...payload,
      heldRecordings: [{ id: 'x', participant: 'P02', blob: '0'.repeat(32), key: 'AAAA', size: 'huge', sha256: 1, format: { format: 'wav', participant: 'INJECTED', id: '../../etc' }, transcriptIds: 42, peaks: { a: 1 } }],
    };
    s.held.open(sealShare(crypto, sign, fields, evil as unknown as SharePayload));
    expect(s.held.content(fields.vaultId).recordings).toEqual([]);
    // The same through a version-2 file with no streams.
    const other = { ...fields, vaultId: toHex(crypto.random(16)) };
    s.held.open(sealShareV2(crypto, sign, other, evil as unknown as SharePayload, []).head);
    expect(s.held.content(other.vaultId).recordings).toEqual([]);
  });

  it('a made share is written once: a second write (which would seal the audio under wiped, all-zero keys) is refused and writes nothing', async () => {
    const s = await setup({ seconds: 1 });
    const created = s.students.create(s.entry.id, s.students.plan(s.entry.id).findings.map((f) => f.id));
    s.students.writeShare(path.join(s.out, 'one.hvelvshare'), created);
    expect(() => s.students.writeShare(path.join(s.out, 'two.hvelvshare'), created)).toThrow(/written once/);
    expect(fs.readdirSync(s.out)).toEqual(['one.hvelvshare']);
  });

  it('a participant whose consent in force no longer covers the recording (not withdrawn) has their recording kept out of the share', async () => {
    const s = await setup({ seconds: 1 });
    const form = ensureInitialForm(s.session.stores.keylist, s.session.facts, s.NOW());
    new Participants(s.session, s.NOW).recordConsent(s.a, { date: '2026-11-26', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate', 'processing-until-end'], unfinishedLetter: true });
    const plan = s.students.plan(s.entry.id);
    expect(plan.counts.recordings).toBe(1);
    const created = s.students.create(s.entry.id, plan.findings.map((f) => f.id));
    const f = path.join(s.out, 'one.hvelvshare');
    s.students.writeShare(f, created);
    s.held.open(f);
    expect(s.held.content(s.session.vaultId).recordings.map((r) => r.participant)).toEqual([s.b]);
  });

  it('an import whose header cannot be written (a full disk) leaves nothing, and the daily job removes files of versions the header does not name', async () => {
    const s = await setup({ seconds: 8 });
    const created = s.students.create(s.entry.id, s.students.plan(s.entry.id).findings.map((f) => f.id));
    const f1 = path.join(s.out, 'one.hvelvshare');
    s.students.writeShare(f1, created);
    const orig = s.sup.writeHeader.bind(s.sup);
    let calls = 0;
    (s.sup as unknown as { writeHeader: typeof orig }).writeHeader = (c) => {
      if (++calls === 1) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return orig(c);
    };
    expect(() => s.held.open(f1)).toThrow(/ENOSPC/);
    const d = path.join(s.supDir, 'shares', s.session.vaultId);
    expect(fs.readdirSync(d)).toEqual([]);
    // A process killed at that point leaves files the header does not name: the daily job takes them.
    fs.writeFileSync(path.join(d, 'copy-1.key'), 'noise');
    fs.writeFileSync(path.join(d, `rec-1-${'a'.repeat(32)}.hvr`), 'noise');
    s.sup.lock();
    enforceSupervisorFolder(s.supDir, { verifier: nodeEd25519, now: new Date('2026-11-28T09:00:00Z') });
    expect(fs.readdirSync(d)).toEqual([]);
  });

  it('an unsigned DESTROYED.json dropped beside a copy that is due does not spare it from the daily job', async () => {
    const s = await setup({ seconds: 1 });
    const created = s.students.create(s.entry.id, s.students.plan(s.entry.id).findings.map((f) => f.id));
    const f1 = path.join(s.out, 'one.hvelvshare');
    s.students.writeShare(f1, created);
    s.held.open(f1);
    const d = path.join(s.supDir, 'shares', s.session.vaultId);
    expect(fs.readdirSync(d).filter((f) => f.endsWith('.hvr'))).toHaveLength(2);
    fs.writeFileSync(path.join(d, 'DESTROYED.json'), '{}');
    s.sup.lock();
    const res = enforceSupervisorFolder(s.supDir, { verifier: nodeEd25519, now: new Date('2027-06-01T09:00:00Z') });
    expect(res.destroyedNow.map((x) => x.vaultId)).toEqual([s.session.vaultId]);
    expect(fs.readdirSync(d)).toEqual(['DESTROYED.json']);
    // A second run finds it done and reports nothing new.
    const again = enforceSupervisorFolder(s.supDir, { verifier: nodeEd25519, now: new Date('2027-06-02T09:00:00Z') });
    expect(again.destroyedNow).toEqual([]);
    expect(fs.readdirSync(d)).toEqual(['DESTROYED.json']);
  });
});
