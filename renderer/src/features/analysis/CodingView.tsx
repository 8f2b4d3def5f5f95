import type { CSSProperties, KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { ErrorBanner } from '../../components/ui';
import type { TranscriptDetail } from '../../../../shared/contract';
import type { Code, Segment } from '../../../../shared/analysis';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatTimestamp, TextPositions } from '../../../../shared/analysis-text';
import { QuickCode, Swatch } from './QuickCode';
import { MemoBox } from './Memos';
import { SupervisorFeedbackFor } from '../supervisor';
import { codeLabel, excerpt, nextColour, treeOrder } from '../../components/codes';

interface Props {
  transcriptId: string;
  /** Open with this range selected and scrolled into view (code points). */
  at: { start: number; end: number } | null;
  codes: Code[];
  ended: boolean;
  /** Codes or counts changed: the screen reloads its overview. */
  onChanged(): Promise<void>;
  onBack(): void;
}

type Range = { start: number; end: number };

/** A coding action and how to take it back; kept for this visit to the transcript. */
type Action =
  | { kind: 'apply'; range: Range; codeId: string; segmentId: string; removed?: boolean }
  | { kind: 'unapply'; range: Range; codeId: string; segmentId: string; removed?: boolean }
  | { kind: 'quote'; segmentId: string; quote: boolean };

interface Bar {
  key: string;
  segment: Segment;
  code: Code;
  top: number;
  height: number;
  lane: number;
}

const LANE = 9;

/**
 * A transcript to code: the text read-only, coded text as coloured bars in the margin,
 * and beside it the quick-code box and the segments at the selection. Everything works
 * from the keyboard: arrows move a caret in the text, Shift+arrows select, Enter goes
 * to the quick-code box, Escape comes back; Ctrl+Z and Ctrl+Shift+Z undo and redo.
 */
export function CodingView({ transcriptId, at, codes, ended, onChanged, onBack }: Props) {
  const { t } = useI18n();
  const [transcript, setTranscript] = useState<TranscriptDetail | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [selection, setSelection] = useState<Range | null>(null);
  const [activeSegment, setActiveSegment] = useState<string | null>(null);
  const [bars, setBars] = useState<Bar[]>([]);
  const [caret, setCaret] = useState<{ top: number; left: number; height: number } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const [memoFor, setMemoFor] = useState<string | null>(null);
  const [media, setMedia] = useState<string | null>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const pendingSeek = useRef<number | null>(null);
  const undo = useRef<Action[]>([]);
  const redo = useRef<Action[]>([]);
  const [, setStacks] = useState(0);
  const textRef = useRef<HTMLDivElement>(null);
  const innerRef = useRef<HTMLDivElement>(null);
  const docRef = useRef<HTMLDivElement>(null);
  const quickRef = useRef<HTMLInputElement>(null);
  const [width, setWidth] = useState(0);
  // The codebook beside the text, as in NVivo and QualCoder; folded away when the student wants room.
  const [paneOpen, setPaneOpen] = useState(true);
  // The right-click menu on a selection, at the mouse; the codes used last in this visit first.
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [dropOn, setDropOn] = useState<string | null>(null);

  const map = useMemo(() => new TextPositions(transcript?.text ?? ''), [transcript?.text]);
  const byId = useMemo(() => new Map(codes.map((c) => [c.id, c])), [codes]);

  // Passages the supervisor commented on, with the comment still open (not marked resolved).
  const [commented, setCommented] = useState<Set<string>>(new Set());
  useEffect(() => {
    void call('feedback.list', {}).then((r) => {
      if (r.ok) setCommented(new Set(r.value.filter((c) => !c.resolved && c.target.kind === 'segment').map((c) => c.target.id)));
    });
  }, [transcriptId]);

  const loadSegments = useCallback(async () => {
    const r = await call('coding.segments', { transcriptId });
    if (!r.ok) return setError(r.error);
    setSegments(r.value);
  }, [transcriptId]);

  useEffect(() => {
    void (async () => {
      // Text and segments together: one render draws the text with all its bars.
      const [r, segs] = await Promise.all([call('transcripts.get', { id: transcriptId }), call('coding.segments', { transcriptId })]);
      if (!r.ok) return setError(r.error);
      if (!segs.ok) return setError(segs.error);
      setTranscript(r.value);
      setSegments(segs.value);
      // The recording, while it still exists (it may be deleted once transcribed).
      if (r.value.recordingId) {
        const url = await call('recordings.mediaUrl', { id: r.value.recordingId });
        if (url.ok) setMedia(url.value);
      }
    })();
  }, [transcriptId]);

  // ---- The DOM edge: code points <-> UTF-16 offsets in the text's nodes. ----

  /**
   * The text, one element per line. A single text node of 60 000 characters makes every
   * `Range.getClientRects()` walk the whole of it (the margin bars need 500 of them);
   * lines keep each lookup local. `starts[i]` is line i's UTF-16 offset in the text.
   */
  const lines = useMemo(() => {
    const text = transcript?.text ?? '';
    const parts = text === '' ? [] : text.split(/(?<=\n)/);
    const starts: number[] = [];
    let at = 0;
    for (const p of parts) {
      starts.push(at);
      at += p.length;
    }
    return { parts, starts, length: text.length };
  }, [transcript?.text]);

  /** The DOM point of a UTF-16 offset in the text. */
  const domPoint = useCallback(
    (u: number): { node: Text; offset: number } | null => {
      const el = textRef.current;
      const { starts } = lines;
      if (!el || starts.length === 0) return null;
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= u) lo = mid;
        else hi = mid - 1;
      }
      const node = el.children[lo]?.firstChild;
      return node instanceof Text ? { node, offset: Math.min(u - starts[lo]!, node.length) } : null;
    },
    [lines],
  );

  const domRange = useCallback(
    (r: Range): globalThis.Range | null => {
      const start = map.toUtf16(r.start);
      const end = map.toUtf16(r.end);
      if (start === null || end === null) return null;
      const a = domPoint(start);
      const b = domPoint(end);
      if (!a || !b) return null;
      const range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      return range;
    },
    [map, domPoint],
  );

  /** Where a DOM boundary falls in the text, in code points (null if outside it). */
  const toPosition = useCallback(
    (node: Node | null, offset: number): number | null => {
      const el = textRef.current;
      if (!el || !node || !el.contains(node)) return null;
      let u: number;
      if (node === el) u = offset < lines.starts.length ? lines.starts[offset]! : lines.length;
      else {
        const line = node instanceof Text ? node.parentElement : (node as Element);
        const i = line ? Array.prototype.indexOf.call(el.children, line) : -1;
        if (i < 0) return null;
        u = lines.starts[i]! + (node instanceof Text ? offset : offset > 0 ? lines.parts[i]!.length : 0);
      }
      // A boundary between the halves of a surrogate pair cannot be coded; the browser
      // does not put one there, but if it did the character's start is meant.
      return map.toCodePoint(u) ?? map.toCodePoint(u - 1);
    },
    [map, lines],
  );

  const select = useCallback(
    (r: Range, scroll: boolean) => {
      const range = domRange(r);
      const sel = window.getSelection();
      if (!range || !sel) return;
      sel.removeAllRanges();
      sel.addRange(range);
      selectionRef.current = r;
      setSelection(r);
      // The transcript scrolls with the page (issue 29), so the page is what moves.
      if (scroll) {
        const box = range.getBoundingClientRect();
        window.scrollBy({ top: box.top - window.innerHeight / 3 });
      }
    },
    [domRange],
  );

  /**
   * The page's selection in the text, in code points, also kept in a ref: a key pressed
   * right after Shift+arrow can arrive before the browser's selectionchange event, and
   * must code what is selected now, not a step ago.
   */
  const selectionRef = useRef<Range | null>(null);
  const readSelection = useCallback((): Range | null => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) return null;
    const a = toPosition(sel.anchorNode, sel.anchorOffset);
    const f = toPosition(sel.focusNode, sel.focusOffset);
    if (a === null || f === null) return null;
    const r = { start: Math.min(a, f), end: Math.max(a, f) };
    selectionRef.current = r;
    setSelection(r);
    return r;
  }, [toPosition]);

  // Follow the page's selection while it lies in the text.
  useEffect(() => {
    const onChange = () => {
      const sel = window.getSelection();
      if (!sel || !readSelection()) return;
      const inner = innerRef.current;
      if (sel.isCollapsed && inner && document.activeElement === textRef.current) {
        const rect = sel.getRangeAt(0).getClientRects()[0];
        const box = inner.getBoundingClientRect();
        setCaret(rect ? { top: rect.top - box.top, left: rect.left - box.left, height: rect.height } : null);
      } else setCaret(null);
    };
    document.addEventListener('selectionchange', onChange);
    return () => document.removeEventListener('selectionchange', onChange);
  }, [readSelection]);

  /** The time of a position: the last sync point at or before it (sync points count UTF-16 units). */
  const timeAt = useCallback(
    (cp: number): number | null => {
      const u = map.toUtf16(cp) ?? 0;
      let ms: number | null = null;
      for (const p of transcript?.syncPoints ?? []) if (p.offset <= u) ms = p.ms;
      return ms;
    },
    [map, transcript?.syncPoints],
  );

  // Opened at a place (from retrieval or search): select it once the text is there.
  const placed = useRef(false);
  useLayoutEffect(() => {
    if (!transcript || !at || placed.current) return;
    placed.current = true;
    select(at, true);
    // The player may not be there yet (its address comes after the text): it seeks when it is.
    pendingSeek.current = timeAt(at.start);
    if (pendingSeek.current !== null && audioRef.current) audioRef.current.currentTime = pendingSeek.current / 1000;
    const seg = segments.find((s) => s.start === at.start && s.end === at.end);
    if (seg) setActiveSegment(seg.id);
  }, [transcript, at, select, segments]);

  useEffect(() => {
    const el = innerRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [transcript]);

  /** The line holding UTF-16 offset `u` (the last line starting at or before it). */
  const lineAt = useCallback(
    (u: number): number => {
      const { starts } = lines;
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= u) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
    [lines],
  );

  /**
   * The margin bars without their places: one per code on a segment, each in a lane so
   * that bars beside the same line stand side by side. Lanes are worked out from the
   * lines a segment covers, not from pixels, so the margin's width is known before the
   * text is laid out (a margin widened after layout made the text wrap anew).
   */
  const unplaced = useMemo(() => {
    const out: { key: string; segment: Segment; code: Code; first: number; last: number; u0: number; u1: number; lane: number }[] = [];
    if (lines.parts.length === 0) return out;
    for (const s of segments) {
      if (s.orphanedAt !== null) continue;
      const u0 = map.toUtf16(s.start);
      const u1 = map.toUtf16(s.end);
      if (u0 === null || u1 === null || u1 <= u0) continue;
      const first = lineAt(u0);
      const last = lineAt(u1 - 1);
      for (const id of s.codeIds) {
        const code = byId.get(id);
        if (code) out.push({ key: `${s.id}:${id}`, segment: s, code, first, last, u0, u1, lane: 0 });
      }
    }
    out.sort((a, b) => a.first - b.first || a.u0 - b.u0 || b.u1 - a.u1);
    const laneEnds: number[] = [];
    for (const b of out) {
      let lane = laneEnds.findIndex((end) => end < b.first);
      if (lane < 0) lane = laneEnds.length;
      laneEnds[lane] = b.last;
      b.lane = lane;
    }
    return out;
  }, [segments, lines, map, byId, lineAt]);

  // The bars' places, from the rows of the lines they begin and end in: each line is an
  // element, and its client rects are its rows. Within a line of several rows the row
  // is found from how far into the line the segment starts or ends (the rows' widths
  // tell how the line's characters fall on them). One measurement per line with a bar,
  // instead of a text range measured for each of 500 segments.
  useLayoutEffect(() => {
    const inner = innerRef.current;
    const el = textRef.current;
    if (!inner || !el || !transcript) return;
    const box = inner.getBoundingClientRect();
    const rows = new Map<number, { top: number; bottom: number; right: number }[]>();
    const rowsOf = (i: number) => {
      let r = rows.get(i);
      if (!r) {
        const line = el.children[i];
        let acc = 0;
        r = line
          ? [...line.getClientRects()]
              .filter((x) => x.height > 0)
              .map((x) => {
                acc += x.width;
                return { top: x.top - box.top, bottom: x.bottom - box.top, right: acc };
              })
          : [];
        rows.set(i, r);
      }
      return r;
    };
    /** The row of line `i` that UTF-16 offset `u` falls on. */
    const rowAt = (i: number, u: number) => {
      const r = rowsOf(i);
      if (r.length <= 1) return r[0];
      const len = lines.parts[i]!.length;
      const want = ((u - lines.starts[i]!) / Math.max(1, len)) * r.at(-1)!.right;
      return r.find((x) => x.right > want) ?? r.at(-1);
    };
    const out: Bar[] = [];
    for (const b of unplaced) {
      const a = rowAt(b.first, b.u0);
      const z = rowAt(b.last, b.u1 - 1);
      if (!a || !z) continue;
      out.push({ key: b.key, segment: b.segment, code: b.code, lane: b.lane, top: a.top, height: Math.max(6, z.bottom - a.top) });
    }
    setBars(out);
  }, [unplaced, transcript, lines, width]);

  // Coded text is tinted too, and the segment in hand more strongly (CSS Custom Highlights:
  // no extra elements in the text, so offsets stay those of one text node).
  useEffect(() => {
    const registry = (globalThis.CSS as unknown as { highlights?: HighlightRegistry } | undefined)?.highlights;
    if (!registry || typeof Highlight === 'undefined') return;
    const coded = new Highlight();
    const active = new Highlight();
    const pending = new Highlight();
    for (const s of segments) {
      if (s.orphanedAt !== null) continue;
      const r = domRange(s);
      if (r) (s.id === activeSegment ? active : coded).add(r);
    }
    // The selection stays visible while focus is in the quick-code box.
    if (selection && selection.start < selection.end) {
      const r = domRange(selection);
      if (r) pending.add(r);
    }
    registry.set('hvelv-coded', coded);
    registry.set('hvelv-active', active);
    registry.set('hvelv-pending', pending);
    return () => {
      registry.delete('hvelv-coded');
      registry.delete('hvelv-active');
      registry.delete('hvelv-pending');
    };
  }, [segments, activeSegment, selection, domRange]);

  // ---- Coding actions, each recorded so it can be undone. ----

  const announce = (s: string) => setSaid(s);
  const nameOf = (id: string) => (byId.get(id) ? codeLabel(byId.get(id)!) : '?');

  async function run(action: Action, direction: 'do' | 'undo' | 'redo'): Promise<Action | null> {
    // Undoing an apply is an unapply and the other way round; redo repeats the original.
    const effective: Action =
      direction === 'undo'
        ? action.kind === 'apply'
          ? { ...action, kind: 'unapply' }
          : action.kind === 'unapply'
            ? { ...action, kind: 'apply' }
            : { ...action, quote: !action.quote }
        : action;
    let result: Action | null = null;
    if (effective.kind === 'apply') {
      // A segment that an earlier step removed (its last code taken off) comes back as
      // it was: the same id, its quote mark and its memos. Coding the text afresh would
      // make a bare new segment and lose them.
      let r = action.kind !== 'quote' && action.removed ? await call('coding.restore', { segmentId: effective.segmentId }) : null;
      if (!r || (!r.ok && r.error.code === 'NOT_FOUND')) r = await call('coding.apply', { transcriptId, start: effective.range.start, end: effective.range.end, codeId: effective.codeId });
      if (!r.ok) return setError(r.error), null;
      // A segment made again has a new id: later undo steps must name that one.
      result = { ...action, segmentId: r.value.id, removed: false } as Action;
      setActiveSegment(r.value.id);
    } else if (effective.kind === 'unapply') {
      const r = await call('coding.unapply', { segmentId: effective.segmentId, codeId: effective.codeId });
      if (!r.ok) return setError(r.error), null;
      result = { ...action, removed: r.value === null } as Action;
    } else {
      const r = await call('coding.quote', { segmentId: effective.segmentId, quote: effective.quote });
      if (!r.ok) return setError(r.error), null;
      result = action;
    }
    setError(null);
    await loadSegments();
    await onChanged();
    return result;
  }

  const describe = (a: Action): string =>
    a.kind === 'quote' ? (a.quote ? t('analysis.action.quote') : t('analysis.action.unquote')) : t(a.kind === 'apply' ? 'analysis.action.apply' : 'analysis.action.unapply', { code: nameOf(a.codeId) });

  async function perform(action: Action) {
    if (busy) return;
    setBusy(true);
    const done = await run(action, 'do');
    setBusy(false);
    if (!done) return;
    undo.current.push(done);
    redo.current = [];
    setStacks((n) => n + 1);
    announce(describe(done));
  }

  async function undoLast() {
    const a = undo.current.pop();
    if (!a || busy) return;
    setBusy(true);
    const done = await run(a, 'undo');
    setBusy(false);
    if (!done) return void undo.current.push(a);
    // After an undone unapply the segment exists again, perhaps under a new id.
    redo.current.push(done);
    setStacks((n) => n + 1);
    announce(t('analysis.undone', { action: describe(a) }));
  }

  async function redoLast() {
    const a = redo.current.pop();
    if (!a || busy) return;
    setBusy(true);
    const done = await run(a, 'redo');
    setBusy(false);
    if (!done) return void redo.current.push(a);
    undo.current.push(done);
    setStacks((n) => n + 1);
    announce(t('analysis.redone', { action: describe(a) }));
  }

  async function pick(p: { codeId: string } | { create: string }) {
    // The box stays enabled while a coding is saved (a disabled input would lose focus
    // and the next letters typed); a pick in that moment is ignored.
    const range = selectionRef.current;
    if (!range || range.start === range.end || busy) return;
    let codeId: string;
    if ('create' in p) {
      const r = await call('codes.add', { name: p.create, parentId: null, definition: '', color: nextColour(codes) });
      if (!r.ok) return setError(r.error);
      codeId = r.value.id;
      await onChanged();
    } else codeId = p.codeId;
    setRecent((r) => [codeId, ...r.filter((x) => x !== codeId)].slice(0, 5));
    await perform({ kind: 'apply', range, codeId, segmentId: '' });
  }

  function openMenu(e: { clientX: number; clientY: number; preventDefault(): void }) {
    const range = selectionRef.current;
    if (ended || !range || range.start === range.end) return;
    e.preventDefault();
    setMenu({ x: e.clientX, y: e.clientY });
  }
  function closeMenu(back = true) {
    setMenu(null);
    if (back) textRef.current?.focus();
  }

  // ---- Keyboard in the text: a caret, selection by Shift, Enter to code. ----

  function onTextKey(e: ReactKeyboardEvent<HTMLDivElement>) {
    const sel = window.getSelection();
    if (!sel) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      void (e.shiftKey ? redoLast() : undoLast());
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      void redoLast();
      return;
    }
    const moves: Record<string, [direction: 'forward' | 'backward', granularity: string]> = {
      ArrowRight: ['forward', e.ctrlKey || e.altKey ? 'word' : 'character'],
      ArrowLeft: ['backward', e.ctrlKey || e.altKey ? 'word' : 'character'],
      ArrowDown: ['forward', 'line'],
      ArrowUp: ['backward', 'line'],
      Home: ['backward', 'lineboundary'],
      End: ['forward', 'lineboundary'],
    };
    const move = moves[e.key];
    const first = domPoint(0);
    const last = domPoint(lines.length);
    if (move && first && last) {
      e.preventDefault();
      if (toPosition(sel.focusNode, sel.focusOffset) === null) select({ start: selection?.start ?? 0, end: selection?.start ?? 0 }, false);
      const anchor = { node: sel.anchorNode ?? first.node, offset: sel.anchorOffset };
      const to = (p: { node: Text; offset: number }) => (e.shiftKey ? sel.setBaseAndExtent(anchor.node, anchor.offset, p.node, p.offset) : sel.collapse(p.node, p.offset));
      if ((e.key === 'Home' || e.key === 'End') && (e.ctrlKey || e.metaKey)) {
        // To the start or end of the transcript (the browser's own "document boundary"
        // would leave the text for the margin beside it).
        to(e.key === 'Home' ? first : last);
        return;
      }
      // Selection.modify moves a caret through text that is not editable; Chromium has it.
      (sel as Selection & { modify(alter: string, direction: string, granularity: string): void }).modify(e.shiftKey ? 'extend' : 'move', move[0], move[1]);
      // Never past the transcript's first or last letter into the page around it.
      if (!(sel.focusNode instanceof Text) || !textRef.current?.contains(sel.focusNode)) to(move[0] === 'backward' ? first : last);
      return;
    }
    const now = e.key === 'Enter' || e.key.length === 1 ? readSelection() : null;
    if (e.key === 'Enter' && now && now.start < now.end) {
      e.preventDefault();
      focusQuick(now);
      return;
    }
    // Typing a letter with text selected starts the quick-code box with that letter.
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && now && now.start < now.end && e.key !== ' ') {
      focusQuick(now);
    }
  }

  /**
   * To the quick-code box, for the selection just read. The box is disabled until React has
   * rendered that selection, and a key pressed right after Shift+arrow (before the
   * browser's selectionchange event, as under load) would find it still disabled: focus()
   * on a disabled input does nothing, and the keys typed next would be lost. Render first.
   */
  function focusQuick(r: Range) {
    flushSync(() => setSelection(r));
    quickRef.current?.focus();
  }

  function onTextFocus() {
    const sel = window.getSelection();
    if (sel && toPosition(sel.focusNode, sel.focusOffset) === null) select(selection ?? { start: 0, end: 0 }, false);
  }

  const here = useMemo(() => {
    if (activeSegment) {
      const s = segments.find((x) => x.id === activeSegment);
      if (s) return [s];
    }
    if (!selection) return [];
    const { start, end } = selection;
    return segments.filter((s) => s.orphanedAt === null && (start === end ? s.start <= start && start < s.end : s.start < end && start < s.end));
  }, [segments, selection, activeSegment]);

  const orphans = segments.filter((s) => s.orphanedAt !== null);
  function playFrom(ms: number) {
    const a = audioRef.current;
    if (!a) return;
    a.currentTime = ms / 1000;
    void a.play().catch(() => undefined);
  }
  async function reattach(segmentId: string) {
    if (!selection) return;
    const r = await call('coding.reattach', { segmentId, start: selection.start, end: selection.end });
    if (!r.ok) return setError(r.error);
    setError(null);
    setActiveSegment(r.value.id);
    await loadSegments();
    await onChanged();
  }

  const lanes = unplaced.reduce((n, b) => Math.max(n, b.lane + 1), 0);
  const hasSelection = !!selection && selection.start < selection.end && !ended;
  const lastUndo = undo.current.at(-1);
  const lastRedo = redo.current.at(-1);

  return (
    <section className="coding" aria-labelledby="coding-h">
      <div className="page-head">
        <h2 id="coding-h" className="code-title">
          {t('analysis.coding.title', { code: transcript?.code ?? '' })}
        </h2>
        <button type="button" className="link" onClick={onBack}>
          {t('analysis.coding.back')}
        </button>
      </div>
      <ErrorBanner error={error} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {said}
      </p>
      {media && (
        <div className="coding-audio">
          <audio
            ref={audioRef}
            controls
            preload="metadata"
            src={media}
            aria-label={t('analysis.coding.recording')}
            onLoadedMetadata={(e) => {
              if (pendingSeek.current !== null) e.currentTarget.currentTime = pendingSeek.current / 1000;
              pendingSeek.current = null;
            }}
          />
          {selection && timeAt(selection.start) !== null && (
            <button type="button" className="secondary" onClick={() => playFrom(timeAt(selection.start)!)}>
              {t('analysis.coding.play', { time: formatTimestamp(timeAt(selection.start)!) })}
            </button>
          )}
        </div>
      )}
      <div className={`coding-split ${paneOpen ? 'with-pane' : ''}`}>
        <nav className={`coding-codes ${paneOpen ? '' : 'folded'}`} aria-label={t('analysis.pane.label')}>
          <button type="button" className="link pane-toggle" aria-expanded={paneOpen} onClick={() => setPaneOpen(!paneOpen)}>
            {paneOpen ? t('analysis.pane.hide') : t('analysis.pane.show')}
          </button>
          {paneOpen && (
            <>
              <p className="hint">{t('analysis.pane.hint')}</p>
              <ul className="pane-codes">
                {treeOrder(codes)
                  .filter(({ item }) => item.codable)
                  .map(({ item: c, depth }) => (
                    <li key={c.id} style={{ paddingLeft: `${depth * 0.9}rem` }}>
                      <button
                        type="button"
                        className={`pane-code ${dropOn === c.id ? 'drop' : ''}`}
                        disabled={ended || !hasSelection || busy}
                        title={t('analysis.pane.apply', { code: codeLabel(c) })}
                        onClick={() => void pick({ codeId: c.id })}
                        onDragOver={(e) => {
                          if (ended || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
                          e.preventDefault();
                          e.dataTransfer.dropEffect = 'copy';
                          setDropOn(c.id);
                        }}
                        onDragLeave={() => setDropOn(null)}
                        onDrop={(e) => {
                          e.preventDefault();
                          setDropOn(null);
                          void pick({ codeId: c.id });
                        }}
                      >
                        <Swatch color={c.color} />
                        <span>{c.name}</span>
                        <span className="n" aria-hidden="true">
                          {c.segmentCount}
                        </span>
                      </button>
                    </li>
                  ))}
              </ul>
            </>
          )}
        </nav>
        <div className="coding-doc" ref={docRef}>
          <div className={`coding-inner ${segments.some((s) => commented.has(s.id)) ? 'has-comments' : ''}`} ref={innerRef} style={{ '--lanes': lanes } as CSSProperties}>
            <div className="coding-margin" role="group" aria-label={t('analysis.coding.margin')}>
              {bars.map((b) => (
                <button
                  key={b.key}
                  type="button"
                  className={`bar ${b.segment.id === activeSegment ? 'active' : ''}`}
                  style={{ top: b.top, height: b.height, left: b.lane * LANE, '--c': b.code.color } as CSSProperties}
                  aria-label={t('analysis.coding.bar', { code: codeLabel(b.code), text: excerpt(b.segment.text, 60) })}
                  onClick={() => {
                    setActiveSegment(b.segment.id);
                    select(b.segment, false);
                  }}
                >
                  <span className="bar-tip" aria-hidden="true">
                    {codeLabel(b.code)}
                  </span>
                </button>
              ))}
            </div>
            {/* A mark at each passage with an open comment from the supervisor; a click selects it, and the comment shows beside. */}
            {segments
              .filter((s) => commented.has(s.id) && s.orphanedAt === null)
              .map((s) => {
                const b = bars.find((x) => x.segment.id === s.id);
                if (!b) return null;
                return (
                  <button
                    key={`c-${s.id}`}
                    type="button"
                    className="comment-mark"
                    style={{ top: b.top }}
                    aria-label={t('analysis.coding.openComment', { text: excerpt(s.text, 60) })}
                    onClick={() => {
                      setActiveSegment(s.id);
                      select(s, false);
                    }}
                  >
                    {t('analysis.coding.commentMark')}
                  </button>
                );
              })}
            {caret && <span className="fake-caret" aria-hidden="true" style={{ top: caret.top, left: caret.left, height: caret.height }} />}
            <div
              ref={textRef}
              className="coding-text"
              lang="nb"
              tabIndex={0}
              role="textbox"
              aria-readonly="true"
              aria-multiline="true"
              aria-label={t('analysis.coding.text', { code: transcript?.code ?? '' })}
              aria-describedby="coding-keys"
              onKeyDown={onTextKey}
              onFocus={onTextFocus}
              onBlur={() => setCaret(null)}
              onMouseDown={() => setActiveSegment(null)}
              onContextMenu={openMenu}
              // The text is read-only here: selected words are never moved, only dragged
              // onto a code in the pane beside it, which codes them.
              onDragStart={(e) => {
                const range = selectionRef.current;
                if (ended || !range || range.start === range.end) return e.preventDefault();
                e.dataTransfer.setData(DRAG_TYPE, `${range.start}-${range.end}`);
                e.dataTransfer.effectAllowed = 'copy';
              }}
            >
              {lines.parts.map((line, i) => (
                <span key={i}>{line}</span>
              ))}
            </div>
          </div>
        </div>
        {menu && (
          <CodeMenu
            at={menu}
            recent={recent.map((id) => byId.get(id)).filter((c): c is Code => !!c && c.codable)}
            onPick={(id) => {
              closeMenu(false);
              void pick({ codeId: id });
            }}
            onMore={() => {
              closeMenu(false);
              quickRef.current?.focus();
            }}
            onClose={() => closeMenu()}
          />
        )}
        <aside className="coding-side" aria-label={t('analysis.coding.side')}>
          <p className="hint" id="coding-keys">
            {t('analysis.coding.keys')}
          </p>
          <p className="selection-info">
            {hasSelection ? t('analysis.coding.selected', { text: excerpt(map.slice(selection.start, selection.end), 90) }) : t('analysis.coding.noSelection')}
          </p>
          <QuickCode ref={quickRef} codes={codes} disabled={!hasSelection} onPick={(p) => void pick(p)} onEscape={() => textRef.current?.focus()} />
          <div className="actions start wrap undo-row">
            <button type="button" className="secondary" disabled={!lastUndo || busy} onClick={() => void undoLast()} aria-keyshortcuts="Control+Z">
              {lastUndo ? t('analysis.undo.what', { action: describe(lastUndo) }) : t('analysis.undo')}
            </button>
            <button type="button" className="secondary" disabled={!lastRedo || busy} onClick={() => void redoLast()} aria-keyshortcuts="Control+Shift+Z">
              {lastRedo ? t('analysis.redo.what', { action: describe(lastRedo) }) : t('analysis.redo')}
            </button>
          </div>
          <h3>{t('analysis.coding.here')}</h3>
          {here.length === 0 && <p className="muted">{t('analysis.coding.nothingHere')}</p>}
          <ul className="segment-list">
            {here.map((s) => (
              <li key={s.id}>
                <p className="quote-text">
                  «{excerpt(s.text, 140)}»
                </p>
                <ul className="chips" aria-label={t('analysis.coding.codesOn')}>
                  {s.codeIds.map((id) => (
                    <li key={id} className="chip">
                      {byId.get(id) && <Swatch color={byId.get(id)!.color} />}
                      {nameOf(id)}
                      {!ended && (
                        <button
                          type="button"
                          className="chip-remove"
                          aria-label={t('analysis.coding.remove', { code: nameOf(id) })}
                          title={t('analysis.coding.remove', { code: nameOf(id) })}
                          disabled={busy}
                          onClick={() => void perform({ kind: 'unapply', range: { start: s.start, end: s.end }, codeId: id, segmentId: s.id })}
                        >
                          ×
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
                <div className="actions start wrap">
                  <label className="checkbox">
                    <input type="checkbox" checked={s.quote} disabled={busy || ended} onChange={(e) => void perform({ kind: 'quote', segmentId: s.id, quote: e.target.checked })} />
                    {t('analysis.coding.quote')}
                  </label>
                  <button type="button" className="link" onClick={() => setMemoFor(memoFor === s.id ? null : s.id)} aria-expanded={memoFor === s.id}>
                    {t('analysis.coding.memo')}
                  </button>
                </div>
                {memoFor === s.id && <MemoBox target={{ kind: 'segment', id: s.id }} ended={ended} />}
                <SupervisorFeedbackFor kind="segment" id={s.id} />
              </li>
            ))}
          </ul>
          {orphans.length > 0 && (
            <>
              <h3>{t('analysis.orphans.inText')}</h3>
              <ul className="segment-list">
                {orphans.map((s) => (
                  <li key={s.id}>
                    <p className="quote-text">«{excerpt(s.text, 140)}»</p>
                    <p className="muted">{s.codeIds.map(nameOf).join(', ')}</p>
                    {!ended && (
                      <button type="button" className="secondary" disabled={!hasSelection || busy} onClick={() => void reattach(s.id)}>
                        {t('analysis.orphans.attach')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('analysis.coding.transcriptMemo')}</h3>
          <MemoBox target={{ kind: 'transcript', id: transcriptId }} ended={ended} />
        </aside>
      </div>
    </section>
  );
}

/** What a selection carries when dragged onto a code: its range, never its words. */
const DRAG_TYPE = 'application/x-hvelv-range';

/**
 * "Kod …" on a right-click (or the context-menu key) on a selection: the codes used last
 * here, then the quick-code box for any other. Arrow keys move, Escape closes.
 */
function CodeMenu({ at, recent, onPick, onMore, onClose }: { at: { x: number; y: number }; recent: Code[]; onPick(id: string): void; onMore(): void; onClose(): void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus();
    const away = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);
  function onKey(e: ReactKeyboardEvent<HTMLUListElement>) {
    const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = items.length;
      items[(i + (e.key === 'ArrowDown' ? 1 : n - 1)) % n]?.focus();
    }
  }
  return (
    <ul ref={ref} className="code-menu" role="menu" aria-label={t('analysis.menu.label')} style={{ left: at.x, top: at.y }} onKeyDown={onKey}>
      {recent.map((c) => (
        <li key={c.id} role="none">
          <button type="button" role="menuitem" tabIndex={-1} onClick={() => onPick(c.id)}>
            <Swatch color={c.color} />
            {t('analysis.menu.codeWith', { code: codeLabel(c) })}
          </button>
        </li>
      ))}
      <li role="none">
        <button type="button" role="menuitem" tabIndex={-1} onClick={onMore}>
          {t('analysis.menu.more')}
        </button>
      </li>
    </ul>
  );
}
