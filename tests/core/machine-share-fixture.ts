/**
 * A vault with a partly checked automatic draft, coded, for the tests of machine text in
 * shares (tests/core/share-machine-text, tests/cli/share-machine-text): four passages, one
 * heard through, one edited, a quote on machine text and one on heard words.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Themes } from '../../electron/core/services/analysis/themes';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, makeVault, tempDir } from './helpers';
import { wavHeader } from '../wav';

export const NOW = () => new Date('2026-11-27T10:00:00Z');

/** As composeDraft writes a draft; an emoji before the later passages, so code points and UTF-16 differ. */
export const DRAFT = [
  '#00:00:01-0# I: Hvordan begynte det for deg? 😀 #00:00:04-5# Fortell litt.',
  '#00:00:07-0# B: Det var en mandag, på kafeen.',
  '#00:00:12-2# I: Og så?',
  '',
].join('\n');

/** A vault with one participant, a 15 s recording and `draft` as its automatic draft, nothing checked. */
export async function vaultWithDraft(draft: string) {
  const v = await makeVault('correct horse battery staple');
  const code = admit(v.session, { name: 'Ola Nordmann' });
  const src = path.join(tempDir(), 'interview.wav');
  const data = Buffer.alloc(16_000 * 2 * 15);
  fs.writeFileSync(src, Buffer.concat([wavHeader(data.length, 16_000), data]));
  const rec = await new Recordings(v.session, NOW).import(code, src);
  fs.rmSync(src);
  const tr = new Transcripts(v.session, NOW);
  const t = tr.createDraft(code, draft, rec.id, { model: 'test-model', language: 'nb' });
  return { ...v, code, rec, tr, t };
}

export async function partlyCheckedDraft() {
  const { tr, t, ...v } = await vaultWithDraft(DRAFT);
  // Partly checked: one passage heard through, one edited.
  tr.heard(t.id, [4500]);
  tr.update(t.id, { text: DRAFT.replace('Og så?', 'Og så, da?') });
  const book = new Codebook(v.session, NOW);
  const coding = new Coding(v.session, NOW);
  const c = book.add({ name: 'Begynnelsen', definition: '' });
  const onMachine = coding.apply(t.id, { quote: 'på kafeen' }, [c.id]);
  const onHeard = coding.apply(t.id, { quote: 'Fortell litt.' }, [c.id]);
  coding.setQuote(onMachine.id, true);
  coding.setQuote(onHeard.id, true);
  const themes = new Themes(v.session, NOW);
  const th = themes.add({ name: 'Start' });
  themes.assign(th.id, c.id);
  return { ...v, tr, t, c, th, onMachine, onHeard };
}

/** A share of the vault for the supervisor with this key, every identifying finding accepted. */
export function shareTo(v: Awaited<ReturnType<typeof partlyCheckedDraft>>, key: string): Uint8Array {
  const students = new Supervisors(v.session, NOW, v.deps.crypto);
  const entry = students.add({ key, label: 'Hovedveileder', until: '2027-03-01' as never });
  const { bytes, made } = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
  students.recordShare(entry.id, made);
  return bytes;
}

