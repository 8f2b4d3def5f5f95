/**
 * Speech-recognition models: Whisper in sherpa-onnx's ONNX layout, one folder per model
 * in the app's data folder (models/NAME/: an encoder, a decoder and tokens.txt, as
 * sherpa-onnx publishes them, `tiny-encoder.onnx` or `encoder.onnx`, with or without
 * `.int8`). A model is not personal data; it lives outside every vault, so deleting a
 * project never deletes it and a vault copied to a supervisor carries no model.
 *
 * Before the engine sees a folder we read the encoder's metadata ourselves and walk
 * each ONNX file to its end, so a wrong or damaged model is refused with a clear reason
 * (the engine exits the whole process on a missing metadata key or an unknown
 * language), and we hash its files against the list of models we know.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HvelvError } from '../../errors';
import { assertRegularFile, openRegularFile, withRegularFile } from '../project/user-file';

export interface KnownModel {
  id: string;
  name: string;
  /** Who made it, and for which speech. */
  family: 'nb-whisper' | 'openai';
  languages: readonly ('nb' | 'en')[];
  /** Decoder layers: tiny 4, base 6, small 12, medium 24. */
  layers: number;
  /** The archive sherpa-onnx publishes (.tar.bz2), unpacked into models/<id>/. */
  url: string;
  licence: string;
  /** The archive's size in bytes, as published; null where not known. */
  archiveBytes: number | null;
  /**
   * SHA-256 of the archive. null where no hash is known: `hvelv model install` and the
   * download button then install it marked "not verified". No model can be downloaded
   * on the machines that build Hvelv, so these hashes were not computed here: they are
   * the published release assets' hashes as two other open projects pin them (see
   * docs/architecture.md, "Speech models"); a download whose hash differs is refused.
   */
  sha256: string | null;
  files: Readonly<Record<string, string>> | null;
}

/** What the installer (install.ts) writes beside a model's files: where it came from and whether its hash was checked. */
export const INSTALL_RECORD = 'hvelv-model.json';

export interface InstallRecord {
  /** The address, or the file's name, it came from. */
  source: string;
  /** SHA-256 of the archive. */
  archiveSha256: string;
  /** The archive's hash was checked against one given (--sha256, or the known list's). */
  verified: boolean;
  /** The known model's id, when the archive was one. */
  known: string | null;
  /** SHA-256 of each file kept, by its path in the folder: a later change shows as "not verified". */
  files: Record<string, string>;
  installedAt: string;
}

/** The install record in a model folder, or null when there is none or it is not one. */
export function readInstallRecord(dir: string): InstallRecord | null {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(dir, INSTALL_RECORD), 'utf8')) as InstallRecord;
    if (typeof r.archiveSha256 !== 'string' || typeof r.verified !== 'boolean' || typeof r.files !== 'object' || r.files === null) return null;
    return r;
  } catch {
    return null;
  }
}

const SHERPA = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

/**
 * The models Hvelv shows a link to. The National Library's NB-Whisper is published as
 * ONNX only in Hugging Face's optimum layout (encoder_model.onnx, decoder_with_past),
 * which sherpa-onnx does not read; until it exists in sherpa's layout the list offers
 * OpenAI's multilingual Whisper as sherpa-onnx converts it (Norwegian among its languages).
 */
export const KNOWN_MODELS: readonly KnownModel[] = [
  { id: 'whisper-tiny', name: 'OpenAI Whisper tiny', family: 'openai', languages: ['nb', 'en'], layers: 4, url: `${SHERPA}/sherpa-onnx-whisper-tiny.tar.bz2`, licence: 'MIT', archiveBytes: 116_204_861, sha256: 'c46116994e539aa165266d96b325252728429c12535eb9d8b6a2b10f129e66b1', files: null },
  { id: 'whisper-base', name: 'OpenAI Whisper base', family: 'openai', languages: ['nb', 'en'], layers: 6, url: `${SHERPA}/sherpa-onnx-whisper-base.tar.bz2`, licence: 'MIT', archiveBytes: 207_557_382, sha256: '911b2083efd7c0dca2ac3b358b75222660dc09fb716d64fbfc417ba6c99ff3de', files: null },
  { id: 'whisper-small', name: 'OpenAI Whisper small', family: 'openai', languages: ['nb', 'en'], layers: 12, url: `${SHERPA}/sherpa-onnx-whisper-small.tar.bz2`, licence: 'MIT', archiveBytes: 639_387_718, sha256: '486a46afbb7ba798507190ffe02fea2dd726049af212e774537efac6afb210a6', files: null },
  { id: 'whisper-medium', name: 'OpenAI Whisper medium', family: 'openai', languages: ['nb', 'en'], layers: 24, url: `${SHERPA}/sherpa-onnx-whisper-medium.tar.bz2`, licence: 'MIT', archiveBytes: null, sha256: null, files: null },
];

export interface ModelHeader {
  vocab: number;
  audioState: number;
  audioLayers: number;
  textLayers: number;
  mels: number;
  multilingual: boolean;
  /** whisper's language codes the model knows ("no" for Norwegian). */
  languages: string[];
  /** int8: the weights quantized (sherpa's `*.int8.onnx`); f32 otherwise. */
  type: 'int8' | 'f32';
}

/** The three files of a model folder. */
export interface ModelFiles {
  dir: string;
  encoder: string;
  decoder: string;
  tokens: string;
}

export interface ModelCheck {
  /** The folder. */
  file: string;
  bytes: number;
  /** SHA-256 of each file the engine reads, by file name. */
  sha256: Record<string, string>;
  header: ModelHeader;
  /** The size class: tiny, base, small, medium, large, or "other". */
  size: string;
  /** The entry of KNOWN_MODELS whose hashes the files have; null when none. */
  known: KnownModel | null;
  /**
   * The files are the ones an install whose archive hash was checked unpacked (their
   * hashes as its record lists them), or a known model's listed files.
   */
  verified: boolean;
}

const SIZES: Record<string, string> = { '4:384': 'tiny', '6:512': 'base', '12:768': 'small', '24:1024': 'medium', '32:1280': 'large', '4:1280': 'large' };

/**
 * The model's files in a folder: the int8 encoder and decoder where the folder has them
 * (a quarter of the memory, and faster on a laptop's CPU), else the f32 ones.
 */
export function modelFiles(dir: string, shownAs: string = dir): ModelFiles {
  let names: string[];
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  // A FIFO or a device named as the model: said at once, never opened (issue 32).
  if (st && !st.isDirectory() && !st.isFile()) assertRegularFile(dir);
  try {
    if (!st?.isDirectory()) throw new Error('not a folder');
    names = fs.readdirSync(dir);
  } catch {
    throw new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} is not a model folder (encoder, decoder and tokens.txt of a Whisper model in sherpa-onnx's layout)`);
  }
  const pick = (part: string): string | null => {
    for (const re of [new RegExp(`(^|-)${part}\\.int8\\.onnx$`), new RegExp(`(^|-)${part}\\.onnx$`)]) {
      const found = names.filter((n) => re.test(n)).sort()[0];
      if (found) return path.join(dir, found);
    }
    return null;
  };
  const encoder = pick('encoder');
  const decoder = pick('decoder');
  const tokens = names.filter((n) => /(^|-)tokens\.txt$/.test(n)).sort()[0];
  const missing = [!encoder && 'encoder', !decoder && 'decoder', !tokens && 'tokens.txt'].filter(Boolean);
  if (missing.length) throw new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} has no ${missing.join(', ')} (a Whisper model in sherpa-onnx's layout has encoder, decoder and tokens.txt)`);
  return { dir, encoder: encoder!, decoder: decoder!, tokens: path.join(dir, tokens!) };
}

/** What an ONNX file says of itself: its metadata and its graph's inputs and outputs, by name. */
export interface OnnxFacts {
  meta: Map<string, string>;
  inputs: string[];
  outputs: string[];
}

/**
 * Walk an ONNX file's protobuf fields to its end (a cut-short download ends inside one)
 * and return its metadata (ModelProto field 14: key 1, value 2) and the names of its
 * graph's inputs and outputs (field 7, then GraphProto 11 and 12, ValueInfoProto 1). The
 * weights are skipped by their length, never read.
 */
export function readOnnx(file: string, shownAs: string = file): OnnxFacts {
  // Never a blocking open of what the user named: a FIFO would wait for ever (issue 32).
  const { fd, size } = openRegularFile(file);
  const bad = (why: string) => new HvelvError('MODEL_INVALID', `${path.basename(shownAs)} is not an ONNX model, or is damaged or cut short: ${why}`);
  const varintAt = (b: Uint8Array, o: number): [number, number] => {
    let v = 0;
    let mul = 1;
    for (let i = o; i < b.length && i < o + 10; i++) {
      v += (b[i]! & 0x7f) * mul;
      mul *= 128;
      if (!(b[i]! & 0x80)) return [v, i + 1];
    }
    throw bad('a field header runs past the end');
  };
  const readAt = (pos: number, len: number): Buffer => {
    if (len > 1 << 20) throw bad('an entry is too large');
    const b = Buffer.alloc(len);
    if (fs.readSync(fd, b, 0, len, pos) !== len) throw bad('it ends inside an entry');
    return b;
  };
  /** The length-delimited fields of a small message held in memory, as [field, bytes]. */
  const fieldsOf = (m: Uint8Array): [number, Uint8Array][] => {
    const out: [number, Uint8Array][] = [];
    for (let e = 0; e < m.length; ) {
      const [t, a] = varintAt(m, e);
      if (t % 8 === 0) {
        e = varintAt(m, a)[1];
        continue;
      }
      if (t % 8 !== 2) throw bad('an entry is damaged');
      const [l, b] = varintAt(m, a);
      if (b + l > m.length) throw bad('an entry is damaged');
      out.push([t >> 3, m.subarray(b, b + l)]);
      e = b + l;
    }
    return out;
  };
  const text = (m: Uint8Array, field: number): string => Buffer.from(fieldsOf(m).find(([f]) => f === field)?.[1] ?? []).toString('utf8');
  let fields = 0;
  /** Walk the fields between `from` and `to`, calling `onField` for each length-delimited one. */
  const walk = (from: number, to: number, onField: (field: number, at: number, len: number) => void): void => {
    const head = Buffer.alloc(20);
    let pos = from;
    while (pos < to) {
      const got = fs.readSync(fd, head, 0, Math.min(head.length, to - pos), pos);
      const h = head.subarray(0, got);
      const [tag, o1] = varintAt(h, 0);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      let next: number;
      if (wire === 0) next = pos + varintAt(h, o1)[1];
      else if (wire === 1) next = pos + o1 + 8;
      else if (wire === 5) next = pos + o1 + 4;
      else if (wire === 2) {
        const [len, o2] = varintAt(h, o1);
        next = pos + o2 + len;
        if (next > to) throw bad(`field ${field} needs ${next - to} bytes more than there are`);
        onField(field, pos + o2, len);
      } else throw bad(`field ${field} has wire type ${wire}`);
      if (next > to) throw bad('it ends inside a field');
      pos = next;
      if (++fields > 1_000_000) throw bad('too many fields');
    }
  };
  try {
    const meta = new Map<string, string>();
    const inputs: string[] = [];
    const outputs: string[] = [];
    let graph = false;
    walk(0, size, (field, at, len) => {
      if (field === 14) {
        const entry = readAt(at, len);
        meta.set(text(entry, 1), text(entry, 2));
      } else if (field === 7) {
        graph = true;
        walk(at, at + len, (gf, gat, glen) => {
          if (gf === 11) inputs.push(text(readAt(gat, glen), 1));
          if (gf === 12) outputs.push(text(readAt(gat, glen), 1));
        });
      }
    });
    if (!graph) throw bad('it has no graph');
    return { meta, inputs, outputs };
  } finally {
    fs.closeSync(fd);
  }
}

/** Read and check the model folder; MODEL_INVALID with the reason when it is no Whisper model sherpa-onnx can run. */
export function readModelHeader(dir: string, shownAs: string = dir): ModelHeader & { bytes: number; files: ModelFiles } {
  const files = modelFiles(dir, shownAs);
  const name = path.basename(shownAs);
  const encoder = readOnnx(files.encoder, path.join(shownAs, path.basename(files.encoder)));
  const decoder = readOnnx(files.decoder, path.join(shownAs, path.basename(files.decoder)));
  // The engine takes them by position: the encoder 1 in, 2 out (cross keys and values),
  // the decoder 6 in, 3 out (4 with attention weights). Anything else it runs and
  // silently answers with nothing.
  if (encoder.inputs.length !== 1 || encoder.outputs.length !== 2) throw new HvelvError('MODEL_INVALID', `${name}: ${path.basename(files.encoder)} is not a Whisper encoder exported for sherpa-onnx (${encoder.inputs.length} inputs, ${encoder.outputs.length} outputs)`);
  if (decoder.inputs.length !== 6 || decoder.outputs.length < 3 || decoder.outputs.length > 4) throw new HvelvError('MODEL_INVALID', `${name}: ${path.basename(files.decoder)} is not a Whisper decoder exported for sherpa-onnx (${decoder.inputs.length} inputs, ${decoder.outputs.length} outputs)`);
  const meta = encoder.meta;
  const int = (key: string): number => {
    const v = meta.get(key);
    if (v === undefined || !/^-?\d+$/.test(v.trim())) throw new HvelvError('MODEL_INVALID', `${name}: the encoder's metadata has no ${key} (not a Whisper model exported for sherpa-onnx)`);
    return Number(v);
  };
  // Every key the engine reads: a missing one makes it exit the process.
  for (const k of ['sot', 'eot', 'blank_id', 'translate', 'transcribe', 'no_timestamps', 'no_speech', 'n_text_ctx']) int(k);
  if (!meta.has('sot_sequence')) throw new HvelvError('MODEL_INVALID', `${name}: the encoder's metadata has no sot_sequence`);
  const header: ModelHeader = {
    vocab: int('n_vocab'),
    audioState: int('n_text_state'),
    audioLayers: meta.has('n_audio_layer') ? int('n_audio_layer') : int('n_text_layer'),
    textLayers: int('n_text_layer'),
    mels: int('n_mels'),
    multilingual: int('is_multilingual') === 1,
    languages: (meta.get('all_language_codes') ?? '').split(',').filter(Boolean),
    type: /\.int8\.onnx$/.test(files.encoder) ? 'int8' : 'f32',
  };
  const insane = hostileHeader(header, int('n_text_ctx'));
  if (insane) throw new HvelvError('MODEL_INVALID', `${name} is not a Whisper model (${insane})`);
  if (header.multilingual && header.languages.length !== (meta.get('all_language_tokens') ?? '').split(',').filter(Boolean).length) {
    throw new HvelvError('MODEL_INVALID', `${name}: its language codes and language tokens differ in number`);
  }
  let bytes = 0;
  for (const f of [files.encoder, files.decoder, files.tokens]) bytes += fs.statSync(f).size;
  return { ...header, bytes, files };
}

/** What is wrong with the dimensions, or null: every Whisper model, tiny to large-v3 and turbo, has these. */
function hostileHeader(h: ModelHeader, textCtx: number): string | null {
  if (h.vocab < 50_000 || h.vocab > 60_000) return `vocabulary of ${h.vocab}`;
  if (textCtx !== 448) return `text context ${textCtx}`;
  if (h.audioState < 64 || h.audioState > 2048 || h.audioState % 64 !== 0) return `width ${h.audioState}`;
  for (const layers of [h.audioLayers, h.textLayers]) if (layers < 1 || layers > 64) return `${layers} layers`;
  if (h.mels !== 80 && h.mels !== 128) return `${h.mels} mel bands`;
  return null;
}

async function sha256(file: string): Promise<string> {
  return withRegularFile(file, async (opened) => {
    const h = createHash('sha256');
    for await (const chunk of fs.createReadStream(opened, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
    return h.digest('hex');
  });
}

/** Check a model folder: its files and metadata, its SHA-256s against the known list. */
export async function checkModel(dir: string, list: readonly KnownModel[] = KNOWN_MODELS): Promise<ModelCheck> {
  const header = readModelHeader(dir);
  const hashes: Record<string, string> = {};
  for (const f of [header.files.encoder, header.files.decoder, header.files.tokens]) hashes[path.basename(f)] = await sha256(f);
  const { bytes, files: _files, ...h } = header;
  let known = knownModel(hashes, list);
  let verified = known !== null;
  const record = readInstallRecord(dir);
  if (!verified && record?.verified && Object.entries(hashes).every(([n, x]) => record.files[n] === x)) {
    verified = true;
    known = list.find((m) => m.id === record.known) ?? null;
  }
  return { file: dir, bytes, sha256: hashes, header: h, size: SIZES[`${h.textLayers}:${h.audioState}`] ?? 'other', known, verified };
}

/** The known model whose listed files the folder has, each with the listed SHA-256. */
export function knownModel(hashes: Readonly<Record<string, string>>, list: readonly KnownModel[] = KNOWN_MODELS): KnownModel | null {
  return list.find((m) => m.files !== null && Object.entries(m.files).every(([name, h]) => hashes[name] === h) && Object.keys(hashes).every((n) => n in m.files!)) ?? null;
}

/** The models folder in the app's data folder (outside every vault). */
export function modelsDir(appDataDir: string): string {
  return path.join(appDataDir, 'models');
}

/**
 * The model folders in the models folder (each a folder with an encoder), with their size,
 * latest modification and latest status change (ctimeMs: set by every write, rename or
 * utimes, and never set back, so a file swapped with its size and mtime kept still shows).
 */
export function listModelFiles(appDataDir: string): { file: string; bytes: number; mtimeMs: number; ctimeMs: number }[] {
  const dir = modelsDir(appDataDir);
  if (!fs.existsSync(dir)) return [];
  const out: { file: string; bytes: number; mtimeMs: number; ctimeMs: number }[] = [];
  for (const n of fs.readdirSync(dir).sort()) {
    // Hidden folders are the installer's staging (or a removal's leftover): never a model.
    if (n.startsWith('.')) continue;
    const folder = path.join(dir, n);
    let entries: string[];
    try {
      if (!fs.statSync(folder).isDirectory()) continue;
      entries = fs.readdirSync(folder);
    } catch {
      continue;
    }
    if (!entries.some((e) => /(^|-)encoder(\.int8)?\.onnx$/.test(e))) continue;
    let bytes = 0;
    let mtimeMs = 0;
    let ctimeMs = 0;
    for (const e of entries) {
      const st = fs.statSync(path.join(folder, e), { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      bytes += st.size;
      mtimeMs = Math.max(mtimeMs, st.mtimeMs);
      ctimeMs = Math.max(ctimeMs, st.ctimeMs);
    }
    out.push({ file: folder, bytes, mtimeMs, ctimeMs });
  }
  return out;
}

/**
 * The speaker diarization's two models in a folder (models/speakers/ in the app's data
 * folder): pyannote's segmentation and a speaker-embedding model (WeSpeaker or
 * 3D-Speaker), as sherpa-onnx publishes them, told apart by their metadata. Each is
 * walked to its end first: onnxruntime aborts the whole process on a damaged file.
 */
export function speakerModelFiles(dir: string): { segmentation: string; embedding: string } {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.onnx')).sort();
  } catch {
    throw new HvelvError('MODEL_INVALID', `${path.basename(dir)} is not a folder of speaker models`);
  }
  let segmentation: string | null = null;
  let embedding: string | null = null;
  for (const n of names) {
    const file = path.join(dir, n);
    const { meta, inputs, outputs } = readOnnx(file);
    const int = (k: string) => Number(meta.get(k));
    if (meta.has('powerset_max_classes')) {
      if (int('sample_rate') !== 16000 || !(int('window_size') > 0) || !(int('num_classes') > 0) || !(int('num_speakers') > 0) || !(int('receptive_field_size') > 0) || !(int('receptive_field_shift') > 0)) {
        throw new HvelvError('MODEL_INVALID', `${n}: a speaker segmentation model without the metadata sherpa-onnx needs`);
      }
      if (inputs.length !== 1 || outputs.length !== 1) throw new HvelvError('MODEL_INVALID', `${n}: not a pyannote segmentation model`);
      segmentation ??= file;
    } else if (meta.has('framework')) {
      if (!['wespeaker', '3d-speaker'].includes(meta.get('framework')!) || int('sample_rate') !== 16000 || !(int('output_dim') > 0) || !meta.has('normalize_samples') || !meta.has('language')) {
        throw new HvelvError('MODEL_INVALID', `${n}: a speaker-embedding model without the metadata sherpa-onnx needs`);
      }
      embedding ??= file;
    }
  }
  if (!segmentation || !embedding) throw new HvelvError('MODEL_INVALID', `${path.basename(dir)} needs a speaker segmentation model and a speaker-embedding model`);
  return { segmentation, embedding };
}

/** The speaker models' folder's name in the models folder: no Whisper model may take it. */
export const SPEAKERS = 'speakers';

/** Where the speaker models are kept: a folder of the models folder. */
export function speakersDir(appDataDir: string): string {
  return path.join(modelsDir(appDataDir), SPEAKERS);
}

/**
 * Speed to expect on two idle CPU cores, as a multiple of the recording's length, from
 * docs/benchmarks.md (random weights of the real sizes, f32, the decoder run to its
 * limit of tokens: an upper bound); null: not measured.
 */
export const EXPECTED_REALTIME: Record<string, number | null> = { tiny: 0.23, base: 0.42, small: 1.29, medium: null };

/**
 * The bench's two-core figure scaled to this machine's cores (the engine's work divides
 * over them; one core counts as two at half the speed), rounded to a hundredth.
 */
export function expectedRealtime(size: string, cores: number): number | null {
  const two = EXPECTED_REALTIME[size];
  if (two == null) return null;
  return Math.round(((two * 2) / Math.max(1, cores)) * 100) / 100;
}
