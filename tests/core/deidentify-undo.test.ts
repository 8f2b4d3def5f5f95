/**
 * Issue 29, item 1: a replacement of identifying details can be undone. "Supported
 * Employment" (a method, found as an uncertain name) became "[navn]" with no way back;
 * now the replacement stays in the transcript's history until the student accepts it,
 * the last one can be undone to the exact text before, and coded passages move back.
 */
import { describe, expect, it } from 'vitest';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { admit, codeOf, makeVault } from './helpers';

const now = () => new Date('2026-11-27T10:00:00Z');
const TEXT = '#00:00:04-1# I: Hvordan jobber dere?\n#00:00:12-6# B: Vi jobber etter Supported Employment, sier Kari. 😀 Det virker.\n';

describe('undoing a replacement', () => {
  it('the last replacement is in the history, undone to the exact text, with the coded passages back where they were', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const tr = new Transcripts(session, now);
    const t = tr.create(code, TEXT);
    const book = new Codebook(session, now);
    const method = book.add({ name: 'Metode', color: '#1f77b4' });
    const coding = new Coding(session, now);
    const whole = coding.apply(t.id, { quote: 'Vi jobber etter Supported Employment, sier Kari.' }, [method.id]);
    const after = coding.apply(t.id, { quote: 'Det virker.' }, [method.id]);
    const se = TEXT.indexOf('Supported Employment');
    const kari = TEXT.indexOf('Kari.');
    const replaced = tr.deidentify(
      t.id,
      [
        { start: se, end: se + 'Supported Employment'.length, expected: 'Supported Employment', with: '[navn]' },
        { start: kari, end: kari + 4, expected: 'Kari', with: '[navn]' },
      ],
      [],
    );
    expect(replaced.text).toContain('Vi jobber etter [navn], sier [navn].');
    expect(replaced.pendingReplacements).toEqual([{ at: now().toISOString(), items: [{ was: 'Supported Employment', with: '[navn]' }, { was: 'Kari', with: '[navn]' }] }]);
    expect(coding.get(whole.id).text).toBe('Vi jobber etter [navn], sier [navn].');

    const undone = tr.undoReplacement(t.id);
    expect(undone.text).toBe(TEXT);
    expect(undone.pendingReplacements).toEqual([]);
    expect(coding.get(whole.id).text).toBe('Vi jobber etter Supported Employment, sier Kari.');
    expect(coding.get(after.id).text).toBe('Det virker.');
    // Nothing more to undo.
    expect(codeOf(() => tr.undoReplacement(t.id))).toBe('INVALID_INPUT');
    session.lock();
  });

  it('accepting takes the words out of the history; an edit since the replacement refuses the undo', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const tr = new Transcripts(session, now);
    const t = tr.create(code, 'B: Jeg er Kari.');
    tr.deidentify(t.id, [{ start: 10, end: 14, expected: 'Kari', with: '[navn]' }], []);
    tr.update(t.id, { text: 'B: Jeg er [navn]. Og mer.' });
    expect(codeOf(() => tr.undoReplacement(t.id))).toBe('INVALID_INPUT');
    expect(tr.get(t.id).pendingReplacements).toHaveLength(1);
    const accepted = tr.acceptReplacements(t.id);
    expect(accepted.pendingReplacements).toEqual([]);
    expect(accepted.text).toBe('B: Jeg er [navn]. Og mer.');
    expect(JSON.stringify(session.stores.transcripts.get('transcript', t.id)?.data)).not.toContain('Kari');
    session.lock();
  });
});
