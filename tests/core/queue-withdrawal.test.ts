/**
 * The draft queue's record (transcripts store, participant null) after a withdrawal: it
 * keeps no id of the withdrawn person's recordings (a pointer to data the receipt says is
 * gone, not counted in it). From the attack review (branch atk-rest), failing before the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DraftQueue, QUEUE_TABLE } from '../../electron/core/services/asr/queue';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Participants } from '../../electron/core/services/participants/participants';
import { admit, makeVault, tempDir } from './helpers';
import { wavHeader } from '../wav';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('the draft queue and withdrawal', () => {
  it('forgets a withdrawn participant\'s recording ids', async () => {
    const { session } = await makeVault();
    const codes = [admit(session, { name: 'Anne Alfa' }), admit(session, { name: 'Bjørn Beta' })];
    const ids: string[] = [];
    for (const [i, code] of codes.entries()) {
      const src = path.join(tempDir(), `${code}.wav`);
      const data = Buffer.alloc(16_000 * 2 * (5 + i));
      fs.writeFileSync(src, Buffer.concat([wavHeader(data.length, 16_000), data]));
      ids.push((await new Recordings(session, NOW).import(code, src)).id);
    }
    new DraftQueue(session, NOW).enqueueAll({ model: '/nowhere/model', language: 'nb' });
    const p = new Participants(session, NOW);
    const receipt = await p.withdraw(codes[0]!, '2026-11-27');
    const raw = JSON.stringify(session.stores.transcripts.list(QUEUE_TABLE).map((r) => r.data));
    expect(raw).not.toContain(ids[0]!);
    // The other participant's recording stays queued, and the receipt counts what it did before.
    expect(raw).toContain(ids[1]!);
    expect(receipt.counts.recordings).toBe(1);
    expect(new DraftQueue(session, NOW).state()?.items.map((i) => i.recordingId)).toEqual([ids[1]]);
  });
});
