/**
 * Speech-recognition models: whisper.cpp ggml files the student chooses or downloads
 * once. A model is not personal data; it lives in the app's data folder (models/),
 * never in the vault, so deleting a project never deletes it and a vault copied to a
 * supervisor carries no 150 MB file.
 *
 * Before the engine sees a file we read its header ourselves, so a wrong or damaged
 * file is refused with a clear reason (the engine only says "failed to initialize"),
 * and we hash it against the list of models we know.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HvelvError } from '../../errors';
import { openRegularFile, withRegularFile } from '../project/user-file';

export interface KnownModel {
  id: string;
  name: string;
  /** Who made it, and for which speech. */
  family: 'nb-whisper' | 'openai';
  languages: readonly ('nb' | 'en')[];
  /** Encoder layers: tiny 4, base 6, small 12, medium 24. */
  layers: number;
  url: string;
  licence: string;
  /**
   * SHA-256 of the file. null where no hash could be verified when this list was
   * made (no model could be downloaded on the machines that built it): such a file is
   * reported as "not verified", never as known.
   */
  sha256: string | null;
  /**
   * SHA-1 of the file, where the maker documents only that: whisper.cpp's models/README.md
   * lists SHA-1 for the OpenAI ggml files it hosts. Enough to tell a damaged or wrong
   * download from the real one; a forged file made to collide would cost an attacker who
   * can already write to the student's app data folder far more than replacing the app.
   */
  sha1?: string;
}

const NB = 'https://huggingface.co/NbAiLab';
const OPENAI = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/** The models Hvelv shows a link to. */
export const KNOWN_MODELS: readonly KnownModel[] = [
  { id: 'nb-whisper-tiny', name: 'NB-Whisper tiny', family: 'nb-whisper', languages: ['nb', 'en'], layers: 4, url: `${NB}/nb-whisper-tiny/resolve/main/ggml-model.bin`, licence: 'Apache-2.0', sha256: null },
  { id: 'nb-whisper-base', name: 'NB-Whisper base', family: 'nb-whisper', languages: ['nb', 'en'], layers: 6, url: `${NB}/nb-whisper-base/resolve/main/ggml-model.bin`, licence: 'Apache-2.0', sha256: null },
  { id: 'nb-whisper-small', name: 'NB-Whisper small', family: 'nb-whisper', languages: ['nb', 'en'], layers: 12, url: `${NB}/nb-whisper-small/resolve/main/ggml-model.bin`, licence: 'Apache-2.0', sha256: null },
  { id: 'nb-whisper-medium', name: 'NB-Whisper medium', family: 'nb-whisper', languages: ['nb', 'en'], layers: 24, url: `${NB}/nb-whisper-medium/resolve/main/ggml-model.bin`, licence: 'Apache-2.0', sha256: null },
  // SHA-1 from whisper.cpp's models/README.md ("Available models"), the project that converts and hosts these files.
  { id: 'openai-tiny', name: 'OpenAI Whisper tiny', family: 'openai', languages: ['en', 'nb'], layers: 4, url: `${OPENAI}/ggml-tiny.bin`, licence: 'MIT', sha256: null, sha1: 'bd577a113a864445d4c299885e0cb97d4ba92b5f' },
  { id: 'openai-base', name: 'OpenAI Whisper base', family: 'openai', languages: ['en', 'nb'], layers: 6, url: `${OPENAI}/ggml-base.bin`, licence: 'MIT', sha256: null, sha1: '465707469ff3a37a2b9b8d8f89f2f99de7299dac' },
  { id: 'openai-small', name: 'OpenAI Whisper small', family: 'openai', languages: ['en', 'nb'], layers: 12, url: `${OPENAI}/ggml-small.bin`, licence: 'MIT', sha256: null, sha1: '55356645c2b361a969dfd0ef2c5a50d530afd8d5' },
  { id: 'openai-tiny-en', name: 'OpenAI Whisper tiny.en (English only)', family: 'openai', languages: ['en'], layers: 4, url: `${OPENAI}/ggml-tiny.en.bin`, licence: 'MIT', sha256: null, sha1: 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df' },
  { id: 'openai-base-en', name: 'OpenAI Whisper base.en (English only)', family: 'openai', languages: ['en'], layers: 6, url: `${OPENAI}/ggml-base.en.bin`, licence: 'MIT', sha256: null, sha1: '137c40403d78fd54d454da0f9bd998f78703390c' },
  { id: 'openai-small-en', name: 'OpenAI Whisper small.en (English only)', family: 'openai', languages: ['en'], layers: 12, url: `${OPENAI}/ggml-small.en.bin`, licence: 'MIT', sha256: null, sha1: 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022' },
];

export interface ModelHeader {
  vocab: number;
  audioState: number;
  audioLayers: number;
  textLayers: number;
  mels: number;
  ftype: number;
  multilingual: boolean;
}

export interface ModelCheck {
  file: string;
  bytes: number;
  sha256: string;
  sha1: string;
  header: ModelHeader;
  /** The size class by its layers: tiny, base, small, medium, large, or "other". */
  size: string;
  /** The entry of KNOWN_MODELS whose hash the file has; null when none. */
  known: KnownModel | null;
}

const GGML_MAGIC = 0x67676d6c;
const SIZES: Record<number, string> = { 4: 'tiny', 6: 'base', 12: 'small', 24: 'medium', 32: 'large' };

/** Read and check the header; MODEL_INVALID with the reason when it is no whisper model. */
export function readModelHeader(file: string, shownAs: string = file): ModelHeader & { bytes: number } {
  // Never a blocking open of what the user named: a FIFO would wait for ever (issue 32).
  // stat first, then O_NONBLOCK and fstat of what was opened (services/project/user-file.ts).
  const { fd, size } = openRegularFile(file);
  try {
    const st = { size };
    const h = Buffer.alloc(12 * 4);
    const got = fs.readSync(fd, h, 0, h.length, 0);
    if (got < h.length || h.readUInt32LE(0) !== GGML_MAGIC) {
      throw new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} is not a whisper.cpp model (ggml format)`);
    }
    const v = (i: number) => h.readInt32LE(4 + i * 4);
    const header: ModelHeader = { vocab: v(0), audioState: v(2), audioLayers: v(4), textLayers: v(8), mels: v(9), ftype: v(10) % 1000, multilingual: v(0) >= 51865 };
    const insane = hostileHeader({ vocab: v(0), audioCtx: v(1), audioState: v(2), audioHead: v(3), audioLayers: v(4), textCtx: v(5), textState: v(6), textHead: v(7), textLayers: v(8), mels: v(9) });
    if (insane) throw new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} has a ggml header, but not one of a whisper model (${insane})`);
    const problem = walkTensors(file, fd, st.size);
    if (problem) throw new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} is damaged or cut short: ${problem}`);
    return { ...header, bytes: st.size };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What is wrong with a header, or null. whisper.cpp sizes its buffers from these numbers
 * before it reads a single weight, and divides by the head counts: a file with a
 * context of 2^28 or zero heads makes the engine ask for 68 GB and abort, or die of a
 * division by zero (both seen with @fugood/whisper.node 1.1.1). Every Whisper model,
 * tiny to large-v3 and turbo, has a 1500-frame audio context, a 448-token text
 * context, one width for encoder and decoder, and heads that divide it; a file that
 * says otherwise is refused here, before the engine can be made to allocate or crash.
 */
function hostileHeader(h: { vocab: number; audioCtx: number; audioState: number; audioHead: number; audioLayers: number; textCtx: number; textState: number; textHead: number; textLayers: number; mels: number }): string | null {
  if (h.vocab < 50_000 || h.vocab > 60_000) return `vocabulary of ${h.vocab}`;
  if (h.audioCtx !== 1500 || h.textCtx !== 448) return `context ${h.audioCtx}/${h.textCtx}`;
  if (h.audioState < 64 || h.audioState > 2048 || h.audioState % 64 !== 0 || h.textState !== h.audioState) return `width ${h.audioState}/${h.textState}`;
  for (const heads of [h.audioHead, h.textHead]) if (heads < 1 || heads > 64 || h.audioState % heads !== 0) return `${heads} attention heads`;
  for (const layers of [h.audioLayers, h.textLayers]) if (layers < 1 || layers > 64) return `${layers} layers`;
  if (h.mels !== 80 && h.mels !== 128) return `${h.mels} mel bands`;
  return null;
}

/**
 * Bytes per block and values per block of the ggml tensor types whisper.cpp writes
 * (f32, f16, q4_0, q4_1, q5_0, q5_1, q8_0, and the k-quants q2_K…q6_K). Any other type
 * number is refused: the engine would index its type table with it.
 */
const TYPE_SIZES: Record<number, [bytes: number, values: number]> = {
  0: [4, 1],
  1: [2, 1],
  2: [18, 32],
  3: [20, 32],
  6: [22, 32],
  7: [24, 32],
  8: [34, 32],
  10: [84, 256],
  11: [110, 256],
  12: [144, 256],
  13: [176, 256],
  14: [210, 256],
};
/** More tensors than the largest model has (large: about 1 300) means a header loop, not a model. */
const MAX_TENSORS = 5000;

/**
 * Walk the file past the mel filters and the vocabulary, then tensor by tensor to the
 * end: a truncated download (the usual damage) ends inside a tensor. Returns what is
 * wrong, or null.
 */
function walkTensors(file: string, fd: number, size: number): string | null {
  const read = (pos: number, n: number): Buffer | null => {
    const b = Buffer.alloc(n);
    return fs.readSync(fd, b, 0, n, pos) === n ? b : null;
  };
  let pos = 12 * 4;
  const mel = read(pos, 8);
  if (!mel) return 'it ends in the mel filters';
  const [nMel, nFft] = [mel.readInt32LE(0), mel.readInt32LE(4)];
  // Every position below only moves forward, by a size that is checked to be positive:
  // a negative count must not send the walk back to read the same header for ever.
  if (nMel < 1 || nMel > 128 || nFft < 1 || nFft > 1024) return `its mel filter bank (${nMel} × ${nFft}) is not one of a whisper model`;
  pos += 8 + nMel * nFft * 4;
  const nv = read(pos, 4);
  if (!nv) return 'it ends before the vocabulary';
  const tokens = nv.readInt32LE(0);
  if (tokens < 0 || tokens > 60_000) return `its vocabulary claims ${tokens} tokens`;
  pos += 4;
  const vocab = read(pos, Math.max(0, Math.min(4 * 1024 * 1024, size - pos))) ?? Buffer.alloc(0);
  let o = 0;
  for (let i = 0; i < tokens; i++) {
    if (o + 4 > vocab.length) return 'it ends in the vocabulary';
    o += 4 + vocab.readUInt32LE(o);
  }
  pos += o;
  let tensors = 0;
  while (pos < size) {
    const b = read(pos, 12);
    if (!b) return 'it ends in a tensor header';
    const [dims, nameLen, type] = [b.readInt32LE(0), b.readInt32LE(4), b.readInt32LE(8)];
    const ts = TYPE_SIZES[type];
    if (dims < 1 || dims > 4 || nameLen < 1 || nameLen > 256 || !ts || tensors >= MAX_TENSORS) return `tensor ${tensors + 1} has an impossible header`;
    const ne = read(pos + 12, dims * 4);
    if (!ne) return 'it ends in a tensor header';
    let values = 1;
    for (let k = 0; k < dims; k++) {
      const n = ne.readInt32LE(k * 4);
      if (n < 1) return `tensor ${tensors + 1} has a dimension of ${n}`;
      values *= n;
    }
    if (values % ts[1] !== 0) return `tensor ${tensors + 1} does not fill its blocks`;
    pos += 12 + dims * 4 + nameLen + (values / ts[1]) * ts[0];
    tensors++;
  }
  if (pos > size) return `it ends inside tensor ${tensors} (${pos - size} bytes missing)`;
  if (tensors === 0) return 'it holds no weights';
  return null;
}

/** Check a model file: its header, its size, its SHA-256 against the known list. */
export async function checkModel(file: string): Promise<ModelCheck> {
  // The header is checked and the hashes taken through one open ordinary file (never a
  // FIFO or another file swapped in at the path between the two).
  return withRegularFile(file, async (opened) => {
    const header = readModelHeader(opened, file);
    const h256 = createHash('sha256');
    const h1 = createHash('sha1');
    for await (const chunk of fs.createReadStream(opened, { highWaterMark: 1 << 20 })) {
      h256.update(chunk as Buffer);
      h1.update(chunk as Buffer);
    }
    const [sha256, sha1] = [h256.digest('hex'), h1.digest('hex')];
    return { file, bytes: header.bytes, sha256, sha1, header, size: SIZES[header.audioLayers] ?? 'other', known: knownModel(sha256, sha1) };
  });
}

/** The known model a file's hashes say it is: by SHA-256 where listed, else by the maker's SHA-1. */
export function knownModel(sha256: string, sha1: string, list: readonly KnownModel[] = KNOWN_MODELS): KnownModel | null {
  return list.find((m) => (m.sha256 !== null && m.sha256 === sha256) || (m.sha1 !== undefined && m.sha1 === sha1)) ?? null;
}

/** The models folder in the app's data folder (outside every vault). */
export function modelsDir(appDataDir: string): string {
  return path.join(appDataDir, 'models');
}

/** The .bin files in the models folder, with their size. */
export function listModelFiles(appDataDir: string): { file: string; bytes: number; mtimeMs: number }[] {
  const dir = modelsDir(appDataDir);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.bin'))
    .map((n) => {
      const st = fs.statSync(path.join(dir, n));
      return { file: path.join(dir, n), bytes: st.size, mtimeMs: st.mtimeMs };
    });
}

/**
 * Speed to expect on two CPU cores, as a multiple of the recording's length, from
 * docs/benchmarks.md (estimates until a real model has been run); null: not measured.
 */
export const EXPECTED_REALTIME: Record<string, number | null> = { tiny: null, base: null, small: null, medium: null };
