/**
 * The transcription workspace's rules and storage: key chords, defaults that leave the
 * editor's keys alone, conflicts, the foot pedal's report (WebHID itself cannot run
 * here: no device, no Electron; the mapping from report to action is what is tested),
 * speed steps, the turn being played, timestamps that cannot be right, progress, and
 * the waveform, speakers, markers and bindings as they are stored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  actionFor,
  advanceToday,
  bindingProblems,
  chordOf,
  DEFAULT_BINDINGS,
  effectiveBindings,
  isFootPedal,
  markerText,
  nextSpeaker,
  normaliseChord,
  pedalActions,
  pedalMask,
  reachedMs,
  reservedReason,
  stampIssues,
  stepRate,
  timeLeftMs,
  turnAt,
  turnText,
  stampText,
  stampMsAt,
  typesCharacter,
  wordCount,
} from '@shared/transcription';
import { syncPoints } from '@shared/transcript';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, codeOf, makeVault, makeWav, tempDir } from './helpers';

const key = (k: string, mods: Partial<{ ctrl: boolean; alt: boolean; shift: boolean; meta: boolean }> = {}, code?: string) => ({
  key: k,
  code,
  ctrlKey: mods.ctrl ?? false,
  altKey: mods.alt ?? false,
  shiftKey: mods.shift ?? false,
  metaKey: mods.meta ?? false,
});

describe('key chords and bindings', () => {
  it('writes a key press as one chord whatever the layout does to Shift and digits', () => {
    expect(chordOf(key('F4'))).toBe('F4');
    expect(chordOf(key('t', { ctrl: true }))).toBe('Ctrl+T');
    expect(chordOf(key('F3', { shift: true }))).toBe('Shift+F3');
    expect(chordOf(key('!', { ctrl: true, shift: true }, 'Digit1'))).toBe('Ctrl+Shift+1');
    expect(chordOf(key('ArrowLeft', { alt: true, shift: true }))).toBe('Alt+Shift+ArrowLeft');
    expect(chordOf(key('Control', { ctrl: true }))).toBeNull();
    expect(normaliseChord('shift+f3')).toBe('Shift+F3');
    expect(normaliseChord('alt+shift+ArrowLeft')).toBe('Alt+Shift+ArrowLeft');
    expect(normaliseChord('Hyper+X')).toBeNull();
  });

  it('the defaults do what the issue lists and take no key the editor or a screen reader needs', () => {
    expect(actionFor(DEFAULT_BINDINGS, 'F4')).toBe('playPause');
    expect(actionFor(DEFAULT_BINDINGS, 'Escape')).toBe('playPause');
    expect(actionFor(DEFAULT_BINDINGS, 'F1')).toBe('back');
    expect(actionFor(DEFAULT_BINDINGS, 'Alt+ArrowRight')).toBe('forward');
    expect(actionFor(DEFAULT_BINDINGS, 'Alt+Shift+ArrowLeft')).toBe('backLong');
    expect(actionFor(DEFAULT_BINDINGS, 'Shift+F3')).toBe('faster');
    expect(actionFor(DEFAULT_BINDINGS, 'F8')).toBe('timestamp');
    expect(actionFor(DEFAULT_BINDINGS, 'Ctrl+8')).toBe('speaker8');
    expect(actionFor(DEFAULT_BINDINGS, 'Ctrl+ArrowLeft')).toBeNull();
    expect(bindingProblems(DEFAULT_BINDINGS)).toEqual([]);
    for (const c of ['Ctrl+ArrowLeft', 'Ctrl+Shift+ArrowRight', 'Ctrl+Z', 'Ctrl+A', 'Tab', 'A', 'Shift+A', 'Space', 'Enter', 'Home']) expect(reservedReason(c), c).not.toBeNull();
  });

  it('keys a keyboard user or a screen reader needs cannot be bound: the context menu, the menu bar, Insert, Ctrl+Alt (VoiceOver, table navigation, AltGr)', () => {
    for (const c of ['Shift+F10', 'F10', 'Insert', 'Ctrl+Alt+ArrowLeft', 'Ctrl+Alt+ArrowDown', 'Ctrl+Alt+2', 'Ctrl+Alt+E', 'Ctrl+Alt+Shift+7']) expect(reservedReason(c), c).not.toBeNull();
    // Saving them is refused too (main checks what the page sends).
    const cfg = new AppConfig(path.join(tempDir(), 'config.json'));
    const base = cfg.transcription();
    expect(codeOf(() => cfg.setTranscription({ bindings: { loop: ['Insert'] }, playback: base.playback, pedals: base.pedals }))).toBe('KEY_CONFLICT');
    expect(codeOf(() => cfg.setTranscription({ bindings: { loop: ['Ctrl+Alt+2'] }, playback: base.playback, pedals: base.pedals }))).toBe('KEY_CONFLICT');
  });

  it('a key that types a character with Alt (Option+2 is @ on a Norwegian Mac) is typing, not a binding', () => {
    expect(typesCharacter(key('@', { alt: true }, 'Digit2'))).toBe(true);
    expect(typesCharacter(key('[', { alt: true }, 'Digit8'))).toBe(true);
    expect(typesCharacter(key('©', { alt: true }, 'KeyG'))).toBe(true);
    // Windows and Linux: Alt+2 is just Alt+2, the marker key.
    expect(typesCharacter(key('2', { alt: true }, 'Digit2'))).toBe(false);
    expect(typesCharacter(key('t', { alt: true }, 'KeyT'))).toBe(false);
    expect(typesCharacter(key('ArrowLeft', { alt: true }, 'ArrowLeft'))).toBe(false);
    expect(typesCharacter(key('@', {}, 'Digit2'))).toBe(false);
  });

  it('finds two actions on one key, and a key the editor needs', () => {
    const b = effectiveBindings({ loop: ['F4'], slower: ['ctrl+z'] });
    expect(bindingProblems(b)).toEqual([
      { chord: 'F4', kind: 'conflict', actions: ['playPause', 'loop'] },
      { chord: 'Ctrl+Z', kind: 'reserved', actions: ['slower'] },
    ]);
  });

  it('stores only the changes, refuses a conflicting set whole, and survives a hand-edited file', () => {
    const file = path.join(tempDir(), 'config.json');
    const cfg = new AppConfig(file);
    const base = cfg.transcription();
    expect(base.bindings).toEqual(DEFAULT_BINDINGS);
    expect(base.playback.rewindOnResumeMs).toBe(2000);
    const saved = cfg.setTranscription({ bindings: { loop: ['F9'] }, playback: { ...base.playback, rewindOnResumeMs: 3000 }, pedals: { ...base.pedals, right: 'timestamp' } });
    expect(saved.bindings.loop).toEqual(['F9']);
    expect(new AppConfig(file).transcription().pedals.right).toBe('timestamp');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).transcription.bindings).toEqual({ loop: ['F9'] });
    expect(codeOf(() => cfg.setTranscription({ bindings: { loop: ['F4'] }, playback: base.playback, pedals: base.pedals }))).toBe('KEY_CONFLICT');
    expect(codeOf(() => cfg.setTranscription({ bindings: { loop: ['Hyper+Q'] }, playback: base.playback, pedals: base.pedals }))).toBe('INVALID_INPUT');
    expect(new AppConfig(file).transcription().bindings.loop).toEqual(['F9']);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.transcription.playback.rewindOnResumeMs = 99999;
    raw.transcription.pedals.left = 'format-disk';
    fs.writeFileSync(file, JSON.stringify(raw));
    const again = new AppConfig(file).transcription();
    expect(again.playback.rewindOnResumeMs).toBe(2000);
    expect(again.pedals.left).toBe('back');
  });
});

describe('foot pedal (Infinity IN-USB-2)', () => {
  it('a pedal going down runs its action once; holding it or releasing another does nothing', () => {
    expect(pedalActions(0, 1)).toEqual(['back']);
    expect(pedalActions(0, 2)).toEqual(['playPause']);
    expect(pedalActions(0, 4)).toEqual(['forward']);
    expect(pedalActions(1, 1)).toEqual([]);
    expect(pedalActions(1, 0)).toEqual([]);
    expect(pedalActions(1, 3)).toEqual(['playPause']);
    expect(pedalActions(0, 5)).toEqual(['back', 'forward']);
    expect(pedalActions(0, 4, { left: 'back', middle: 'playPause', right: null })).toEqual([]);
    expect(pedalMask(new Uint8Array([6, 0]))).toBe(6);
    expect(pedalMask(new Uint8Array([0xff]))).toBe(7);
    expect(pedalMask(new Uint8Array([]))).toBe(0);
  });

  it('only the pedal itself counts as a pedal (permission is limited to it)', () => {
    expect(isFootPedal({ vendorId: 0x05f3, productId: 0x00ff })).toBe(true);
    expect(isFootPedal({ vendorId: 0x05f3, productId: 0x0001 })).toBe(false);
    expect(isFootPedal({ vendorId: 0x046d, productId: 0x00ff })).toBe(false);
  });
});

describe('playback and turns', () => {
  it('speed moves in steps of 0.1 between 0.5 and 2.0', () => {
    expect(stepRate(1, -1)).toBe(0.9);
    expect(stepRate(0.5, -1)).toBe(0.5);
    expect(stepRate(1.9, 1)).toBe(2);
    expect(stepRate(2, 1)).toBe(2);
    let r = 1;
    for (let i = 0; i < 3; i++) r = stepRate(r, 1);
    expect(r).toBe(1.3);
  });

  const TEXT = '#00:00:01-0# I: Hei.\n#00:00:05-5# B: Ja.\n#00:00:03-0# I: Feil.\n#00:01:10-0# B: Etter slutten.\n';
  const points = syncPoints(TEXT);

  it('marks timestamps past the end and out of order, and nothing else', () => {
    expect(stampIssues(points, 60_000)).toEqual([
      { offset: TEXT.indexOf('#00:00:03-0#'), ms: 3000, kind: 'out-of-order' },
      { offset: TEXT.indexOf('#00:01:10-0#'), ms: 70_000, kind: 'beyond-end' },
    ]);
    expect(stampIssues(points, null).map((i) => i.kind)).toEqual(['out-of-order']);
    // A stamp rounded down to tenths at the very end is not past it.
    expect(stampIssues(syncPoints('#00:00:55-0# slutt'), 54_950)).toEqual([]);
  });

  it('the turn being played runs from its stamp to the next, skipping stamps out of order', () => {
    expect(turnAt(points, TEXT.length, 500)).toBeNull();
    expect(turnAt(points, TEXT.length, 2000)).toEqual({ start: 0, end: TEXT.indexOf('#00:00:05-5#'), fromMs: 1000, toMs: 5500 });
    const second = turnAt(points, TEXT.length, 6000)!;
    expect(second.start).toBe(TEXT.indexOf('#00:00:05-5#'));
    expect(second.toMs).toBe(70_000);
  });

  it('new turns, next speaker and markers are written as in the seed transcripts', () => {
    const text = '#00:00:01-0# I: Hei.\n#00:00:05-5# B: Ja, så';
    expect(nextSpeaker(text, text.length, ['I', 'B'])).toBe('I');
    expect(nextSpeaker(text, 10, ['I', 'B'])).toBe('I');
    expect(nextSpeaker(text, 25, ['I', 'B'])).toBe('B');
    expect(nextSpeaker('', 0, ['I', 'JS01'])).toBe('I');
    expect(turnText(text, text.length, 'I', '#00:00:09-0#')).toBe('\n#00:00:09-0# I: ');
    expect(turnText('a\n', 2, 'B', null)).toBe('B: ');
    expect(markerText('(uforståelig {t})', '#00:00:09-0#')).toBe('(uforståelig #00:00:09-0#)');
    expect(markerText('[latter]', '#00:00:09-0#')).toBe('[latter]');
  });

  it('progress: how far the text reaches, words typed today, and time left at today’s pace', () => {
    expect(reachedMs(points, 60_000)).toBe(5500);
    expect(wordCount('#00:00:01-0# I: Hei på deg.\n#00:00:05-5# B: Ja, så fint!')).toBe(6);
    const start = advanceToday(undefined, '2026-12-01', new Date('2026-12-01T10:00:00Z'), { words: 100, reachedMs: 60_000 });
    expect(start).toMatchObject({ wordsAtStart: 100, reachedAtStart: 60_000, activeMs: 0 });
    const a = advanceToday(start, '2026-12-01', new Date('2026-12-01T10:01:00Z'), { words: 150, reachedMs: 90_000 });
    const b = advanceToday(a, '2026-12-01', new Date('2026-12-01T11:00:00Z'), { words: 160, reachedMs: 95_000 });
    expect(b.activeMs).toBe(60_000); // the hour's break is not counted as typing
    // 60 s of typing covered 60 s of audio (60 → 120 s): 480 s left takes 480 s.
    expect(timeLeftMs(b, '2026-12-01', 120_000, 600_000)).toBe(480_000);
    expect(timeLeftMs(b, '2026-12-02', 120_000, 600_000)).toBeNull();
    expect(advanceToday(b, '2026-12-02', new Date('2026-12-02T09:00:00Z'), { words: 160, reachedMs: 120_000 })).toMatchObject({ date: '2026-12-02', wordsAtStart: 160, activeMs: 0 });
  });
});

describe('stored with the vault', () => {
  it('the waveform is sealed in the recording record and goes with it', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const wav = path.join(tempDir(), 'a.wav');
    makeWav(wav, 2, 3);
    const rec = new Recordings(session, () => new Date());
    const info = await rec.import(code, wav);
    // Computed at import (tests/core/recording-peaks.test.ts); the page's own (M4A/WebM) replaces it.
    expect(rec.peaks(info.id)!.length).toBe(20);
    const peaks = new Uint8Array([0, 12, 255, 200, 7]);
    rec.storePeaks(info.id, peaks);
    expect(rec.peaks(info.id)).toEqual(peaks);
    expect(codeOf(() => rec.storePeaks(info.id, new Uint8Array(0)))).toBe('INVALID_INPUT');
    // Sealed: the recordings database holds no run of these bytes in clear.
    const db = fs.readFileSync(path.join(session.path, 'recordings', 'recordings.sqlite'));
    expect(db.includes(Buffer.from(peaks).toString('base64'))).toBe(false);
    await rec.delete(info.id);
    expect(codeOf(() => rec.peaks(info.id))).toBe('NOT_FOUND');
    session.lock();
  });

  it('speakers and markers are kept; autosaves are audited once a quarter hour; today’s counters advance', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    let now = new Date('2026-12-01T10:00:00Z');
    const tr = new Transcripts(session, () => now);
    const t = tr.create(code, '');
    expect(t.speakers).toEqual(['I', 'B']);
    expect(tr.update(t.id, { speakers: ['I', 'B', 'T2'] }).speakers).toEqual(['I', 'B', 'T2']);
    expect(codeOf(() => tr.update(t.id, { speakers: ['Kari\nNordmann'] }))).toBe('INVALID_INPUT');
    // A name from the key list (the admitted "Test Deltaker"), whole or in part, is no speaker label: it would be written at every turn.
    for (const label of ['Test Deltaker', 'deltaker', 'TEST']) expect(codeOf(() => tr.update(t.id, { speakers: ['I', label] })), label).toBe('SPEAKER_IS_NAME');
    expect(tr.get(t.id).speakers).toEqual(['I', 'B', 'T2']);
    expect(tr.update(t.id, { speakers: ['I', code, 'Deltakeren'] }).speakers).toEqual(['I', code, 'Deltakeren']);
    tr.update(t.id, { speakers: ['I', 'B', 'T2'] });
    const edits = () => session.audit.list().filter((e) => e.action === 'transcript.edited').length;
    const before = edits();
    for (let i = 1; i <= 5; i++) {
      now = new Date(now.getTime() + 2000);
      tr.update(t.id, { text: `#00:00:0${i}-0# I: ord ${'ja '.repeat(i)}`, autosave: true });
    }
    expect(edits() - before).toBe(1);
    now = new Date(now.getTime() + 16 * 60 * 1000);
    tr.update(t.id, { text: 'mer tekst', autosave: true });
    expect(edits() - before).toBe(2);
    const today = tr.get(t.id).today!;
    expect(today.date).toBe('2026-12-01');
    expect(today.wordsAtStart).toBe(0);
    expect(today.activeMs).toBe(8000);
    expect(tr.markers()).toBeNull();
    expect(tr.setMarkers([' (pause) ', '', '[latter]'])).toEqual(['(pause)', '[latter]']);
    expect(tr.markers()).toEqual(['(pause)', '[latter]']);
    expect(codeOf(() => tr.setMarkers(['x'.repeat(61)]))).toBe('INVALID_INPUT');
    session.lock();
  });

  it('autosave writes a changed text only, sends back when and today’s counters, and leaves the identifying-details check to the next read', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    let now = new Date('2026-12-01T10:00:00Z');
    const tr = new Transcripts(session, () => now);
    const t = tr.create(code, '#00:00:01-0# I: Hei.');
    const version = () => session.stores.transcripts.versions('transcript').get(t.id);
    const v0 = version();
    now = new Date(now.getTime() + 3000);
    // "e" and a combining acute: stored as é (NFC), as update() does.
    const typed = '#00:00:01-0# I: Hei.\n#00:00:04-0# B: Ja, Test Deltaker sa det til meg: kafe\u0301.';
    const r = tr.autosave(t.id, typed);
    expect(r).toEqual({ updatedAt: now.toISOString(), today: expect.objectContaining({ date: '2026-12-01', wordsAtStart: 1 }), written: true });
    expect(version()).toBe(v0! + 1);
    // The same text again: nothing written, the version stays.
    expect(tr.autosave(t.id, typed).written).toBe(false);
    expect(tr.autosave(t.id, typed.normalize('NFC')).written).toBe(false);
    expect(version()).toBe(v0! + 1);
    // Read back: the text as typed (NFC), its sync points, and the check run now finds the name.
    const back = tr.get(t.id);
    expect(back.text).toBe(typed.normalize('NFC'));
    expect(back.syncPoints.map((p) => p.ms)).toEqual([1000, 4000]);
    expect(back.identifiers).toBeGreaterThan(0);
    // A new day starts the counters from the words there are then (nine: stamps and labels are not words).
    now = new Date('2026-12-02T09:00:00Z');
    expect(tr.autosave(t.id, `${typed} Mer.`).today).toMatchObject({ date: '2026-12-02', wordsAtStart: 9, reachedAtStart: 4000, activeMs: 0 });
    // A locked vault: refused, as update() is.
    session.lock();
    expect(codeOf(() => tr.autosave(t.id, 'x'))).toBe('VAULT_LOCKED');
  });
});

it('every action has a default', () => {
  for (const a of ACTIONS) expect(DEFAULT_BINDINGS[a].length, a).toBeGreaterThan(0);
});

describe('stamps the workspace inserts (issue 29)', () => {
  it('F8 puts the spaces f4 writes around the stamp, only where there is none', () => {
    expect(stampText('Hun sa', 6, '#00:01:02-3#')).toBe(' #00:01:02-3# ');
    expect(stampText('Hun sa ', 7, '#00:01:02-3#')).toBe('#00:01:02-3# ');
    expect(stampText('Hun sa det', 6, '#00:01:02-3#')).toBe(' #00:01:02-3#');
    expect(stampText('', 0, '#00:00:00-0#')).toBe('#00:00:00-0# ');
    expect(stampText('sa\nneste', 2, '#00:00:01-0#')).toBe(' #00:00:01-0#');
  });

  it('a stamp after a rewind on resume is never earlier than the stamp before it', () => {
    const text = '#00:00:04-1# I: Hei.\n#00:01:10-5# B: Ja, det var';
    // Playback resumed 2 s back from 1:11.0: 1:09.0 is before the turn's 1:10.5.
    expect(stampMsAt(text, text.length, 69_000)).toBe(70_500);
    expect(stampMsAt(text, text.length, 75_000)).toBe(75_000);
    // Only stamps before the caret count.
    expect(stampMsAt(text, 20, 5_000)).toBe(5_000);
  });
});
