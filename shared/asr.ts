/**
 * Automatic draft transcripts: pure rules shared by core (which writes the draft)
 * and the renderer (which shows where the engine was unsure). No DOM, no Node.
 */
import { f4Stamp } from './transcript';

export const ASR_LANGUAGES = ['nb', 'en'] as const;
export type AsrLanguage = (typeof ASR_LANGUAGES)[number];

/** whisper's own language codes: NB-Whisper is trained on "no" for bokmål and nynorsk speech alike. */
export const WHISPER_LANGUAGE: Record<AsrLanguage, string> = { nb: 'no', en: 'en' };

/** A recognised stretch of speech: times in ms from the start of the recording. */
export interface DraftSegment {
  startMs: number;
  endMs: number;
  text: string;
  /** The engine's text here is doubtful (cut at a window edge, repeated, or time out of range). */
  unsure: boolean;
  /** A new speaker turn probably starts here (a long pause before it). */
  turn: boolean;
  /** Who speaks, from the speaker diarization (0, 1, …); absent when the draft was made without it. */
  speaker?: number;
}

/** A stretch of the recording the speaker diarization gives to one voice. */
export interface SpeakerTurn {
  startMs: number;
  endMs: number;
  speaker: number;
}

/** The label a diarized voice gets in the draft until the student names it: S1, S2, … */
export function speakerLabel(speaker: number): string {
  return `S${speaker + 1}`;
}
export const SPEAKER_LABEL = /^S\d{1,2}$/;

/**
 * Each segment gets the voice that speaks longest within it (none where no voice
 * overlaps it: it keeps the voice before it), and the voices are numbered in the order
 * they are first heard, so the draft starts with S1. The turns are not kept after this.
 */
export function assignSpeakers(segments: readonly DraftSegment[], turns: readonly SpeakerTurn[]): DraftSegment[] {
  let last: number | undefined;
  const order = new Map<number, number>();
  return segments.map((s) => {
    const time = new Map<number, number>();
    for (const t of turns) {
      const overlap = Math.min(s.endMs, t.endMs) - Math.max(s.startMs, t.startMs);
      if (overlap > 0) time.set(t.speaker, (time.get(t.speaker) ?? 0) + overlap);
    }
    let best = last;
    let most = 0;
    for (const [speaker, ms] of time) if (ms > most) [best, most] = [speaker, ms];
    last = best ?? 0;
    if (s.text.trim() && !order.has(last)) order.set(last, order.size);
    return { ...s, speaker: order.get(last) ?? order.size };
  });
}

/** The speaker labels a draft's text uses, in order of first appearance (for its speakers list). */
export function draftSpeakers(segments: readonly DraftSegment[]): string[] {
  const out: string[] = [];
  for (const s of segments) if (s.speaker !== undefined && s.text.trim() && !out.includes(speakerLabel(s.speaker))) out.push(speakerLabel(s.speaker));
  return out;
}

/**
 * Words the student should listen to again are written `(?words?)`: plain text that
 * survives export to .txt and .docx, is easy to search for, and is not one of the
 * bracketed placeholders ([navn]) that de-identification writes.
 */
export const UNSURE = /\(\?([^()]*?)\?\)/g;

export function markUnsure(text: string): string {
  return `(?${text}?)`;
}

/** Interviewer and participant, as the seed study labels them ("I:" and "B:" for "bruker"). */
export const SPEAKERS = ['I', 'B'] as const;

/**
 * The draft's text: one line per speaker turn, `#hh:mm:ss-d# I: …` (f4's stamps, as a
 * typed transcript has them), and a stamp at every segment start inside a turn too, so
 * every segment is a sync point. With the speaker diarization a turn is a change of
 * voice, labelled S1, S2, … until the student names them; without it turns are guessed
 * from pauses and alternate I/B, and the student corrects them.
 */
export function composeDraft(segments: readonly DraftSegment[]): string {
  const lines: string[] = [];
  const diarized = segments.some((s) => s.speaker !== undefined);
  let speaker = -1;
  let line = '';
  for (const s of segments) {
    const words = s.text.replace(/\s+/g, ' ').trim();
    if (!words) continue;
    const shown = s.unsure ? markUnsure(words) : words;
    const next = diarized ? (s.speaker ?? 0) : (speaker + 1) % SPEAKERS.length;
    if (diarized ? next !== speaker : s.turn || speaker < 0) {
      if (line) lines.push(line);
      speaker = next;
      line = `${f4Stamp(s.startMs)} ${diarized ? speakerLabel(speaker) : SPEAKERS[speaker]}: ${shown}`;
    } else {
      line += ` ${f4Stamp(s.startMs)} ${shown}`;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Progress of a draft in the making, as the UI and the CLI show it. */
export interface DraftProgress {
  /** 0..100: the share of the recording's audio that has been through the engine. */
  percent: number;
  elapsedMs: number;
  /** null until enough is done to estimate. */
  remainingMs: number | null;
  segments: number;
}

/**
 * The model the draft panel offers first: a verified one (its hash is in Hvelv's list),
 * the one last used among those, then the last used at all, then the first by name;
 * never a file that is no usable model. `checks` may be missing while the files are
 * still being hashed: the last used, else the first file, until the verdicts come.
 */
export function pickModel(
  files: readonly { name: string }[],
  checks: readonly { name: string; known: string | null; problem: string | null }[] | null,
  lastModel: string | null | undefined,
): string {
  const usable = files.filter((f) => !checks?.some((c) => c.name === f.name && c.problem !== null));
  const verified = usable.filter((f) => checks?.some((c) => c.name === f.name && c.known !== null));
  for (const pool of [verified, usable]) {
    const last = pool.find((f) => f.name === lastModel);
    if (last) return last.name;
    if (pool.length && pool === verified) return pool[0]!.name;
  }
  return usable[0]?.name ?? '';
}
