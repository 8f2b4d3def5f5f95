/**
 * Machine text marked until checked (issue 26; rules in shared/machine-text.ts): what an
 * automatic draft's record keeps of the passages the student has neither heard nor
 * edited, and how each change of the transcript moves it. Kept in the transcript's own
 * record, so it is sealed, signed and withdrawn with the text, and survives reopening.
 */
import { createHash } from 'node:crypto';
import { MACHINE_SPANS_VERSION, passagesOf, type MachineSpans, type MachineTextCount, type Passage } from '../../../../shared/machine-text';
import { TextPositions } from '../../../../shared/analysis-text';
import type { MachineText, TranscriptRecord } from './records';

const hash = (words: string): string => createHash('sha256').update(words).digest('hex').slice(0, 32);

/** A new draft: every passage with words is machine text. */
export function machineOfDraft(text: string): MachineText {
  const ps = passagesOf(text);
  return { total: ps.length, unchecked: ps.map((p) => ({ ms: p.ms, sha: hash(p.words) })) };
}

/**
 * What is stored, or for a draft made before marks existed and not marked checked: all its
 * passages as they are now. null for a typed or imported transcript, or a draft declared checked.
 */
export function machineOf(r: TranscriptRecord): MachineText | null {
  if (!r.draft) return null;
  if (r.draft.machine) return r.draft.machine;
  return r.draft.checkedAt ? null : machineOfDraft(r.text);
}

/**
 * The passages that `wanted` (stamp time and the hash of its words) names, in text order,
 * each entry naming one passage at most: two passages with the same stamp (two speakers
 * starting in the same tenth of a second) are two entries, and a passage pasted twice is
 * machine text once, so the count never has more unchecked than entries.
 */
function consume(passages: readonly Passage[], wanted: readonly { ms: number; sha: string }[]): Passage[] {
  const left = new Map<string, number>();
  for (const u of wanted) left.set(`${u.ms}:${u.sha}`, (left.get(`${u.ms}:${u.sha}`) ?? 0) + 1);
  return passages.filter((p) => {
    const k = `${p.ms}:${hash(p.words)}`;
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    return n > 0;
  });
}

/** The passages of the text that are still machine text: their stamp is there and their words are the engine's. */
export function uncheckedPassages(r: TranscriptRecord): Passage[] {
  const m = machineOf(r);
  if (!m || m.unchecked.length === 0) return [];
  return consume(passagesOf(r.text), m.unchecked);
}

/**
 * The unchecked passages as a share carries them (code points of the text): exactly what
 * the workspace draws. null for a typed transcript or a draft declared checked.
 */
export function machineSpansOf(r: TranscriptRecord): MachineSpans | null {
  if (!machineOf(r)) return null;
  const pos = new TextPositions(r.text);
  return { version: MACHINE_SPANS_VERSION, spans: uncheckedPassages(r).map((p) => ({ ms: p.ms, start: pos.toCodePoint(p.start)!, end: pos.toCodePoint(p.end)! })) };
}

export function machineCount(r: TranscriptRecord): MachineTextCount | null {
  const m = machineOf(r);
  if (!m) return null;
  // A record written before entries were matched one to one may list more than its total: never fewer than none checked.
  const unchecked = uncheckedPassages(r).length;
  const total = Math.max(m.total, unchecked);
  return { checked: total - unchecked, total };
}

/** The record's draft with `machine` set, when it is a draft. */
function withMachine(r: TranscriptRecord, machine: MachineText | null): TranscriptRecord['draft'] {
  return r.draft && machine ? { ...r.draft, machine } : r.draft;
}

/** The student edited the text: a passage whose words changed (or whose stamp went) is checked, for good. */
export function afterEdit(before: TranscriptRecord, text: string): TranscriptRecord['draft'] {
  const m = machineOf(before);
  if (!m) return before.draft;
  const still = uncheckedPassages({ ...before, text });
  return withMachine(before, { total: m.total, unchecked: still.map((p) => ({ ms: p.ms, sha: hash(p.words) })) });
}

/**
 * Hvelv itself changed the words (a placeholder over a name, or its undo): not a check
 * against the recording. The passages unchecked before stay so, with their new words.
 */
export function afterReplacement(before: TranscriptRecord, text: string): TranscriptRecord['draft'] {
  const m = machineOf(before);
  if (!m) return before.draft;
  // A replacement moves no stamp: the passages are known by their stamp's time and which of
  // the passages with that time they are (two speakers can start in the same tenth of a second).
  const nth = (ps: readonly Passage[]): string[] => {
    const seen = new Map<number, number>();
    return ps.map((p) => {
      const k = seen.get(p.ms) ?? 0;
      seen.set(p.ms, k + 1);
      return `${p.ms}#${k}`;
    });
  };
  const unchecked = new Set(uncheckedPassages(before).map((p) => p.start));
  const beforePs = passagesOf(before.text);
  const was = new Set(nth(beforePs).filter((_, i) => unchecked.has(beforePs[i]!.start)));
  const nowPs = passagesOf(text);
  const nowKeys = nth(nowPs);
  const now = nowPs.filter((_, i) => was.has(nowKeys[i]!));
  return withMachine(before, { total: m.total, unchecked: now.map((p) => ({ ms: p.ms, sha: hash(p.words) })) });
}

/** Passages the student played through: checked. */
export function afterHeard(before: TranscriptRecord, ms: readonly number[]): TranscriptRecord['draft'] {
  const m = machineOf(before);
  if (!m) return before.draft;
  const heard = new Set(ms);
  return withMachine(before, { total: m.total, unchecked: m.unchecked.filter((u) => !heard.has(u.ms)) });
}

/** Whether any of [start, end) (UTF-16 offsets of the text) is unchecked machine text: a quote of it must say so. */
export function touchesMachineText(r: TranscriptRecord, start: number, end: number): boolean {
  return uncheckedPassages(r).some((p) => p.start < end && start < p.end);
}

/**
 * The quotes (segments, positions in code points as the analysis keeps them) that touch
 * unchecked machine text, by id: a report or a share marks each of them.
 */
export function segmentsOnMachineText(transcriptOf: (id: string) => TranscriptRecord | null, segments: readonly { id: string; transcriptId: string; start: number; end: number }[]): Set<string> {
  const out = new Set<string>();
  const spans = new Map<string, { passages: Passage[]; pos: TextPositions } | null>();
  for (const s of segments) {
    if (!spans.has(s.transcriptId)) {
      const r = transcriptOf(s.transcriptId);
      const passages = r ? uncheckedPassages(r) : [];
      spans.set(s.transcriptId, r && passages.length ? { passages, pos: new TextPositions(r.text) } : null);
    }
    const t = spans.get(s.transcriptId);
    if (!t) continue;
    const start = t.pos.toUtf16(s.start) ?? 0;
    const end = t.pos.toUtf16(s.end) ?? t.pos.text.length;
    if (t.passages.some((p) => p.start < end && start < p.end)) out.add(s.id);
  }
  return out;
}
