/**
 * Recording bytes → 16 kHz mono float PCM, piece by piece and in memory only: the
 * recording is "locked away", so its sound never lands on the disk in any form, and a
 * two-hour interview never has to be held whole (a WAV of that length is 1.3 GB).
 *
 * WAV is parsed here (PCM 8/16/24/32-bit and float). MP3, FLAC and Ogg (Vorbis, Opus)
 * go through the WebAssembly streaming decoders of wasm-audio-decoders, which run in
 * plain Node (the CLI) as in the app, need no native code and no FFmpeg. WebM (and
 * Matroska) is taken apart here, streaming, and its Opus packets go to the same family's
 * raw Opus decoder. M4A/AAC goes through FFmpeg's AAC decoder built to WebAssembly by us
 * (aac/aac.ts, LGPL-2.1: aac/NOTICE); an MP4 is read by random access, not in order
 * (its frame table may follow the sound), so it has its own entry (decodeM4aMono), and a
 * process that only gets bytes in order is sent the frames as a stream ('aac-frames').
 */
import type CodecParser from 'codec-parser';
import type { CodecFrame, OggPage } from 'codec-parser';
import type { AudioFacts } from '../../../../shared/contract';
import { HvelvError } from '../../errors';
import { decodeCeilingMs, MonoResampler } from '../../../../shared/audio-fold';
import { AacStreamDecoder, decodeM4a, type RandomAccess } from './aac/aac';

/** What a decoder reads in order: a recording's format, or 'aac-frames' (an M4A's frames as aac/aac.ts frameStream gives them). */
export type StreamFormat = AudioFacts['format'] | 'aac-frames';

export const SAMPLE_RATE = 16_000;

export type PcmSink = (samples: Float32Array) => void;

export interface StreamDecoder {
  /** Feed the next bytes of the file, in order. */
  push(bytes: Uint8Array): Promise<void>;
  /** No more bytes: emit what is left. */
  end(): Promise<void>;
  /** Release the decoder's WebAssembly memory (also after a failure). */
  free(): void;
}

/**
 * How much sound a decoder may give: the length the file declares (probed at import)
 * and a margin. A compressed file can decode to far more sound than it declares (Opus
 * packets of one byte are 60 ms each: 104 KB of them are 51 minutes, which the attack
 * review's WebM kept the waveform decoding for 22 s); past this the decoder stops with
 * AUDIO_DAMAGED instead of decoding on.
 */
export interface DecodeLimit {
  /** The duration the file declares, in milliseconds. */
  declaredMs: number;
}

/** The most a file declaring `declaredMs` may decode to: a tenth more and ten seconds (estimated durations of VBR files are not exact). One rule for core and the page (shared/audio-fold.ts). */
export { decodeCeilingMs } from '../../../../shared/audio-fold';

/** A decoder for `format` that sends 16 kHz mono samples to `sink` as they come. */
export function createDecoder(format: StreamFormat, sink: PcmSink, limit?: DecodeLimit): Promise<StreamDecoder> {
  const out = new Resampler(sink);
  if (limit) out.limitTo(limit.declaredMs);
  return decoderFor(format, out);
}

/**
 * A decoder for `format` that sends mono samples at the file's own rate, not resampled:
 * for the waveform's peaks, which a resampler's averaging would flatten.
 */
export function createMonoDecoder(format: StreamFormat, sink: (samples: Float32Array, rate: number) => void, int16Sink?: Int16Sink, limit?: DecodeLimit): Promise<StreamDecoder> {
  const out = new MonoOut(sink, int16Sink);
  if (limit) out.limitTo(limit.declaredMs);
  return decoderFor(format, out);
}

/**
 * 16-bit PCM as it stands in a WAV (interleaved frames of `channels` samples), for a sink
 * that can read it so (the waveform's peaks): no float copy of every sample is made. The
 * view is the caller's: read it before returning, keep nothing of it.
 */
export type Int16Sink = (interleaved: Int16Array, channels: number, rate: number) => void;

/**
 * An M4A by random access (`src`: the source file, or a sealed recording's StreamReader)
 * to mono samples at its own rate, with the same ceiling as the other formats: the
 * waveform's peaks. Throws AUDIO_DAMAGED / AUDIO_UNSUPPORTED as they do.
 */
export async function decodeM4aMono(src: RandomAccess, sink: (samples: Float32Array, rate: number) => void, limit: DecodeLimit, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const out = new MonoOut(sink);
  out.limitTo(limit.declaredMs);
  await decodeM4a(src, decodeCeilingMs(limit.declaredMs), out, opts);
  out.end();
}

async function decoderFor(format: StreamFormat, resampler: MonoOut): Promise<StreamDecoder> {
  switch (format) {
    case 'wav':
      return new WavDecoder(resampler);
    case 'mp3': {
      const { MPEGDecoder } = await import('mpg123-decoder');
      return wasmDecoder(new MPEGDecoder(), resampler);
    }
    case 'flac': {
      const [{ FLACDecoder }, { default: CodecParser }] = await Promise.all([import('@wasm-audio-decoders/flac'), import('codec-parser')]);
      return flacDecoder(new FLACDecoder(), new CodecParser<CodecFrame>('audio/flac', { enableFrameCRC32: false }), resampler);
    }
    case 'ogg':
      return new OggDecoder(resampler);
    case 'webm':
      return new WebmDecoder(resampler);
    case 'aac-frames': {
      const d = new AacStreamDecoder(resampler);
      return {
        push: (bytes) => d.push(bytes),
        end: async () => {
          d.end();
          resampler.end();
        },
        free: () => d.free(),
      };
    }
    case 'm4a':
      // Not readable in order (its frame table may come last): decodeM4aMono, or frameStream to a process.
      throw new Error('an M4A is decoded by random access (decodeM4aMono), not as a stream of its bytes');
  }
}

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
}

interface WasmDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush?(): Decoded | Promise<Decoded>;
  free(): void;
}

async function wasmDecoder(d: WasmDecoder, out: MonoOut): Promise<StreamDecoder> {
  await d.ready;
  return {
    push: async (bytes) => out.push(await d.decode(bytes)),
    end: async () => {
      if (d.flush) out.push(await d.flush());
      out.end();
    },
    free: () => d.free(),
  };
}

/**
 * FLAC, frame by frame. A frame's header says how many samples it holds, and a frame of
 * CONSTANT subframes is a few bytes for 65 535 of them: 17 KB can be 24 minutes of stereo,
 * which the decoder's decode() gave back in one piece (760 MB) before the ceiling was
 * looked at. Here the frames are parsed first (the same parser the decoder uses), each is
 * admitted against the ceiling before it is decoded, and they are decoded in batches of
 * at most FLAC_BATCH samples a channel.
 */
const FLAC_BATCH = 1 << 20;

async function flacDecoder(d: { ready: Promise<void>; decodeFrames(frames: Uint8Array[]): Promise<Decoded>; free(): void }, parser: CodecParser<CodecFrame>, out: MonoOut): Promise<StreamDecoder> {
  await d.ready;
  // The rate STREAMINFO gives (bytes 18..20 of the file), for frames whose header says "from STREAMINFO".
  let head = Buffer.alloc(0);
  let streamRate = 0;
  let admitted = 0;
  const decode = async (frames: Iterable<CodecFrame>): Promise<void> => {
    let batch: Uint8Array[] = [];
    let samples = 0;
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const decoded = await d.decodeFrames(batch);
      batch = [];
      samples = 0;
      admitted = 0;
      out.push(decoded);
    };
    for (const f of frames) {
      const given = (f.header as { sampleRate?: unknown }).sampleRate;
      const rate = typeof given === 'number' && given > 0 ? given : streamRate;
      if (!rate) throw new HvelvError('AUDIO_DAMAGED', 'the FLAC file does not say its sample rate');
      admitted += f.samples / rate;
      out.admit(admitted);
      batch.push(f.data);
      samples += f.samples;
      if (samples >= FLAC_BATCH) await flush();
    }
    await flush();
  };
  return {
    push: async (bytes) => {
      if (head.length < 21) {
        head = Buffer.concat([head, Buffer.from(bytes.subarray(0, 21 - head.length))]);
        if (head.length >= 21 && head.toString('latin1', 0, 4) === 'fLaC') streamRate = (head[18]! << 12) | (head[19]! << 4) | (head[20]! >> 4);
      }
      await decode(parser.parseChunk(bytes) as unknown as Iterable<CodecFrame>);
    },
    end: async () => {
      await decode(parser.flush() as unknown as Iterable<CodecFrame>);
      out.end();
    },
    free: () => d.free(),
  };
}

/**
 * Ogg, page by page. An Opus packet of one byte is 60 ms, a Vorbis one of a byte or two a
 * long block: a page of 255 of them is seconds of sound in a few hundred bytes, and a
 * 16 KiB piece was minutes (450 MB) that the decoder gave back in one go before the
 * ceiling was looked at. Here the pages are parsed first (the parser the decoders use),
 * what each packet will decode to is admitted against the ceiling before any decoding
 * (Opus: its TOC byte; Vorbis: its mode's block size), and the pages go to the decoder in
 * batches of at most OGG_BATCH samples.
 */
const OGG_BATCH = 1 << 20;
/**
 * Bytes of pages gathered before they go to the decoder, whatever they decode to: pages
 * that complete no packet (one packet continued page after page) admit no samples, and
 * were gathered without end.
 */
const OGG_BATCH_BYTES = 1 << 20;
/**
 * The most bytes of pages without a packet completed in them. A packet continued page
 * after page is gathered whole by the parser (and again by the decoder's), copied anew at
 * each page: a 32 MiB one cost 446 MB and half a minute in the attack review (and an
 * 8 MiB bound still 220 MB of copies). Audio packets are kilobytes; only a comment header
 * with a picture over a megabyte in it passes this, and that file gets no waveform.
 */
const OGG_PACKET_MAX = 1024 * 1024;

async function oggPaged(d: WasmDecoder, parser: CodecParser<OggPage>, out: MonoOut, opus: boolean): Promise<StreamDecoder> {
  await d.ready;
  /** Seconds admitted and not yet decoded (then counted by out.push). */
  let admitted = 0;
  /** Bytes of pages since the last one in which a packet ended. */
  let unfinished = 0;
  const decode = async (pages: Iterable<OggPage>): Promise<void> => {
    let batch: Uint8Array[] = [];
    let samples = 0;
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (!batch.length) return;
      const joined = Buffer.concat(batch);
      batch = [];
      samples = 0;
      bytes = 0;
      const decoded = await d.decode(joined);
      admitted = 0;
      out.push(decoded);
    };
    for (const p of pages) {
      // A packet ends on this page where its last lacing value is under 255.
      const lacing = p.rawData;
      const ends = lacing.length > 27 && lacing[26]! > 0 && lacing[26 + lacing[26]!]! < 255;
      unfinished = ends ? 0 : unfinished + lacing.length;
      if (unfinished > OGG_PACKET_MAX) throw new HvelvError('AUDIO_DAMAGED', 'the Ogg file has an impossibly long packet');
      for (const f of p.codecFrames) {
        // Opus decodes at 48 kHz whatever rate its head names.
        const n = opus ? opusPacketSamples(f.data) : f.samples;
        const rate = opus ? OPUS_RATE : (f.header as { sampleRate?: unknown }).sampleRate;
        if (typeof rate !== 'number' || !(rate > 0)) throw new HvelvError('AUDIO_DAMAGED', 'the Ogg file does not say its sample rate');
        admitted += n / rate;
        samples += n;
      }
      out.admit(admitted);
      batch.push(p.rawData);
      bytes += p.rawData.length;
      if (samples >= OGG_BATCH || bytes >= OGG_BATCH_BYTES) await flush();
    }
    await flush();
  };
  return {
    push: (bytes) => decode(parser.parseChunk(bytes) as unknown as Iterable<OggPage>),
    end: async () => {
      await decode(parser.flush() as unknown as Iterable<OggPage>);
      if (d.flush) out.push(await d.flush());
      out.end();
    },
    free: () => d.free(),
  };
}

/** Ogg carries Vorbis or Opus: the first page says which ("OpusHead" or "\x01vorbis"). */
class OggDecoder implements StreamDecoder {
  private head: Uint8Array[] = [];
  private inner: StreamDecoder | null = null;
  constructor(private readonly out: MonoOut) {}

  async push(bytes: Uint8Array): Promise<void> {
    if (this.inner) return this.inner.push(bytes);
    this.head.push(bytes);
    const first = Buffer.concat(this.head);
    if (first.length < 64) return;
    const at = first.subarray(0, 128).indexOf(Buffer.from('OpusHead', 'latin1'));
    const opus = at >= 0;
    if (opus) {
      // As for WebM: 255 declared channels make every packet 255 channels of float samples;
      // Opus's own limit for the families recorders use is 8.
      const channels = first[at + 9];
      const family = first[at + 18];
      if (channels === undefined || family === undefined || channels < 1 || channels > 8 || (family === 0 && channels > 2)) throw new HvelvError('AUDIO_DAMAGED', `the Ogg file’s Opus stream declares ${channels ?? 0} channels`);
    }
    const { default: CodecParser } = await import('codec-parser');
    const pages = new CodecParser<OggPage>('application/ogg', { enableFrameCRC32: false });
    if (opus) {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      this.inner = await oggPaged(new OggOpusDecoder(), pages, this.out, true);
    } else {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      this.inner = await oggPaged(new OggVorbisDecoder(), pages, this.out, false);
    }
    this.head = [];
    await this.inner.push(first);
  }

  async end(): Promise<void> {
    if (!this.inner && this.head.length) throw new HvelvError('AUDIO_DAMAGED', 'the Ogg file is too short to hold audio');
    await this.inner?.end();
  }

  free(): void {
    this.inner?.free();
  }
}

/** Matroska element ids the WebM reader acts on. */
const EBML = {
  header: 0x1a45dfa3,
  segment: 0x18538067,
  cluster: 0x1f43b675,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  audio: 0xe1,
  channels: 0x9f,
  blockGroup: 0xa0,
  block: 0xa1,
  simpleBlock: 0xa3,
} as const;
/** Elements whose children are read in the same flat stream (the others are skipped whole). */
const EBML_MASTERS = new Set<number>([EBML.segment, EBML.cluster, EBML.tracks, EBML.trackEntry, EBML.audio, EBML.blockGroup]);
/** Elements whose bytes are kept and read. */
const EBML_LEAVES = new Set<number>([EBML.trackNumber, EBML.trackType, EBML.codecId, EBML.codecPrivate, EBML.channels, EBML.block, EBML.simpleBlock]);
/** No block or header of a real recording comes near this: a larger one is a damaged file, not buffered. */
const EBML_LEAF_MAX = 16 * 1024 * 1024;

interface WebmTrack {
  number: number;
  type: number;
  codec: string;
  priv: Uint8Array | null;
  channels: number;
}

/**
 * WebM/Matroska, streamed: the elements are read as a flat sequence (a Segment or
 * Cluster of unknown size, as a browser's MediaRecorder writes, is no different from
 * one with a size), the first Opus audio track is chosen from the Tracks, and each
 * block's Opus frames (unlaced, or Xiph, fixed or EBML laced) go to the raw Opus decoder
 * with the pre-skip, channel mapping and streams of its OpusHead. Nothing but the
 * element being read is held.
 */
class WebmDecoder implements StreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a skipped element still to come. */
  private skip = 0;
  private tracks: WebmTrack[] = [];
  private audio: WebmTrack | null = null;
  private opus: { decodeFrames(frames: Uint8Array[]): Decoded; free(): void } | null = null;
  private frames: Uint8Array[] = [];
  private sawHeader = false;
  /** Samples (at 48 kHz) the packets read so far decode to, counted from their TOC bytes. */
  private planned = 0;

  constructor(private readonly out: MonoOut) {}

  async push(bytes: Uint8Array): Promise<void> {
    let b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (this.skip > 0) {
      const n = Math.min(this.skip, b.length);
      this.skip -= n;
      b = b.subarray(n);
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, b]) : b;
    await this.parse();
    // What is kept for the next push is our own copy: the caller may reuse its buffer.
    if (this.pending.buffer === bytes.buffer) this.pending = Buffer.from(this.pending);
  }

  private async parse(): Promise<void> {
    let b = this.pending;
    let off = 0;
    for (;;) {
      const id = readVint(b, off, false);
      if (!id) break;
      const size = readVint(b, off + id.length, true);
      if (!size) break;
      const head = id.length + size.length;
      const body = off + head;
      if (!this.sawHeader) {
        if (id.value !== EBML.header) throw new HvelvError('AUDIO_DAMAGED', 'not a WebM file');
        this.sawHeader = true;
      }
      if (EBML_MASTERS.has(id.value)) {
        if (id.value === EBML.trackEntry) this.tracks.push({ number: 0, type: 0, codec: '', priv: null, channels: 0 });
        off = body;
        continue;
      }
      if (size.value < 0) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file has an element of unknown size where sizes are required');
      if (EBML_LEAVES.has(id.value)) {
        if (size.value > EBML_LEAF_MAX) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file has an impossibly large block');
        if (body + size.value > b.length) break; // not all here yet
        await this.leaf(id.value, b.subarray(body, body + size.value));
        off = body + size.value;
        continue;
      }
      // Anything else (cues, tags, video, void): skipped, across pushes if need be.
      if (body + size.value > b.length) {
        this.skip = body + size.value - b.length;
        off = b.length;
        break;
      }
      off = body + size.value;
    }
    await this.decodeFrames();
    b = b.subarray(off);
    this.pending = b;
  }

  private async leaf(id: number, v: Buffer): Promise<void> {
    const t = this.tracks.at(-1);
    if (id === EBML.simpleBlock || id === EBML.block) return this.block(v);
    if (!t) return;
    if (id === EBML.trackNumber) t.number = readUint(v);
    else if (id === EBML.trackType) t.type = readUint(v);
    else if (id === EBML.codecId) t.codec = v.toString('latin1').replace(/\0+$/, '');
    else if (id === EBML.codecPrivate) t.priv = new Uint8Array(v);
    else if (id === EBML.channels) t.channels = readUint(v);
  }

  private async block(v: Buffer): Promise<void> {
    const track = readVint(v, 0, true);
    if (!track || v.length < track.length + 3) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file has a damaged block');
    if (!this.audio) await this.chooseTrack();
    if (track.value !== this.audio!.number) return;
    const flags = v[track.length + 2]!;
    const frames = unlace(v.subarray(track.length + 3), (flags >> 1) & 3);
    // What these packets will decode to is known from their first byte, before any
    // decoding: a file that would give more sound than it declares stops here, having
    // decoded no more than its declared length (and the margin).
    for (const f of frames) this.planned += opusPacketSamples(f);
    this.out.within(this.planned, OPUS_RATE);
    for (const f of frames) this.frames.push(new Uint8Array(f));
    // Decoded in runs, not frame by frame: each call into the decoder has its cost.
    if (this.frames.length >= 64) await this.decodeFrames();
  }

  private async chooseTrack(): Promise<void> {
    const t = this.tracks.find((x) => x.codec === 'A_OPUS') ?? null;
    if (!t) {
      const audio = this.tracks.find((x) => x.type === 2 || x.codec.startsWith('A_'));
      throw new HvelvError('AUDIO_UNSUPPORTED', audio ? `WebM audio in ${audio.codec} cannot be decoded (Opus can)` : 'the WebM file has no audio track');
    }
    const head = t.priv && Buffer.from(t.priv);
    if (!head || head.length < 19 || head.toString('latin1', 0, 8) !== 'OpusHead') throw new HvelvError('AUDIO_DAMAGED', 'the WebM file’s Opus track has no OpusHead');
    const channels = head[9]!;
    const family = head[18]!;
    // An interview is one to a few channels; 255 declared would make each frame 255 channels
    // of float samples (a 130 KB file cost 1.5 GiB in the attack review). Opus's own limit
    // for the families recorders use is 8.
    if (channels < 1 || channels > 8 || (family === 0 && channels > 2)) throw new HvelvError('AUDIO_DAMAGED', `the WebM file’s Opus track declares ${channels} channels`);
    const { OpusDecoder } = await import('opus-decoder');
    const decoder = new OpusDecoder({
      channels,
      preSkip: head.readUInt16LE(10),
      ...(family !== 0 && head.length >= 21 + channels ? { streamCount: head[19]!, coupledStreamCount: head[20]!, channelMappingTable: [...head.subarray(21, 21 + channels)] } : {}),
    });
    await decoder.ready;
    this.opus = decoder;
    this.audio = t;
  }

  private async decodeFrames(): Promise<void> {
    if (!this.opus || this.frames.length === 0) return;
    const frames = this.frames;
    this.frames = [];
    this.out.push(this.opus.decodeFrames(frames));
  }

  async end(): Promise<void> {
    if (!this.sawHeader) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file is empty');
    if (!this.audio) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file holds no audio');
    await this.decodeFrames();
    this.out.end();
  }

  free(): void {
    this.opus?.free();
    this.opus = null;
    this.pending = Buffer.alloc(0);
  }
}

/** Opus always decodes at 48 kHz here (opus-decoder's output rate). */
const OPUS_RATE = 48_000;

/**
 * The samples (at 48 kHz) an Opus packet decodes to, from its TOC byte (RFC 6716 3.1):
 * the frame length its configuration gives, times its frame count. An empty or damaged
 * packet counts as the longest a packet can be (120 ms): the decoder conceals it.
 */
export function opusPacketSamples(p: Uint8Array): number {
  const MAX = 5760;
  if (p.length === 0) return MAX;
  const toc = p[0]!;
  const config = toc >> 3;
  let frame: number;
  if (config < 12) frame = [480, 960, 1920, 2880][config & 3]!;
  else if (config < 16) frame = config & 1 ? 960 : 480;
  else frame = [120, 240, 480, 960][config & 3]!;
  const code = toc & 3;
  const count = code === 0 ? 1 : code < 3 ? 2 : p.length >= 2 ? p[1]! & 0x3f : 0;
  return count === 0 ? MAX : Math.min(MAX, count * frame);
}

/** An EBML variable-length integer at `off`: an id keeps its marker bit, a size does not (all ones: unknown, -1). */
function readVint(b: Buffer, off: number, isSize: boolean): { value: number; length: number } | null {
  if (off >= b.length) return null;
  const first = b[off]!;
  if (first === 0) throw new HvelvError('AUDIO_DAMAGED', 'the WebM file is damaged (an invalid element header)');
  const length = Math.clz32(first) - 23;
  if (off + length > b.length) return null;
  let value = isSize ? first & (0xff >> length) : first;
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[off + i]!;
    if (b[off + i] !== 0xff) allOnes = false;
  }
  return { value: isSize && allOnes ? -1 : value, length };
}

function readUint(v: Buffer): number {
  let n = 0;
  for (const x of v) n = n * 256 + x;
  return n;
}

/** A block's frames: no lacing (0), Xiph (1), fixed-size (2) or EBML (3) lacing. */
function unlace(data: Buffer, lacing: number): Buffer[] {
  if (lacing === 0) return [data];
  const count = data[0]! + 1;
  let off = 1;
  const sizes: number[] = [];
  const damaged = (): never => {
    throw new HvelvError('AUDIO_DAMAGED', 'the WebM file has a damaged laced block');
  };
  if (lacing === 2) {
    const each = (data.length - 1) / count;
    if (!Number.isInteger(each)) damaged();
    for (let i = 0; i < count - 1; i++) sizes.push(each);
  } else if (lacing === 1) {
    for (let i = 0; i < count - 1; i++) {
      let n = 0;
      for (;;) {
        if (off >= data.length) damaged();
        const x = data[off++]!;
        n += x;
        if (x !== 255) break;
      }
      sizes.push(n);
    }
  } else {
    const first = readVint(data, off, true) ?? damaged();
    off += first.length;
    sizes.push(first.value);
    for (let i = 1; i < count - 1; i++) {
      const d = readVint(data, off, true) ?? damaged();
      off += d.length;
      // A signed difference from the previous size: the raw value less half its range.
      sizes.push(sizes[i - 1]! + d.value - (2 ** (7 * d.length - 1) - 1));
    }
  }
  const frames: Buffer[] = [];
  for (const n of sizes) {
    if (n < 0 || off + n > data.length) damaged();
    frames.push(data.subarray(off, off + n));
    off += n;
  }
  frames.push(data.subarray(off));
  return frames;
}

/** RIFF/WAVE, streamed: the header chunks first, then sample frames as they arrive. */
class WavDecoder implements StreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private fmt: { float: boolean; bits: number; channels: number; rate: number } | null = null;
  private inData = false;
  private dataLeft = Infinity;

  constructor(private readonly out: MonoOut) {}

  async push(bytes: Uint8Array): Promise<void> {
    // Read the caller's bytes where they are (no copy of every chunk); what is kept for
    // the next push is copied, as the caller may overwrite its buffer (recording-peaks.ts does).
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (!this.inData) this.readHeader();
    if (this.inData) this.readFrames();
    if (this.pending.buffer === bytes.buffer) this.pending = Buffer.from(this.pending);
  }

  private readHeader(): void {
    let off = 0;
    const b = this.pending;
    if (b.length < 12) return;
    if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new HvelvError('AUDIO_DAMAGED', 'not a RIFF/WAVE file');
    off = 12;
    while (off + 8 <= b.length) {
      const id = b.toString('latin1', off, off + 4);
      const len = b.readUInt32LE(off + 4);
      if (id === 'data') {
        if (!this.fmt) throw new HvelvError('AUDIO_DAMAGED', 'the WAV file has no format chunk before its audio');
        this.inData = true;
        // 0 and 0xFFFFFFFF: a streaming writer that could not go back to fill in the length.
        this.dataLeft = len === 0 || len === 0xffffffff ? Infinity : len;
        this.pending = b.subarray(off + 8);
        return;
      }
      if (off + 8 + len > b.length) return; // the chunk is not all here yet
      if (id === 'fmt ') {
        let tag = b.readUInt16LE(off + 8);
        const channels = b.readUInt16LE(off + 10);
        const rate = b.readUInt32LE(off + 12);
        const bits = b.readUInt16LE(off + 22);
        if (tag === 0xfffe && len >= 26) tag = b.readUInt16LE(off + 32); // WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
        const float = tag === 3;
        if (!(tag === 1 || float) || ![8, 16, 24, 32].includes(bits) || (float && bits !== 32) || channels < 1 || rate < 1000) {
          throw new HvelvError('AUDIO_UNSUPPORTED', `WAV encoding ${tag} with ${bits}-bit samples cannot be decoded`);
        }
        this.fmt = { float, bits, channels, rate };
      }
      off += 8 + len + (len & 1);
    }
  }

  private readFrames(): void {
    const f = this.fmt!;
    const frameBytes = (f.bits / 8) * f.channels;
    const usable = Math.min(this.pending.length, this.dataLeft);
    const frames = Math.floor(usable / frameBytes);
    if (frames === 0) return;
    const b = this.pending;
    const step = f.bits / 8;
    if (f.bits === 16 && !f.float) {
      // The common case (recorders write 16-bit PCM), read through a typed view: a
      // tenth of the time of readInt16LE per sample, which mattered for a waveform of
      // two hours.
      const whole = frames * f.channels;
      const ints = b.byteOffset % 2 === 0 ? new Int16Array(b.buffer, b.byteOffset, whole) : new Int16Array(Uint8Array.prototype.slice.call(b, 0, whole * 2).buffer);
      this.dataLeft -= frames * frameBytes;
      this.pending = b.subarray(frames * frameBytes);
      this.out.pushInt16(ints, f.channels, f.rate);
      return;
    }
    const mono = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < f.channels; c++) {
        const o = i * frameBytes + c * step;
        sum += f.float ? b.readFloatLE(o) : f.bits === 16 ? b.readInt16LE(o) / 32768 : f.bits === 24 ? b.readIntLE(o, 3) / 8388608 : f.bits === 32 ? b.readInt32LE(o) / 2147483648 : (b[o]! - 128) / 128;
      }
      mono[i] = sum / f.channels;
    }
    this.dataLeft -= frames * frameBytes;
    this.pending = b.subarray(frames * frameBytes);
    this.out.pushMono(mono, f.rate);
  }

  async end(): Promise<void> {
    if (!this.inData) throw new HvelvError('AUDIO_DAMAGED', 'the WAV file has no audio data');
    this.out.end();
  }

  free(): void {
    this.pending = Buffer.alloc(0);
  }
}

/** Mixes the decoder's channels to mono and passes them on at their own rate. */
class MonoOut {
  /** The most sound, in milliseconds, this output takes (DecodeLimit); Infinity without one. */
  private ceilingMs = Infinity;
  /** What has passed, in seconds (samples over their rate, summed). */
  private passedS = 0;

  constructor(
    private readonly monoSink: (samples: Float32Array, rate: number) => void,
    private readonly int16Sink?: Int16Sink,
  ) {}

  limitTo(declaredMs: number): void {
    this.ceilingMs = decodeCeilingMs(declaredMs);
  }

  /** Throws if `samples` at `rate` (in all, from the start) pass the ceiling. */
  within(samples: number, rate: number): void {
    if ((samples / rate) * 1000 > this.ceilingMs) {
      throw new HvelvError('AUDIO_DAMAGED', `the recording decodes to more sound than it declares (past ${Math.round(this.ceilingMs / 1000)} s)`);
    }
  }

  /** Throws if `seconds` more, not yet decoded, would pass the ceiling: for decoders that know beforehand (FLAC's frame headers). */
  admit(seconds: number): void {
    this.within(this.passedS + seconds, 1);
  }

  /** Counts what passes, after decoding: for the decoders whose output is not known beforehand. */
  private count(frames: number, rate: number): void {
    this.passedS += frames / rate;
    this.within(this.passedS, 1);
  }

  /** Interleaved 16-bit frames: to the sink that reads them as they are, or mixed to float mono. */
  pushInt16(ints: Int16Array, channels: number, rate: number): void {
    this.count(Math.floor(ints.length / channels), rate);
    if (this.int16Sink) return this.int16Sink(ints, channels, rate);
    const frames = Math.floor(ints.length / channels);
    const mono = new Float32Array(frames);
    const scale = 1 / (32768 * channels);
    if (channels === 1) for (let i = 0; i < frames; i++) mono[i] = ints[i]! * scale;
    else
      for (let i = 0, o = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += ints[o++]!;
        mono[i] = sum * scale;
      }
    this.emitMono(mono, rate);
  }

  push(d: Decoded): void {
    if (d.samplesDecoded === 0 || d.channelData.length === 0) return;
    const n = d.samplesDecoded;
    const mono = new Float32Array(n);
    for (const ch of d.channelData) for (let i = 0; i < n; i++) mono[i]! += ch[i]! / d.channelData.length;
    this.pushMono(mono, d.sampleRate);
  }

  pushMono(mono: Float32Array, rate: number): void {
    this.count(mono.length, rate);
    this.emitMono(mono, rate);
  }

  /** Samples already counted, on to the sink. */
  protected emitMono(mono: Float32Array, rate: number): void {
    this.monoSink(mono, rate);
  }

  end(): void {}
}

/**
 * Mixes to mono and converts to 16 kHz. Going down, each output sample is the mean of
 * the input samples it stands for (a box filter: enough against aliasing for speech
 * recognition, whose features stop at 8 kHz); going up, linear interpolation.
 */
export class Resampler extends MonoOut {
  private readonly mono: MonoResampler;
  private rate = 0;

  constructor(sink: PcmSink) {
    super(() => undefined);
    this.mono = new MonoResampler(sink);
  }

  protected override emitMono(mono: Float32Array, rate: number): void {
    if (this.rate && rate !== this.rate) throw new HvelvError('AUDIO_UNSUPPORTED', 'the sample rate changes inside the recording');
    this.rate = rate;
    this.mono.push(mono, rate);
  }

  override end(): void {
    this.mono.end();
  }
}
