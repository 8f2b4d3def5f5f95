/**
 * Reading and writing transcript files: plain text in the f4 style (`#hh:mm:ss-d#`
 * timestamps, `I:`/`B:` speakers), .docx, .srt and .vtt. Everything becomes f4-style
 * text; the timestamps in it are the sync points (character offset ↔ milliseconds).
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { HvelvError } from '../errors';
import { f4Stamp, syncPoints, type SyncPoint } from '../../../shared/transcript';

export type TranscriptFormat = 'txt' | 'docx' | 'srt' | 'vtt';

export const TRANSCRIPT_MAX_BYTES = 20 * 1024 * 1024;

export { f4Stamp, syncPoints, type SyncPoint };

/**
 * Text from bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM. Anything else
 * is refused rather than guessed: a wrong guess would silently garble æ, ø and å.
 */
export function decodeText(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text: string;
  try {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) text = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(3));
    else if (b[0] === 0xff && b[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(b.subarray(2));
    else if (b[0] === 0xfe && b[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(b.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true }).decode(b);
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
  if (bytes.length > TRANSCRIPT_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the transcript file is larger than 20 MB');
  switch (format) {
    case 'txt':
      return decodeText(bytes);
    case 'docx':
      return docxToText(bytes);
    case 'srt':
      return cuesToF4(decodeText(bytes), false);
    case 'vtt':
      return cuesToF4(decodeText(bytes), true);
  }
}

const CUE_TIME = /(?:(\d{1,2}):)?(\d{2}):(\d{2})[,.](\d{3})\s*-->\s*(?:(\d{1,2}):)?(\d{2}):(\d{2})[,.](\d{3})/;

function cuesToF4(text: string, vtt: boolean): string {
  const body = text.replace(/^\uFEFF/, '');
  if (vtt && !/^WEBVTT/.test(body)) throw new HvelvError('TRANSCRIPT_UNSUPPORTED', 'a .vtt file must start with WEBVTT');
  const lines: string[] = [];
  let cues = 0;
  for (const block of body.split(/\n{2,}/)) {
    const rows = block.split('\n').filter((r) => r.trim() !== '');
    const at = rows.findIndex((r) => CUE_TIME.test(r));
    if (at < 0) continue;
    const m = CUE_TIME.exec(rows[at]!)!;
    const ms = ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
    const words = rows
      .slice(at + 1)
      .join(' ')
      .replace(/<[^>]+>/g, '')
      .trim();
    lines.push(`${f4Stamp(ms)} ${words}`);
    cues++;
  }
  if (cues === 0) throw new HvelvError('TRANSCRIPT_UNSUPPORTED', `no cues found in the ${vtt ? '.vtt' : '.srt'} file`);
  return `${lines.join('\n')}\n`;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return XML_ENTITIES[e] ?? m;
  });
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The text of a .docx: one line per paragraph, tabs and breaks kept. */
function docxToText(bytes: Uint8Array): string {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'word/document.xml' });
  } catch {
    throw new HvelvError('TRANSCRIPT_UNSUPPORTED', 'the .docx file is damaged (not a zip archive)');
  }
  const doc = files['word/document.xml'];
  if (!doc) throw new HvelvError('TRANSCRIPT_UNSUPPORTED', 'the .docx file has no document');
  const xml = strFromU8(doc);
  const body = /<w:body\b[^>]*>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? '';
  const paragraphs = body.match(/<w:p\b[^>]*\/>|<w:p\b[^>]*>[\s\S]*?<\/w:p>/g) ?? [];
  return `${paragraphs
    .map((p) => {
      let out = '';
      for (const t of p.matchAll(/<w:t\b[^>]*\/>|<w:t\b[^>]*>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>|<w:cr\/>/g)) {
        if (t[0].startsWith('<w:tab')) out += '\t';
        else if (t[0].startsWith('<w:br') || t[0].startsWith('<w:cr')) out += '\n';
        else out += unescapeXml(t[1] ?? '');
      }
      return out;
    })
    .join('\n')}\n`;
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
