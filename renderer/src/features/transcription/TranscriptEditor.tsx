/**
 * The transcript's editor: CodeMirror 6, which lays out only the lines on screen, so a
 * keystroke in a 75-minute transcript (60 000 characters) costs what it costs in a short
 * one; the textarea it replaces laid out the whole text again on every key, two to four
 * frames each (docs/benchmarks.md). Plain text, no language: CodeMirror's own caret and
 * selection (the browser's, in a contenteditable a screen reader reads as a text box),
 * its undo history in memory, and marks drawn as decorations: the turn being played,
 * each timestamp (a click inside one seeks there), and timestamps that cannot be right.
 *
 * CodeMirror keeps everything in memory: it writes nothing to localStorage, IndexedDB or
 * anywhere else (checked in its source), so the transcript's plaintext stays in the page
 * and in the sealed vault only.
 *
 * It lives in a shadow root because of the page's Content-Security-Policy (style-src
 * 'self', no inline styles): CodeMirror injects its base styles with a <style> element in
 * a document, which that policy refuses, but as a constructed style sheet in a shadow
 * root, which it allows. The label and the keys' description are therefore inside the
 * shadow root too (an id reference cannot cross its edge).
 */
import { memo, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { createPortal } from 'react-dom';
import { Compartment, EditorState, Prec, StateEffect, StateField, type Text } from '@codemirror/state';
import { Decoration, EditorView, keymap, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { history, historyKeymap, insertNewline, isolateHistory, standardKeymap } from '@codemirror/commands';
import { syncPoints } from '../../../../shared/transcript';
import type { StampIssue } from '../../../../shared/transcription';

/** What the workspace asks of the editor. Positions are the editor's (UTF-16 units, as a textarea's were). */
export interface EditorHandle {
  text(): string;
  caret(): number;
  /** Insert at the caret as one undo step of its own (a stamp, a speaker label, a marker). */
  insert(s: string): void;
  select(from: number, to: number): void;
  focus(): void;
  /** The event came from inside the editor (events from a shadow root reach the window retargeted to its host). */
  isEditor(e: Event): boolean;
}

const STAMP = /^#\d{1,2}:\d{2}:\d{2}-\d#/;

const setMarks = StateEffect.define<DecorationSet>();
/** The turn highlight and the marks of wrong stamps: set from the workspace, moved with each edit until set again. */
const marks = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let v = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setMarks)) v = e.value;
    return v;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Marks what `regexp` finds, in the lines on screen only (the matcher follows the viewport). */
function matches(regexp: RegExp, cls: string) {
  const m = new MatchDecorator({ regexp, decoration: Decoration.mark({ class: cls }) });
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = m.createDeco(view);
      }
      update(u: ViewUpdate) {
        this.decorations = m.updateDeco(u, this.decorations);
      }
    },
    { decorations: (v) => v.decorations },
  );
}
/** Every timestamp. */
const stamps = matches(/#\d{1,2}:\d{2}:\d{2}-\d#/g, 'tx-stamp');
/** Words an automatic draft was unsure of, written `(?…?)` (shared/asr.ts markUnsure), until the student has checked them. */
const unsure = matches(/\(\?[^\n]*?\?\)/g, 'tx-unsure');

/** The content's label, language and description, which change with the locale. */
const attrs = new Compartment();
const contentAttrs = (label: string, lang: string) =>
  EditorView.contentAttributes.of({ id: 'tx-editor', 'aria-label': label, 'aria-describedby': 'tx-keys-help', lang: lang === 'nb' ? 'nb' : 'en', spellcheck: 'true' });

/** Enter breaks the line and nothing else (the standard binding copies the line's indentation). */
const keys = [...standardKeymap.map((b) => (b.key === 'Enter' ? { ...b, run: insertNewline } : b)), ...historyKeymap];

const theme = EditorView.theme({
  '&': { flex: '1', minHeight: '0', color: 'var(--ink)', background: '#fcfbf8', borderRadius: '8px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { font: "1rem/1.7 Georgia, 'DejaVu Serif', serif", overflowY: 'scroll' },
  '.cm-content': { padding: '0.8rem 1rem', caretColor: 'var(--ink)' },
  '.cm-line': { padding: '0' },
  '.tx-turn': { background: '#fff0b3', borderRadius: '3px' },
  '.tx-stamp': { textDecoration: 'underline dotted', textDecorationColor: 'var(--muted)', cursor: 'pointer' },
  '.tx-unsure': { background: 'var(--info-bg)', textDecoration: 'underline dashed', textDecorationColor: 'var(--info-line)' },
  // Machine text not yet checked (machineText.ts): a quiet grey, not a warning; words stay readable (contrast above 5.5:1).
  '.tx-machine': { color: '#56606b', background: '#eef1f4' },
  // The turn being played stays visible over machine text (the inner span's background would hide it).
  '.tx-turn .tx-machine': { background: '#fff0b3' },
  '.tx-bad': { textDecoration: 'underline wavy', textDecorationColor: 'var(--error-line)' },
});

/** Hidden but read by a screen reader (the page's .sr-only class does not reach into the shadow root). */
const SR_ONLY = { position: 'absolute', width: '1px', height: '1px', padding: 0, margin: '-1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0 } as const;

interface Props {
  ref: Ref<EditorHandle>;
  initial: string;
  /** The text the turn and the issues were computed from; they are shown only while the editor holds that text. */
  shown: string;
  turn: { start: number; end: number } | null;
  issues: StampIssue[];
  /** Passages of an automatic draft still machine text (offsets in `shown`). */
  machine?: { start: number; end: number }[];
  label: string;
  lang: string;
  keysHelp: string;
  /**
   * Each change of the text, with the new document: CodeMirror's own immutable copy, handed
   * over without making a string of it (that is 60 000 characters on every key). The
   * workspace asks it for its text only when typing pauses (autosave, counters).
   */
  onDoc(doc: Text): void;
  onStamp(ms: number): void;
  /** The workspace's bindings, before the editor's own keys: true when the key press was one of them (and is done). */
  onKey(e: KeyboardEvent): boolean;
}

export const TranscriptEditor = memo(function TranscriptEditor({ ref, initial, shown, turn, issues, machine, label, lang, keysHelp, onDoc, onStamp, onKey }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [shadow, setShadow] = useState<ShadowRoot | null>(null);
  const calls = useRef({ onDoc, onStamp, onKey });
  calls.current = { onDoc, onStamp, onKey };

  useLayoutEffect(() => {
    const h = host.current;
    if (!h) return;
    const root = h.shadowRoot ?? h.attachShadow({ mode: 'open' });
    const v = new EditorView({
      root,
      parent: root,
      state: EditorState.create({
        doc: initial,
        extensions: [
          // F4, Ctrl+T, Alt+arrows and the rest go to the workspace, never to CodeMirror's own keys.
          Prec.highest(EditorView.domEventHandlers({ keydown: (e) => calls.current.onKey(e) })),
          history(),
          keymap.of(keys),
          attrs.of(contentAttrs(label, lang)),
          EditorView.lineWrapping,
          marks,
          stamps,
          unsure,
          theme,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) calls.current.onDoc(u.state.doc);
          }),
          EditorView.domEventHandlers({
            click: (_e, ed) => {
              const sel = ed.state.selection.main;
              if (!sel.empty) return false;
              const line = ed.state.doc.lineAt(sel.head);
              for (const p of syncPoints(line.text)) {
                const from = line.from + p.offset;
                const len = STAMP.exec(line.text.slice(p.offset))?.[0].length ?? 0;
                if (sel.head > from && sel.head < from + len) calls.current.onStamp(p.ms);
              }
              return false;
            },
          }),
        ],
      }),
    });
    view.current = v;
    setShadow(root);
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []); // The editor owns its text once made: `initial` is read once, as a textarea's defaultValue was.

  // Label, language and spell checking follow the locale.
  useEffect(() => {
    view.current?.dispatch({ effects: attrs.reconfigure(contentAttrs(label, lang)) });
  }, [label, lang]);

  // The highlights follow `shown` (settled typing); offsets into an older text would mark the wrong words.
  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.length !== shown.length || v.state.doc.toString() !== shown) return;
    const ranges = issues.map((i) => {
      const len = STAMP.exec(shown.slice(i.offset, i.offset + 12))?.[0].length ?? 0;
      return Decoration.mark({ class: `tx-bad tx-${i.kind}` }).range(i.offset, i.offset + Math.max(1, len));
    });
    if (turn && turn.end > turn.start) ranges.push(Decoration.mark({ class: 'tx-turn' }).range(turn.start, Math.min(turn.end, shown.length)));
    for (const m of machine ?? []) if (m.end > m.start) ranges.push(Decoration.mark({ class: 'tx-machine' }).range(m.start, Math.min(m.end, shown.length)));
    v.dispatch({ effects: setMarks.of(Decoration.set(ranges, true)) });
  }, [shown, turn, issues, machine, shadow]);

  useImperativeHandle(
    ref,
    () => ({
      text: () => view.current?.state.doc.toString() ?? '',
      caret: () => view.current?.state.selection.main.head ?? 0,
      insert(s) {
        const v = view.current;
        if (!v) return;
        v.focus();
        v.dispatch({ ...v.state.replaceSelection(s), scrollIntoView: true, userEvent: 'input', annotations: isolateHistory.of('full') });
      },
      select(from, to) {
        const v = view.current;
        if (!v) return;
        const n = v.state.doc.length;
        v.focus();
        v.dispatch({ selection: { anchor: Math.min(from, n), head: Math.min(to, n) }, scrollIntoView: true });
      },
      focus: () => view.current?.focus(),
      isEditor: (e) => !!view.current && e.composedPath().includes(view.current.contentDOM),
    }),
    [],
  );

  return (
    <div ref={host} className="tx-editor">
      {shadow &&
        createPortal(
          <p id="tx-keys-help" style={SR_ONLY}>
            {keysHelp}
          </p>,
          shadow,
        )}
    </div>
  );
});
