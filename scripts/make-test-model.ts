/**
 * A Whisper model in sherpa-onnx's ONNX layout, with random weights of the real
 * architecture and sizes, so the tests and the speed benchmark run the real engine
 * without downloading a model (no model can be downloaded on the development
 * machines or in CI).
 *
 *   npm run make-test-model -- --out DIR [--size tiny|base|small] [--quant f32|int8] [--seed S] [--speakers DIR]
 *
 * (--quant int8: encoder.int8.onnx and decoder.int8.onnx, their weight matrices int8 as
 * onnxruntime's dynamic quantization writes them, as sherpa-onnx publishes beside f32.)
 *
 * (--speakers DIR: also the speaker-diarization models, see writeSpeakerModels.)
 *
 * DIR gets what sherpa-onnx's published Whisper folders hold (scripts/whisper/export-onnx.py
 * in k2-fsa/sherpa-onnx writes them; sherpa-onnx/csrc/offline-whisper-model.cc reads them):
 *
 *   encoder.onnx  mel [n_audio, n_mels, T] -> n_layer_cross_k, n_layer_cross_v,
 *                 each [n_text_layer, n_audio, T/2, n_text_state]: the audio encoder,
 *                 then every decoder layer's cross-attention keys and values.
 *                 Its metadata says what the engine needs: n_mels, n_text_layer,
 *                 n_text_ctx, n_text_state, n_vocab, sot, eot, blank_id, translate,
 *                 transcribe, is_multilingual, no_timestamps, no_speech, sot_sequence,
 *                 all_language_tokens, all_language_codes.
 *   decoder.onnx  tokens [n_audio, n] int64, in_n_layer_self_k_cache and _v_cache
 *                 [n_text_layer, n_audio, n_text_ctx, n_text_state], n_layer_cross_k,
 *                 n_layer_cross_v, offset [1] int64 -> logits [n_audio, n, n_vocab],
 *                 out_n_layer_self_k_cache, out_n_layer_self_v_cache. The engine takes
 *                 inputs and outputs by position; the names are the exporter's.
 *   tokens.txt    "<base64 of the token's bytes> <id>" per line, the 50 257 text tokens.
 *
 * The graph is OpenAI Whisper's: two convolutions with GELU, sinusoid-free learned
 * positions, pre-norm attention blocks (query and value with bias, key without), a
 * 4x MLP, the decoder's causal self-attention with its key/value cache, cross-attention
 * and logits through the token embedding. Weights are random (seeded, so a seed gives
 * the same files); the words such a model writes are meaningless, the work each step
 * takes is the real model's.
 */
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { DT, GraphBuilder, writeModel } from './onnx-writer';

export type TestModelSize = 'micro' | 'tiny' | 'base' | 'small';

interface Dims {
  state: number;
  heads: number;
  layers: number;
}

/** tiny, base and small as OpenAI's and the National Library's releases; micro only for the quickest tests. */
export const TEST_MODEL_DIMS: Record<TestModelSize, Dims> = {
  micro: { state: 64, heads: 2, layers: 1 },
  tiny: { state: 384, heads: 6, layers: 4 },
  base: { state: 512, heads: 8, layers: 6 },
  small: { state: 768, heads: 12, layers: 12 },
};

const N_VOCAB = 51865;
const N_AUDIO_CTX = 1500;
const N_TEXT_CTX = 448;
const N_MELS = 80;
/** The byte-level BPE part of the vocabulary; the special tokens follow it. */
const N_TEXT_TOKENS = 50257;

/** whisper/tokenizer.py's LANGUAGES, in order: the language tokens follow sot in this order. */
const LANGUAGES = (
  'en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml cy sk te fa lv bn sr az sl kn ' +
  'et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su'
).split(' ');

/** The special tokens of the multilingual vocabulary of 51 865 (tiny … large-v2). */
export const SPECIAL = (() => {
  const eot = N_TEXT_TOKENS;
  const sot = eot + 1;
  const firstLanguage = sot + 1;
  const translate = firstLanguage + LANGUAGES.length;
  return { eot, sot, firstLanguage, translate, transcribe: translate + 1, sotLm: translate + 2, sotPrev: translate + 3, noSpeech: translate + 4, noTimestamps: translate + 5 };
})();

/** Random bytes from a seed (AES-256-CTR over zeros, keyed by the seed's hash): fast, and the same for the same seed. */
function randomStream(seed: string): (n: number) => Buffer {
  const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  return (n) => cipher.update(Buffer.alloc(n));
}

export type TestModelQuant = 'f32' | 'int8';

class Weights {
  private readonly random: (n: number) => Buffer;
  constructor(
    readonly g: GraphBuilder,
    seed: string,
    /** int8: every MatMul by a weight matrix quantized as onnxruntime's quantize_dynamic does it. */
    readonly quant: TestModelQuant = 'f32',
  ) {
    this.random = randomStream(seed);
  }

  /**
   * x · W for a weight matrix [in, out]. In int8 the way sherpa-onnx's `*.int8.onnx` are
   * made (onnxruntime's dynamic quantization): W stored as int8 with one scale, x quantized
   * per call (DynamicQuantizeLinear), MatMulInteger, then scaled back to float. The same
   * random bytes as the f32 model's weights, so the two compute nearly the same thing.
   */
  matmul(x: string, name: string, inDim: number, outDim: number): string {
    if (this.quant === 'f32') return this.g.o('MatMul', [x, this.matrix(name, inDim, outDim)]);
    const count = inDim * outDim;
    const raw = this.random(count);
    const q = this.g.int8s(`${name}_quantized`, [inDim, outDim], new Int8Array(raw.buffer, raw.byteOffset, count));
    const scale = this.g.scalar(`${name}_scale`, 1 / Math.sqrt(inDim) / 128);
    const zero = `${name}_zero_point`;
    this.g.int8s(zero, [], new Int8Array([0]));
    const [xq, xs, xz] = this.g.op('DynamicQuantizeLinear', [x], undefined, 3) as [string, string, string];
    const y = this.g.o('MatMulInteger', [xq, q, xz, zero]);
    return this.g.o('Mul', [this.g.o('Cast', [y], { to: DT.float }), this.g.o('Mul', [xs, scale])]);
  }

  /** Values spread evenly over ±scale around `around`. */
  make(name: string, dims: number[], scale: number, around = 0): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const raw = this.random(count);
    const bytes = new Int8Array(raw.buffer, raw.byteOffset, count);
    const out = new Float32Array(count);
    const k = scale / 128;
    for (let i = 0; i < count; i++) out[i] = around + bytes[i]! * k;
    return this.g.weight(name, dims, out);
  }

  /** A matrix [in, out] as MatMul takes it, scaled as a trained layer's (about 1/√in). */
  matrix(name: string, inDim: number, outDim: number): string {
    return this.make(name, [inDim, outDim], 1 / Math.sqrt(inDim));
  }

  bias(name: string, n: number): string {
    return this.make(name, [n], 0.02);
  }

  gain(name: string, n: number): string {
    return this.make(name, [n], 0.1, 1);
  }
}

function gelu(g: GraphBuilder, x: string): string {
  // 0.5 · x · (1 + erf(x / √2)), as torch's exact GELU exports.
  const e = g.o('Erf', [g.o('Mul', [x, g.scalar('inv_sqrt2', Math.SQRT1_2)])]);
  return g.o('Mul', [g.o('Mul', [x, g.scalar('half', 0.5)]), g.o('Add', [e, g.scalar('one', 1)])]);
}

function layerNorm(w: Weights, x: string, prefix: string, d: number): string {
  return w.g.o('LayerNormalization', [x, w.gain(`${prefix}.weight`, d), w.bias(`${prefix}.bias`, d)], { axis: -1, epsilon: { float: 1e-5 } });
}

function linear(w: Weights, x: string, name: string, inDim: number, outDim: number, bias = true): string {
  const y = w.matmul(x, `${name}.weight`, inDim, outDim);
  return bias ? w.g.o('Add', [y, w.bias(`${name}.bias`, outDim)]) : y;
}

/** q [N, n, d], k and v [N, m, d] -> [N, n, d] over `heads` heads; `mask` added to the scores when given. */
function attention(g: GraphBuilder, q: string, k: string, v: string, d: number, heads: number, mask?: string): string {
  const split = g.consts([0, 0, heads, d / heads]);
  const qh = g.o('Transpose', [g.o('Reshape', [q, split])], { perm: [0, 2, 1, 3] });
  const kh = g.o('Transpose', [g.o('Reshape', [k, split])], { perm: [0, 2, 3, 1] });
  const vh = g.o('Transpose', [g.o('Reshape', [v, split])], { perm: [0, 2, 1, 3] });
  let scores = g.o('Mul', [g.o('MatMul', [qh, kh]), g.scalar(`scale_${d / heads}`, 1 / Math.sqrt(d / heads))]);
  if (mask) scores = g.o('Add', [scores, mask]);
  const att = g.o('MatMul', [g.o('Softmax', [scores], { axis: -1 }), vh]);
  return g.o('Reshape', [g.o('Transpose', [att], { perm: [0, 2, 1, 3] }), g.consts([0, 0, d])]);
}

function mlp(w: Weights, x: string, prefix: string, d: number): string {
  const h = gelu(w.g, linear(w, layerNorm(w, x, `${prefix}.mlp_ln`, d), `${prefix}.mlp.0`, d, 4 * d));
  return w.g.o('Add', [x, linear(w, h, `${prefix}.mlp.2`, 4 * d, d)]);
}

function encoderGraph(dims: Dims, seed: string, quant: TestModelQuant = 'f32'): GraphBuilder {
  const g = new GraphBuilder();
  const w = new Weights(g, `${seed}:encoder`, quant);
  const d = dims.state;
  const conv1 = g.o('Conv', ['mel', w.make('encoder.conv1.weight', [d, N_MELS, 3], 1 / Math.sqrt(N_MELS * 3)), w.bias('encoder.conv1.bias', d)], { kernel_shape: [3], pads: [1, 1] });
  const conv2 = g.o('Conv', [gelu(g, conv1), w.make('encoder.conv2.weight', [d, d, 3], 1 / Math.sqrt(d * 3)), w.bias('encoder.conv2.bias', d)], { kernel_shape: [3], pads: [1, 1], strides: [2] });
  let x = g.o('Transpose', [gelu(g, conv2)], { perm: [0, 2, 1] });
  // The positions of the frames there are (T/2 ≤ 1500: sherpa-onnx sends less than 30 s).
  const frames = g.o('Shape', [x], { start: 1, end: 2 });
  const positions = g.o('Slice', [w.make('encoder.positional_embedding', [N_AUDIO_CTX, d], 0.5), g.consts([0]), frames, g.consts([0])]);
  x = g.o('Add', [x, positions]);
  for (let i = 0; i < dims.layers; i++) {
    const p = `encoder.blocks.${i}`;
    const h = layerNorm(w, x, `${p}.attn_ln`, d);
    const a = attention(g, linear(w, h, `${p}.attn.query`, d, d), linear(w, h, `${p}.attn.key`, d, d, false), linear(w, h, `${p}.attn.value`, d, d), d, dims.heads);
    x = g.o('Add', [x, linear(w, a, `${p}.attn.out`, d, d)]);
    x = mlp(w, x, p, d);
  }
  x = layerNorm(w, x, 'encoder.ln_post', d);
  // Every decoder layer's cross-attention keys and values, computed once per window.
  const ks: string[] = [];
  const vs: string[] = [];
  for (let i = 0; i < dims.layers; i++) {
    const p = `decoder.blocks.${i}.cross_attn`;
    ks.push(g.o('Unsqueeze', [linear(w, x, `${p}.key`, d, d, false), g.consts([0])]));
    vs.push(g.o('Unsqueeze', [linear(w, x, `${p}.value`, d, d), g.consts([0])]));
  }
  g.named('n_layer_cross_k', 'Concat', ks, { axis: 0 });
  g.named('n_layer_cross_v', 'Concat', vs, { axis: 0 });
  return g;
}

function decoderGraph(dims: Dims, seed: string, quant: TestModelQuant = 'f32'): GraphBuilder {
  const g = new GraphBuilder();
  // The cross-attention keys and values are the encoder's: the same seed makes the same ones.
  const w = new Weights(g, `${seed}:decoder`, quant);
  const d = dims.state;
  const embedding = w.make('decoder.token_embedding.weight', [N_VOCAB, d], 0.05);
  const n = g.o('Shape', ['tokens'], { start: 1, end: 2 });
  const end = g.o('Add', ['offset', n]);
  const positions = g.o('Slice', [w.make('decoder.positional_embedding', [N_TEXT_CTX, d], 0.05), 'offset', end, g.consts([0])]);
  let x = g.o('Add', [g.o('Gather', [embedding, 'tokens'], { axis: 0 }), positions]);
  // whisper's causal mask, sliced to the tokens of this call as the exported model does
  // (the first call sees the whole start sequence, each later one a single token).
  const maskValues = new Float32Array(N_TEXT_CTX * N_TEXT_CTX);
  for (let r = 0; r < N_TEXT_CTX; r++) for (let c = r + 1; c < N_TEXT_CTX; c++) maskValues[r * N_TEXT_CTX + c] = -1e9;
  const mask = g.o('Slice', [g.weight('decoder.mask', [N_TEXT_CTX, N_TEXT_CTX], maskValues), g.consts([0, 0]), g.o('Concat', [n, n], { axis: 0 }), g.consts([0, 1])]);
  const kOut: string[] = [];
  const vOut: string[] = [];
  for (let i = 0; i < dims.layers; i++) {
    const p = `decoder.blocks.${i}`;
    const layer = g.consts([i]);
    const kCache = g.o('Squeeze', [g.o('Gather', ['in_n_layer_self_k_cache', layer], { axis: 0 }), g.consts([0])]);
    const vCache = g.o('Squeeze', [g.o('Gather', ['in_n_layer_self_v_cache', layer], { axis: 0 }), g.consts([0])]);
    const h = layerNorm(w, x, `${p}.attn_ln`, d);
    const q = linear(w, h, `${p}.attn.query`, d, d);
    const k = linear(w, h, `${p}.attn.key`, d, d, false);
    const v = linear(w, h, `${p}.attn.value`, d, d);
    // cache[:, offset:offset+n] = the new keys and values; attend to cache[:, :offset+n].
    const put = (cache: string, fresh: string) =>
      g.o('Concat', [g.o('Slice', [cache, g.consts([0]), 'offset', g.consts([1])]), fresh, g.o('Slice', [cache, end, g.consts([N_TEXT_CTX]), g.consts([1])])], { axis: 1 });
    const kNew = put(kCache, k);
    const vNew = put(vCache, v);
    const upTo = (cache: string) => g.o('Slice', [cache, g.consts([0]), end, g.consts([1])]);
    const a = attention(g, q, upTo(kNew), upTo(vNew), d, dims.heads, mask);
    x = g.o('Add', [x, linear(w, a, `${p}.attn.out`, d, d)]);
    kOut.push(g.o('Unsqueeze', [kNew, g.consts([0])]));
    vOut.push(g.o('Unsqueeze', [vNew, g.consts([0])]));
    const hc = layerNorm(w, x, `${p}.cross_attn_ln`, d);
    const crossK = g.o('Squeeze', [g.o('Gather', ['n_layer_cross_k', layer], { axis: 0 }), g.consts([0])]);
    const crossV = g.o('Squeeze', [g.o('Gather', ['n_layer_cross_v', layer], { axis: 0 }), g.consts([0])]);
    const c = attention(g, linear(w, hc, `${p}.cross_attn.query`, d, d), crossK, crossV, d, dims.heads);
    x = g.o('Add', [x, linear(w, c, `${p}.cross_attn.out`, d, d)]);
    x = mlp(w, x, p, d);
  }
  x = layerNorm(w, x, 'decoder.ln', d);
  // logits = E · xᵀ, transposed back: the embedding is shared with the input, as in Whisper.
  const logits = g.o('MatMul', [embedding, g.o('Transpose', [x], { perm: [0, 2, 1] })]);
  g.named('logits', 'Transpose', [logits], { perm: [0, 2, 1] });
  g.named('out_n_layer_self_k_cache', 'Concat', kOut, { axis: 0 });
  g.named('out_n_layer_self_v_cache', 'Concat', vOut, { axis: 0 });
  return g;
}

/**
 * Token texts: printable stand-ins for the 256 single bytes (as in GPT-2's byte BPE,
 * " " as token 220 where the exporter's blank_id points), then invented Norwegian-ish
 * syllables, so a draft has words to show. Not real BPE merges.
 */
function tokensTxt(): string {
  const syllables = ['ja', 'nei', 'og', 'det', 'er', 'så', 'vi', 'hun', 'han', 'til', 'på', 'men', 'litt', 'kanskje', 'mm'];
  const lines: string[] = [];
  for (let i = 0; i < N_TEXT_TOKENS; i++) {
    const text = i === 220 ? ' ' : i < 256 ? String.fromCharCode(i >= 33 && i <= 126 ? i : 0x61 + (i % 26)) : ` ${syllables[i % syllables.length]}${i % 7 === 0 ? '.' : ''}`;
    lines.push(`${Buffer.from(text, 'utf8').toString('base64')} ${i}`);
  }
  return lines.join('\n') + '\n';
}

/** The encoder's metadata, as sherpa-onnx's exporter writes it (export-onnx.py, encoder_meta_data). */
export function whisperMetadata(size: TestModelSize): Record<string, string | number> {
  const dims = TEST_MODEL_DIMS[size];
  const s = SPECIAL;
  return {
    model_type: `whisper-${size}`,
    version: '1',
    maintainer: 'hvelv (random weights, for tests)',
    n_mels: N_MELS,
    n_audio_ctx: N_AUDIO_CTX,
    n_audio_state: dims.state,
    n_audio_head: dims.heads,
    n_audio_layer: dims.layers,
    n_vocab: N_VOCAB,
    n_text_ctx: N_TEXT_CTX,
    n_text_state: dims.state,
    n_text_head: dims.heads,
    n_text_layer: dims.layers,
    sot_sequence: [s.sot, s.firstLanguage, s.transcribe].join(','),
    all_language_tokens: LANGUAGES.map((_, i) => s.firstLanguage + i).join(','),
    all_language_codes: LANGUAGES.join(','),
    sot: s.sot,
    sot_index: 0,
    eot: s.eot,
    blank_id: 220,
    is_multilingual: 1,
    no_speech: s.noSpeech,
    non_speech_tokens: '',
    transcribe: s.transcribe,
    translate: s.translate,
    sot_prev: s.sotPrev,
    sot_lm: s.sotLm,
    no_timestamps: s.noTimestamps,
  };
}

export interface TestModelFiles {
  dir: string;
  encoder: string;
  decoder: string;
  tokens: string;
  bytes: number;
}

/** Write the model's three files into `dir` (made if missing). */
export function writeTestModel(dir: string, size: TestModelSize = 'tiny', seed = 'hvelv-test-model', quant: TestModelQuant = 'f32'): TestModelFiles {
  const dims = TEST_MODEL_DIMS[size];
  fs.mkdirSync(dir, { recursive: true });
  // sherpa-onnx's names: encoder.int8.onnx beside (or instead of) encoder.onnx.
  const ext = quant === 'int8' ? '.int8.onnx' : '.onnx';
  const files = { dir, encoder: path.join(dir, `encoder${ext}`), decoder: path.join(dir, `decoder${ext}`), tokens: path.join(dir, 'tokens.txt') };
  const metadata = whisperMetadata(size);
  const f = DT.float;
  const enc = encoderGraph(dims, seed, quant);
  let bytes = writeModel(files.encoder, {
    graphName: 'encoder',
    nodes: enc.nodes,
    initializers: enc.initializers,
    inputs: [{ name: 'mel', type: f, shape: ['n_audio', N_MELS, 'T'] }],
    outputs: [
      { name: 'n_layer_cross_k', type: f, shape: [dims.layers, 'n_audio', 'T2', dims.state] },
      { name: 'n_layer_cross_v', type: f, shape: [dims.layers, 'n_audio', 'T2', dims.state] },
    ],
    metadata,
    opset: 17,
  });
  const dec = decoderGraph(dims, seed, quant);
  const cache = { type: f, shape: [dims.layers, 'n_audio', N_TEXT_CTX, dims.state] };
  const cross = { type: f, shape: [dims.layers, 'n_audio', 'T2', dims.state] };
  bytes += writeModel(files.decoder, {
    graphName: 'decoder',
    nodes: dec.nodes,
    initializers: dec.initializers,
    inputs: [
      { name: 'tokens', type: DT.int64, shape: ['n_audio', 'n_tokens'] },
      { name: 'in_n_layer_self_k_cache', ...cache },
      { name: 'in_n_layer_self_v_cache', ...cache },
      { name: 'n_layer_cross_k', ...cross },
      { name: 'n_layer_cross_v', ...cross },
      { name: 'offset', type: DT.int64, shape: [1] },
    ],
    outputs: [
      { name: 'logits', type: f, shape: ['n_audio', 'n_tokens', N_VOCAB] },
      { name: 'out_n_layer_self_k_cache', ...cache },
      { name: 'out_n_layer_self_v_cache', ...cache },
    ],
    metadata: { model_type: `whisper-${size}`, version: '1', maintainer: String(metadata.maintainer) },
    opset: 17,
  });
  const tokens = tokensTxt();
  fs.writeFileSync(files.tokens, tokens);
  bytes += Buffer.byteLength(tokens);
  return { ...files, bytes };
}

/**
 * The two models of sherpa-onnx's speaker diarization, with random weights, in `dir`:
 *
 *   segmentation.onnx  pyannote's segmentation-3.0 (PyanNet), as sherpa-onnx's
 *                      scripts/pyannote/segmentation/export-onnx.py writes it: x [N, 1, T]
 *                      16 kHz samples -> y [N, frames, 7] (log-probabilities of the
 *                      powerset classes of up to 3 speakers, 2 at a time). SincNet (a
 *                      251-tap convolution with stride 10, |x|, max-pooling, instance
 *                      norm, two more convolutions), 4 bidirectional LSTM layers of 128,
 *                      two linear layers and the classifier. 10-second windows: 589 frames.
 *   embedding.onnx     a WeSpeaker ResNet34 (as wespeaker_*_resnet34.onnx): 80 fbank
 *                      features [N, T, 80] -> a 256-dim voice embedding [N, 256]: a 3x3
 *                      stem of 32 channels, residual stages of 3, 4, 6, 3 blocks
 *                      (32, 64, 128, 256 channels; batch norm folded into the convolutions,
 *                      as an exported model has it), mean and standard deviation over
 *                      time, one linear layer.
 *
 * Their metadata is what sherpa-onnx reads (offline-speaker-segmentation-pyannote-model.cc,
 * speaker-embedding-extractor-model.cc). Random weights give random speakers: the tests
 * check the pipeline and the labels, never who speaks.
 */
export function writeSpeakerModels(dir: string, seed = 'hvelv-test-speakers'): { segmentation: string; embedding: string; bytes: number } {
  fs.mkdirSync(dir, { recursive: true });
  const segmentation = path.join(dir, 'segmentation.onnx');
  const embedding = path.join(dir, 'embedding.onnx');
  const f = DT.float;
  const seg = segmentationGraph(`${seed}:segmentation`);
  let bytes = writeModel(segmentation, {
    graphName: 'pyannote-segmentation',
    nodes: seg.nodes,
    initializers: seg.initializers,
    inputs: [{ name: 'x', type: f, shape: ['N', 1, 'T'] }],
    outputs: [{ name: 'y', type: f, shape: ['N', 'frames', 7] }],
    metadata: { num_speakers: 3, powerset_max_classes: 2, num_classes: 7, sample_rate: 16000, window_size: 160000, receptive_field_size: 991, receptive_field_shift: 270, model_type: 'pyannote-segmentation-3.0', version: '1', maintainer: 'hvelv (random weights, for tests)' },
    opset: 17,
  });
  const emb = embeddingGraph(`${seed}:embedding`);
  bytes += writeModel(embedding, {
    graphName: 'wespeaker-resnet34',
    nodes: emb.nodes,
    initializers: emb.initializers,
    inputs: [{ name: 'feats', type: f, shape: ['B', 'T', 80] }],
    outputs: [{ name: 'embs', type: f, shape: ['B', 256] }],
    metadata: { framework: 'wespeaker', output_dim: 256, sample_rate: 16000, normalize_samples: 0, language: 'multilingual', feature_normalize_type: 'global-mean', model_type: 'wespeaker-resnet34', maintainer: 'hvelv (random weights, for tests)' },
    opset: 17,
  });
  return { segmentation, embedding, bytes };
}

function segmentationGraph(seed: string): GraphBuilder {
  const g = new GraphBuilder();
  const w = new Weights(g, seed);
  const norm = (x: string, c: number, name: string) => g.o('InstanceNormalization', [x, w.gain(`${name}.weight`, c), w.bias(`${name}.bias`, c)], { epsilon: { float: 1e-5 } });
  const pool = (x: string) => g.o('MaxPool', [x], { kernel_shape: [3], strides: [3] });
  const leaky = (x: string) => g.o('LeakyRelu', [x], { alpha: { float: 0.01 } });
  let x = norm('x', 1, 'sincnet.wav_norm1d');
  // SincNet's first layer: 80 band-pass filters of 251 taps (random here, sinc-shaped in the real model).
  x = leaky(norm(pool(g.o('Abs', [g.o('Conv', [x, w.make('sincnet.conv1d.0.filters', [80, 1, 251], 0.1)], { kernel_shape: [251], strides: [10] })])), 80, 'sincnet.norm1d.0'));
  x = leaky(norm(pool(g.o('Conv', [x, w.make('sincnet.conv1d.1.weight', [60, 80, 5], 1 / Math.sqrt(400)), w.bias('sincnet.conv1d.1.bias', 60)], { kernel_shape: [5] })), 60, 'sincnet.norm1d.1'));
  x = leaky(norm(pool(g.o('Conv', [x, w.make('sincnet.conv1d.2.weight', [60, 60, 5], 1 / Math.sqrt(300)), w.bias('sincnet.conv1d.2.bias', 60)], { kernel_shape: [5] })), 60, 'sincnet.norm1d.2'));
  // [N, 60, frames] -> [frames, N, 60] for ONNX's LSTM.
  x = g.o('Transpose', [x], { perm: [2, 0, 1] });
  const hidden = 128;
  let inDim = 60;
  for (let l = 0; l < 4; l++) {
    const W = w.make(`lstm.W${l}`, [2, 4 * hidden, inDim], 1 / Math.sqrt(hidden));
    const R = w.make(`lstm.R${l}`, [2, 4 * hidden, hidden], 1 / Math.sqrt(hidden));
    const B = w.make(`lstm.B${l}`, [2, 8 * hidden], 0.05);
    const y = g.op('LSTM', [x, W, R, B], { direction: 'bidirectional', hidden_size: hidden }, 1)[0]!;
    // Y [frames, 2, N, hidden] -> [frames, N, 2 * hidden]
    x = g.o('Reshape', [g.o('Transpose', [y], { perm: [0, 2, 1, 3] }), g.consts([0, 0, 2 * hidden])]);
    inDim = 2 * hidden;
  }
  x = g.o('Transpose', [x], { perm: [1, 0, 2] });
  x = leaky(linear(w, x, 'linear.0', 2 * hidden, 128));
  x = leaky(linear(w, x, 'linear.1', 128, 128));
  g.named('y', 'LogSoftmax', [linear(w, x, 'classifier', 128, 7)], { axis: -1 });
  return g;
}

function embeddingGraph(seed: string): GraphBuilder {
  const g = new GraphBuilder();
  const w = new Weights(g, seed);
  let n = 0;
  const conv = (x: string, cin: number, cout: number, k: number, stride: number) =>
    g.o('Conv', [x, w.make(`conv${n}.weight`, [cout, cin, k, k], Math.sqrt(2 / (cin * k * k))), w.bias(`conv${n++}.bias`, cout)], { kernel_shape: [k, k], strides: [stride, stride], pads: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] });
  const relu = (x: string) => g.o('Relu', [x]);
  // [B, T, 80] -> [B, 1, 80, T]
  let x = g.o('Unsqueeze', [g.o('Transpose', ['feats'], { perm: [0, 2, 1] }), g.consts([1])]);
  x = relu(conv(x, 1, 32, 3, 1));
  let c = 32;
  for (const [blocks, out, stride] of [
    [3, 32, 1],
    [4, 64, 2],
    [6, 128, 2],
    [3, 256, 2],
  ] as const) {
    for (let b = 0; b < blocks; b++) {
      const s = b === 0 ? stride : 1;
      const y = conv(relu(conv(x, c, out, 3, s)), out, out, 3, 1);
      const shortcut = s !== 1 || c !== out ? conv(x, c, out, 1, s) : x;
      x = relu(g.o('Add', [y, shortcut]));
      c = out;
    }
  }
  // [B, 256, 10, T/8] -> [B, 2560, T/8]; statistics over time.
  x = g.o('Reshape', [x, g.consts([0, 2560, -1])]);
  const mean = g.o('ReduceMean', [x], { axes: [2], keepdims: 0 });
  const centred = g.o('Sub', [x, g.o('Unsqueeze', [mean, g.consts([2])])]);
  const std = g.o('Sqrt', [g.o('Add', [g.o('ReduceMean', [g.o('Mul', [centred, centred])], { axes: [2], keepdims: 0 }), g.scalar('eps', 1e-5)])]);
  const stats = g.o('Concat', [mean, std], { axis: 1 });
  g.named('embs', 'Add', [g.o('MatMul', [stats, w.matrix('seg_1.weight', 5120, 256)]), w.bias('seg_1.bias', 256)]);
  return g;
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' }, size: { type: 'string', default: 'tiny' }, seed: { type: 'string' }, speakers: { type: 'string' }, quant: { type: 'string', default: 'f32' } } });
  if (values.speakers) {
    const m = writeSpeakerModels(values.speakers);
    process.stdout.write(`${values.speakers}: speaker diarization models (pyannote segmentation-3.0, WeSpeaker ResNet34) with random weights, ${(m.bytes / 2 ** 20).toFixed(1)} MiB\n`);
    if (!values.out) return;
  }
  const size = values.size as TestModelSize;
  const quant = values.quant as TestModelQuant;
  if (!values.out || !(size in TEST_MODEL_DIMS) || (quant !== 'f32' && quant !== 'int8')) {
    process.stderr.write('usage: npm run make-test-model -- --out DIR [--size tiny|base|small] [--quant f32|int8] [--seed S] [--speakers DIR]\n');
    process.exit(2);
  }
  const m = writeTestModel(values.out, size, values.seed, quant);
  process.stdout.write(`${values.out}: ${size} Whisper model (sherpa-onnx layout, ${quant}) with random weights, ${(m.bytes / 2 ** 20).toFixed(1)} MiB\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
