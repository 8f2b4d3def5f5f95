/**
 * The queue of automatic drafts (issue 26), with the real engine and a random-weight test
 * model (scripts/make-test-model.ts): one at a time, progress per recording, survives a
 * lock (the drafts done stay done, the one running starts again, the rest wait), can be
 * paused and resumed; a recording gone since it was queued is passed over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTestModel } from '../../scripts/make-test-model';
import { DraftQueue, type QueueState } from '../../electron/core/services/asr/queue';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { unlockVault } from '../../electron/core/vault/vault';
import { admit, makeVault, pw, tempDir } from './helpers';
import { makeSpeechLikeWav } from '../e2e/audio-fixture';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const PASS = 'correct horse battery staple';
let model: string;

beforeAll(() => {
  model = path.join(tempDir('hvelv-models-'), 'micro.bin');
  writeTestModel(model, 'micro');
});

async function threeRecordings() {
  const v = await makeVault(PASS);
  const codes = [admit(v.session, { name: 'Anne Alfa' }), admit(v.session, { name: 'Bjørn Beta' }), admit(v.session, { name: 'Cecilie Gamma' })];
  const ids: string[] = [];
  for (const [i, code] of codes.entries()) {
    const src = path.join(tempDir(), `${code}.wav`);
    // Lengths differ: the same bytes twice would be refused as one recording imported twice.
    makeSpeechLikeWav(src, 7 + i);
    ids.push((await new Recordings(v.session, NOW).import(code, src)).id);
    fs.rmSync(src);
  }
  return { ...v, codes, ids };
}

const states = (s: QueueState | null) => s?.items.map((i) => i.state);

describe('the queue of drafts', { timeout: 300_000 }, () => {
  it('queues every recording without a transcript and drafts them one at a time, with progress per recording', async () => {
    const { session, ids, codes } = await threeRecordings();
    // One has a transcript typed already: not queued.
    new Transcripts(session, NOW).create(codes[2]!, 'skrevet for hånd', 'hvelv', ids[2]!);
    const q = new DraftQueue(session, NOW);
    expect(states(q.enqueueAll({ model, language: 'nb' }))).toEqual(['waiting', 'waiting']);
    const seen: QueueState[] = [];
    const end = await q.run({ threads: 1, onProgress: (s) => seen.push(s) });
    expect(states(end)).toEqual(['done', 'done']);
    // Never two at once; each ran in its turn.
    for (const s of seen) expect(s.items.filter((i) => i.state === 'running').length).toBeLessThanOrEqual(1);
    expect(seen.some((s) => s.items[0]!.state === 'running' && s.items[1]!.state === 'waiting')).toBe(true);
    expect(seen.some((s) => s.items[0]!.state === 'done' && s.items[1]!.state === 'running')).toBe(true);
    // Once one is done, the one waiting has an estimate of its time left.
    expect(seen.find((s) => s.items[0]!.state === 'done' && s.items[1]!.state === 'running')!.items[1]!.remainingMs).not.toBeNull();
    const drafts = new Transcripts(session, NOW).list().filter((t) => t.sourceFormat === 'asr');
    expect(drafts.map((t) => t.recordingId).sort()).toEqual([ids[0], ids[1]].sort());
    // Nothing left without a transcript: queueing again adds nothing.
    expect(new DraftQueue(session, NOW).withoutTranscript()).toEqual([]);
    session.lock();
  });

  it('survives a lock: the drafts done stay done, the one running starts again, the rest wait', async () => {
    const { session, dir, deps, ids } = await threeRecordings();
    const q = new DraftQueue(session, NOW);
    q.enqueueAll({ model, language: 'nb' });
    let locked = false;
    const run = q.run({
      threads: 1,
      onProgress: (s) => {
        // Locked while the second is being drafted.
        if (!locked && s.items[1]?.state === 'running') {
          locked = true;
          setTimeout(() => session.lock(), 100);
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'VAULT_LOCKED' });

    const again = await unlockVault(dir, pw(PASS), deps);
    const back = new DraftQueue(again, NOW);
    expect(states(back.state())).toEqual(['done', 'waiting', 'waiting']);
    expect(new Transcripts(again, NOW).list().map((t) => t.recordingId)).toEqual([ids[0]]);
    expect(states(await back.run({ threads: 1 }))).toEqual(['done', 'done', 'done']);
    expect(new Transcripts(again, NOW).list().map((t) => t.recordingId).sort()).toEqual([...ids].sort());
    again.lock();
  });

  it('can be paused (the draft running stops, nothing of it kept) and resumed; a recording deleted meanwhile is passed over', async () => {
    const { session, ids, codes } = await threeRecordings();
    const q = new DraftQueue(session, NOW);
    q.enqueueAll({ model, language: 'nb' });
    let paused = false;
    const end = await q.run({
      threads: 1,
      onProgress: (s) => {
        if (!paused && s.items[0]?.state === 'running') {
          paused = true;
          setTimeout(() => q.pause(), 100);
        }
      },
    });
    expect(end?.paused).toBe(true);
    expect(states(end)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(new Transcripts(session, NOW).list()).toEqual([]);
    // The third participant's recording is deleted while the queue waits.
    await new Recordings(session, NOW).delete(ids[2]!);
    void codes;
    expect(await q.run({ threads: 1 })).toMatchObject({ paused: true });
    q.resume();
    expect(states(await q.run({ threads: 1 }))).toEqual(['done', 'done']);
    session.lock();
  });
});
