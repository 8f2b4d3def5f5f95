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
 * The draft's text: one line per speaker turn, `#hh:mm:ss-d# I: …`, and a stamp at
 * every segment start inside a turn too, so every segment is a sync point. Turns are
 * guessed from pauses and alternate I/B; the student corrects them.
 */
export function composeDraft(segments: readonly DraftSegment[]): string {
  const lines: string[] = [];
  let speaker = -1;
  let line = '';
  for (const s of segments) {
    const words = s.text.replace(/\s+/g, ' ').trim();
    if (!words) continue;
    const shown = s.unsure ? markUnsure(words) : words;
    if (s.turn || speaker < 0) {
      if (line) lines.push(line);
      speaker = (speaker + 1) % SPEAKERS.length;
      line = `${f4Stamp(s.startMs)} ${SPEAKERS[speaker]}: ${shown}`;
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
