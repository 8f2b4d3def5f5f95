/**
 * What REFI-QDA export and import tell their callers (CLI, IPC, the exchange screen):
 * plain data shared by core and renderer. Positions are code points.
 */
import type { DeidKind } from './domain';
import type { SmallGroup } from './attributes';

export interface ExchangeFinding {
  /** Stable while the text it is in does not change: what `--accept` names. */
  id: string;
  /** `project`: the project's title, which the file carries too (`id` is `title`); `reply`: the student's replies to comments (shares). */
  where: { kind: 'transcript' | 'code' | 'theme' | 'memo' | 'project' | 'reply' | 'attribute'; id: string; field: 'text' | 'name' | 'definition'; participant: string | null };
  kind: DeidKind;
  text: string;
  /** Code points of the text it is in. */
  start: number;
  end: number;
  /** Line in the transcript or memo (1-based), for finding it. */
  line: number;
  /** A few words on either side, to judge it by. */
  before: string;
  after: string;
  /** The code's or theme's name, for a finding in one. */
  label: string | null;
  source: 'keylist' | 'pattern';
}

export interface ExportPlan {
  format: 'qdpx' | 'qdc';
  findings: ExchangeFinding[];
  participants: string[];
  counts: { transcripts: number; codes: number; segments: number; themes: number; memos: number; privateMemosLeftOut: number; recordings: number; orphansLeftOut: number };
  /** True when recordings are asked for and some exist: a voice identifies a person. */
  recordingsWarning: boolean;
  /** Combinations of the attribute values going out that five or fewer participants hold (services/attributes). */
  smallGroups?: SmallGroup[];
}

export type SourceProblem = 'missing' | 'external' | 'encoding';

export interface ImportSourceInfo {
  name: string;
  /** Code points of the text as it will be stored. */
  chars: number;
  selections: number;
  problem: SourceProblem | null;
}

export interface ImportPreview {
  /** A project (sources to assign) or a codebook alone (codes and sets only). */
  format: 'qdpx' | 'qdc';
  origin: string | null;
  sources: ImportSourceInfo[];
  codes: number;
  notes: number;
  sets: number;
  /** Elements Hvelv does not import (PDFSource, Graph, …) and how many. */
  skipped: Record<string, number>;
}

export interface ImportResult {
  imported: { name: string; participant: string; transcriptId: string; segments: number; findings: number }[];
  /** Sources not assigned to a participant: not imported. */
  unassigned: string[];
  /** Sources whose text could not be read (not in the archive, outside it, not UTF-8/16). */
  unreadable: { name: string; problem: SourceProblem }[];
  codes: { created: number; reused: number };
  segments: number;
  memos: number;
  themes: number;
  /** Selections without any code (MAXQDA's paraphrases): their description kept as a memo on the transcript. */
  uncodedSelections: number;
  /** Selections left out: empty, or beyond the end of their text. */
  selectionsLeftOut: number;
  /** Notes that belonged only to sources not imported. */
  notesLeftOut: number;
  skipped: Record<string, number>;
  /** Variables on Cases (and on sources, as MAXQDA writes them) become attributes: defined, values set (of them generalised), values left out. */
  attributes?: { defined: number; values: number; generalised: number; leftOut: number };
}
