/**
 * Reading and writing transcript files: plain text in the f4 style (`#hh:mm:ss-d#`
 * timestamps, `I:`/`B:` speakers), .docx, .srt and .vtt. Everything becomes f4-style
 * text; the timestamps in it are the sync points (character offset ↔ milliseconds).
 */
import * as zlib from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { strToU8, zipSync } from 'fflate';
import { HvelvError } from '../../errors';
import { f4Stamp, syncPoints, type SyncPoint } from '../../../../shared/transcript';
import type { DocxLeftOut } from '../../../../shared/contract';

export type TranscriptFormat = 'txt' | 'docx' | 'srt' | 'vtt';

export const TRANSCRIPT_MAX_BYTES = 20 * 1024 * 1024;

export { f4Stamp, syncPoints, type SyncPoint };

/**
 * UTF-16 without a byte-order mark, told by its NUL bytes: text in Latin letters has a
 * zero high byte in almost every code unit (æ, ø, å too), so one side of the byte pairs
 * is mostly NUL and the other almost never. UTF-8 text holds no NUL at all.
 */
function utf16WithoutBom(b: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (b.length < 4 || b.length % 2 !== 0) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < b.length; i += 2) {
    if (b[i] === 0) even++;
    if (b[i + 1] === 0) odd++;
  }
  const pairs = b.length / 2;
  if (odd >= pairs * 0.3 && even <= pairs * 0.01) return 'utf-16le';
  if (even >= pairs * 0.3 && odd <= pairs * 0.01) return 'utf-16be';
  return null;
}

/**
 * Text from bytes: UTF-8 (with or without BOM) or UTF-16 (with a BOM, or without one when
 * its NUL bytes show it plainly). Anything else is refused rather than guessed: a wrong
 * guess would silently garble æ, ø and å.
 */
export function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  try {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(3));
    else if (b[0] === 0xff && b[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(b.subarray(2));
    else if (b[0] === 0xfe && b[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(b.subarray(2));
    else {
      const utf16 = utf16WithoutBom(b);
      text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(b);
    }
  } catch {
    throw new HvelvError('TRANSCRIPT_ENCODING', 'the text is neither UTF-8 nor UTF-16 with a byte-order mark');
  }
  if (text.includes('\u0000')) throw new HvelvError('TRANSCRIPT_ENCODING', 'the file holds binary data, not text');
  return text.replace(/\r\n?/g, '\n');
}

export function formatFromName(name: string): TranscriptFormat {
  const ext = name.toLowerCase().split('.').pop();
  if (ext === 'txt' || ext === 'docx' || ext === 'srt' || ext === 'vtt') return ext;
  throw new HvelvError('TRANSCRIPT_UNSUPPORTED', `.${ext ?? ''} is not a transcript format Hvelv reads`);
}

/** The file's content as f4-style text. */
export function parseTranscript(bytes: Uint8Array, format: TranscriptFormat): string {
  return parseTranscriptFile(bytes, format).text;
}

export interface ParsedTranscript {
  text: string;
  /** Cues (.srt, .vtt) whose time could not be used: their text is there, without a sync point. */
  untimedCues: number;
  /** A .docx's footnotes, endnotes, comments, headers and footers that hold words: not imported, said. */
  leftOut?: DocxLeftOut;
}

/**
 * The file's content as f4-style text, and how many cues had no usable time. Every
 * word of the file arrives, or the file is refused with the line that is wrong: a
 * transcript is the research material itself, and a silently dropped cue is a quote
 * that is gone.
 */
export function parseTranscriptFile(bytes: Uint8Array, format: TranscriptFormat): ParsedTranscript {
  if (bytes.length > TRANSCRIPT_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the transcript file is larger than 20 MB');
  switch (format) {
    case 'txt':
      return { text: decodeText(bytes), untimedCues: 0 };
    case 'docx':
      return { ...docxToText(bytes), untimedCues: 0 };
    case 'srt':
      return cuesToF4(decodeText(bytes), false);
    case 'vtt':
      return cuesToF4(decodeText(bytes), true);
  }
}

// Hours of any number of digits, as WebVTT allows (a recording of more than 99 hours is rare, but its cues are not garbage).
const TIME = String.raw`(?:(\d{1,4}):)?(\d{2}):(\d{2})[,.](\d{3})`;
const CUE_TIME = new RegExp(String.raw`^\s*${TIME}\s*-->\s*${TIME}(?:\s.*)?$`);

function cueMs(h: string | undefined, m: string, s: string, f: string): number | null {
  if (Number(m) > 59 || Number(s) > 59) return null;
  return ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(f);
}

/** A cue's start, or null when its timing line cannot be read or runs backwards. */
function cueStart(line: string): number | null {
  const m = CUE_TIME.exec(line);
  if (!m) return null;
  const start = cueMs(m[1], m[2]!, m[3]!, m[4]!);
  const end = cueMs(m[5], m[6]!, m[7]!, m[8]!);
  return start === null || end === null || end < start ? null : start;
}

/**
 * WebVTT cue text: exactly the tags the format defines (c, i, b, u, ruby, rt, v, lang
 * and timestamps) are markup; every other `<` is the speaker's own. A voice span
 * (`<v Ola>`) names who speaks, so it becomes "Ola: " as f4 writes it.
 */
const VTT_VOICE = /<v(?:\.[^\s>]*)?\s+([^>]+)>/g;
const VTT_TAG = /<(?:c|i|b|u|ruby|rt)(?:\.[^\s>]*)?>|<(?:v|lang)(?:\.[^\s>]*)?(?:\s[^>]*)?>|<\/(?:c|i|b|u|ruby|rt|v|lang)>|<(?:\d+:)?\d{2}:\d{2}\.\d{3}>/g;
/** What SubRip files use in practice (the format has no specification): i, b, u and font. */
const SRT_TAG = /<\/?(?:i|b|u)>|<font(?:\s[^>]*)?>|<\/font>/gi;
/**
 * WebVTT reads character references as HTML does: the six it names for authors, and the
 * named references tools write for Norwegian and Western text (Latin-1's letters, quotes,
 * dashes). One the table lacks stays as written: nothing is lost, it only is not decoded.
 */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
const VTT_ESCAPES: Record<string, string> = {
  ...Object.fromEntries(LATIN1_NAMES.split(' ').map((n, i) => [n, String.fromCharCode(0xa0 + i)])),
  amp: '&', lt: '<', gt: '>', lrm: '\u200e', rlm: '\u200f', quot: '"', apos: "'",
  ndash: '\u2013', mdash: '\u2014', hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a', ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e', euro: '\u20ac', bull: '\u2022', OElig: '\u0152', oelig: '\u0153', Scaron: '\u0160', scaron: '\u0161',
};

function cueText(rows: string[], vtt: boolean): string {
  let text = rows.join(' ').trim();
  if (!vtt) return text.replace(SRT_TAG, '').trim();
  // Every voice span names its speaker, not only the first ("<v Ola>Hei</v> <v Kari>Hallo").
  text = text.replace(VTT_VOICE, (_, who: string) => `${who.trim()}: `);
  return text
    .replace(VTT_TAG, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] !== '#') return VTT_ESCAPES[e] ?? m;
      const cp = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    })
    .trim();
}

function cuesToF4(text: string, vtt: boolean): ParsedTranscript {
  const body = text.replace(/^\uFEFF/, '');
  if (vtt && !/^WEBVTT(?:[ \t]|\n|$)/.test(body)) throw new HvelvError('TRANSCRIPT_UNSUPPORTED', 'line 1: a .vtt file must start with WEBVTT');
  const lines: string[] = [];
  let timed = 0;
  let untimed = 0;
  let firstBadLine = 0;
  let firstBadTiming = 0;
  const rows = body.split('\n');
  let i = 0;
  let first = true;
  while (i < rows.length) {
    // One block: the lines up to the next blank line, with their 1-based line numbers.
    while (i < rows.length && rows[i]!.trim() === '') i++;
    const block: { line: number; text: string }[] = [];
    for (; i < rows.length && rows[i]!.trim() !== ''; i++) block.push({ line: i + 1, text: rows[i]! });
    if (block.length === 0) break;
    // The WEBVTT header: its lines up to the first timing line. A cue that follows the header
    // without a blank line is a cue, as in the WebVTT parser (a line with "-->" ends the header).
    if (vtt && first) {
      first = false;
      const arrow = block.findIndex((r) => r.text.includes('-->'));
      if (arrow < 0) continue;
      block.splice(0, arrow);
    } else if (vtt && /^NOTE(?:[ \t]|$)/.test(block[0]!.text)) {
      // A comment, often the transcriber's own words: kept, in brackets on a line of its own,
      // so nothing of the file is lost (the student deletes it if it should go).
      const note = block.map((r) => r.text.trim()).join(' ').replace(/^NOTE\s*/, '').trim();
      if (note) lines.push(`[NOTE ${note}]`);
      continue;
    } else if (vtt && /^(STYLE|REGION)(?:[ \t]|$)/.test(block[0]!.text)) {
      // Styles and regions: the format's own settings, no words of the interview.
      continue;
    }
    first = false;
    const at = block.findIndex((r) => r.text.includes('-->'));
    // Before the timing line: the cue's number (.srt) or identifier (.vtt), not words.
    // Without a timing line, a leading number is still the cue's number.
    // A block that is a number and nothing else is a cue number only when the next
    // block is a cue's timing ("1", a stray blank line, "00:00:01,000 --> …"); otherwise it
    // is words ("2019", said alone after a blank line inside a cue).
    const loneNumber = at < 0 && block.length === 1 && /^\d+$/.test(block[0]!.text.trim());
    const nextIsTiming = (): boolean => {
      let k = i;
      while (k < rows.length && rows[k]!.trim() === '') k++;
      return k < rows.length && rows[k]!.includes('-->');
    };
    const headEnd = at >= 0 ? at : /^\d+$/.test(block[0]!.text.trim()) && (!loneNumber || nextIsTiming()) ? 1 : 0;
    if (loneNumber && headEnd === 1) continue;
    // The line just before the timing line is the cue's identifier: in .vtt any text, in .srt
    // only a number (a line of words there is the end of the cue before, and is kept).
    const idLine = at >= 1 && (vtt || /^\d+$/.test(block[at - 1]!.text.trim())) ? at - 1 : at;
    const extra = at >= 1 ? block.slice(0, idLine) : [];
    const words = [...extra, ...block.slice(at >= 0 ? at + 1 : headEnd)].map((r) => r.text);
    const start = at >= 0 ? cueStart(block[at]!.text) : null;
    const said = cueText(words, vtt);
    if (start === null) {
      untimed++;
      // The line to point at: the first timing line that cannot be read, else the first line without one.
      if (at >= 0 && !firstBadTiming) firstBadTiming = block[at]!.line;
      if (!firstBadLine) firstBadLine = block[0]!.line;
      if (said) lines.push(said);
    } else {
      timed++;
      lines.push(said ? `${f4Stamp(start)} ${said}` : f4Stamp(start));
    }
  }
  if (timed === 0) {
    const bad = firstBadTiming || firstBadLine;
    const where = bad ? `line ${bad}: ` : '';
    throw new HvelvError('TRANSCRIPT_UNSUPPORTED', `${where}no cue with a usable time in the ${vtt ? '.vtt' : '.srt'} file`);
  }
  return { text: `${lines.join('\n')}\n`, untimedCues: untimed };
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The unpacked document part may be at most this large, and the archive hold at most
 * this many entries. A real transcript's document.xml is a few MB; a ZIP bomb's is
 * gigabytes, and is refused when the cap is reached, not after.
 */
export const DOCX_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
export const DOCX_MAX_ENTRIES = 10_000;

/** Text a .docx keeps outside its body, not imported: declared in the contract, which the app shows. */
export type { DocxLeftOut };
type DocxResult = { ok: true; text: string; leftOut: DocxLeftOut } | { ok: false; code: 'FILE_TOO_LARGE' | 'DOCUMENT_DAMAGED' | 'DOCUMENT_ENCRYPTED' | 'TRANSCRIPT_UNSUPPORTED'; message: string };
interface DocxZlib {
  inflateRawSync(data: Uint8Array, opts: { maxOutputLength: number }): Buffer;
  crc32(data: Uint8Array): number;
}

/**
 * The text of a .docx: one line per paragraph, tabs and breaks kept. Self-contained
 * (it uses only its arguments and globals) because its source is also what the parsing
 * worker runs: see parseTranscriptOffThread.
 */
function extractDocxText(zip: Uint8Array, zlib: DocxZlib, maxBytes: number, maxEntries: number): DocxResult {
  const damaged = (message: string): DocxResult => ({ ok: false, code: 'DOCUMENT_DAMAGED', message });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  // A password-protected Word file is not a zip but an OLE compound file (so is a .doc
  // renamed): the student can do something about that, so it is said.
  if (zip.length >= 8 && u32(0) === 0xe011cfd0 && u32(4) === 0xe11ab1a1) return { ok: false, code: 'DOCUMENT_ENCRYPTED', message: 'the .docx file is password-protected (encrypted), or an old .doc file' };
  // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return { ok: false, code: 'TRANSCRIPT_UNSUPPORTED', message: 'the .docx file is damaged (not a zip archive)' };
  const declared = u16(eocd + 10);
  if (declared > maxEntries) return { ok: false, code: 'FILE_TOO_LARGE', message: `the .docx archive has ${declared} entries; the limit is ${maxEntries}` };
  let at = u32(eocd + 16);
  const cdEnd = at + u32(eocd + 12);
  if (cdEnd > eocd || declared === 0xffff || at === 0xffffffff) return damaged('the zip directory is out of place (or zip64, which a .docx never needs)');
  let entries = 0;
  type Entry = { method: number; compressed: number; size: number; crc: number; local: number };
  let found: Entry | null = null;
  const sides: { kind: string; entry: Entry }[] = [];
  while (at + 46 <= cdEnd) {
    if (u32(at) !== 0x02014b50) return damaged(`zip directory entry ${entries} is damaged`);
    // Counted as they are walked: the count in the end record may lie.
    if (++entries > maxEntries) return { ok: false, code: 'FILE_TOO_LARGE', message: `the .docx archive has more than ${maxEntries} entries` };
    const nameLen = u16(at + 28);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen));
    // Two entries of one name: readers differ on which one counts, so the text shown in
    // Word might not be the text imported.
    if (name === 'word/document.xml' && found) return damaged('the .docx archive holds word/document.xml twice');
    if (name === 'word/document.xml') found = { method: u16(at + 10), crc: u32(at + 16), compressed: u32(at + 20), size: u32(at + 24), local: u32(at + 42) };
    // Footnotes, endnotes, comments (often the transcriber's notes), headers and footers
    // live in parts of their own: not imported, but counted so the import can say so.
    const side = /^word\/(footnotes|endnotes|comments|header|footer)\d*\.xml$/.exec(name)?.[1];
    if (side) sides.push({ kind: side, entry: { method: u16(at + 10), crc: u32(at + 16), compressed: u32(at + 20), size: u32(at + 24), local: u32(at + 42) } });
    at += 46 + nameLen + u16(at + 30) + u16(at + 32);
  }
  if (!found) return { ok: false, code: 'TRANSCRIPT_UNSUPPORTED', message: 'the .docx file has no document' };
  // One part unpacked, checked and decoded; what is left of the cap is shared by all parts.
  let budget = maxBytes;
  const unpack = (e: Entry, what: string): { xml: string } | DocxResult => {
    const l = e.local;
    if (l + 30 > zip.length || u32(l) !== 0x04034b50) return damaged(`the ${what} entry is damaged`);
    const start = l + 30 + u16(l + 26) + u16(l + 28);
    if (start + e.compressed > zip.length) return damaged(`the ${what} entry is cut short`);
    const packed = zip.subarray(start, start + e.compressed);
    let bytes: Uint8Array;
    if (e.method === 0) {
      if (packed.length > budget) return { ok: false, code: 'FILE_TOO_LARGE', message: `the ${what} part is larger than ${maxBytes} bytes` };
      bytes = packed;
    } else if (e.method === 8) {
      try {
        // The cap is enforced by zlib while it inflates: memory never goes past it.
        bytes = zlib.inflateRawSync(packed, { maxOutputLength: budget });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, code: 'FILE_TOO_LARGE', message: `the ${what} part unpacks to more than ${maxBytes} bytes` };
        return damaged(`the ${what} part does not unpack: ${(err as Error).message}`);
      }
    } else return damaged(`the ${what} part uses compression method ${e.method}`);
    budget -= bytes.length;
    if (zlib.crc32(bytes) >>> 0 !== e.crc >>> 0) return damaged(`the ${what} part does not match its checksum`);
    try {
      return { xml: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return damaged(`the ${what} part is not valid UTF-8`);
    }
  };
  const doc = unpack(found, 'document');
  if (!('xml' in doc)) return doc;
  const xml = doc.xml;
  // The other parts: each note, comment, header or footer that holds a word is counted.
  const leftOut = { footnotes: 0, endnotes: 0, comments: 0, headers: 0, footers: 0 };
  const hasWords = (x: string): boolean => /<w:t\b[^>]*>[^<]*\S[^<]*<\/w:t>/.test(x);
  for (const { kind, entry } of sides) {
    const part = unpack(entry, kind);
    if (!('xml' in part)) return part;
    if (kind === 'header' || kind === 'footer') {
      if (hasWords(part.xml)) leftOut[`${kind}s`]++;
      continue;
    }
    const tag = kind === 'comments' ? 'comment' : kind.slice(0, -1);
    for (const m of part.xml.matchAll(new RegExp(`<w:${tag}\\b[^>]*>([\\s\\S]*?)<\\/w:${tag}>`, 'g'))) if (hasWords(m[1] ?? '')) leftOut[kind as 'footnotes' | 'endnotes' | 'comments']++;
  }
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let bad = '';
  const unescape = (s: string): string =>
    s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
      if (e[0] !== '#') return entities[e] ?? m;
      const cp = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      // XML's characters only: no NUL, no lone surrogates, nothing past U+10FFFF.
      if (!(cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff))) {
        bad ||= m;
        return '';
      }
      return String.fromCodePoint(cp);
    });
  const body = /<w:body\b[^>]*>([\s\S]*)<\/w:body>/.exec(xml)?.[1];
  // No body where WordprocessingML puts it (another prefix for its namespace, say): refused,
  // never imported as an empty transcript.
  if (body === undefined) return { ok: false, code: 'TRANSCRIPT_UNSUPPORTED', message: 'the document part has no <w:body> Hvelv can read' };
  // One line per paragraph. Paragraphs nest (a text box's paragraphs sit inside a run of
  // the paragraph around it), so they are tracked as a stack: each line is written when
  // its paragraph closes, and the words after a text box stay with their paragraph.
  // Breaks and run tabs may carry attributes or a space (<w:br w:type="page"/>, <w:br />);
  // a tab with attributes is a tab stop in the paragraph's properties, not text. A text
  // element holds only text (a "<" in it is written &lt;), so [^<]* finds its end: a lazy
  // [\s\S]*? would scan to the end of the document for every unclosed <w:t>.
  const lines: string[] = [];
  const open: string[] = [];
  const add = (s: string): void => {
    if (open.length === 0) open.push('');
    open[open.length - 1] += s;
  };
  const TOKEN = /<w:p\b[^>]*?(\/?)>|<\/w:p>|<w:t\b[^>]*\/>|<w:t\b[^>]*>([^<]*)<\/w:t>|<w:tab\s*\/>|<w:(?:br|cr)\b[^>]*\/>|<w:noBreakHyphen\b[^>]*\/>/g;
  for (const m of body.matchAll(TOKEN)) {
    const tag = m[0];
    if (tag === '</w:p>') {
      if (open.length > 0) lines.push(open.pop()!);
    } else if (tag.startsWith('<w:p')) {
      if (m[1] === '/') lines.push('');
      else open.push('');
    } else if (tag.startsWith('<w:tab')) add('\t');
    else if (tag.startsWith('<w:br') || tag.startsWith('<w:cr')) add('\n');
    else if (tag.startsWith('<w:noBreakHyphen')) add('\u2011');
    else add(unescape(m[2] ?? ''));
  }
  // Paragraphs left open by a damaged file: their words still arrive.
  while (open.length > 0) lines.push(open.pop()!);
  const text = `${lines.join('\n')}\n`;
  if (bad) return damaged(`the document holds ${bad}, which is no character`);
  return { ok: true, text, leftOut };
}

function docxResult(r: DocxResult): { text: string; leftOut: DocxLeftOut } {
  if (r.ok) return { text: r.text, leftOut: r.leftOut };
  throw new HvelvError(r.code, r.message);
}

function docxToText(bytes: Uint8Array): { text: string; leftOut: DocxLeftOut } {
  return docxResult(extractDocxText(bytes, zlib, DOCX_MAX_DOCUMENT_BYTES, DOCX_MAX_ENTRIES));
}

/** A worker that parses one .docx and answers once; its source is extractDocxText's own. */
const DOCX_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
// Transpilers that keep function names (esbuild under tsx) wrap nested functions in
// __name(fn, "name"): give the copied source the helper it may refer to.
const __name = (fn) => fn;
const extract = ${extractDocxText.toString()};
parentPort.postMessage(extract(workerData.bytes, require('node:zlib'), ${DOCX_MAX_DOCUMENT_BYTES}, ${DOCX_MAX_ENTRIES}));
`;

/** Longer than any real document takes; a worker still busy then is stopped. */
const DOCX_WORKER_TIMEOUT_MS = 60_000;

/**
 * As parseTranscriptFile, with a .docx unpacked and parsed in a worker thread: the
 * app's main process (and every window with it) stays responsive, and a document that
 * is damaged or too large ends the worker, not Hvelv.
 */
export async function parseTranscriptOffThread(bytes: Uint8Array, format: TranscriptFormat): Promise<ParsedTranscript> {
  if (format !== 'docx') return parseTranscriptFile(bytes, format);
  if (bytes.length > TRANSCRIPT_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the transcript file is larger than 20 MB');
  const copy = new Uint8Array(bytes);
  const worker = new Worker(DOCX_WORKER, { eval: true, workerData: { bytes: copy }, transferList: [copy.buffer], resourceLimits: { maxOldGenerationSizeMb: 512 } });
  try {
    const result = await new Promise<DocxResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HvelvError('DOCUMENT_DAMAGED', 'the document took too long to read')), DOCX_WORKER_TIMEOUT_MS);
      worker.once('message', (m: DocxResult) => {
        clearTimeout(timer);
        resolve(m);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        // Out of memory in the worker: the document is too large to read, whatever it claims.
        const code = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'FILE_TOO_LARGE' : 'DOCUMENT_DAMAGED';
        reject(new HvelvError(code, `the document could not be read: ${err.message}`));
      });
    });
    return { ...docxResult(result), untimedCues: 0 };
  } finally {
    await worker.terminate();
  }
}

/** A minimal .docx (WordprocessingML) with one paragraph per line. */
export function textToDocx(text: string): Uint8Array {
  const paras = text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(line)}</w:t></w:r></w:p>`)
    .join('');
  const files = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/document.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paras}<w:sectPr/></w:body></w:document>`,
    ),
  };
  // Fixed timestamps: the same text always gives the same bytes.
  return zipSync(files, { mtime: new Date('2020-01-01T00:00:00Z') });
}
