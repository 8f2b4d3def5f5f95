/**
 * A whisper model in whisper.cpp's own ggml file format, with random weights, so the
 * tests and the speed benchmark run the real engine without downloading a model
 * (no model can be downloaded on the development machines or in CI).
 *
 *   npm run make-test-model -- --out FILE [--size micro|tiny|base] [--type f16|q8_0|q5_0] [--seed S]
 *
 * The layout is what whisper.cpp's whisper_model_load() reads (src/whisper.cpp):
 *
 *   uint32 magic 0x67676d6c ("ggml")
 *   int32  n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
 *          n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
 *   int32  n_mel, n_fft; then n_mel * n_fft float32 (the mel filter bank)
 *   int32  n_vocab; then per token: uint32 length, bytes
 *   per tensor until the end of the file:
 *          int32 n_dims, int32 name length, int32 type (0 f32, 1 f16, 6 q5_0, 8 q8_0),
 *          int32 ne[n_dims] (ggml order: fastest-varying dimension first),
 *          name bytes, then the data
 *
 * All little-endian. Tensor names and shapes follow the loader's ASR_TENSOR_NAMES
 * (whisper-arch.h); every one must be present with its exact shape, or the loader
 * refuses the file. 51865 tokens make the model multilingual (whisper.cpp tests
 * n_vocab >= 51865), so language tokens for nb and en exist as in the real models.
 *
 * The words such a model writes are meaningless; the shapes, and so the time each
 * step takes, are those of the real model of the same size.
 */
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export type TestModelSize = 'micro' | 'tiny' | 'base';
/**
 * The weight type of the large matrices, as whisper.cpp's own quantize tool writes it
 * (the file's ftype says which): f16 as OpenAI's and the National Library's ggml-model.bin,
 * q5_0 and q8_0 as their quantized downloads (ggml-model-q5_0.bin). The convolutions stay
 * f16 and the rest f32, as the loader expects.
 */
export type TestModelType = 'f16' | 'q8_0' | 'q5_0';

interface Dims {
  state: number;
  heads: number;
  layers: number;
}

/** tiny and base as in OpenAI's and the National Library's releases; micro only for tests. */
export const TEST_MODEL_DIMS: Record<TestModelSize, Dims> = {
  micro: { state: 64, heads: 2, layers: 1 },
  tiny: { state: 384, heads: 6, layers: 4 },
  base: { state: 512, heads: 8, layers: 6 },
};

const N_VOCAB = 51865;
const N_AUDIO_CTX = 1500;
const N_TEXT_CTX = 448;
const N_MELS = 80;
const N_FFT = 201; // 400-point FFT: 201 frequency bins
/** ggml_ftype of the file, and ggml_type of its large matrices. */
const WEIGHT_TYPES: Record<TestModelType, { ftype: number; type: number; block: number; bytes: number }> = {
  f16: { ftype: 1, type: 1, block: 1, bytes: 2 },
  q8_0: { ftype: 7, type: 8, block: 32, bytes: 34 },
  q5_0: { ftype: 8, type: 6, block: 32, bytes: 22 },
};
const GGML_MAGIC = 0x67676d6c;
/** The byte-level BPE part of the vocabulary; the loader adds the special tokens itself. */
const N_TEXT_TOKENS = 50257;

const F32 = 0;
const F16 = 1;
/** The weight type of the file (f16, q8_0 or q5_0): which one is the writer's option. */
const W = -1;

/** Deterministic bytes from a seed (SHA-256 in counter mode), so a given seed always gives the same file. */
/**
 * The same from AES-256-CTR over zeros, keyed by the seed's hash: some hundred times
 * faster, for the benchmark's tiny and base models (70–140 MB).
 */
function fastRandomStream(seed: string): (n: number) => Buffer {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  return (n) => cipher.update(Buffer.alloc(n));
}

function randomStream(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const blocks: Buffer[] = [];
    for (let got = 0; got < n; got += 32) blocks.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(blocks).subarray(0, n);
  };
}

/**
 * Quantized blocks of 32 values (q8_0: an f16 scale and 32 int8; q5_0: an f16 scale, 32
 * high bits and 16 bytes of low nibbles): a small scale like trained weights', the rest random.
 */
function randomBlocks(count: number, w: { block: number; bytes: number }, random: (n: number) => Buffer): Buffer {
  const blocks = count / w.block;
  const out = random(blocks * w.bytes);
  // Scales of 2^-10..2^-9 (either sign) times up to 127 (q8_0) or 16 (q5_0): weights' magnitudes, never infinite.
  for (let b = 0; b < blocks; b++) out.writeUInt16LE((out.readUInt16LE(b * w.bytes) & 0x83ff) | (5 << 10), b * w.bytes);
  return out;
}

/**
 * Small random half floats (magnitudes 2^-10 to 2^-4, either sign), like trained
 * weights in scale; arbitrary bits would give infinities and NaN.
 */
function randomF16(count: number, random: (n: number) => Buffer): Buffer {
  const raw = random(count * 2);
  const out = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) {
    const r = raw.readUInt16LE(i * 2);
    const sign = r & 0x8000;
    const exponent = 5 + ((r >> 10) % 7); // 5..11 biased: 2^-10..2^-4
    out.writeUInt16LE(sign | (exponent << 10) | (r & 0x3ff), i * 2);
  }
  return out;
}

function randomF32(count: number, random: (n: number) => Buffer, around: number): Buffer {
  const raw = random(count);
  const out = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) out.writeFloatLE(around + (raw[i]! - 128) / 2048, i * 4);
  return out;
}

/** A triangular mel filter bank over the 201 FFT bins of 16 kHz audio (HTK mel scale). */
function melFilters(): Buffer {
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const top = mel(8000);
  const edges = Array.from({ length: N_MELS + 2 }, (_, i) => hz((top * i) / (N_MELS + 1)));
  const out = Buffer.alloc(N_MELS * N_FFT * 4);
  for (let m = 0; m < N_MELS; m++) {
    const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    for (let k = 0; k < N_FFT; k++) {
      const f = (k * 8000) / (N_FFT - 1);
      const w = f <= lo || f >= hi ? 0 : f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      out.writeFloatLE(w, (m * N_FFT + k) * 4);
    }
  }
  return out;
}

function int32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
}

interface TensorSpec {
  name: string;
  /** ggml order: ne[0] is the fastest-varying dimension. */
  ne: number[];
  type: typeof F32 | typeof F16 | typeof W;
  /** For f32 tensors: the value the random ones scatter around (1 for layer-norm gains). */
  around?: number;
}

/** Every tensor the loader expects, in its order (the order does not matter to it, the set does). */
function tensors(d: Dims): TensorSpec[] {
  const s = d.state;
  const t: TensorSpec[] = [
    { name: 'encoder.positional_embedding', ne: [s, N_AUDIO_CTX], type: F32 },
    { name: 'encoder.conv1.weight', ne: [3, N_MELS, s], type: F16 },
    { name: 'encoder.conv1.bias', ne: [1, s], type: F32 },
    { name: 'encoder.conv2.weight', ne: [3, s, s], type: F16 },
    { name: 'encoder.conv2.bias', ne: [1, s], type: F32 },
  ];
  const block = (prefix: string, attn: string): TensorSpec[] => [
    { name: `${prefix}.${attn}_ln.weight`, ne: [s], type: F32, around: 1 },
    { name: `${prefix}.${attn}_ln.bias`, ne: [s], type: F32 },
    { name: `${prefix}.${attn}.query.weight`, ne: [s, s], type: W },
    { name: `${prefix}.${attn}.query.bias`, ne: [s], type: F32 },
    { name: `${prefix}.${attn}.key.weight`, ne: [s, s], type: W },
    { name: `${prefix}.${attn}.value.weight`, ne: [s, s], type: W },
    { name: `${prefix}.${attn}.value.bias`, ne: [s], type: F32 },
    { name: `${prefix}.${attn}.out.weight`, ne: [s, s], type: W },
    { name: `${prefix}.${attn}.out.bias`, ne: [s], type: F32 },
  ];
  const mlp = (prefix: string): TensorSpec[] => [
    { name: `${prefix}.mlp_ln.weight`, ne: [s], type: F32, around: 1 },
    { name: `${prefix}.mlp_ln.bias`, ne: [s], type: F32 },
    { name: `${prefix}.mlp.0.weight`, ne: [s, 4 * s], type: W },
    { name: `${prefix}.mlp.0.bias`, ne: [4 * s], type: F32 },
    { name: `${prefix}.mlp.2.weight`, ne: [4 * s, s], type: W },
    { name: `${prefix}.mlp.2.bias`, ne: [s], type: F32 },
  ];
  for (let i = 0; i < d.layers; i++) t.push(...block(`encoder.blocks.${i}`, 'attn'), ...mlp(`encoder.blocks.${i}`));
  t.push(
    { name: 'encoder.ln_post.weight', ne: [s], type: F32, around: 1 },
    { name: 'encoder.ln_post.bias', ne: [s], type: F32 },
    { name: 'decoder.positional_embedding', ne: [s, N_TEXT_CTX], type: F32 },
    { name: 'decoder.token_embedding.weight', ne: [s, N_VOCAB], type: W },
  );
  for (let i = 0; i < d.layers; i++) {
    t.push(...block(`decoder.blocks.${i}`, 'attn'), ...block(`decoder.blocks.${i}`, 'cross_attn'), ...mlp(`decoder.blocks.${i}`));
  }
  t.push({ name: 'decoder.ln.weight', ne: [s], type: F32, around: 1 }, { name: 'decoder.ln.bias', ne: [s], type: F32 });
  return t;
}

/**
 * Token texts: the 256 single bytes' printable stand-ins first (as in GPT-2's byte
 * BPE, with " " where the loader expects it), then invented syllables, so the draft has words to show. Not real BPE merges.
 */
function vocabulary(): Buffer[] {
  const syllables = ['ja', 'nei', 'og', 'det', 'er', 'så', 'vi', 'hun', 'han', 'til', 'på', 'men', 'litt', 'kanskje', 'mm'];
  const out: Buffer[] = [];
  for (let i = 0; i < 256; i++) out.push(Buffer.from([i >= 33 && i <= 126 ? i : 0x61 + (i % 26)]));
  // The decoder looks up " " by name (it suppresses a blank first token) and throws
  // without it; in GPT-2's byte BPE it is token 220.
  out[220] = Buffer.from(' ');
  for (let i = 256; i < N_TEXT_TOKENS; i++) out.push(Buffer.from(` ${syllables[i % syllables.length]}${i % 7 === 0 ? '.' : ''}`, 'utf8'));
  return out;
}

/** Write the model to `file` (streamed, so base-sized models need little memory); returns its size in bytes. */
export function writeTestModel(file: string, size: TestModelSize = 'micro', seed = 'hvelv-test-model', type: TestModelType = 'f16'): number {
  const d = TEST_MODEL_DIMS[size];
  const w = WEIGHT_TYPES[type];
  // The tests' micro f16 model keeps the stream it always had, so it stays byte for byte the same.
  const random = size === 'micro' && type === 'f16' ? randomStream(`${seed}:${size}`) : fastRandomStream(`${seed}:${size}:${type}`);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  const put = (b: Buffer) => {
    fs.writeSync(fd, b);
    written += b.length;
  };
  try {
    put(int32s(GGML_MAGIC, N_VOCAB, N_AUDIO_CTX, d.state, d.heads, d.layers, N_TEXT_CTX, d.state, d.heads, d.layers, N_MELS, w.ftype));
    put(int32s(N_MELS, N_FFT));
    put(melFilters());
    const vocab = vocabulary();
    put(int32s(vocab.length));
    for (const token of vocab) {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(token.length);
      put(Buffer.concat([len, token]));
    }
    for (const t of tensors(d)) {
      const name = Buffer.from(t.name, 'utf8');
      const ttype = t.type === W ? w.type : t.type;
      put(int32s(t.ne.length, name.length, ttype, ...t.ne));
      put(name);
      const count = t.ne.reduce((a, b) => a * b, 1);
      // In slices, so the largest tensor (token embedding, 26 M values at base) stays small in memory.
      for (let done = 0; done < count; ) {
        const n = Math.min(1 << 20, count - done);
        put(ttype === F32 ? randomF32(n, random, t.around ?? 0) : ttype === F16 ? randomF16(n, random) : randomBlocks(n, w, random));
        done += n;
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' }, size: { type: 'string', default: 'micro' }, type: { type: 'string', default: 'f16' }, seed: { type: 'string' } } });
  const size = values.size as TestModelSize;
  const type = values.type as TestModelType;
  if (!values.out || !(size in TEST_MODEL_DIMS) || !(type in WEIGHT_TYPES)) {
    process.stderr.write('usage: npm run make-test-model -- --out FILE [--size micro|tiny|base] [--type f16|q8_0|q5_0] [--seed S]\n');
    process.exit(2);
  }
  const bytes = writeTestModel(values.out, size, values.seed, type);
  process.stdout.write(`${values.out}: ${size} ${type} whisper model with random weights, ${(bytes / 2 ** 20).toFixed(1)} MiB\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
