/**
 * Machine text in the workspace (issue 26; rules in shared/machine-text.ts): which
 * passages of an automatic draft are still the engine's words, drawn in a quiet colour,
 * and the playing that checks them. A stretch of continuous playback that covers a
 * passage from its stamp to the next stamp checks it: the page tells core
 * (`transcripts.heard`), which keeps it in the transcript's sealed record. An edit checks
 * a passage too; core sees that from the text the autosave sends, and the page from the
 * words no longer being those it opened with.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { call } from '../../api';
import type { TranscriptDetail } from '../../../../shared/contract';
import { heardThrough, passageEndMs, passagesOf, type MachineTextCount, type Passage } from '../../../../shared/machine-text';

/** A gap in playback longer than this between two time updates is a jump (a seek, a skip, a loop), not playing on. */
const JUMP_MS = 1500;

export interface MachineTextView {
  /** Offsets in the settled text of the passages still machine text. */
  ranges: { start: number; end: number }[];
  count: MachineTextCount | null;
  /** The playing position, at each time update while playing. */
  played(ms: number): void;
  /** Playback stopped or jumped: the current stretch ends. */
  broke(): void;
}

/**
 * The passages of the text that are still machine text, as core finds them
 * (electron/core/services/transcripts/machine-text.ts): in text order, each unchecked
 * passage of the opened text (stamp time and words) names at most one passage, so of two
 * passages with the same stamp only the one still unedited is drawn; a heard stamp time
 * checks every passage at that time (they play at once).
 */
export function stillMachine(passages: readonly Passage[], original: readonly { ms: number; words: string }[], heard: ReadonlySet<number>): Passage[] {
  const left = new Map<string, number>();
  for (const o of original) if (!heard.has(o.ms)) left.set(`${o.ms}\n${o.words}`, (left.get(`${o.ms}\n${o.words}`) ?? 0) + 1);
  return passages.filter((p) => {
    const k = `${p.ms}\n${p.words}`;
    const n = left.get(k) ?? 0;
    if (n > 0) left.set(k, n - 1);
    return n > 0;
  });
}

export function useMachineText(transcript: TranscriptDetail, shown: string, durationMs: number): MachineTextView {
  const id = transcript.id;
  const total = transcript.machineText?.total ?? 0;
  // The unchecked passages when the workspace opened, each by its stamp's time and words
  // (core names them by where they start, so two with the same stamp are told apart): a
  // passage whose words differ now is edited.
  const [original] = useState(() => {
    const at = new Set(transcript.machineUncheckedAt ?? []);
    return passagesOf(transcript.text)
      .filter((p) => at.has(p.start))
      .map((p) => ({ ms: p.ms, words: p.words }));
  });
  const [heard, setHeard] = useState<ReadonlySet<number>>(() => new Set());
  const passages = useMemo(() => passagesOf(shown), [shown]);
  const machine = useMemo(() => stillMachine(passages, original, heard), [passages, heard, original]);

  const stretch = useRef<{ fromMs: number; toMs: number } | null>(null);
  const latest = useRef({ passages, machine, durationMs });
  latest.current = { passages, machine, durationMs };

  const played = useCallback(
    (ms: number) => {
      const s = stretch.current;
      stretch.current = s && ms >= s.toMs - 50 && ms - s.toMs <= JUMP_MS ? { fromMs: s.fromMs, toMs: ms } : { fromMs: ms, toMs: ms };
      const { passages: all, machine: left, durationMs: d } = latest.current;
      if (left.length === 0) return;
      const now = stretch.current;
      const done: number[] = [];
      for (const p of left) {
        const i = all.indexOf(p);
        if (heardThrough(p.ms, passageEndMs(all, i, d), now)) done.push(p.ms);
      }
      if (done.length === 0) return;
      setHeard((h) => new Set([...h, ...done]));
      // Lost only if the vault locks in between: then the passage is simply machine text still.
      void call('transcripts.heard', { id, ms: done });
    },
    [id],
  );
  const broke = useCallback(() => {
    stretch.current = null;
  }, []);

  const ranges = useMemo(() => machine.map((p) => ({ start: p.start, end: p.end })), [machine]);
  const count = transcript.machineText ? { checked: total - machine.length, total } : null;
  return { ranges, count, played, broke };
}
