/**
 * The part of QDA-XML 1.0 (the REFI-QDA Project and Codebook schemas, March 2019) that
 * Hvelv writes and reads: users, the codebook, variables, cases, text and audio sources
 * with their selections and codings, notes and sets. Pictures, PDFs, video, links and
 * graphs are not modelled: Hvelv's studies are interviews, and an import says what it
 * left out rather than carrying what it cannot show.
 *
 * Plain data, independent of the vault: `qda-xml.ts` turns it into XML and back,
 * `qdpx.ts` packs it with the source texts into a .qdpx.
 *
 * Positions in this model are what the file says: Unicode code points of the source's
 * text as stored in the archive, from 0, the end exclusive.
 */

/** A GUID as Hvelv keeps it: lower case, no braces (files may have either). */
export type Guid = string;

export const PROJECT_NS = 'urn:QDA-XML:project:1.0';
export const CODEBOOK_NS = 'urn:QDA-XML:codebook:1.0';

export interface QdaUser {
  guid: Guid;
  name?: string;
}

export interface QdaCode {
  guid: Guid;
  name: string;
  /** False for a grouping code (a folder of codes) that text is not coded with. */
  isCodable: boolean;
  /** `#rrggbb` or `#rgb`. */
  color?: string;
  description?: string;
  noteRefs: Guid[];
  children: QdaCode[];
}

export interface QdaCoding {
  guid: Guid;
  codeRef: Guid;
  creatingUser?: Guid;
  creationDateTime?: string;
}

export interface QdaTextSelection {
  guid: Guid;
  /** ATLAS.ti and QualCoder put the selected text here; the import uses it as a check. */
  name?: string;
  start: number;
  end: number;
  description?: string;
  /** Empty for MAXQDA's selections that carry only a Description. */
  codings: QdaCoding[];
  noteRefs: Guid[];
  creatingUser?: Guid;
  creationDateTime?: string;
}

export type QdaVariableType = 'Text' | 'Boolean' | 'Integer' | 'Float' | 'Date' | 'DateTime';
export const VARIABLE_TYPES: readonly QdaVariableType[] = ['Text', 'Boolean', 'Integer', 'Float', 'Date', 'DateTime'];

export interface QdaVariable {
  guid: Guid;
  name: string;
  type: QdaVariableType;
  description?: string;
}

export interface QdaVariableValue {
  variable: Guid;
  /** The value as written in the file, in the element of the variable's type. */
  type: QdaVariableType;
  value: string;
}

export interface QdaCase {
  guid: Guid;
  name?: string;
  description?: string;
  values: QdaVariableValue[];
  sourceRefs: Guid[];
}

/** Where a text lives: in the archive (`plainTextPath`) or in the XML (`PlainTextContent`). */
export interface QdaTextLocation {
  plainTextPath?: string;
  plainTextContent?: string;
}

export interface QdaTextSource extends QdaTextLocation {
  kind: 'text';
  guid: Guid;
  name?: string;
  description?: string;
  selections: QdaTextSelection[];
  noteRefs: Guid[];
  values: QdaVariableValue[];
  creatingUser?: Guid;
  creationDateTime?: string;
}

export interface QdaSyncPoint {
  guid: Guid;
  /** Milliseconds from the start of the recording. */
  timeStamp: number;
  /** Code point in the transcript's text. */
  position: number;
}

export interface QdaTranscript extends QdaTextLocation {
  guid: Guid;
  name?: string;
  syncPoints: QdaSyncPoint[];
}

export interface QdaAudioSource {
  kind: 'audio';
  guid: Guid;
  name?: string;
  /** `internal://FILE` for a recording inside the archive. */
  path?: string;
  description?: string;
  transcripts: QdaTranscript[];
  noteRefs: Guid[];
  creatingUser?: Guid;
  creationDateTime?: string;
}

export type QdaSource = QdaTextSource | QdaAudioSource;

/** A memo. In the schema a Note is a TextSource; Hvelv keeps its text and links. */
export interface QdaNote extends QdaTextLocation {
  guid: Guid;
  name?: string;
  description?: string;
  creatingUser?: Guid;
  creationDateTime?: string;
}

export interface QdaSet {
  guid: Guid;
  name: string;
  description?: string;
  memberCodes: Guid[];
  memberSources: Guid[];
  memberNotes: Guid[];
}

export interface QdaProject {
  name: string;
  origin?: string;
  creatingUser?: Guid;
  creationDateTime?: string;
  users: QdaUser[];
  codes: QdaCode[];
  variables: QdaVariable[];
  cases: QdaCase[];
  sources: QdaSource[];
  notes: QdaNote[];
  sets: QdaSet[];
  description?: string;
  /** Notes about the project as a whole. */
  noteRefs: Guid[];
  /** What the file held that this model leaves out (PDFSource, Graph, ...), by element name and count. */
  skipped?: Record<string, number>;
}

export interface QdaCodebook {
  origin?: string;
  codes: QdaCode[];
  sets: QdaSet[];
}

export function emptyProject(name: string): QdaProject {
  return { name, users: [], codes: [], variables: [], cases: [], sources: [], notes: [], sets: [], noteRefs: [] };
}

/** Every code in the tree, parents before their children. */
export function flattenCodes(codes: readonly QdaCode[]): QdaCode[] {
  const out: QdaCode[] = [];
  const walk = (list: readonly QdaCode[]): void => {
    for (const c of list) {
      out.push(c);
      walk(c.children);
    }
  };
  walk(codes);
  return out;
}
