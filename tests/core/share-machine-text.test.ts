/**
 * Machine text in the supervisor's share (issue 26): a share carries, per transcript, which
 * passages are still unchecked machine text, and the supervisor's reader has exactly the
 * passages the student's workspace draws; a coded passage or quote over them says so in
 * retrieval and the report. A share made without the marks (as before they travelled)
 * still opens, with the count only; marks in a version this Hvelv does not know are
 * refused, never read as checked. Real vault, real SQLite, real libsodium, the real share.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { passagesOf } from '@shared/machine-text';
import { TextPositions } from '@shared/analysis-text';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { openSharePayload, readShare, sealShare, type SharePayload } from '../../electron/core/services/supervisor/share-file';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { fromB64 } from '../../electron/core/crypto/encoding';
import { nodeEd25519 } from '../../electron/core/crypto/ed25519';
import { codeOf, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';
import { NOW, partlyCheckedDraft, shareTo } from './machine-share-fixture';

async function sharedDraft() {
  const v = await partlyCheckedDraft();
  const sup = await initSupervisorFolder(path.join(tempDir('hvelv-sup-'), 'veileder'), pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
  return { ...v, sup, bytes: shareTo(v, sup.identity.key) };
}

/** The student's own share re-made, as a Hvelv before the marks travelled would make it: the same content, signed by the same student, `change`d. */
function remade(s: Awaited<ReturnType<typeof sharedDraft>>, change: (p: SharePayload) => void): Uint8Array {
  const c = s.deps.crypto;
  const { body } = readShare(s.bytes, nodeEd25519);
  const payload = openSharePayload(c, body, (sealed) => s.sup.openSealed(sealed));
  change(payload);
  return sealShare(
    c,
    (m) => s.session.signShare(m),
    { vaultId: body.vaultId, title: body.title, shareVersion: body.shareVersion, madeAt: body.madeAt, until: body.until as never, owner: fromB64(body.owner), recipient: { box: fromB64(body.recipient.box), sign: fromB64(body.recipient.sign) }, participants: body.participants, withdrawn: body.withdrawn, counts: body.counts },
    payload,
  );
}

describe('machine text in a share to the supervisor', () => {
  it('the reader has exactly the passages the student’s workspace draws as machine text, and marks the quote over them', async () => {
    const s = await sharedDraft();
    // What the workspace draws: the passages whose stamps core still lists as unchecked.
    const student = s.tr.get(s.t.id);
    expect(student.machineText).toEqual({ checked: 2, total: 4 });
    const unchecked = new Set(student.machineUnchecked);
    const pos = new TextPositions(student.text);
    const drawn = passagesOf(student.text)
      .filter((p) => unchecked.has(p.ms))
      .map((p) => ({ start: pos.toCodePoint(p.start), end: pos.toCodePoint(p.end) }));
    expect(drawn).toHaveLength(2);

    const held = new HeldShares(s.sup);
    const opened = held.open(s.bytes);
    const read = held.transcript(opened.vaultId, s.t.id);
    expect(read.machineText).toEqual({ checked: 2, total: 4 });
    expect(read.machineSpans).toEqual(drawn);
    // In words: the first and third passages are machine text; the heard and the edited ones are not.
    const words = read.machineSpans!.map((p) => [...read.text].slice(p.start, p.end).join(''));
    expect(words[0]).toContain('Hvordan begynte det for deg? 😀');
    expect(words[1]).toContain('Det var en mandag, på kafeen.');
    expect(words.join('')).not.toContain('Fortell litt.');
    expect(words.join('')).not.toContain('Og så, da?');

    // Retrieval and the report say which coded passage is machine text.
    const got = held.retrieve(opened.vaultId, 'code', s.c.id);
    expect(got.find((x) => x.id === s.onMachine.id)?.machineText).toBe(true);
    expect(got.find((x) => x.id === s.onHeard.id)?.machineText).toBeUndefined();
    const quotes = held.report(opened.vaultId).themes[0]!.quotes;
    expect(quotes.map((q) => [q.text, q.machineText ?? false])).toEqual([
      ['Fortell litt.', false],
      ['på kafeen', true],
    ]);
    s.sup.lock();
    s.session.lock();
  });

  it('a share without the marks (made as before they travelled) still opens with the count only; the next share brings them', async () => {
    const s = await sharedDraft();
    const older = remade(s, (p) => {
      for (const t of p.transcripts) delete t.machineSpans;
    });
    const held = new HeldShares(s.sup);
    const opened = held.open(older);
    const read = held.transcript(opened.vaultId, s.t.id);
    expect(read.machineText).toEqual({ checked: 2, total: 4 });
    expect(read.machineSpans).toBeNull();
    // Nothing is claimed either way of a passage the share does not mark.
    expect(held.retrieve(opened.vaultId, 'code', s.c.id).every((x) => x.machineText === undefined)).toBe(true);
    // The student's next share carries them, and replaces the held copy.
    const students = new Supervisors(s.session, NOW, s.deps.crypto);
    const id = students.list()[0]!.id;
    const next = students.create(id, students.plan(id).findings.map((f) => f.id));
    students.recordShare(id, next.made);
    held.open(next.bytes);
    expect(held.transcript(opened.vaultId, s.t.id).machineSpans).toHaveLength(2);
    s.sup.lock();
    s.session.lock();
  });

  it('marks in a version this Hvelv does not read are refused (SHARE_NEEDS_NEWER), and marks that do not hold together are damage; nothing is imported', async () => {
    const s = await sharedDraft();
    const held = new HeldShares(s.sup);
    const newer = remade(s, (p) => {
      const t = p.transcripts[0]!;
      (t as unknown as { machineSpans: unknown }).machineSpans = { version: 2, ranges: [[0, 10]] };
    });
    expect(codeOf(() => held.open(newer))).toBe('SHARE_NEEDS_NEWER');
    const bad: ((p: SharePayload) => void)[] = [
      // One mark fewer than the count says: the reader would show a passage as checked.
      (p) => p.transcripts[0]!.machineSpans!.spans.pop(),
      (p) => (p.transcripts[0]!.machineSpans!.spans[1]!.end = 100_000),
      (p) => (p.transcripts[0]!.machineSpans!.spans[1]!.start = 0),
      (p) => (p.transcripts[0]!.machineText = null),
    ];
    for (const change of bad) expect(codeOf(() => held.open(remade(s, change)))).toBe('SHARE_DAMAGED');
    expect(held.list()).toEqual([]);
    const shares = path.join(s.sup.path, 'shares');
    expect(fs.existsSync(shares) ? fs.readdirSync(shares).flatMap((d) => fs.readdirSync(path.join(shares, d))) : []).toEqual([]);
    // The share as the student made it opens.
    held.open(s.bytes);
    expect(held.list()).toHaveLength(1);
    s.sup.lock();
    s.session.lock();
  });
});
