/**
 * Recordings in supervisor shares (issue 10): the version-2 share file carries the
 * recordings of the shared participants when the student switched them on; the
 * supervisor's Hvelv imports them under the copy's key and plays ranges of them; every
 * changed, cut, added or swapped byte is refused with nothing imported; expiry and
 * withdrawal take them; and no plaintext audio is ever in the share or the folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { initSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { enforceSupervisorFolder, HeldShares } from '../../electron/core/services/supervisor/held';
import { sealedStreamSize, SHARE_V2_MAGIC } from '../../electron/core/services/supervisor/share-container';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { shareMediaResponse } from '../../electron/main/media';
import { SupervisorFolderRef } from '../../electron/main/supervisor-handlers';
import type { IsoDate } from '@shared/domain';
import { admit, codeOf, findNeedles, listFiles, makeVault, makeWav, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const UNTIL = '2027-03-01' as IsoDate;
const AFTER = () => new Date('2027-03-02T09:00:00Z');
const TEXT = '#00:00:01-0# I: Hva betyr tillit for deg?\n#00:00:02-5# B: Å bli trodd.\n';

/** A study with two participants, each with a recording (a WAV with bytes of its own) and a transcript of it. */
async function setup(opts: { recordings?: boolean; seconds?: number } = {}) {
  const { dir, session, deps } = await makeVault();
  const work = tempDir('hvelv-suprec-');
  const a = admit(session, { name: 'Kari Nordmann' });
  const b = admit(session, { name: 'Ola Hansen' });
  const recordings = new Recordings(session, NOW);
  const wavA = makeWav(path.join(work, 'a.wav'), opts.seconds ?? 8, 11);
  const wavB = makeWav(path.join(work, 'b.wav'), opts.seconds ?? 8, 23);
  const ra = await recordings.import(a, path.join(work, 'a.wav'));
  const rb = await recordings.import(b, path.join(work, 'b.wav'));
  const transcripts = new Transcripts(session, NOW);
  const ta = transcripts.create(a, TEXT, 'hvelv', ra.id);
  const tb = transcripts.create(b, TEXT, 'hvelv', rb.id);
  // The originals are the student's business: gone from this test's sight, so a scan finds only copies.
  fs.rmSync(work, { recursive: true, force: true });
  const supDir = path.join(tempDir('hvelv-suprec-sup-'), 'veileder');
  const supDeps: SupervisorDeps = { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW };
  const sup = await initSupervisorFolder(supDir, pw('veileders passord 1'), supDeps, { kdf: TEST_KDF });
  const students = new Supervisors(session, NOW, deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: UNTIL, recordings: opts.recordings ?? true });
  const out = tempDir('hvelv-suprec-out-');
  let n = 0;
  /** Make a share and write it to a file, as `share create` does; its path. */
  const share = (): string => {
    const created = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
    const file = path.join(out, `del-${++n}.hvelvshare`);
    students.writeShare(file, created);
    students.recordShare(entry.id, created.made);
    return file;
  };
  return { dir, session, deps, a, b, ra, rb, ta, tb, wavA, wavB, sup, supDir, students, entry, share, out, held: new HeldShares(sup) };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Bytes of the WAV's audio that occur nowhere else: what a forensic scan looks for. */
const needles = (wav: Buffer): Buffer[] => [wav.subarray(1000, 1032), wav.subarray(wav.length - 64, wav.length - 32), wav.subarray(44, 76)];

async function bodyOf(r: { body: ReadableStream<Uint8Array> | null }): Promise<Buffer> {
  if (!r.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  for await (const p of r.body as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

/** The supervisor's folder holds nothing of this share: no copy, no recording (only what the header says it held). */
function nothingImported(s: Setup): void {
  expect(s.held.list()).toEqual([]);
  expect(listFiles(path.join(s.supDir, 'shares')).filter((f) => !f.endsWith('.lock'))).toEqual([]);
}

function withByte(file: string, at: number, f: (b: number) => number, out: string): string {
  const bytes = fs.readFileSync(file);
  bytes[at] = f(bytes[at]!);
  fs.writeFileSync(out, bytes);
  return out;
}

/** Where the streams begin in a v2 file. */
function streamsStart(file: string): number {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).equals(SHARE_V2_MAGIC)).toBe(true);
  return 12 + bytes.readUInt32BE(8);
}

describe('recordings in a share', () => {
  it('round trip: the share carries both recordings, the supervisor plays a range, and the bytes are the student’s', async () => {
    const s = await setup();
    const plan = s.students.plan(s.entry.id);
    expect(plan.counts.recordings).toBe(2);
    expect(plan.recordingsWarning).toBe(true);
    const file = s.share();
    const h = s.held.open(file);
    expect(h).toMatchObject({ version: 1, participants: [s.a, s.b].sort() });
    const c = s.held.content(s.session.vaultId);
    expect(c.recordings.map((r) => [r.participant, r.size, r.format, r.durationMs])).toEqual([
      [s.a, s.wavA.length, 'wav', 8000],
      [s.b, s.wavB.length, 'wav', 8000],
    ]);
    const ra = c.recordings.find((r) => r.participant === s.a)!;
    expect(ra.transcriptIds).toEqual([s.ta.id]);

    // Playback as the player asks: a range through the same code as the app's protocol.
    const folder = new SupervisorFolderRef();
    folder.current = { session: s.sup, held: s.held };
    const r = shareMediaResponse(folder, s.session.vaultId, ra.id, 'bytes=70000-140000');
    expect(r.status).toBe(206);
    expect(r.headers).toMatchObject({ 'content-type': 'audio/wav', 'cache-control': 'no-store', 'accept-ranges': 'bytes', 'content-range': `bytes 70000-140000/${s.wavA.length}` });
    expect((await bodyOf(r)).equals(s.wavA.subarray(70000, 140001))).toBe(true);
    // The student's own store decrypts to the same bytes.
    const mine = new Recordings(s.session, NOW).open(s.ra.id);
    expect(mine.read(0, s.wavA.length - 1).equals(s.wavA)).toBe(true);
    mine.close();
    const whole = s.held.openRecording(s.session.vaultId, ra.id);
    expect(whole.reader.read(0, s.wavA.length - 1).equals(s.wavA)).toBe(true);
    whole.reader.close();
    expect(shareMediaResponse(folder, s.session.vaultId, '0'.repeat(32), null).status).toBe(404);
    expect(shareMediaResponse(folder, s.session.vaultId, ra.id, `bytes=${s.wavA.length}-`).status).toBe(416);

    // No plaintext audio in the share file, nor in the supervisor's folder.
    expect(findNeedles([file, ...listFiles(s.supDir)], [...needles(s.wavA), ...needles(s.wavB)])).toEqual([]);
    // Audited with no personal data: how many recordings went, for whom by fingerprint.
    expect(s.session.audit.list().find((e) => e.action === 'share.created')?.details).toMatchObject({ recordings: 2, supervisor: s.entry.fingerprint });
    s.sup.lock();
    expect(shareMediaResponse(folder, s.session.vaultId, ra.id, null).status).toBe(403);
    s.session.lock();
  });

  it('a share made without recordings has none, and is a version-1 file that still opens', async () => {
    const s = await setup({ recordings: false });
    const plan = s.students.plan(s.entry.id);
    expect([plan.counts.recordings, plan.recordingsWarning]).toEqual([0, false]);
    const file = s.share();
    expect(fs.readFileSync(file)[0]).toBe(0x7b); // '{': one JSON, as before
    s.held.open(file);
    expect(s.held.content(s.session.vaultId).recordings).toEqual([]);
    expect(listFiles(s.supDir).filter((f) => f.endsWith('.hvr'))).toEqual([]);
    expect(fs.statSync(file).size).toBeLessThan(s.wavA.length);
    s.sup.lock();
    s.session.lock();
  });

  it('a flipped byte anywhere in a recording stream, or in the head, is refused and nothing is imported', async () => {
    const s = await setup();
    const file = s.share();
    const start = streamsStart(file);
    const size = fs.statSync(file).size;
    const tmp = path.join(s.out, 'changed.hvelvshare');
    // The first chunk, one in the middle of the first stream, the second stream's first, the very last byte (a tag), the head.
    for (const at of [start, start + 70_000, start + sealedStreamSize(s.wavA.length) + 5, size - 1, 20]) {
      expect(codeOf(() => s.held.open(withByte(file, at, (b) => b ^ 0x01, tmp)))).toBe('SHARE_DAMAGED');
      nothingImported(s);
    }
    expect(s.held.open(file).version).toBe(1);
    s.sup.lock();
    s.session.lock();
  });

  it('a cut-short file, or one with bytes added, is refused and nothing is imported', async () => {
    const s = await setup();
    const file = s.share();
    const bytes = fs.readFileSync(file);
    const tmp = path.join(s.out, 'cut.hvelvshare');
    const start = streamsStart(file);
    for (const cut of [bytes.subarray(0, bytes.length - 1), bytes.subarray(0, start + 65_552), bytes.subarray(0, start), bytes.subarray(0, 10), Buffer.concat([bytes, Buffer.from([0])])]) {
      fs.writeFileSync(tmp, cut);
      expect(codeOf(() => s.held.open(tmp))).toBe('SHARE_DAMAGED');
      nothingImported(s);
    }
    s.sup.lock();
    s.session.lock();
  });

  it('a stream swapped between two shares, or between two participants in one, is refused', async () => {
    const s = await setup();
    const one = fs.readFileSync(s.share());
    const twoFile = s.share();
    const two = fs.readFileSync(twoFile);
    const s1 = streamsStart(s.out + '/del-1.hvelvshare');
    const s2 = streamsStart(twoFile);
    const tmp = path.join(s.out, 'swapped.hvelvshare');
    // Version 2's head and signature, version 1's recordings (the same audio, the same lengths).
    fs.writeFileSync(tmp, Buffer.concat([two.subarray(0, s2), one.subarray(s1)]));
    expect(fs.statSync(tmp).size).toBe(two.length);
    expect(codeOf(() => s.held.open(tmp))).toBe('SHARE_DAMAGED');
    nothingImported(s);
    // A's stream and B's stream in each other's place (both recordings are the same length).
    const len = (two.length - s2) / 2;
    fs.writeFileSync(tmp, Buffer.concat([two.subarray(0, s2), two.subarray(s2 + len), two.subarray(s2, s2 + len)]));
    expect(codeOf(() => s.held.open(tmp))).toBe('SHARE_DAMAGED');
    nothingImported(s);
    expect(s.held.open(twoFile).version).toBe(2);
    s.sup.lock();
    s.session.lock();
  });

  it('expiry deletes the recordings with the copy, without a passphrase, and leaves no plaintext audio', async () => {
    const s = await setup();
    s.held.open(s.share());
    const vid = s.session.vaultId;
    const rec = s.held.content(vid).recordings[0]!;
    const blobs = listFiles(s.supDir).filter((f) => f.endsWith('.hvr'));
    expect(blobs).toHaveLength(2);
    s.sup.lock();
    const r = enforceSupervisorFolder(s.supDir, { verifier: nodeEd25519, now: AFTER() });
    expect(r.destroyedNow.map((d) => d.vaultId)).toEqual([vid]);
    expect(listFiles(s.supDir).filter((f) => /\.hvr|copy-|comments-/.test(f))).toEqual([]);
    expect(findNeedles(listFiles(s.supDir), [...needles(s.wavA), ...needles(s.wavB)])).toEqual([]);
    // Reopened after the end: the copy and its recordings are gone, also from the player.
    const { unlockSupervisorFolder } = await import('../../electron/core/services/supervisor/folder');
    const again = await unlockSupervisorFolder(s.supDir, pw('veileders passord 1'), { crypto: s.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: AFTER });
    const held = new HeldShares(again);
    expect(codeOf(() => held.openRecording(vid, rec.id))).toBe('SHARE_EXPIRED');
    again.lock();
    s.session.lock();
  });

  it('withdrawal then a new share removes that participant’s recording from the supervisor’s copy', async () => {
    const s = await setup();
    s.held.open(s.share());
    const vid = s.session.vaultId;
    const before = s.held.content(vid).recordings;
    const ofA = before.find((r) => r.participant === s.a)!;
    await new Participants(s.session, NOW).withdraw(s.a, '2026-11-27');
    expect(s.students.plan(s.entry.id).counts.recordings).toBe(1);
    const v2 = s.share();
    expect(s.held.open(v2)).toMatchObject({ version: 2, participants: [s.b] });
    const after = s.held.content(vid).recordings;
    expect(after.map((r) => r.participant)).toEqual([s.b]);
    expect(codeOf(() => s.held.openRecording(vid, ofA.id))).toBe('NOT_FOUND');
    // One recording file left, version 2's; nothing of A's audio anywhere in the folder.
    expect(listFiles(s.supDir).filter((f) => f.endsWith('.hvr')).map((f) => path.basename(f).split('-')[1])).toEqual(['2']);
    expect(findNeedles(listFiles(s.supDir), needles(s.wavA))).toEqual([]);
    const b = s.held.openRecording(vid, after[0]!.id);
    expect(b.reader.read(0, s.wavB.length - 1).equals(s.wavB)).toBe(true);
    b.reader.close();
    s.sup.lock();
    s.session.lock();
  });

  it('recordings switched off: the next share has none, and it takes the held ones away', async () => {
    const s = await setup();
    s.held.open(s.share());
    expect(s.students.setRecordings(s.entry.id, false).recordings).toBe(false);
    expect(s.students.plan(s.entry.id)).toMatchObject({ counts: { recordings: 0 }, recordingsWarning: false });
    expect(s.session.audit.list().find((e) => e.action === 'supervisor.recordings')?.details).toMatchObject({ supervisor: s.entry.fingerprint, recordings: false });
    const file = s.share();
    expect(fs.readFileSync(file)[0]).toBe(0x7b);
    expect(s.held.open(file).version).toBe(2);
    expect(s.held.content(s.session.vaultId).recordings).toEqual([]);
    expect(listFiles(s.supDir).filter((f) => f.endsWith('.hvr'))).toEqual([]);
    s.sup.lock();
    s.session.lock();
  });

  it('a recording damaged in the student’s store makes no share file at all', async () => {
    const s = await setup();
    const blob = listFiles(s.dir).find((f) => f.endsWith('.hvr'))!;
    const bytes = fs.readFileSync(blob);
    bytes[100] = bytes[100]! ^ 0xff;
    fs.writeFileSync(blob, bytes);
    const created = s.students.create(s.entry.id, s.students.plan(s.entry.id).findings.map((f) => f.id));
    expect(codeOf(() => s.students.writeShare(path.join(s.out, 'x.hvelvshare'), created))).toBe('INTEGRITY');
    expect(fs.readdirSync(s.out)).toEqual([]);
    s.sup.lock();
    s.session.lock();
  });
});
