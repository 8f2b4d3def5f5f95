/**
 * Thematic analysis (Braun & Clarke) inside the vault: the objects the student works
 * with, as plain serialisable types shared by core, CLI and renderer.
 *
 * Positions (`start`, `end`) are always Unicode code points of the transcript's stored
 * text (NFC), end exclusive: the same numbers in core, in files and on the command line.
 * JavaScript strings count UTF-16 units, so the renderer converts at the DOM edge with
 * `shared/analysis-text.ts` (never by hand: an emoji is one code point, two units).
 */

/** The six phases of a reflexive thematic analysis, in order. A guide, never a gate. */
export const PHASES = ['familiarising', 'initial-codes', 'searching-themes', 'reviewing-themes', 'defining-themes', 'writing-up'] as const;
export type Phase = (typeof PHASES)[number];

/** A theme's status follows the phases: candidate (3) → reviewed (4) → defined (5). */
export const THEME_STATUSES = ['candidate', 'reviewed', 'defined'] as const;
export type ThemeStatus = (typeof THEME_STATUSES)[number];

/** The colours a new code gets in turn when none is chosen (distinct, legible on white). */
export const CODE_PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'] as const;

export const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
/** Longest code or theme name, definition and memo (in characters). */
export const NAME_MAX = 200;
export const DEFINITION_MAX = 5000;
export const MEMO_MAX = 100_000;

/** An analysis code (REFI-QDA's Code). Never a participant's code: that is `ParticipantCode`. */
export interface Code {
  id: string;
  name: string;
  /** What belongs under this code and what does not. */
  definition: string;
  /** `#RRGGBB`. */
  color: string;
  /** null at the top of the codebook. */
  parentId: string | null;
  /** Names from the top down to this code: ["Relasjon", "Tillit"]. */
  path: string[];
  createdAt: string;
  updatedAt: string;
  /** Coded segments carrying this code (not counting its children). */
  segmentCount: number;
  /**
   * Coded segments carrying this code or any code below it, each counted once (what
   * retrieval shows with sub-codes). The student's own codebook only: a share leaves it
   * out, as a supervisor's Hvelv of before it refuses a field it does not know.
   */
  segmentCountWithSubcodes?: number;
  /** Transcripts (interviews) in which it is applied. */
  transcriptCount: number;
  /** Themes this code belongs to (a code may be in many). */
  themeIds: string[];
  /**
   * False for a grouping code (REFI-QDA's `isCodable="false"`, a folder of codes in
   * NVivo and MAXQDA): it holds codes and is never applied to text itself.
   */
  codable: boolean;
}

/** What a withdrawal removed from the analysis, shown once until the student dismisses it. */
export interface WithdrawalNote {
  id: string;
  /** The withdrawn participant's pseudonym (JS03). */
  participant: string;
  at: string;
  /** Coded passages removed. */
  passages: number;
  /** Codes that lost passages, by name, with how many each. */
  codes: { name: string; passages: number }[];
  /** Themes holding any of those codes. */
  themes: string[];
}

export interface CodeInput {
  name: string;
  definition?: string;
  color?: string;
  parentId?: string | null;
  /** False for a grouping code; true when left out. */
  codable?: boolean;
}

export interface CodeChange {
  name?: string;
  definition?: string;
  color?: string;
}

/** What merging `from` into `into` did. */
export interface MergeResult {
  code: Code;
  /** Segments of `from` that now carry `into`. */
  segmentsMoved: number;
  /** Overlapping segments of one transcript that became one. */
  segmentsJoined: number;
  /** Children of `from`, now children of `into`. */
  childrenMoved: number;
}

/** What deleting a code will remove (shown before, returned after). */
export interface CodeDeletion {
  /** Segments removed because this code was their only code. */
  segmentsRemoved: number;
  /** Segments that keep their other codes and only lose this one. */
  segmentsUncoded: number;
  transcripts: number;
  /** Children moved up to the deleted code's parent. */
  childrenMoved: number;
  memosRemoved: number;
}

/** A range of one transcript with the codes applied to it. */
export interface Segment {
  id: string;
  transcriptId: string;
  /** The participant whose transcript this is (the segment is sealed under their key). */
  participant: string;
  start: number;
  end: number;
  /** The coded text as it stands (or, for an orphan, as it stood before it was deleted). */
  text: string;
  codeIds: string[];
  /** Chosen as a quote for the report. */
  quote: boolean;
  /**
   * Set when an edit deleted the segment's text entirely: kept and listed for the
   * student to re-attach or drop, never silently removed. `start`/`end` are then where
   * the text used to begin in the current transcript (start === end).
   */
  orphanedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where a segment's range comes from: positions, or a quote found in the text. */
export type SegmentRange = { start: number; end: number } | { quote: string; occurrence?: number };

/** A segment as retrieval shows it: with its participant, timestamp and a little context. */
export interface RetrievedSegment extends Segment {
  /** Names of the codes (with colours) for display. */
  codes: { id: string; name: string; color: string }[];
  /** From the transcript's sync points: the last stamp at or before the start; null without stamps. */
  timestampMs: number | null;
  /** A few words before and after the segment. */
  before: string;
  after: string;
  /** It touches an automatic draft's machine text not yet checked against the recording (issue 26). */
  machineText?: boolean;
  /**
   * In a supervisor's share that gives only the count (made before the passages travelled):
   * its transcript has unchecked machine text, and the share does not say whether this is it.
   */
  machineTextUnknown?: boolean;
}

export interface RetrievalFilter {
  participant?: string;
  /** Only these participants' passages (those holding an attribute value: services/attributes). */
  participants?: readonly string[];
  /** Include segments of the code's (or theme's codes') children. Default true. */
  descendants?: boolean;
}

export interface Theme {
  id: string;
  name: string;
  definition: string;
  status: ThemeStatus;
  /** A sub-theme's parent theme; null for a top-level theme. */
  parentId: string | null;
  /** Codes from anywhere in the hierarchy; a code may be in several themes. */
  codeIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Segments of its codes (each segment once), and in how many transcripts. */
  segmentCount: number;
  transcriptCount: number;
}

export interface ThemeInput {
  name: string;
  definition?: string;
  parentId?: string | null;
  status?: ThemeStatus;
}

export type MemoTarget =
  | { kind: 'project' }
  /** An entry in the reflexive journal (dated, with the phase it was written in). */
  | { kind: 'journal' }
  | { kind: 'transcript'; id: string }
  | { kind: 'code'; id: string }
  | { kind: 'theme'; id: string }
  | { kind: 'segment'; id: string };

export const MEMO_TARGET_KINDS = ['project', 'journal', 'transcript', 'code', 'theme', 'segment'] as const;

export interface Memo {
  id: string;
  target: MemoTarget;
  /**
   * Sealed under this participant's key (memos on their transcript or segments), so
   * withdrawal destroys it; null for project, journal, code and theme memos.
   */
  participant: string | null;
  text: string;
  /** Never shared with the supervisor or put in a report or journal export. */
  private: boolean;
  /** The phase the project was in when the memo was written. */
  phase: Phase;
  createdAt: string;
  updatedAt: string;
}

export interface MemoInput {
  target: MemoTarget;
  text: string;
  private?: boolean;
}

export interface PhaseState {
  current: Phase;
  /** Each change, oldest first. */
  history: { phase: Phase; at: string }[];
  /** The suggested phase the student said "not now" to: not offered again until the work suggests a later one. */
  declined?: Phase;
}

/** One place a search found; positions are code points of the transcript's or memo's text. */
export interface SearchHit {
  kind: 'transcript' | 'memo';
  /** The transcript's or the memo's id. */
  id: string;
  /** For a memo on a transcript or segment: the transcript. For a transcript hit: its own id. */
  transcriptId: string | null;
  participant: string | null;
  start: number;
  end: number;
  /** A few words around the hit, and the hit as written. */
  before: string;
  match: string;
  after: string;
  timestampMs: number | null;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** All hits found; `hits` may be cut to the limit asked for. */
  total: number;
}

/**
 * A possible identifying detail in analysis text (a memo, a code's or theme's name or
 * definition, a quote chosen for the report). Positions are code points of that text.
 */
export interface AnalysisFinding {
  /** `attribute`: a participant attribute's name or label (`name`) or a value it holds (`value`), as the report's comparison tables print them. */
  where: { kind: 'code' | 'theme' | 'memo' | 'segment' | 'attribute'; id: string; field: 'name' | 'definition' | 'text' | 'value' };
  /** The whole text the finding is in, where `where` alone does not name it (an attribute's value). */
  context?: string;
  kind: string;
  text: string;
  start: number;
  end: number;
  source: 'keylist' | 'pattern';
}

/** What an export (report, journal) must be told: the findings the user confirmed as not identifying. */
export interface ExportChecks {
  locale: 'nb' | 'en';
  /** Finding texts the user looked at and confirmed; every other finding blocks the export. */
  accepted: string[];
}

/** What the thematic map draws: themes with their codes and counts. Built by `Report.mapData`. */
export interface ThematicMapData {
  title: string;
  themes: { id: string; name: string; status: ThemeStatus; parentId: string | null; codeIds: string[]; segmentCount: number }[];
  codes: { id: string; name: string; color: string; segmentCount: number }[];
}
