/**
 * Naming a draft's voices under attack (issue 26, the attack review of this round): a name
 * with a space in it marked every passage of that voice as checked against the recording
 * though nobody listened; a key-list name passed when it was more than one word of it
 * ("Kari N."); a carriage return or a direction mark got into the text. Each test failed
 * before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Exchange } from '../../electron/core/services/exchange/export';
import { strFromU8, unzipSync } from 'fflate';
import { admit, makeVault, tempDir } from './helpers';
import { wavHeader } from '../wav';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const DRAFT = ['#00:00:01-0# S1: Hvordan begynte det for deg?', '#00:00:07-0# S2: Det var hos en venn i Stavanger, på kafeen.', '#00:00:12-2# S1: Og så?', ''].join('\n');

async function draft() {
  const v = await makeVault();
  const code = admit(v.session, { name: 'Kari Nordmann' });
  const src = path.join(tempDir(), 'interview.wav');
  const data = Buffer.alloc(16_000 * 2 * 15);
  fs.writeFileSync(src, Buffer.concat([wavHeader(data.length, 16_000), data]));
  const rec = await new Recordings(v.session, NOW).import(code, src);
  const tr = new Transcripts(v.session, NOW);
  const t = tr.createDraft(code, DRAFT, rec.id, { model: 'test-model', language: 'nb' }, ['S1', 'S2']);
  return { ...v, code, tr, t };
}

describe('nameSpeakers', () => {
  it('naming a voice "Leder A" does not check its passages against the recording', async () => {
    const { session, tr, t } = await draft();
    expect(t.machineText).toEqual({ checked: 0, total: 3 });
    const named = tr.nameSpeakers(t.id, { S2: 'Leder A' });
    expect(named.text).toContain('Leder A: Det var');
    // Nobody played or edited anything: still 0 of 3 checked.
    expect(named.machineText).toEqual({ checked: 0, total: 3 });
    // ... and the .qdpx says so.
    const ex = new Exchange(session, NOW);
    const out = path.join(tempDir(), 'x.qdpx');
    ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    expect(strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!)).toMatch(/checked against the recording|machine/i);
  });

  it('a key-list name with more than a word of it ("Kari N.", "Kari Nordmann.") is refused as a voice name', async () => {
    const accepted: string[] = [];
    for (const n of ['Kari N.', 'Kari Nordmann.', 'K. Nordmann', 'Kari-N', 'Kari_Nordmann']) {
      const { tr, t } = await draft();
      try {
        tr.nameSpeakers(t.id, { S2: n });
        accepted.push(n);
      } catch {
        /* refused: good */
      }
    }
    expect(accepted).toEqual([]);
  });

  it('a voice name cannot carry a carriage return or a line separator into the text', async () => {
    const bad: string[] = [];
    for (const n of ['A\rB', 'A\u2028B', 'A\u202eB']) {
      const { tr, t } = await draft();
      try {
        const r = tr.nameSpeakers(t.id, { S1: n });
        if (r.text.includes(n)) bad.push(JSON.stringify(n));
      } catch {
        /* refused: good */
      }
    }
    expect(bad).toEqual([]);
  });
});
