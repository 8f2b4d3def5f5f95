/**
 * The transcription workspace's rules, pure so that core, the page and the tests share
 * them: key chords and bindings (with the defaults of f4 and Express Scribe), conflict
 * detection, the foot pedal's report, playback speed steps, the turn being played,
 * timestamps that cannot be right, and progress. No DOM, no Node.
 */
import { syncPoints, type SyncPoint } from './transcript';

export const SPEAKER_SLOTS = 8;
/** Waveform buckets: ten a second (far finer than any screen), at most this many. */
export const PEAKS_PER_SECOND = 10;
export const PEAKS_MAX = 48_000;
export const MARKER_SLOTS = 6;

export const ACTIONS = [
  'playPause',
  'back',
  'forward',
  'backLong',
  'slower',
  'faster',
  'timestamp',
  'nextTurn',
  'loop',
  'speaker1',
  'speaker2',
  'speaker3',
  'speaker4',
  'speaker5',
  'speaker6',
  'speaker7',
  'speaker8',
  'marker1',
  'marker2',
  'marker3',
  'marker4',
  'marker5',
  'marker6',
] as const;
export type Action = (typeof ACTIONS)[number];
export type Bindings = Record<Action, string[]>;

/**
 * The defaults students know from f4 and Express Scribe. Ctrl+arrows, Home/End, Tab and
 * the editing chords are left to the editor and the screen reader (see RESERVED).
 */
export const DEFAULT_BINDINGS: Bindings = {
  playPause: ['F4', 'Escape'],
  back: ['F1', 'Alt+ArrowLeft'],
  forward: ['F2', 'Alt+ArrowRight'],
  backLong: ['Alt+Shift+ArrowLeft'],
  slower: ['F3'],
  faster: ['Shift+F3'],
  timestamp: ['Ctrl+T', 'F8'],
  nextTurn: ['Ctrl+Enter'],
  loop: ['Ctrl+L'],
  speaker1: ['Ctrl+1'],
  speaker2: ['Ctrl+2'],
  speaker3: ['Ctrl+3'],
  speaker4: ['Ctrl+4'],
  speaker5: ['Ctrl+5'],
  speaker6: ['Ctrl+6'],
  speaker7: ['Ctrl+7'],
  speaker8: ['Ctrl+8'],
  marker1: ['Alt+1'],
  marker2: ['Alt+2'],
  marker3: ['Alt+3'],
  marker4: ['Alt+4'],
  marker5: ['Alt+5'],
  marker6: ['Alt+6'],
};

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'CapsLock', 'OS']);

/**
 * A key press as a chord string ("Ctrl+Alt+Shift+T", modifiers in that order), or null
 * for a bare modifier. Digits come from the physical key, so Ctrl+Shift+1 stays "1"
 * and not "!"; letters are upper case whatever Shift does.
 */
export function chordOf(e: KeyLike): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  let key = e.key;
  if (e.code && /^Digit\d$/.test(e.code)) key = e.code.slice(5);
  else if (e.code && /^Numpad\d$/.test(e.code)) key = e.code.slice(6);
  else if (/^[a-z]$/i.test(key)) key = key.toUpperCase();
  else if (key === ' ') key = 'Space';
  const mods = [e.ctrlKey || e.metaKey ? 'Ctrl' : '', e.altKey ? 'Alt' : '', e.shiftKey ? 'Shift' : ''].filter(Boolean);
  return [...mods, key].join('+');
}

/**
 * The key press types a character on this keyboard although it carries Alt: Option+2
 * is @, Option+8 is [ on a Mac with a Norwegian layout, where Alt+1…6 are the markers'
 * defaults. Typing wins over a binding, whatever the layout: the chord is the same on
 * every keyboard, but only here does the key write something else than its own digit
 * or letter.
 */
export function typesCharacter(e: KeyLike): boolean {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.key.length !== 1 || !e.code) return false;
  const own = /^Digit(\d)$/.exec(e.code)?.[1] ?? /^Key([A-Z])$/.exec(e.code)?.[1]?.toLowerCase();
  return own !== undefined && e.key.toLowerCase() !== own;
}

/** Parse and re-write a chord typed or stored, so "shift+f3" and "Shift+F3" are one chord; null if not a chord. */
export function normaliseChord(s: string): string | null {
  const parts = s.split('+').map((p) => p.trim());
  const key = parts.pop();
  if (!key) return null;
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  for (const m of mods) if (!['ctrl', 'alt', 'shift', 'meta', 'cmd'].includes(m)) return null;
  const k = /^[a-z]$/i.test(key) ? key.toUpperCase() : /^f\d{1,2}$/i.test(key) ? key.toUpperCase() : key;
  if (!/^(F\d{1,2}|[A-Z0-9]|Escape|Enter|Space|Arrow(Left|Right|Up|Down)|Home|End|PageUp|PageDown|Insert|Delete|Backspace|Tab|Pause|[-=,./;'[\]\\`])$/.test(k)) return null;
  return chordOf({ key: k, ctrlKey: mods.has('ctrl') || mods.has('meta') || mods.has('cmd'), altKey: mods.has('alt'), shiftKey: mods.has('shift'), metaKey: false });
}

/**
 * Chords no binding may take: what the editor (moving by word, selecting, undo, copy),
 * keyboard navigation (Tab) and screen readers rely on, and typing itself (a key with
 * no modifier but the F keys, Escape and Pause, which type nothing).
 */
export function reservedReason(chord: string): 'editing' | 'typing' | 'navigation' | null {
  const parts = chord.split('+');
  const key = parts[parts.length - 1]!;
  const mods = new Set(parts.slice(0, -1));
  const ctrl = mods.has('Ctrl');
  const alt = mods.has('Alt');
  if (key === 'Tab' || (alt && key === 'F4') || (ctrl && ['W', 'Q', 'R'].includes(key)) || key === 'F6' || key === 'F7') return 'navigation';
  // Shift+F10 and F10 open the context menu and the menu bar from the keyboard; Insert
  // is the screen reader's own key (NVDA, JAWS); Ctrl+Alt is VoiceOver's modifier, the
  // table navigation of NVDA and JAWS, and AltGr on Windows (Ctrl+Alt+2 types @ on a
  // Norwegian keyboard), so no binding may take any of them.
  if (key === 'F10' || key === 'Insert' || (ctrl && alt)) return 'navigation';
  if (/^Arrow/.test(key) && !alt) return 'editing';
  if (['Home', 'End', 'PageUp', 'PageDown', 'Backspace', 'Delete'].includes(key) && !alt) return 'editing';
  if (ctrl && !alt && ['A', 'C', 'V', 'X', 'Z', 'Y', 'F', 'H', 'Space'].includes(key)) return 'editing';
  if (!ctrl && !alt && !/^F\d{1,2}$/.test(key) && key !== 'Escape' && key !== 'Pause') return 'typing';
  return null;
}

export interface BindingProblem {
  chord: string;
  /** Two actions share the chord, or the chord belongs to the editor/typing. */
  kind: 'conflict' | 'reserved';
  actions: Action[];
}

/** Every chord bound to more than one action, and every binding of a reserved chord. */
export function bindingProblems(b: Bindings): BindingProblem[] {
  const byChord = new Map<string, Action[]>();
  for (const a of ACTIONS) for (const c of b[a] ?? []) byChord.set(c, [...(byChord.get(c) ?? []), a]);
  const out: BindingProblem[] = [];
  for (const [chord, actions] of byChord) {
    if (reservedReason(chord)) out.push({ chord, kind: 'reserved', actions });
    else if (actions.length > 1) out.push({ chord, kind: 'conflict', actions });
  }
  return out;
}

/** The stored overrides laid over the defaults: an action not mentioned keeps its default. */
export function effectiveBindings(overrides: Partial<Record<string, string[]>>): Bindings {
  const out = { ...DEFAULT_BINDINGS };
  for (const a of ACTIONS) {
    const o = overrides[a];
    if (o) out[a] = o.map((c) => normaliseChord(c)).filter((c): c is string => c !== null);
  }
  return out;
}

export function actionFor(b: Bindings, chord: string): Action | null {
  for (const a of ACTIONS) if (b[a].includes(chord)) return a;
  return null;
}

// ---- playback ---------------------------------------------------------------

export const RATE_MIN = 0.5;
export const RATE_MAX = 2.0;

/** One step (0.1) slower or faster, kept on the grid and within 0.5–2.0. */
export function stepRate(rate: number, dir: -1 | 1): number {
  const next = Math.round(rate * 10 + dir) / 10;
  return Math.min(RATE_MAX, Math.max(RATE_MIN, next));
}

export interface PlaybackSettings {
  /** Rewound when playback resumes after a pause (0–5 s). */
  rewindOnResumeMs: number;
  /** Back/forward step (F1/F2). */
  skipMs: number;
  /** Long step back (Alt+Shift+←). */
  longSkipMs: number;
}

export const DEFAULT_PLAYBACK: PlaybackSettings = { rewindOnResumeMs: 2000, skipMs: 5000, longSkipMs: 30000 };
export const LIMITS = { rewindOnResumeMs: [0, 5000], skipMs: [1000, 30000], longSkipMs: [5000, 120000] } as const;

// ---- foot pedals ------------------------------------------------------------

/** The Infinity IN-USB-2, the pedal most transcribers have (VEC / Infinity). */
export const INFINITY_PEDAL = { vendorId: 0x05f3, productId: 0x00ff } as const;
/** The only HID devices Hvelv asks for or accepts: foot pedals it knows. */
export function isFootPedal(d: { vendorId?: number; productId?: number }): boolean {
  return d.vendorId === INFINITY_PEDAL.vendorId && d.productId === INFINITY_PEDAL.productId;
}

export const PEDALS = ['left', 'middle', 'right'] as const;
export type Pedal = (typeof PEDALS)[number];
const PEDAL_BIT: Record<Pedal, number> = { left: 1, middle: 2, right: 4 };
export type PedalMap = Record<Pedal, Action | null>;
export const DEFAULT_PEDALS: PedalMap = { left: 'back', middle: 'playPause', right: 'forward' };

/**
 * The actions a pedal report asks for. The pedal reports the whole bitmask on every
 * change (left=1, middle=2, right=4), so an action runs when its pedal goes down, not
 * again while it is held or when another pedal is released.
 */
export function pedalActions(previousMask: number, mask: number, map: PedalMap = DEFAULT_PEDALS): Action[] {
  const out: Action[] = [];
  for (const p of PEDALS) {
    const bit = PEDAL_BIT[p];
    const pressed = (mask & bit) !== 0 && (previousMask & bit) === 0;
    const action = map[p];
    if (pressed && action) out.push(action);
  }
  return out;
}

/** The bitmask in an IN-USB-2 input report (its first byte; the rest is padding). */
export function pedalMask(report: Uint8Array): number {
  return (report[0] ?? 0) & 7;
}

// ---- the transcript ---------------------------------------------------------

export interface StampIssue {
  offset: number;
  ms: number;
  /** Later than the recording lasts, or earlier than a stamp before it in the text. */
  kind: 'beyond-end' | 'out-of-order';
}

/**
 * Timestamps that cannot be right: past the end of the recording (a transcript made for
 * another file, or a typo), and earlier than the stamp before them in the text. A check
 * of its own: it says nothing about personal data and gates nothing.
 */
export function stampIssues(points: readonly SyncPoint[], durationMs: number | null): StampIssue[] {
  const out: StampIssue[] = [];
  let latest = -1;
  for (const p of points) {
    // A tenth of a second of slack: stamps are rounded down to tenths, durations are not.
    if (durationMs !== null && durationMs > 0 && p.ms > durationMs + 100) out.push({ offset: p.offset, ms: p.ms, kind: 'beyond-end' });
    else if (p.ms < latest) out.push({ offset: p.offset, ms: p.ms, kind: 'out-of-order' });
    latest = Math.max(latest, p.ms);
  }
  return out;
}

/**
 * The turn being played: from the last stamp at or before `ms` (in the text's order,
 * stamps out of order ignored) to the next stamp. Null before the first stamp.
 */
export function turnAt(points: readonly SyncPoint[], textLength: number, ms: number): { start: number; end: number; fromMs: number; toMs: number | null } | null {
  let best = -1;
  let latest = -1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    if (p.ms < latest) continue;
    latest = p.ms;
    if (p.ms <= ms) best = i;
  }
  if (best < 0) return null;
  const p = points[best]!;
  const next = points.slice(best + 1).find((q) => q.ms >= p.ms);
  return { start: p.offset, end: next ? next.offset : textLength, fromMs: p.ms, toMs: next ? next.ms : null };
}

/** Words as a reader counts them; stamps and speaker labels are not words typed. */
export function wordCount(text: string): number {
  const stripped = text.replace(/#\d{1,2}:\d{2}:\d{2}-\d#/g, ' ').replace(/(^|\n)\s*[^\s:]{1,12}:\s/g, '$1');
  return stripped.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

/** How far into the recording the transcript reaches: its latest plausible stamp. */
export function reachedMs(points: readonly SyncPoint[], durationMs: number | null): number {
  let best = 0;
  for (const p of points) if ((durationMs === null || p.ms <= durationMs + 100) && p.ms > best) best = p.ms;
  return durationMs === null ? best : Math.min(best, durationMs);
}

export interface TodayProgress {
  /** Local date the counters are for (YYYY-MM-DD). */
  date: string;
  wordsAtStart: number;
  reachedAtStart: number;
  /** Time spent typing today: gaps longer than two minutes are not counted. */
  activeMs: number;
  lastEditAt: string;
}

export const ACTIVE_GAP_MS = 2 * 60 * 1000;

/** The day's counters after an edit at `at` (a new day starts them again). */
export function advanceToday(prev: TodayProgress | undefined, today: string, at: Date, before: { words: number; reachedMs: number }): TodayProgress {
  if (!prev || prev.date !== today) return { date: today, wordsAtStart: before.words, reachedAtStart: before.reachedMs, activeMs: 0, lastEditAt: at.toISOString() };
  const gap = at.getTime() - new Date(prev.lastEditAt).getTime();
  return { ...prev, activeMs: prev.activeMs + (gap > 0 && gap <= ACTIVE_GAP_MS ? gap : 0), lastEditAt: at.toISOString() };
}

/**
 * The estimate of time left at today's pace: the part of the recording not yet reached,
 * times the typing time today per second of audio covered today. Null until today has
 * covered at least ten seconds of audio (no pace to go by yet).
 */
export function timeLeftMs(t: TodayProgress | undefined, today: string, reached: number, durationMs: number): number | null {
  if (!t || t.date !== today) return null;
  const covered = reached - t.reachedAtStart;
  if (covered < 10_000 || t.activeMs <= 0) return null;
  return Math.round(((durationMs - reached) * t.activeMs) / covered);
}

// ---- writing turns ----------------------------------------------------------

const LABEL_AT_LINE = /(?:^|\n)(?:#\d{1,2}:\d{2}:\d{2}-\d#\s*)?([^\s:#]{1,24}):\s/g;

/** The speaker after the one whose turn the caret is in (cycling through the list), for Ctrl+Enter. */
export function nextSpeaker(text: string, caret: number, speakers: readonly string[]): string {
  if (speakers.length === 0) return 'B';
  let last: string | null = null;
  for (const m of text.slice(0, caret).matchAll(LABEL_AT_LINE)) last = m[1]!;
  const i = last === null ? -1 : speakers.indexOf(last);
  return speakers[(i + 1) % speakers.length]!;
}

/**
 * What a speaker key inserts at the caret: a new line unless the caret starts one, the
 * timestamp (which becomes a sync point) and the label, as in the seed study's
 * transcripts ("#00:00:12-6# B: ").
 */
export function turnText(text: string, caret: number, label: string, stamp: string | null): string {
  const atLineStart = caret === 0 || text[caret - 1] === '\n';
  return `${atLineStart ? '' : '\n'}${stamp ? `${stamp} ` : ''}${label}: `;
}

/** A marker from the project's list, `{t}` replaced by the playing time's stamp. */
export function markerText(template: string, stamp: string): string {
  return template.includes('{t}') ? template.replaceAll('{t}', stamp) : template;
}

/**
 * What F8 inserts at the caret: the stamp with the spaces f4 writes around it
 * (" #00:01:02-3# "), each only where the text does not already have one (issue 29: the
 * stamp was glued to the word before it, "sa#00:01:02-3# ").
 */
export function stampText(text: string, caret: number, stamp: string): string {
  const before = caret > 0 && !/\s/u.test(text[caret - 1]!) ? ' ' : '';
  const after = caret < text.length && /\s/u.test(text[caret]!) ? '' : ' ';
  return `${before}${stamp}${after}`;
}

/**
 * The time a new stamp at the caret should carry: the playing time, or the latest stamp
 * before the caret if that is later (issue 29: resuming rewinds a little, so a speaker
 * key pressed at once stamped a time before the stamp of the turn just written).
 */
export function stampMsAt(text: string, caret: number, playingMs: number): number {
  let latest = 0;
  for (const p of syncPoints(text.slice(0, caret))) latest = Math.max(latest, p.ms);
  return Math.max(playingMs, latest);
}
