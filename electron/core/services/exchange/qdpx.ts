/**
 * The .qdpx package: a ZIP with `project.qde` at its root and the sources as internal
 * files in `sources/` (lower case: ATLAS.ti refuses other spellings), referred to as
 * `internal://FILE`. Packing takes LF texts and positions over them and writes either
 * LF or CRLF files with the positions moved to match; unpacking reads what the four
 * programs write and brings every text to the form transcripts are stored in (NFC,
 * LF), moving each selection with its text.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { BugIndicatingError, HvelvError } from '../../errors';
import { formatGuid } from './guid';
import { codePointLength, normaliseWithMap, PositionMap, sliceCodePoints, TextPositions, toCrlf } from './positions';
import type { Guid, QdaCodebook, QdaProject, QdaTextLocation, QdaTextSelection, QdaTextSource } from './qda-model';
import { codebookToXml, decodeXml, projectToXml, xmlToCodebook, xmlToProject } from './qda-xml';
import { leavesArchive, ZipReader, type ZipEntry } from './zip-reader';

export const SOURCES_FOLDER = 'sources';
export const PROJECT_FILE = 'project.qde';

// ---------------------------------------------------------------- packing

export interface PackInput {
  /** Text sources, transcripts and notes without locations; positions over the LF texts. */
  project: QdaProject;
  /** The LF text of every TextSource and Transcript, by its GUID. */
  texts: ReadonlyMap<Guid, string>;
  /** Recordings to include, by AudioSource GUID. */
  media?: ReadonlyMap<Guid, { bytes: Uint8Array; extension: string }>;
  /** Write CRLF line endings, positions adjusted (MAXQDA on Windows). */
  crlf?: boolean;
}

function placeText(guid: Guid, loc: QdaTextLocation, input: PackInput, files: Zippable): PositionMap {
  const text = input.texts.get(guid);
  if (text === undefined) throw new BugIndicatingError(`no text for source ${guid}`);
  if (text.includes('\r')) throw new BugIndicatingError('texts are packed with LF line endings');
  const file = `${formatGuid(guid)}.txt`;
  const out = input.crlf ? toCrlf(text) : { text, map: PositionMap.identity };
  files[`${SOURCES_FOLDER}/${file}`] = strToU8(out.text);
  loc.plainTextPath = `internal://${file}`;
  delete loc.plainTextContent;
  return out.map;
}

function checkRange(sel: QdaTextSelection, length: number): void {
  if (sel.start < 0 || sel.end < sel.start || sel.end > length) throw new BugIndicatingError(`selection ${sel.guid} lies outside its text`);
}

/** The bytes of a .qdpx. */
export function packQdpx(input: PackInput): Uint8Array {
  const project = structuredClone(input.project);
  const files: Zippable = {};
  for (const source of project.sources) {
    if (source.kind === 'text') {
      const length = codePointLength(input.texts.get(source.guid) ?? '');
      for (const sel of source.selections) checkRange(sel, length);
      const map = placeText(source.guid, source, input, files);
      for (const sel of source.selections) {
        sel.start = map.map(sel.start, 'start');
        sel.end = map.map(sel.end, 'end');
      }
    } else {
      const media = input.media?.get(source.guid);
      if (media) {
        const file = `${formatGuid(source.guid)}.${media.extension}`;
        // Recordings are compressed already: stored, not deflated again.
        files[`${SOURCES_FOLDER}/${file}`] = [media.bytes, { level: 0 }];
        source.path = `internal://${file}`;
      }
      for (const t of source.transcripts) {
        const map = placeText(t.guid, t, input, files);
        for (const p of t.syncPoints) p.position = map.map(p.position, 'start');
      }
    }
  }
  files[PROJECT_FILE] = strToU8(projectToXml(project));
  return zipSync(files, { level: 6 });
}

/** The bytes of a .qdc (UTF-8, no byte-order mark). */
export function packCodebook(codebook: QdaCodebook): Uint8Array {
  return strToU8(codebookToXml(codebook));
}

// ---------------------------------------------------------------- unpacking

export interface UnpackLimits {
  /** Entries in the archive's directory. */
  maxEntries: number;
  /** Bytes unpacked in all (project.qde and the texts read; recordings are never unpacked). */
  maxUnpackedBytes: number;
}

export const DEFAULT_LIMITS: UnpackLimits = { maxEntries: 20_000, maxUnpackedBytes: 256 * 1024 * 1024 };

export type RawText = { text: string } | { problem: 'missing' | 'external' | 'encoding'; path?: string };

export interface Unpacked {
  project: QdaProject;
  /** The text of each TextSource, Transcript and Note that has a plainTextPath or PlainTextContent, as in the file. */
  texts: Map<Guid, RawText>;
}

/** Source text from a file: UTF-8 with or without BOM, or UTF-16 with one; line endings as they are. */
function decodeSourceText(bytes: Uint8Array): string | null {
  try {
    const text = decodeXml(bytes);
    return text.includes('\u0000') ? null : text;
  } catch {
    return null;
  }
}

/** Where a plainTextPath points inside the archive, or null for a file outside it. */
export function internalName(path: string): string | null {
  const p = path.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(p);
  // internal:// is in the archive; relative:// and absolute:// name files on the exporter's disk.
  if (scheme && scheme[1]!.toLowerCase() !== 'internal') return null;
  const rest = (scheme ? scheme[2]! : p).replace(/\\/g, '/');
  if (leavesArchive(rest)) throw new HvelvError('EXCHANGE_UNSAFE', `a source's path leaves the archive: ${p}`);
  return rest.replace(/^\.\//, '');
}

class Entries {
  private readonly exact = new Map<string, ZipEntry>();
  private readonly folded = new Map<string, ZipEntry>();
  constructor(entries: readonly ZipEntry[]) {
    for (const e of entries) {
      if (e.isDirectory) continue;
      this.exact.set(e.name, e);
      this.folded.set(e.name.toLowerCase(), e);
    }
  }
  /** A file in the sources folder, however the folder is spelt (`Sources/`, `sources/`). */
  source(name: string): ZipEntry | undefined {
    const inFolder = /^sources\//i.test(name) ? name : `${SOURCES_FOLDER}/${name}`;
    const tries = [inFolder, name];
    for (const t of tries) {
      const hit = this.exact.get(t) ?? this.folded.get(t.toLowerCase());
      if (hit) return hit;
    }
    try {
      const decoded = decodeURIComponent(name);
      if (decoded !== name) return this.source(decoded);
    } catch {
      /* not percent-encoded */
    }
    return undefined;
  }
  root(name: string): ZipEntry | undefined {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase());
  }
}

/** Read a .qdpx: refuses what is not one or could hurt (see zip-reader.ts and qda-xml.ts). */
export function unpackQdpx(bytes: Uint8Array, limits: UnpackLimits = DEFAULT_LIMITS): Unpacked {
  const zip = new ZipReader(bytes, limits);
  const entries = new Entries(zip.entries);
  const qde = entries.root(PROJECT_FILE);
  if (!qde) throw new HvelvError('EXCHANGE_NOT_QDA', 'the archive has no project.qde: it is not a .qdpx');
  const budget = { left: limits.maxUnpackedBytes };
  const project = xmlToProject(decodeXml(zip.read(qde, budget)));
  const texts = new Map<Guid, RawText>();
  const resolve = (guid: Guid, loc: QdaTextLocation): void => {
    if (loc.plainTextContent !== undefined) {
      texts.set(guid, { text: loc.plainTextContent });
      return;
    }
    if (loc.plainTextPath === undefined) return;
    const name = internalName(loc.plainTextPath);
    if (name === null) {
      texts.set(guid, { problem: 'external', path: loc.plainTextPath });
      return;
    }
    const entry = entries.source(name);
    if (!entry) {
      texts.set(guid, { problem: 'missing', path: loc.plainTextPath });
      return;
    }
    const text = decodeSourceText(zip.read(entry, budget));
    texts.set(guid, text === null ? { problem: 'encoding', path: loc.plainTextPath } : { text });
  };
  for (const s of project.sources) {
    if (s.kind === 'text') resolve(s.guid, s);
    else for (const t of s.transcripts) resolve(t.guid, t);
  }
  for (const n of project.notes) resolve(n.guid, n);
  return { project, texts };
}

/** Read a .qdc. */
export function unpackCodebook(bytes: Uint8Array): QdaCodebook {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) throw new HvelvError('EXCHANGE_NOT_QDA', 'the file is a ZIP archive, not a .qdc codebook');
  return xmlToCodebook(decodeXml(bytes));
}

// ---------------------------------------------------------------- one source, ready for the vault

export interface PreparedSelection {
  selection: QdaTextSelection;
  /** Code points in the prepared text. */
  start: number;
  end: number;
}

export interface PreparedSource {
  source: QdaTextSource;
  /** The name the user maps: the `name` attribute, else the text's file name without its extension. */
  name: string;
  /** NFC, LF: as transcripts are stored. */
  text: string;
  selections: PreparedSelection[];
  /** Selections that lie outside the text (a damaged or mismatched file), left out and counted. */
  outside: number;
  /** How the file counted line breaks: CRLF as two (ATLAS.ti, NVivo) or as one. */
  counting: 'as-stored' | 'lf';
}

/** What a user sees a source as: its name, else the file name of its text. */
export function sourceName(source: QdaTextSource): string {
  const name = source.name?.trim();
  if (name) return name;
  const path = source.plainTextPath?.replace(/\\/g, '/');
  const file = path?.split('/').pop();
  if (file) return file.replace(/\.[^.]*$/, '') || file;
  return source.guid;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim().normalize('NFC');

/** How many selections' names (the coded text, where the tool writes it) match the text at their positions. */
function agreement(text: string, selections: readonly QdaTextSelection[]): number {
  const pos = new TextPositions(text);
  let n = 0;
  for (const s of selections) {
    const want = s.name === undefined ? '' : squash(s.name);
    if (!want) continue;
    const got = squash(sliceCodePoints(text, s.start, s.end, pos));
    // Tools shorten long names; a prefix either way counts.
    if (got && (got === want || got.startsWith(want) || want.startsWith(got))) n++;
  }
  return n;
}

/**
 * A source's text as Hvelv stores transcripts, with its selections at the same words.
 *
 * Positions in files with CRLF line endings are counted with the CR (ATLAS.ti, NVivo
 * and the standard's own examples), but not every tool does; where selections carry
 * the coded text as their name, the counting that makes more of them match is taken.
 */
export function prepareSource(source: QdaTextSource, raw: string): PreparedSource {
  let counting: PreparedSource['counting'] = 'as-stored';
  let base = raw;
  if (raw.includes('\r\n')) {
    const lf = raw.replace(/\r\n/g, '\n');
    if (agreement(lf, source.selections) > agreement(raw, source.selections)) {
      counting = 'lf';
      base = lf;
    }
  }
  const length = codePointLength(base);
  const { text, map } = normaliseWithMap(base);
  const selections: PreparedSelection[] = [];
  let outside = 0;
  for (const selection of source.selections) {
    if (selection.start > selection.end || selection.end > length) {
      outside++;
      continue;
    }
    selections.push({ selection, start: map.map(selection.start, 'start'), end: map.map(selection.end, 'end') });
  }
  return { source, name: sourceName(source), text, selections, outside, counting };
}
