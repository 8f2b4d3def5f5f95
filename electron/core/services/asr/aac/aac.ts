/**
 * M4A/AAC decoded in core: our MP4 demuxer (shared/mp4.ts) finds the first AAC track's
 * AudioSpecificConfig and each frame's place, and FFmpeg's own AAC decoder (LGPL-2.1,
 * built to WebAssembly by scripts/build-aac-wasm.sh, see NOTICE here) decodes the frames
 * one at a time, in order, to mono at the file's rate.
 *
 * An MP4 cannot be read front to back: phones write the `moov` (the frame table) after
 * the sound. So the file is read by random access (`RandomAccess`: the source file at
 * import, the vault's sealed StreamReader later, which decrypts only the 64 KiB chunks
 * asked for), the frames in batches of at most BATCH_BYTES. Memory: the frame table (16
 * bytes a frame, 2.8 MB for two hours at 44.1 kHz), one batch and one frame's samples.
 *
 * A draft's recognition process has no key and no file: the parent demuxes and sends it
 * the frames in order as a framed stream (`frameStream`), which `AacStreamDecoder` reads
 * as bytes arrive, as the other formats' decoders do.
 */
import { demuxAac, Mp4Error, type AacTrack, type ByteSource } from '../../../../../shared/mp4';
import { HvelvError } from '../../../errors';

/** Bytes [offset, offset + length) of a file of `size` bytes. */
export interface RandomAccess {
  readonly size: number;
  readAt(offset: number, length: number): Uint8Array | Promise<Uint8Array>;
}

/** Where the mono samples go (asr/audio.ts MonoOut, which counts them against the ceiling). */
export interface MonoTarget {
  pushMono(mono: Float32Array, rate: number): void;
}

/** Encoded frames read at a time at most (as the page's stream, m4aStream.ts). */
export const BATCH_BYTES = 2 * 1024 * 1024;
/** Reads a file may need for each BATCH_BYTES of its size before it counts as frames scattered on purpose. */
const MAX_BATCHES_PER_FILE_BATCH = 4;

interface AacModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  _aac_open(asc: number, len: number): number;
  _aac_input(a: number): number;
  _aac_output(a: number): number;
  _aac_channels(a: number): number;
  _aac_rate(a: number): number;
  _aac_decode(a: number, len: number): number;
  _aac_flush(a: number): number;
  _aac_free(a: number): void;
  _malloc(n: number): number;
  _free(p: number): void;
}

/** A module instance and how many decoders it has open. */
interface Instance {
  readonly m: AacModule;
  open: number;
  /** Its memory zeroed: never used again. */
  retired: boolean;
}

let loading: Promise<Instance> | null = null;

/**
 * The WebAssembly module (its code is embedded: nothing is read or fetched), one instance
 * while any decoder is open. When the last one closes, the instance's whole memory is
 * zeroed and it is let go (a new one takes about a millisecond): the frames and samples
 * of the recording it decoded (its input buffer, FFmpeg's own buffers, freed but not
 * cleared) would otherwise stay in the process, which is the app's main process, for as
 * long as it runs, the vault locked or not.
 */
async function aacInstance(): Promise<Instance> {
  for (;;) {
    const p = (loading ??= import('./aac-decoder.cjs').then(async (mod) => {
      const create = (mod as { default: (opts?: object) => Promise<AacModule> }).default;
      return { m: await create(), open: 0, retired: false };
    }));
    const inst = await p;
    if (!inst.retired) return inst;
    if (loading === p) loading = null;
  }
}

function retireIfIdle(inst: Instance): void {
  if (inst.open > 0 || inst.retired) return;
  inst.retired = true;
  inst.m.HEAPU8.fill(0);
}

/**
 * The AAC object types taken: Main (1), LC (2) and LTP (4), alone or under SBR (5) or PS
 * (29), what phones and recorders write and browsers play. FFmpeg also opens the
 * error-resilient ones (ER AAC LC 17, LD 23, ELD 39), and gives their frames no sample
 * rate (0): a file of them was refused as "more sound than it declares", a wrong reason.
 * They are refused here as unsupported, before any frame is decoded.
 */
const OBJECT_TYPES = new Set([1, 2, 4]);

/** Throws AUDIO_UNSUPPORTED unless the AudioSpecificConfig's object type (and under SBR/PS, its core's) is one of OBJECT_TYPES. */
export function assertObjectType(asc: Uint8Array): void {
  let bit = 0;
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      const byte = asc[bit >> 3];
      if (byte === undefined) throw new HvelvError('AUDIO_DAMAGED', 'the AudioSpecificConfig is cut short');
      v = v * 2 + ((byte >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  const objectType = (): number => {
    const t = bits(5);
    return t === 31 ? 32 + bits(6) : t;
  };
  const rate = (): void => {
    if (bits(4) === 15) bits(24);
  };
  const outer = objectType();
  rate();
  bits(4);
  let core = outer;
  if (outer === 5 || outer === 29) {
    rate();
    core = objectType();
  }
  if (!OBJECT_TYPES.has(core)) throw new HvelvError('AUDIO_UNSUPPORTED', `AAC of object type ${core === outer ? outer : `${outer} over ${core}`} is not taken (only Main, LC and LTP, with or without SBR/PS)`);
}

/** The largest frame the decoder's input buffer takes (the demuxer refuses larger ones: shared/mp4.ts MAX_SAMPLE_BYTES). */
const IN_MAX = 65536;

/**
 * One AAC decoder (one instance in the shared module). `decode` gives a view of the
 * frame's mono samples in the module's memory: read it before the next call.
 */
export class AacFrameDecoder {
  private handle: number;

  private readonly m: AacModule;

  private constructor(
    private readonly inst: Instance,
    handle: number,
  ) {
    this.m = inst.m;
    this.handle = handle;
    inst.open++;
  }

  static async open(asc: Uint8Array): Promise<AacFrameDecoder> {
    assertObjectType(asc);
    const inst = await aacInstance();
    const m = inst.m;
    const p = m._malloc(asc.length);
    try {
      m.HEAPU8.set(asc, p);
      const handle = m._aac_open(p, asc.length);
      if (!handle) throw new HvelvError('AUDIO_UNSUPPORTED', 'the AAC decoder does not take this track’s configuration');
      return new AacFrameDecoder(inst, handle);
    } finally {
      m._free(p);
      retireIfIdle(inst);
    }
  }

  /** The frame's samples mixed to mono at `rate`; an empty view for a frame that gives none (yet). */
  decode(frame: Uint8Array): { mono: Float32Array; rate: number } {
    if (!this.handle) throw new Error('the AAC decoder is closed');
    if (frame.length > IN_MAX) throw new HvelvError('AUDIO_DAMAGED', `an AAC frame of ${frame.length} bytes`);
    const m = this.m;
    m.HEAPU8.set(frame, m._aac_input(this.handle));
    return this.output(m._aac_decode(this.handle, frame.length));
  }

  /** What the decoder still holds at the end. */
  flush(): { mono: Float32Array; rate: number } {
    return this.output(this.m._aac_flush(this.handle));
  }

  private output(n: number): { mono: Float32Array; rate: number } {
    const m = this.m;
    if (n < 0) throw new HvelvError('AUDIO_DAMAGED', `the AAC decoder could not decode a frame (${n})`);
    const rate = m._aac_rate(this.handle);
    if (n === 0) return { mono: new Float32Array(0), rate };
    // Samples with no rate (or one no AAC has) cannot be timed or resampled: never passed on.
    if (!(rate >= 7350 && rate <= 96000)) throw new HvelvError('AUDIO_UNSUPPORTED', `the AAC decoder gave samples at ${rate} Hz`);
    // HEAPF32 is looked up after the call: the module's memory may have grown in it.
    const at = m._aac_output(this.handle) >> 2;
    return { mono: m.HEAPF32.subarray(at, at + n), rate };
  }

  free(): void {
    if (!this.handle) return;
    this.m._aac_free(this.handle);
    this.handle = 0;
    this.inst.open--;
    retireIfIdle(this.inst);
  }
}

/**
 * Frames' samples gathered into runs of up to BATCH_SAMPLES before they go on: a frame is
 * 1024 samples, and each push further on (the ceiling's count, the resampler, the peaks)
 * has its cost per call.
 */
const BATCH_SAMPLES = 1 << 16;

class MonoBatch implements MonoTarget {
  private readonly buf = new Float32Array(BATCH_SAMPLES);
  private n = 0;
  private rate = 0;

  constructor(private readonly out: MonoTarget) {}

  pushMono(mono: Float32Array, rate: number): void {
    if (this.n && (rate !== this.rate || this.n + mono.length > BATCH_SAMPLES)) this.flush();
    this.rate = rate;
    if (mono.length > BATCH_SAMPLES) return this.out.pushMono(mono, rate);
    this.buf.set(mono, this.n);
    this.n += mono.length;
  }

  flush(): void {
    if (!this.n) return;
    const n = this.n;
    this.n = 0;
    this.out.pushMono(this.buf.subarray(0, n), this.rate);
  }
}

/** Our demuxer's refusals as core's errors (the same codes, its message). */
function coreError(err: unknown): unknown {
  return err instanceof Mp4Error ? new HvelvError(err.code, err.message) : err;
}

/** A RandomAccess as the demuxer's ByteSource ([start, end) within the file). */
function byteSource(src: RandomAccess): ByteSource {
  return {
    size: src.size,
    read: async (start, end) => {
      const to = Math.min(end, src.size);
      if (to <= start) return new Uint8Array(0);
      const b = await src.readAt(start, to - start);
      if (b.length !== to - start) throw new HvelvError('AUDIO_DAMAGED', 'the recording ended before the bytes asked for');
      return b;
    },
  };
}

/** The first AAC track of the MP4 in `src`, its frames lasting no longer than `ceilingMs`. */
export async function openTrack(src: RandomAccess, ceilingMs: number): Promise<AacTrack> {
  const track = await demuxAac(byteSource(src), { maxDurationMs: ceilingMs }).catch((err: unknown) => {
    throw coreError(err);
  });
  // Before a draft's process is started for it, or any frame read.
  assertObjectType(track.config);
  // Frames scattered over the file, each apart from the one before, would cost a read
  // (and a chunk's decryption) each: refused before any is read if the batches are many
  // more than the file's size needs.
  let batches = 0;
  for (let i = 0, walked = 0; i < track.sizes.length; batches++) {
    const next = batchEnd(track, i).next;
    // A table of millions of frames takes a while to walk: the event loop runs between.
    walked += next - i;
    if (walked >= 1 << 17) {
      walked = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    i = next;
  }
  if (batches > MAX_BATCHES_PER_FILE_BATCH * Math.ceil(src.size / BATCH_BYTES) + 16) throw new HvelvError('AUDIO_DAMAGED', `the frames lie scattered over the file (${batches} reads for ${src.size} bytes)`);
  return track;
}

/** The batch from frame `i`: the frames after it that lie, in order, within BATCH_BYTES of its start; where its bytes end. */
function batchEnd(t: Pick<AacTrack, 'offsets' | 'sizes'>, i: number): { next: number; end: number } {
  const start = t.offsets[i]!;
  let end = start;
  let j = i;
  while (j < t.sizes.length && t.offsets[j]! >= start && t.offsets[j]! + t.sizes[j]! <= start + BATCH_BYTES) end = Math.max(end, t.offsets[j]! + t.sizes[j++]!);
  return { next: j, end };
}

/**
 * The track's frames in order, a batch at a time: each batch's bytes are read once and
 * handed out as views, valid until the next batch is read.
 */
export async function* frames(src: RandomAccess, track: AacTrack, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const { offsets, sizes } = track;
  for (let i = 0; i < sizes.length; ) {
    if (signal?.aborted) throw new HvelvError('CANCELLED', 'cancelled');
    const start = offsets[i]!;
    const { next, end } = batchEnd(track, i);
    const bytes = await src.readAt(start, end - start);
    if (bytes.length !== end - start) throw new HvelvError('AUDIO_DAMAGED', 'the recording ended before its last AAC frame');
    for (; i < next; i++) yield bytes.subarray(offsets[i]! - start, offsets[i]! - start + sizes[i]!);
  }
}

/** Work done between two chances for the event loop to run something else (as recordings/peaks.ts). */
const SLICE_MS = 8;

/**
 * Decodes the M4A in `src` to mono at its own rate into `out`, frame by frame. The
 * frames may not last past `ceilingMs` (checked from the frame table before any is
 * decoded); `out` counts what is decoded against the same ceiling. Gives way to the event
 * loop every few milliseconds.
 */
export async function decodeM4a(src: RandomAccess, ceilingMs: number, out: MonoTarget, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const track = await openTrack(src, ceilingMs);
  const decoder = await AacFrameDecoder.open(track.config);
  out = new MonoBatch(out);
  try {
    let sliceStart = performance.now();
    for await (const frame of frames(src, track, opts.signal)) {
      const { mono, rate } = decoder.decode(frame);
      if (mono.length) out.pushMono(mono, rate);
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    const { mono, rate } = decoder.flush();
    if (mono.length) out.pushMono(mono, rate);
    (out as MonoBatch).flush();
  } finally {
    decoder.free();
  }
}

/**
 * The frames of `track` as one byte stream for a process that reads bytes in order (the
 * draft's recognition process): 'HAAC', the AudioSpecificConfig's length (u16 LE) and
 * bytes, then each frame as its length (u16 LE, 1 to 65535: the demuxer refuses larger)
 * and bytes. Given in pieces of about `piece` bytes, each asked for when wanted.
 */
export async function* frameStream(src: RandomAccess, track: AacTrack, piece: number): AsyncGenerator<Uint8Array> {
  const head = new Uint8Array(6 + track.config.length);
  head.set([0x48, 0x41, 0x41, 0x43, track.config.length & 255, track.config.length >> 8]);
  head.set(track.config, 6);
  let buf = new Uint8Array(piece + IN_MAX + 2);
  buf.set(head);
  let at = head.length;
  for await (const f of frames(src, track)) {
    if (f.length > 65535) throw new HvelvError('AUDIO_DAMAGED', `an AAC frame of ${f.length} bytes`);
    buf[at] = f.length & 255;
    buf[at + 1] = f.length >> 8;
    buf.set(f, at + 2);
    at += 2 + f.length;
    if (at >= piece) {
      yield buf.subarray(0, at);
      buf = new Uint8Array(piece + IN_MAX + 2);
      at = 0;
    }
  }
  if (at > 0) yield buf.subarray(0, at);
}

/** Reads `frameStream`'s bytes as they arrive, decoding each whole frame into `out`. */
export class AacStreamDecoder {
  private pending = new Uint8Array(0);
  private decoder: AacFrameDecoder | null = null;
  private sawHead = false;

  private readonly out: MonoBatch;

  constructor(out: MonoTarget) {
    this.out = new MonoBatch(out);
  }

  async push(bytes: Uint8Array): Promise<void> {
    let b = this.pending.length ? concat(this.pending, bytes) : bytes;
    let at = 0;
    if (!this.sawHead) {
      if (b.length < 6) return this.keep(b);
      if (b[0] !== 0x48 || b[1] !== 0x41 || b[2] !== 0x41 || b[3] !== 0x43) throw new HvelvError('AUDIO_DAMAGED', 'not a stream of AAC frames');
      const n = b[4]! | (b[5]! << 8);
      if (b.length < 6 + n) return this.keep(b);
      this.decoder = await AacFrameDecoder.open(b.slice(6, 6 + n));
      this.sawHead = true;
      at = 6 + n;
    }
    const d = this.decoder!;
    while (at + 2 <= b.length) {
      const n = b[at]! | (b[at + 1]! << 8);
      if (n === 0) throw new HvelvError('AUDIO_DAMAGED', 'an empty AAC frame');
      if (at + 2 + n > b.length) break;
      const { mono, rate } = d.decode(b.subarray(at + 2, at + 2 + n));
      if (mono.length) this.out.pushMono(mono, rate);
      at += 2 + n;
    }
    this.out.flush();
    b = b.subarray(at);
    this.keep(b);
  }

  /** What is kept for the next push is our own copy: the caller may reuse its buffer. */
  private keep(b: Uint8Array): void {
    this.pending = b.slice();
  }

  end(): void {
    if (!this.sawHead) throw new HvelvError('AUDIO_DAMAGED', 'the recording held no AAC frames');
    if (this.pending.length) throw new HvelvError('AUDIO_DAMAGED', 'the stream of AAC frames ended inside a frame');
    const { mono, rate } = this.decoder!.flush();
    if (mono.length) this.out.pushMono(mono, rate);
    this.out.flush();
  }

  free(): void {
    this.decoder?.free();
    this.decoder = null;
    this.pending = new Uint8Array(0);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
