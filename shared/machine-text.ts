/**
 * Machine text marked until checked (issue 26): every passage of an automatic draft is
 * the engine's guess until the student has heard it (played it through in the
 * workspace) or edited it. Pure rules shared by core (which stores what is still
 * unchecked, sealed with the transcript) and the renderer (which shows it).
 *
 * A passage runs from one timestamp to the next: a draft has a stamp at every segment
 * the engine found (shared/asr.ts composeDraft), so passages are the engine's segments.
 * A passage is known by its stamp's time; its words are compared without the stamps,
 * the speaker label after the stamp and spacing, so naming the speakers (I, B → the
 * names chosen) is not an edit of the words, but changing a word is.
 */
import { syncPoints } from './transcript';

export interface Passage {
  /** Its stamp's time. */
  ms: number;
  /** Where it is in the text (UTF-16): from its stamp to the next stamp or the end. */
  start: number;
  end: number;
  /** Its words as compared (see above); empty for a passage that holds no words. */
  words: string;
}

const STAMP = /#\d{1,2}:\d{2}:\d{2}-\d#/g;
/** A speaker label right after the stamp ("I: ", "JS02: "), as the workspace's speaker keys write it. */
const LABEL = /^\s*[^\s:#]{1,24}:(?=\s|$)/;

/** The words of a stretch of transcript as they are compared. */
export function passageWords(s: string): string {
  return s.replace(STAMP, ' ').replace(LABEL, '').replace(/\s+/g, ' ').trim();
}

/** The passages of a text: one per timestamp, with words (stamps and nothing else between them are no passage). */
export function passagesOf(text: string): Passage[] {
  const points = syncPoints(text);
  const out: Passage[] = [];
  for (let i = 0; i < points.length; i++) {
    const start = points[i]!.offset;
    const end = i + 1 < points.length ? points[i + 1]!.offset : text.length;
    const words = passageWords(text.slice(start, end));
    if (words) out.push({ ms: points[i]!.ms, start, end, words });
  }
  return out;
}

/** How far a passage plays: to the next passage's stamp, or to the end of the recording. */
export function passageEndMs(passages: readonly Passage[], i: number, durationMs: number): number {
  return i + 1 < passages.length ? Math.max(passages[i]!.ms, passages[i + 1]!.ms) : Math.max(passages[i]!.ms, durationMs);
}

/** Slack at each end of a passage when judging it heard: a stamp is rounded down to a tenth of a second, and playback resumes a little early. */
export const HEARD_SLACK_MS = 300;

/** A passage is heard when one stretch of continuous playback covered it from its stamp to its end. */
export function heardThrough(fromMs: number, toMs: number, heard: { fromMs: number; toMs: number }): boolean {
  return heard.fromMs <= fromMs + HEARD_SLACK_MS && heard.toMs >= toMs - HEARD_SLACK_MS;
}

/** Count of a transcript's machine text, as lists and documents say it: "n of m passages checked against the recording". */
export interface MachineTextCount {
  checked: number;
  total: number;
}

export const hasUncheckedMachineText = (m: MachineTextCount | null | undefined): boolean => !!m && m.checked < m.total;

/**
 * Which passages of a transcript are unchecked machine text, as a share to the supervisor
 * carries them (issue 26): the same passages the student's workspace draws, as ranges of
 * the shared text in code points (as a share's segments are). `version` says how to read
 * `spans`; a reader that does not know the version refuses the share (SHARE_NEEDS_NEWER)
 * rather than show the text as if it were checked. Absent in shares made before it.
 */
export interface MachineSpans {
  version: typeof MACHINE_SPANS_VERSION;
  spans: { ms: number; start: number; end: number }[];
}
export const MACHINE_SPANS_VERSION = 1;

/**
 * Whether [start, end) touches any of the spans (same unit as the spans), which are in
 * order without overlap (as a share's are, payload-check.ts): found by halving, so a share
 * with many passages and many quotes is not a product of the two.
 */
export function overlapsSpans(spans: readonly { start: number; end: number }[], start: number, end: number): boolean {
  // The first span that ends after `start`: the only one that can begin before `end` and reach past `start`.
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const p = spans[lo];
  return !!p && p.start < end && start < p.end;
}
