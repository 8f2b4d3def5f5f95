/**
 * `hvelv verify`'s long part, every recording decrypted and hashed, reports its progress:
 * from 0, never backwards, ending at the recordings' total size (the CLI shows it on a
 * terminal: tests/cli/shred-progress.test.ts). A recording that fails to open still moves
 * the progress on, and is reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { verifyReport } from '../../electron/core/services/project/verify';
import { storeDir } from '../../electron/core/vault/layout';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('verify with progress', () => {
  it('rises from 0 to the recordings’ total, also past a damaged one', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const sizes: number[] = [];
    for (const seed of [1, 2, 3]) {
      const wav = path.join(tempDir(), `r${seed}.wav`);
      sizes.push(makeWav(wav, 20 + seed, seed).length);
      await rec.import(code, wav);
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    const events: { bytes: number; total: number }[] = [];
    expect(verifyReport(session, NOW, (p) => events.push(p)).problems).toEqual([]);
    expect(events[0]).toEqual({ bytes: 0, total });
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    expect(events.at(-1)).toEqual({ bytes: total, total });
    expect(events.length).toBeGreaterThan(3);

    // One blob cut short: reported, and the progress still ends at the total.
    const blobs = path.join(storeDir(session.path, 'recordings'), 'blobs');
    const first = path.join(blobs, fs.readdirSync(blobs)[0]!);
    fs.truncateSync(first, 100);
    const again: { bytes: number; total: number }[] = [];
    expect(verifyReport(session, NOW, (p) => again.push(p)).problems.length).toBeGreaterThan(0);
    for (let i = 1; i < again.length; i++) expect(again[i]!.bytes).toBeGreaterThanOrEqual(again[i - 1]!.bytes);
    expect(again.at(-1)).toEqual({ bytes: total, total });
    session.lock();
  });
});
