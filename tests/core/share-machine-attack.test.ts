/**
 * Attack review of machine text in shares (issue 26): ways a share could say a passage is
 * checked when it is not, or fail to open in the supervisor's Hvelv, found by trying them.
 * Real vault, real SQLite, real libsodium, the real share and the supervisor's real held copy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { openSharePayload, readShare, sealShare, type SharePayload } from '../../electron/core/services/supervisor/share-file';
import { fromB64 } from '../../electron/core/crypto/encoding';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { codeOf, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';
import { partlyCheckedDraft, shareTo, vaultWithDraft } from './machine-share-fixture';
import { overlapsSpans } from '@shared/machine-text';
import { installModel } from '../../electron/core/services/asr/install';
import { modelsDir as modelsDirOf } from '../../electron/core/services/asr/models';
import { modelArchive } from './model-archive';

const NOW = () => new Date('2026-11-27T10:00:00Z');


/** The student shares; the supervisor opens it. What the supervisor's Hvelv holds of the transcript. */
async function sharedAndOpened(v: Awaited<ReturnType<typeof vaultWithDraft>>) {
  const sup = await initSupervisorFolder(path.join(tempDir('hvelv-sup-'), 'veileder'), pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
  const students = new Supervisors(v.session, NOW, v.deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: '2027-03-01' as never });
  const { bytes, made } = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
  students.recordShare(entry.id, made);
  const held = new HeldShares(sup);
  const opened = held.open(bytes);
  return { sup, held, vaultId: opened.vaultId };
}

describe('attack: machine text in a share says checked only what was checked', () => {
  it('two passages with the same stamp (two speakers starting in the same tenth of a second) are both unchecked, in the workspace and in the share', async () => {
    // As composeDraft writes a diarized draft whose two turns start at 00:00:04.5.
    const draft = ['#00:00:01-0# S1: Hvordan begynte det?', '#00:00:04-5# S1: Fortell.', '#00:00:04-5# S2: Det var en mandag.', ''].join('\n');
    const v = await vaultWithDraft(draft);
    // Nothing has been heard or edited: every passage is the engine's.
    const student = v.tr.get(v.t.id);
    expect(student.machineText).toEqual({ checked: 0, total: 3 });
    const s = await sharedAndOpened(v);
    const read = s.held.transcript(s.vaultId, v.t.id);
    expect(read.machineText).toEqual({ checked: 0, total: 3 });
    const words = read.machineSpans!.map((p) => [...read.text].slice(p.start, p.end).join(''));
    expect(words.join('')).toContain('Fortell.');
    expect(words.join('')).toContain('Det var en mandag.');
    s.sup.lock();
    v.session.lock();
  });

  it('of two passages with the same stamp, a name replaced in the unchecked one keeps that one unchecked, not the one the student edited', async () => {
    const draft = ['#00:00:01-0# S1: Hvordan begynte det?', '#00:00:04-5# S1: Fortell om Kari.', '#00:00:04-5# S2: Det var en mandag med Kari.', ''].join('\n');
    const v = await vaultWithDraft(draft);
    // The student corrects the first of the two (it is checked); the second is still the engine's.
    const edited = draft.replace('Fortell om Kari.', 'Fortell om Kari, da.');
    v.tr.update(v.t.id, { text: edited });
    expect(v.tr.get(v.t.id).machineText).toEqual({ checked: 1, total: 3 });
    // Hvelv puts a placeholder over the name in the second one: that checks nothing.
    const at = edited.indexOf('med Kari') + 4;
    v.tr.deidentify(v.t.id, [{ start: at, end: at + 4, expected: 'Kari', with: '[navn]' }], []);
    const after = v.tr.get(v.t.id);
    expect(after.machineText).toEqual({ checked: 1, total: 3 });
    const s = await sharedAndOpened(v);
    const read = s.held.transcript(s.vaultId, v.t.id);
    const words = read.machineSpans!.map((p) => [...read.text].slice(p.start, p.end).join('')).join('');
    expect(words).toContain('Det var en mandag med [navn].');
    expect(words).not.toContain('Fortell om Kari, da.');
    s.sup.lock();
    v.session.lock();
  });

  it('a passage pasted twice by the student gives a share the supervisor can open (the count never goes below nothing checked)', async () => {
    const draft = ['#00:00:01-0# I: Hvordan begynte det?', '#00:00:04-5# B: Det var en mandag.', ''].join('\n');
    const v = await vaultWithDraft(draft);
    // The student copies the second passage, stamp and all, to the end (nothing of it is edited).
    v.tr.update(v.t.id, { text: draft + '#00:00:04-5# B: Det var en mandag.\n' });
    const count = v.tr.get(v.t.id).machineText!;
    expect(count.checked).toBeGreaterThanOrEqual(0);
    expect(count.checked).toBeLessThanOrEqual(count.total);
    // And the share of it opens at the supervisor's (it was refused as SHARE_DAMAGED: a count of -1 checked).
    const s = await sharedAndOpened(v);
    const read = s.held.transcript(s.vaultId, v.t.id);
    expect(read.machineText).toEqual(count);
    expect(read.machineSpans).toHaveLength(count.total - count.checked);
    s.sup.lock();
    v.session.lock();
  });
});

describe('attack: the marks a share carries are the passages of its text', () => {
  /** The student's share re-made with its payload `change`d and signed again by the same student (as a faulty or hostile Hvelv would make it). */
  async function remaker() {
    const v = await partlyCheckedDraft();
    const sup = await initSupervisorFolder(path.join(tempDir('hvelv-sup-'), 'veileder'), pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    const bytes = shareTo(v, sup.identity.key);
    const c = v.deps.crypto;
    const remade = (change: (p: SharePayload) => void): Uint8Array => {
      const { body } = readShare(bytes, nodeEd25519);
      const payload = openSharePayload(c, body, (sealed) => sup.openSealed(sealed));
      change(payload);
      return sealShare(
        c,
        (m) => v.session.signShare(m),
        { vaultId: body.vaultId, title: body.title, shareVersion: body.shareVersion, madeAt: body.madeAt, until: body.until as never, owner: fromB64(body.owner), recipient: { box: fromB64(body.recipient.box), sign: fromB64(body.recipient.sign) }, participants: body.participants, withdrawn: body.withdrawn, counts: body.counts },
        payload,
      );
    };
    return { v, sup, bytes, remade };
  }

  it('a share with the count only (made before the marks travelled): its quotes of a draft with unchecked passages say the share does not tell, not nothing', async () => {
    const { v, sup, remade } = await remaker();
    const held = new HeldShares(sup);
    const older = remade((p) => {
      for (const t of p.transcripts) delete t.machineSpans;
    });
    const opened = held.open(older);
    const quotes = held.report(opened.vaultId).themes[0]!.quotes;
    // Before: both quotes read exactly as a checked quote does.
    expect(quotes.map((q) => [q.text, q.machineText ?? false, q.machineTextUnknown ?? false])).toEqual([
      ['Fortell litt.', false, true],
      ['på kafeen', false, true],
    ]);
    const got = held.retrieve(opened.vaultId, 'code', quotes[0]!.codeIds[0]!);
    expect(got.every((x) => x.machineTextUnknown === true && x.machineText === undefined)).toBe(true);
    sup.lock();
    v.session.lock();
  });

  it('a mark over half a passage, a mark whose time is not its stamp’s, or one that is no passage at all is damage, not a claim that the rest is checked', async () => {
    const { v, sup, bytes, remade } = await remaker();
    const held = new HeldShares(sup);
    const bad: ((p: SharePayload) => void)[] = [
      // Half of the first unchecked passage: its second half would read as checked.
      (p) => {
        const sp = p.transcripts[0]!.machineSpans!.spans[0]!;
        sp.end = sp.start + Math.floor((sp.end - sp.start) / 2);
      },
      // Starting after its stamp.
      (p) => (p.transcripts[0]!.machineSpans!.spans[0]!.start += 3),
      // The right range, another passage's time.
      (p) => (p.transcripts[0]!.machineSpans!.spans[0]!.ms = 12_200),
      // A one-character mark in the middle of the words.
      (p) => {
        const sp = p.transcripts[0]!.machineSpans!.spans[1]!;
        sp.start += 20;
        sp.end = sp.start + 1;
      },
    ];
    for (const change of bad) expect(codeOf(() => held.open(remade(change)))).toBe('SHARE_DAMAGED');
    expect(held.list()).toEqual([]);
    held.open(bytes);
    expect(held.list()).toHaveLength(1);
    sup.lock();
    v.session.lock();
  });
});

describe('attack: a quote touching machine text by one character is marked', () => {
  it('overlapsSpans: a quote that starts or ends inside a span, covers it, or shares one character with it; not one that only meets its edge', () => {
    const spans = [
      { start: 10, end: 20 },
      { start: 20, end: 25 },
      { start: 40, end: 50 },
    ];
    const cases: [number, number, boolean][] = [
      [0, 10, false], // ends where the first span starts
      [0, 11, true], // its last character is the span's first
      [19, 30, true], // starts on the span's last character
      [25, 40, false], // between spans, touching both edges
      [24, 26, true],
      [30, 45, true],
      [49, 60, true],
      [50, 60, false],
      [0, 100, true], // over all of them
      [12, 13, true], // inside one
      [45, 45, true], // an empty range inside a span
      [10, 10, false],
    ];
    for (const [a, b, want] of cases) expect([a, b, overlapsSpans(spans, a, b)]).toEqual([a, b, want]);
    expect(overlapsSpans([], 0, 10)).toBe(false);
  });
});

describe('attack: the model download idle timeout', () => {
  const TOP = 'sherpa-onnx-whisper-micro';
  let archive: Buffer;
  let server: http.Server;
  let base: string;
  const open = new Set<http.ServerResponse>();
  /** Resolved when the redirect that never ends its body is closed (by the downloader: the server never closes it). */
  let redirectClosed: Promise<void>;
  let closeRedirect: () => void;

  beforeAll(async () => {
    ({ archive } = modelArchive(tempDir('hvelv-model-atk-'), TOP));
    redirectClosed = new Promise((r) => (closeRedirect = r));
    server = http.createServer((req, res) => {
      if (req.url === '/moved.tar.bz2') {
        // A redirect whose body never ends: the download goes on to the new address.
        res.writeHead(302, { location: '/model.tar.bz2' });
        res.write('moved');
        res.on('close', () => closeRedirect());
        open.add(res);
      } else if (req.url === '/model.tar.bz2') {
        res.setHeader('content-length', archive.length);
        res.end(archive);
      } else if (req.url === '/all-but-the-end.tar.bz2') {
        // Every byte of the archive, chunked, and then the last (empty) chunk never comes.
        res.write(archive);
        open.add(res);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(() => {
    for (const r of open) r.destroy();
    server?.close();
  });

  const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

  it('a redirect whose body never ends: the model installs from the new address, and the redirect’s connection is closed then, not held open for the idle time', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    // A long idle time: only the downloader letting go of the redirect can close it within the test.
    const got = await installModel({ modelsDir: dir, source: `${base}/moved.tar.bz2`, idleTimeoutMs: 120_000 });
    expect(got.name).toBe(TOP);
    expect(entries(dir)).toEqual([TOP]);
    // Before: the redirect was drained (resume), so its socket, and the process with it, stayed until the idle timer fired.
    await redirectClosed;
  }, 20_000);

  it('every byte, then silence before the end of the body: DOWNLOAD_STALLED, and nothing is kept', async () => {
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    await expect(installModel({ modelsDir: dir, source: `${base}/all-but-the-end.tar.bz2`, idleTimeoutMs: 400 })).rejects.toMatchObject({ code: 'DOWNLOAD_STALLED' });
    expect(entries(dir)).toEqual([]);
  }, 20_000);
});
