/**
 * The report, as the supervisor reads it in a share: the same content as the student's
 * .docx (electron/core/services/analysis/report.ts): the codebook with definitions and
 * counts, and per theme its status, definition, codes and the quotes the student chose,
 * each cited "(JS02, 00:14:32)". Read-only, from the held copy; nothing is written.
 */
import type { RetrievedSegment, Theme } from '../../../../shared/analysis';
import { TextPositions } from '../../../../shared/analysis-text';
import type { ShareReport } from '../../../../shared/supervisor';
import { context } from '../analysis/coding';
import type { SharePayload } from './share-file';
import { hasUncheckedMachineText, overlapsSpans } from '../../../../shared/machine-text';

/** The time of the last sync point at or before a UTF-16 position of the text. */
export function stampAt(points: { offset: number; ms: number }[], utf16: number): number | null {
  let best: number | null = null;
  for (const p of points) if (p.offset <= utf16) best = p.ms;
  return best;
}

/**
 * Segments of a held copy as the reader shows them (codes, timestamp, a few words of
 * context), in participant and text order; one position map per transcript, not per segment.
 */
export function retrievedSegments(payload: SharePayload, segments: SharePayload['segments']): RetrievedSegment[] {
  const codes = new Map(payload.codes.map((c) => [c.id, c]));
  const texts = new Map(payload.transcripts.map((t) => [t.id, t]));
  const positions = new Map<string, TextPositions>();
  return [...segments]
    .sort((a, b) => a.participant.localeCompare(b.participant) || a.start - b.start)
    .map((s) => {
      const t = texts.get(s.transcriptId)!;
      let pos = positions.get(t.id);
      if (!pos) positions.set(t.id, (pos = new TextPositions(t.text)));
      const u0 = pos.toUtf16(s.start) ?? 0;
      const u1 = pos.toUtf16(s.end) ?? u0;
      // Touching a passage the share marks as unchecked machine text (issue 26): said beside it, as in the student's retrieval and report.
      const machine = t.machineSpans ? overlapsSpans(t.machineSpans.spans, s.start, s.end) : false;
      // A share that gives only the count cannot clear a quote of a draft with unchecked passages: it says it does not know.
      const unknown = !t.machineSpans && hasUncheckedMachineText(t.machineText);
      return { ...s, codes: s.codeIds.flatMap((c) => (codes.get(c) ? [{ id: c, name: codes.get(c)!.name, color: codes.get(c)!.color }] : [])), timestampMs: stampAt(t.syncPoints, u0), ...context(t.text, u0, u1), ...(machine ? { machineText: true } : unknown ? { machineTextUnknown: true } : {}) };
    });
}

export function shareReport(title: string, payload: SharePayload): ShareReport {
  const codes = new Map(payload.codes.map((c) => [c.id, c]));
  const themes = new Map(payload.themes.map((t) => [t.id, t]));
  // As the student's retrieval for a theme: its codes with their children, and its sub-themes'.
  const codesOf = (theme: Theme): Set<string> => {
    const wanted = new Set<string>();
    const withChildren = (id: string): void => {
      wanted.add(id);
      for (const c of payload.codes) if (c.parentId === id && !wanted.has(c.id)) withChildren(c.id);
    };
    const seen = new Set<string>();
    const visit = (t: Theme): void => {
      if (seen.has(t.id)) return;
      seen.add(t.id);
      for (const c of t.codeIds) withChildren(c);
      for (const sub of payload.themes) if (sub.parentId === t.id) visit(sub);
    };
    visit(theme);
    return wanted;
  };
  const depth = (t: Theme, guard = 0): number => (t.parentId && themes.has(t.parentId) && guard < 50 ? 1 + depth(themes.get(t.parentId)!, guard + 1) : 0);
  return {
    title,
    codes: payload.codes,
    themes: payload.themes.map((theme) => {
      const wanted = codesOf(theme);
      const quotes = retrievedSegments(payload, payload.segments.filter((s) => s.quote && s.codeIds.some((c) => wanted.has(c))));
      return { theme, depth: depth(theme), codes: theme.codeIds.flatMap((c) => (codes.get(c) ? [codes.get(c)!.path.join(' / ')] : [])), quotes };
    }),
  };
}
