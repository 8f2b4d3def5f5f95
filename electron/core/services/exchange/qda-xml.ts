/**
 * QDA-XML in and out: `project.qde` (Project schema) and `.qdc` (Codebook schema).
 *
 * Writing follows the schema's sequences element by element (the order is part of the
 * schema: ATLAS.ti and NVivo refuse a file whose elements are out of order), with
 * GUIDs in the pattern the schema allows and UTF-8 without a byte-order mark.
 *
 * Reading is tolerant where real files differ (a BOM, braces around GUIDs, missing
 * optional elements, elements the model leaves out) and strict where a file could
 * hurt: a document type declaration is refused before parsing, because it is how
 * entities are declared, and entities that expand are how an XML bomb fills memory.
 * No QDA-XML file needs one.
 *
 * The DOM comes from @xmldom/xmldom: namespace-aware (the root must be in the QDA-XML
 * namespace, whatever prefix the writer used), pure JavaScript, escapes attributes
 * and text correctly on the way out.
 */
import { DOMImplementation, DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { BugIndicatingError, HvelvError } from '../../errors';
import { formatGuid, parseGuid } from './guid';
import {
  CODEBOOK_NS,
  flattenCodes,
  PROJECT_NS,
  VARIABLE_TYPES,
  type Guid,
  type QdaAudioSource,
  type QdaCase,
  type QdaCode,
  type QdaCodebook,
  type QdaCoding,
  type QdaNote,
  type QdaProject,
  type QdaSet,
  type QdaSyncPoint,
  type QdaTextLocation,
  type QdaTextSelection,
  type QdaTextSource,
  type QdaTranscript,
  type QdaVariable,
  type QdaVariableType,
  type QdaVariableValue,
} from './qda-model';

const DECLARATION = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n';
const RGB = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i;
/** Deeper code trees than this are refused: no real codebook nests so, and the walk recurses. */
const MAX_CODE_DEPTH = 64;

// ---------------------------------------------------------------- writing

type AttrValue = string | number | boolean | undefined;

class Writer {
  readonly doc: Document;
  constructor(
    readonly ns: string,
    root: string,
  ) {
    this.doc = new DOMImplementation().createDocument(ns, root, null);
  }

  get root(): Element {
    return this.doc.documentElement!;
  }

  el(parent: Element, name: string, attrs: Record<string, AttrValue> = {}): Element {
    const e = this.doc.createElementNS(this.ns, name);
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, xmlSafe(String(v)));
    parent.appendChild(e);
    return e;
  }

  text(parent: Element, name: string, value: string | undefined): void {
    if (value === undefined) return;
    this.el(parent, name).appendChild(this.doc.createTextNode(xmlSafe(value)));
  }

  refs(parent: Element, name: string, guids: readonly Guid[]): void {
    for (const g of guids) this.el(parent, name, { targetGUID: formatGuid(g) });
  }

  serialize(): string {
    return DECLARATION + new XMLSerializer().serializeToString(this.doc) + '\n';
  }
}

/**
 * Characters XML 1.0 cannot carry (control characters, lone surrogates) become U+FFFD,
 * so a stray control character in a memo cannot make the whole file unreadable; a
 * CR is dropped, as a parser would fold it into the LF anyway.
 */
function xmlSafe(s: string): string {
  return (
    s
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- matching the control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  );
}

const guidAttr = (g: Guid | undefined): string | undefined => (g === undefined ? undefined : formatGuid(g));

function checkPosition(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new BugIndicatingError(`${what} is not a position: ${n}`);
  return n;
}

function writeCode(w: Writer, parent: Element, c: QdaCode, withNoteRefs: boolean): void {
  if (c.color !== undefined && !RGB.test(c.color)) throw new BugIndicatingError(`not a colour: ${c.color}`);
  const e = w.el(parent, 'Code', { guid: formatGuid(c.guid), name: c.name, isCodable: c.isCodable, color: c.color });
  w.text(e, 'Description', c.description);
  if (withNoteRefs) w.refs(e, 'NoteRef', c.noteRefs);
  for (const child of c.children) writeCode(w, e, child, withNoteRefs);
}

function writeValue(w: Writer, parent: Element, v: QdaVariableValue): void {
  const e = w.el(parent, 'VariableValue');
  w.el(e, 'VariableRef', { targetGUID: formatGuid(v.variable) });
  w.text(e, `${v.type}Value`, v.value);
}

function writeLocation(loc: QdaTextLocation): { plainTextPath?: string } {
  if ((loc.plainTextPath === undefined) === (loc.plainTextContent === undefined)) {
    throw new BugIndicatingError('a text needs exactly one of plainTextPath and PlainTextContent');
  }
  return { plainTextPath: loc.plainTextPath };
}

function writeCoding(w: Writer, parent: Element, c: QdaCoding): void {
  const e = w.el(parent, 'Coding', { guid: formatGuid(c.guid), creatingUser: guidAttr(c.creatingUser), creationDateTime: c.creationDateTime });
  w.el(e, 'CodeRef', { targetGUID: formatGuid(c.codeRef) });
}

function writeSelection(w: Writer, parent: Element, s: QdaTextSelection): void {
  if (checkPosition(s.end, 'endPosition') < checkPosition(s.start, 'startPosition')) throw new BugIndicatingError('a selection ends before it starts');
  const e = w.el(parent, 'PlainTextSelection', {
    guid: formatGuid(s.guid),
    name: s.name,
    startPosition: s.start,
    endPosition: s.end,
    creatingUser: guidAttr(s.creatingUser),
    creationDateTime: s.creationDateTime,
  });
  w.text(e, 'Description', s.description);
  for (const c of s.codings) writeCoding(w, e, c);
  w.refs(e, 'NoteRef', s.noteRefs);
}

function writeTextSource(w: Writer, parent: Element, s: QdaTextSource): void {
  const e = w.el(parent, 'TextSource', {
    guid: formatGuid(s.guid),
    name: s.name,
    ...writeLocation(s),
    creatingUser: guidAttr(s.creatingUser),
    creationDateTime: s.creationDateTime,
  });
  w.text(e, 'Description', s.description);
  w.text(e, 'PlainTextContent', s.plainTextContent);
  for (const sel of s.selections) writeSelection(w, e, sel);
  w.refs(e, 'NoteRef', s.noteRefs);
  for (const v of s.values) writeValue(w, e, v);
}

function writeTranscript(w: Writer, parent: Element, t: QdaTranscript): void {
  const e = w.el(parent, 'Transcript', { guid: formatGuid(t.guid), name: t.name, ...writeLocation(t) });
  w.text(e, 'PlainTextContent', t.plainTextContent);
  for (const p of t.syncPoints) {
    w.el(e, 'SyncPoint', { guid: formatGuid(p.guid), timeStamp: checkPosition(p.timeStamp, 'timeStamp'), position: checkPosition(p.position, 'position') });
  }
}

function writeAudioSource(w: Writer, parent: Element, s: QdaAudioSource): void {
  const e = w.el(parent, 'AudioSource', {
    guid: formatGuid(s.guid),
    name: s.name,
    path: s.path,
    creatingUser: guidAttr(s.creatingUser),
    creationDateTime: s.creationDateTime,
  });
  w.text(e, 'Description', s.description);
  for (const t of s.transcripts) writeTranscript(w, e, t);
  w.refs(e, 'NoteRef', s.noteRefs);
}

function writeNote(w: Writer, parent: Element, n: QdaNote): void {
  const e = w.el(parent, 'Note', {
    guid: formatGuid(n.guid),
    name: n.name,
    ...writeLocation(n),
    creatingUser: guidAttr(n.creatingUser),
    creationDateTime: n.creationDateTime,
  });
  w.text(e, 'Description', n.description);
  w.text(e, 'PlainTextContent', n.plainTextContent);
}

function writeSet(w: Writer, parent: Element, s: QdaSet, codebook: boolean): void {
  const e = w.el(parent, 'Set', { guid: formatGuid(s.guid), name: s.name });
  w.text(e, 'Description', s.description);
  if (codebook) {
    for (const g of s.memberCodes) w.el(e, 'MemberCode', { guid: formatGuid(g) });
    return;
  }
  w.refs(e, 'MemberCode', s.memberCodes);
  w.refs(e, 'MemberSource', s.memberSources);
  w.refs(e, 'MemberNote', s.memberNotes);
}

/** `project.qde`: the Project element with its children in the schema's order. */
export function projectToXml(p: QdaProject): string {
  const w = new Writer(PROJECT_NS, 'Project');
  const root = w.root;
  root.setAttribute('name', xmlSafe(p.name));
  if (p.origin !== undefined) root.setAttribute('origin', xmlSafe(p.origin));
  if (p.creatingUser !== undefined) root.setAttribute('creatingUserGUID', formatGuid(p.creatingUser));
  if (p.creationDateTime !== undefined) root.setAttribute('creationDateTime', p.creationDateTime);
  // Users, CodeBook, Variables, Cases, Sources, Notes, Links, Sets, Graphs, Description, NoteRef.
  if (p.users.length) {
    const users = w.el(root, 'Users');
    for (const u of p.users) w.el(users, 'User', { guid: formatGuid(u.guid), name: u.name });
  }
  if (p.codes.length) {
    const codes = w.el(w.el(root, 'CodeBook'), 'Codes');
    for (const c of p.codes) writeCode(w, codes, c, true);
  }
  if (p.variables.length) {
    const vars = w.el(root, 'Variables');
    for (const v of p.variables) {
      const e = w.el(vars, 'Variable', { guid: formatGuid(v.guid), name: v.name, typeOfVariable: v.type });
      w.text(e, 'Description', v.description);
    }
  }
  if (p.cases.length) {
    const cases = w.el(root, 'Cases');
    for (const c of p.cases) {
      const e = w.el(cases, 'Case', { guid: formatGuid(c.guid), name: c.name });
      w.text(e, 'Description', c.description);
      for (const v of c.values) writeValue(w, e, v);
      w.refs(e, 'SourceRef', c.sourceRefs);
    }
  }
  if (p.sources.length) {
    const sources = w.el(root, 'Sources');
    for (const s of p.sources) {
      if (s.kind === 'text') writeTextSource(w, sources, s);
      else writeAudioSource(w, sources, s);
    }
  }
  if (p.notes.length) {
    const notes = w.el(root, 'Notes');
    for (const n of p.notes) writeNote(w, notes, n);
  }
  if (p.sets.length) {
    const sets = w.el(root, 'Sets');
    for (const s of p.sets) writeSet(w, sets, s, false);
  }
  w.text(root, 'Description', p.description);
  w.refs(root, 'NoteRef', p.noteRefs);
  return w.serialize();
}

/** A `.qdc`: the CodeBook element of the Codebook schema. */
export function codebookToXml(c: QdaCodebook): string {
  const w = new Writer(CODEBOOK_NS, 'CodeBook');
  if (c.origin !== undefined) w.root.setAttribute('origin', xmlSafe(c.origin));
  const codes = w.el(w.root, 'Codes');
  // The schema wants at least one Code; an empty codebook is not exportable.
  if (c.codes.length === 0) throw new HvelvError('INVALID_INPUT', 'the codebook has no codes to export');
  for (const code of c.codes) writeCode(w, codes, code, false);
  if (c.sets.length) {
    const sets = w.el(w.root, 'Sets');
    for (const s of c.sets) writeSet(w, sets, s, true);
  }
  return w.serialize();
}

// ---------------------------------------------------------------- reading

const notQda = (why: string): HvelvError => new HvelvError('EXCHANGE_NOT_QDA', why);

/** Single-byte encodings an XML declaration may name that are read as declared (older Windows tools). */
const EIGHT_BIT = new Map([
  ['iso-8859-1', 'latin1'],
  ['latin1', 'latin1'],
  ['iso-8859-15', 'iso-8859-15'],
  ['windows-1252', 'windows-1252'],
  ['cp1252', 'windows-1252'],
  ['us-ascii', 'windows-1252'],
  ['ascii', 'windows-1252'],
]);

/** The encoding an ASCII-compatible XML declaration names, lower case, if any. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  return /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
}

/**
 * Text of an XML file: UTF-8 with or without a byte-order mark (NVivo writes one),
 * UTF-16 with one, or a single-byte encoding its declaration names (ISO-8859-1,
 * Windows-1252). Anything else is refused rather than guessed.
 */
export function decodeXml(bytes: Uint8Array): string {
  try {
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    const eightBit = EIGHT_BIT.get(declaredEncoding(bytes) ?? '');
    if (eightBit) return new TextDecoder(eightBit).decode(bytes);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw notQda('the XML is neither UTF-8, UTF-16 with a byte-order mark, nor a single-byte encoding its declaration names');
  }
}

/** Deeper element nesting than this is refused before parsing: no QDA-XML file nests so. */
const MAX_ELEMENT_DEPTH = 256;

/**
 * Refuse, before any parser sees the text, what no QDA-XML file needs and what makes
 * a file hurt: a document type declaration anywhere (it is how entities, external
 * ones included, are declared; a comment before it must not hide it), character
 * references to characters XML 1.0 forbids (`&#0;` would put a NUL into a code name),
 * and elements nested so deep that building the tree takes minutes.
 */
function refuseUnsafe(xml: string): void {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new HvelvError('EXCHANGE_UNSAFE', 'the XML declares a document type or entities, which QDA-XML never needs');
  }
  for (const m of xml.matchAll(/&#(x[0-9a-f]+|[0-9]+);/gi)) {
    const cp = m[1]![0] === 'x' || m[1]![0] === 'X' ? parseInt(m[1]!.slice(1), 16) : parseInt(m[1]!, 10);
    const legal = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
    if (!legal) throw notQda(`the XML refers to a character XML does not allow (${m[0]})`);
  }
  if (maxDepth(xml) > MAX_ELEMENT_DEPTH) throw notQda(`elements nest deeper than ${MAX_ELEMENT_DEPTH} levels`);
}

/**
 * How deep elements nest, in one pass: comments, CDATA and processing instructions
 * skipped whole, attribute values (which may hold ">") skipped by their quotes. Stops
 * counting past the limit. Malformed markup is left for the parser to refuse.
 */
function maxDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  let i = xml.indexOf('<');
  const skipTo = (from: number, end: string): number => {
    const at = xml.indexOf(end, from);
    return at < 0 ? xml.length : at + end.length;
  };
  while (i >= 0 && i < xml.length && max <= MAX_ELEMENT_DEPTH) {
    let next: number;
    if (xml.startsWith('<!--', i)) next = skipTo(i + 4, '-->');
    else if (xml.startsWith('<![CDATA[', i)) next = skipTo(i + 9, ']]>');
    else if (xml.startsWith('<?', i)) next = skipTo(i + 2, '?>');
    else if (xml.startsWith('<!', i)) next = skipTo(i + 2, '>');
    else {
      const closing = xml[i + 1] === '/';
      let j = i + 1;
      while (j < xml.length && xml[j] !== '>') {
        if (xml[j] === '"' || xml[j] === "'") {
          const q = xml.indexOf(xml[j]!, j + 1);
          j = q < 0 ? xml.length : q + 1;
        } else j++;
      }
      if (closing) depth--;
      else if (xml[j - 1] !== '/') max = Math.max(max, ++depth);
      next = j + 1;
    }
    i = xml.indexOf('<', next);
  }
  return max;
}

function parse(xml: string): Element {
  const text = xml.replace(/^\uFEFF/, '');
  refuseUnsafe(text);
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (err) {
    throw notQda(`the XML is not well-formed: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = doc.documentElement;
  if (!root) throw notQda('the XML has no root element');
  return root;
}

/** Child elements in the namespace, by local name: whatever prefix the writer chose. */
function kids(parent: Element, ns: string, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as Element;
    if (e.namespaceURI === ns && (name === undefined || e.localName === name)) out.push(e);
  }
  return out;
}

const kid = (parent: Element, ns: string, name: string): Element | undefined => kids(parent, ns, name)[0];
const textOf = (e: Element | undefined): string | undefined => (e === undefined ? undefined : (e.textContent ?? ''));
const attr = (e: Element, name: string): string | undefined => (e.hasAttribute(name) ? (e.getAttribute(name) ?? undefined) : undefined);

function where(e: Element): string {
  const name = attr(e, 'name');
  return name ? `${e.localName ?? e.nodeName} "${name}"` : (e.localName ?? e.nodeName);
}

function guidOf(e: Element, name = 'guid'): Guid {
  const g = parseGuid(attr(e, name));
  if (!g) throw notQda(`${where(e)} has no valid ${name} (${attr(e, name) ?? 'none'})`);
  return g;
}

function optionalGuid(e: Element, name: string): Guid | undefined {
  return parseGuid(attr(e, name)) ?? undefined;
}

function intOf(e: Element, name: string): number {
  const v = attr(e, name)?.trim();
  if (v === undefined || !/^\+?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw notQda(`${where(e)} has no valid ${name} (${v ?? 'none'})`);
  }
  return Number(v);
}

function refsOf(parent: Element, ns: string, name: string, attrName = 'targetGUID'): Guid[] {
  return kids(parent, ns, name).map((e) => guidOf(e, attrName));
}

function readBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  const t = v.trim().toLowerCase();
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : fallback;
}

function readCode(e: Element, ns: string, depth: number): QdaCode {
  if (depth > MAX_CODE_DEPTH) throw notQda(`codes nest deeper than ${MAX_CODE_DEPTH} levels`);
  const color = attr(e, 'color')?.trim();
  return {
    guid: guidOf(e),
    name: attr(e, 'name') ?? '',
    // Required by the schema; a tool that leaves it out means an ordinary code.
    isCodable: readBool(attr(e, 'isCodable'), true),
    color: color && RGB.test(color) ? color.toLowerCase() : undefined,
    description: textOf(kid(e, ns, 'Description')),
    noteRefs: refsOf(e, ns, 'NoteRef'),
    children: kids(e, ns, 'Code').map((c) => readCode(c, ns, depth + 1)),
  };
}

function readLocation(e: Element, ns: string): QdaTextLocation {
  return { plainTextPath: attr(e, 'plainTextPath'), plainTextContent: textOf(kid(e, ns, 'PlainTextContent')) };
}

function readCoding(e: Element, ns: string): QdaCoding | null {
  const ref = kid(e, ns, 'CodeRef');
  if (!ref) return null;
  return { guid: guidOf(e), codeRef: guidOf(ref, 'targetGUID'), creatingUser: optionalGuid(e, 'creatingUser'), creationDateTime: attr(e, 'creationDateTime') };
}

function readSelection(e: Element, ns: string): QdaTextSelection {
  return {
    guid: guidOf(e),
    name: attr(e, 'name'),
    start: intOf(e, 'startPosition'),
    end: intOf(e, 'endPosition'),
    description: textOf(kid(e, ns, 'Description')),
    codings: kids(e, ns, 'Coding')
      .map((c) => readCoding(c, ns))
      .filter((c): c is QdaCoding => c !== null),
    noteRefs: refsOf(e, ns, 'NoteRef'),
    creatingUser: optionalGuid(e, 'creatingUser'),
    creationDateTime: attr(e, 'creationDateTime'),
  };
}

function readValue(e: Element, ns: string): QdaVariableValue | null {
  const ref = kid(e, ns, 'VariableRef');
  if (!ref) return null;
  for (const type of VARIABLE_TYPES) {
    const v = kid(e, ns, `${type}Value`);
    if (v) return { variable: guidOf(ref, 'targetGUID'), type, value: v.textContent ?? '' };
  }
  return { variable: guidOf(ref, 'targetGUID'), type: 'Text', value: '' };
}

const values = (e: Element, ns: string): QdaVariableValue[] =>
  kids(e, ns, 'VariableValue')
    .map((v) => readValue(v, ns))
    .filter((v): v is QdaVariableValue => v !== null);

function readTextSource(e: Element, ns: string): QdaTextSource {
  return {
    kind: 'text',
    guid: guidOf(e),
    name: attr(e, 'name'),
    ...readLocation(e, ns),
    description: textOf(kid(e, ns, 'Description')),
    selections: kids(e, ns, 'PlainTextSelection').map((s) => readSelection(s, ns)),
    noteRefs: refsOf(e, ns, 'NoteRef'),
    values: values(e, ns),
    creatingUser: optionalGuid(e, 'creatingUser'),
    creationDateTime: attr(e, 'creationDateTime'),
  };
}

function readSyncPoint(e: Element): QdaSyncPoint {
  return { guid: guidOf(e), timeStamp: intOf(e, 'timeStamp'), position: intOf(e, 'position') };
}

function readAudioSource(e: Element, ns: string): QdaAudioSource {
  return {
    kind: 'audio',
    guid: guidOf(e),
    name: attr(e, 'name'),
    path: attr(e, 'path'),
    description: textOf(kid(e, ns, 'Description')),
    transcripts: kids(e, ns, 'Transcript').map((t) => ({
      guid: guidOf(t),
      name: attr(t, 'name'),
      ...readLocation(t, ns),
      syncPoints: kids(t, ns, 'SyncPoint').map(readSyncPoint),
    })),
    noteRefs: refsOf(e, ns, 'NoteRef'),
    creatingUser: optionalGuid(e, 'creatingUser'),
    creationDateTime: attr(e, 'creationDateTime'),
  };
}

function readNote(e: Element, ns: string): QdaNote {
  return {
    guid: guidOf(e),
    name: attr(e, 'name'),
    ...readLocation(e, ns),
    description: textOf(kid(e, ns, 'Description')),
    creatingUser: optionalGuid(e, 'creatingUser'),
    creationDateTime: attr(e, 'creationDateTime'),
  };
}

function readSet(e: Element, ns: string, codebook: boolean): QdaSet {
  return {
    guid: guidOf(e),
    name: attr(e, 'name') ?? '',
    description: textOf(kid(e, ns, 'Description')),
    // The Codebook schema's MemberCode carries `guid`, the Project schema's `targetGUID`.
    memberCodes: kids(e, ns, 'MemberCode').map((m) => guidOf(m, codebook && m.hasAttribute('guid') ? 'guid' : 'targetGUID')),
    memberSources: refsOf(e, ns, 'MemberSource'),
    memberNotes: refsOf(e, ns, 'MemberNote'),
  };
}

function readVariable(e: Element, ns: string): QdaVariable {
  const t = attr(e, 'typeOfVariable') as QdaVariableType | undefined;
  return { guid: guidOf(e), name: attr(e, 'name') ?? '', type: t && VARIABLE_TYPES.includes(t) ? t : 'Text', description: textOf(kid(e, ns, 'Description')) };
}

function readCase(e: Element, ns: string): QdaCase {
  return { guid: guidOf(e), name: attr(e, 'name'), description: textOf(kid(e, ns, 'Description')), values: values(e, ns), sourceRefs: refsOf(e, ns, 'SourceRef') };
}

function count(skipped: Record<string, number>, name: string, n = 1): void {
  if (n > 0) skipped[name] = (skipped[name] ?? 0) + n;
}

/** A `project.qde` as the model; refuses what is not a QDA-XML project. */
export function xmlToProject(xml: string): QdaProject {
  const root = parse(xml);
  const ns = PROJECT_NS;
  if (root.localName !== 'Project' || root.namespaceURI !== ns) {
    throw notQda(`the root element is ${root.localName} in ${root.namespaceURI ?? 'no namespace'}, not Project in ${ns}`);
  }
  const skipped: Record<string, number> = {};
  const sources: QdaProject['sources'] = [];
  const sourcesEl = kid(root, ns, 'Sources');
  for (const s of sourcesEl ? kids(sourcesEl, ns) : []) {
    if (s.localName === 'TextSource') sources.push(readTextSource(s, ns));
    else if (s.localName === 'AudioSource') sources.push(readAudioSource(s, ns));
    else count(skipped, s.localName ?? s.nodeName);
  }
  for (const name of ['Links', 'Graphs']) {
    const e = kid(root, ns, name);
    if (e) count(skipped, name.slice(0, -1), kids(e, ns).length);
  }
  const list = <T>(container: string, item: string, read: (e: Element) => T): T[] => {
    const e = kid(root, ns, container);
    return e ? kids(e, ns, item).map(read) : [];
  };
  const codes = kid(root, ns, 'CodeBook');
  const codesEl = codes ? kid(codes, ns, 'Codes') : undefined;
  const project: QdaProject = {
    name: attr(root, 'name') ?? '',
    origin: attr(root, 'origin'),
    creatingUser: optionalGuid(root, 'creatingUserGUID'),
    creationDateTime: attr(root, 'creationDateTime'),
    users: list('Users', 'User', (u) => ({ guid: guidOf(u), name: attr(u, 'name') })),
    codes: codesEl ? kids(codesEl, ns, 'Code').map((c) => readCode(c, ns, 0)) : [],
    variables: list('Variables', 'Variable', (v) => readVariable(v, ns)),
    cases: list('Cases', 'Case', (c) => readCase(c, ns)),
    sources,
    notes: list('Notes', 'Note', (n) => readNote(n, ns)),
    sets: list('Sets', 'Set', (s) => readSet(s, ns, false)),
    description: textOf(kid(root, ns, 'Description')),
    noteRefs: refsOf(root, ns, 'NoteRef'),
    skipped,
  };
  assertUniqueGuids(project);
  return project;
}

/**
 * A code, source or note is found by its GUID. Two of one kind with the same GUID
 * would put one source's selections on the other's text, or a coding on whichever
 * code came last: refused, not guessed (the standard requires them unique).
 */
function assertUniqueGuids(p: { codes: readonly QdaCode[]; sources?: QdaProject['sources']; notes?: readonly QdaNote[]; sets: readonly QdaSet[] }): void {
  const once = (what: string, guids: Iterable<Guid>): void => {
    const seen = new Set<Guid>();
    for (const g of guids) {
      if (seen.has(g)) throw notQda(`two ${what} have the GUID ${g}`);
      seen.add(g);
    }
  };
  once('codes', flattenCodes(p.codes).map((c) => c.guid));
  once('sources', (p.sources ?? []).flatMap((s) => [s.guid, ...(s.kind === 'audio' ? s.transcripts.map((t) => t.guid) : [])]));
  once('selections', (p.sources ?? []).flatMap((s) => (s.kind === 'text' ? s.selections.map((x) => x.guid) : [])));
  once('notes', (p.notes ?? []).map((n) => n.guid));
  once('sets', p.sets.map((s) => s.guid));
}

/** A `.qdc` as the model; refuses what is not a QDA-XML codebook. */
export function xmlToCodebook(xml: string): QdaCodebook {
  const root = parse(xml);
  const ns = CODEBOOK_NS;
  if (root.localName !== 'CodeBook' || root.namespaceURI !== ns) {
    throw notQda(`the root element is ${root.localName} in ${root.namespaceURI ?? 'no namespace'}, not CodeBook in ${ns}`);
  }
  const codes = kid(root, ns, 'Codes');
  const sets = kid(root, ns, 'Sets');
  const book: QdaCodebook = {
    origin: attr(root, 'origin'),
    codes: codes ? kids(codes, ns, 'Code').map((c) => readCode(c, ns, 0)) : [],
    sets: sets ? kids(sets, ns, 'Set').map((s) => readSet(s, ns, true)) : [],
  };
  assertUniqueGuids(book);
  return book;
}
